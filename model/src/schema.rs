//! The names inside a Cahier document (DESIGN.md, "Document model"): the
//! Yrs root types, the keys of the maps, and the kinds of document. Every
//! program that reads or writes a document (the app, the bench, the
//! command line) takes the names from here, so that a typo is a compile
//! error instead of an empty map, and renaming one is a schema change seen
//! in one place.
//!
//! | root      | type | holds                                                |
//! | --------- | ---- | ---------------------------------------------------- |
//! | [`META`]  | Map  | [`meta::KIND`] ([`DocKind`]), [`meta::TITLE`], [`meta::CREATED`] |
//! | [`BODY`]  | Text | the collective text, Markdown                        |
//! | [`PEOPLE`]| Map  | yrs client id (decimal) → `{` [`person::NAME`], [`person::COLOUR`], [`person::IDENTITY`] `}` |
//! | [`VERSIONS`] | Array | checkpoints, each a map of the keys in [`version`] ([`crate::history`]) |
//! | [`DECISIONS`] | Array | the keepers' events on amendments, each a map of the keys in [`decision`] ([`crate::amendments::decisions`]) |
//! | [`MEETINGS`] | Array | the meetings' events (open, agenda, on screen, close), each a map of the keys in [`meeting`] ([`crate::meeting`]) |
//! | [`CLAIMS`] | Map | an argument map's claims: claim id → a Map with the keys in [`claim`] ([`crate::arguments`]) |
//! | [`MOVES`] | Array | where each claim stands in the tree: events with the keys in [`placement`], folded in array order |
//! | [`CITATIONS`] | Map | a text's quotes of claims: citation id → a Map with the keys in [`citation`] |
//!
//! The amendment room (DESIGN.md, "Rooms, keys and links") is a document
//! of its own with one root:
//!
//! | root      | type | holds                                                |
//! | --------- | ---- | ---------------------------------------------------- |
//! | [`RECORDS`] | Text | one signed record per line ([`crate::amendments::record`]) |
//!
//! These names are stored in every document ever written: changing one
//! makes the documents already written unreadable. Add names; never
//! rename them. How the values are read and written is
//! [`crate::document`]'s job.

/// The document's metadata: a Yrs Map, keys in [`meta`].
pub const META: &str = "meta";
/// The collective text, Markdown: a Yrs Text, indexed in UTF-16 units.
pub const BODY: &str = "body";
/// Who wrote: a Yrs Map from a yrs client id (in decimal) to a Map with
/// the keys in [`person`].
pub const PEOPLE: &str = "people";

/// The history's checkpoints, automatic and named: a Yrs Array of maps
/// (plain values, never changed once written) with the keys in
/// [`version`]. Concurrent checkpoints merge as concurrent array
/// insertions; the timeline orders them by time ([`crate::history`]).
pub const VERSIONS: &str = "versions";

/// The keepers' decisions on amendments, in the text room: a Yrs Array of
/// maps (plain values, appended, never changed) with the keys in
/// [`decision`], read in array order ([`crate::amendments::decisions`]).
pub const DECISIONS: &str = "decisions";

/// The meetings that walk the amendments, in the text room: a Yrs Array
/// of maps (plain values, appended, never changed) with the keys in
/// [`meeting`], read in array order ([`crate::meeting`]).
pub const MEETINGS: &str = "meetings";

/// An argument map's claims (a document of kind
/// [`DocKind::Arguments`]): a Yrs Map from the claim's id to a nested Yrs
/// Map with the keys in [`claim`]; its statement and explanation are
/// nested Yrs Texts, so two people rewording one claim merge.
pub const CLAIMS: &str = "claims";

/// Where each claim of a map stands: a Yrs Array of maps (plain values,
/// appended, never changed) with the keys in [`placement`], folded in
/// array order ([`crate::arguments`]); a claim's creation places it, a
/// move places it again.
pub const MOVES: &str = "moves";

/// A text's quotes of claims of argument maps: a Yrs Map from the
/// citation's id to a Map (plain values) with the keys in [`citation`].
pub const CITATIONS: &str = "citations";

/// A workspace's documents (a document of kind [`DocKind::Workspace`]): a
/// Yrs Map from the entry's id to a nested Yrs Map with the keys in
/// [`entry`] ([`crate::workspace`]), so a move and a pin made at once both
/// hold.
pub const ENTRIES: &str = "entries";
/// A workspace's folders: folder id → a nested Yrs Map with the keys in
/// [`folder`].
pub const FOLDERS: &str = "folders";
/// A workspace's members as its editors list them: identity key
/// (base64url) → a nested Yrs Map with the keys in [`member`].
pub const MEMBERS: &str = "members";

/// The amendment room's records: a Yrs Text, one signed record per line
/// ([`crate::amendments::record`], [`crate::amendments::log`]).
pub const RECORDS: &str = "records";

/// The keys of an entry of the [`DECISIONS`] array.
pub mod decision {
    /// The amendment's id: a string.
    pub const AMENDMENT: &str = "amendment";
    /// `register` (a number given) or `status` (a status set): a string.
    pub const KIND: &str = "kind";
    /// The number registered: an integer.
    pub const NUMBER: &str = "number";
    /// The status before and after: strings, `Status::name`.
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    /// The amendment's revision the keepers saw: an integer; later
    /// revisions by the author do not count (withdrawing excepted).
    pub const REV: &str = "rev";
    /// Votes: integers; `unanimous` a boolean.
    pub const YES: &str = "yes";
    pub const NO: &str = "no";
    pub const ABSTAIN: &str = "abstain";
    pub const UNANIMOUS: &str = "unanimous";
    /// A note: a string ("retiré en séance").
    pub const NOTE: &str = "note";
    /// For a fallen one: the adopted amendment that replaced its passage.
    pub const BECAUSE: &str = "because";
    /// Who decided: the yrs client (an integer) and the name (a string).
    pub const CLIENT: &str = "client";
    pub const NAME: &str = "name";
    /// When, by the keeper's clock: milliseconds since the Unix epoch.
    pub const TIME: &str = "time";
}

/// The keys of the [`META`] map.
pub mod meta {
    /// What kind of document this is: a string, [`super::DocKind::name`].
    pub const KIND: &str = "kind";
    /// The document's title: a string.
    pub const TITLE: &str = "title";
    /// When the document was created: an integer, milliseconds since the
    /// Unix epoch (another app may have written a float).
    pub const CREATED: &str = "created";
    /// The amendment room's `write_pk`, base64url: written by editors, so
    /// a view link (which cannot derive it) finds the room.
    pub const AMENDMENTS: &str = "amendments";
    /// A workspace's emblem: an emoji or a `#rrggbb` colour, a string.
    pub const EMBLEM: &str = "emblem";
}

/// The keys of an entry of the [`PEOPLE`] map.
pub mod person {
    /// The name the person goes by: a string.
    pub const NAME: &str = "name";
    /// Their colour: a string, `#rrggbb`.
    pub const COLOUR: &str = "colour";
    /// Which browser wrote the entry: a string, the random identity that
    /// browser keeps (32 hex digits), the same in every entry of its
    /// visits, so a person's words keep one colour. Entries written before
    /// it existed have none, and still show.
    pub const IDENTITY: &str = "identity";
}

/// The keys of an entry of the [`VERSIONS`] array.
pub mod version {
    /// The checkpoint's id, unique in the document: a string,
    /// `<client>-<clock>` of the visit that made it.
    pub const ID: &str = "id";
    /// `auto`, `named` or `restored`: a string.
    pub const KIND: &str = "kind";
    /// The version's name (a named version): a string.
    pub const NAME: &str = "name";
    /// The checkpoint a restore brought back (a restored one): its id.
    pub const FROM: &str = "from";
    /// The yrs client id of the visit that made it: an integer.
    pub const CLIENT: &str = "client";
    /// When it was made, by its author's clock: an integer, milliseconds
    /// since the Unix epoch.
    pub const TIME: &str = "time";
    /// The checkpoint whose deletions this one extends: its id (absent for
    /// the first one a visit could build on).
    pub const BASE: &str = "base";
    /// The snapshot itself, as [`crate::history`] encodes it: a buffer.
    pub const STATE: &str = "state";
    /// Words added and removed since the base: integers.
    pub const ADDED: &str = "added";
    pub const REMOVED: &str = "removed";
    /// The clients whose words changed since the base: an array of
    /// integers.
    pub const EDITORS: &str = "editors";
}

/// What kind of document this is ([`meta::KIND`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocKind {
    /// A collective text: motion, leaflet, congress text.
    Text,
    /// A map of arguments and talking points.
    Arguments,
    /// A group's index of its documents ([`crate::workspace`]).
    Workspace,
}

impl DocKind {
    /// Every kind, in the order DESIGN.md lists them.
    pub const ALL: [DocKind; 3] = [DocKind::Text, DocKind::Arguments, DocKind::Workspace];

    /// The name stored in [`meta::KIND`].
    pub const fn name(self) -> &'static str {
        match self {
            DocKind::Text => "text",
            DocKind::Arguments => "arguments",
            DocKind::Workspace => "workspace",
        }
    }

    /// The kind stored as `name`, if this version knows it.
    pub fn from_name(name: &str) -> Option<Self> {
        DocKind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for kind in DocKind::ALL {
            assert_eq!(DocKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(DocKind::from_name("Text"), None);
        assert_eq!(DocKind::from_name(""), None);
    }

    #[test]
    fn the_stored_names_never_change() {
        // Documents already written hold these bytes.
        assert_eq!(
            [META, BODY, PEOPLE, VERSIONS],
            ["meta", "body", "people", "versions"]
        );
        assert_eq!(
            [
                version::ID,
                version::KIND,
                version::NAME,
                version::FROM,
                version::CLIENT,
                version::TIME,
                version::BASE,
                version::STATE,
                version::ADDED,
                version::REMOVED,
                version::EDITORS
            ],
            [
                "id", "kind", "name", "from", "client", "time", "base", "state", "added",
                "removed", "editors"
            ]
        );
        assert_eq!(
            [meta::KIND, meta::TITLE, meta::CREATED],
            ["kind", "title", "created"]
        );
        assert_eq!([person::NAME, person::COLOUR], ["name", "colour"]);
        assert_eq!(
            DocKind::ALL.map(DocKind::name),
            ["text", "arguments", "workspace"]
        );
    }
}

/// The keys of a claim's Map in [`CLAIMS`].
pub mod claim {
    /// The statement: a nested Yrs Text.
    pub const TEXT: &str = "text";
    /// The longer explanation, Markdown: a nested Yrs Text.
    pub const NOTE: &str = "note";
    /// For a claim at the top: `question` or `thesis` (a string).
    pub const KIND: &str = "kind";
    /// Under another claim: `pro` or `con` (a string).
    pub const STANCE: &str = "stance";
    /// Tags: an array of strings.
    pub const TAGS: &str = "tags";
    /// Sources: an array of maps with the keys in [`source`].
    pub const SOURCES: &str = "sources";
    /// Who wrote it first: the yrs client (an integer), the name (a
    /// string), when (milliseconds since the Unix epoch).
    pub const CLIENT: &str = "client";
    pub const NAME: &str = "name";
    pub const CREATED: &str = "created";
    /// Who changed it last, and when: a string, an integer.
    pub const EDITED_BY: &str = "edited_by";
    pub const EDITED: &str = "edited";
    /// Merged as a duplicate into this claim, by id: a string.
    pub const DUPLICATE_OF: &str = "duplicate_of";
    /// Deleted (with what is under it): a boolean; `false` restores.
    pub const DELETED: &str = "deleted";

    /// The keys of one source.
    pub mod source {
        /// Strings; any may be empty.
        pub const URL: &str = "url";
        pub const TITLE: &str = "title";
        pub const QUOTE: &str = "quote";
        pub const DATE: &str = "date";
    }
}

/// The keys of an entry of the [`MOVES`] array.
pub mod placement {
    /// The claim placed, by id: a string.
    pub const CLAIM: &str = "claim";
    /// Its parent, by id: a string, empty for the top of the map.
    pub const PARENT: &str = "parent";
    /// Its place among its siblings: a string, compared byte by byte
    /// ([`crate::arguments::order`]).
    pub const ORDER: &str = "order";
    /// Who, when: an integer (yrs client), an integer (ms).
    pub const CLIENT: &str = "client";
    pub const TIME: &str = "time";
}

/// The keys of a citation's Map in [`CITATIONS`].
pub mod citation {
    /// The argument map's view link (its fragment, `v=…`): a string.
    pub const MAP: &str = "map";
    /// The map's title when quoted: a string.
    pub const MAP_TITLE: &str = "map_title";
    /// The claim quoted, by id: a string.
    pub const CLAIM: &str = "claim";
    /// The claim's statement as quoted: a string.
    pub const WORDING: &str = "wording";
    /// Where the quote stands in the body: sticky indices (buffers).
    pub const START: &str = "start";
    pub const END: &str = "end";
    /// Who quoted it, when: a string, an integer (ms).
    pub const NAME: &str = "name";
    pub const TIME: &str = "time";
}

/// The keys of an entry of the [`ENTRIES`] map.
pub mod entry {
    /// The document's text room id (22 characters of base64url): a string.
    pub const ROOM: &str = "room";
    /// `text`, `arguments` or `meeting`: a string.
    pub const KIND: &str = "kind";
    /// The title as last seen by a member: a string.
    pub const TITLE: &str = "title";
    /// The folder's id, empty at the top: a string.
    pub const FOLDER: &str = "folder";
    /// Pinned at the top of the list: a boolean.
    pub const PINNED: &str = "pinned";
    /// The document's view link (its fragment, `v=…`): a string.
    pub const VIEW: &str = "view";
    /// The strongest link its adder had, sealed for the workspace's
    /// editors (`protocol::keybox`): a string, base64url.
    pub const SEALED: &str = "sealed";
    /// What the sealed link is: `edit`, `amend` or `view`: a string.
    pub const LEVEL: &str = "level";
    /// Who added it, when: a string, an integer (ms).
    pub const ADDED_BY: &str = "added_by";
    pub const ADDED_AT: &str = "added_at";
    /// When a member last saw it change: an integer (ms).
    pub const ACTIVITY: &str = "activity";
}

/// The keys of an entry of the [`FOLDERS`] map.
pub mod folder {
    /// Its name: a string.
    pub const NAME: &str = "name";
    /// When it was made: an integer (ms).
    pub const CREATED: &str = "created";
}

/// The keys of an entry of the [`MEMBERS`] map.
pub mod member {
    /// The name the member goes by: a string.
    pub const NAME: &str = "name";
    /// `edit` or `read`: a string.
    pub const LEVEL: &str = "level";
    /// When they were listed: an integer (ms).
    pub const ADDED_AT: &str = "added_at";
    /// Removed (and when): an integer (ms); a removed member stays listed
    /// so every copy agrees they are out.
    pub const REMOVED_AT: &str = "removed_at";
}

/// The keys of an entry of the [`MEETINGS`] array.
pub mod meeting {
    /// `open`, `agenda`, `current` or `close`: a string.
    pub const KIND: &str = "kind";
    /// The meeting's id: a string.
    pub const MEETING: &str = "meeting";
    /// `open`: the meeting's name and date (as the chair typed it, such as
    /// `2026-12-12`): strings.
    pub const NAME: &str = "name";
    pub const DATE: &str = "date";
    /// `open`: the named version of the text the meeting starts from, by
    /// checkpoint id: a string.
    pub const BASE: &str = "base";
    /// `open` and `agenda`: the amendments to take, in order, by id: an
    /// array of strings.
    pub const AGENDA: &str = "agenda";
    /// `open`: each agenda amendment's lines in the base text: a map from
    /// its id to `[first, last]` (integers).
    pub const LINES: &str = "lines";
    /// `current`: the amendment on screen, by id (a string), or absent for
    /// none.
    pub const AMENDMENT: &str = "amendment";
    /// `close`: the named version of the adopted text, by checkpoint id: a
    /// string.
    pub const RESULT: &str = "result";
    /// `close`: the minutes, an array of maps with the keys in
    /// [`minute`].
    pub const MINUTES: &str = "minutes";
    /// Who: the yrs client (an integer) and the name (a string).
    pub const CLIENT: &str = "client";
    pub const WHO: &str = "who";
    /// When, by the chair's clock: milliseconds since the Unix epoch.
    pub const TIME: &str = "time";

    /// The keys of one line of the minutes.
    pub mod minute {
        /// The amendment's id and number (0: none): a string, an integer.
        pub const AMENDMENT: &str = "amendment";
        pub const NUMBER: &str = "number";
        /// Its lines in the base text: integers.
        pub const FIRST: &str = "first";
        pub const LAST: &str = "last";
        /// What was decided: a string, `Status::name`.
        pub const STATUS: &str = "status";
        /// Votes: integers; `unanimous` a boolean.
        pub const YES: &str = "yes";
        pub const NO: &str = "no";
        pub const ABSTAIN: &str = "abstain";
        pub const UNANIMOUS: &str = "unanimous";
        /// A note ("retiré en séance"), and for a fallen one the adopted
        /// amendment's number: a string, an integer.
        pub const NOTE: &str = "note";
        pub const BECAUSE: &str = "because";
    }
}
