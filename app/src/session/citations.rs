//! The arguments a text quotes ([`model::arguments::cite`]): inserting a
//! claim of one of this browser's argument maps as a quote, and following
//! the cited maps so the text offers to update a quote whose claim was
//! reworded.
//!
//! Each cited map is followed by a session of its own
//! ([`super::Part::Reference`]) with the map's view keys: it shows this
//! browser's copy at once, then follows the relay, live, and never saves
//! (the map's own page keeps its copy). At most [`MAX_FOLLOWED`] maps are
//! followed; past them, a quote says it cannot be checked.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::arguments::cite::{self, Citation, CiteError, Quote};
use model::arguments::{fold, ArgMap};
use model::Document;
use protocol::Link;

use super::{DocSession, Part};
use crate::store;

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// How many cited maps a text page follows at once.
pub const MAX_FOLLOWED: usize = 8;
/// How many claims the picker lists for one search.
pub const PICKER_MAX: usize = 40;

/// A quote as the page shows it: the citation, and how it stands against
/// its map (`None`: the map is not known in this browser, or not read
/// yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cited {
    pub citation: Citation,
    pub standing: Option<cite::Standing>,
}

/// A claim the picker offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub quote: Quote,
    /// The map's room, to tell claims of two maps apart.
    pub room: String,
}

/// One argument map this browser knows, read from its saved copy.
#[derive(Clone)]
pub struct KnownMap {
    pub room: String,
    pub title: String,
    /// Its view link fragment.
    pub view: String,
    pub map: Rc<ArgMap>,
}

/// The quotes of the open text. Provided by the page
/// ([`DocCitations::provide`]); read with [`use_doc_citations`].
#[derive(Clone, Copy)]
pub struct DocCitations {
    /// Bumps when a citation changes here or comes, or a followed map
    /// changes.
    pub revision: Signal<u64>,
    text: DocSession,
    local: RwSignal<u64>,
    /// The maps followed, by view fragment.
    followed: StoredValue<Rc<RefCell<HashMap<String, DocSession>>>, LocalStorage>,
    /// Bumped when a followed map's claims change.
    maps: RwSignal<u64>,
    owner: StoredValue<Option<Owner>, LocalStorage>,
}

impl DocCitations {
    pub fn provide(text: DocSession) -> Self {
        let local = RwSignal::new(0u64);
        let maps = RwSignal::new(0u64);
        let signals = text.signals;
        let revision = Signal::derive(move || signals.citations.get() + local.get() + maps.get());
        let me = DocCitations {
            revision,
            text,
            local,
            followed: StoredValue::new_local(Rc::default()),
            maps,
            owner: StoredValue::new_local(Owner::current()),
        };
        // Follow the maps the text quotes, as they come.
        Effect::new(move |_| {
            signals.citations.track();
            local.track();
            if signals.kind.get() == Some(model::DocKind::Arguments) {
                return;
            }
            let fragments: Vec<String> = me
                .text
                .with_core(|c| c.doc.citations())
                .unwrap_or_default()
                .into_iter()
                .map(|c| c.map)
                .collect();
            for fragment in fragments {
                me.follow(&fragment);
            }
        });
        provide_context(me);
        me
    }

    fn follow(&self, fragment: &str) {
        let followed = self.followed.get_value();
        if followed.borrow().contains_key(fragment) || followed.borrow().len() >= MAX_FOLLOWED {
            return;
        }
        let Ok(link) = Link::parse(fragment) else {
            return;
        };
        let link = link.to_view();
        let keys = link.keys();
        let Some(owner) = self.owner.get_value() else {
            return;
        };
        let session = owner.with(|| DocSession::start_room(link, keys, Part::Reference));
        let maps = self.maps;
        let claims = session.signals.claims;
        owner.with(|| {
            Effect::new(move |_| {
                claims.track();
                maps.update(|n| *n += 1);
            })
        });
        followed.borrow_mut().insert(fragment.to_owned(), session);
    }

    /// The map a followed session has, if read.
    fn followed_map(&self, fragment: &str) -> Option<ArgMap> {
        let followed = self.followed.get_value();
        let session = *followed.borrow().get(fragment)?;
        if !session.signals.ready.get_untracked() {
            return None;
        }
        session.with_core(|c| c.doc.arguments())
    }

    /// The text's quotes, each with how it stands. Tracks the revision.
    pub fn list(&self) -> Vec<Cited> {
        self.revision.track();
        let citations = self
            .text
            .with_core(|c| c.doc.citations())
            .unwrap_or_default();
        let mut maps: HashMap<String, Option<ArgMap>> = HashMap::new();
        citations
            .into_iter()
            .map(|citation| {
                let map = maps
                    .entry(citation.map.clone())
                    .or_insert_with(|| self.followed_map(&citation.map));
                let standing = map
                    .as_ref()
                    .filter(|map| !map.is_empty() || map.claim(&citation.claim).is_some())
                    .map(|map| cite::status(&citation, map));
                Cited { citation, standing }
            })
            .collect()
    }

    /// How many quotes have a reworded claim. Tracks the revision.
    pub fn changed(&self) -> usize {
        self.list()
            .iter()
            .filter(|c| matches!(c.standing, Some(cite::Standing::Changed(_))))
            .count()
    }

    /// Quote `quote` at the caret (the end of the selection, else the end
    /// of the text).
    pub fn insert(&self, quote: &Quote, at: Option<u32>, who: &str) -> Result<(), CiteError> {
        if !self.text.signals.can_write {
            return Err(CiteError::OutOfRange);
        }
        self.text
            .with_core(|c| {
                let at = at.unwrap_or_else(|| c.doc.body_len()).min(c.doc.body_len());
                let cited = c.doc.cite(at, quote, who, now())?;
                c.send_text_change(cited.update);
                Ok(())
            })
            .ok_or(CiteError::NotFound)??;
        self.local.update(|n| *n += 1);
        Ok(())
    }

    /// Replace the quote `id`'s words by its claim's new wording.
    pub fn update(&self, id: &str, wording: &str, who: &str) -> Result<(), CiteError> {
        if !self.text.signals.can_write {
            return Err(CiteError::OutOfRange);
        }
        self.text
            .with_core(|c| {
                let update = c.doc.update_citation(id, wording, who, now())?;
                c.send_text_change(update);
                Ok(())
            })
            .ok_or(CiteError::NotFound)??;
        self.local.update(|n| *n += 1);
        Ok(())
    }

    /// Whether this link may quote (an edit link).
    pub fn can_cite(&self) -> bool {
        self.text.signals.can_write
    }
}

impl super::Core {
    /// Send a change of the body made here (not typed): the editor shows
    /// it, and the quotes' signal moves.
    pub(super) fn send_text_change(&mut self, update: Vec<u8>) {
        if let Err(error) = self.session.local(update) {
            leptos::logging::warn!("change not queued: {error}");
        }
        self.out.save = true;
        self.out.body = true;
        self.out.citations = true;
        self.out.edited = true;
        self.show_body();
        self.flush();
    }
}

/// The argument maps this browser knows (opened before), read from their
/// saved copies, most recent first.
pub async fn known_maps() -> Vec<KnownMap> {
    let rooms = store::load_maps().await.unwrap_or_default();
    let recent = store::load_recent().await.unwrap_or_default();
    let mut out = Vec::new();
    for room in rooms {
        let Some(entry) = recent.iter().find(|r| r.room == room) else {
            continue;
        };
        let Ok(link) = Link::parse(&entry.fragment) else {
            continue;
        };
        let Ok(Some(saved)) = store::load_doc(&room).await else {
            continue;
        };
        let Ok(doc) = Document::load(0, &saved.state) else {
            continue;
        };
        let map = doc.arguments();
        if map.is_empty() {
            continue;
        }
        out.push(KnownMap {
            room,
            title: doc.meta().title.unwrap_or_default(),
            view: link.to_view().fragment(),
            map: Rc::new(map),
        });
    }
    out
}

/// The claims of `maps` matching `query` (every word, accents ignored),
/// in each map's order, at most [`PICKER_MAX`].
pub fn search(maps: &[KnownMap], query: &str) -> Vec<Offer> {
    let words: Vec<String> = fold(query).split_whitespace().map(str::to_owned).collect();
    let mut out = Vec::new();
    for known in maps {
        for (id, _) in known.map.walk() {
            let Some(claim) = known.map.claim(id) else {
                continue;
            };
            let hay = fold(&format!("{} {}", claim.text, claim.tags.join(" ")));
            if words.iter().all(|w| hay.contains(w.as_str())) {
                out.push(Offer {
                    quote: Quote {
                        map: known.view.clone(),
                        map_title: known.title.clone(),
                        claim: id.to_owned(),
                        wording: claim.text.clone(),
                    },
                    room: known.room.clone(),
                });
                if out.len() >= PICKER_MAX {
                    return out;
                }
            }
        }
    }
    out
}

/// Remember that the open document is an argument map (for the picker).
pub fn remember_map(room: String) {
    spawn_local(async move {
        if let Err(error) = store::remember_map(&room).await {
            leptos::logging::warn!("the map could not be remembered: {error:?}");
        }
    });
}

/// The [`DocCitations`] the document page provides.
pub fn use_doc_citations() -> DocCitations {
    use_context().expect("the document page provides DocCitations")
}
