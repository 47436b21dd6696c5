//! The three wire protocols the benchmark speaks, behind one codec per
//! connection: frames out (opening, keystroke, presence) and events in.
//!
//! - **Cahier** (`protocol::wire`): `Hello`, then `Welcome`, `Updates`
//!   chunks and `CaughtUp`; every update is sealed (encrypted and signed)
//!   and acknowledged with `Ack { msg_id, seq }` once stored. Presence is
//!   sealed but unsigned. This dialect is the project's native client
//!   without its socket: a [`client::Engine`] on `protocol::Session`
//!   (sealing, opening, the pending queue, acks by message id, answering
//!   `CompactHint` with a snapshot), as the app drives the same session.
//! - **y-websocket** (`yrs::sync`, spoken by `@y/websocket-server` and by
//!   y-sweet): one room per websocket (the room is in the path); a message
//!   is a varint type (0 sync, 1 awareness) and a payload; sync is step 1
//!   (a state vector), step 2 (the missing updates) and live updates. There
//!   are no acknowledgements.
//! - **Hocuspocus**: the y-websocket messages prefixed with the document
//!   name (a varstring), so one socket can carry several documents; an
//!   `Auth` message (type 2, token) must come first; the server answers
//!   every update with `SyncStatus` (type 8), which acknowledges receipt in
//!   memory, not storage.
//!
//! The codec does not own the Yrs document: it decodes, and the client
//! applies (counting each keystroke as it is delivered). It reads the
//! document to answer a sync step 1, and Cahier's engine reads it for a
//! snapshot.

use client::{Engine, Replica};
use protocol::{DocKeys, MsgId};
use yrs::encoding::read::{Cursor, Read as _};
use yrs::encoding::write::Write as _;
use yrs::sync::{Message, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::{Encode, Encoder, EncoderV1};
use yrs::{ReadTxn as _, StateVector, Transact as _};

/// Updates in flight at once for a Cahier client: the app's window.
pub const CAHIER_WINDOW: usize = protocol::session::DEFAULT_WINDOW;

/// The document as Cahier's engine sees it: the simulated person applies
/// what arrives itself (to count each keystroke delivered), so applying is
/// left to it; the engine only reads the shared doc for a snapshot.
pub struct SharedDoc(yrs::Doc);

impl Replica for SharedDoc {
    type Error = std::convert::Infallible;

    fn apply_remote(&mut self, _update: &[u8]) -> Result<(), Self::Error> {
        Ok(())
    }

    fn encode_state(&self) -> Vec<u8> {
        self.0
            .transact()
            .encode_state_as_update_v1(&StateVector::default())
    }
}

/// Which server, and so which protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServerKind {
    /// The relay as deployed: `--durability full`, an fsync per commit.
    Cahier,
    /// The relay with `--durability normal`: no fsync per commit, like the
    /// Yjs servers (an acknowledged update survives a crash of the relay,
    /// not a power cut).
    CahierNormal,
    /// One relay on NATS JetStream (one `nats-server`, R1): `--store
    /// nats://…`.
    CahierNats,
    /// Two relays sharing one JetStream, the clients spread over both.
    CahierNats2,
    YWebsocket,
    Hocuspocus,
    YSweet,
}

impl ServerKind {
    pub const ALL: [ServerKind; 7] = [
        ServerKind::Cahier,
        ServerKind::CahierNormal,
        ServerKind::CahierNats,
        ServerKind::CahierNats2,
        ServerKind::YWebsocket,
        ServerKind::Hocuspocus,
        ServerKind::YSweet,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ServerKind::Cahier => "cahier",
            ServerKind::CahierNormal => "cahier-normal",
            ServerKind::CahierNats => "cahier-nats",
            ServerKind::CahierNats2 => "cahier-nats-2",
            ServerKind::YWebsocket => "y-websocket",
            ServerKind::Hocuspocus => "hocuspocus",
            ServerKind::YSweet => "y-sweet",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == s)
    }

    /// Whether the server tells a client that it has an update.
    pub fn acks(self) -> bool {
        self.is_cahier() || self == ServerKind::Hocuspocus
    }

    /// Whether it speaks Cahier's protocol.
    pub fn is_cahier(self) -> bool {
        matches!(
            self,
            ServerKind::Cahier
                | ServerKind::CahierNormal
                | ServerKind::CahierNats
                | ServerKind::CahierNats2
        )
    }
}

/// A room as the benchmark knows it: a name for the Yjs servers, keys for
/// Cahier (the name is then the room id).
#[derive(Clone)]
pub struct Room {
    pub name: String,
    pub keys: DocKeys,
}

impl Room {
    /// Room `index` of a run. The edit secret is derived from the run's
    /// seed, so a restarted server can be asked for the same room.
    pub fn new(seed: u64, index: usize) -> Self {
        let mut secret = [0u8; 32];
        secret[..8].copy_from_slice(&seed.to_le_bytes());
        secret[8..16].copy_from_slice(&(index as u64).to_le_bytes());
        let keys = DocKeys::from_edit(&protocol::EditSecret::from_bytes(secret));
        Self {
            name: format!("bench-{seed:x}-{index}"),
            keys,
        }
    }
}

/// What a frame from the server meant.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// A Yrs update to apply; `seq` for Cahier.
    Update { update: Vec<u8>, seq: Option<u64> },
    /// The initial catch-up is complete.
    Synced,
    /// One of our updates was acknowledged: Cahier names it, Hocuspocus
    /// acknowledges in order.
    Ack {
        msg_id: Option<MsgId>,
        seq: Option<u64>,
    },
    /// Someone's presence.
    Awareness,
    /// The relay asks for a snapshot covering up to this sequence number.
    CompactHint(u64),
    /// A frame to send back (a sync step 2, a pong). `acked`: the server
    /// will answer it with an acknowledgement (Hocuspocus acknowledges a
    /// sync step 2 like an update), which is not one of our keystrokes'.
    Reply { frame: Vec<u8>, acked: bool },
    /// The server refused something.
    Refused(String),
}

/// How a Cahier client behaves.
#[derive(Clone, Copy, Debug)]
pub struct CahierOptions {
    /// Check every update's signature, as the app does (costly: see
    /// BENCHMARKS.md); otherwise decrypt only.
    pub verify_signatures: bool,
    /// Answer `CompactHint` with a snapshot, as an editor does.
    pub compacts: bool,
    /// Updates in flight at once.
    pub window: usize,
}

pub struct Codec {
    kind: ServerKind,
    room: Room,
    /// Cahier's client, for a Cahier server.
    engine: Option<Engine<SharedDoc>>,
}

impl Codec {
    /// A codec for one connection; `doc` is the document the client keeps
    /// (a handle on it: Yrs docs are shared).
    pub fn new(kind: ServerKind, room: Room, doc: &yrs::Doc, cahier: CahierOptions) -> Self {
        let engine = kind.is_cahier().then(|| {
            let engine = Engine::new(room.keys.clone(), SharedDoc(doc.clone()), 0, Vec::new())
                .with_window(cahier.window)
                .answer_compact_hints(cahier.compacts);
            if cahier.verify_signatures {
                engine
            } else {
                engine.without_signature_checks()
            }
        });
        Self { kind, room, engine }
    }

    /// The websocket address of the room on a server at `addr`.
    pub fn url(&self, addr: &str) -> String {
        let name = &self.room.name;
        match self.kind {
            ServerKind::Cahier
            | ServerKind::CahierNormal
            | ServerKind::CahierNats
            | ServerKind::CahierNats2 => format!("ws://{addr}/ws"),
            ServerKind::YWebsocket => format!("ws://{addr}/{name}"),
            ServerKind::Hocuspocus => format!("ws://{addr}/"),
            ServerKind::YSweet => format!("ws://{addr}/d/{name}/ws/{name}"),
        }
    }

    /// The frames a client sends right after connecting.
    pub fn opening(&mut self, doc: &yrs::Doc) -> Vec<Vec<u8>> {
        if let Some(engine) = &mut self.engine {
            return vec![engine.hello()];
        }
        let sv = doc.transact().state_vector();
        let step1 = Message::Sync(SyncMessage::SyncStep1(sv));
        match self.kind {
            ServerKind::Cahier
            | ServerKind::CahierNormal
            | ServerKind::CahierNats
            | ServerKind::CahierNats2 => Vec::new(),
            ServerKind::YWebsocket | ServerKind::YSweet => vec![step1.encode_v1()],
            ServerKind::Hocuspocus => {
                let mut auth = self.hocus_header(2);
                auth.write_var(0u8); // AuthMessageType.Token
                auth.write_string("");
                vec![auth.to_vec(), self.hocus_wrap(&step1)]
            }
        }
    }

    /// A Yrs update as the frames to send now: Cahier's engine queues it
    /// (under its message id, also returned) and hands out what its window
    /// allows, which may be none or several; the Yjs protocols send it at
    /// once.
    pub fn update(&mut self, update: &[u8]) -> anyhow::Result<(Vec<Vec<u8>>, Option<MsgId>)> {
        if let Some(engine) = &mut self.engine {
            let msg_id = engine.local(update.to_vec())?;
            return Ok((engine.take_outgoing()?, Some(msg_id)));
        }
        let msg = Message::Sync(SyncMessage::Update(update.to_vec()));
        Ok(match self.kind {
            ServerKind::YWebsocket | ServerKind::YSweet => (vec![msg.encode_v1()], None),
            _ => (vec![self.hocus_wrap(&msg)], None),
        })
    }

    /// A presence update (y-protocols awareness: client id, clock, JSON);
    /// `None` for Cahier before the relay welcomed the connection (its
    /// presence is sealed under the peer id the welcome gives).
    pub fn awareness(
        &mut self,
        client_id: u64,
        clock: u32,
        json: &str,
    ) -> anyhow::Result<Option<Vec<u8>>> {
        let mut enc = EncoderV1::new();
        enc.write_var(1u32);
        enc.write_var(client_id);
        enc.write_var(clock);
        enc.write_string(json);
        let update = enc.to_vec();
        if let Some(engine) = &mut self.engine {
            return Ok(engine.awareness(&update)?);
        }
        Ok(Some(match self.kind {
            ServerKind::YWebsocket | ServerKind::YSweet => {
                let mut enc = EncoderV1::new();
                enc.write_var(1u8);
                enc.write_buf(&update);
                enc.to_vec()
            }
            _ => {
                let mut enc = self.hocus_header(1);
                enc.write_buf(&update);
                enc.to_vec()
            }
        }))
    }

    /// Decode one frame from the server.
    pub fn decode(&mut self, frame: &[u8], doc: &yrs::Doc) -> anyhow::Result<Vec<Event>> {
        if let Some(engine) = &mut self.engine {
            return decode_cahier(engine, frame);
        }
        match self.kind {
            ServerKind::Cahier
            | ServerKind::CahierNormal
            | ServerKind::CahierNats
            | ServerKind::CahierNats2 => Ok(Vec::new()),
            ServerKind::YWebsocket | ServerKind::YSweet => {
                // Both servers send one message a frame.
                let msg = Message::decode_v1(frame)?;
                Ok(self.on_message(msg, doc))
            }
            ServerKind::Hocuspocus => self.decode_hocus(frame, doc),
        }
    }

    fn on_message(&self, msg: Message, doc: &yrs::Doc) -> Vec<Event> {
        match msg {
            Message::Sync(SyncMessage::SyncStep1(sv)) => {
                let diff = doc.transact().encode_state_as_update_v1(&sv);
                let reply = Message::Sync(SyncMessage::SyncStep2(diff));
                let frame = match self.kind {
                    ServerKind::Hocuspocus => self.hocus_wrap(&reply),
                    _ => reply.encode_v1(),
                };
                vec![Event::Reply {
                    frame,
                    acked: self.kind == ServerKind::Hocuspocus,
                }]
            }
            Message::Sync(SyncMessage::SyncStep2(update)) => {
                vec![Event::Update { update, seq: None }, Event::Synced]
            }
            Message::Sync(SyncMessage::Update(update)) => vec![Event::Update { update, seq: None }],
            Message::Awareness(_) | Message::AwarenessQuery => vec![Event::Awareness],
            Message::Auth(Some(reason)) => vec![Event::Refused(reason)],
            Message::Auth(None) | Message::Custom(..) => vec![],
        }
    }

    fn hocus_header(&self, kind: u8) -> EncoderV1 {
        let mut enc = EncoderV1::new();
        enc.write_string(&self.room.name);
        enc.write_var(kind);
        enc
    }

    /// A y-websocket message inside Hocuspocus's envelope: the message's
    /// own encoding already starts with its type, so the document name is
    /// simply prepended.
    fn hocus_wrap(&self, msg: &Message) -> Vec<u8> {
        let mut enc = EncoderV1::new();
        enc.write_string(&self.room.name);
        let mut out = enc.to_vec();
        out.extend_from_slice(&msg.encode_v1());
        out
    }

    fn decode_hocus(&self, frame: &[u8], doc: &yrs::Doc) -> anyhow::Result<Vec<Event>> {
        let mut dec = DecoderV1::new(Cursor::new(frame));
        let _address = dec.read_string()?;
        let kind: u8 = dec.read_var()?;
        Ok(match kind {
            // Sync, and SyncReply (the server's own step 1 in answer to ours).
            0 | 4 => self.on_message(Message::Sync(SyncMessage::decode(&mut dec)?), doc),
            1 | 3 => vec![Event::Awareness],
            2 => match dec.read_var::<u8>()? {
                1 => vec![Event::Refused(dec.read_string()?.to_owned())],
                _ => vec![],
            },
            // SyncStatus: 1 when the update was applied.
            8 => match dec.read_var::<u8>()? {
                1 => vec![Event::Ack {
                    msg_id: None,
                    seq: None,
                }],
                _ => vec![Event::Refused("update not applied".into())],
            },
            // Ping: answer with a pong.
            9 => vec![Event::Reply {
                frame: self.hocus_header(10).to_vec(),
                acked: false,
            }],
            _ => vec![],
        })
    }
}

/// Cahier's frames through the engine: what it applied comes out as
/// updates for the client to apply and count, what it decided to send
/// (queued updates the window now lets go, a snapshot for `CompactHint`)
/// as replies. A message that fails verification is an error: the relay
/// altered something, and the run measures nothing.
fn decode_cahier(engine: &mut Engine<SharedDoc>, frame: &[u8]) -> anyhow::Result<Vec<Event>> {
    let mut events = Vec::new();
    for event in engine.receive(frame)? {
        events.push(match event {
            client::Event::Snapshot { covers_upto, state } => Event::Update {
                update: state,
                seq: Some(covers_upto),
            },
            client::Event::Update { seq, update } => Event::Update {
                update,
                seq: Some(seq),
            },
            client::Event::CaughtUp { .. } => Event::Synced,
            client::Event::Acked { msg_id, seq } => Event::Ack {
                msg_id: Some(msg_id),
                seq: Some(seq),
            },
            client::Event::Awareness { .. } => Event::Awareness,
            client::Event::CompactHint { head_seq, .. } => Event::CompactHint(head_seq),
            client::Event::Refused { code, .. } => Event::Refused(code.name().to_owned()),
            client::Event::Invalid { seq, error } => {
                anyhow::bail!("stored message {seq:?} refused: {error}")
            }
            client::Event::Unapplicable { seq, error } => {
                anyhow::bail!("stored message {seq:?} does not apply: {error}")
            }
            // A malformed presence frame is ignored, never an alarm.
            client::Event::BadAwareness { .. } => continue,
            client::Event::Suspicious { what } => {
                anyhow::bail!("the relay misbehaved: {}", what.describe())
            }
            client::Event::Missing { missing } => {
                anyhow::bail!("the relay withheld edits: {missing:?}")
            }
            client::Event::Joined { .. }
            | client::Event::Progress { .. }
            | client::Event::PeerLeft { .. }
            | client::Event::SnapshotStored { .. }
            | client::Event::CheckedSnapshot { .. }
            | client::Event::Sealed { .. }
            | client::Event::Closed { .. } => continue,
        });
    }
    for frame in engine.take_outgoing()? {
        events.push(Event::Reply {
            frame,
            acked: false,
        });
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::wire::{ClientMsg, ServerMsg};
    use yrs::{StateVector, Text as _};

    /// The keystrokes an update carries: for each client, the clocks from the
    /// update's lower bound up to (not including) its upper bound.
    fn clock_ranges(update: &[u8]) -> anyhow::Result<Vec<(u64, u32, u32)>> {
        let update = yrs::Update::decode_v1(update)?;
        Ok(update
            .insertions(true)
            .iter()
            .filter_map(|(client, ranges)| {
                let lo = ranges.iter().map(|r| r.start).min()?;
                let hi = ranges.iter().map(|r| r.end).max()?;
                Some((client.get(), lo, hi))
            })
            .collect())
    }

    fn keystroke(doc: &yrs::Doc, at: u32) -> Vec<u8> {
        let text = doc.get_or_insert_text(crate::client::TEXT);
        let mut txn = doc.transact_mut();
        text.insert(&mut txn, at, "x");
        txn.encode_update_v1()
    }

    #[test]
    fn a_keystroke_is_one_clock_of_its_client() {
        let doc = yrs::Doc::with_client_id(42);
        keystroke(&doc, 0);
        let second = keystroke(&doc, 1);
        assert!(second.len() < 40, "a keystroke is {} bytes", second.len());
        assert_eq!(clock_ranges(&second).expect("decode"), vec![(42, 1, 2)]);
    }

    #[test]
    fn hocuspocus_frames_carry_the_document_name() {
        let room = Room::new(1, 2);
        let doc = yrs::Doc::with_client_id(1);
        let mut codec = Codec::new(ServerKind::Hocuspocus, room.clone(), &doc, VERIFYING);
        let opening = codec.opening(&doc);
        let mut dec = DecoderV1::new(Cursor::new(&opening[0]));
        assert_eq!(dec.read_string().expect("name"), room.name);
        assert_eq!(dec.read_var::<u8>().expect("type"), 2);
        // A sync step 1 from the server is answered with a step 2.
        let step1 = codec.hocus_wrap(&Message::Sync(SyncMessage::SyncStep1(
            StateVector::default(),
        )));
        let events = codec.decode(&step1, &doc).expect("decode");
        assert!(matches!(
            events.as_slice(),
            [Event::Reply { acked: true, .. }]
        ));
        let status = {
            let mut e = codec.hocus_header(8);
            e.write_var(1u8);
            e.to_vec()
        };
        assert_eq!(
            codec.decode(&status, &doc).expect("decode"),
            vec![Event::Ack {
                msg_id: None,
                seq: None
            }]
        );
    }

    const VERIFYING: CahierOptions = CahierOptions {
        verify_signatures: true,
        compacts: true,
        window: CAHIER_WINDOW,
    };

    /// A Cahier codec past its `Hello`, `Welcome` and `CaughtUp`.
    fn live_cahier(room: &Room, doc: &yrs::Doc, options: CahierOptions) -> Codec {
        let mut codec = Codec::new(ServerKind::Cahier, room.clone(), doc, options);
        let opening = codec.opening(doc);
        assert!(matches!(
            protocol::wire::decode_client(&opening[0]),
            Ok(ClientMsg::Hello { .. })
        ));
        let welcome = ServerMsg::Welcome {
            peer: 1,
            head_seq: 0,
            snapshot: None,
            pending: 0,
        };
        assert_eq!(
            codec.decode(&welcome.encode(), doc).expect("welcome"),
            vec![]
        );
        let caught_up = ServerMsg::CaughtUp { head_seq: 0 }.encode();
        assert_eq!(
            codec.decode(&caught_up, doc).expect("caught up"),
            vec![Event::Synced]
        );
        codec
    }

    #[test]
    fn a_cahier_update_round_trips_through_a_relay_message() {
        let room = Room::new(3, 4);
        let doc = yrs::Doc::with_client_id(5);
        let mut codec = live_cahier(&room, &doc, VERIFYING);
        let update = keystroke(&doc, 0);
        let (frames, msg_id) = codec.update(&update).expect("seal");
        let [frame] = frames.as_slice() else {
            panic!("one frame, got {}", frames.len());
        };
        let Ok(ClientMsg::Update {
            msg_id: sent,
            ciphertext,
            signature,
        }) = protocol::wire::decode_client(frame)
        else {
            panic!("not an update");
        };
        assert_eq!(Some(sent), msg_id);
        let relayed = ServerMsg::Update(protocol::StoredUpdate {
            seq: 1,
            msg_id: sent,
            ciphertext,
            signature,
        })
        .encode();
        let reader_doc = yrs::Doc::with_client_id(6);
        let mut reader = live_cahier(&room, &reader_doc, VERIFYING);
        assert_eq!(
            reader.decode(&relayed, &reader_doc).expect("open"),
            vec![Event::Update {
                update,
                seq: Some(1)
            }]
        );
        // The acknowledgement names the update.
        let ack = ServerMsg::Ack {
            msg_id: sent,
            seq: 1,
        }
        .encode();
        assert_eq!(
            codec.decode(&ack, &doc).expect("ack"),
            vec![Event::Ack {
                msg_id: Some(sent),
                seq: Some(1)
            }]
        );
    }

    #[test]
    fn a_cahier_window_holds_keystrokes_until_acks_free_it() {
        let room = Room::new(5, 6);
        let doc = yrs::Doc::with_client_id(7);
        let options = CahierOptions {
            window: 2,
            ..VERIFYING
        };
        let mut codec = live_cahier(&room, &doc, options);
        let mut ids = Vec::new();
        let mut sent = 0;
        for at in 0..3 {
            let (frames, id) = codec.update(&keystroke(&doc, at)).expect("seal");
            sent += frames.len();
            ids.push(id.expect("an id"));
        }
        assert_eq!(sent, 2, "the third waits for an ack");
        let ack = ServerMsg::Ack {
            msg_id: ids[1],
            seq: 2,
        }
        .encode();
        let events = codec.decode(&ack, &doc).expect("ack");
        assert_eq!(events.len(), 2, "{events:?}");
        let Event::Reply {
            frame,
            acked: false,
        } = &events[1]
        else {
            panic!("the held keystroke leaves: {events:?}")
        };
        assert!(matches!(
            protocol::wire::decode_client(frame),
            Ok(ClientMsg::Update { msg_id, .. }) if msg_id == ids[2]
        ));
    }
}
