//! The argument map of the open document ([`model::arguments`]): what the
//! map's views (the tree, the focused claim, the sheet) read and write.
//!
//! The claims and their places live in the text room: an edit link writes
//! them, sent like any edit, offline like a text. Endorsements, strength
//! votes and the amend link's comments are signed records of the
//! amendment room ([`super::amendments`]), so every member link takes
//! part under its own identity key.
//!
//! The map is folded once per revision ([`DocArguments::map`]), not per
//! view: a map of 2,000 claims takes milliseconds to fold, and the tree,
//! the focused view and the sheet all read it.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use model::amendments::{AmendError, Comment, Stance as CommentStance};
use model::arguments::rank::Standings;
use model::arguments::sheet::{self, Choice, Sheet, Subject};
use model::arguments::{ArgError, ArgMap, ClaimEdit};
use model::DocKind;

use super::amendments::DocAmendments;
use super::DocSession;

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// The key under which the home page leaves "this new document is an
/// argument map" for the page that opens it (sessionStorage, by room).
const NEW_KIND_KEY: &str = "cahier-new-kind:";

/// Say that the document `room`, about to be created in this tab, is an
/// argument map: the page writes its kind once it has loaded.
pub fn will_be_map(room: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = storage.set_item(&format!("{NEW_KIND_KEY}{room}"), DocKind::Arguments.name());
    }
}

fn take_new_kind(room: &str) -> Option<DocKind> {
    let storage = web_sys::window().and_then(|w| w.session_storage().ok().flatten())?;
    let key = format!("{NEW_KIND_KEY}{room}");
    let kind = storage.get_item(&key).ok().flatten()?;
    let _ = storage.remove_item(&key);
    DocKind::from_name(&kind)
}

/// The map as last folded, with the revision it was folded at.
type Folded = Option<(u64, Rc<ArgMap>)>;

/// The argument map of the document page. Provided by the page
/// ([`DocArguments::provide`]); read with [`use_doc_arguments`].
#[derive(Clone, Copy)]
pub struct DocArguments {
    /// Bumps when a claim or a place changes, here or from a co-author.
    pub revision: Signal<u64>,
    /// The document's kind, once its `meta` is read (`None`: a text, or
    /// not known yet).
    pub kind: Signal<Option<DocKind>>,
    amendments: DocAmendments,
    text: DocSession,
    local: RwSignal<u64>,
    /// The map folded at a revision.
    cache: StoredValue<Rc<RefCell<Folded>>, LocalStorage>,
}

impl DocArguments {
    pub fn provide(amendments: DocAmendments) -> Self {
        let text = amendments.text_session();
        let local = RwSignal::new(0u64);
        let signals = text.signals;
        let revision = Signal::derive(move || signals.claims.get() + local.get());
        let kind = Signal::derive(move || signals.kind.get());
        let me = DocArguments {
            revision,
            kind,
            amendments,
            text,
            local,
            cache: StoredValue::new_local(Rc::default()),
        };
        // A map created from the home page: its kind is written once the
        // (empty) document has loaded.
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) || !signals.ready.get() {
                return done.unwrap_or(false);
            }
            if signals.kind.get_untracked().is_none() && signals.can_write {
                let room = text.with_core(|c| c.room.clone()).unwrap_or_default();
                if take_new_kind(&room) == Some(DocKind::Arguments) {
                    me.text.with_core(|c| {
                        let update = c.doc.init_meta(DocKind::Arguments, "", now());
                        c.out.kind = Some(Some(DocKind::Arguments));
                        c.send_claims(update);
                    });
                }
            }
            true
        });
        // The picker of "Insérer un argument" looks among the maps this
        // browser opened.
        Effect::new(move |remembered: Option<bool>| {
            if remembered == Some(true) || signals.kind.get() != Some(DocKind::Arguments) {
                return remembered.unwrap_or(false);
            }
            if let Some(room) = text.with_core(|c| c.room.clone()) {
                super::citations::remember_map(room);
            }
            true
        });
        provide_context(me);
        me
    }

    /// Whether the open document is an argument map. Tracks the kind.
    pub fn is_map(&self) -> bool {
        self.kind.get() == Some(DocKind::Arguments)
    }

    /// Whether this link may change the map (an edit link).
    pub fn can_edit(&self) -> bool {
        self.text.signals.can_write
    }

    /// Whether this link may endorse, rate and comment (edit and amend).
    pub fn can_take_part(&self) -> bool {
        self.amendments.role != protocol::Role::View
    }

    /// The map, folded once per revision. Tracks the revision.
    pub fn map(&self) -> Rc<ArgMap> {
        let revision = self.revision.get();
        let cache = self.cache.get_value();
        if let Some((at, map)) = cache.borrow().as_ref() {
            if *at == revision {
                return map.clone();
            }
        }
        let map = Rc::new(
            self.text
                .with_core(|c| c.doc.arguments())
                .unwrap_or_default(),
        );
        *cache.borrow_mut() = Some((revision, map.clone()));
        map
    }

    /// Every claim's standing (endorsements, votes). Tracks the amendment
    /// room's revision.
    pub fn standings(&self) -> Standings {
        // The amendment room's own reads do not track (`overview`).
        self.amendments.revision.track();
        self.amendments.standings()
    }

    /// The sheet about `subject`, as the person chose. Tracks both.
    pub fn sheet(&self, subject: &Subject, choice: &Choice) -> Option<Sheet> {
        sheet::select(&self.map(), &self.standings(), subject, choice)
    }

    /// What could go on a sheet about `subject`, ranked.
    pub fn candidates(&self, subject: &Subject) -> sheet::Candidates {
        sheet::candidates(&self.map(), &self.standings(), subject)
    }

    fn who(&self) -> String {
        self.amendments.name()
    }

    fn change(
        &self,
        make: impl FnOnce(&model::Document, &str) -> Result<Option<Vec<u8>>, ArgError>,
    ) -> Result<(), ArgError> {
        if !self.can_edit() {
            return Err(ArgError::NotAllowed);
        }
        let who = self.who();
        let made = self
            .text
            .with_core(|c| {
                let update = make(&c.doc, &who)?;
                if let Some(update) = update {
                    c.send_claims(update);
                }
                Ok(())
            })
            .ok_or(ArgError::NotFound)?;
        self.local.update(|n| *n += 1);
        made
    }

    /// Add a claim under `parent` (`None`: at the top) at `index` (`None`:
    /// last): its id.
    pub fn add(
        &self,
        parent: Option<&str>,
        index: Option<usize>,
        claim: &ClaimEdit,
    ) -> Result<String, ArgError> {
        let mut id = String::new();
        self.change(|doc, who| {
            let (new, update) = doc.add_claim(parent, index, claim, who, now())?;
            id = new;
            Ok(Some(update))
        })?;
        Ok(id)
    }

    /// Add every claim of an Argdown text under `parent` (`None`: at the
    /// top), in updates of 100 claims: how many.
    pub fn import_argdown(
        &self,
        parsed: &model::arguments::argdown::Parsed,
        parent: Option<&str>,
    ) -> Result<usize, ArgError> {
        if !self.can_edit() {
            return Err(ArgError::NotAllowed);
        }
        let who = self.who();
        let count = self
            .text
            .with_core(|c| {
                let (ids, updates) = c.doc.import_argdown(parsed, parent, &who, now())?;
                for update in updates {
                    c.send_claims(update);
                }
                Ok(ids.iter().filter(|id| !id.is_empty()).count())
            })
            .ok_or(ArgError::NotFound)??;
        self.local.update(|n| *n += 1);
        Ok(count)
    }

    /// Change a claim's words, kind, stance, tags or sources.
    pub fn edit(&self, id: &str, edit: &ClaimEdit) -> Result<(), ArgError> {
        self.change(|doc, who| doc.edit_claim(id, edit, who, now()))
    }

    /// Move a claim under `parent` at `index` among its children.
    pub fn move_to(&self, id: &str, parent: Option<&str>, index: usize) -> Result<(), ArgError> {
        self.change(|doc, _| doc.move_claim(id, parent, index, now()).map(Some))
    }

    /// Delete a claim with what is under it, or restore it.
    pub fn delete(&self, id: &str, deleted: bool) -> Result<(), ArgError> {
        self.change(|doc, who| doc.delete_claim(id, deleted, who, now()).map(Some))
    }

    /// Merge `duplicate` into `into`.
    pub fn merge(&self, duplicate: &str, into: &str) -> Result<(), ArgError> {
        self.change(|doc, who| doc.merge_claims(duplicate, into, who, now()).map(Some))
    }

    /// Let a merged duplicate stand on its own again.
    pub fn unmerge(&self, duplicate: &str) -> Result<(), ArgError> {
        self.change(|doc, who| doc.unmerge_claim(duplicate, who, now()).map(Some))
    }

    /// Who uses the claim `id` (names), and whether this person does.
    /// Tracks the amendment room.
    pub fn endorsers(&self, id: &str) -> (Vec<String>, bool) {
        self.amendments.revision.track();
        self.amendments.endorsers(id)
    }

    /// This person's strength vote on `id`. Tracks the amendment room.
    pub fn my_impact(&self, id: &str) -> Option<u8> {
        self.amendments.revision.track();
        self.amendments.my_impact(id)
    }

    /// "J'utilise cet argument", or taken back.
    pub fn endorse(&self, id: &str, on: bool) -> Result<(), AmendError> {
        self.amendments.endorse(id, on)
    }

    /// Rate `id` 0 to 4 (`None`: take the vote back).
    pub fn rate(&self, id: &str, value: Option<u8>) -> Result<(), AmendError> {
        self.amendments.rate(id, value)
    }

    /// Comment on `id` (the amend link's proposals).
    pub fn comment(&self, id: &str, stance: CommentStance, text: &str) -> Result<(), AmendError> {
        self.amendments.comment_claim(id, stance, text)
    }

    /// The comments on `id`, oldest first. Tracks the amendment room.
    pub fn comments(&self, id: &str) -> Vec<Comment> {
        self.amendments.revision.track();
        self.amendments.comments(id)
    }

    /// The map's title. Tracks it.
    pub fn title(&self) -> String {
        self.text.signals.title.get()
    }
}

impl super::Core {
    /// Queue a change of the map's claims and send it: only the claims'
    /// signal moves (the body is untouched).
    pub(super) fn send_claims(&mut self, update: Vec<u8>) {
        if let Err(error) = self.session.local(update) {
            leptos::logging::warn!("claims' change not queued: {error}");
        }
        self.out.save = true;
        self.out.claims = true;
        self.out.edited = true;
        self.flush();
    }
}

/// The [`DocArguments`] the document page provides.
pub fn use_doc_arguments() -> DocArguments {
    use_context().expect("the document page provides DocArguments")
}
