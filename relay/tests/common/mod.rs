//! A real relay on port 0 and the project's native client
//! (`cahier-client`, on `protocol::Session`) holding the app's document
//! model, shared by the integration tests. `Client` adds to it what the
//! tests say often: join with a fixed Yrs client id, type into the body,
//! wait for a text.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result};
use client::{Engine, Event};
use model::edit::Edit;
use model::Document;
use protocol::session::Suspicion;
use protocol::{DocKeys, MsgId, Verdict};
use tokio::net::TcpStream;

pub mod nats;

/// How long any single wait may take before a test fails.
pub const WAIT: Duration = Duration::from_secs(20);

/// How long a relay may take to serve: more than the store's own
/// patience for JetStream, so that a store that cannot open says why.
const START: Duration = Duration::from_secs(75);

/// Whether the relay tests run on NATS JetStream (`CAHIER_TEST_STORE=nats`:
/// `scripts/test.sh` runs the tests that concern storage both ways) rather
/// than on SQLite.
pub fn on_nats() -> bool {
    std::env::var("CAHIER_TEST_STORE").is_ok_and(|v| v == "nats")
}

/// A relay running in this process on a free loopback port; with
/// [`on_nats`], on a `nats-server` of its own keeping its data in
/// `<dir>/nats`, so a relay started again on `dir` finds what it stored.
pub struct TestRelay {
    pub addr: SocketAddr,
    pub dir: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    /// Stopped after the relay (dropped with it).
    nats: Option<nats::NatsServer>,
}

impl TestRelay {
    pub async fn start(dir: &Path, tweak: impl FnOnce(&mut relay::Config)) -> Result<Self> {
        // RUST_LOG=relay=debug shows what the relay logs beside a test's
        // output.
        if std::env::var_os("RUST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
                .with_test_writer()
                .try_init();
        }
        let mut config = relay::Config::new(dir);
        config.shutdown_grace = Duration::from_secs(5);
        let nats = if on_nats() {
            let server = nats::NatsServer::start(&dir.join("nats"))
                .context("CAHIER_TEST_STORE=nats, but nats-server is not installed")?;
            config.store = relay::StoreConfig::Nats {
                servers: vec![server.url()],
                replicas: 1,
            };
            Some(server)
        } else {
            None
        };
        tweak(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let mut task = tokio::spawn(relay::run(listener, config, async move {
            let _ = stopped.await;
        }));
        // Serving once `/healthz` answers; a relay that could not open
        // its store has stopped, and says why here rather than as a
        // refused connection in the test.
        let deadline = tokio::time::Instant::now() + START;
        loop {
            if task.is_finished() {
                let ended = (&mut task).await?;
                return Err(ended
                    .err()
                    .unwrap_or_else(|| anyhow::anyhow!("the relay stopped before serving")))
                .context("the relay did not start");
            }
            let probe =
                tokio::time::timeout(Duration::from_millis(500), http_get(addr, "/healthz"));
            if matches!(probe.await, Ok(Ok(answer)) if answer.contains("ok")) {
                break;
            }
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "the relay did not serve within {START:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(Self {
            addr,
            dir: dir.to_owned(),
            stop: Some(stop),
            task: Some(task),
            nats,
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

    /// The updates stored after the room's snapshot, all rooms together:
    /// counted in the SQLite file; `None` on JetStream.
    pub fn stored_updates(&self) -> Result<Option<u64>> {
        if self.nats.is_some() {
            return Ok(None);
        }
        let conn = rusqlite::Connection::open_with_flags(
            self.dir.join(relay::DB_FILE),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        Ok(Some(conn.query_row(
            "SELECT count(*) FROM updates",
            [],
            |r| r.get(0),
        )?))
    }

    pub async fn metrics(&self) -> Result<String> {
        http_get(self.addr, "/metrics").await
    }
}

/// Start the relay's real binary on a free loopback port with its data
/// in `data` and `extra` arguments (`--store nats://…`); return it and
/// its websocket address. Killed with SIGKILL by the tests that use it.
pub fn spawn_relay(data: &Path, extra: &[&str]) -> Result<(std::process::Child, String)> {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_relay"))
        .args(["--addr", "127.0.0.1:0", "--rate", "100000"])
        .args(extra)
        .arg("--data")
        .arg(data)
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()?;
    let stderr = child.stderr.take().context("stderr")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // What went wrong in the relay shows beside the test's output.
            if line.contains("WARN") || line.contains("ERROR") {
                eprintln!("relay: {line}");
            }
            if let Some(rest) = line.split("addr=").nth(1) {
                let addr = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let _ = tx.send(addr);
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .context("the relay did not say where it listens")?;
    Ok((child, format!("ws://{addr}/ws")))
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

/// An empty document as the app makes one, for the Yrs client `client_id`.
pub fn new_doc(client_id: u64) -> Document {
    Document::new(client_id)
}

/// The native client holding the app's document model.
pub struct Client {
    inner: client::Client<Document>,
}

impl std::ops::Deref for Client {
    type Target = client::Client<Document>;
    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl std::ops::DerefMut for Client {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

impl Client {
    /// Connect, say hello, apply the snapshot and stored updates until
    /// `CaughtUp`. `since`: the last sequence number applied by an earlier
    /// session (the doc is then empty: what it missed stays pending in Yrs).
    pub async fn join(
        url: &str,
        keys: DocKeys,
        client_id: u64,
        since: Option<u64>,
    ) -> Result<Self> {
        Self::join_with_doc(url, keys, new_doc(client_id), since).await
    }

    pub async fn join_with_doc(
        url: &str,
        keys: DocKeys,
        doc: Document,
        since: Option<u64>,
    ) -> Result<Self> {
        Self::join_with(Engine::new(keys, doc, since.unwrap_or(0), Vec::new()), url).await
    }

    /// Join with an engine set up by the caller (a wider window...).
    pub async fn join_with(engine: Engine<Document>, url: &str) -> Result<Self> {
        let mut client = Self::offline(engine, url);
        client.connect().await?;
        Ok(client)
    }

    /// A client that has not connected.
    pub fn offline(engine: Engine<Document>, url: &str) -> Self {
        Client {
            inner: client::Client::new(url, engine).with_wait(WAIT),
        }
    }

    /// Open a websocket without saying hello.
    pub async fn connect_raw(url: &str, keys: DocKeys, client_id: u64) -> Result<Self> {
        let mut client = Self::offline(Engine::new(keys, new_doc(client_id), 0, Vec::new()), url);
        client.open_socket().await?;
        Ok(client)
    }

    /// The body's text.
    pub fn text(&self) -> String {
        self.doc().body()
    }

    /// The whole doc as one update: what a snapshot seals.
    pub fn state(&self) -> Vec<u8> {
        self.doc().encode_state()
    }

    /// Insert `s` at `index` of the body in the local doc only; the update
    /// it made.
    pub fn edit(&mut self, index: u32, s: &str) -> Result<Vec<u8>> {
        Ok(self.doc().edit_body(&Edit {
            start: index,
            delete: 0,
            insert: s.to_owned(),
        })?)
    }

    /// Insert `s` at `index` and submit it; its message id.
    pub async fn insert(&mut self, index: u32, s: &str) -> Result<MsgId> {
        let update = self.edit(index, s)?;
        Ok(self.submit(update).await?)
    }

    /// Type `s` at the end, submit it, return its message id.
    pub async fn type_at_end(&mut self, s: &str) -> Result<MsgId> {
        let len = self.doc().body_len();
        self.insert(len, s).await
    }

    /// Wait until the next update is applied.
    pub async fn next_update(&mut self) -> Result<()> {
        Ok(self
            .until(|e| matches!(e, Event::Update { .. }).then_some(()))
            .await?)
    }

    /// The sequence number the relay acknowledged an update sent by hand
    /// (`client::raw`) with: the session did not send it, so it reports
    /// the ack as one for nothing it sent.
    pub async fn raw_ack(&mut self, id: MsgId) -> Result<u64> {
        Ok(self
            .until(|e| match e {
                Event::Suspicious {
                    what: Suspicion::UnknownAck { msg_id, seq },
                } if *msg_id == id => Some(*seq),
                _ => None,
            })
            .await?)
    }

    /// Read until the relay asks this client to check a snapshot and the
    /// engine answered; the verdict and why.
    pub async fn checked_snapshot(&mut self) -> Result<(Verdict, String)> {
        Ok(self
            .until(|e| match e {
                Event::CheckedSnapshot { verdict, why, .. } => Some((*verdict, why.clone())),
                _ => None,
            })
            .await?)
    }

    /// Apply incoming updates until the text equals `expected`.
    pub async fn until_text(&mut self, expected: &str) -> Result<()> {
        while self.text() != expected {
            let text = self.text();
            self.next_update()
                .await
                .with_context(|| format!("text so far: {text:?}"))?;
        }
        Ok(())
    }
}
