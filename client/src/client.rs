//! The native client over a websocket (tokio-tungstenite): connect, say
//! hello, catch up (with a progress callback), send edits and match their
//! acknowledgements by message id, answer `CompactHint`, close, and
//! reconnect with the same pending queue, so an edit made offline leaves
//! when the connection is back and the relay's dedup makes a resend
//! harmless.
//!
//! It is pull-based, like the protocol's session: nothing runs in the
//! background, and frames are read only when the caller waits for
//! something ([`Client::next_event`], [`Client::until`], [`Client::ack`]).
//! A client nobody polls reads nothing (the relay's tests rely on this to
//! make a peer lag). Every read is bounded by [`Client::with_wait`].
//!
//! Events that arrive while the caller waits for something else are kept
//! in an inbox, in order, and handed out first; updates and history are
//! applied to the replica as they arrive, and not kept by the waits. The
//! waits may be cancelled (one arm of a `select!`) without losing an
//! event or a frame.
//!
//! Below the protocol, for tests that forge what a well-behaved client
//! never sends: [`Client::send_frame`] sends any bytes, [`Client::recv_frame`]
//! reads one frame as it came ([`crate::raw`] builds forged messages).

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use protocol::{ClientMsg, DocKeys, ErrorCode, MsgId};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::engine::{Engine, Event, Join};
use crate::error::ClientError;
use crate::replica::Replica;

/// How long a read waits for the relay by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// The largest frame the client accepts: above the relay's largest
/// snapshot (32 MiB by default, `--max-snapshot`), with room for a relay
/// configured higher.
pub const MAX_FRAME_BYTES: usize = 256 << 20;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A frame as it came off the socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    Binary(Vec<u8>),
    Text(String),
    Ping,
    Pong,
    /// The connection closed, with the relay's close code if it sent one.
    Close(Option<u16>),
}

/// Called with (received, total) as the history arrives.
pub type Progress = Box<dyn FnMut(u64, u64) + Send>;

/// One document kept in step with one relay; see the module docs.
pub struct Client<D> {
    engine: Engine<D>,
    url: String,
    socket: Option<Socket>,
    /// Frames taken from the engine and not yet given to the socket.
    unsent: VecDeque<Bytes>,
    inbox: VecDeque<Event>,
    wait: Duration,
    progress: Option<Progress>,
    /// The close code of the last connection, once it closed.
    last_close: Option<Option<u16>>,
}

impl<D> std::fmt::Debug for Client<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.url)
            .field("online", &self.socket.is_some())
            .field("inbox", &self.inbox.len())
            .finish_non_exhaustive()
    }
}

impl<D: Replica> Client<D> {
    /// A client for the relay's websocket at `url` (`ws://host/ws`, see
    /// [`crate::RelayAddress`]), not connected yet.
    pub fn new(url: impl Into<String>, engine: Engine<D>) -> Self {
        Self {
            engine,
            url: url.into(),
            socket: None,
            unsent: VecDeque::new(),
            inbox: VecDeque::new(),
            wait: DEFAULT_WAIT,
            progress: None,
            last_close: None,
        }
    }

    /// Connect a new replica of the document `keys` opens and catch up.
    pub async fn open(url: impl Into<String>, keys: DocKeys, doc: D) -> Result<Self, ClientError> {
        let mut client = Self::new(url, Engine::new(keys, doc, 0, Vec::new()));
        client.connect().await?;
        Ok(client)
    }

    /// How long a read may wait for the relay before it fails.
    pub fn with_wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    /// Told (received, total) each time a chunk of history arrives.
    pub fn on_progress(mut self, progress: impl FnMut(u64, u64) + Send + 'static) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Connect to another relay from now on (one of several serving the
    /// same rooms, when the one in use went away); the pending queue is
    /// kept and sent there on the next connection.
    pub fn set_url(&mut self, url: impl Into<String>) {
        self.url = url.into();
    }

    pub fn engine(&self) -> &Engine<D> {
        &self.engine
    }

    pub fn engine_mut(&mut self) -> &mut Engine<D> {
        &mut self.engine
    }

    pub fn doc(&self) -> &D {
        self.engine.doc()
    }

    /// The replica, to edit it; hand the update each edit made to
    /// [`Client::submit`].
    pub fn doc_mut(&mut self) -> &mut D {
        self.engine.doc_mut()
    }

    pub fn keys(&self) -> &DocKeys {
        self.engine.keys()
    }

    /// The last sequence number applied.
    pub fn applied(&self) -> u64 {
        self.engine.applied()
    }

    pub fn pending_len(&self) -> usize {
        self.engine.pending_len()
    }

    /// What the last join brought.
    pub fn join(&self) -> Join {
        self.engine.join()
    }

    pub fn is_online(&self) -> bool {
        self.socket.is_some()
    }

    /// Events received and not taken yet, oldest first.
    pub fn inbox(&self) -> &VecDeque<Event> {
        &self.inbox
    }

    pub fn take_inbox(&mut self) -> Vec<Event> {
        self.inbox.drain(..).collect()
    }

    /// Open the websocket, without saying hello.
    pub async fn open_socket(&mut self) -> Result<(), ClientError> {
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_FRAME_BYTES))
            .max_frame_size(Some(MAX_FRAME_BYTES));
        let connecting =
            tokio_tungstenite::connect_async_with_config(self.url.as_str(), Some(config), true);
        let (socket, _) = tokio::time::timeout(self.wait, connecting)
            .await
            .map_err(|_| ClientError::Timeout(self.wait))?
            .map_err(|e| ClientError::Unreachable {
                url: self.url.clone(),
                source: Box::new(e),
            })?;
        self.socket = Some(socket);
        self.last_close = None;
        // A closure already told belongs to the connection before.
        self.inbox.retain(|e| !matches!(e, Event::Closed { .. }));
        Ok(())
    }

    /// Connect, say hello and catch up: the snapshot and the stored
    /// updates are applied, and the pending queue starts to leave. Fails
    /// in words if the relay cannot be reached, refuses the document, or
    /// closes the connection before the history is in.
    pub async fn connect(&mut self) -> Result<Join, ClientError> {
        if self.socket.is_some() {
            self.disconnect().await;
        }
        self.open_socket().await?;
        let hello = self.engine.hello();
        self.send_frame(hello).await?;
        self.catch_up().await
    }

    /// Close politely (a close frame, at most one second), then forget the
    /// socket: what is in flight will be resent by the next connection.
    pub async fn disconnect(&mut self) {
        if let Some(mut socket) = self.socket.take() {
            let _ = tokio::time::timeout(Duration::from_secs(1), socket.close(None)).await;
        }
        self.unsent.clear();
        self.engine.disconnected();
    }

    /// Drop the connection without a word, as a laptop losing its network.
    pub fn drop_connection(&mut self) {
        self.socket = None;
        self.unsent.clear();
        self.engine.disconnected();
    }

    /// Connect again (the same replica, the same pending queue).
    pub async fn reconnect(&mut self) -> Result<Join, ClientError> {
        self.connect().await
    }

    /// Read until `CaughtUp`, after a `Hello`. Events of the join are
    /// taken from the inbox as they come; others stay there.
    pub async fn catch_up(&mut self) -> Result<Join, ClientError> {
        // Only what arrives from now on belongs to this join.
        let mut at = self.inbox.len();
        loop {
            while let Some(event) = self.inbox.get(at) {
                match *event {
                    Event::Joined { .. } | Event::Snapshot { .. } | Event::Update { .. } => {
                        self.inbox.remove(at);
                    }
                    Event::Progress { received, total } => {
                        self.inbox.remove(at);
                        if let Some(progress) = &mut self.progress {
                            progress(received, total);
                        }
                    }
                    Event::CaughtUp { .. } => {
                        self.inbox.remove(at);
                        self.flush().await?;
                        return Ok(self.engine.join());
                    }
                    Event::Refused {
                        code, msg_id: None, ..
                    } => {
                        self.inbox.remove(at);
                        return Err(ClientError::Refused { code });
                    }
                    Event::Closed { code } => {
                        self.inbox.remove(at);
                        return Err(ClientError::Closed { code });
                    }
                    _ => at += 1,
                }
            }
            self.read_more().await?;
        }
    }

    /// Queue an update already applied to the replica and send what the
    /// window allows. Offline, it waits for the next connection.
    pub async fn submit(&mut self, update: Vec<u8>) -> Result<MsgId, ClientError> {
        let id = self.engine.local(update)?;
        if self.socket.is_some() {
            self.flush().await?;
        }
        Ok(id)
    }

    /// Send what the engine has to send (queued updates, snapshots). A
    /// frame leaves the client's own queue only once the socket took it,
    /// so a caller that gives up on a wait loses nothing.
    pub async fn flush(&mut self) -> Result<(), ClientError> {
        self.unsent
            .extend(self.engine.take_outgoing()?.into_iter().map(Bytes::from));
        if self.unsent.is_empty() {
            return Ok(());
        }
        let socket = self.socket.as_mut().ok_or(ClientError::Offline)?;
        while let Some(frame) = self.unsent.front() {
            socket
                .feed(Message::Binary(frame.clone()))
                .await
                .map_err(ClientError::lost)?;
            self.unsent.pop_front();
        }
        socket.flush().await.map_err(ClientError::lost)
    }

    /// Send a snapshot of the replica covering what was applied; `false`
    /// when there is nothing to cover or the link cannot write.
    pub async fn send_snapshot(&mut self) -> Result<bool, ClientError> {
        match self.engine.snapshot()? {
            Some(frame) => self.send_frame(frame).await.map(|()| true),
            None => Ok(false),
        }
    }

    /// Tell the room who is here (any link may), once joined.
    pub async fn send_awareness(&mut self, state: &[u8]) -> Result<(), ClientError> {
        let frame = self.engine.awareness(state)?.ok_or(ClientError::Offline)?;
        self.send_frame(frame).await
    }

    /// The next event: from the inbox, else from the relay. A closed
    /// connection is an event ([`Event::Closed`]); reading after it fails
    /// with [`ClientError::Offline`].
    pub async fn next_event(&mut self) -> Result<Event, ClientError> {
        loop {
            if let Some(event) = self.inbox.pop_front() {
                return Ok(event);
            }
            self.read_more().await?;
        }
    }

    /// Wait until `want` picks an event, and return what it made of it.
    /// Events passed over stay in the inbox, except updates and history,
    /// which are applied. A connection that closes first is an error (its
    /// [`Event::Closed`] stays in the inbox for [`Client::closed`]).
    pub async fn until<T>(
        &mut self,
        mut want: impl FnMut(&Event) -> Option<T>,
    ) -> Result<T, ClientError> {
        let mut at = 0;
        loop {
            while let Some(event) = self.inbox.get(at) {
                if let Some(value) = want(event) {
                    self.inbox.remove(at);
                    return Ok(value);
                }
                if let Event::Closed { code } = event {
                    return Err(ClientError::Closed { code: *code });
                }
                if is_applied(event) {
                    self.inbox.remove(at);
                } else {
                    at += 1;
                }
            }
            self.read_more().await?;
        }
    }

    /// Wait for the acknowledgement of `msg_id`; its sequence number.
    pub async fn ack(&mut self, id: MsgId) -> Result<u64, ClientError> {
        self.until(|event| match event {
            Event::Acked { msg_id, seq } if *msg_id == id => Some(*seq),
            _ => None,
        })
        .await
    }

    /// Seal the room with `member_box` (issue 15; an editor's only): the
    /// relay refuses every later write, and hands the box to whoever
    /// joins. Waits until the relay shows the seal back (`Sealed`), or
    /// fails with its refusal (`RoomSealed` for a room sealed already).
    pub async fn seal(&mut self, member_box: &[u8]) -> Result<(), ClientError> {
        let frame = self.engine.seal(member_box)?;
        // A seal heard before is not this one's answer (the engine
        // remembers it: [`Client::wait_sealed`]); nor is one that arrives
        // late from the join of a room sealed already (it carries another
        // box: each box has its own ephemeral key), after which the
        // relay's refusal of this one follows.
        self.inbox.retain(|e| !matches!(e, Event::Sealed { .. }));
        self.send_frame(frame).await?;
        let outcome = self
            .until(|event| match event {
                Event::Sealed { member_box: sealed } if sealed.as_slice() == member_box => {
                    Some(None)
                }
                Event::Refused {
                    code, msg_id: None, ..
                } => Some(Some(*code)),
                _ => None,
            })
            .await?;
        match outcome {
            None => Ok(()),
            Some(code) => Err(ClientError::Refused { code }),
        }
    }

    /// The room's member box: at once if the relay showed the seal, else
    /// after waiting for it (a sealed room sends it just after the
    /// history; call this only for a room one expects sealed, since it
    /// waits as long as [`Client::with_wait`] allows).
    pub async fn wait_sealed(&mut self) -> Result<Vec<u8>, ClientError> {
        if let Some(member_box) = self.engine.sealed() {
            let member_box = member_box.to_vec();
            self.inbox.retain(|e| !matches!(e, Event::Sealed { .. }));
            return Ok(member_box);
        }
        self.until(|event| match event {
            Event::Sealed { member_box } => Some(member_box.clone()),
            _ => None,
        })
        .await
    }

    /// Wait for the relay's next refusal.
    pub async fn refusal(&mut self) -> Result<(ErrorCode, Option<MsgId>), ClientError> {
        self.until(|event| match event {
            Event::Refused { code, msg_id, .. } => Some((*code, *msg_id)),
            _ => None,
        })
        .await
    }

    /// Wait until every queued update is acknowledged (or refused for
    /// good). Acknowledgements are not kept in the inbox.
    pub async fn settle(&mut self) -> Result<(), ClientError> {
        self.settle_to(0).await
    }

    /// Wait until at most `pending` queued updates are not acknowledged: a
    /// loader keeps its queue short this way.
    pub async fn settle_to(&mut self, pending: usize) -> Result<(), ClientError> {
        let mut at = 0;
        loop {
            while let Some(event) = self.inbox.get(at) {
                match event {
                    Event::Closed { code } => return Err(ClientError::Closed { code: *code }),
                    Event::Acked { .. } => {
                        self.inbox.remove(at);
                    }
                    event if is_applied(event) => {
                        self.inbox.remove(at);
                    }
                    _ => at += 1,
                }
            }
            if self.engine.pending_len() <= pending {
                return Ok(());
            }
            self.read_more().await?;
        }
    }

    /// Wait until the connection closes; its close code. Events before it
    /// stay in the inbox, except updates and history.
    pub async fn closed(&mut self) -> Result<Option<u16>, ClientError> {
        let mut at = 0;
        loop {
            while let Some(event) = self.inbox.get(at) {
                if let Event::Closed { code } = event {
                    let code = *code;
                    self.inbox.remove(at);
                    return Ok(code);
                }
                if is_applied(event) {
                    self.inbox.remove(at);
                } else {
                    at += 1;
                }
            }
            if self.socket.is_none() {
                return self.last_close.ok_or(ClientError::Offline);
            }
            self.read_more().await?;
        }
    }

    /// Send a message as it is (a `Hello` of one's own making, a replayed
    /// update).
    pub async fn send_msg(&mut self, msg: &ClientMsg) -> Result<(), ClientError> {
        self.send_frame(msg.encode()).await
    }

    /// Send any bytes as one binary frame.
    pub async fn send_frame(&mut self, frame: Vec<u8>) -> Result<(), ClientError> {
        let socket = self.socket.as_mut().ok_or(ClientError::Offline)?;
        socket
            .send(Message::Binary(frame.into()))
            .await
            .map_err(ClientError::lost)
    }

    /// Send a text frame (which is not the protocol).
    pub async fn send_text(&mut self, text: &str) -> Result<(), ClientError> {
        let socket = self.socket.as_mut().ok_or(ClientError::Offline)?;
        socket
            .send(Message::Text(text.into()))
            .await
            .map_err(ClientError::lost)
    }

    /// Read one frame as it came, without giving it to the engine.
    pub async fn recv_frame(&mut self) -> Result<Frame, ClientError> {
        let socket = self.socket.as_mut().ok_or(ClientError::Offline)?;
        let message = tokio::time::timeout(self.wait, socket.next())
            .await
            .map_err(|_| ClientError::Timeout(self.wait))?;
        Ok(match message {
            Some(Ok(Message::Binary(bytes))) => Frame::Binary(bytes.to_vec()),
            Some(Ok(Message::Text(text))) => Frame::Text(text.as_str().to_owned()),
            Some(Ok(Message::Ping(_))) => Frame::Ping,
            Some(Ok(Message::Pong(_) | Message::Frame(_))) => Frame::Pong,
            Some(Ok(Message::Close(frame))) => {
                let code = frame.map(|f| u16::from(f.code));
                self.gone(code);
                Frame::Close(code)
            }
            Some(Err(_)) | None => {
                self.gone(None);
                Frame::Close(None)
            }
        })
    }

    /// Read frames until one says something, and put what it said at the
    /// back of the inbox before anything else awaits, then send what the
    /// engine decided in answer: a caller that gives up on a wait (a
    /// `select!`) loses no event. A send that fails here is not an error:
    /// the next read finds the connection closed, and the session resends
    /// on the next connection.
    async fn read_more(&mut self) -> Result<(), ClientError> {
        loop {
            let socket = self.socket.as_mut().ok_or(ClientError::Offline)?;
            let message = tokio::time::timeout(self.wait, socket.next())
                .await
                .map_err(|_| ClientError::Timeout(self.wait))?;
            match message {
                Some(Ok(Message::Binary(bytes))) => {
                    let events = self.engine.receive(&bytes)?;
                    let said = !events.is_empty();
                    self.inbox.extend(events);
                    let _ = self.flush().await;
                    if said {
                        return Ok(());
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    let code = frame.map(|f| u16::from(f.code));
                    self.gone(code);
                    return Ok(());
                }
                // Pings are answered by tungstenite; a relay sends no text.
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    self.gone(None);
                    return Ok(());
                }
            }
        }
    }

    fn gone(&mut self, code: Option<u16>) {
        self.socket = None;
        self.unsent.clear();
        self.last_close = Some(code);
        self.inbox.push_back(Event::Closed { code });
        self.engine.disconnected();
    }
}

/// Updates and history: applied as they arrive, not kept by the waits.
fn is_applied(event: &Event) -> bool {
    matches!(
        event,
        Event::Update { .. }
            | Event::Snapshot { .. }
            | Event::Progress { .. }
            | Event::Joined { .. }
            | Event::CaughtUp { .. }
    )
}
