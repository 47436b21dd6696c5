//! Meetings (séances): the chair walks the amendments in an agenda, each
//! is voted and decided, the text changes as they go, and the meeting
//! closes on the adopted text and its minutes.
//!
//! A meeting lives in the text room's [`crate::schema::MEETINGS`] array:
//! events appended, never changed, folded in array order (the order every
//! copy agrees on once merged), so a chair working offline in a hall with
//! no network merges afterwards like any other edit, and a late joiner or
//! a view link reads where the meeting stands from the document itself.
//!
//! - `open`: id, name, date, the named version the meeting starts from
//!   (`base`), the agenda, and each agenda amendment's lines in that text
//!   (the booklet's citations).
//! - `agenda`: the whole order again (the chair dragged or added one);
//!   the last in array order stands.
//! - `current`: the amendment on screen, which the projector follows;
//!   the last in array order stands.
//! - `close`: the named version of the adopted text (`result`) and the
//!   minutes, frozen as they were at closing.
//!
//! [`order`] proposes the agenda; [`review`] says what changed since a
//! meeting.
//!
//! The decisions themselves stay where every view reads them
//! ([`crate::amendments::decisions`]); a meeting only orders them.
//! Entries come from co-editors: one that does not read as an event is
//! skipped, an event of a meeting that was never opened is ignored, and
//! a second `open` or `close` of one meeting counts once (the first).

pub mod booklet;
pub mod odt;
pub mod order;
pub mod paper;
pub mod review;
pub mod zip;

use std::collections::{HashMap, HashSet};

use yrs::{Any, Array, Number, Out, Transact};

use crate::amendments::decisions::Decisions;
use crate::amendments::{Counts, Overview, Status};
use crate::document::Document;
use crate::history::HistoryError;
use crate::schema::meeting as key;
use crate::schema::meeting::minute;

/// How many amendments an agenda holds at most (a congress has 3,000):
/// past it, an entry is cut, not refused.
pub const AGENDA_MAX: usize = 20_000;

/// One line of the minutes: what became of an amendment of the agenda.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Minute {
    pub amendment: String,
    pub number: Option<u32>,
    /// Its lines in the meeting's base text.
    pub lines: Option<(u32, u32)>,
    pub status: Status,
    pub counts: Option<Counts>,
    pub note: String,
    /// For a fallen one: the number of the adopted amendment that
    /// replaced its passage.
    pub because: Option<u32>,
}

/// How a meeting ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed {
    /// The named version of the adopted text, by checkpoint id.
    pub result: String,
    pub by: String,
    pub time: i64,
    /// Every amendment of the agenda, in agenda order.
    pub minutes: Vec<Minute>,
}

/// A meeting, folded from its events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    pub id: String,
    pub name: String,
    /// As the chair typed it (`2026-12-12`).
    pub date: String,
    /// The named version of the text it started from, by checkpoint id.
    pub base: String,
    /// The amendments to take, in order, by id.
    pub agenda: Vec<String>,
    /// Each agenda amendment's lines in the base text, when known.
    pub base_lines: HashMap<String, (u32, u32)>,
    /// The amendment on screen.
    pub current: Option<String>,
    pub opened_by: String,
    pub opened_at: i64,
    pub closed: Option<Closed>,
}

impl Meeting {
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    /// The agenda amendments still to decide, in agenda order.
    pub fn remaining<'a>(&'a self, overview: &'a Overview) -> impl Iterator<Item = &'a str> {
        self.agenda
            .iter()
            .filter(|id| overview.row(id).is_some_and(|row| row.is_open()))
            .map(String::as_str)
    }

    /// The amendment after `from` in the agenda that is still to decide
    /// (from the start when `from` is `None` or not in the agenda).
    pub fn next_open(&self, overview: &Overview, from: Option<&str>) -> Option<String> {
        let start = from
            .and_then(|from| self.agenda.iter().position(|id| id == from))
            .map_or(0, |at| at + 1);
        self.agenda[start.min(self.agenda.len())..]
            .iter()
            .find(|id| overview.row(id).is_some_and(|row| row.is_open()))
            .cloned()
    }

    /// The agenda amendment before `from` (decided or not: the chair goes
    /// back to see one again).
    pub fn previous(&self, from: Option<&str>) -> Option<String> {
        let at = from.and_then(|from| self.agenda.iter().position(|id| id == from))?;
        at.checked_sub(1).map(|at| self.agenda[at].clone())
    }

    /// The next amendment on the agenda after `from`, decided or not.
    pub fn following(&self, from: Option<&str>) -> Option<String> {
        let at = match from.and_then(|from| self.agenda.iter().position(|id| id == from)) {
            Some(at) => at + 1,
            None => 0,
        };
        self.agenda.get(at).cloned()
    }

    /// The minutes: the frozen ones of a closed meeting, or what the
    /// decisions say now of an open one.
    pub fn minutes(&self, overview: &Overview, decisions: &Decisions) -> Vec<Minute> {
        match &self.closed {
            Some(closed) => closed.minutes.clone(),
            None => minutes(self, overview, decisions),
        }
    }
}

/// What the decisions say of each agenda amendment, in agenda order.
pub fn minutes(meeting: &Meeting, overview: &Overview, decisions: &Decisions) -> Vec<Minute> {
    meeting
        .agenda
        .iter()
        .map(|id| {
            let row = overview.row(id);
            let decided = decisions.get(id);
            let status = row.map_or(Status::Filed, |row| row.status);
            // The change that set the status that stands.
            let last = decided
                .and_then(|d| d.history.last())
                .filter(|change| change.to == status);
            Minute {
                amendment: id.clone(),
                number: row.and_then(|row| row.number),
                lines: meeting
                    .base_lines
                    .get(id)
                    .copied()
                    .or_else(|| row.and_then(|row| row.lines)),
                status,
                counts: last.and_then(|change| change.counts),
                note: last.map(|change| change.note.clone()).unwrap_or_default(),
                because: row
                    .and_then(|row| row.fallen_by.as_deref())
                    .and_then(|by| decisions.number(by)),
            }
        })
        .collect()
}

/// What tags meeting events, so undo leaves them alone.
pub const ORIGIN: &str = "cahier/meeting";

fn int(map: &HashMap<String, Any>, name: &str) -> Option<i64> {
    match map.get(name)? {
        Any::Number(Number::Int(n)) => Some(*n),
        Any::Number(Number::Float(n)) if n.is_finite() => Some(*n as i64),
        _ => None,
    }
}

fn string<'a>(map: &'a HashMap<String, Any>, name: &str) -> Option<&'a str> {
    match map.get(name)? {
        Any::String(s) => Some(s),
        _ => None,
    }
}

fn count(map: &HashMap<String, Any>, name: &str) -> u32 {
    int(map, name).map_or(0, |n| n.clamp(0, i64::from(u32::MAX)) as u32)
}

fn positive(map: &HashMap<String, Any>, name: &str) -> Option<u32> {
    int(map, name)
        .filter(|n| (1..=i64::from(u32::MAX)).contains(n))
        .map(|n| n as u32)
}

/// An agenda: strings, each once, at most [`AGENDA_MAX`].
fn agenda(map: &HashMap<String, Any>) -> Option<Vec<String>> {
    let Some(Any::Array(items)) = map.get(key::AGENDA) else {
        return None;
    };
    let mut seen = HashSet::new();
    Some(
        items
            .iter()
            .filter_map(|item| match item {
                Any::String(id) if seen.insert(id.clone()) => Some(id.to_string()),
                _ => None,
            })
            .take(AGENDA_MAX)
            .collect(),
    )
}

fn lines_of(map: &HashMap<String, Any>) -> HashMap<String, (u32, u32)> {
    let Some(Any::Map(lines)) = map.get(key::LINES) else {
        return HashMap::new();
    };
    lines
        .iter()
        .take(AGENDA_MAX)
        .filter_map(|(id, value)| match value {
            Any::Array(pair) => match pair.as_ref() {
                [Any::Number(a), Any::Number(b)] => {
                    let (a, b) = (number(a)?, number(b)?);
                    Some((id.clone(), (a.min(b), a.max(b))))
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn number(n: &Number) -> Option<u32> {
    let n = match n {
        Number::Int(n) => *n,
        Number::Float(f) if f.is_finite() => *f as i64,
        Number::Float(_) => return None,
    };
    (1..=i64::from(u32::MAX)).contains(&n).then_some(n as u32)
}

fn read_minute(value: &Any) -> Option<Minute> {
    let Any::Map(map) = value else {
        return None;
    };
    let status = string(map, minute::STATUS).and_then(Status::from_name)?;
    let counts =
        (map.contains_key(minute::YES) || map.contains_key(minute::UNANIMOUS)).then(|| Counts {
            yes: count(map, minute::YES),
            no: count(map, minute::NO),
            abstain: count(map, minute::ABSTAIN),
            unanimous: matches!(map.get(minute::UNANIMOUS), Some(Any::Bool(true))),
        });
    let lines = match (positive(map, minute::FIRST), positive(map, minute::LAST)) {
        (Some(a), Some(b)) => Some((a.min(b), a.max(b))),
        _ => None,
    };
    Some(Minute {
        amendment: string(map, minute::AMENDMENT)?.to_owned(),
        number: positive(map, minute::NUMBER),
        lines,
        status,
        counts,
        note: string(map, minute::NOTE).unwrap_or_default().to_owned(),
        because: positive(map, minute::BECAUSE),
    })
}

fn write_minute(line: &Minute) -> Any {
    let mut fields: HashMap<String, Any> = HashMap::new();
    let mut put = |name: &str, value: Any| {
        fields.insert(name.to_owned(), value);
    };
    let int = |n: u32| Any::Number(Number::Int(i64::from(n)));
    put(minute::AMENDMENT, Any::from(line.amendment.as_str()));
    if let Some(number) = line.number {
        put(minute::NUMBER, int(number));
    }
    if let Some((first, last)) = line.lines {
        put(minute::FIRST, int(first));
        put(minute::LAST, int(last));
    }
    put(minute::STATUS, Any::from(line.status.name()));
    if let Some(counts) = line.counts {
        if counts.unanimous {
            put(minute::UNANIMOUS, Any::Bool(true));
        } else {
            put(minute::YES, int(counts.yes));
            put(minute::NO, int(counts.no));
            put(minute::ABSTAIN, int(counts.abstain));
        }
    }
    if !line.note.is_empty() {
        put(minute::NOTE, Any::from(line.note.as_str()));
    }
    if let Some(because) = line.because {
        put(minute::BECAUSE, int(because));
    }
    Any::from(fields)
}

/// What opening a meeting wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub id: String,
    /// The updates to send, in order: the named version, then the event.
    pub updates: Vec<Vec<u8>>,
}

impl Document {
    /// Every meeting, oldest first (by opening time, then array order).
    pub fn meetings(&self) -> Vec<Meeting> {
        let txn = self.doc.transact();
        let mut meetings: Vec<Meeting> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        for value in self.meetings.iter(&txn) {
            let Out::Any(Any::Map(map)) = value else {
                continue;
            };
            let Some(id) = string(&map, key::MEETING) else {
                continue;
            };
            let kind = string(&map, key::KIND);
            if kind == Some("open") {
                if at.contains_key(id) {
                    continue;
                }
                let Some(base) = string(&map, key::BASE) else {
                    continue;
                };
                at.insert(id.to_owned(), meetings.len());
                meetings.push(Meeting {
                    id: id.to_owned(),
                    name: string(&map, key::NAME).unwrap_or_default().to_owned(),
                    date: string(&map, key::DATE).unwrap_or_default().to_owned(),
                    base: base.to_owned(),
                    agenda: agenda(&map).unwrap_or_default(),
                    base_lines: lines_of(&map),
                    current: None,
                    opened_by: string(&map, key::WHO).unwrap_or_default().to_owned(),
                    opened_at: int(&map, key::TIME).unwrap_or_default(),
                    closed: None,
                });
                continue;
            }
            let Some(meeting) = at.get(id).map(|&at| &mut meetings[at]) else {
                continue;
            };
            match kind {
                Some("agenda") => {
                    if let Some(agenda) = agenda(&map) {
                        meeting.agenda = agenda;
                    }
                }
                Some("current") => {
                    meeting.current = string(&map, key::AMENDMENT).map(str::to_owned);
                }
                Some("close") if meeting.closed.is_none() => {
                    let Some(result) = string(&map, key::RESULT) else {
                        continue;
                    };
                    let minutes = match map.get(key::MINUTES) {
                        Some(Any::Array(lines)) => lines
                            .iter()
                            .take(AGENDA_MAX)
                            .filter_map(read_minute)
                            .collect(),
                        _ => Vec::new(),
                    };
                    meeting.closed = Some(Closed {
                        result: result.to_owned(),
                        by: string(&map, key::WHO).unwrap_or_default().to_owned(),
                        time: int(&map, key::TIME).unwrap_or_default(),
                        minutes,
                    });
                }
                _ => {}
            }
        }
        meetings.sort_by_key(|meeting| meeting.opened_at);
        meetings
    }

    /// The meeting `id`.
    pub fn meeting(&self, id: &str) -> Option<Meeting> {
        self.meetings().into_iter().find(|meeting| meeting.id == id)
    }

    /// The meeting under way: the latest opened that is not closed.
    pub fn open_meeting(&self) -> Option<Meeting> {
        self.meetings().into_iter().rev().find(Meeting::is_open)
    }

    /// Open a meeting: a named version `version` of the text as it is
    /// (the meeting's base), then the meeting with its agenda and each
    /// agenda amendment's lines now (from `overview`).
    #[allow(clippy::too_many_arguments)]
    pub fn start_meeting(
        &self,
        name: &str,
        date: &str,
        version: &str,
        agenda: &[String],
        overview: &Overview,
        who: &str,
        time: i64,
    ) -> Opened {
        let (base, named) = self.name_version_now(version, time);
        let id = format!("m{base}");
        let lines: HashMap<String, Any> = agenda
            .iter()
            .filter_map(|amendment| {
                let (first, last) = overview.row(amendment)?.lines?;
                let pair = vec![
                    Any::Number(Number::Int(i64::from(first))),
                    Any::Number(Number::Int(i64::from(last))),
                ];
                Some((amendment.clone(), Any::from(pair)))
            })
            .collect();
        let mut fields = self.meeting_fields(&id, "open", who, time);
        fields.insert(key::NAME.to_owned(), Any::from(name));
        fields.insert(key::DATE.to_owned(), Any::from(date));
        fields.insert(key::BASE.to_owned(), Any::from(base.as_str()));
        fields.insert(key::AGENDA.to_owned(), agenda_value(agenda));
        fields.insert(key::LINES.to_owned(), Any::from(lines));
        let event = self.push_meeting(fields);
        Opened {
            id,
            updates: vec![named, event],
        }
    }

    /// The chair's new order for the meeting `id`. The update to send.
    pub fn set_agenda(&self, id: &str, agenda: &[String], who: &str, time: i64) -> Vec<u8> {
        let mut fields = self.meeting_fields(id, "agenda", who, time);
        fields.insert(key::AGENDA.to_owned(), agenda_value(agenda));
        self.push_meeting(fields)
    }

    /// Put `amendment` on screen in the meeting `id` (`None`: nothing).
    /// The update to send.
    pub fn show_amendment(
        &self,
        id: &str,
        amendment: Option<&str>,
        who: &str,
        time: i64,
    ) -> Vec<u8> {
        let mut fields = self.meeting_fields(id, "current", who, time);
        if let Some(amendment) = amendment {
            fields.insert(key::AMENDMENT.to_owned(), Any::from(amendment));
        }
        self.push_meeting(fields)
    }

    /// Close the meeting `id`: a named version `version` of the text as
    /// it is (the adopted text), then the minutes. The updates to send.
    pub fn close_meeting(
        &self,
        id: &str,
        version: &str,
        minutes: &[Minute],
        who: &str,
        time: i64,
    ) -> Result<Vec<Vec<u8>>, HistoryError> {
        if self.meeting(id).is_none() {
            return Err(HistoryError::Unknown(id.to_owned()));
        }
        let (result, named) = self.name_version_now(version, time);
        let mut fields = self.meeting_fields(id, "close", who, time);
        fields.insert(key::RESULT.to_owned(), Any::from(result.as_str()));
        let lines: Vec<Any> = minutes.iter().map(write_minute).collect();
        fields.insert(key::MINUTES.to_owned(), Any::from(lines));
        let event = self.push_meeting(fields);
        Ok(vec![named, event])
    }

    fn meeting_fields(&self, id: &str, kind: &str, who: &str, time: i64) -> HashMap<String, Any> {
        HashMap::from([
            (key::MEETING.to_owned(), Any::from(id)),
            (key::KIND.to_owned(), Any::from(kind)),
            (
                key::CLIENT.to_owned(),
                Any::Number(Number::Int(self.client_id() as i64)),
            ),
            (key::WHO.to_owned(), Any::from(who)),
            (key::TIME.to_owned(), Any::Number(Number::Int(time))),
        ])
    }

    fn push_meeting(&self, fields: HashMap<String, Any>) -> Vec<u8> {
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        self.meetings.push_back(&mut txn, Any::from(fields));
        let update = txn.encode_update_v1();
        drop(txn);
        self.made(update)
    }
}

fn agenda_value(agenda: &[String]) -> Any {
    let items: Vec<Any> = agenda
        .iter()
        .take(AGENDA_MAX)
        .map(|id| Any::from(id.as_str()))
        .collect();
    Any::from(items)
}

#[cfg(test)]
mod tests;
