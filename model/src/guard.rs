//! The guard in front of Yrs: a co-author's update (or a snapshot, which is
//! an update of the whole document) is read here in full, without
//! recursion and without trusting a single count, before anything gives it
//! to yrs. yrs 0.28's decoder recurses into nested values without a limit
//! (`Any::decode`), reserves what counts announce, and does clock arithmetic
//! that overflows; in the browser a stack overflow corrupts the wasm memory
//! silently and a panic aborts (`panic = "abort"`), so this check is the
//! only defence there. [`check`] returns a typed [`Refusal`] saying what was
//! wrong and where; [`crate::Document::apply_remote`] sets such an update
//! aside (ARCHITECTURE.md, "A co-author cannot break a document").
//!
//! The format read is the lib0 v1 update as yrs 0.28.1 decodes it
//! (`update.rs` `Update::decode` and `decode_block`, `block.rs`
//! `ItemContent::decode`, `any.rs` `Any::decode`, `id_set.rs`,
//! `updates/decoder.rs` `DecoderV1`), mirrored so that what passes here is
//! read by yrs exactly as it was read here:
//!
//! ```text
//! update     = varuint clients, clients × client_structs, delete_set
//! client_structs = varuint count, varuint client, varuint clock, count × struct
//! struct     = info byte, then
//!              info = 0  (GC):   varuint len
//!              info = 10 (Skip): varuint len
//!              otherwise (item, content = info & 0x0f):
//!                [origin id if info & 0x80] [right origin id if info & 0x40]
//!                if neither: varuint parent_info (1: a root, by name string;
//!                  0: a nested type, by id), [parent_sub string if info & 0x20]
//!                content
//! id         = varuint client, varuint clock
//! content    = 1 deleted: varuint len | 3 binary: buffer | 4 string
//!            | 5 embed: JSON string | 6 format: key string, JSON string
//!            | 7 type: type byte [element name string if 3]
//!            | 8 any: varuint n, n × any | 9 sub-document: guid string, any
//! delete_set = varuint clients, clients × (varuint client, varuint n,
//!              n × (varuint clock, varuint len))
//! any        = 127 undefined | 126 null | 125 signed varint | 124 f32
//!            | 123 f64 | 122 i64 | 121 false | 120 true | 119 string
//!            | 118 varuint n, n × (key string, any) | 117 varuint n, n × any
//!            | 116 buffer
//! string, buffer = varuint length (bytes), the bytes (UTF-8 for strings)
//! ```
//!
//! What is refused, beyond bytes that are not this format: nesting deeper
//! than [`MAX_DEPTH`] (in `any` values and in the JSON of embeds and
//! formats); a count or a length larger than the bytes left could hold; a
//! varint longer than 10 bytes or larger than its field; a clock past
//! [`MAX_CLOCK`]; a client id past 53 bits; content kinds, value tags,
//! type kinds and info bits yrs does not know, and content 2 (legacy JSON,
//! which yrs decodes with one string more than it encodes and never
//! writes); a client listed twice; an empty GC, skip or deleted range;
//! trailing bytes. Every update Yrs writes
//! passes (tests below: real edits, maps, arrays, formatting, embeds,
//! sub-documents, whole editing traces).
//!
//! What is left to the document ([`Shape`]): an item placed in a nested
//! type names its parent by id, and yrs gives up half-way through an update
//! whose parent is not a type; [`crate::Document`] refuses such an update
//! before applying it, knowing which ids are types. And an item's left
//! origin must come before its right origin, in one type: yrs places an
//! item whose origins contradict each other wherever its conflict
//! resolution runs out, differently live and when loading a saved copy
//! (found by fuzzing); the document checks the order of the two against
//! the text it has.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

/// How deeply values may nest: arrays and maps inside `any` values, and
/// arrays and objects in the JSON of embeds and formats. yrs decodes them
/// by recursion; 64 levels take a few kilobytes of stack, and no document
/// Cahier writes nests more than 2.
pub const MAX_DEPTH: usize = 64;

/// The largest clock (a client's operation counter) accepted, with the
/// length of what it starts: yrs stores clocks as `u32` but computes their
/// differences as `i32` (`Update::integrate`), so a clock past `i32::MAX`
/// turns a difference negative. A person would need two billion
/// operations to reach it.
pub const MAX_CLOCK: u32 = i32::MAX as u32;

/// The largest client id accepted: 53 bits (a JavaScript safe integer,
/// what Yjs writes; yrs's `ClientID` keeps 53 bits).
pub const MAX_CLIENT: u64 = (1 << 53) - 1;

/// The longest varint accepted, in bytes: enough for a `u64`.
const MAX_VARINT_BYTES: usize = 10;

// The info byte of a struct (yrs `block.rs`).
const GC: u8 = 0;
const SKIP: u8 = 10;
const HAS_ORIGIN: u8 = 0b1000_0000;
const HAS_RIGHT_ORIGIN: u8 = 0b0100_0000;
const HAS_PARENT_SUB: u8 = 0b0010_0000;
const UNUSED_INFO_BIT: u8 = 0b0001_0000;
const CONTENT: u8 = 0b0000_1111;

// Content kinds (`BLOCK_ITEM_*_REF_NUMBER`).
const DELETED: u8 = 1;
const JSON: u8 = 2;
const BINARY: u8 = 3;
const STRING: u8 = 4;
const EMBED: u8 = 5;
const FORMAT: u8 = 6;
const TYPE: u8 = 7;
const ANY: u8 = 8;
const DOC: u8 = 9;

// Type kinds (`TYPE_REFS_*`); 7, weak links, needs a yrs feature Cahier
// does not turn on.
const XML_ELEMENT: u8 = 3;
const TYPE_KINDS: [u8; 9] = [0, 1, 2, 3, 4, 5, 6, 9, 15];

// `any` tags.
const ANY_UNDEFINED: u8 = 127;
const ANY_NULL: u8 = 126;
const ANY_VARINT: u8 = 125;
const ANY_F32: u8 = 124;
const ANY_F64: u8 = 123;
const ANY_I64: u8 = 122;
const ANY_FALSE: u8 = 121;
const ANY_TRUE: u8 = 120;
const ANY_STRING: u8 = 119;
const ANY_MAP: u8 = 118;
const ANY_ARRAY: u8 = 117;
const ANY_BUFFER: u8 = 116;

/// A struct's id: the client that wrote it and its clock.
pub type Id = (u64, u32);

/// Why an update was refused, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at byte {at}: {reason}")]
pub struct Refusal {
    /// The offset in the update where the reader stopped.
    pub at: usize,
    pub reason: Reason,
}

/// What was wrong with a refused update.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error("it ends in the middle of {0}")]
    Truncated(&'static str),
    #[error("a varint for {0} is longer than 10 bytes or larger than its field")]
    BadVarint(&'static str),
    #[error("{what} announces {count}, more than the {left} bytes left could hold")]
    CountTooLarge {
        what: &'static str,
        count: u64,
        left: usize,
    },
    #[error("values nest deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("client id {0} is larger than 53 bits")]
    ClientTooLarge(u64),
    #[error("a clock goes past {MAX_CLOCK}")]
    ClockTooLarge,
    #[error("a struct has content kind {0}, which this app does not read")]
    UnknownContent(u8),
    #[error("a struct's info byte {0:#04x} has a bit yrs does not use")]
    UnknownInfo(u8),
    #[error("a value has tag {0}, which is not a Yrs value")]
    UnknownValue(u8),
    #[error("a shared type has kind {0}, which this app does not read")]
    UnknownType(u8),
    #[error("a parent is given as {0}, neither a root (1) nor an id (0)")]
    UnknownParent(u64),
    #[error("a string is not UTF-8")]
    NotUtf8,
    #[error("client {0} is listed twice")]
    DuplicateClient(u64),
    #[error("{0} is empty")]
    Empty(&'static str),
    #[error("{0} bytes follow the update")]
    TrailingBytes(usize),
    #[error("an item's left and right origins are both {0:?}")]
    SameOrigins(Id),
    #[error("an item's parent {0:?} is not a shared type of this document")]
    ParentNotAType(Id),
    #[error("an item's right origin {right_origin:?} is not to the right of its left origin {origin:?} in one shared type")]
    OriginsOutOfOrder { origin: Id, right_origin: Id },
    #[error("an item needs {0:?}, which neither this document nor the update has")]
    Unknown(Id),
    #[error("client {client} writes at clock {clock}, in a hole an earlier update left")]
    IntoAHole { client: u64, clock: u32 },
}

/// What the document must check that the bytes alone cannot tell, and
/// what it keeps to tell it next time: found while reading an update that
/// passed: a few entries for an ordinary edit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// The items with both origins, with the offset of each: the document
    /// checks that the left one comes before the right one
    /// ([`crate::Document`]; the bytes alone cannot tell).
    pub origins: Vec<(usize, Id, Id)>,
    /// The clocks the update writes, client by client, in runs (a skip
    /// ends one): the document refuses one that writes into a hole it
    /// keeps ([`Parents::check`]).
    pub written: Vec<(u64, Range<u32>)>,
    /// Every id an item needs (its origins, or its parent when named by
    /// id), with the offset where it is named: the document refuses an
    /// update whose items need what neither it nor the update has.
    pub needs: Vec<(usize, Id)>,
    /// The parents named by id (items in nested types), with the offset
    /// where each is named.
    pub parents: Vec<(usize, Id)>,
    /// The ids of items holding a shared type (length 1 each).
    pub types: Vec<Id>,
    /// Ranges where yrs keeps no content (GC structs, deleted content): an
    /// item whose parent lies there is dropped by yrs, not refused.
    pub inert: Vec<(u64, Range<u32>)>,
}

/// Where a document holds a shared type, or no content: what an item's
/// parent may be. yrs applies an update struct by struct and stops with an
/// error at an item whose parent is another kind of content, leaving the
/// structs before it applied; [`Parents::check`] refuses such an update
/// before yrs sees it, so that a refused update is not half applied.
#[derive(Debug, Default)]
pub struct Parents {
    types: HashSet<Id>,
    /// `(client, start)` → end of a range without content.
    inert: BTreeMap<Id, u32>,
    /// `(client, start)` → end of a hole: clocks an update applied here
    /// went past without writing them (the ones of an update set aside).
    holes: BTreeMap<Id, u32>,
}

impl Parents {
    /// Remember the types and the inert ranges of an update applied.
    pub fn learn(&mut self, shape: &Shape) {
        self.types.extend(shape.types.iter().copied());
        for (client, range) in &shape.inert {
            let end = self
                .inert
                .entry((*client, range.start))
                .or_insert(range.end);
            *end = (*end).max(range.end);
        }
    }

    /// Remember the holes an update applied leaves, given the document's
    /// state (clock by client) before it: clocks it went past without
    /// writing them.
    pub fn learn_holes(&mut self, shape: &Shape, state: impl Fn(u64) -> u32) {
        let mut runs = shape.written.clone();
        runs.sort_by_key(|(client, range)| (*client, range.start));
        let mut cursor = None;
        for (client, range) in runs {
            let from = match cursor {
                Some((c, end)) if c == client => end,
                _ => state(client),
            };
            if range.start > from {
                self.holes.insert((client, from), range.start);
            }
            cursor = Some((client, from.max(range.end)));
        }
    }

    /// The hole `(client, clock)` falls in, if any.
    fn hole(&self, (client, clock): Id) -> Option<(u32, u32)> {
        self.holes
            .range((client, 0)..=(client, clock))
            .next_back()
            .filter(|(_, end)| clock < **end)
            .map(|((_, start), end)| (*start, *end))
    }

    /// Refuse an update that writes into a hole (yrs would take it while
    /// the clocks after the hole are applied already, and a copy loading
    /// the saved state would not), or whose items need an id that neither
    /// the document (`state`: its clock by client) nor the update has (yrs
    /// would keep it pending, and with it every later struct of its
    /// client in a copy loading the saved state, but not live).
    pub fn check_known(&self, shape: &Shape, state: impl Fn(u64) -> u32) -> Result<(), Refusal> {
        for (client, range) in &shape.written {
            // Holes do not overlap: the last one starting before the end
            // of the range is the only one that can reach into it.
            if let Some((_, end)) = self
                .holes
                .range((*client, 0)..(*client, range.end))
                .next_back()
            {
                if *end > range.start {
                    return Err(Refusal {
                        at: 0,
                        reason: Reason::IntoAHole {
                            client: *client,
                            clock: range.start,
                        },
                    });
                }
            }
        }
        if shape.needs.is_empty() {
            return Ok(());
        }
        let mut runs = shape.written.clone();
        runs.sort_by_key(|(client, range)| (*client, range.start));
        let written = |(client, clock): Id| {
            let after = runs.partition_point(|(c, r)| (*c, r.start) <= (client, clock));
            after > 0 && {
                let (c, r) = &runs[after - 1];
                *c == client && r.contains(&clock)
            }
        };
        for &(at, id) in &shape.needs {
            let known = id.1 < state(id.0) && self.hole(id).is_none();
            if !known && !written(id) {
                return Err(Refusal {
                    at,
                    reason: Reason::Unknown(id),
                });
            }
        }
        Ok(())
    }

    /// Whether an item whose parent is `id` can be applied.
    pub fn admits(&self, id: Id) -> bool {
        self.types.contains(&id)
            || self
                .inert
                .range((id.0, 0)..=id)
                .next_back()
                .is_some_and(|(_, end)| id.1 < *end)
    }

    /// Refuse an update one of whose items names a parent that is neither
    /// a type nor inert, in the update or in what the document has.
    pub fn check(&self, shape: &Shape) -> Result<(), Refusal> {
        if shape.parents.is_empty() {
            return Ok(());
        }
        let mut own = Parents::default();
        own.learn(shape);
        match shape
            .parents
            .iter()
            .find(|(_, id)| !own.admits(*id) && !self.admits(*id))
        {
            Some((at, id)) => Err(Refusal {
                at: *at,
                reason: Reason::ParentNotAType(*id),
            }),
            None => Ok(()),
        }
    }
}

/// Read a whole v1 update (or snapshot) and say whether yrs may be given
/// it. Linear in its length, with no recursion and no allocation but the
/// [`Shape`] (and the list of clients, to refuse one listed twice).
pub fn check(update: &[u8]) -> Result<Shape, Refusal> {
    let mut reader = Reader {
        buf: update,
        at: 0,
        stack: Vec::new(),
    };
    let mut shape = Shape::default();
    reader.update(&mut shape)?;
    if reader.left() > 0 {
        return Err(reader.refuse(Reason::TrailingBytes(reader.left())));
    }
    Ok(shape)
}

/// The cursor over an update, with the stack of containers open in the
/// value being read (instead of recursion).
struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
    /// For each container open, how many items (for a map: entries) are
    /// still to read, and whether it is a map.
    stack: Vec<(u64, bool)>,
}

impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.buf.len() - self.at
    }

    fn refuse(&self, reason: Reason) -> Refusal {
        Refusal {
            at: self.at,
            reason,
        }
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, Refusal> {
        let byte = *self
            .buf
            .get(self.at)
            .ok_or_else(|| self.refuse(Reason::Truncated(what)))?;
        self.at += 1;
        Ok(byte)
    }

    fn bytes(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], Refusal> {
        if len > self.left() {
            return Err(self.refuse(Reason::Truncated(what)));
        }
        let bytes = &self.buf[self.at..self.at + len];
        self.at += len;
        Ok(bytes)
    }

    /// An unsigned LEB128 varint of at most 10 bytes whose value fits in a
    /// `u64` (yrs reads up to 11 and drops the bits that do not fit).
    fn var(&mut self, what: &'static str) -> Result<u64, Refusal> {
        let mut value = 0u64;
        for i in 0..MAX_VARINT_BYTES {
            let byte = self.u8(what)?;
            let bits = u64::from(byte & 0x7f);
            if i == MAX_VARINT_BYTES - 1 && bits > 1 {
                return Err(self.refuse(Reason::BadVarint(what)));
            }
            value |= bits << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.refuse(Reason::BadVarint(what)))
    }

    fn var_u32(&mut self, what: &'static str) -> Result<u32, Refusal> {
        let value = self.var(what)?;
        u32::try_from(value).map_err(|_| self.refuse(Reason::BadVarint(what)))
    }

    /// A clock, or a clock and the length of what starts there.
    fn clock(&mut self, what: &'static str) -> Result<u32, Refusal> {
        let clock = self.var_u32(what)?;
        if clock > MAX_CLOCK {
            return Err(self.refuse(Reason::ClockTooLarge));
        }
        Ok(clock)
    }

    /// lib0's signed varint: the first byte holds a continuation bit, a
    /// sign bit and 6 bits of magnitude, the next ones 7 bits each. yrs
    /// shifts by 69 on an 11th byte and negates the magnitude, both of
    /// which overflow: at most 10 bytes, a magnitude below 2^63.
    fn signed_var(&mut self) -> Result<(), Refusal> {
        const WHAT: &str = "an integer";
        let first = self.u8(WHAT)?;
        if first & 0x80 == 0 {
            return Ok(());
        }
        for i in 1..MAX_VARINT_BYTES {
            let byte = self.u8(WHAT)?;
            if i == MAX_VARINT_BYTES - 1 && byte & 0x7f > 1 {
                return Err(self.refuse(Reason::BadVarint(WHAT)));
            }
            if byte & 0x80 == 0 {
                return Ok(());
            }
        }
        Err(self.refuse(Reason::BadVarint(WHAT)))
    }

    /// A count of things each taking at least `min_bytes`.
    fn count(&mut self, what: &'static str, min_bytes: usize) -> Result<u64, Refusal> {
        let count = self.var(what)?;
        let left = self.left();
        if count > (left / min_bytes) as u64 {
            return Err(self.refuse(Reason::CountTooLarge { what, count, left }));
        }
        Ok(count)
    }

    fn buffer(&mut self, what: &'static str) -> Result<&'a [u8], Refusal> {
        let len = self.var_u32(what)?;
        let left = self.left();
        if len as usize > left {
            return Err(self.refuse(Reason::CountTooLarge {
                what,
                count: len.into(),
                left,
            }));
        }
        self.bytes(len as usize, what)
    }

    fn string(&mut self, what: &'static str) -> Result<&'a str, Refusal> {
        let start = self.at;
        let bytes = self.buffer(what)?;
        std::str::from_utf8(bytes).map_err(|_| Refusal {
            at: start,
            reason: Reason::NotUtf8,
        })
    }

    /// A JSON text (embeds and formats): yrs parses it with serde_json;
    /// here only its nesting is bounded, without parsing (serde_json
    /// refuses what is not JSON, and the update with it).
    fn json(&mut self, what: &'static str) -> Result<(), Refusal> {
        let start = self.at;
        let text = self.string(what)?;
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        for byte in text.bytes() {
            if in_string {
                match (escaped, byte) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(Refusal {
                            at: start,
                            reason: Reason::TooDeep,
                        });
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        Ok(())
    }

    /// One `any` value, containers included, with an explicit stack.
    fn any(&mut self) -> Result<(), Refusal> {
        self.stack.clear();
        loop {
            self.any_head()?;
            // Close every container whose items are all read.
            loop {
                match self.stack.last_mut() {
                    None => return Ok(()),
                    Some((0, _)) => {
                        self.stack.pop();
                    }
                    Some((left, is_map)) => {
                        *left -= 1;
                        if *is_map {
                            self.string("a key")?;
                        }
                        break;
                    }
                }
            }
        }
    }

    /// The tag of a value and its payload; a container is pushed on the
    /// stack with its length, its items read by [`Reader::any`].
    fn any_head(&mut self) -> Result<(), Refusal> {
        match self.u8("a value")? {
            ANY_UNDEFINED | ANY_NULL | ANY_FALSE | ANY_TRUE => {}
            ANY_VARINT => self.signed_var()?,
            ANY_F32 => {
                self.bytes(4, "a float")?;
            }
            ANY_F64 | ANY_I64 => {
                self.bytes(8, "a number")?;
            }
            ANY_STRING => {
                self.string("a string")?;
            }
            ANY_BUFFER => {
                self.buffer("a buffer")?;
            }
            tag @ (ANY_MAP | ANY_ARRAY) => {
                let is_map = tag == ANY_MAP;
                // A map entry is a key (at least its length) and a value.
                let len = if is_map {
                    self.count("a map", 2)?
                } else {
                    self.count("an array", 1)?
                };
                if self.stack.len() == MAX_DEPTH {
                    return Err(self.refuse(Reason::TooDeep));
                }
                self.stack.push((len, is_map));
            }
            tag => {
                self.at -= 1;
                return Err(self.refuse(Reason::UnknownValue(tag)));
            }
        }
        Ok(())
    }

    /// A client id: at most 53 bits, as Yjs and yrs make them (yrs keeps
    /// the 53 low bits, so two ids that differ above them would be one
    /// client to it and two here; a debug build of yrs panics on them).
    fn client(&mut self) -> Result<u64, Refusal> {
        let client = self.var("a client id")?;
        if client > MAX_CLIENT {
            return Err(self.refuse(Reason::ClientTooLarge(client)));
        }
        Ok(client)
    }

    fn id(&mut self) -> Result<Id, Refusal> {
        let client = self.client()?;
        let clock = self.clock("a clock")?;
        Ok((client, clock))
    }

    fn update(&mut self, shape: &mut Shape) -> Result<(), Refusal> {
        // A client's structs: at least a count, a client id and a clock.
        let clients = self.count("the list of clients", 3)?;
        let mut seen = Vec::with_capacity(clients as usize);
        for _ in 0..clients {
            // A struct is at least an info byte and one more.
            let structs = self.count("a client's structs", 2)?;
            let client = self.client()?;
            seen.push(client);
            let mut clock = self.clock("a clock")?;
            let mut run = clock;
            for _ in 0..structs {
                let (len, written) = self.block(client, clock, shape)?;
                if !written {
                    // A skip: the clocks before it are one run, the ones
                    // after it another.
                    if run < clock {
                        shape.written.push((client, run..clock));
                    }
                    run = clock.saturating_add(len);
                }
                clock = clock
                    .checked_add(len)
                    .filter(|end| *end <= MAX_CLOCK)
                    .ok_or_else(|| self.refuse(Reason::ClockTooLarge))?;
            }
            if run < clock {
                shape.written.push((client, run..clock));
            }
        }
        self.distinct(seen)?;
        self.delete_set()
    }

    /// Refuse a client listed twice (yrs would mix its structs, or keep
    /// one of its delete ranges); sorting keeps it `n log n`.
    fn distinct(&self, mut clients: Vec<u64>) -> Result<(), Refusal> {
        clients.sort_unstable();
        match clients.windows(2).find(|pair| pair[0] == pair[1]) {
            Some(pair) => Err(self.refuse(Reason::DuplicateClient(pair[0]))),
            None => Ok(()),
        }
    }

    /// One struct at `(client, clock)`; returns its length in clocks (0
    /// for an empty item, which yrs drops), and whether it writes them
    /// (a skip does not).
    fn block(
        &mut self,
        client: u64,
        clock: u32,
        shape: &mut Shape,
    ) -> Result<(u32, bool), Refusal> {
        let info = self.u8("a struct")?;
        match info {
            GC | SKIP => {
                let len = self.var_u32("a struct's length")?;
                if len == 0 {
                    return Err(self.refuse(Reason::Empty("a GC or skip struct")));
                }
                if info == GC {
                    shape.inert.push((client, clock..clock.saturating_add(len)));
                }
                return Ok((len, info == GC));
            }
            _ => {}
        }
        if info & UNUSED_INFO_BIT != 0 {
            self.at -= 1;
            return Err(self.refuse(Reason::UnknownInfo(info)));
        }
        let has_origin = info & HAS_ORIGIN != 0;
        let has_right_origin = info & HAS_RIGHT_ORIGIN != 0;
        let at = self.at;
        let origin = if has_origin { Some(self.id()?) } else { None };
        if let Some(origin) = origin {
            shape.needs.push((at, origin));
        }
        if has_right_origin {
            let right_at = self.at;
            let right_origin = self.id()?;
            shape.needs.push((right_at, right_origin));
            // The left origin ends the item to the left, the right origin
            // starts the one to the right: never one id. yrs places such
            // an item differently live and when loading a saved copy.
            if origin == Some(right_origin) {
                return Err(self.refuse(Reason::SameOrigins(right_origin)));
            }
            if let Some(origin) = origin {
                shape.origins.push((at, origin, right_origin));
            }
        }
        if !has_origin && !has_right_origin {
            match self.var("a parent")? {
                1 => {
                    self.string("a root's name")?;
                }
                0 => {
                    let at = self.at;
                    let parent = self.id()?;
                    shape.parents.push((at, parent));
                    shape.needs.push((at, parent));
                }
                other => return Err(self.refuse(Reason::UnknownParent(other))),
            }
            if info & HAS_PARENT_SUB != 0 {
                self.string("a map key")?;
            }
        }
        let len = match info & CONTENT {
            DELETED => {
                let len = self.var_u32("a deleted length")?;
                if len > 0 {
                    shape.inert.push((client, clock..clock.saturating_add(len)));
                }
                len
            }
            BINARY => {
                self.buffer("a binary")?;
                1
            }
            STRING => {
                let text = self.string("a text")?;
                // yrs counts a string's clocks in UTF-16 units.
                let units: usize = text.chars().map(char::len_utf16).sum();
                u32::try_from(units).map_err(|_| self.refuse(Reason::ClockTooLarge))?
            }
            EMBED => {
                self.json("an embed")?;
                1
            }
            FORMAT => {
                self.string("a format's key")?;
                self.json("a format's value")?;
                1
            }
            TYPE => {
                let kind = self.u8("a type")?;
                if !TYPE_KINDS.contains(&kind) {
                    self.at -= 1;
                    return Err(self.refuse(Reason::UnknownType(kind)));
                }
                if kind == XML_ELEMENT {
                    self.string("an element's name")?;
                }
                shape.types.push((client, clock));
                1
            }
            ANY => {
                let count = self.count("a list of values", 1)?;
                for _ in 0..count {
                    self.any()?;
                }
                // At most the bytes of the update, so it fits.
                u32::try_from(count).map_err(|_| self.refuse(Reason::ClockTooLarge))?
            }
            DOC => {
                self.string("a sub-document's id")?;
                self.any()?;
                1
            }
            kind @ (JSON | 0 | 10..) => {
                return Err(self.refuse(Reason::UnknownContent(kind)));
            }
        };
        Ok((len, true))
    }

    fn delete_set(&mut self) -> Result<(), Refusal> {
        // A client's deletions: at least a client id and a count.
        let clients = self.count("the deleted clients", 2)?;
        let mut seen = Vec::with_capacity(clients as usize);
        for _ in 0..clients {
            seen.push(self.client()?);
            let ranges = self.count("a client's deleted ranges", 2)?;
            for _ in 0..ranges {
                let clock = self.clock("a deleted clock")?;
                let len = self.var_u32("a deleted length")?;
                if len == 0 {
                    return Err(self.refuse(Reason::Empty("a deleted range")));
                }
                if clock.checked_add(len).is_none_or(|end| end > MAX_CLOCK) {
                    return Err(self.refuse(Reason::ClockTooLarge));
                }
            }
        }
        self.distinct(seen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    use yrs::types::Attrs;
    use yrs::updates::decoder::Decode;
    use yrs::updates::encoder::Encode;
    use yrs::{
        Any, Array, ArrayPrelim, Doc, GetString, Map, MapPrelim, Options, ReadTxn, StateVector,
        Text, TextPrelim, Transact, Update, Xml, XmlElementPrelim, XmlFragment, XmlTextPrelim,
    };

    /// `update` passes, yrs reads it, and what yrs writes back passes too.
    fn passes(update: &[u8]) {
        if let Err(refusal) = check(update) {
            panic!("refused: {refusal} in {update:?}");
        }
        let decoded = Update::decode_v1(update).expect("yrs reads what the guard passed");
        check(&decoded.encode_v1()).expect("yrs's own encoding passes");
    }

    fn reason(update: &[u8]) -> Reason {
        check(update).expect_err("refused").reason
    }

    /// Every update a doc's transactions produce, from now on.
    fn record(doc: &Doc) -> Arc<Mutex<Vec<Vec<u8>>>> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        doc.observe_update_v1("test/record", move |_, event| {
            sink.lock()
                .expect("not poisoned")
                .push(event.update.clone())
        })
        .expect("observable");
        seen
    }

    /// Values of every `any` tag yrs writes.
    fn every_value() -> Any {
        let nested = (0..10).fold(Any::Null, |inner, _| Any::from(vec![inner]));
        Any::from(HashMap::from([
            ("null".to_owned(), Any::Null),
            ("undefined".to_owned(), Any::Undefined),
            ("yes".to_owned(), Any::Bool(true)),
            ("no".to_owned(), Any::Bool(false)),
            ("small".to_owned(), Any::from(-42i64)),
            ("int".to_owned(), Any::from(0x7FFF_FFFFi64)),
            ("f32".to_owned(), Any::from(1i64 << 40)),
            ("f64".to_owned(), Any::from((1i64 << 53) - 1)),
            ("bigint".to_owned(), Any::from(i64::MAX)),
            ("min".to_owned(), Any::from(i64::MIN)),
            ("float".to_owned(), Any::from(-0.1f64)),
            ("text".to_owned(), Any::from("ça « marche » 🗳")),
            ("bytes".to_owned(), Any::from(vec![0u8, 1, 255])),
            ("nested".to_owned(), nested),
        ]))
    }

    fn every_kind_of_edit(doc: &Doc) {
        let body = doc.get_or_insert_text("body");
        let meta = doc.get_or_insert_map("meta");
        let list = doc.get_or_insert_array("list");
        let xml = doc.get_or_insert_xml_fragment("xml");
        let bold: Attrs = HashMap::from([(Arc::from("bold"), Any::Bool(true))]);
        {
            let mut txn = doc.transact_mut();
            body.insert(&mut txn, 0, "Motion 🗳 adoptée");
            body.insert_with_attributes(&mut txn, 6, " urgente", bold.clone());
            body.format(&mut txn, 0, 6, bold);
            body.insert_embed(&mut txn, 3, every_value());
            meta.insert(&mut txn, "title", "Motion");
            meta.insert(&mut txn, "values", every_value());
            let inner = meta.insert(&mut txn, "inner", MapPrelim::default());
            inner.insert(&mut txn, "deep", ArrayPrelim::from([1, 2, 3]));
            inner.insert(&mut txn, "text", TextPrelim::new("nested text"));
            meta.insert(&mut txn, "sub", Doc::new());
            list.push_back(&mut txn, every_value());
            list.insert_range(&mut txn, 1, ["a", "b", "c"]);
            list.push_back(&mut txn, ArrayPrelim::from([Any::from("in a type")]));
            let element = xml.push_back(&mut txn, XmlElementPrelim::empty("p"));
            element.insert_attribute(&mut txn, "class", "lead");
            element.push_back(&mut txn, XmlTextPrelim::new("xml text"));
        }
        {
            let mut txn = doc.transact_mut();
            body.remove_range(&mut txn, 2, 5);
            meta.insert(&mut txn, "title", "Motion d'orientation");
            meta.remove(&mut txn, "values");
            list.remove_range(&mut txn, 0, 2);
        }
    }

    #[test]
    fn every_kind_of_update_yrs_writes_passes() {
        for skip_gc in [true, false] {
            let doc = Doc::with_options(Options {
                skip_gc,
                ..Options::with_client_id(yrs::ClientID::new(7))
            });
            let updates = record(&doc);
            every_kind_of_edit(&doc);
            let updates = updates.lock().expect("not poisoned").clone();
            assert_eq!(updates.len(), 2);
            for update in &updates {
                passes(update);
            }
            let txn = doc.transact();
            passes(&txn.encode_state_as_update_v1(&StateVector::default()));
            let mut partial = StateVector::default();
            partial.set_max(yrs::ClientID::new(7), 5);
            passes(&txn.encode_state_as_update_v1(&partial));
            passes(&txn.encode_diff_v1(&partial));
        }
    }

    #[test]
    fn the_shape_of_an_update_says_where_its_types_and_parents_are() {
        let doc = Doc::with_client_id(3);
        let updates = record(&doc);
        every_kind_of_edit(&doc);
        let shape = check(&updates.lock().expect("not poisoned")[0]).expect("passes");
        // The inner map, its array and text, the array in `list`, the
        // element and its text (a sub-document is not a type).
        assert_eq!(shape.types.len(), 6, "{shape:?}");
        assert!(!shape.parents.is_empty());
        let mut parents = Parents::default();
        parents.learn(&shape);
        for (_, parent) in &shape.parents {
            assert!(parents.admits(*parent), "{parent:?}");
        }
        // Text, maps of values, roots: nothing to keep.
        let plain = Doc::with_client_id(4);
        let text = plain.get_or_insert_text("body");
        let update = {
            let mut txn = plain.transact_mut();
            text.insert(&mut txn, 0, "texte");
            txn.encode_update_v1()
        };
        let shape = check(&update).expect("passes");
        assert_eq!(shape.written, vec![(4, 0..5)]);
        assert!(
            shape.origins.is_empty() && shape.needs.is_empty(),
            "{shape:?}"
        );
        assert!(shape.parents.is_empty() && shape.types.is_empty() && shape.inert.is_empty());
        assert_eq!(text.get_string(&plain.transact()), "texte");
    }

    #[test]
    fn merged_updates_with_holes_pass() {
        let doc = Doc::with_client_id(5);
        let updates = record(&doc);
        let text = doc.get_or_insert_text("body");
        for (i, word) in ["un ", "deux ", "trois "].iter().enumerate() {
            let mut txn = doc.transact_mut();
            text.insert(&mut txn, 0, word);
            if i == 1 {
                text.remove_range(&mut txn, 0, 2);
            }
        }
        let updates = updates.lock().expect("not poisoned").clone();
        // The first and the last, without the middle: a skip struct.
        let merged = yrs::merge_updates_v1([&updates[0], &updates[2]]).expect("merge");
        passes(&merged);
        let shape = check(&merged).expect("passes");
        assert!(shape.inert.is_empty());
    }

    // Hand-written updates.

    fn var(out: &mut Vec<u8>, mut value: u64) {
        while value >= 0x80 {
            out.push((value as u8) | 0x80);
            value >>= 7;
        }
        out.push(value as u8);
    }

    fn string(out: &mut Vec<u8>, text: &str) {
        var(out, text.len() as u64);
        out.extend_from_slice(text.as_bytes());
    }

    /// One client (9) writing one item into the root map `meta` under
    /// `key`, with `content` (the content byte, then its bytes).
    fn item(info: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![1, 1, 9, 0, info | HAS_PARENT_SUB, 1];
        string(&mut out, "meta");
        string(&mut out, "key");
        out.extend_from_slice(content);
        out.push(0); // no deletions
        out
    }

    /// An `any` item holding `value`.
    fn value(value: &[u8]) -> Vec<u8> {
        let mut content = vec![1];
        content.extend_from_slice(value);
        item(ANY, &content)
    }

    fn nested_arrays(levels: usize) -> Vec<u8> {
        let mut nested = [ANY_ARRAY, 1].repeat(levels);
        nested.push(ANY_NULL);
        value(&nested)
    }

    #[test]
    fn hand_written_updates_of_every_content_pass_and_yrs_reads_them() {
        passes(&value(&[ANY_NULL]));
        passes(&nested_arrays(MAX_DEPTH));
        let mut map = vec![ANY_MAP, 2];
        string(&mut map, "a");
        map.extend([
            ANY_VARINT, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ]);
        string(&mut map, "b");
        map.extend([ANY_ARRAY, 2, ANY_TRUE, ANY_BUFFER, 1, 7]);
        passes(&value(&map));
        let mut binary = Vec::new();
        string(&mut binary, "des octets");
        passes(&item(BINARY, &binary));
        let mut embed = Vec::new();
        string(&mut embed, r#"{"image": ["a", {"b": "[[[[\"}"}]}"#);
        passes(&item(EMBED, &embed));
        let mut format = Vec::new();
        string(&mut format, "bold");
        string(&mut format, "true");
        passes(&item(FORMAT, &format));
        for kind in TYPE_KINDS {
            let mut content = vec![kind];
            if kind == XML_ELEMENT {
                string(&mut content, "p");
            }
            passes(&item(TYPE, &content));
        }
        passes(&item(DELETED, &[5]));
        // An empty item: yrs drops it, and its clock is not counted.
        passes(&item(DELETED, &[0]));
        let mut doc = Vec::new();
        string(&mut doc, "guid");
        doc.extend([ANY_MAP, 1]);
        string(&mut doc, "autoLoad");
        doc.push(ANY_TRUE);
        passes(&item(DOC, &doc));
        let mut delete_set = vec![0, 2, 1, 1, 0, 3, 2, 2, 0, 1, 4, 4];
        passes(&delete_set);
        delete_set.push(0);
        assert_eq!(reason(&delete_set), Reason::TrailingBytes(1));
    }

    #[test]
    fn values_nested_past_the_limit_are_refused_without_recursion() {
        assert_eq!(reason(&nested_arrays(MAX_DEPTH + 1)), Reason::TooDeep);
        // The attack: 10,000 levels in 20 KB, read on this thread.
        let attack = nested_arrays(10_000);
        assert!(attack.len() < 21_000);
        assert_eq!(reason(&attack), Reason::TooDeep);
        let mut maps = Vec::new();
        for _ in 0..=MAX_DEPTH {
            maps.extend([ANY_MAP, 1]);
            string(&mut maps, "k");
        }
        maps.push(ANY_NULL);
        assert_eq!(reason(&value(&maps)), Reason::TooDeep);
        let mut embed = Vec::new();
        string(&mut embed, &"[".repeat(MAX_DEPTH + 1));
        assert_eq!(reason(&item(EMBED, &embed)), Reason::TooDeep);
        let mut format = Vec::new();
        string(&mut format, "k");
        string(&mut format, &"{\"a\":".repeat(MAX_DEPTH + 1));
        assert_eq!(reason(&item(FORMAT, &format)), Reason::TooDeep);
    }

    #[test]
    fn counts_larger_than_the_bytes_left_are_refused() {
        // A thousand clients in three bytes.
        assert!(matches!(
            reason(&[0xe8, 0x07, 0, 0]),
            Reason::CountTooLarge { count: 1000, .. }
        ));
        // A client announcing a million structs.
        assert!(matches!(
            reason(&[1, 0xc0, 0x84, 0x3d, 9, 0, 0]),
            Reason::CountTooLarge { .. }
        ));
        // A map of 2^40 entries, an array of 2^62, a list of 100 values.
        let mut huge = vec![ANY_MAP];
        var(&mut huge, 1 << 40);
        assert!(matches!(
            reason(&value(&huge)),
            Reason::CountTooLarge { .. }
        ));
        let mut huge = vec![ANY_ARRAY];
        var(&mut huge, 1 << 62);
        assert!(matches!(
            reason(&value(&huge)),
            Reason::CountTooLarge { .. }
        ));
        assert!(matches!(
            reason(&item(ANY, &[100, ANY_NULL])),
            Reason::CountTooLarge { .. }
        ));
        // A string of 4 GiB: on wasm32, yrs's cursor would overflow.
        let mut text = vec![ANY_STRING];
        var(&mut text, u32::MAX.into());
        assert!(matches!(
            reason(&value(&text)),
            Reason::CountTooLarge { .. }
        ));
        // Deletions.
        assert!(matches!(
            reason(&[0, 100, 1, 1]),
            Reason::CountTooLarge { .. }
        ));
        assert!(matches!(
            reason(&[0, 1, 1, 100, 0, 1]),
            Reason::CountTooLarge { .. }
        ));
    }

    #[test]
    fn varints_too_long_or_too_large_are_refused() {
        // Eleven bytes, which yrs would read with its bits shifted away.
        let mut long = vec![ANY_VARINT];
        long.extend([0xff; 10]);
        long.push(0x01);
        assert_eq!(reason(&value(&long)), Reason::BadVarint("an integer"));
        // A signed magnitude of 2^63: yrs would negate i64::MIN.
        let mut min = vec![ANY_VARINT, 0xc0];
        min.extend([0x80; 8]);
        min.push(0x02);
        assert_eq!(reason(&value(&min)), Reason::BadVarint("an integer"));
        // 2^64 as an unsigned count.
        let mut clients = vec![0xff; 9];
        clients.push(0x02);
        assert!(matches!(reason(&clients), Reason::BadVarint(_)));
        // A clock that does not fit in 32 bits.
        let mut clock = vec![1, 1, 9];
        var(&mut clock, 1 << 32);
        assert!(matches!(reason(&clock), Reason::BadVarint("a clock")));
    }

    #[test]
    fn clocks_past_the_limit_are_refused() {
        let mut start = vec![1, 1, 9];
        var(&mut start, u64::from(MAX_CLOCK) + 1);
        start.extend([GC, 1, 0]);
        assert_eq!(reason(&start), Reason::ClockTooLarge);
        // A GC struct running past it.
        let mut end = vec![1, 1, 9];
        var(&mut end, u64::from(MAX_CLOCK) - 1);
        end.push(GC);
        var(&mut end, 2);
        end.push(0);
        assert_eq!(reason(&end), Reason::ClockTooLarge);
        // A deleted range running past it.
        let mut deleted = vec![0, 1, 9, 1];
        var(&mut deleted, u64::from(MAX_CLOCK));
        deleted.push(1);
        assert_eq!(reason(&deleted), Reason::ClockTooLarge);
    }

    #[test]
    fn unknown_kinds_flags_and_shapes_are_refused() {
        let mut json = vec![0];
        string(&mut json, "{}");
        assert_eq!(reason(&item(JSON, &json)), Reason::UnknownContent(JSON));
        assert_eq!(reason(&item(11, &[])), Reason::UnknownContent(11));
        assert_eq!(
            reason(&item(ANY | UNUSED_INFO_BIT, &[1, ANY_NULL])),
            Reason::UnknownInfo(ANY | UNUSED_INFO_BIT | HAS_PARENT_SUB)
        );
        assert_eq!(reason(&value(&[115])), Reason::UnknownValue(115));
        assert_eq!(reason(&item(TYPE, &[7])), Reason::UnknownType(7));
        assert_eq!(reason(&[1, 1, 9, 0, ANY, 2]), Reason::UnknownParent(2));
        assert_eq!(
            reason(&value(&[ANY_STRING, 2, 0xc3, 0x28])),
            Reason::NotUtf8
        );
        let mut truncated = value(&[ANY_STRING, 1, b'a']);
        truncated.truncate(truncated.len() - 2);
        assert!(matches!(
            reason(&truncated),
            Reason::CountTooLarge {
                what: "a string",
                count: 1,
                left: 0
            }
        ));
        assert_eq!(reason(&[1, 1, 9, 0x80, 0x80]), Reason::Truncated("a clock"));
        assert_eq!(
            reason(&[1, 1, 9, 0, GC, 0, 0]),
            Reason::Empty("a GC or skip struct")
        );
        assert_eq!(
            reason(&[0, 1, 9, 1, 3, 0]),
            Reason::Empty("a deleted range")
        );
        // The same client twice, in the structs and in the deletions.
        assert_eq!(
            reason(&[2, 1, 9, 0, GC, 1, 1, 9, 4, GC, 1, 0]),
            Reason::DuplicateClient(9)
        );
        assert_eq!(
            reason(&[0, 2, 9, 1, 0, 1, 9, 1, 4, 1]),
            Reason::DuplicateClient(9)
        );
        assert_eq!(reason(&[]), Reason::Truncated("the list of clients"));
    }

    #[test]
    fn an_item_whose_parent_is_not_a_type_is_refused() {
        // An item inside (9, 0), which is an `any` value, not a type.
        let mut update = vec![2, 1, 10, 0, ANY, 0, 9, 0, 1, ANY_NULL];
        update.extend(&item(ANY, &[1, ANY_NULL])[1..]);
        update[0] = 2;
        let shape = check(&update).expect("well formed");
        assert_eq!(shape.parents.len(), 1);
        let refusal = Parents::default().check(&shape).expect_err("refused");
        assert_eq!(refusal.reason, Reason::ParentNotAType((9, 0)));
        assert!(format!("{refusal}").contains("not a shared type"));
        // A type there: admitted.
        let mut update = vec![2, 1, 10, 0, ANY, 0, 9, 0, 1, ANY_NULL];
        update.extend(&item(TYPE, &[1])[1..]);
        update[0] = 2;
        let shape = check(&update).expect("well formed");
        Parents::default().check(&shape).expect("a map is a parent");
        // Or in what the document already has.
        let mut known = Parents::default();
        known.learn(&Shape {
            types: vec![(9, 0)],
            ..Shape::default()
        });
        let lone = [1, 1, 10, 0, ANY, 0, 9, 0, 1, ANY_NULL, 0];
        let shape = check(&lone).expect("well formed");
        assert!(Parents::default().check(&shape).is_err());
        known.check(&shape).expect("known type");
        // Or inert: yrs drops the item.
        let mut inert = Parents::default();
        inert.learn(&Shape {
            inert: vec![(9, 0..3)],
            ..Shape::default()
        });
        inert.check(&shape).expect("inert");
    }

    #[test]
    fn a_refusal_says_what_and_where_in_words() {
        let refusal = check(&nested_arrays(100)).expect_err("refused");
        assert_eq!(
            refusal.to_string(),
            format!("at byte {}: values nest deeper than 64 levels", refusal.at)
        );
        assert!(refusal.at > 2 * MAX_DEPTH);
    }

    #[test]
    fn any_bytes_are_refused_or_read_by_yrs_never_panicking() {
        // A deterministic xorshift over short inputs and mutated real
        // updates; the fuzz targets (fuzz/) do this at length.
        let doc = Doc::with_client_id(11);
        let updates = record(&doc);
        every_kind_of_edit(&doc);
        let seeds: Vec<Vec<u8>> = updates.lock().expect("not poisoned").clone();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..20_000 {
            let mut bytes = if round % 2 == 0 {
                (0..next() % 32).map(|_| next() as u8).collect::<Vec<u8>>()
            } else {
                seeds[round % seeds.len()].clone()
            };
            for _ in 0..1 + next() % 4 {
                if bytes.is_empty() {
                    break;
                }
                let at = (next() as usize) % bytes.len();
                bytes[at] = next() as u8;
            }
            if check(&bytes).is_ok() {
                match Update::decode_v1(&bytes) {
                    Ok(_) | Err(yrs::encoding::read::Error::InvalidJSON(_)) => {}
                    Err(error) => panic!("passed but yrs says {error}: {bytes:?}"),
                }
            }
        }
    }
}
