//! The keepers' decisions, in the text room's [`crate::schema::DECISIONS`] array:
//! events appended, never changed, read in array order (the order every
//! copy agrees on once merged). Only edit links write the text room, so
//! these events need no signature of their own: the room's write key is
//! the keepers'.
//!
//! - `register`: the amendment gets its number. Numbers are registered by
//!   keepers' browsers while online and caught up, in filing order, each
//!   the next free one; an amendment shows a provisional mark until then.
//!   Two keepers registering at the same moment can both pick the same
//!   number; in array order the first registration of a number keeps it,
//!   a later one for another amendment is ignored, and that amendment is
//!   registered again with the next number. The window for this is one
//!   round trip to the relay, and the number never changes after.
//! - `status`: from → to, who, when, votes, a note; for a fallen
//!   amendment, the adopted one that replaced its passage (`because`).
//!   The first event taking an amendment out of `filed` records the
//!   revision the keepers saw (`rev`): later revisions by its author do
//!   not count.

use std::collections::{HashMap, HashSet};

use yrs::{Any, Array, Number, Out, Transact};

use super::Status;
use crate::document::Document;
use crate::schema::decision as key;

/// A vote's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    /// "Adopté à l'unanimité", without counts.
    pub unanimous: bool,
}

/// One change of status, as the amendment's history shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub from: Status,
    pub to: Status,
    /// The keeper's name, and their yrs client.
    pub by: String,
    pub client: u64,
    pub time: i64,
    pub counts: Option<Counts>,
    pub note: String,
    /// For a fallen one: the adopted amendment that replaced its passage.
    pub because: Option<String>,
}

/// What the keepers decided about one amendment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decided {
    pub number: Option<u32>,
    /// Status changes, in order; the last one's `to` stands.
    pub history: Vec<Change>,
    /// The revision the keepers took up (later ones do not count).
    pub frozen_rev: Option<u32>,
}

impl Decided {
    /// The status the keepers set, `Filed` before any.
    pub fn status(&self) -> Status {
        self.history
            .last()
            .map_or(Status::Filed, |change| change.to)
    }
}

/// Every amendment's decisions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decisions {
    by_id: HashMap<String, Decided>,
    taken: HashSet<u32>,
    /// The next free number.
    pub next_number: u32,
}

impl Decisions {
    pub fn get(&self, id: &str) -> Option<&Decided> {
        self.by_id.get(id)
    }

    pub fn number(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).and_then(|decided| decided.number)
    }

    /// Which amendment holds `number`.
    pub fn holder(&self, number: u32) -> Option<&str> {
        self.by_id
            .iter()
            .find(|(_, decided)| decided.number == Some(number))
            .map(|(id, _)| id.as_str())
    }
}

/// A status change to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub amendment: String,
    pub from: Status,
    pub to: Status,
    /// The amendment's revision the keeper saw.
    pub rev: u32,
    pub counts: Option<Counts>,
    pub note: String,
    pub because: Option<String>,
}

/// What decisions are tagged with, so undo leaves them alone (adopting
/// is the exception: [`super::adopt`]).
pub const ORIGIN: &str = "cahier/decision";

fn int(map: &HashMap<String, Any>, name: &str) -> Option<i64> {
    match map.get(name)? {
        Any::Number(Number::Int(n)) => Some(*n),
        Any::Number(Number::Float(n)) if n.is_finite() => Some(*n as i64),
        _ => None,
    }
}

fn text<'a>(map: &'a HashMap<String, Any>, name: &str) -> Option<&'a str> {
    match map.get(name)? {
        Any::String(s) => Some(s),
        _ => None,
    }
}

fn count(map: &HashMap<String, Any>, name: &str) -> u32 {
    int(map, name).map_or(0, |n| n.clamp(0, i64::from(u32::MAX)) as u32)
}

impl Document {
    /// The keepers' decisions, folded.
    pub fn decisions(&self) -> Decisions {
        let txn = self.doc.transact();
        let mut decisions = Decisions {
            next_number: 1,
            ..Decisions::default()
        };
        for value in self.decisions.iter(&txn) {
            let Out::Any(Any::Map(map)) = value else {
                continue;
            };
            let Some(amendment) = text(&map, key::AMENDMENT) else {
                continue;
            };
            match text(&map, key::KIND) {
                Some("register") => {
                    let Some(number) = int(&map, key::NUMBER)
                        .filter(|n| (1..=i64::from(u32::MAX)).contains(n))
                        .map(|n| n as u32)
                    else {
                        continue;
                    };
                    let decided = decisions.by_id.entry(amendment.to_owned()).or_default();
                    if decided.number.is_none() && !decisions.taken.contains(&number) {
                        decided.number = Some(number);
                        decisions.taken.insert(number);
                        decisions.next_number = decisions.next_number.max(number + 1);
                    }
                }
                Some("status") => {
                    let (Some(from), Some(to)) = (
                        text(&map, key::FROM).and_then(Status::from_name),
                        text(&map, key::TO).and_then(Status::from_name),
                    ) else {
                        continue;
                    };
                    let counts = (map.contains_key(key::YES) || map.contains_key(key::UNANIMOUS))
                        .then(|| Counts {
                            yes: count(&map, key::YES),
                            no: count(&map, key::NO),
                            abstain: count(&map, key::ABSTAIN),
                            unanimous: matches!(map.get(key::UNANIMOUS), Some(Any::Bool(true))),
                        });
                    let decided = decisions.by_id.entry(amendment.to_owned()).or_default();
                    if decided.frozen_rev.is_none() && to != Status::Filed {
                        decided.frozen_rev = Some(count(&map, key::REV));
                    }
                    decided.history.push(Change {
                        from,
                        to,
                        by: text(&map, key::NAME).unwrap_or_default().to_owned(),
                        client: int(&map, key::CLIENT).unwrap_or_default().max(0) as u64,
                        time: int(&map, key::TIME).unwrap_or_default(),
                        counts,
                        note: text(&map, key::NOTE).unwrap_or_default().to_owned(),
                        because: text(&map, key::BECAUSE).map(str::to_owned),
                    });
                }
                _ => {}
            }
        }
        decisions
    }

    /// Register `amendment` as number `number`. The update to send.
    pub fn register(&self, amendment: &str, number: u32, name: &str, time: i64) -> Vec<u8> {
        let mut fields = self.event_fields(amendment, "register", name, time);
        fields.insert(
            key::NUMBER.to_owned(),
            Any::Number(Number::Int(i64::from(number))),
        );
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        self.decisions.push_back(&mut txn, Any::from(fields));
        self.made(txn.encode_update_v1())
    }

    /// Record a status change. The update to send.
    pub fn decide(&self, decision: &Decision, name: &str, time: i64) -> Vec<u8> {
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        self.push_decision(&mut txn, decision, name, time);
        self.made(txn.encode_update_v1())
    }

    pub(crate) fn push_decision(
        &self,
        txn: &mut yrs::TransactionMut,
        decision: &Decision,
        name: &str,
        time: i64,
    ) {
        let mut fields = self.event_fields(&decision.amendment, "status", name, time);
        let mut put = |name: &str, value: Any| {
            fields.insert(name.to_owned(), value);
        };
        put(key::FROM, Any::from(decision.from.name()));
        put(key::TO, Any::from(decision.to.name()));
        put(key::REV, Any::Number(Number::Int(i64::from(decision.rev))));
        if let Some(counts) = decision.counts {
            if counts.unanimous {
                put(key::UNANIMOUS, Any::Bool(true));
            } else {
                put(key::YES, Any::Number(Number::Int(i64::from(counts.yes))));
                put(key::NO, Any::Number(Number::Int(i64::from(counts.no))));
                put(
                    key::ABSTAIN,
                    Any::Number(Number::Int(i64::from(counts.abstain))),
                );
            }
        }
        if !decision.note.is_empty() {
            put(key::NOTE, Any::from(decision.note.as_str()));
        }
        if let Some(because) = &decision.because {
            put(key::BECAUSE, Any::from(because.as_str()));
        }
        self.decisions.push_back(txn, Any::from(fields));
    }

    fn event_fields(
        &self,
        amendment: &str,
        kind: &str,
        name: &str,
        time: i64,
    ) -> HashMap<String, Any> {
        HashMap::from([
            (key::AMENDMENT.to_owned(), Any::from(amendment)),
            (key::KIND.to_owned(), Any::from(kind)),
            (
                key::CLIENT.to_owned(),
                Any::Number(Number::Int(self.client_id() as i64)),
            ),
            (key::NAME.to_owned(), Any::from(name)),
            (key::TIME.to_owned(), Any::Number(Number::Int(time))),
        ])
    }
}
