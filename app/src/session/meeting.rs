//! The meetings of the open document ([`model::meeting`]): what the
//! chair's panel, the projector and the review read and write. Meeting
//! events live in the text room, so a view link follows the meeting and a
//! chair offline keeps going; they are sent like any edit.
//!
//! Putting an amendment on screen bumps only [`DocMeetings::revision`],
//! not the amendments' revision: the projector switches without the rows
//! being rebuilt (3,000 amendments take a while to place).

use leptos::prelude::*;
use model::amendments::{AmendError, Counts, Overview, Status};
use model::meeting::{order, Meeting};

use super::amendments::DocAmendments;
use super::DocSession;

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// The meetings of the document page. Provided by the page
/// ([`DocMeetings::provide`]); read with [`use_doc_meetings`].
#[derive(Clone, Copy)]
pub struct DocMeetings {
    /// Bumps when a meeting event comes or is made (opened, agenda, the
    /// amendment on screen, closed).
    pub revision: Signal<u64>,
    amendments: DocAmendments,
    text: DocSession,
    local: RwSignal<u64>,
}

impl DocMeetings {
    pub fn provide(amendments: DocAmendments) -> Self {
        let text = amendments.text_session();
        let local = RwSignal::new(0u64);
        let signals = text.signals;
        let revision = Signal::derive(move || signals.meetings.get() + local.get());
        let me = DocMeetings {
            revision,
            amendments,
            text,
            local,
        };
        provide_context(me);
        me
    }

    /// Whether this link may run a meeting (an edit link).
    pub fn can_chair(&self) -> bool {
        self.amendments.keeper().is_ok()
    }

    /// Every meeting, oldest first. Tracks [`DocMeetings::revision`].
    pub fn list(&self) -> Vec<Meeting> {
        self.revision.track();
        self.text
            .with_core(|c| c.doc.meetings())
            .unwrap_or_default()
    }

    /// The meeting under way, if any. Tracks [`DocMeetings::revision`].
    pub fn under_way(&self) -> Option<Meeting> {
        self.list().into_iter().rev().find(Meeting::is_open)
    }

    /// The meeting `id`. Tracks [`DocMeetings::revision`].
    pub fn get(&self, id: &str) -> Option<Meeting> {
        self.list().into_iter().find(|meeting| meeting.id == id)
    }

    /// The agenda the order assistant proposes now.
    pub fn assistant(&self) -> Vec<String> {
        order::assistant(&self.amendments.overview())
    }

    /// Open a meeting named `name` on `date`, with the assistant's
    /// agenda (or `agenda`), after a named version of the text as it is
    /// (`version`: its words, "Texte de base — {name}"). Its id.
    pub fn open(
        &self,
        name: &str,
        date: &str,
        version: &str,
        agenda: Option<Vec<String>>,
    ) -> Result<String, AmendError> {
        self.amendments.keeper()?;
        let overview = self.amendments.overview();
        let agenda = agenda.unwrap_or_else(|| order::assistant(&overview));
        let who = self.amendments.name();
        let id = self
            .text
            .with_core(|c| {
                let opened =
                    c.doc
                        .start_meeting(name, date, version, &agenda, &overview, &who, now());
                let mut updates = opened.updates.into_iter();
                c.send_history(updates.by_ref().take(1).collect());
                for update in updates {
                    c.send_meeting(update);
                }
                opened.id
            })
            .ok_or(AmendError::NotOpen)?;
        self.local.update(|n| *n += 1);
        Ok(id)
    }

    /// The chair's new order for the meeting `id`.
    pub fn set_agenda(&self, id: &str, agenda: &[String]) -> Result<(), AmendError> {
        self.amendments.keeper()?;
        let who = self.amendments.name();
        self.text
            .with_core(|c| {
                let update = c.doc.set_agenda(id, agenda, &who, now());
                c.send_meeting(update);
            })
            .ok_or(AmendError::NotOpen)?;
        self.local.update(|n| *n += 1);
        Ok(())
    }

    /// Put `amendment` on screen (the projector follows).
    pub fn show(&self, id: &str, amendment: Option<&str>) -> Result<(), AmendError> {
        self.amendments.keeper()?;
        let who = self.amendments.name();
        self.text
            .with_core(|c| {
                let update = c.doc.show_amendment(id, amendment, &who, now());
                c.send_meeting(update);
            })
            .ok_or(AmendError::NotOpen)?;
        self.local.update(|n| *n += 1);
        Ok(())
    }

    /// Go to the next amendment still to decide after the one on screen.
    /// The one now on screen.
    pub fn next(&self, id: &str) -> Result<Option<String>, AmendError> {
        let meeting = self.get_untracked(id).ok_or(AmendError::NotFound)?;
        let overview = self.amendments.overview();
        let next = meeting.next_open(&overview, meeting.current.as_deref());
        let next = next.or_else(|| meeting.following(meeting.current.as_deref()));
        if next.is_some() && next != meeting.current {
            self.show(id, next.as_deref())?;
        }
        Ok(next.or(meeting.current))
    }

    /// Go back to the agenda's amendment before the one on screen.
    pub fn previous(&self, id: &str) -> Result<Option<String>, AmendError> {
        let meeting = self.get_untracked(id).ok_or(AmendError::NotFound)?;
        let previous = meeting.previous(meeting.current.as_deref());
        if previous.is_some() {
            self.show(id, previous.as_deref())?;
        }
        Ok(previous.or(meeting.current))
    }

    /// Decide `amendment` as the assembly voted: adopted (applied to the
    /// text at once; the ids of those that fell), rejected, or withdrawn
    /// in the meeting (`note`).
    pub fn decide(
        &self,
        amendment: &str,
        to: Status,
        counts: Option<Counts>,
        note: &str,
    ) -> Result<Vec<String>, AmendError> {
        if to == Status::Adopted {
            return self.amendments.adopt(amendment, counts);
        }
        self.amendments
            .set_status(amendment, to, counts, note)
            .map(|()| Vec::new())
    }

    /// Close the meeting `id`: a named version of the adopted text
    /// (`version`: its words), then the minutes as the decisions say.
    pub fn close(&self, id: &str, version: &str) -> Result<(), AmendError> {
        self.amendments.keeper()?;
        let meeting = self.get_untracked(id).ok_or(AmendError::NotFound)?;
        let overview = self.amendments.overview();
        let minutes = meeting.minutes(&overview, &self.amendments.decisions());
        let who = self.amendments.name();
        self.text
            .with_core(|c| {
                let Ok(updates) = c.doc.close_meeting(id, version, &minutes, &who, now()) else {
                    return Err(AmendError::NotFound);
                };
                let mut updates = updates.into_iter();
                c.send_history(updates.by_ref().take(1).collect());
                for update in updates {
                    c.send_meeting(update);
                }
                Ok(())
            })
            .ok_or(AmendError::NotOpen)??;
        self.local.update(|n| *n += 1);
        Ok(())
    }

    /// The rows every view shows ([`DocAmendments::overview`]).
    pub fn overview(&self) -> std::rc::Rc<Overview> {
        self.amendments.overview()
    }

    fn get_untracked(&self, id: &str) -> Option<Meeting> {
        self.text.with_core(|c| c.doc.meeting(id)).flatten()
    }
}

impl super::Core {
    /// Queue a meeting event of this (text) room and send it: only the
    /// meetings' signal moves.
    pub(super) fn send_meeting(&mut self, update: Vec<u8>) {
        if let Err(error) = self.session.local(update) {
            leptos::logging::warn!("meeting event not queued: {error}");
        }
        self.out.save = true;
        self.out.meetings = true;
        self.flush();
    }
}

/// The [`DocMeetings`] the document page provides.
pub fn use_doc_meetings() -> DocMeetings {
    use_context().expect("the document page provides DocMeetings")
}
