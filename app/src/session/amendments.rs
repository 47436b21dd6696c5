//! The amendments' side of the page ([`model::amendments`]): the second
//! room and [`DocAmendments`], the context the amendment views read.
//!
//! A document is two rooms (DESIGN.md, "Rooms, keys and links"). The text
//! room's session is the page's ([`DocSession::start`]); the amendment
//! room gets a session of its own ([`Part::Amendments`]): the same socket
//! handling, inbox, saving in IndexedDB and offline queue, but no tab lock
//! (the text's covers it), no presence and no address bar. An edit or an
//! amend link derives that room's keys; a view link finds its `write_pk`
//! in the text's `meta`, which editors write when they open the document.
//!
//! What members write (amendments, comments, supports) are records signed
//! by this browser's identity key ([`identity`]) and appended to the
//! amendment room. What keepers decide (numbers, statuses, adoptions)
//! goes to the text room's `decisions`, which only edit links can sign.
//! A keeper's browser registers the filed amendments that have no number
//! yet, in filing order, while both rooms are live.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use model::amendments::decisions::Decision;
use model::amendments::{
    AmendError, Book, Change, Comment, Counts, Draft, Identity, Overview, Stance, Status,
};
use protocol::{Link, Role, WriterKey};
use send_wrapper::SendWrapper;

use super::{DocSession, Part};
use crate::platform::storage;
use crate::status::Connection;

/// Where this browser keeps its identity key's seed (base64url).
const IDENTITY_KEY: &str = "cahier.identity-key";

/// This browser's identity key: the one kept, or a new one (kept if the
/// browser lets it be). It signs this person's amendments, comments and
/// supports in every document.
pub fn identity() -> Identity {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine as _;
    let kept = storage::get(IDENTITY_KEY)
        .and_then(|text| B64.decode(text).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok());
    if let Some(seed) = kept {
        return Identity::from_seed(seed);
    }
    let seed: [u8; 32] = random_bytes();
    storage::set(IDENTITY_KEY, &B64.encode(seed));
    Identity::from_seed(seed)
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::getrandom(&mut bytes).is_err() {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// While a room's history arrives, how often the rows are rebuilt.
const JOIN_THROTTLE_MS: u32 = 1_000;

/// How long after the last change of the body the rows follow it.
const BODY_PAUSE_MS: u32 = 200;

/// Where the amendment room stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmendRoomState {
    /// Not started: a view link waiting for the editors' record of it.
    Unavailable,
    /// Loading or joining.
    Opening,
    Live,
    Offline,
}

struct Inner {
    identity: Identity,
    book: Option<Book>,
    room: Option<DocSession>,
    room_id: String,
    cached: Option<(u64, Rc<Overview>)>,
    /// How many checked records were last kept, and the pending save.
    kept: usize,
    keeping: Option<gloo_timers::callback::Timeout>,
}

/// How long after a record was checked the list of checked ones is kept.
const KEEP_CHECKED_MS: u32 = 3_000;

/// The amendments of the open document. Provided by the document page
/// ([`DocAmendments::provide`]); read with [`use_doc_amendments`].
#[derive(Clone, Copy)]
pub struct DocAmendments {
    pub role: Role,
    /// Bumps when amendments, decisions or the body change.
    pub revision: Signal<u64>,
    pub state: Signal<AmendRoomState>,
    local: RwSignal<u64>,
    text: DocSession,
    inner: StoredValue<Rc<RefCell<Inner>>, LocalStorage>,
    locale: crate::locale::Locale,
    /// Who this person says they are: the name their records carry.
    presence: crate::presence::Presence,
}

impl DocAmendments {
    /// Provide the context for the page's text session `text` and `link`:
    /// the amendment room opens now (edit and amend links) or once the
    /// text names it (a view link).
    pub fn provide(text: DocSession, link: Link, presence: crate::presence::Presence) -> Self {
        let local = RwSignal::new(0u64);
        let started = RwSignal::new(false);
        let inner = Rc::new(RefCell::new(Inner {
            identity: identity(),
            book: None,
            room: None,
            room_id: String::new(),
            cached: None,
            kept: 0,
            keeping: None,
        }));
        let inner = StoredValue::new_local(inner);
        let room_signals = RwSignal::new(None::<super::signals::Signals>);
        let text_signals = text.signals;
        // The body changes with every keystroke; the rows follow it a
        // moment after the typing pauses, not per keystroke (3,000
        // amendments on a congress text take milliseconds to place).
        let body = RwSignal::new(0u64);
        let pause = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
        Effect::new(move |_| {
            text_signals.revision.track();
            let timer = gloo_timers::callback::Timeout::new(BODY_PAUSE_MS, move || {
                body.try_update(|n| *n += 1);
            });
            pause.try_set_value(Some(timer));
        });
        let source = Signal::derive(move || {
            let room = room_signals
                .get()
                .map_or(0, |signals| signals.amendments.get());
            text_signals.amendments.get() + body.get() + room
        });
        // While a room's history arrives (thousands of registrations and
        // records on a congress text), the rows are rebuilt at most once
        // per JOIN_THROTTLE_MS, not once per update; at once when caught
        // up.
        let settled = RwSignal::new(0u64);
        let throttle = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
        Effect::new(move |_| {
            let n = source.get();
            let joining = text_signals.connection.get() == Connection::Connecting
                || room_signals
                    .get()
                    .is_some_and(|signals| signals.connection.get() == Connection::Connecting);
            if !joining {
                throttle.try_set_value(None);
                settled.set(n);
                return;
            }
            if throttle.with_value(Option::is_none) {
                let timer = gloo_timers::callback::Timeout::new(JOIN_THROTTLE_MS, move || {
                    throttle.try_set_value(None);
                    if let Some(n) = source.try_get_untracked() {
                        settled.try_set(n);
                    }
                });
                throttle.set_value(Some(timer));
            }
        });
        let revision = Signal::derive(move || settled.get() + local.get());
        let state = Signal::derive(move || match room_signals.get() {
            None => AmendRoomState::Unavailable,
            Some(signals) => match signals.connection.get() {
                Connection::Online => AmendRoomState::Live,
                Connection::Offline => AmendRoomState::Offline,
                _ => AmendRoomState::Opening,
            },
        });
        let me = DocAmendments {
            role: link.role(),
            revision,
            state,
            local,
            text,
            inner,
            locale: crate::locale::use_locale(),
            presence,
        };
        provide_context(me);
        let owner = Owner::current();
        let link = SendWrapper::new(link);
        // Open the room once its keys are known and the text is loaded;
        // an editor records the room's key for view links.
        Effect::new(move |_| {
            text_signals.amendments.track();
            if !text_signals.ready.get() || started.get_untracked() {
                return;
            }
            let recorded = text
                .with_core(|c| c.doc.amendments_room_key())
                .flatten()
                .and_then(|key| WriterKey::from_b64(&key));
            if me.role == Role::Edit {
                if let Some(own) = link.amendment_writer() {
                    if recorded != Some(own) {
                        text.record_amendments_key(&own);
                    }
                }
            }
            let Some(keys) = link.amendment_keys(recorded) else {
                return;
            };
            let room_id = *keys.room().as_bytes();
            let room_name = keys.room().to_string();
            let start = || DocSession::start_room((*link).clone(), keys, Part::Amendments);
            let room = match &owner {
                Some(owner) => owner.with(start),
                None => start(),
            };
            started.set(true);
            room_signals.set(Some(room.signals));
            if let Some(inner) = me.inner() {
                let mut inner = inner.borrow_mut();
                inner.room = Some(room);
                inner.room_id.clone_from(&room_name);
            }
            // The book opens once the signatures checked at earlier
            // visits are known: not checked again.
            leptos::task::spawn_local(async move {
                let mut book = Book::new(room_id);
                if let Ok(Some(checked)) = crate::store::load_checked(&room_name).await {
                    book.trust(&checked);
                }
                if let Some(inner) = me.inner() {
                    let mut inner = inner.borrow_mut();
                    inner.kept = 0;
                    inner.book = Some(book);
                }
                me.local.try_update(|n| *n += 1);
            });
        });
        // A keeper registers what has no number yet, once both rooms are
        // live.
        Effect::new(move |_| {
            revision.track();
            if me.role == Role::Edit
                && state.get() == AmendRoomState::Live
                && text_signals.connection.get() == Connection::Online
            {
                me.register_new();
            }
        });
        me
    }

    fn inner(&self) -> Option<Rc<RefCell<Inner>>> {
        self.inner.try_get_value()
    }

    /// Every amendment as the views show it (cached per revision).
    pub fn overview(&self) -> Rc<Overview> {
        let revision = self.revision.get_untracked();
        let Some(inner) = self.inner() else {
            return Rc::default();
        };
        let mut inner = inner.borrow_mut();
        if let Some((at, overview)) = &inner.cached {
            if *at == revision {
                return overview.clone();
            }
        }
        let Inner {
            identity,
            book,
            room,
            room_id,
            kept,
            keeping,
            ..
        } = &mut *inner;
        let Some(book) = book.as_mut() else {
            return Rc::default();
        };
        if let Some(room) = room {
            room.with_core(|c| book.refresh(&c.doc));
        }
        if book.checked() != *kept {
            *kept = book.checked();
            let (room, checked) = (room_id.clone(), book.remembered());
            *keeping = Some(gloo_timers::callback::Timeout::new(
                KEEP_CHECKED_MS,
                move || {
                    leptos::task::spawn_local(async move {
                        let _ = crate::store::save_checked(&room, &checked).await;
                    });
                },
            ));
        }
        let me = identity.public();
        let overview = self
            .text
            .with_core(|c| Overview::build(book, &c.doc.decisions(), &c.doc, Some(&me)))
            .unwrap_or_default();
        let overview = Rc::new(overview);
        inner.cached = Some((revision, overview.clone()));
        overview
    }

    /// The amendments as a Markdown file ([`model::amendments::export`]).
    pub fn markdown(&self, title: &str, lang: &str) -> String {
        let overview = self.overview();
        let decisions = self
            .text
            .with_core(|c| c.doc.decisions())
            .unwrap_or_default();
        model::amendments::export::markdown(&overview, &decisions, title, lang)
    }

    /// A meeting's paper (issue 13: the booklet, the adopted text, the
    /// amended text; [`model::meeting::booklet`]) from the amendments,
    /// the decisions and the text as they are now. `None` before the
    /// text room is open.
    pub fn paper(
        &self,
        kind: model::meeting::booklet::Kind,
        meeting: Option<&model::meeting::Meeting>,
        title: &str,
        lang: &str,
    ) -> Option<Result<model::meeting::paper::Paper, model::meeting::booklet::PaperError>> {
        use model::meeting::booklet::{make, Options, Sources};
        let overview = self.overview();
        let inner = self.inner()?;
        let inner = inner.borrow();
        // A link without the amendment room (or before it opens) prints
        // the text with no amendment.
        let empty;
        let book = match inner.book.as_ref() {
            Some(book) => book,
            None => {
                empty = Book::new([0; 16]);
                &empty
            }
        };
        self.text.with_core(|c| {
            let decisions = c.doc.decisions();
            let src = Sources {
                text: &c.doc,
                book,
                overview: &overview,
                decisions: &decisions,
            };
            let options = Options {
                title,
                lang,
                comments: false,
            };
            make(kind, &src, meeting, &options)
        })
    }

    /// The comments on `id`, oldest first.
    pub fn comments(&self, id: &str) -> Vec<Comment> {
        self.overview();
        self.inner()
            .and_then(|inner| {
                let inner = inner.borrow();
                inner.book.as_ref().map(|book| book.comments(id).to_vec())
            })
            .unwrap_or_default()
    }

    /// How `id`'s status changed, oldest first.
    pub fn history(&self, id: &str) -> Vec<Change> {
        self.text
            .with_core(|c| {
                c.doc
                    .decisions()
                    .get(id)
                    .map(|decided| decided.history.clone())
            })
            .flatten()
            .unwrap_or_default()
    }

    /// This browser's identity key, base64url (rows' `author`).
    pub fn me(&self) -> String {
        self.inner()
            .map(|inner| inner.borrow().identity.public_b64())
            .unwrap_or_default()
    }

    /// The editor's selection now (UTF-16), if the editor is there.
    pub fn selection(&self) -> Option<(u32, u32)> {
        self.text
            .with_core(|c| {
                c.selection()
                    .map(|s| (s.start.min(s.end), s.start.max(s.end)))
            })
            .flatten()
    }

    pub(crate) fn name(&self) -> String {
        self.presence.name().get_untracked().trim().to_owned()
    }

    /// The text room's session ([`super::meeting`] writes there too).
    pub(crate) fn text_session(&self) -> DocSession {
        self.text
    }

    /// The keepers' decisions, folded now.
    pub fn decisions(&self) -> model::amendments::Decisions {
        self.text
            .with_core(|c| c.doc.decisions())
            .unwrap_or_default()
    }

    /// Append a record made by `make` from the book, the identity and the
    /// text, to the amendment room.
    fn write<R>(
        &self,
        make: impl FnOnce(&Book, &Identity, &model::Document) -> Result<(R, String), AmendError>,
    ) -> Result<R, AmendError> {
        if self.role == Role::View {
            return Err(AmendError::NotAllowed);
        }
        self.overview();
        let inner = self.inner().ok_or(AmendError::NotOpen)?;
        let inner = inner.borrow();
        let (Some(book), Some(room)) = (inner.book.as_ref(), inner.room) else {
            return Err(AmendError::NotOpen);
        };
        let made = self
            .text
            .with_core(|c| make(book, &inner.identity, &c.doc))
            .ok_or(AmendError::NotOpen)??;
        let (result, line) = made;
        drop(inner);
        room.append_line(&line).ok_or(AmendError::NotOpen)?;
        self.local.update(|n| *n += 1);
        Ok(result)
    }

    /// File `draft`: the new amendment's id.
    pub fn file(&self, draft: Draft) -> Result<String, AmendError> {
        let name = self.name();
        self.write(|book, identity, text| {
            let (id, line) = book.file(identity, text, &draft, &name, now(), random_bytes())?;
            Ok((id.clone(), line))
        })
    }

    /// Its author changes `id` while it is only filed.
    pub fn revise(&self, id: &str, draft: Draft) -> Result<(), AmendError> {
        let name = self.name();
        let frozen = self
            .overview()
            .row(id)
            .is_some_and(|row| row.status != Status::Filed);
        self.write(|book, identity, text| {
            Ok((
                (),
                book.revise(identity, text, id, &draft, frozen, &name, now())?,
            ))
        })
    }

    /// Its author withdraws `id`.
    pub fn withdraw(&self, id: &str) -> Result<(), AmendError> {
        if self
            .overview()
            .row(id)
            .is_some_and(|row| row.status.is_closed())
        {
            return Err(AmendError::Decided);
        }
        let name = self.name();
        self.write(|book, identity, _| Ok(((), book.withdraw(identity, id, &name, now())?)))
    }

    /// Comment on `id` (or reply to one of its comments).
    pub fn comment(
        &self,
        id: &str,
        reply_to: Option<String>,
        stance: Stance,
        text: &str,
    ) -> Result<(), AmendError> {
        let name = self.name();
        self.write(|book, identity, _| {
            let (_, line) = book.comment(
                identity,
                id,
                reply_to,
                stance,
                text,
                &name,
                now(),
                random_bytes(),
            )?;
            Ok(((), line))
        })
    }

    /// The standings of an argument map's claims (endorsements, votes),
    /// from the amendment room's records. Tracks the revision.
    pub fn standings(&self) -> model::arguments::rank::Standings {
        self.overview();
        self.inner()
            .and_then(|inner| inner.borrow().book.as_ref().map(|book| book.standings()))
            .unwrap_or_default()
    }

    /// Who uses the claim `id` (names), and whether this person does.
    pub fn endorsers(&self, id: &str) -> (Vec<String>, bool) {
        self.overview();
        self.inner()
            .and_then(|inner| {
                let inner = inner.borrow();
                let me = inner.identity.public();
                inner
                    .book
                    .as_ref()
                    .map(|book| book.endorsers(id, Some(&me)))
            })
            .unwrap_or_default()
    }

    /// This person's strength vote on the claim `id`.
    pub fn my_impact(&self, id: &str) -> Option<u8> {
        self.overview();
        self.inner().and_then(|inner| {
            let inner = inner.borrow();
            let me = inner.identity.public();
            inner.book.as_ref().and_then(|book| book.my_impact(id, &me))
        })
    }

    /// "J'utilise cet argument" on the claim `id`, or taken back.
    pub fn endorse(&self, id: &str, on: bool) -> Result<(), AmendError> {
        let name = self.name();
        self.write(|book, identity, _| Ok(((), book.endorse(identity, id, on, &name, now()))))
    }

    /// Rate the claim `id` 0 to 4, or take the vote back.
    pub fn rate(&self, id: &str, value: Option<u8>) -> Result<(), AmendError> {
        let name = self.name();
        self.write(|book, identity, _| {
            let line = book
                .rate(identity, id, value, &name, now())
                .ok_or(AmendError::NoChange)?;
            Ok(((), line))
        })
    }

    /// A comment on the claim `id` (what an amend link proposes: an
    /// argument for or against it, a rewording).
    pub fn comment_claim(&self, id: &str, stance: Stance, text: &str) -> Result<(), AmendError> {
        let name = self.name();
        self.write(|book, identity, _| {
            let (_, line) =
                book.comment_claim(identity, id, stance, text, &name, now(), random_bytes())?;
            Ok(((), line))
        })
    }

    /// Support `id`, or take the support back.
    pub fn support(&self, id: &str, on: bool) -> Result<(), AmendError> {
        let name = self.name();
        self.write(|book, identity, _| Ok(((), book.support(identity, id, on, &name, now())?)))
    }

    pub(crate) fn keeper(&self) -> Result<(), AmendError> {
        if self.role == Role::Edit {
            Ok(())
        } else {
            Err(AmendError::NotAllowed)
        }
    }

    /// A keeper sets `id`'s status (under discussion, rejected, …).
    pub fn set_status(
        &self,
        id: &str,
        to: Status,
        counts: Option<Counts>,
        note: &str,
    ) -> Result<(), AmendError> {
        self.keeper()?;
        if to == Status::Adopted {
            return self.adopt(id, counts).map(|_| ());
        }
        let overview = self.overview();
        let row = overview.row(id).ok_or(AmendError::NotFound)?;
        if row.status == to {
            return Ok(());
        }
        let decision = Decision {
            amendment: id.to_owned(),
            from: row.status,
            to,
            rev: row.rev,
            counts,
            note: note.to_owned(),
            because: None,
        };
        let name = self.name();
        self.text
            .with_core(|c| {
                let update = c.doc.decide(&decision, &name, now());
                c.send_local(update);
            })
            .ok_or(AmendError::NotOpen)?;
        self.local.update(|n| *n += 1);
        Ok(())
    }

    /// A keeper adopts `id`: its wording goes into the text (one undo
    /// step), a named version records it, and the amendments it
    /// replaced fall. The ids of those that fell.
    pub fn adopt(&self, id: &str, counts: Option<Counts>) -> Result<Vec<String>, AmendError> {
        self.keeper()?;
        let overview = self.overview();
        let number = overview.row(id).and_then(|row| row.number);
        let inner = self.inner().ok_or(AmendError::NotOpen)?;
        let inner = inner.borrow();
        let book = inner.book.as_ref().ok_or(AmendError::NotOpen)?;
        let name = self.name();
        let label = number.map_or_else(|| id.to_owned(), |n| n.to_string());
        let fallen = self
            .text
            .with_core(|c| {
                let adopted = c
                    .doc
                    .adopt(book, &c.doc.decisions(), id, counts, &name, now())?;
                c.send_local(adopted.update);
                c.out.body = true;
                c.show_body();
                let words = self
                    .locale
                    .strings()
                    .amendment_adopted_version
                    .replace("{n}", &label);
                if let Ok(update) = c.doc.name_version(&words, None, now()) {
                    c.send_local(update);
                }
                Ok::<_, AmendError>(adopted.fallen)
            })
            .ok_or(AmendError::NotOpen)??;
        drop(inner);
        self.local.update(|n| *n += 1);
        Ok(fallen)
    }

    /// A keeper reopens a fallen or rejected amendment: under discussion
    /// again.
    pub fn reopen(&self, id: &str) -> Result<(), AmendError> {
        self.keeper()?;
        let status = self.overview().row(id).map(|row| row.status);
        match status {
            Some(Status::Fallen | Status::Rejected) => {
                self.set_status(id, Status::Discussion, None, "")
            }
            Some(_) => Err(AmendError::Decided),
            None => Err(AmendError::NotFound),
        }
    }

    /// Give numbers to the amendments that have none, in filing order.
    fn register_new(&self) {
        let overview = self.overview();
        let waiting = overview.unregistered();
        if waiting.is_empty() {
            return;
        }
        let name = self.name();
        let mut next = overview.next_number.max(1);
        let ids: Vec<String> = waiting.iter().map(|row| row.id.clone()).collect();
        self.text.with_core(|c| {
            for id in &ids {
                let update = c.doc.register(id, next, &name, now());
                c.send_local(update);
                next += 1;
            }
        });
        self.local.update(|n| *n += 1);
    }
}

impl super::Core {
    /// Queue a local update of this room and send it.
    pub(super) fn send_local(&mut self, update: Vec<u8>) {
        if let Err(error) = self.session.local(update) {
            leptos::logging::warn!("change not queued: {error}");
        }
        self.out.save = true;
        self.out.amendments = true;
        self.flush();
    }
}

impl DocSession {
    /// Append a record line to this (amendment) room.
    fn append_line(self, line: &str) -> Option<()> {
        self.with_core(|c| {
            let update = c.doc.append_record(line);
            c.send_local(update);
        })
    }

    /// An editor records the amendment room's key in `meta`.
    fn record_amendments_key(self, key: &WriterKey) {
        let text = key.to_b64();
        self.with_core(|c| {
            if c.can_write() {
                let update = c.doc.set_amendments_room_key(&text);
                c.send_local(update);
            }
        });
    }
}

/// The [`DocAmendments`] the document page provides.
pub fn use_doc_amendments() -> DocAmendments {
    use_context().expect("the document page provides DocAmendments")
}
