//! The sans-IO client session (`protocol::session`) against a real relay:
//! what the app does, minus the browser.

mod common;

use anyhow::{anyhow, bail, Context as _, Result};
use common::{new_doc, TestRelay, WAIT};
use futures_util::{SinkExt, StreamExt};
use protocol::session::{Incoming, PendingUpdate, Phase, Session};
use protocol::{DocKeys, EditSecret};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use yrs::updates::decoder::Decode;
use yrs::{Doc, GetString, ReadTxn, StateVector, Text, Transact, Update};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A browser-less app: a Yrs doc, a session, maybe a socket.
struct App {
    doc: Doc,
    session: Session,
    ws: Option<Ws>,
}

impl App {
    fn new(keys: DocKeys, client_id: u64) -> Self {
        Self {
            doc: new_doc(client_id),
            session: Session::new(keys, 0, Vec::new()),
            ws: None,
        }
    }

    fn text(&self) -> String {
        self.doc
            .get_or_insert_text("body")
            .get_string(&self.doc.transact())
    }

    fn apply(&self, update: &[u8]) -> Result<()> {
        self.doc
            .transact_mut()
            .apply_update(Update::decode_v1(update)?)?;
        Ok(())
    }

    /// Type at the end: one local update, queued in the session.
    async fn type_text(&mut self, s: &str) -> Result<()> {
        let body = self.doc.get_or_insert_text("body");
        let update = {
            let mut txn = self.doc.transact_mut();
            let len = body.len(&txn);
            body.insert(&mut txn, len, s);
            txn.encode_update_v1()
        };
        self.session.local(update).map_err(|e| anyhow!("{e}"))?;
        self.flush().await
    }

    async fn flush(&mut self) -> Result<()> {
        let frames = self.session.outgoing().map_err(|e| anyhow!("{e}"))?;
        if let Some(ws) = &mut self.ws {
            for f in frames {
                ws.send(Message::Binary(f.into())).await?;
            }
        }
        Ok(())
    }

    async fn connect(&mut self, url: &str) -> Result<()> {
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
        ws.send(Message::Binary(self.session.hello().into()))
            .await?;
        self.ws = Some(ws);
        while self.session.phase() != Phase::Live {
            self.step().await?;
        }
        self.flush().await
    }

    fn go_offline(&mut self) {
        self.ws = None;
        self.session.disconnected();
    }

    /// Read one frame and act on it.
    async fn step(&mut self) -> Result<Vec<Incoming>> {
        let ws = self.ws.as_mut().context("offline")?;
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .context("timed out")?;
        let Some(Ok(Message::Binary(bytes))) = frame else {
            bail!("connection closed: {frame:?}")
        };
        let incoming = self.session.receive(&bytes)?;
        for event in &incoming {
            match event {
                Incoming::Snapshot { state, .. } | Incoming::Update { update: state, .. } => {
                    self.apply(state)?
                }
                Incoming::Invalid { error, .. } => bail!("invalid message: {error}"),
                _ => {}
            }
        }
        if incoming
            .iter()
            .any(|e| matches!(e, Incoming::Acked { .. } | Incoming::Refused { .. }))
        {
            self.flush().await?;
        }
        Ok(incoming)
    }

    /// Process frames until nothing is pending and the text is `expected`.
    async fn settle(&mut self, expected: Option<&str>) -> Result<()> {
        while self.session.pending_len() > 0 || expected.is_some_and(|e| self.text() != e) {
            self.step().await?;
        }
        Ok(())
    }
}

#[tokio::test]
async fn edits_made_offline_merge_and_arrive_once() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut ana = App::new(keys.clone(), 1);
    let mut bruno = App::new(keys.clone(), 2);
    ana.connect(&relay.url()).await?;
    bruno.connect(&relay.url()).await?;

    ana.type_text("Motion: ").await?;
    ana.settle(None).await?;
    bruno.settle(Some("Motion: ")).await?;

    // Bruno takes the train: 300 keystrokes offline, while Ana keeps typing.
    bruno.go_offline();
    for c in "we demand a living wage for all. "
        .chars()
        .cycle()
        .take(300)
    {
        bruno.type_text(&c.to_string()).await?;
    }
    assert_eq!(bruno.session.pending_len(), 300);
    ana.type_text("[ana online]").await?;
    ana.settle(None).await?;

    // Before reconnecting, the 300 keystrokes become one update.
    bruno
        .session
        .merge_unsent(|parts| yrs::merge_updates_v1(parts.iter().copied()))
        .map_err(|e| anyhow!("{e}"))?;
    assert_eq!(bruno.session.pending_len(), 1);
    let persisted: Vec<PendingUpdate> = bruno.session.pending();
    assert_eq!(persisted.len(), 1);

    bruno.connect(&relay.url()).await?;
    bruno.settle(None).await?;
    let expected = bruno.text();
    ana.settle(Some(&expected)).await?;
    assert_eq!(ana.text(), bruno.text());
    assert!(expected.contains("[ana online]") && expected.matches("living wage").count() >= 9);

    // A third person gets the same text from the relay's history.
    let mut carla = App::new(keys, 3);
    carla.connect(&relay.url()).await?;
    assert_eq!(carla.text(), expected);
    let state = carla
        .doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    assert!(!state.is_empty());
    relay.stop().await
}

#[tokio::test]
async fn a_session_snapshots_on_a_hint_and_a_newcomer_starts_from_it() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| c.compaction.updates = 20).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut ana = App::new(keys.clone(), 1);
    ana.connect(&relay.url()).await?;
    for i in 0..25 {
        ana.type_text(&format!("{i} ")).await?;
    }
    let mut hinted = false;
    let mut stored = false;
    while ana.session.pending_len() > 0 || !stored {
        for event in ana.step().await? {
            match event {
                Incoming::CompactHint { .. } if !hinted => {
                    hinted = true;
                    let state = ana
                        .doc
                        .transact()
                        .encode_state_as_update_v1(&StateVector::default());
                    let frame = ana
                        .session
                        .snapshot(&state)
                        .map_err(|e| anyhow!("{e}"))?
                        .context("snapshot")?;
                    ana.ws
                        .as_mut()
                        .context("online")?
                        .send(Message::Binary(frame.into()))
                        .await?;
                }
                Incoming::SnapshotStored { .. } => stored = true,
                _ => {}
            }
        }
    }
    let mut bruno = App::new(keys, 2);
    bruno.connect(&relay.url()).await?;
    assert_eq!(bruno.text(), ana.text());
    relay.stop().await
}
