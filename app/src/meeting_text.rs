//! The meeting's words (issue 13), pure so they are tested natively: a
//! vote's counts ("pour 12, contre 3, abstention 1"), what became of an
//! amendment ("adopté, à l'unanimité", "tombé : remplacé par A3", "retiré
//! en séance"), the sentence said after a decision (what fell and why),
//! and the progress through the agenda ("3 / 12"). The panel, the
//! projector and the minutes all say it the same way.

use model::amendments::{Counts, Decisions, Row, Status};

use crate::amendment_text::{number_label, status_words};
use crate::strings::Strings;

/// "pour 12, contre 3, abstention 1", or "à l'unanimité".
pub fn counts_words(words: &Strings, counts: &Counts) -> String {
    if counts.unanimous {
        words.amend_unanimous.to_owned()
    } else {
        words
            .amend_counts
            .replace("{yes}", &counts.yes.to_string())
            .replace("{no}", &counts.no.to_string())
            .replace("{abstain}", &counts.abstain.to_string())
    }
}

/// How an amendment ended, as the agenda, the projector and the minutes
/// say it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub counts: Option<Counts>,
    /// For a fallen one: the name of the adopted amendment that replaced
    /// its passage ("A3").
    pub fallen_by: Option<String>,
    /// A withdrawn one was withdrawn by the chair, in the meeting (not by
    /// its author).
    pub in_meeting: bool,
}

impl Outcome {
    /// An amendment with `status`, no vote recorded.
    pub fn of(status: Status) -> Self {
        Outcome {
            status,
            counts: None,
            fallen_by: None,
            in_meeting: false,
        }
    }
}

/// How `row` stands by the keepers' `decisions`: the vote of the
/// decision that stands, who replaced a fallen one's passage, and whether
/// a withdrawn one was withdrawn by the chair.
pub fn outcome(words: &Strings, row: &Row, decisions: &Decisions) -> Outcome {
    let last = decisions
        .get(&row.id)
        .and_then(|decided| decided.history.last())
        .filter(|change| change.to == row.status);
    Outcome {
        status: row.status,
        counts: last.and_then(|change| change.counts),
        fallen_by: row
            .fallen_by
            .as_deref()
            .map(|by| number_label(words, decisions.number(by))),
        in_meeting: row.status == Status::Withdrawn && last.is_some(),
    }
}

/// "adopté, pour 12, contre 3, abstention 1", "rejeté", "tombé :
/// remplacé par A3", "retiré en séance", or the status of an open one.
pub fn outcome_words(words: &Strings, outcome: &Outcome) -> String {
    let decision = match outcome.status {
        Status::Adopted => words.meeting_left_adopted.to_owned(),
        Status::Rejected => words.meeting_left_rejected.to_owned(),
        Status::Fallen => match &outcome.fallen_by {
            Some(by) => words.meeting_left_fallen.replace("{n}", by),
            None => words.meeting_left_fallen_unknown.to_owned(),
        },
        Status::Withdrawn if outcome.in_meeting => words.meeting_left_withdrawn_meeting.to_owned(),
        Status::Withdrawn => words.meeting_left_withdrawn_author.to_owned(),
        open => status_words(words, open).to_owned(),
    };
    match outcome.counts {
        Some(counts) if matches!(outcome.status, Status::Adopted | Status::Rejected) => words
            .meeting_with_counts
            .replace("{decision}", &decision)
            .replace("{counts}", &counts_words(words, &counts)),
        _ => decision,
    }
}

/// What is said after the chair decided `name`: adopted (and which fell,
/// by name), rejected, or withdrawn in the meeting.
pub fn decided_words(
    words: &Strings,
    name: &str,
    to: Status,
    counts: Option<&Counts>,
    fallen: &[String],
) -> String {
    let counts = counts
        .map(|counts| format!(" ({})", counts_words(words, counts)))
        .unwrap_or_default();
    match to {
        Status::Adopted => {
            let adopted = words
                .meeting_said_adopted
                .replace("{n}", name)
                .replace("{counts}", &counts);
            let fell = if fallen.is_empty() {
                words.meeting_said_alone.to_owned()
            } else {
                words
                    .meeting_said_fell
                    .replace("{n}", name)
                    .replace("{list}", &fallen.join(", "))
            };
            format!("{adopted} {fell}")
        }
        Status::Withdrawn => words.meeting_said_withdrawn.replace("{n}", name),
        _ => words
            .meeting_said_rejected
            .replace("{n}", name)
            .replace("{counts}", &counts),
    }
}

/// Where `current` is in `agenda`, 1-based, and the agenda's length:
/// `None` when nothing of the agenda is on screen.
pub fn progress(agenda: &[String], current: Option<&str>) -> Option<(usize, usize)> {
    let current = current?;
    let at = agenda.iter().position(|id| id == current)?;
    Some((at + 1, agenda.len()))
}

/// Move the item at `from` to `to` (both in range), keeping the others
/// in order; out of range, the order is given back as it was.
pub fn moved(agenda: &[String], from: usize, to: usize) -> Vec<String> {
    let mut agenda = agenda.to_vec();
    if from < agenda.len() && to < agenda.len() && from != to {
        let item = agenda.remove(from);
        agenda.insert(to, item);
    }
    agenda
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strings::{EN, FR};

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|id| (*id).to_owned()).collect()
    }

    #[test]
    fn a_vote_is_said_in_counts_or_as_unanimous() {
        let counts = Counts {
            yes: 12,
            no: 3,
            abstain: 1,
            unanimous: false,
        };
        assert_eq!(
            counts_words(&FR, &counts),
            "pour 12, contre 3, abstention 1"
        );
        let all = Counts {
            unanimous: true,
            ..Counts::default()
        };
        assert_eq!(counts_words(&FR, &all), "à l'unanimité");
    }

    #[test]
    fn an_amendment_that_left_the_agenda_says_why() {
        let adopted = Outcome {
            counts: Some(Counts {
                yes: 12,
                no: 3,
                abstain: 1,
                unanimous: false,
            }),
            ..Outcome::of(Status::Adopted)
        };
        assert_eq!(
            outcome_words(&FR, &adopted),
            "adopté, pour 12, contre 3, abstention 1"
        );
        let fallen = Outcome {
            fallen_by: Some("A3".to_owned()),
            ..Outcome::of(Status::Fallen)
        };
        assert_eq!(outcome_words(&FR, &fallen), "tombé : remplacé par A3");
        let withdrawn = Outcome {
            in_meeting: true,
            ..Outcome::of(Status::Withdrawn)
        };
        assert_eq!(outcome_words(&FR, &withdrawn), "retiré en séance");
        let by_author = Outcome {
            in_meeting: false,
            ..withdrawn
        };
        assert_eq!(outcome_words(&EN, &by_author), "withdrawn by its author");
    }

    #[test]
    fn after_an_adoption_the_fallen_ones_are_named_with_the_reason() {
        let said = decided_words(&FR, "A1", Status::Adopted, None, &ids(&["A2", "A5"]));
        assert!(said.contains("A1 est adopté"), "{said}");
        assert!(
            said.contains("A1 a remplacé leur passage : A2, A5"),
            "{said}"
        );
        let alone = decided_words(&EN, "A1", Status::Adopted, None, &[]);
        assert!(alone.contains("No other amendment falls"), "{alone}");
        let rejected = decided_words(
            &FR,
            "A4",
            Status::Rejected,
            Some(&Counts {
                yes: 1,
                no: 9,
                abstain: 0,
                unanimous: false,
            }),
            &[],
        );
        assert_eq!(rejected, "A4 est rejeté (pour 1, contre 9, abstention 0).");
    }

    #[test]
    fn progress_counts_from_one_and_only_for_an_agenda_amendment() {
        let agenda = ids(&["a", "b", "c"]);
        assert_eq!(progress(&agenda, Some("b")), Some((2, 3)));
        assert_eq!(progress(&agenda, Some("z")), None);
        assert_eq!(progress(&agenda, None), None);
    }

    #[test]
    fn moving_an_agenda_item_keeps_the_others_in_order() {
        let agenda = ids(&["a", "b", "c", "d"]);
        assert_eq!(moved(&agenda, 0, 2), ids(&["b", "c", "a", "d"]));
        assert_eq!(moved(&agenda, 3, 0), ids(&["d", "a", "b", "c"]));
        assert_eq!(moved(&agenda, 1, 9), agenda);
    }
}
