//! Edit, amend and view links. The keys travel in the fragment (after
//! `#`), which browsers never send to a server:
//!
//! ```text
//! edit link    https://host/#e=<S>.<check>
//! amend link   https://host/#a=<A>.<V>.<write_pk>.<check>
//! view link    https://host/#v=<V>.<write_pk>.<check>
//! ```
//!
//! Each part is unpadded base64url; `S`, `A`, `V` and `write_pk` (the text
//! room's) are 32 bytes (43 characters). `check` is the first 3 bytes (4
//! characters) of `SHA-256("cahier/v1/link" ‖ kind ‖ payload)`, where
//! `kind` is the byte `e`, `a` or `v` and `payload` the decoded key bytes
//! in link order. Links get
//! cut by chat apps and mangled by hand; without a check a damaged edit link
//! would silently open an empty document in some other room. With it, a
//! truncated or altered link is refused with an error saying which.
//!
//! A viewer needs `write_pk` to check the editors' signatures; the view
//! secret alone cannot produce an edit link, nor the amend secret one:
//! an amend link writes only the amendment room ([`crate::keys`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::keys::{AmendSecret, DocKeys, EditSecret, ViewSecret, WriterKey, KEY_LEN};

const CHECK_LEN: usize = 3;
const KEY_CHARS: usize = 43;
const CHECK_CHARS: usize = 4;

/// A parsed document link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    Edit(EditSecret),
    Amend {
        amend: AmendSecret,
        view: ViewSecret,
        writer: WriterKey,
    },
    View {
        view: ViewSecret,
        writer: WriterKey,
    },
}

/// What a link lets its holder do, from the strongest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads both rooms, writes both: the text, decisions, versions,
    /// amendments.
    Edit,
    /// Reads both rooms, writes only the amendment room.
    Amend,
    /// Reads both rooms, writes neither.
    View,
}

/// Why a link could not be opened. The messages are meant for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this link has no document key: the part after # is missing")]
    NoKey,
    #[error("this link is incomplete: it was probably cut when it was copied")]
    Truncated,
    #[error("this link is damaged: some characters were changed when it was copied")]
    Damaged,
}

fn check(kind: u8, parts: &[&[u8]]) -> [u8; CHECK_LEN] {
    let mut hash = Sha256::new()
        .chain_update(b"cahier/v1/link")
        .chain_update([kind]);
    for part in parts {
        hash.update(part);
    }
    let digest = hash.finalize();
    let mut out = [0u8; CHECK_LEN];
    out.copy_from_slice(&digest[..CHECK_LEN]);
    out
}

/// Decode one 32-byte part, telling a short part from a bad one.
fn key_part(text: &str) -> Result<[u8; KEY_LEN], LinkError> {
    if text.len() < KEY_CHARS {
        return Err(LinkError::Truncated);
    }
    if text.len() > KEY_CHARS {
        return Err(LinkError::Damaged);
    }
    let bytes = B64.decode(text).map_err(|_| LinkError::Damaged)?;
    <[u8; KEY_LEN]>::try_from(bytes.as_slice()).map_err(|_| LinkError::Damaged)
}

fn check_part(text: Option<&str>, expected: [u8; CHECK_LEN]) -> Result<(), LinkError> {
    let text = text.ok_or(LinkError::Truncated)?;
    if text.len() < CHECK_CHARS {
        return Err(LinkError::Truncated);
    }
    match B64.decode(text) {
        Ok(bytes) if bytes.as_slice() == expected => Ok(()),
        _ => Err(LinkError::Damaged),
    }
}

impl Link {
    /// Parse a whole URL, a bare fragment (`#e=…`), or the value after `#`.
    /// Surrounding whitespace, and the line breaks some mail clients insert
    /// into long links, are ignored.
    pub fn parse(input: &str) -> Result<Self, LinkError> {
        let cleaned: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let fragment = match cleaned.split_once('#') {
            Some((_, fragment)) => fragment,
            None => cleaned.as_str(),
        };
        let (kind, value) = fragment
            .split('&')
            .find_map(|pair| match pair.split_once('=') {
                Some(("e", value)) => Some((b'e', value)),
                Some(("a", value)) => Some((b'a', value)),
                Some(("v", value)) => Some((b'v', value)),
                _ => None,
            })
            .ok_or(LinkError::NoKey)?;
        if value.is_empty() {
            return Err(LinkError::Truncated);
        }
        let mut parts = value.split('.');
        match kind {
            b'e' => {
                let secret = key_part(parts.next().unwrap_or_default())?;
                check_part(parts.next(), check(b'e', &[&secret]))?;
                if parts.next().is_some() {
                    return Err(LinkError::Damaged);
                }
                Ok(Link::Edit(EditSecret::from_bytes(secret)))
            }
            b'a' => {
                let amend = key_part(parts.next().unwrap_or_default())?;
                let view = key_part(parts.next().ok_or(LinkError::Truncated)?)?;
                let pk = key_part(parts.next().ok_or(LinkError::Truncated)?)?;
                check_part(parts.next(), check(b'a', &[&amend, &view, &pk]))?;
                if parts.next().is_some() {
                    return Err(LinkError::Damaged);
                }
                let writer = WriterKey::from_bytes(&pk).map_err(|_| LinkError::Damaged)?;
                Ok(Link::Amend {
                    amend: AmendSecret::from_bytes(amend),
                    view: ViewSecret::from_bytes(view),
                    writer,
                })
            }
            _ => {
                let view = key_part(parts.next().unwrap_or_default())?;
                let pk = key_part(parts.next().ok_or(LinkError::Truncated)?)?;
                check_part(parts.next(), check(b'v', &[&view, &pk]))?;
                if parts.next().is_some() {
                    return Err(LinkError::Damaged);
                }
                let writer = WriterKey::from_bytes(&pk).map_err(|_| LinkError::Damaged)?;
                Ok(Link::View {
                    view: ViewSecret::from_bytes(view),
                    writer,
                })
            }
        }
    }

    /// The fragment, without the `#`.
    pub fn fragment(&self) -> String {
        match self {
            Link::Edit(secret) => {
                let s = secret.as_bytes();
                format!("e={}.{}", B64.encode(s), B64.encode(check(b'e', &[s])))
            }
            Link::Amend {
                amend,
                view,
                writer,
            } => {
                let (a, v, pk) = (amend.as_bytes(), view.as_bytes(), writer.to_bytes());
                format!(
                    "a={}.{}.{}.{}",
                    B64.encode(a),
                    B64.encode(v),
                    B64.encode(pk),
                    B64.encode(check(b'a', &[a, v, &pk]))
                )
            }
            Link::View { view, writer } => {
                let v = view.as_bytes();
                let pk = writer.to_bytes();
                format!(
                    "v={}.{}.{}",
                    B64.encode(v),
                    B64.encode(pk),
                    B64.encode(check(b'v', &[v, &pk]))
                )
            }
        }
    }

    /// A full link on `base` (such as `https://cahier.example/`); any
    /// fragment already on `base` is replaced.
    pub fn to_url(&self, base: &str) -> String {
        let base = base.split('#').next().unwrap_or(base);
        format!("{base}#{}", self.fragment())
    }

    /// The view link that goes with this link (itself, for a view link).
    pub fn to_view(&self) -> Link {
        match self {
            Link::Edit(secret) => Link::View {
                view: secret.view_secret(),
                writer: DocKeys::from_edit(secret).writer(),
            },
            Link::Amend { view, writer, .. } => Link::View {
                view: view.clone(),
                writer: *writer,
            },
            view @ Link::View { .. } => view.clone(),
        }
    }

    /// The amend link that goes with this link: from an edit link, or
    /// itself; a view link has none.
    pub fn to_amend(&self) -> Option<Link> {
        match self {
            Link::Edit(secret) => Some(Link::Amend {
                amend: secret.amend_secret(),
                view: secret.view_secret(),
                writer: DocKeys::from_edit(secret).writer(),
            }),
            amend @ Link::Amend { .. } => Some(amend.clone()),
            Link::View { .. } => None,
        }
    }

    pub fn role(&self) -> Role {
        match self {
            Link::Edit(_) => Role::Edit,
            Link::Amend { .. } => Role::Amend,
            Link::View { .. } => Role::View,
        }
    }

    /// The text room's keys: an editor's, or a reader's for the others.
    pub fn keys(&self) -> DocKeys {
        match self {
            Link::Edit(secret) => DocKeys::from_edit(secret),
            Link::Amend { view, writer, .. } | Link::View { view, writer } => {
                DocKeys::from_view(view.clone(), *writer)
            }
        }
    }

    /// The amendment room's `write_pk`, when the link can derive it (an
    /// edit or an amend link); a view link finds it in the text's `meta`.
    pub fn amendment_writer(&self) -> Option<WriterKey> {
        match self {
            Link::Edit(secret) => Some(secret.amend_secret().writer()),
            Link::Amend { amend, .. } => Some(amend.writer()),
            Link::View { .. } => None,
        }
    }

    /// The amendment room's keys: writing ones for an edit or an amend
    /// link; for a view link, reading ones given the room's `write_pk`
    /// (from the text's `meta`), `None` without it.
    pub fn amendment_keys(&self, recorded: Option<WriterKey>) -> Option<DocKeys> {
        match self {
            Link::Edit(secret) => Some(DocKeys::amendments_with(
                &secret.view_secret(),
                &secret.amend_secret(),
            )),
            Link::Amend { amend, view, .. } => Some(DocKeys::amendments_with(view, amend)),
            Link::View { view, .. } => {
                recorded.map(|writer| DocKeys::amendments_read(view, writer))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit() -> Link {
        Link::Edit(EditSecret::from_bytes(std::array::from_fn(|i| i as u8)))
    }

    fn amend() -> Link {
        edit().to_amend().expect("an edit link has an amend link")
    }

    #[test]
    fn links_round_trip() {
        for link in [edit(), amend(), edit().to_view()] {
            let url = link.to_url("https://cahier.example/");
            assert_eq!(Link::parse(&url), Ok(link.clone()));
            assert_eq!(Link::parse(&link.fragment()), Ok(link.clone()));
            assert_eq!(Link::parse(&format!("  #{}\n", link.fragment())), Ok(link));
        }
    }

    #[test]
    fn edit_link_has_the_documented_shape() {
        let url = edit().to_url("https://h/#old");
        assert!(url.starts_with("https://h/#e="), "{url}");
        assert_eq!(url.len(), "https://h/#e=".len() + 43 + 1 + 4);
    }

    #[test]
    fn a_view_link_opens_read_only_keys_for_the_same_room() {
        let view = edit().to_view();
        assert!(!view.keys().can_write());
        assert_eq!(view.keys().room(), edit().keys().room());
        assert!(view.fragment().starts_with("v="));
    }

    #[test]
    fn an_amend_link_reads_the_text_writes_only_the_amendments_and_yields_no_edit_link() {
        let link = amend();
        assert!(link.fragment().starts_with("a="), "{}", link.fragment());
        assert_eq!(link.role(), Role::Amend);
        assert!(!link.keys().can_write(), "the text room is read only");
        assert_eq!(link.keys().room(), edit().keys().room());
        let own = link.amendment_keys(None).expect("derived from A");
        assert!(own.can_write());
        let editors = edit().amendment_keys(None).expect("derived from S");
        assert_eq!(own.room(), editors.room());
        assert_eq!(link.to_view(), edit().to_view());
        assert_eq!(link.to_amend(), Some(link.clone()));
        let view = edit().to_view();
        assert_eq!(
            view.to_amend(),
            None,
            "a view link never yields an amend link"
        );
        assert_eq!(view.amendment_keys(None).map(|k| k.room()), None);
        let read = view
            .amendment_keys(link.amendment_writer())
            .expect("with the recorded key");
        assert_eq!(read.room(), own.room());
        assert!(!read.can_write());
        assert!(Role::Edit < Role::Amend && Role::Amend < Role::View);
    }

    #[test]
    fn every_truncation_is_refused() {
        for link in [edit(), amend(), edit().to_view()] {
            let url = link.to_url("https://h/");
            let start = url.find('#').unwrap_or_default() + 3;
            for cut in start..url.len() {
                let err = Link::parse(&url[..cut]).expect_err("a cut link must not parse");
                assert!(
                    matches!(err, LinkError::Truncated | LinkError::Damaged),
                    "{cut}: {err:?}"
                );
            }
        }
        assert_eq!(Link::parse("https://h/#e="), Err(LinkError::Truncated));
    }

    #[test]
    fn every_changed_character_is_refused() {
        for link in [edit(), amend(), edit().to_view()] {
            let url = link.to_url("https://h/");
            let start = url.find('#').unwrap_or_default() + 3;
            for at in start..url.len() {
                let mut bytes = url.clone().into_bytes();
                bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
                let damaged = String::from_utf8(bytes).unwrap_or_default();
                assert!(Link::parse(&damaged).is_err(), "changed at {at}: {damaged}");
            }
        }
    }

    #[test]
    fn a_link_without_a_key_says_so() {
        assert_eq!(Link::parse("https://h/"), Err(LinkError::NoKey));
        assert_eq!(Link::parse("https://h/#x=1"), Err(LinkError::NoKey));
        assert_eq!(Link::parse(""), Err(LinkError::NoKey));
    }

    #[test]
    fn characters_past_the_end_are_damage_not_truncation() {
        for link in [edit(), amend(), edit().to_view()] {
            let url = format!("{}A", link.to_url("https://h/"));
            assert_eq!(Link::parse(&url), Err(LinkError::Damaged), "{url}");
        }
        let key = "A".repeat(44);
        assert_eq!(
            Link::parse(&format!("#e={key}.AAAA")),
            Err(LinkError::Damaged)
        );
    }
}
