//! A real relay on port 0 and real native clients (a Yrs doc, the protocol
//! crate and a websocket), shared by the integration tests.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _, Result};
use futures_util::{SinkExt, StreamExt};
use protocol::envelope::new_msg_id;
use protocol::wire::decode_server;
use protocol::{
    ClientMsg, Context, DocKeys, EditSecret, ErrorCode, MsgId, ServerMsg, StoredUpdate,
};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use yrs::updates::decoder::Decode;
use yrs::{
    ClientID, Doc, GetString, OffsetKind, Options, ReadTxn, StateVector, Text, TextRef, Transact,
    Update,
};

/// How long any single wait may take before a test fails.
pub const WAIT: Duration = Duration::from_secs(20);

/// A relay running in this process on a free loopback port.
pub struct TestRelay {
    pub addr: SocketAddr,
    pub dir: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestRelay {
    pub async fn start(dir: &Path, tweak: impl FnOnce(&mut relay::Config)) -> Result<Self> {
        let mut config = relay::Config::new(dir);
        config.shutdown_grace = Duration::from_secs(5);
        tweak(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(relay::run(listener, config, async move {
            let _ = stopped.await;
        }));
        Ok(Self {
            addr,
            dir: dir.to_owned(),
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Graceful stop; waits until the relay has closed its store.
    pub async fn stop(mut self) -> Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(WAIT, task)
                .await
                .context("relay did not stop")???;
        }
        Ok(())
    }

    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    pub async fn metrics(&self) -> Result<String> {
        http_get(self.addr, "/metrics").await
    }
}

/// A minimal HTTP/1.1 GET, enough for `/healthz` and `/metrics`.
pub async fn http_get(addr: SocketAddr, path: &str) -> Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(addr).await?;
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await?;
    let mut out = String::new();
    tokio::time::timeout(WAIT, stream.read_to_string(&mut out)).await??;
    Ok(out)
}

/// The value of one unlabelled metric line.
pub fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("metric {name} not found"))
}

pub fn new_doc(client_id: u64) -> Doc {
    let mut options = Options::with_client_id(ClientID::new(client_id));
    options.offset_kind = OffsetKind::Utf16;
    options.skip_gc = true;
    Doc::with_options(options)
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A native client: one Yrs doc, its keys, one websocket.
pub struct Client {
    pub ws: Ws,
    pub keys: DocKeys,
    pub doc: Doc,
    pub body: TextRef,
    pub peer: u64,
    /// Last sequence number applied.
    pub seq: u64,
    /// Messages that arrived while waiting for something else.
    pub inbox: Vec<ServerMsg>,
    pub welcome_snapshot: bool,
}

impl Client {
    /// Connect, say hello, apply the snapshot and stored updates until
    /// `CaughtUp`.
    pub async fn join(
        url: &str,
        keys: DocKeys,
        client_id: u64,
        since: Option<u64>,
    ) -> Result<Self> {
        let doc = new_doc(client_id);
        Self::join_with_doc(url, keys, doc, since).await
    }

    pub async fn join_with_doc(
        url: &str,
        keys: DocKeys,
        doc: Doc,
        since: Option<u64>,
    ) -> Result<Self> {
        let mut client = Self::connect(url, keys, doc).await?;
        client.seq = since.unwrap_or(0);
        let hello = ClientMsg::Hello {
            room: client.keys.room(),
            since_seq: since,
            write_pk: Some(client.keys.writer().to_bytes()),
        };
        client.send(&hello).await?;
        client.catch_up().await?;
        Ok(client)
    }

    /// Open a websocket without saying hello.
    pub async fn connect(url: &str, keys: DocKeys, doc: Doc) -> Result<Self> {
        let (ws, _) = tokio_tungstenite::connect_async(url).await?;
        let body = doc.get_or_insert_text("body");
        Ok(Client {
            ws,
            keys,
            doc,
            body,
            peer: 0,
            seq: 0,
            inbox: Vec::new(),
            welcome_snapshot: false,
        })
    }

    /// Read `Welcome`, the snapshot and stored updates, until `CaughtUp`.
    pub async fn catch_up(&mut self) -> Result<()> {
        loop {
            match self.recv().await? {
                ServerMsg::Welcome { peer, snapshot, .. } => {
                    self.peer = peer;
                    if let Some(s) = snapshot {
                        let ctx = Context::snapshot(self.keys.room(), s.msg_id, s.covers_upto);
                        let plain = self
                            .keys
                            .open(&ctx, &s.ciphertext, Some(&s.signature))
                            .map_err(|e| anyhow!("snapshot: {e}"))?;
                        self.apply(&plain)?;
                        self.seq = s.covers_upto;
                        self.welcome_snapshot = true;
                    }
                }
                ServerMsg::Updates(chunk) => {
                    for u in chunk {
                        self.apply_stored(&u)?;
                    }
                }
                ServerMsg::CaughtUp { .. } => return Ok(()),
                ServerMsg::Error { code, .. } => bail!("refused on join: {code:?}"),
                other => self.inbox.push(other),
            }
        }
    }

    pub fn editor(secret: &EditSecret) -> DocKeys {
        DocKeys::from_edit(secret)
    }

    pub async fn send(&mut self, msg: &ClientMsg) -> Result<()> {
        self.send_raw(msg.encode()).await
    }

    pub async fn send_raw(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.ws.send(Message::Binary(bytes.into())).await?;
        Ok(())
    }

    /// The next message, or an error on close or timeout.
    pub async fn recv(&mut self) -> Result<ServerMsg> {
        match self.next_event().await? {
            Event::Msg(msg) => Ok(msg),
            Event::Closed(code) => bail!("connection closed ({code:?})"),
        }
    }

    pub async fn next_event(&mut self) -> Result<Event> {
        loop {
            let frame = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .context("timed out waiting for the relay")?;
            match frame {
                Some(Ok(Message::Binary(bytes))) => return Ok(Event::Msg(decode_server(&bytes)?)),
                Some(Ok(Message::Close(frame))) => {
                    return Ok(Event::Closed(frame.map(|f: CloseFrame| u16::from(f.code))))
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Ok(Event::Closed(None)),
            }
        }
    }

    /// Wait for the connection to close; returns the close code. Messages
    /// before it are kept in the inbox.
    pub async fn closed(&mut self) -> Result<Option<u16>> {
        loop {
            match self.next_event().await? {
                Event::Msg(m) => self.inbox.push(m),
                Event::Closed(code) => return Ok(code),
            }
        }
    }

    pub fn apply(&mut self, update: &[u8]) -> Result<()> {
        let update = Update::decode_v1(update)?;
        self.doc.transact_mut().apply_update(update)?;
        Ok(())
    }

    pub fn apply_stored(&mut self, u: &StoredUpdate) -> Result<()> {
        let ctx = Context::update(self.keys.room(), u.msg_id);
        let plain = self
            .keys
            .open(&ctx, &u.ciphertext, Some(&u.signature))
            .map_err(|e| anyhow!("update {}: {e}", u.seq))?;
        self.apply(&plain)?;
        self.seq = self.seq.max(u.seq);
        Ok(())
    }

    pub fn text(&self) -> String {
        self.body.get_string(&self.doc.transact())
    }

    /// Insert `s` at `index` locally and return the sealed update message.
    pub fn edit(&mut self, index: u32, s: &str) -> Result<(MsgId, ClientMsg)> {
        let update = {
            let mut txn = self.doc.transact_mut();
            self.body.insert(&mut txn, index, s);
            txn.encode_update_v1()
        };
        self.seal_update(&update)
    }

    pub fn seal_update(&self, update: &[u8]) -> Result<(MsgId, ClientMsg)> {
        let msg_id = new_msg_id();
        let ctx = Context::update(self.keys.room(), msg_id);
        let (ciphertext, signature) = self.keys.seal(&ctx, update).map_err(|e| anyhow!("{e}"))?;
        let signature = signature.context("an update is signed")?;
        Ok((
            msg_id,
            ClientMsg::Update {
                msg_id,
                ciphertext,
                signature,
            },
        ))
    }

    /// Type `s` at the end, send it, return its message id.
    pub async fn type_at_end(&mut self, s: &str) -> Result<MsgId> {
        let len = self.body.len(&self.doc.transact());
        let (id, msg) = self.edit(len, s)?;
        self.send(&msg).await?;
        Ok(id)
    }

    /// Receive until `want` returns a value; other messages are applied
    /// (updates) or kept in the inbox.
    pub async fn until<T>(&mut self, mut want: impl FnMut(&ServerMsg) -> Option<T>) -> Result<T> {
        if let Some(pos) = self.inbox.iter().position(|m| want(m).is_some()) {
            let msg = self.inbox.remove(pos);
            return want(&msg).context("inbox message matched once");
        }
        loop {
            let msg = self.recv().await?;
            if let ServerMsg::Update(u) = &msg {
                self.apply_stored(u)?;
            }
            if let Some(v) = want(&msg) {
                return Ok(v);
            }
            if !matches!(msg, ServerMsg::Update(_)) {
                self.inbox.push(msg);
            }
        }
    }

    pub async fn ack(&mut self, id: MsgId) -> Result<u64> {
        self.until(|m| match m {
            ServerMsg::Ack { msg_id, seq } if *msg_id == id => Some(*seq),
            _ => None,
        })
        .await
    }

    pub async fn error(&mut self) -> Result<(ErrorCode, Option<MsgId>)> {
        self.until(|m| match m {
            ServerMsg::Error { code, msg_id } => Some((*code, *msg_id)),
            _ => None,
        })
        .await
    }

    /// Apply incoming updates until the text equals `expected`.
    pub async fn until_text(&mut self, expected: &str) -> Result<()> {
        while self.text() != expected {
            let msg = self
                .recv()
                .await
                .with_context(|| format!("text so far: {:?}", self.text()))?;
            match msg {
                ServerMsg::Update(u) => self.apply_stored(&u)?,
                other => self.inbox.push(other),
            }
        }
        Ok(())
    }

    /// A full-state snapshot of the doc, sealed, covering up to `covers`.
    pub fn snapshot_msg(&self, covers: u64) -> Result<ClientMsg> {
        let state = self
            .doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        let msg_id = new_msg_id();
        let ctx = Context::snapshot(self.keys.room(), msg_id, covers);
        let (ciphertext, signature) = self.keys.seal(&ctx, &state).map_err(|e| anyhow!("{e}"))?;
        Ok(ClientMsg::Snapshot {
            msg_id,
            covers_upto: covers,
            ciphertext,
            signature: signature.context("signed")?,
        })
    }
}

pub enum Event {
    Msg(ServerMsg),
    Closed(Option<u16>),
}
