//! Who is here, without a browser: the awareness payload each page sends to
//! the others of the room, the bookkeeping of the peers heard from, and the
//! palette people's colours come from.
//!
//! The payload is a version byte, then the postcard encoding of
//! [`State`]: the person's name and colour, this visit's Yrs client id
//! (the key of its `people` entry), whether the link lets them write,
//! their selection as two encoded Yrs sticky indices
//! ([`crate::document::Document::stick`]), so a remote caret stays on its words
//! while edits arrive before the next payload does, and the copy's heads
//! ([`crate::heads::Heads`], none until the page has caught up), so that
//! diverging copies are noticed. Whether the sender may write is the
//! envelope's to say (an editor signs its presence): a payload claiming
//! `can_write` from an unsigned peer is shown as a reader's. A later version may
//! append fields: the bytes after the ones this version knows are ignored.
//! A payload of another major version, or one that does not decode, is
//! ignored with a warning; nothing here panics on what a peer sent.
//!
//! [`Peers`] keeps the last state of each peer (by the relay's peer id),
//! forgets one that left or stayed silent for [`EXPIRY`], and holds at most
//! [`MAX_PEERS`]. Sealing, sending and the timers are the app's session's
//! job; showing them is its components'.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::heads::Heads;

/// The relay's id for a connection in a room (`protocol::PeerId`; this
/// crate does not depend on the protocol).
pub type PeerId = u64;

/// The payload's first byte. Another value is another, incompatible shape.
pub const VERSION: u8 = 1;
/// A peer not heard from for this long is gone (the heartbeat is a third).
pub const EXPIRY: Duration = Duration::from_secs(60);
/// How often a page says it is still here.
pub const HEARTBEAT: Duration = Duration::from_secs(20);
/// At most one payload per this delay while the caret moves.
pub const THROTTLE: Duration = Duration::from_millis(100);
/// The most peers kept; past it, the one silent longest is forgotten.
pub const MAX_PEERS: usize = 64;
/// Names are cut to this many characters.
pub const MAX_NAME_CHARS: usize = 40;
/// The largest payload read; a bigger one is ignored unread.
pub const MAX_PAYLOAD: usize = 4096;

/// The colour of text whose author is not in `people`, and of a name not
/// yet given.
pub const NEUTRAL: &str = "#6b6b6b";

/// People's colours: distinct hues, each dark enough for white text on it
/// and for a thin caret on white paper (contrast above 4.5:1 against
/// white, checked by the tests).
pub const PALETTE: [&str; 12] = [
    "#1d4e89", // blue
    "#a4262c", // red
    "#2e6b30", // green
    "#8a3ffc", // violet
    "#b35900", // orange
    "#00727a", // teal
    "#b0226e", // magenta
    "#5c4a00", // olive
    "#0f62fe", // bright blue
    "#6f4c9b", // plum
    "#8c4a2f", // brown
    "#3a5a40", // moss
];

/// A selection in the body as two encoded Yrs sticky indices (v1
/// encoding); `anchor == head` for a caret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sticky {
    #[serde(with = "serde_bytes")]
    pub anchor: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub head: Vec<u8>,
}

/// What one page tells the others about its person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub name: String,
    /// A `#rrggbb` colour.
    pub colour: String,
    /// This visit's Yrs client id.
    pub client: u64,
    pub can_write: bool,
    pub selection: Option<Sticky>,
    /// What the sender's copy holds, once it has caught up.
    pub heads: Option<Heads>,
}

/// Why a payload was ignored.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PresenceError {
    #[error("empty awareness payload")]
    Empty,
    #[error("awareness payload of {0} bytes, more than the {MAX_PAYLOAD} read")]
    TooLarge(usize),
    #[error("awareness payload of version {0}, this app reads version {VERSION}")]
    Version(u8),
    #[error("awareness payload does not decode: {0}")]
    Decode(#[from] postcard::Error),
    #[error("awareness payload with a colour that is not #rrggbb")]
    Colour,
}

impl State {
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = vec![VERSION];
        // Encoding into a Vec fails only on a serializer bug.
        bytes.extend(postcard::to_allocvec(self).expect("a State always encodes"));
        bytes
    }

    /// Read a peer's payload; see the module docs for what is refused.
    pub fn decode(bytes: &[u8]) -> Result<State, PresenceError> {
        if bytes.len() > MAX_PAYLOAD {
            return Err(PresenceError::TooLarge(bytes.len()));
        }
        let (&version, rest) = bytes.split_first().ok_or(PresenceError::Empty)?;
        if version != VERSION {
            return Err(PresenceError::Version(version));
        }
        let (mut state, _newer_fields): (State, _) = postcard::take_from_bytes(rest)?;
        if !is_colour(&state.colour) {
            return Err(PresenceError::Colour);
        }
        state.name = clean_name(&state.name);
        Ok(state)
    }
}

/// `#rrggbb`, nothing else: colours end up in style attributes.
pub fn is_colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A name as shown: trimmed, on one line, without bidi controls, at most
/// [`MAX_NAME_CHARS`].
pub fn clean_name(name: &str) -> String {
    let one_line: String = name
        .chars()
        .filter(|c| !is_bidi_control(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    one_line
        .trim()
        .chars()
        .take(MAX_NAME_CHARS)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// The characters that reorder text around them (embeddings, overrides,
/// isolates, marks): in a name, `"\u{202E}nimda"` would show as "admin"
/// and could turn the words after it around in the presence list.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// A colour for a person, from `random` in `[0, 1)`: chosen once and kept
/// in this browser (the app's `Presence`), so it is the same every visit.
pub fn pick_colour(random: f64) -> &'static str {
    let index = (random.clamp(0.0, 1.0) * PALETTE.len() as f64) as usize;
    PALETTE[index.min(PALETTE.len() - 1)]
}

/// A name as shown: `unnamed` when none was given.
pub fn display_name(name: &str, unnamed: &str) -> String {
    if name.trim().is_empty() {
        unnamed.to_owned()
    } else {
        name.to_owned()
    }
}

/// A peer as last heard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub id: PeerId,
    pub state: State,
    /// When it was last heard, in milliseconds.
    pub seen: u64,
}

/// What [`Peers::receive`] made of a payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heard {
    /// A peer not known before: it should be told about us.
    New,
    /// A known peer's new state.
    Known,
}

/// The peers of the room, by the relay's peer id.
#[derive(Clone, Debug, Default)]
pub struct Peers {
    peers: BTreeMap<PeerId, Peer>,
}

impl Peers {
    /// Take `peer`'s payload, heard at `now` (milliseconds). `signed`: the
    /// envelope carried an editor's signature; an unsigned peer is a
    /// reader, whatever its payload claims.
    pub fn receive(
        &mut self,
        peer: PeerId,
        payload: &[u8],
        signed: bool,
        now: u64,
    ) -> Result<Heard, PresenceError> {
        let mut state = State::decode(payload)?;
        state.can_write &= signed;
        let heard = if self.peers.contains_key(&peer) {
            Heard::Known
        } else {
            if self.peers.len() >= MAX_PEERS {
                if let Some(oldest) = self.peers.values().min_by_key(|p| p.seen).map(|p| p.id) {
                    self.peers.remove(&oldest);
                }
            }
            Heard::New
        };
        self.peers.insert(
            peer,
            Peer {
                id: peer,
                state,
                seen: now,
            },
        );
        Ok(heard)
    }

    /// The relay says `peer` left. Returns whether it was known.
    pub fn left(&mut self, peer: PeerId) -> bool {
        self.peers.remove(&peer).is_some()
    }

    /// Forget the peers silent for [`EXPIRY`] at `now`. Returns whether any was.
    pub fn expire(&mut self, now: u64) -> bool {
        let before = self.peers.len();
        let expiry = EXPIRY.as_millis() as u64;
        self.peers
            .retain(|_, p| now.saturating_sub(p.seen) < expiry);
        self.peers.len() != before
    }

    /// Forget everyone (the connection is gone: they will be heard again).
    pub fn clear(&mut self) -> bool {
        let had = !self.peers.is_empty();
        self.peers.clear();
        had
    }

    /// The peers, by peer id.
    pub fn iter(&self) -> impl Iterator<Item = &Peer> {
        self.peers.values()
    }

    pub fn len(&self) -> usize {
        self.peers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(name: &str) -> State {
        State {
            name: name.into(),
            colour: PALETTE[0].into(),
            client: 7,
            can_write: true,
            selection: Some(Sticky {
                anchor: vec![1, 2, 3],
                head: vec![4],
            }),
            heads: Some(Heads { sum: 9, digest: 3 }),
        }
    }

    #[test]
    fn a_state_round_trips() {
        let sent = state("Louise");
        assert_eq!(State::decode(&sent.encode()), Ok(sent));
    }

    #[test]
    fn fields_a_newer_app_appends_are_ignored() {
        let mut bytes = state("Jean").encode();
        bytes.extend([9, 9, 9]);
        assert_eq!(State::decode(&bytes).map(|s| s.name), Ok("Jean".into()));
    }

    #[test]
    fn malformed_payloads_are_refused_not_panicked_on() {
        assert_eq!(State::decode(&[]), Err(PresenceError::Empty));
        let mut other = state("x").encode();
        other[0] = 2;
        assert_eq!(State::decode(&other), Err(PresenceError::Version(2)));
        assert!(matches!(
            State::decode(&[VERSION, 0xff, 0xff]),
            Err(PresenceError::Decode(_))
        ));
        let full = state("x").encode();
        for cut in 1..full.len() {
            assert!(State::decode(&full[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(
            State::decode(&vec![VERSION; MAX_PAYLOAD + 1]),
            Err(PresenceError::TooLarge(MAX_PAYLOAD + 1))
        );
        let mut css = state("x");
        css.colour = "red; background: url(x)".into();
        assert_eq!(State::decode(&css.encode()), Err(PresenceError::Colour));
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("  Louise\nMichel  "), "Louise Michel");
        assert_eq!(
            clean_name("\u{202E}nimda\u{202C} \u{2067}Léa\u{2069}\u{200F}"),
            "nimda Léa"
        );
        assert_eq!(clean_name("عليّ"), "عليّ");
        assert_eq!(clean_name(&"é".repeat(100)).chars().count(), MAX_NAME_CHARS);
        let mut long = state(&format!("{}\u{7}", "a".repeat(80)));
        long.name = format!(" {}", long.name);
        let read = State::decode(&long.encode()).expect("decodes");
        assert_eq!(read.name, "a".repeat(MAX_NAME_CHARS));
    }

    #[test]
    fn a_name_not_given_is_shown_as_unnamed() {
        assert_eq!(display_name("  ", "anonyme"), "anonyme");
        assert_eq!(display_name("Louise", "anonyme"), "Louise");
    }

    #[test]
    fn colours_are_checked() {
        assert!(is_colour("#1d4e89"));
        assert!(!is_colour("#1d4e8"));
        assert!(!is_colour("1d4e89a"));
        assert!(!is_colour("#1d4e8g"));
        assert!(!is_colour("#1d4é9"));
    }

    fn luminance(colour: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&colour[i..i + 2], 16).expect("hex")) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    #[test]
    fn the_palette_is_distinct_and_readable_on_white() {
        let distinct: std::collections::HashSet<_> = PALETTE.iter().collect();
        assert_eq!(distinct.len(), PALETTE.len());
        for colour in PALETTE.iter().chain([&NEUTRAL]) {
            assert!(is_colour(colour), "{colour}");
            let contrast = 1.05 / (luminance(colour) + 0.05);
            assert!(
                contrast >= 4.5,
                "{colour}: contrast {contrast:.2} with white"
            );
        }
    }

    #[test]
    fn a_picked_colour_is_from_the_palette() {
        assert_eq!(pick_colour(0.0), PALETTE[0]);
        assert_eq!(pick_colour(0.999), PALETTE[PALETTE.len() - 1]);
        assert_eq!(pick_colour(1.0), PALETTE[PALETTE.len() - 1]);
        assert_eq!(pick_colour(f64::NAN), PALETTE[0]);
        let all: std::collections::HashSet<_> = (0..120)
            .map(|i| pick_colour(f64::from(i) / 120.0))
            .collect();
        assert_eq!(all.len(), PALETTE.len());
    }

    #[test]
    fn peers_are_new_then_known_and_leave() {
        let mut peers = Peers::default();
        let payload = state("Louise").encode();
        assert_eq!(peers.receive(3, &payload, true, 1_000), Ok(Heard::New));
        assert_eq!(peers.receive(3, &payload, true, 2_000), Ok(Heard::Known));
        assert_eq!(peers.len(), 1);
        assert_eq!(peers.iter().next().map(|p| p.seen), Some(2_000));
        assert!(peers.left(3));
        assert!(!peers.left(3));
        assert!(peers.is_empty());
    }

    #[test]
    fn an_unsigned_peer_claiming_to_write_is_shown_as_a_reader() {
        let mut peers = Peers::default();
        let mut claim = state("Forged");
        claim.can_write = true;
        peers
            .receive(7, &claim.encode(), false, 0)
            .expect("a payload that decodes");
        peers
            .receive(8, &claim.encode(), true, 0)
            .expect("a payload that decodes");
        let writes: Vec<(PeerId, bool)> = peers.iter().map(|p| (p.id, p.state.can_write)).collect();
        assert_eq!(writes, vec![(7, false), (8, true)]);
    }

    #[test]
    fn a_malformed_payload_leaves_the_peers_alone() {
        let mut peers = Peers::default();
        peers
            .receive(1, &state("A").encode(), true, 0)
            .expect("good");
        assert!(peers.receive(1, &[VERSION, 0xff], true, 10).is_err());
        assert!(peers.receive(2, &[0], true, 10).is_err());
        assert_eq!(peers.len(), 1);
        assert_eq!(
            peers.iter().next().map(|p| p.state.name.as_str()),
            Some("A")
        );
    }

    #[test]
    fn silent_peers_expire() {
        let mut peers = Peers::default();
        peers
            .receive(1, &state("A").encode(), true, 0)
            .expect("good");
        peers
            .receive(2, &state("B").encode(), true, 30_000)
            .expect("good");
        let expiry = EXPIRY.as_millis() as u64;
        assert!(!peers.expire(expiry - 1));
        assert!(peers.expire(expiry));
        let names: Vec<_> = peers.iter().map(|p| p.state.name.clone()).collect();
        assert_eq!(names, ["B"]);
    }

    #[test]
    fn the_number_of_peers_is_bounded() {
        let mut peers = Peers::default();
        for id in 0..(MAX_PEERS as u64 + 10) {
            peers
                .receive(id, &state("p").encode(), true, 100 + id)
                .expect("good");
        }
        assert_eq!(peers.len(), MAX_PEERS);
        // The ones silent longest went.
        assert_eq!(peers.iter().map(|p| p.id).min(), Some(10));
    }
}
