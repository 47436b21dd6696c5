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

use crate::document::Person;
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

/// People's colours: ten hues no one mistakes for each other, as a caret
/// or as the highlight behind a person's words (CIEDE2000 distance at
/// least 18 between two colours, and from [`NEUTRAL`]; at least 7 between
/// their highlights), each dark enough for white text on it and for a
/// thin caret on white paper (contrast at least 4.5:1 with white), and
/// the text readable on its highlight on white and on the dark theme's
/// paper (4.5:1); all checked by the tests. [`COLOUR_NAMES`] names them.
pub const PALETTE: [&str; 10] = [
    "#3344cc", // blue
    "#dd2233", // red
    "#007700", // green
    "#bb00ee", // violet
    "#994400", // orange
    "#007777", // teal
    "#dd0077", // pink
    "#776600", // olive
    "#2277bb", // sky blue
    "#774477", // plum
];

/// The English names of [`PALETTE`]'s colours, as the app's catalogue
/// keys them (the app shows them translated).
pub const COLOUR_NAMES: [&str; 10] = [
    "blue", "red", "green", "violet", "orange", "teal", "pink", "olive", "sky blue", "plum",
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
/// It is the person's preference; [`room_colour`] says what a room shows.
pub fn pick_colour(random: f64) -> &'static str {
    let index = (random.clamp(0.0, 1.0) * PALETTE.len() as f64) as usize;
    PALETTE[index.min(PALETTE.len() - 1)]
}

/// How firmly someone holds a colour in a room; the lower holds. Words
/// already written in a colour come before a presence only: an entry of
/// `people` beats a person who is only here, so a newcomer never takes
/// the colour of words already on the page. Between entries, the lowest
/// client id; between people only here, the lowest visit client id.
/// Every page computes the same order from what they all see (`people`
/// and the presence payloads), so they agree on who keeps a colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hold {
    /// An entry of `people` in this colour, with this client id.
    Written(u64),
    /// Here with this colour, this visit's client id.
    Here(u64),
}

/// Someone else's hold on a colour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub colour: String,
    pub hold: Hold,
    /// Their name as given (possibly empty), to say who has a colour.
    pub name: String,
}

/// This browser's person, as [`claims`] and [`room_colour`] need them.
#[derive(Clone, Copy, Debug)]
pub struct Me<'a> {
    /// The browser's identity ([`crate::schema::person::IDENTITY`]).
    pub identity: &'a str,
    pub name: &'a str,
    /// The colour the person chose (or was given once in this browser).
    pub preferred: &'a str,
    /// This visit's Yrs client id.
    pub client: u64,
}

impl Me<'_> {
    /// Whether a `people` entry is this person's: written with this
    /// browser's identity, or, for an entry older than identities, with
    /// this person's name (not empty) and preferred colour.
    pub fn owns(&self, person: &Person) -> bool {
        match &person.identity {
            Some(identity) => identity == self.identity,
            None => {
                !self.name.is_empty() && person.name == self.name && person.colour == self.preferred
            }
        }
    }
}

/// The colours in a room as one page sees them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claims {
    /// This person's entries in `people` (earlier visits' and this one's),
    /// by client id.
    pub mine: Vec<(u64, Person)>,
    /// Everyone else's: their entries in `people`, and the peers here.
    pub others: Vec<Claim>,
}

impl Claims {
    /// Who holds `colour`, besides this person: the firmest holder's name.
    pub fn holder(&self, colour: &str) -> Option<&Claim> {
        self.others
            .iter()
            .filter(|claim| claim.colour == colour)
            .min_by_key(|claim| claim.hold)
    }
}

/// Sort what a page knows into this person's entries and the others'
/// claims: `people` (by client id, as [`crate::Document::people`] lists
/// them) and the states of the peers here. A peer speaking for one of
/// this person's entries (this visit's, or another tab's) is not someone
/// else. Colours that are not `#rrggbb` claim nothing.
pub fn claims<'a>(
    me: &Me,
    people: &[(u64, Person)],
    peers: impl IntoIterator<Item = &'a State>,
) -> Claims {
    let mut claims = Claims::default();
    for (client, person) in people {
        if me.owns(person) {
            claims.mine.push((*client, person.clone()));
        } else if is_colour(&person.colour) {
            claims.others.push(Claim {
                colour: person.colour.clone(),
                hold: Hold::Written(*client),
                name: person.name.clone(),
            });
        }
    }
    for state in peers {
        let mine = state.client == me.client || claims.mine.iter().any(|(c, _)| *c == state.client);
        if !mine {
            claims.others.push(Claim {
                colour: state.colour.clone(),
                hold: Hold::Here(state.client),
                name: state.name.clone(),
            });
        }
    }
    claims
}

/// The colour this person shows in the room, so that two people here (or
/// in `people`) never have the same one while the palette lasts:
/// 1. the colour of their words already in `people` (the earliest entry),
///    so a person keeps one colour in a document, visit after visit;
/// 2. else the colour they prefer;
///
/// each unless someone holds it more firmly ([`Hold`]). Else the first
/// colour of the palette after the preferred one that nobody else has;
/// else (more people than colours) the first that nobody holds more
/// firmly; else the preferred one. The one who yields is the one who
/// changes colour, and tells the others: everyone sees the colour each
/// person says they have, so every browser shows the same.
pub fn room_colour(me: &Me, claims: &Claims) -> String {
    let hold = |colour: &str| {
        claims
            .mine
            .iter()
            .filter(|(_, person)| person.colour == colour)
            .map(|(client, _)| Hold::Written(*client))
            .min()
            .unwrap_or(Hold::Here(me.client))
    };
    let held = |colour: &str| {
        let mine = hold(colour);
        claims
            .others
            .iter()
            .any(|claim| claim.colour == colour && claim.hold < mine)
    };
    let used = |colour: &str| claims.others.iter().any(|claim| claim.colour == colour);
    let mut earliest: Vec<&(u64, Person)> = claims.mine.iter().collect();
    earliest.sort_by_key(|(client, _)| *client);
    let kept = earliest
        .into_iter()
        .map(|(_, person)| person.colour.as_str())
        .chain([me.preferred])
        .find(|colour| is_colour(colour) && !held(colour));
    if let Some(colour) = kept {
        return colour.to_owned();
    }
    let start = PALETTE
        .iter()
        .position(|colour| *colour == me.preferred)
        .unwrap_or(PALETTE.len() - 1);
    let after = (1..=PALETTE.len()).map(|i| PALETTE[(start + i) % PALETTE.len()]);
    after
        .clone()
        .find(|colour| !used(colour))
        .or_else(|| after.clone().find(|colour| !held(colour)))
        .unwrap_or(if is_colour(me.preferred) {
            me.preferred
        } else {
            PALETTE[0]
        })
        .to_owned()
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

    fn rgb(colour: &str) -> [f64; 3] {
        [1, 3, 5].map(|i| f64::from(u8::from_str_radix(&colour[i..i + 2], 16).expect("hex")))
    }

    fn linear(c: f64) -> f64 {
        let c = c / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    fn luminance([r, g, b]: [f64; 3]) -> f64 {
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// WCAG's contrast ratio.
    fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// `colour` at `alpha` over `paper`, as the backdrop draws a highlight.
    fn over(colour: [f64; 3], alpha: f64, paper: [f64; 3]) -> [f64; 3] {
        [0, 1, 2].map(|i| (alpha * colour[i] + (1.0 - alpha) * paper[i]).round())
    }

    /// CIE L*a*b* (D65) of an sRGB colour.
    fn lab([r, g, b]: [f64; 3]) -> [f64; 3] {
        let (r, g, b) = (linear(r), linear(g), linear(b));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    /// The CIEDE2000 colour difference (Sharma, Wu and Dalal's
    /// formulation): about 2 is barely seen, above 10 plainly different.
    fn delta_e([l1, a1, b1]: [f64; 3], [l2, a2, b2]: [f64; 3]) -> f64 {
        let pow7 = |x: f64| x.powi(7);
        let c_mean = (a1.hypot(b1) + a2.hypot(b2)) / 2.0;
        let g = 0.5 * (1.0 - (pow7(c_mean) / (pow7(c_mean) + pow7(25.0))).sqrt());
        let (a1, a2) = ((1.0 + g) * a1, (1.0 + g) * a2);
        let (c1, c2) = (a1.hypot(b1), a2.hypot(b2));
        let hue = |b: f64, a: f64| b.atan2(a).to_degrees().rem_euclid(360.0);
        let (h1, h2) = (hue(b1, a1), hue(b2, a2));
        let dh = if c1 * c2 == 0.0 {
            0.0
        } else if (h2 - h1).abs() <= 180.0 {
            h2 - h1
        } else if h2 > h1 {
            h2 - h1 - 360.0
        } else {
            h2 - h1 + 360.0
        };
        let big_dh = 2.0 * (c1 * c2).sqrt() * (dh / 2.0).to_radians().sin();
        let l_mean = (l1 + l2) / 2.0;
        let c_mean = (c1 + c2) / 2.0;
        let h_mean = if c1 * c2 == 0.0 {
            h1 + h2
        } else if (h1 - h2).abs() <= 180.0 {
            (h1 + h2) / 2.0
        } else if h1 + h2 < 360.0 {
            (h1 + h2 + 360.0) / 2.0
        } else {
            (h1 + h2 - 360.0) / 2.0
        };
        let cos = |deg: f64| deg.to_radians().cos();
        let t = 1.0 - 0.17 * cos(h_mean - 30.0)
            + 0.24 * cos(2.0 * h_mean)
            + 0.32 * cos(3.0 * h_mean + 6.0)
            - 0.20 * cos(4.0 * h_mean - 63.0);
        let rotation = 30.0 * (-((h_mean - 275.0) / 25.0).powi(2)).exp();
        let rc = 2.0 * (pow7(c_mean) / (pow7(c_mean) + pow7(25.0))).sqrt();
        let sl = 1.0 + 0.015 * (l_mean - 50.0).powi(2) / (20.0 + (l_mean - 50.0).powi(2)).sqrt();
        let sc = 1.0 + 0.045 * c_mean;
        let sh = 1.0 + 0.015 * c_mean * t;
        let rt = -(2.0 * rotation).to_radians().sin() * rc;
        let (dl, dc, dh) = ((l2 - l1) / sl, (c2 - c1) / sc, big_dh / sh);
        (dl * dl + dc * dc + dh * dh + rt * dc * dh).sqrt()
    }

    #[test]
    fn colour_differences_match_sharma_s_reference_pairs() {
        // From Sharma, Wu and Dalal (2005), table 1.
        let pairs = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, -1.0, 2.0], [50.0, 0.0, 0.0], 2.3669),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
            (
                [60.2574, -34.0099, 36.2677],
                [60.4626, -34.1751, 39.4387],
                1.2644,
            ),
            (
                [22.7233, 20.0904, -46.6940],
                [23.0331, 14.9730, -42.5619],
                2.0373,
            ),
        ];
        for (a, b, expected) in pairs {
            let d = delta_e(a, b);
            assert!(
                (d - expected).abs() < 1e-3,
                "{a:?} {b:?}: {d} not {expected}"
            );
        }
    }

    /// The app's inks and papers (styles/main.css) and the highlight's
    /// alpha (app/src/backdrop.rs, `38` in hex).
    const WHITE: [f64; 3] = [255.0, 255.0, 255.0];
    const LIGHT_INK: [f64; 3] = [0x1b as f64, 0x1f as f64, 0x24 as f64];
    const DARK_PAPER: [f64; 3] = [0x16 as f64, 0x19 as f64, 0x1d as f64];
    const DARK_INK: [f64; 3] = [0xe8 as f64, 0xea as f64, 0xed as f64];
    const HIGHLIGHT: f64 = 0x38 as f64 / 255.0;

    #[test]
    fn the_palette_is_readable_on_white_and_under_text_in_both_themes() {
        for colour in PALETTE.iter().chain([&NEUTRAL]) {
            assert!(is_colour(colour), "{colour}");
            let c = rgb(colour);
            let on_white = contrast(c, WHITE);
            assert!(
                on_white >= 4.5,
                "{colour}: contrast {on_white:.2} with white"
            );
            let light = contrast(LIGHT_INK, over(c, HIGHLIGHT, WHITE));
            assert!(light >= 4.5, "{colour}: text on its highlight {light:.2}");
            let dark = contrast(DARK_INK, over(c, HIGHLIGHT, DARK_PAPER));
            assert!(
                dark >= 4.5,
                "{colour}: dark theme text on its highlight {dark:.2}"
            );
        }
    }

    #[test]
    fn no_two_colours_of_the_palette_are_near_twins() {
        let distinct: std::collections::HashSet<_> = PALETTE.iter().collect();
        assert_eq!(distinct.len(), PALETTE.len());
        assert_eq!(COLOUR_NAMES.len(), PALETTE.len());
        let all: Vec<&str> = PALETTE.iter().copied().chain([NEUTRAL]).collect();
        let mut closest = f64::MAX;
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                let solid = delta_e(lab(rgb(a)), lab(rgb(b)));
                assert!(solid >= 18.0, "{a} and {b}: CIEDE2000 {solid:.1}");
                let tints = delta_e(
                    lab(over(rgb(a), HIGHLIGHT, WHITE)),
                    lab(over(rgb(b), HIGHLIGHT, WHITE)),
                );
                assert!(
                    tints >= 7.0,
                    "{a} and {b} as highlights: CIEDE2000 {tints:.1}"
                );
                closest = closest.min(solid);
            }
        }
        // The palette this one replaced had green #2e6b30 and moss #3a5a40
        // at 10.0: the test would have caught them.
        assert!(delta_e(lab(rgb("#2e6b30")), lab(rgb("#3a5a40"))) < 18.0);
        assert!(closest < 40.0, "the bound is not vacuous: {closest:.1}");
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

    fn person(name: &str, colour: &str, identity: Option<&str>) -> Person {
        Person {
            name: name.into(),
            colour: colour.into(),
            identity: identity.map(str::to_owned),
        }
    }

    fn here(name: &str, colour: &str, client: u64) -> State {
        State {
            name: name.into(),
            colour: colour.into(),
            client,
            can_write: true,
            selection: None,
            heads: None,
        }
    }

    fn me(preferred: &str, client: u64) -> Me<'_> {
        Me {
            identity: "aa",
            name: "Louise",
            preferred,
            client,
        }
    }

    /// The colour `me` shows, given `people` and the peers here.
    fn colour_of(me: &Me, people: &[(u64, Person)], peers: &[State]) -> String {
        room_colour(me, &claims(me, people, peers))
    }

    #[test]
    fn a_free_preferred_colour_is_kept() {
        let [blue, red, ..] = PALETTE;
        let jean = here("Jean", red, 50);
        assert_eq!(colour_of(&me(blue, 9), &[], &[jean]), blue);
        assert_eq!(colour_of(&me(blue, 9), &[], &[]), blue);
    }

    #[test]
    fn of_two_people_here_with_one_colour_the_later_visit_yields_and_both_agree() {
        let [blue, red, green, ..] = PALETTE;
        let louise = Me {
            identity: "aa",
            name: "Louise",
            preferred: blue,
            client: 10,
        };
        let jean = Me {
            identity: "bb",
            name: "Jean",
            preferred: blue,
            client: 20,
        };
        // Each page computes its own colour from the other's presence.
        let louise_sees = colour_of(&louise, &[], &[here("Jean", blue, 20)]);
        let jean_sees = colour_of(&jean, &[], &[here("Louise", blue, 10)]);
        assert_eq!(louise_sees, blue, "the lower client id keeps it");
        assert_eq!(jean_sees, red, "the next free colour after blue");
        // Once Jean told his new colour, nothing moves any more.
        assert_eq!(colour_of(&louise, &[], &[here("Jean", red, 20)]), blue);
        assert_eq!(colour_of(&jean, &[], &[here("Louise", blue, 10)]), red);
        // The next colour is skipped when someone else has it.
        let others = [here("Louise", blue, 10), here("Ali", red, 5)];
        assert_eq!(colour_of(&jean, &[], &others), green);
    }

    #[test]
    fn words_already_written_keep_their_colour_against_a_newcomer() {
        let [blue, red, ..] = PALETTE;
        // Jean wrote in blue (an entry with a higher client id than
        // Louise's visit): Louise, only here, yields to his words.
        let people = [(99, person("Jean", blue, Some("bb")))];
        let louise = me(blue, 10);
        assert_eq!(colour_of(&louise, &people, &[here("Jean", blue, 99)]), red);
        // Even when Jean is not here.
        assert_eq!(colour_of(&louise, &people, &[]), red);
        // Jean, whose entry it is, keeps blue.
        let jean = Me {
            identity: "bb",
            name: "Jean",
            preferred: blue,
            client: 99,
        };
        assert_eq!(colour_of(&jean, &people, &[here("Louise", blue, 10)]), blue);
    }

    #[test]
    fn a_person_keeps_the_colour_of_their_words_in_a_document() {
        let [blue, red, green, ..] = PALETTE;
        // An earlier visit of this browser wrote in green; the person
        // prefers blue now, and blue is free: the words' colour stays.
        let people = [
            (3, person("Louise", green, Some("aa"))),
            (4, person("Jean", red, Some("bb"))),
        ];
        assert_eq!(colour_of(&me(blue, 10), &people, &[]), green);
        // Someone holding green more firmly takes it back: then blue.
        let firmer = [(1, person("Ali", green, Some("cc")))];
        let people: Vec<_> = firmer.into_iter().chain(people).collect();
        assert_eq!(colour_of(&me(blue, 10), &people, &[]), blue);
    }

    #[test]
    fn entries_older_than_identities_are_this_person_s_by_name_and_colour() {
        let [blue, red, ..] = PALETTE;
        let louise = me(blue, 10);
        assert!(louise.owns(&person("Louise", blue, None)));
        assert!(!louise.owns(&person("Louise", red, None)));
        assert!(!louise.owns(&person("Jean", blue, None)));
        assert!(!louise.owns(&person("Louise", blue, Some("bb"))));
        assert!(louise.owns(&person("Jean", red, Some("aa"))));
        let unnamed = Me { name: "", ..louise };
        assert!(!unnamed.owns(&person("", blue, None)));
        // So an old document's own words do not push her off her colour.
        let people = [(2, person("Louise", blue, None))];
        assert_eq!(colour_of(&louise, &people, &[]), blue);
        let claims = claims(&louise, &people, &[]);
        assert_eq!(claims.mine.len(), 1);
        assert!(claims.others.is_empty());
    }

    #[test]
    fn a_peer_speaking_for_this_person_s_entry_is_not_someone_else() {
        let [blue, ..] = PALETTE;
        let people = [(7, person("Louise", blue, Some("aa")))];
        let claims = claims(
            &me(blue, 10),
            &people,
            &[here("Louise", blue, 7), here("Louise", blue, 10)],
        );
        assert!(claims.others.is_empty(), "{claims:?}");
    }

    #[test]
    fn with_more_people_than_colours_a_colour_is_shared_rather_than_none() {
        let peers: Vec<State> = PALETTE
            .iter()
            .enumerate()
            .map(|(i, colour)| here("p", colour, 100 + i as u64))
            .collect();
        let [blue, red, ..] = PALETTE;
        // Everyone else holds more firmly? No: they came later (higher
        // client ids): Louise keeps blue, the one with blue yields.
        assert_eq!(colour_of(&me(blue, 1), &[], &peers), blue);
        // Louise came last: every colour is held; she takes none twice.
        let last = colour_of(&me(blue, 1_000), &[], &peers);
        assert_eq!(last, blue, "all held: the preferred one");
        // When only one colour is held more firmly, the first that is not.
        let mut later = peers.clone();
        for state in later.iter_mut().skip(1) {
            state.client += 10_000;
        }
        assert_eq!(colour_of(&me(blue, 1_000), &[], &later), red);
        // Colours that are not colours claim nothing.
        let odd = [here("x", "red", 1), here("y", "#12345g", 2)];
        assert!(claims(&me(blue, 10), &[], &odd).others.len() == 2);
        assert_eq!(colour_of(&me(blue, 10), &[], &odd), blue);
        assert_eq!(colour_of(&me("nonsense", 10), &[], &[]), PALETTE[0]);
    }

    #[test]
    fn only_a_firmer_hold_pushes_a_person_off_a_colour() {
        let [blue, ..] = PALETTE;
        let louise = me(blue, 10);
        // A hold equal to hers (which `claims` never makes: it is hers)
        // does not push her, a firmer one does.
        let equal = Claims {
            mine: Vec::new(),
            others: vec![Claim {
                colour: blue.into(),
                hold: Hold::Here(10),
                name: "x".into(),
            }],
        };
        assert_eq!(room_colour(&louise, &equal), blue);
        let firmer = Claims {
            others: vec![Claim {
                hold: Hold::Here(9),
                ..equal.others[0].clone()
            }],
            ..equal
        };
        assert_ne!(room_colour(&louise, &firmer), blue);
    }

    #[test]
    fn the_holder_of_a_colour_is_the_firmest() {
        let [blue, red, ..] = PALETTE;
        let people = [(40, person("Jean", blue, Some("bb")))];
        let claims = claims(&me(red, 10), &people, &[here("Ali", blue, 5)]);
        assert_eq!(claims.holder(blue).map(|c| c.name.as_str()), Some("Jean"));
        assert_eq!(claims.holder(red), None);
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
