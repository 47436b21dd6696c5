//! One task per websocket connection: it reads frames, checks them (size,
//! rate, decoding, signature) and hands what passes to its room; a second
//! task writes the connection's bounded outbound queue to the socket.
//!
//! Checking signatures here, not in the room, spreads that work over every
//! connection, so a busy room only orders and stores. A connection never
//! waits on another one: what it sends to others goes through the room,
//! which uses `try_send` on their queues.
//!
//! Closing: whoever decides first (the reader on bad input, the room on a
//! lagging queue, shutdown) records a close code in the connection's
//! [`Closer`]; the writer then sends what is already queued (briefly) and a
//! close frame with that code.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use protocol::wire::decode_client;
use protocol::{
    close, ClientMsg, Context, ErrorCode, MsgId, PeerId, RoomId, ServerMsg, StoredSnapshot,
    WriterKey,
};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::metrics::Disconnect;
use crate::room::{Joined, RoomCmd};
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

/// Records why a connection closes (the first reason wins) and wakes its
/// tasks. Cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct Closer {
    token: CancellationToken,
    reason: Arc<OnceLock<(u16, &'static str)>>,
}

impl std::fmt::Debug for Closer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Closer")
            .field("reason", &self.reason.get())
            .finish()
    }
}

impl Closer {
    /// Close now with `code` (the caller counts the reason in metrics).
    pub fn close(&self, code: u16) {
        let _ = self.reason.set((code, close::describe(code)));
        self.token.cancel();
    }

    /// Say which code to close with once the queue is drained, without
    /// closing now.
    fn close_when_drained(&self, code: u16) {
        let _ = self.reason.set((code, close::describe(code)));
    }

    pub fn is_closed(&self) -> bool {
        self.token.is_cancelled()
    }

    pub async fn cancelled(&self) {
        self.token.cancelled().await;
    }
}

/// How a room reaches a connection.
#[derive(Clone, Debug)]
pub(crate) struct PeerHandle {
    pub id: PeerId,
    pub tx: mpsc::Sender<Bytes>,
    pub closer: Closer,
}

/// Token bucket for the per-connection message rate.
struct Rate {
    per_second: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
    strikes: u32,
}

impl Rate {
    fn new(per_second: u32) -> Self {
        let per_second = f64::from(per_second);
        Self {
            per_second,
            burst: per_second * 2.0,
            tokens: per_second * 2.0,
            last: Instant::now(),
            strikes: 0,
        }
    }

    fn allow(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.strikes = 0;
            true
        } else {
            self.strikes += 1;
            false
        }
    }
}

/// Serve one websocket until it closes.
pub(crate) async fn serve(socket: WebSocket, relay: Arc<Relay>) {
    relay.metrics.connections.fetch_add(1, Relaxed);
    let limits = &relay.config.limits;
    let (sink, stream) = socket.split();
    let (tx, rx) = mpsc::channel(limits.outbound_queue);
    let handle = PeerHandle {
        id: relay.next_peer.fetch_add(1, Relaxed),
        tx,
        closer: Closer::default(),
    };
    let writer = tokio::spawn(write_loop(
        sink,
        rx,
        handle.closer.clone(),
        limits.keepalive,
    ));

    if relay.metrics.connections.load(Relaxed) > limits.max_connections as u64 {
        relay.metrics.disconnected(Disconnect::Full);
        handle.closer.close(close::TRY_AGAIN_LATER);
    } else {
        let mut conn = Connection {
            relay: relay.clone(),
            handle: handle.clone(),
            room: None,
            rate: Rate::new(limits.messages_per_second),
        };
        conn.read_loop(stream).await;
        if let Some(room) = conn.room.take() {
            if !relay.stopping.is_cancelled() {
                let _ = room.1.room.send(RoomCmd::Leave { peer: handle.id }).await;
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

async fn write_loop(
    mut sink: SplitSink<WebSocket, Message>,
    mut rx: mpsc::Receiver<Bytes>,
    closer: Closer,
    keepalive: Duration,
) {
    let mut ping = tokio::time::interval_at(Instant::now() + keepalive, keepalive);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let frame = tokio::select! {
            biased;
            () = closer.cancelled() => break,
            frame = rx.recv() => frame,
            _ = ping.tick() => {
                tokio::select! {
                    sent = sink.send(Message::Ping(Bytes::new())) => if sent.is_err() { return },
                    () = closer.cancelled() => break,
                }
                continue;
            }
        };
        let Some(frame) = frame else { break };
        // Write everything already queued, then flush once: under load one
        // syscall carries many frames instead of one each.
        let batch = async {
            sink.feed(Message::Binary(frame)).await?;
            for _ in 1..WRITE_BATCH {
                let Ok(frame) = rx.try_recv() else { break };
                sink.feed(Message::Binary(frame)).await?;
            }
            sink.flush().await
        };
        tokio::select! {
            sent = batch => if sent.is_err() { return },
            () = closer.cancelled() => break,
        }
    }
    // Deliver what is already queued (an error explaining the close, say),
    // then the close frame, within a bounded time.
    let deadline = Instant::now() + CLOSE_FLUSH;
    while let Ok(frame) = rx.try_recv() {
        if tokio::time::timeout_at(deadline, sink.send(Message::Binary(frame)))
            .await
            .is_err()
        {
            return;
        }
    }
    let (code, reason) = closer.reason.get().copied().unwrap_or((1000, "closed"));
    let close = Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }));
    let _ = tokio::time::timeout_at(deadline, sink.send(close)).await;
}

struct Connection {
    relay: Arc<Relay>,
    handle: PeerHandle,
    room: Option<(RoomId, Joined)>,
    rate: Rate,
}

/// Whether to keep reading.
enum Flow {
    Continue,
    Stop,
}

impl Connection {
    async fn read_loop(&mut self, mut stream: SplitStream<WebSocket>) {
        let limits = &self.relay.config.limits;
        let hello_deadline = Instant::now() + limits.hello_timeout;
        let silence = limits.keepalive * 3;
        let mut last_heard = Instant::now();
        let stopping = self.relay.stopping.clone();
        loop {
            let next = tokio::select! {
                next = stream.next() => next,
                () = tokio::time::sleep_until(last_heard + silence) => {
                    tracing::debug!(peer = self.handle.id, "no frame, not even a pong: closing");
                    self.relay.metrics.disconnected(Disconnect::Silent);
                    self.handle.closer.close(close::GOING_AWAY);
                    return;
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
            last_heard = Instant::now();
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
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => Flow::Continue,
                Some(Err(e)) => {
                    if is_too_long(&e) {
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
        let limits = &self.relay.config.limits;
        let msg = match decode_client(&frame) {
            Ok(msg) => msg,
            Err(e) => {
                tracing::debug!(peer = self.handle.id, error = %e, "malformed frame");
                self.refuse(e.code(), None, close::PROTOCOL_ERROR, Disconnect::Protocol);
                return Flow::Stop;
            }
        };
        let msg_id = match &msg {
            ClientMsg::Update { msg_id, .. } | ClientMsg::Snapshot { msg_id, .. } => Some(*msg_id),
            _ => None,
        };
        if !self.rate.allow() {
            if f64::from(self.rate.strikes) > self.rate.burst {
                self.refuse(
                    ErrorCode::RateLimited,
                    msg_id,
                    close::RATE_LIMITED,
                    Disconnect::RateLimited,
                );
                return Flow::Stop;
            }
            self.error(ErrorCode::RateLimited, msg_id);
            return Flow::Continue;
        }
        let limit = match msg {
            ClientMsg::Snapshot { .. } => limits.max_snapshot_bytes,
            _ => limits.max_frame_bytes,
        };
        if frame.len() > limit {
            self.error(ErrorCode::TooLarge, msg_id);
            return Flow::Continue;
        }
        match msg {
            ClientMsg::Hello {
                room,
                since_seq,
                write_pk,
            } => self.hello(room, since_seq, write_pk).await,
            _ if self.room.is_none() => {
                self.error(ErrorCode::NotInRoom, msg_id);
                Flow::Continue
            }
            ClientMsg::Update {
                msg_id,
                ciphertext,
                signature,
            } => {
                let Some((room, joined)) = &self.room else {
                    return Flow::Continue;
                };
                if !self.verified(
                    &joined.writer,
                    &Context::update(*room, msg_id),
                    &ciphertext,
                    &signature,
                ) {
                    return Flow::Continue;
                }
                let cmd = RoomCmd::Update {
                    peer: self.handle.id,
                    msg_id,
                    ciphertext: ciphertext.into(),
                    signature,
                };
                self.to_room(cmd).await
            }
            ClientMsg::Snapshot {
                msg_id,
                covers_upto,
                ciphertext,
                signature,
            } => {
                let Some((room, joined)) = &self.room else {
                    return Flow::Continue;
                };
                let context = Context::snapshot(*room, msg_id, covers_upto);
                if !self.verified(&joined.writer, &context, &ciphertext, &signature) {
                    return Flow::Continue;
                }
                let snapshot = StoredSnapshot {
                    covers_upto,
                    msg_id,
                    ciphertext,
                    signature,
                };
                self.to_room(RoomCmd::Snapshot {
                    peer: self.handle.id,
                    snapshot,
                })
                .await
            }
            ClientMsg::Awareness { ciphertext } => {
                self.to_room(RoomCmd::Awareness {
                    peer: self.handle.id,
                    ciphertext,
                })
                .await
            }
        }
    }

    fn verified(
        &self,
        writer: &WriterKey,
        context: &Context,
        ciphertext: &[u8],
        signature: &protocol::Signature,
    ) -> bool {
        if writer.verify(context, ciphertext, signature).is_ok() {
            return true;
        }
        tracing::debug!(
            peer = self.handle.id,
            "refused a message with a bad signature"
        );
        self.error(ErrorCode::BadSignature, Some(context.msg_id));
        false
    }

    async fn to_room(&self, cmd: RoomCmd) -> Flow {
        let Some((_, joined)) = &self.room else {
            return Flow::Continue;
        };
        if joined.room.send(cmd).await.is_err() {
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
        write_pk: Option<[u8; 32]>,
    ) -> Flow {
        if self.room.is_some() {
            self.error(ErrorCode::NotInRoom, None);
            return Flow::Continue;
        }
        match self
            .relay
            .rooms
            .join(&self.relay, room, &self.handle, since_seq, write_pk)
            .await
        {
            Ok(joined) => {
                self.room = Some((room, joined));
                Flow::Continue
            }
            Err(code) => {
                let (close_code, why) = match code {
                    ErrorCode::RoomFull | ErrorCode::TooManyRooms | ErrorCode::StorageFailed => {
                        (close::TRY_AGAIN_LATER, Disconnect::Full)
                    }
                    ErrorCode::ShuttingDown => (close::GOING_AWAY, Disconnect::Full),
                    _ => (close::REFUSED, Disconnect::Refused),
                };
                self.refuse(code, None, close_code, why);
                Flow::Stop
            }
        }
    }
}

fn is_too_long(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(tungstenite::Error::Capacity(_)) = e.downcast_ref::<tungstenite::Error>() {
            return true;
        }
        source = e.source();
    }
    false
}
