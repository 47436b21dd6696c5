//! One task per websocket connection: it reads frames, checks them and
//! hands what passes to its room; a second task writes the connection's
//! bounded outbound queue to the socket.
//!
//! The checks ([`Checks`], pure, with the clock passed in) run in order:
//! the frame decodes, the connection is within its rate (see
//! [`crate::rate`]), the frame is within its size limit (a snapshot's is
//! larger, a presence frame's smaller), the connection has joined a room,
//! and an update's or snapshot's signature verifies against the room's
//! write key. A `Hello` is turned into what it proves ([`Access`]): the
//! hash of its read capability, the write key its creation proof verified
//! for, and whether it carried a creation token the relay accepts; the
//! room compares the hash with the one it keeps and sends nothing before
//! they match. Checking signatures here, not in the room, spreads that
//! work over every connection, so a busy room only orders and stores.
//! Presence is forwarded as it came (the relay cannot tell an editor's
//! signature from a reader's lie without the cost of verifying every
//! caret; clients verify). A connection never
//! waits on another one: what it sends to others goes through the room,
//! which uses `try_send` on their queues.
//!
//! Below the checks, the connection's [`Gate`](crate::gate) has already
//! refused any frame larger than the connection may send (small until a
//! `Hello` is accepted, which raises it) and paces the bytes read.
//!
//! Liveness: the writer pings every `keepalive`; a client that answered
//! none of the last three pings is closed as silent, whatever it sends
//! (answering needs reading, so a client that only writes is caught). A
//! socket that accepts no byte for `write_timeout` while the writer has
//! something for it is closed as stalled; a queue that fills (in frames or
//! bytes) makes the room close the peer as lagging.
//!
//! Closing: whoever decides first (the reader on bad input, the room on a
//! lagging queue, shutdown) records a close code in the connection's
//! [`Closer`]; the writer then sends what is already queued (briefly) and a
//! close frame with that code.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::SplitStream;
use futures_util::{SinkExt, StreamExt};
use protocol::wire::decode_client;
use protocol::{
    close, ClientMsg, Context, ErrorCode, MsgId, PeerId, ReadCapability, RoomId, ServerMsg,
    StoredSnapshot, WriterKey,
};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::addresses::{IpKey, Slot};
use crate::config::{CreationTokens, Limits};
use crate::gate::GateState;
use crate::http::Socket;
use crate::mailbox::{Access, Closer, Joiner, PeerHandle, RoomCmd};
use crate::metrics::Disconnect;
use crate::outbox::{outbox, Inbox};
use crate::rate::{self, Rate};
use crate::Relay;

/// How long the writer keeps trying to deliver queued frames and the close
/// frame once the connection is closing.
const CLOSE_FLUSH: Duration = Duration::from_secs(2);
/// Most frames written between two flushes.
const WRITE_BATCH: usize = 256;
/// Per-connection websocket buffers. tungstenite's defaults (128 KiB each,
/// the read one allocated and zeroed up front) would cost a quarter of a
/// megabyte per idle connection; our frames are small, and a large one
/// just grows the buffer while it is read. The read buffer is allocated
/// when the connection opens: 2 KiB instead of 8 took W3's idle
/// connections from 19.3 to 13.1 KiB each (BENCHMARKS.md); a keystroke's
/// frame is ~250 bytes, and a snapshot upload takes a few more reads.
pub(crate) const READ_BUFFER: usize = 2 << 10;
pub(crate) const WRITE_BUFFER: usize = 16 << 10;

/// What the HTTP layer knows of a connection.
pub(crate) struct Conn {
    /// The address its limits are counted under.
    pub client: IpKey,
    pub gate: Arc<GateState>,
    /// The address already has as many connections as allowed: say so and
    /// close.
    pub over_address_limit: bool,
    /// The address's connection slot, held while the connection lives.
    pub _slot: Option<Slot>,
}

/// Serve one websocket until it closes.
pub(crate) async fn serve(socket: Socket, relay: Arc<Relay>, conn: Conn) {
    relay.metrics.connections.fetch_add(1, Relaxed);
    let limits = &relay.config.limits;
    let (sink, stream) = socket.split();
    let (tx, rx) = outbox(limits.outbound_queue, limits.outbound_queue_bytes);
    let handle = PeerHandle {
        id: relay.next_peer.fetch_add(1, Relaxed),
        tx,
        closer: Closer::default(),
    };
    let pongs = Arc::new(AtomicU64::new(0));
    let writer = tokio::spawn(
        Writer {
            closer: handle.closer.clone(),
            gate: conn.gate.clone(),
            keepalive: limits.keepalive,
            write_timeout: limits.write_timeout,
            metrics: relay.metrics.clone(),
            pings: pongs.clone(),
            write_yields: limits.write_yields,
        }
        .run(sink, rx),
    );

    // Past the address's limit (behind a proxy), or the relay's.
    if conn.over_address_limit
        || relay.metrics.connections.load(Relaxed) > limits.max_connections as u64
    {
        relay.metrics.disconnected(Disconnect::Full);
        handle.closer.close(close::TRY_AGAIN_LATER);
    } else {
        let mut conn = Connection {
            relay: relay.clone(),
            handle: handle.clone(),
            checks: Checks::new(
                limits,
                &relay.config.creation_tokens,
                handle.id,
                std::time::Instant::now(),
            ),
            room: None,
            client: conn.client,
            gate: conn.gate.clone(),
            pings: pongs,
        };
        conn.read_loop(stream).await;
        if let Some(room) = conn.room.take() {
            if !relay.stopping.is_cancelled() {
                let _ = room.send(RoomCmd::Leave { peer: handle.id }).await;
            }
        }
    }
    let closer = handle.closer.clone();
    drop(handle);
    // The writer ends once the room has dropped its sender and the queue is
    // drained, or when the closer fires; don't wait for ever on either.
    let mut writer = writer;
    if tokio::time::timeout(relay.config.shutdown_grace, &mut writer)
        .await
        .is_err()
    {
        closer.close(close::GOING_AWAY);
        let _ = tokio::time::timeout(CLOSE_FLUSH * 2, writer).await;
    }
    relay.metrics.connections.fetch_sub(1, Relaxed);
}

/// The writing half of a connection.
struct Writer {
    closer: Closer,
    gate: Arc<GateState>,
    keepalive: Duration,
    write_timeout: Duration,
    metrics: Arc<crate::metrics::Metrics>,
    /// Pings sent so far; the reader compares it with the pongs it heard.
    pings: Arc<AtomicU64>,
    /// Times to let other tasks run before flushing a batch.
    write_yields: u32,
}

/// Resolves once the socket has taken no byte for `timeout` (the caller
/// stamps the gate when a write starts).
async fn stalled(gate: &GateState, timeout: Duration) {
    loop {
        let deadline = gate.last_write() + timeout;
        if std::time::Instant::now() >= deadline {
            return;
        }
        tokio::time::sleep_until(deadline.into()).await;
    }
}

impl Writer {
    async fn run<S>(self, mut sink: S, mut rx: Inbox)
    where
        S: futures_util::Sink<Message, Error = tungstenite::Error> + Unpin,
    {
        let keepalive = self.keepalive;
        let mut ping = tokio::time::interval_at(Instant::now() + keepalive, keepalive);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let frame = tokio::select! {
                biased;
                () = self.closer.cancelled() => break,
                frame = rx.recv() => frame,
                _ = ping.tick() => {
                    self.pings.fetch_add(1, Relaxed);
                    if !self.write(sink.send(Message::Ping(Bytes::new()))).await {
                        return;
                    }
                    continue;
                }
            };
            let Some(frame) = frame else { break };
            // Write everything already queued, then flush once: under load
            // one syscall carries many frames instead of one each. Before
            // the flush, the writer steps aside `write_yields` times, so
            // that the tasks already runnable (the room fanning out the
            // presence that follows a keystroke, the next keystroke) queue
            // theirs for the same write: a window bounded in scheduler
            // turns, not in time (tokio's timers are too coarse for it).
            let yields = self.write_yields;
            let metrics = &self.metrics;
            let batch = async {
                sink.feed(Message::Binary(frame)).await?;
                let mut fed = 1;
                for turn in 0..=yields {
                    while fed < WRITE_BATCH {
                        let Some(frame) = rx.try_recv() else { break };
                        sink.feed(Message::Binary(frame)).await?;
                        fed += 1;
                    }
                    if fed >= WRITE_BATCH || turn == yields {
                        break;
                    }
                    tokio::task::yield_now().await;
                }
                metrics.socket_flushes.fetch_add(1, Relaxed);
                sink.flush().await
            };
            if !self.write(batch).await {
                return;
            }
        }
        // Deliver what is already queued (an error explaining the close,
        // say), then the close frame, within a bounded time.
        let deadline = Instant::now() + CLOSE_FLUSH;
        while let Some(frame) = rx.try_recv() {
            if tokio::time::timeout_at(deadline, sink.send(Message::Binary(frame)))
                .await
                .is_err()
            {
                return;
            }
        }
        let (code, reason) = self.closer.reason().unwrap_or((1000, "closed"));
        let close = Message::Close(Some(CloseFrame {
            code: CloseCode::from(code),
            reason: reason.into(),
        }));
        let _ = tokio::time::timeout_at(deadline, sink.send(close)).await;
    }

    /// Drive one write; whether to go on. A socket that takes no byte for
    /// `write_timeout` is closed as stalled; a close decided meanwhile
    /// stops the write (the close is sent after).
    async fn write(
        &self,
        write: impl std::future::Future<Output = Result<(), tungstenite::Error>>,
    ) -> bool {
        self.gate.wrote();
        tokio::select! {
            written = write => written.is_ok(),
            () = self.closer.cancelled() => true,
            () = stalled(&self.gate, self.write_timeout) => {
                self.metrics.disconnected(Disconnect::Stalled);
                self.closer.close(close::LAGGING);
                false
            }
        }
    }
}

/// What to do with one frame from a client.
#[derive(Debug)]
enum Verdict {
    /// Join this room.
    Hello {
        room: RoomId,
        since_seq: Option<u64>,
        access: Access,
    },
    /// Pass this to the room.
    Forward(RoomCmd),
    /// Tell the client; keep reading.
    Error {
        code: ErrorCode,
        msg_id: Option<MsgId>,
    },
    /// Tell the client and close.
    Refuse {
        code: ErrorCode,
        msg_id: Option<MsgId>,
        close: u16,
        why: Disconnect,
    },
}

/// The checks one connection's frames pass; see the module docs.
struct Checks {
    limits: Limits,
    tokens: CreationTokens,
    rate: Rate,
    peer: PeerId,
    /// The room joined, and its write key.
    room: Option<(RoomId, WriterKey)>,
}

impl Checks {
    fn new(
        limits: &Limits,
        tokens: &CreationTokens,
        peer: PeerId,
        now: std::time::Instant,
    ) -> Self {
        Self {
            rate: Rate::new(limits.messages_per_second, now),
            limits: limits.clone(),
            tokens: tokens.clone(),
            peer,
            room: None,
        }
    }

    fn check(&mut self, frame: &[u8], now: std::time::Instant) -> Verdict {
        let msg = match decode_client(frame) {
            Ok(msg) => msg,
            Err(e) => {
                return Verdict::Refuse {
                    code: e.code(),
                    msg_id: None,
                    close: close::PROTOCOL_ERROR,
                    why: Disconnect::Protocol,
                }
            }
        };
        let msg_id = match &msg {
            ClientMsg::Update { msg_id, .. } | ClientMsg::Snapshot { msg_id, .. } => Some(*msg_id),
            _ => None,
        };
        match self.rate.check(now) {
            rate::Verdict::Allow => {}
            rate::Verdict::Refuse => {
                return Verdict::Error {
                    code: ErrorCode::RateLimited,
                    msg_id,
                }
            }
            rate::Verdict::StrikeOut => {
                return Verdict::Refuse {
                    code: ErrorCode::RateLimited,
                    msg_id,
                    close: close::RATE_LIMITED,
                    why: Disconnect::RateLimited,
                }
            }
        }
        let limit = match msg {
            ClientMsg::Snapshot { .. } => self.limits.max_snapshot_bytes,
            ClientMsg::Awareness { .. } => self.limits.max_awareness_bytes,
            ClientMsg::Hello { .. } => self.limits.max_hello_bytes,
            _ => self.limits.max_frame_bytes,
        };
        if frame.len() > limit {
            return Verdict::Error {
                code: ErrorCode::TooLarge,
                msg_id,
            };
        }
        let refused = |code| Verdict::Error { code, msg_id };
        let Some((room, writer)) = self.room else {
            return match msg {
                ClientMsg::Hello {
                    room,
                    since_seq,
                    cap,
                    create,
                } => {
                    let check = ReadCapability(cap).check();
                    let (creator, token) = match create {
                        None => (None, None),
                        Some(proof) => match proof.verify(&room, &check) {
                            Ok(writer) => (Some(writer), proof.token),
                            Err(_) => {
                                return Verdict::Refuse {
                                    code: ErrorCode::WrongRoomKey,
                                    msg_id: None,
                                    close: close::REFUSED,
                                    why: Disconnect::Refused,
                                }
                            }
                        },
                    };
                    Verdict::Hello {
                        room,
                        since_seq,
                        access: Access {
                            check,
                            creator,
                            may_create: self.tokens.admit(token.as_deref()),
                        },
                    }
                }
                _ => refused(ErrorCode::NotInRoom),
            };
        };
        match msg {
            ClientMsg::Update {
                msg_id,
                ciphertext,
                signature,
            } => {
                let context = Context::update(room, msg_id);
                if writer.verify(&context, &ciphertext, &signature).is_err() {
                    return refused(ErrorCode::BadSignature);
                }
                Verdict::Forward(RoomCmd::Update {
                    peer: self.peer,
                    msg_id,
                    ciphertext: ciphertext.into(),
                    signature,
                })
            }
            ClientMsg::Snapshot {
                msg_id,
                covers_upto,
                ciphertext,
                signature,
            } => {
                let context = Context::snapshot(room, msg_id, covers_upto);
                if writer.verify(&context, &ciphertext, &signature).is_err() {
                    return refused(ErrorCode::BadSignature);
                }
                Verdict::Forward(RoomCmd::Snapshot {
                    peer: self.peer,
                    snapshot: StoredSnapshot {
                        covers_upto,
                        msg_id,
                        ciphertext,
                        signature,
                    },
                })
            }
            ClientMsg::Awareness {
                counter,
                ciphertext,
                signature,
            } => Verdict::Forward(RoomCmd::Awareness {
                peer: self.peer,
                counter,
                ciphertext,
                signature,
            }),
            ClientMsg::SnapshotVerdict { msg_id, verdict } => Verdict::Forward(RoomCmd::Verdict {
                peer: self.peer,
                msg_id,
                verdict,
            }),
            ClientMsg::Seal {
                member_box,
                signature,
            } => {
                if member_box.len() > protocol::limits::MAX_MEMBER_BOX_BYTES {
                    return refused(ErrorCode::TooLarge);
                }
                if writer.verify_seal(room, &member_box, &signature).is_err() {
                    return refused(ErrorCode::BadSignature);
                }
                Verdict::Forward(RoomCmd::Seal {
                    peer: self.peer,
                    member_box,
                    signature,
                })
            }
            // A second Hello.
            ClientMsg::Hello { .. } => refused(ErrorCode::NotInRoom),
        }
    }
}

/// How a refused `Hello` closes the connection: a limit that may lift
/// says "try again later", a relay going down says so, anything else is
/// final.
fn hello_refusal(code: ErrorCode) -> (u16, Disconnect) {
    match code {
        ErrorCode::RoomFull
        | ErrorCode::TooManyRooms
        | ErrorCode::StorageFailed
        | ErrorCode::TooManyCreations
        | ErrorCode::QuotaExceeded => (close::TRY_AGAIN_LATER, Disconnect::Full),
        ErrorCode::ShuttingDown => (close::GOING_AWAY, Disconnect::Full),
        // WrongRoomKey, UnknownRoom, NotAllowed, TokenRequired: final.
        _ => (close::REFUSED, Disconnect::Refused),
    }
}

struct Connection {
    relay: Arc<Relay>,
    handle: PeerHandle,
    checks: Checks,
    /// The room's inbox, once joined.
    room: Option<mpsc::Sender<RoomCmd>>,
    client: IpKey,
    gate: Arc<GateState>,
    /// Pings the writer has sent.
    pings: Arc<AtomicU64>,
}

/// Whether to keep reading.
enum Flow {
    Continue,
    Stop,
}

impl Connection {
    async fn read_loop(&mut self, mut stream: SplitStream<Socket>) {
        let limits = &self.relay.config.limits;
        let hello_deadline = Instant::now() + limits.hello_timeout;
        let keepalive = limits.keepalive;
        // Pings answered: a pong counts only for a ping sent, so pongs
        // sent ahead cannot stand in for reading.
        let mut answered: u64 = 0;
        let mut check = tokio::time::interval_at(Instant::now() + keepalive, keepalive);
        check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let stopping = self.relay.stopping.clone();
        loop {
            let next = tokio::select! {
                next = stream.next() => next,
                _ = check.tick() => {
                    if self.pings.load(Relaxed) >= answered + 3 {
                        tracing::debug!(peer = self.handle.id, "three pings unanswered: closing");
                        self.relay.metrics.disconnected(Disconnect::Silent);
                        self.handle.closer.close(close::GOING_AWAY);
                        return;
                    }
                    continue;
                }
                () = self.handle.closer.cancelled() => return,
                () = stopping.cancelled() => {
                    self.handle.closer.close_when_drained(close::GOING_AWAY);
                    return;
                }
                () = tokio::time::sleep_until(hello_deadline), if self.room.is_none() => {
                    self.refuse(ErrorCode::NotInRoom, None, close::PROTOCOL_ERROR, Disconnect::Protocol);
                    return;
                }
            };
            let flow = match next {
                None | Some(Ok(Message::Close(_))) => Flow::Stop,
                Some(Ok(Message::Binary(frame))) => self.on_frame(frame).await,
                Some(Ok(Message::Text(_))) => {
                    self.refuse(
                        ErrorCode::Malformed,
                        None,
                        close::PROTOCOL_ERROR,
                        Disconnect::Protocol,
                    );
                    Flow::Stop
                }
                Some(Ok(Message::Pong(_))) => {
                    answered = (answered + 1).min(self.pings.load(Relaxed));
                    Flow::Continue
                }
                Some(Ok(Message::Ping(_) | Message::Frame(_))) => Flow::Continue,
                Some(Err(e)) => {
                    if self.gate.oversized() || is_too_long(&e) {
                        self.refuse(
                            ErrorCode::TooLarge,
                            None,
                            close::TOO_BIG,
                            Disconnect::TooLarge,
                        );
                    } else {
                        tracing::debug!(peer = self.handle.id, error = %e, "websocket read failed");
                        self.handle.closer.close(close::PROTOCOL_ERROR);
                    }
                    Flow::Stop
                }
            };
            if let Flow::Stop = flow {
                return;
            }
        }
    }

    /// Tell the client why, count it, and queue a close.
    fn refuse(&self, code: ErrorCode, msg_id: Option<MsgId>, close_code: u16, why: Disconnect) {
        self.error(code, msg_id);
        self.relay.metrics.disconnected(why);
        self.handle.closer.close(close_code);
    }

    /// Send an `Error` frame; the connection stays open.
    fn error(&self, code: ErrorCode, msg_id: Option<MsgId>) {
        self.relay.metrics.rejected(code);
        let frame = ServerMsg::Error { code, msg_id }.encode();
        if self.handle.tx.try_send(frame.into()).is_err() {
            self.relay.metrics.disconnected(Disconnect::Lagging);
            self.handle.closer.close(close::LAGGING);
        }
    }

    async fn on_frame(&mut self, frame: Bytes) -> Flow {
        match self.checks.check(&frame, std::time::Instant::now()) {
            Verdict::Hello {
                room,
                since_seq,
                access,
            } => {
                let joiner = Joiner {
                    client: self.client,
                    may_create: access.may_create,
                };
                self.hello(room, since_seq, access, joiner).await
            }
            Verdict::Forward(cmd) => self.to_room(cmd).await,
            Verdict::Error { code, msg_id } => {
                tracing::debug!(
                    peer = self.handle.id,
                    code = code.name(),
                    "refused a message"
                );
                self.error(code, msg_id);
                Flow::Continue
            }
            Verdict::Refuse {
                code,
                msg_id,
                close,
                why,
            } => {
                tracing::debug!(
                    peer = self.handle.id,
                    code = code.name(),
                    "closing on a bad message"
                );
                self.refuse(code, msg_id, close, why);
                Flow::Stop
            }
        }
    }

    async fn to_room(&self, cmd: RoomCmd) -> Flow {
        let Some(room) = &self.room else {
            return Flow::Continue;
        };
        if room.send(cmd).await.is_err() {
            // The room is shutting down.
            self.handle.closer.close_when_drained(close::GOING_AWAY);
            return Flow::Stop;
        }
        Flow::Continue
    }

    async fn hello(
        &mut self,
        room: RoomId,
        since_seq: Option<u64>,
        access: Access,
        joiner: Joiner,
    ) -> Flow {
        match self
            .relay
            .rooms
            .join_from(&self.relay, room, &self.handle, since_seq, access, joiner)
            .await
        {
            Ok(joined) => {
                self.checks.room = Some((room, joined.writer));
                self.room = Some(joined.room);
                // The client proved it knows the room: frames up to what
                // tungstenite enforces for the socket (a snapshot) may come.
                self.gate.set_limit(usize::MAX);
                Flow::Continue
            }
            Err(code) => {
                let (close_code, why) = hello_refusal(code);
                self.refuse(code, None, close_code, why);
                Flow::Stop
            }
        }
    }
}

fn is_too_long(error: &tungstenite::Error) -> bool {
    matches!(error, tungstenite::Error::Capacity(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::{DocKeys, EditSecret};

    const PEER: PeerId = 7;

    fn keys() -> DocKeys {
        DocKeys::from_edit(&EditSecret::from_bytes([3; 32]))
    }

    fn limits() -> Limits {
        Limits {
            max_frame_bytes: 1000,
            max_snapshot_bytes: 10_000,
            messages_per_second: 1000,
            ..Limits::default()
        }
    }

    /// Checks for a connection that has joined `keys`'s room.
    fn joined(limits: &Limits, keys: &DocKeys) -> Checks {
        let mut checks = Checks::new(
            limits,
            &CreationTokens::default(),
            PEER,
            std::time::Instant::now(),
        );
        checks.room = Some((keys.room(), keys.writer()));
        checks
    }

    fn update(keys: &DocKeys, msg_id: MsgId, len: usize) -> ClientMsg {
        let (ciphertext, signature) = keys
            .seal(&Context::update(keys.room(), msg_id), &vec![b'x'; len])
            .expect("seal");
        ClientMsg::Update {
            msg_id,
            ciphertext,
            signature: signature.expect("signed"),
        }
    }

    fn snapshot(keys: &DocKeys, covers_upto: u64, len: usize) -> ClientMsg {
        let msg_id = [9; 16];
        let (ciphertext, signature) = keys
            .seal(
                &Context::snapshot(keys.room(), msg_id, covers_upto),
                &vec![b's'; len],
            )
            .expect("seal");
        ClientMsg::Snapshot {
            msg_id,
            covers_upto,
            ciphertext,
            signature: signature.expect("signed"),
        }
    }

    fn check(checks: &mut Checks, msg: &ClientMsg) -> Verdict {
        checks.check(&msg.encode(), std::time::Instant::now())
    }

    fn error_of(verdict: &Verdict) -> Option<(ErrorCode, Option<MsgId>)> {
        match verdict {
            Verdict::Error { code, msg_id } => Some((*code, *msg_id)),
            _ => None,
        }
    }

    #[test]
    fn a_signed_update_goes_to_the_room_as_it_came() {
        let keys = keys();
        let mut checks = joined(&limits(), &keys);
        let msg = update(&keys, [1; 16], 20);
        let ClientMsg::Update {
            ciphertext,
            signature,
            ..
        } = msg.clone()
        else {
            unreachable!()
        };
        match check(&mut checks, &msg) {
            Verdict::Forward(RoomCmd::Update {
                peer,
                msg_id,
                ciphertext: c,
                signature: s,
            }) => {
                assert_eq!((peer, msg_id), (PEER, [1; 16]));
                assert_eq!(c[..], ciphertext[..]);
                assert_eq!(s, signature);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_signed_snapshot_goes_to_the_room_as_it_came() {
        let keys = keys();
        let mut checks = joined(&limits(), &keys);
        let msg = snapshot(&keys, 12, 50);
        let ClientMsg::Snapshot {
            ciphertext,
            signature,
            ..
        } = msg.clone()
        else {
            unreachable!()
        };
        match check(&mut checks, &msg) {
            Verdict::Forward(RoomCmd::Snapshot { peer, snapshot }) => {
                assert_eq!(peer, PEER);
                assert_eq!(
                    snapshot,
                    StoredSnapshot {
                        covers_upto: 12,
                        msg_id: [9; 16],
                        ciphertext,
                        signature
                    }
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_seal_goes_to_the_room_only_signed_by_the_rooms_key_and_bounded() {
        let keys = keys();
        let other = DocKeys::from_edit(&EditSecret::from_bytes([4; 32]));
        let mut checks = joined(&limits(), &keys);
        let seal = |k: &DocKeys, member_box: Vec<u8>| ClientMsg::Seal {
            signature: k.sign_seal(&member_box).expect("an editor"),
            member_box,
        };
        match check(&mut checks, &seal(&keys, vec![1, 2, 3])) {
            Verdict::Forward(RoomCmd::Seal {
                peer, member_box, ..
            }) => {
                assert_eq!(peer, PEER);
                assert_eq!(member_box, vec![1, 2, 3]);
            }
            other => panic!("{other:?}"),
        }
        // Another room's key, or the box changed after signing.
        assert_eq!(
            error_of(&check(&mut checks, &seal(&other, vec![1, 2, 3]))),
            Some((ErrorCode::BadSignature, None))
        );
        let ClientMsg::Seal { signature, .. } = seal(&keys, vec![1, 2, 3]) else {
            unreachable!()
        };
        let changed = ClientMsg::Seal {
            member_box: vec![1, 2, 4],
            signature,
        };
        assert_eq!(
            error_of(&check(&mut checks, &changed)),
            Some((ErrorCode::BadSignature, None))
        );
        // Over the box limit, even in a frame the relay would take.
        let roomy = Limits {
            max_frame_bytes: 4 << 20,
            ..limits()
        };
        let mut checks = joined(&roomy, &keys);
        let big = seal(&keys, vec![0; protocol::limits::MAX_MEMBER_BOX_BYTES + 1]);
        assert_eq!(
            error_of(&check(&mut checks, &big)),
            Some((ErrorCode::TooLarge, None))
        );
        let fits = seal(&keys, vec![0; protocol::limits::MAX_MEMBER_BOX_BYTES]);
        assert!(matches!(
            check(&mut checks, &fits),
            Verdict::Forward(RoomCmd::Seal { .. })
        ));
    }

    #[test]
    fn a_forged_or_replayed_signature_is_refused_by_id() {
        let keys = keys();
        let other = DocKeys::from_edit(&EditSecret::from_bytes([4; 32]));
        let mut checks = joined(&limits(), &keys);
        // Signed with another document's key.
        let forged = update(&other, [2; 16], 5);
        assert_eq!(
            error_of(&check(&mut checks, &forged)),
            Some((ErrorCode::BadSignature, Some([2; 16])))
        );
        // A good update of this room under another id.
        let ClientMsg::Update {
            ciphertext,
            signature,
            ..
        } = update(&keys, [3; 16], 5)
        else {
            unreachable!()
        };
        let moved = ClientMsg::Update {
            msg_id: [4; 16],
            ciphertext,
            signature,
        };
        assert_eq!(
            error_of(&check(&mut checks, &moved)),
            Some((ErrorCode::BadSignature, Some([4; 16])))
        );
        // A snapshot's signature binds what it covers.
        let ClientMsg::Snapshot {
            msg_id,
            ciphertext,
            signature,
            ..
        } = snapshot(&keys, 3, 5)
        else {
            unreachable!()
        };
        let stretched = ClientMsg::Snapshot {
            msg_id,
            covers_upto: 4,
            ciphertext,
            signature,
        };
        assert_eq!(
            error_of(&check(&mut checks, &stretched)),
            Some((ErrorCode::BadSignature, Some(msg_id)))
        );
        let forged = snapshot(&other, 3, 5);
        assert_eq!(
            error_of(&check(&mut checks, &forged)).map(|e| e.0),
            Some(ErrorCode::BadSignature)
        );
    }

    #[test]
    fn a_snapshot_may_be_larger_than_an_update() {
        let keys = keys();
        let mut checks = joined(&limits(), &keys);
        // 5,000 bytes: over the frame limit, under the snapshot limit.
        assert!(matches!(
            check(&mut checks, &snapshot(&keys, 1, 5000)),
            Verdict::Forward(_)
        ));
        assert_eq!(
            error_of(&check(&mut checks, &update(&keys, [5; 16], 5000))),
            Some((ErrorCode::TooLarge, Some([5; 16])))
        );
        assert_eq!(
            error_of(&check(&mut checks, &snapshot(&keys, 2, 20_000))).map(|e| e.0),
            Some(ErrorCode::TooLarge)
        );
    }

    #[test]
    fn a_frame_exactly_at_the_limit_passes() {
        let keys = keys();
        let probe = update(&keys, [6; 16], 900).encode().len();
        let at_limit = update(&keys, [6; 16], 900 + 1000 - probe);
        assert_eq!(at_limit.encode().len(), 1000);
        let mut checks = joined(&limits(), &keys);
        assert!(matches!(check(&mut checks, &at_limit), Verdict::Forward(_)));
        let over = update(&keys, [6; 16], 900 + 1001 - probe);
        assert!(error_of(&check(&mut checks, &over)).is_some());
    }

    #[test]
    fn nothing_but_hello_before_joining_and_no_second_hello() {
        let keys = keys();
        let mut checks = Checks::new(
            &limits(),
            &CreationTokens::default(),
            PEER,
            std::time::Instant::now(),
        );
        assert_eq!(
            error_of(&check(&mut checks, &update(&keys, [1; 16], 3))),
            Some((ErrorCode::NotInRoom, Some([1; 16])))
        );
        let aware = ClientMsg::Awareness {
            counter: 1,
            ciphertext: vec![1; 30],
            signature: None,
        };
        assert_eq!(
            error_of(&check(&mut checks, &aware)),
            Some((ErrorCode::NotInRoom, None))
        );
        let hello = ClientMsg::Hello {
            room: keys.room(),
            since_seq: Some(4),
            cap: keys.read_capability().0,
            create: keys.create_proof(Some("jeton".into())),
        };
        match check(&mut checks, &hello) {
            Verdict::Hello {
                room,
                since_seq,
                access,
            } => {
                assert_eq!(
                    (room, since_seq, access),
                    (keys.room(), Some(4), Access::editor(&keys))
                );
            }
            other => panic!("{other:?}"),
        }
        checks.room = Some((keys.room(), keys.writer()));
        assert_eq!(
            error_of(&check(&mut checks, &hello)),
            Some((ErrorCode::NotInRoom, None))
        );
        match check(&mut checks, &aware) {
            Verdict::Forward(RoomCmd::Awareness {
                peer,
                counter,
                ciphertext,
                signature,
            }) => {
                assert_eq!(
                    (peer, counter, ciphertext, signature),
                    (PEER, 1, vec![1; 30], None)
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bytes_that_are_not_a_message_close_the_connection() {
        let mut checks = Checks::new(
            &limits(),
            &CreationTokens::default(),
            PEER,
            std::time::Instant::now(),
        );
        for (frame, code) in [
            (vec![protocol::wire::VERSION, 200, 17], ErrorCode::Malformed),
            (vec![], ErrorCode::Malformed),
            (vec![7, 0, 0], ErrorCode::UnsupportedVersion),
        ] {
            match checks.check(&frame, std::time::Instant::now()) {
                Verdict::Refuse {
                    code: c,
                    msg_id: None,
                    close,
                    why,
                } => {
                    assert_eq!(
                        (c, close, why),
                        (code, close::PROTOCOL_ERROR, Disconnect::Protocol)
                    );
                }
                other => panic!("{frame:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn over_the_rate_a_message_is_refused_by_id_then_the_connection_closed() {
        let keys = keys();
        let limits = Limits {
            messages_per_second: 1,
            ..limits()
        };
        let mut checks = joined(&limits, &keys);
        let now = std::time::Instant::now();
        for n in 0..2 {
            let verdict = checks.check(&update(&keys, [n; 16], 3).encode(), now);
            assert!(matches!(verdict, Verdict::Forward(_)), "a burst of two");
        }
        for n in 2..4 {
            let verdict = checks.check(&update(&keys, [n; 16], 3).encode(), now);
            assert_eq!(
                error_of(&verdict),
                Some((ErrorCode::RateLimited, Some([n; 16])))
            );
        }
        match checks.check(&update(&keys, [4; 16], 3).encode(), now) {
            Verdict::Refuse {
                code,
                msg_id,
                close,
                why,
            } => assert_eq!(
                (code, msg_id, close, why),
                (
                    ErrorCode::RateLimited,
                    Some([4; 16]),
                    close::RATE_LIMITED,
                    Disconnect::RateLimited
                )
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_refused_hello_says_whether_to_try_again() {
        for code in [
            ErrorCode::RoomFull,
            ErrorCode::TooManyRooms,
            ErrorCode::StorageFailed,
        ] {
            assert_eq!(
                hello_refusal(code),
                (close::TRY_AGAIN_LATER, Disconnect::Full)
            );
        }
        assert_eq!(
            hello_refusal(ErrorCode::ShuttingDown),
            (close::GOING_AWAY, Disconnect::Full)
        );
        for code in [ErrorCode::WrongRoomKey, ErrorCode::UnknownRoom] {
            assert_eq!(hello_refusal(code), (close::REFUSED, Disconnect::Refused));
        }
    }

    #[test]
    fn only_a_capacity_error_counts_as_too_long() {
        use tungstenite::error::CapacityError;
        let too_long = tungstenite::Error::Capacity(CapacityError::MessageTooLong {
            size: 10,
            max_size: 5,
        });
        assert!(is_too_long(&too_long));
        assert!(!is_too_long(&tungstenite::Error::ConnectionClosed));
        assert!(!is_too_long(&tungstenite::Error::Io(
            std::io::Error::other("reset")
        )));
    }

    /// A socket that counts the writes its websocket makes to it.
    struct Counted {
        inner: tokio::io::DuplexStream,
        writes: Arc<AtomicU64>,
    }

    impl tokio::io::AsyncRead for Counted {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
        }
    }

    impl tokio::io::AsyncWrite for Counted {
        fn poll_write(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
            buf: &[u8],
        ) -> std::task::Poll<std::io::Result<usize>> {
            let polled = std::pin::Pin::new(&mut self.inner).poll_write(cx, buf);
            if matches!(polled, std::task::Poll::Ready(Ok(n)) if n > 0) {
                self.writes.fetch_add(1, Relaxed);
            }
            polled
        }
        fn poll_flush(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::pin::Pin::new(&mut self.inner).poll_flush(cx)
        }
        fn poll_shutdown(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
        }
    }

    /// A writer on a real websocket over an in-memory pipe: its queue,
    /// the client's end, its metrics, and the count of writes to the pipe.
    async fn writer_on_a_pipe(
        write_yields: u32,
        closer: Closer,
        pipe_bytes: usize,
    ) -> (
        crate::outbox::Outbox,
        tokio_tungstenite::WebSocketStream<tokio::io::DuplexStream>,
        Arc<crate::metrics::Metrics>,
        Arc<AtomicU64>,
        tokio::task::JoinHandle<()>,
    ) {
        use tokio_tungstenite::tungstenite::protocol::Role;
        use tokio_tungstenite::WebSocketStream;
        let (server, client) = tokio::io::duplex(pipe_bytes);
        let writes = Arc::new(AtomicU64::new(0));
        let server = WebSocketStream::from_raw_socket(
            Counted {
                inner: server,
                writes: writes.clone(),
            },
            Role::Server,
            None,
        )
        .await;
        let client = WebSocketStream::from_raw_socket(client, Role::Client, None).await;
        let (tx, rx) = outbox(4096, 64 << 20);
        let metrics = Arc::new(crate::metrics::Metrics::default());
        let writer = Writer {
            closer,
            gate: GateState::new(1 << 20),
            keepalive: Duration::from_secs(3600),
            write_timeout: Duration::from_secs(30),
            metrics: metrics.clone(),
            pings: Arc::new(AtomicU64::new(0)),
            write_yields,
        };
        let task = tokio::spawn(writer.run(server, rx));
        (tx, client, metrics, writes, task)
    }

    /// Frame `n`: its number, then bytes that say it, of a size that
    /// varies (one of them larger than tungstenite's write buffer).
    fn numbered(n: usize) -> Bytes {
        let len = if n == 123 {
            300 << 10
        } else {
            8 + (n * 37) % 1500
        };
        let mut frame = (n as u64).to_be_bytes().to_vec();
        frame.extend((0..len).map(|i| (n + i) as u8));
        Bytes::from(frame)
    }

    async fn read_frames(
        client: &mut tokio_tungstenite::WebSocketStream<tokio::io::DuplexStream>,
        count: usize,
    ) -> Vec<Bytes> {
        let mut got = Vec::new();
        while got.len() < count {
            match tokio::time::timeout(Duration::from_secs(10), client.next()).await {
                Ok(Some(Ok(Message::Binary(bytes)))) => got.push(bytes),
                Ok(Some(Ok(_))) => {}
                other => panic!("after {} frames: {other:?}", got.len()),
            }
        }
        got
    }

    #[tokio::test]
    async fn frames_queued_together_arrive_complete_in_order_in_few_writes() {
        let (tx, mut client, metrics, writes, task) =
            writer_on_a_pipe(1, Closer::default(), 32 << 20).await;
        let count = 2 * WRITE_BATCH + 1;
        for n in 0..count {
            tx.try_send(numbered(n)).expect("room in the queue");
        }
        let got = read_frames(&mut client, count).await;
        for (n, frame) in got.iter().enumerate() {
            assert!(*frame == numbered(n), "frame {n} differs");
        }
        // 513 frames in batches of at most 256: three flushes, and a few
        // writes each (tungstenite writes its buffer as it fills).
        assert_eq!(metrics.socket_flushes.load(Relaxed), 3);
        let writes = writes.load(Relaxed);
        assert!(writes <= 12, "{writes} writes for {count} frames");
        drop(tx);
        task.await.expect("the writer ends when its queue closes");
        assert!(matches!(client.next().await, Some(Ok(Message::Close(_)))));
    }

    /// Frames queued while the writer steps aside (the room fanning out
    /// the presence after an update) join the write of the one before;
    /// without stepping aside, each goes alone. Either way all arrive in
    /// order.
    #[tokio::test]
    async fn stepping_aside_before_a_write_brings_the_next_frames_into_it() {
        for (yields, flushes) in [(0, 40), (1, 20)] {
            let (tx, mut client, metrics, _writes, _task) =
                writer_on_a_pipe(yields, Closer::default(), 32 << 20).await;
            for pair in 0..20 {
                // The writer waits on its queue; one frame wakes it, the
                // next is queued while it writes or steps aside.
                tx.try_send(numbered(2 * pair)).expect("queued");
                tokio::task::yield_now().await;
                tx.try_send(numbered(2 * pair + 1)).expect("queued");
                let got = read_frames(&mut client, 2).await;
                assert!(got[0] == numbered(2 * pair) && got[1] == numbered(2 * pair + 1));
            }
            assert_eq!(
                metrics.socket_flushes.load(Relaxed),
                flushes,
                "{yields} yields"
            );
        }
    }

    /// A connection closed with frames still queued (the error that says
    /// why, say): they go first, then the close frame with its code, even
    /// through a socket that takes them slowly (a pipe of 1 KiB, read
    /// only after a while).
    #[tokio::test]
    async fn what_is_queued_when_a_connection_closes_is_sent_before_the_close() {
        let closer = Closer::default();
        closer.close(close::LAGGING);
        let (tx, mut client, _metrics, _writes, task) = writer_on_a_pipe(1, closer, 1 << 10).await;
        let frame = |n: u8| Bytes::from(vec![n; 3000]);
        for n in 0..3 {
            tx.try_send(frame(n)).expect("queued");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let got = read_frames(&mut client, 3).await;
        assert!((0..3).all(|n| got[usize::from(n)] == frame(n)));
        match client.next().await {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(u16::from(frame.code), close::LAGGING)
            }
            other => panic!("{other:?}"),
        }
        task.await.expect("the writer ends");
    }
}
