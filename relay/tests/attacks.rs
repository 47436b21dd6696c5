//! A stranger trying to use up the relay (issue 9), over real sockets: each
//! test names the attack, makes it against a relay on port 0, and checks
//! that it was refused in words while honest clients kept working.
//!
//! Most go through the native client (`cahier-client`); those that need
//! bytes no client would send (a frame header alone, a handshake from
//! another site's page, headers one line at a time) speak HTTP and the
//! websocket framing by hand on a `TcpStream` ([`Raw`]).

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use client::{ClientError, Engine, Event};
use common::{metric, new_doc, Client, TestRelay, WAIT};
use protocol::session::Session;
use protocol::wire::decode_server;
use protocol::{close, ClientMsg, DocKeys, EditSecret, ErrorCode, ServerMsg};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

fn editor() -> DocKeys {
    DocKeys::from_edit(&EditSecret::generate())
}

/// A connection spoken by hand: HTTP, then websocket frames.
struct Raw {
    stream: TcpStream,
    buf: Vec<u8>,
}

/// One frame from the relay, as read by [`Raw::frame`].
#[derive(Debug)]
enum RawFrame {
    Binary(Vec<u8>),
    Close(Option<u16>),
    Other,
}

impl Raw {
    async fn connect(addr: SocketAddr) -> Result<Self> {
        Ok(Self {
            stream: TcpStream::connect(addr).await?,
            buf: Vec::new(),
        })
    }

    /// Send a websocket handshake with these extra headers; the status
    /// code of the answer (the head is consumed).
    async fn handshake(&mut self, extra: &[(&str, &str)]) -> Result<u16> {
        let mut request = String::from(
            "GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n\
             Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
        );
        for (name, value) in extra {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        self.stream.write_all(request.as_bytes()).await?;
        let head = self.head().await?;
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("no status in {head:?}"))?;
        Ok(status)
    }

    /// Read an HTTP response head.
    async fn head(&mut self) -> Result<String> {
        loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
                self.buf.drain(..end + 4);
                return Ok(head);
            }
            self.fill().await?;
        }
    }

    async fn fill(&mut self) -> Result<()> {
        let mut chunk = [0u8; 8192];
        let n = tokio::time::timeout(WAIT, self.stream.read(&mut chunk))
            .await
            .context("the relay said nothing")??;
        if n == 0 {
            bail!("the relay closed the connection");
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    /// A masked client frame header announcing `len` bytes (FIN, binary).
    fn header(len: u64) -> Vec<u8> {
        let mut h = vec![0x82];
        match len {
            0..=125 => h.push(0x80 | len as u8),
            126..=0xffff => {
                h.push(0x80 | 126);
                h.extend((len as u16).to_be_bytes());
            }
            _ => {
                h.push(0x80 | 127);
                h.extend(len.to_be_bytes());
            }
        }
        h.extend([0, 0, 0, 0]); // a mask of zeros: the payload goes as it is
        h
    }

    async fn send_binary(&mut self, payload: &[u8]) -> Result<()> {
        let mut frame = Self::header(payload.len() as u64);
        frame.extend_from_slice(payload);
        self.stream.write_all(&frame).await?;
        Ok(())
    }

    /// The relay's next frame (server frames are not masked).
    async fn frame(&mut self) -> Result<RawFrame> {
        loop {
            if let Some((frame, used)) = Self::parse(&self.buf) {
                self.buf.drain(..used);
                return Ok(frame);
            }
            self.fill().await?;
        }
    }

    fn parse(buf: &[u8]) -> Option<(RawFrame, usize)> {
        let (&b0, &b1) = (buf.first()?, buf.get(1)?);
        let (len, start) = match b1 & 0x7f {
            126 => (u16::from_be_bytes([*buf.get(2)?, *buf.get(3)?]) as usize, 4),
            127 => (
                u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?) as usize,
                10,
            ),
            n => (n as usize, 2),
        };
        let payload = buf.get(start..start + len)?;
        let frame = match b0 & 0x0f {
            2 => RawFrame::Binary(payload.to_vec()),
            8 => RawFrame::Close(payload.get(..2).map(|c| u16::from_be_bytes([c[0], c[1]]))),
            _ => RawFrame::Other,
        };
        Some((frame, start + len))
    }

    /// Whether the relay closes the connection (EOF or reset) within
    /// `wait`, after anything it still had to say.
    async fn closed_within(&mut self, wait: Duration) -> bool {
        let mut chunk = [0u8; 4096];
        let until = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(until, self.stream.read(&mut chunk)).await {
                Ok(Ok(0) | Err(_)) => return true,
                Ok(Ok(_)) => continue,
                Err(_) => return false,
            }
        }
    }
}

/// Read frames until an `Error` and a close; both.
async fn refusal_and_close(raw: &mut Raw) -> Result<(ErrorCode, Option<u16>)> {
    let mut code = None;
    loop {
        match raw.frame().await? {
            RawFrame::Binary(bytes) => {
                if let Ok(ServerMsg::Error { code: c, .. }) = decode_server(&bytes) {
                    code = Some(c);
                }
            }
            RawFrame::Close(close) => {
                return Ok((code.context("closed without an error")?, close));
            }
            RawFrame::Other => {}
        }
    }
}

#[tokio::test]
async fn attack_a_peer_that_never_reads_is_disconnected_by_the_write_timeout_and_the_others_keep_their_acks(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| {
        c.limits.write_timeout = Duration::from_millis(800);
        // Queues large enough that only the write timeout can act.
        c.limits.outbound_queue = 100_000;
        c.limits.outbound_queue_bytes = 1 << 30;
        c.limits.bytes_per_second = 256 << 20;
        c.limits.byte_burst = 256 << 20;
    })
    .await?;
    let keys = editor();
    let mut writer = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut reader = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    // Joins, then never reads a byte again: the relay's writes to it stop
    // once the socket buffers are full.
    let mut sleeper = Client::join(&relay.url(), keys.clone(), 3, None).await?;
    let chunk = "x".repeat(200 << 10);
    let mut stalled = false;
    for _ in 0..150 {
        let id = writer.type_at_end(&chunk).await?;
        writer.ack(id).await?;
        reader.until_text(&writer.text()).await?;
        let m = relay.metrics().await?;
        if m.contains("cahier_disconnects_total{reason=\"stalled\"} 1") {
            stalled = true;
            break;
        }
    }
    assert!(stalled, "the sleeper was never disconnected");
    assert!(relay
        .metrics()
        .await?
        .contains("cahier_disconnects_total{reason=\"lagging\"} 0"));
    // The others go on: acknowledged, and read.
    for word in ["encore ", "et encore"] {
        let id = writer.type_at_end(word).await?;
        writer.ack(id).await?;
    }
    reader.until_text(&writer.text()).await?;
    // The sleeper, reading at last, finds the connection closed as lagging
    // (or reset, if the close frame could not be delivered).
    let code = sleeper.closed().await?;
    assert!(matches!(code, Some(close::LAGGING) | None), "{code:?}");
    relay.stop().await
}

#[tokio::test]
async fn attack_a_large_frame_before_hello_is_refused_from_its_header_without_being_read(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;

    // 16 MiB announced, not one byte of it sent: the relay answers at once.
    let mut raw = Raw::connect(relay.addr).await?;
    assert_eq!(raw.handshake(&[]).await?, 101);
    raw.stream.write_all(&Raw::header(16 << 20)).await?;
    let (code, closed) = refusal_and_close(&mut raw).await?;
    assert_eq!((code, closed), (ErrorCode::TooLarge, Some(close::TOO_BIG)));

    // A whole frame of 8 KiB (under the frame limit, over the Hello limit)
    // before Hello: refused too.
    let mut raw = Raw::connect(relay.addr).await?;
    assert_eq!(raw.handshake(&[]).await?, 101);
    raw.send_binary(&vec![7; 8 << 10]).await?;
    let (code, _) = refusal_and_close(&mut raw).await?;
    assert_eq!(code, ErrorCode::TooLarge);

    // After a Hello the same size is an ordinary update.
    let keys = editor();
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let id = alice.type_at_end(&"y".repeat(8 << 10)).await?;
    alice.ack(id).await?;
    let m = relay.metrics().await?;
    assert!(
        m.contains("cahier_rejected_total{reason=\"too_large\"} 2"),
        "{m}"
    );
    relay.stop().await
}

#[tokio::test]
async fn attack_a_room_filled_to_its_quota_refuses_updates_with_quota_exceeded_and_still_reads(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| c.quotas.room_bytes = 64 << 10).await?;
    let keys = editor();
    let mut writer = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut acked = String::new();
    let mut refused = None;
    for _ in 0..64 {
        let before = writer.text();
        let id = writer.type_at_end(&"z".repeat(4 << 10)).await?;
        let answer = writer
            .until(|e| match e {
                Event::Acked { msg_id, .. } if *msg_id == id => Some(None),
                Event::Refused { code, msg_id, .. } if *msg_id == Some(id) => Some(Some(*code)),
                _ => None,
            })
            .await?;
        match answer {
            None => acked = writer.text(),
            Some(code) => {
                refused = Some(code);
                acked = before;
                break;
            }
        }
    }
    assert_eq!(refused, Some(ErrorCode::QuotaExceeded));
    assert!(acked.len() >= 40 << 10, "the quota came too early");
    // Another room is not affected.
    let mut other = Client::join(&relay.url(), editor(), 3, None).await?;
    let id = other.type_at_end("ailleurs").await?;
    other.ack(id).await?;
    // The full room still reads: a newcomer gets everything acknowledged.
    let reader = Client::join(&relay.url(), keys, 2, None).await?;
    assert_eq!(reader.text(), acked);
    relay.stop().await
}

#[tokio::test]
async fn attack_the_relays_storage_filled_to_its_total_quota_refuses_writes_corrupts_nothing_and_still_reads(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let total = 512 << 10;
    let relay = TestRelay::start(dir.path(), |c| c.quotas.total_bytes = total).await?;
    let (ana_keys, bea_keys) = (editor(), editor());
    let mut ana = Client::join(&relay.url(), ana_keys.clone(), 1, None).await?;
    let mut bea = Client::join(&relay.url(), bea_keys.clone(), 2, None).await?;
    let id = bea.type_at_end("avant").await?;
    bea.ack(id).await?;
    let mut refused = None;
    for _ in 0..200 {
        let id = ana.type_at_end(&"w".repeat(8 << 10)).await?;
        let answer = ana
            .until(|e| match e {
                Event::Acked { msg_id, .. } if *msg_id == id => Some(None),
                Event::Refused { code, msg_id, .. } if *msg_id == Some(id) => Some(Some(*code)),
                _ => None,
            })
            .await?;
        if let Some(code) = answer {
            refused = Some(code);
            break;
        }
    }
    assert_eq!(refused, Some(ErrorCode::QuotaExceeded));
    // Every room is full now, and says so.
    bea.type_at_end(&"v".repeat(8 << 10)).await?;
    assert_eq!(bea.refusal().await?.0, ErrorCode::QuotaExceeded);
    // Both still read, with what was acknowledged.
    let ana_text = Client::join(&relay.url(), ana_keys.clone(), 3, None)
        .await?
        .text();
    assert!(ana_text.len() >= 200 << 10, "{} bytes", ana_text.len());
    let bea_text = Client::join(&relay.url(), bea_keys.clone(), 4, None)
        .await?
        .text();
    assert_eq!(bea_text, "avant");
    relay.stop().await?;
    // Nothing was corrupted: the database opens again with the same texts
    // (SQLite refused the writes that did not fit, as it refuses them on
    // a full disk).
    let relay = TestRelay::start(dir.path(), |c| c.quotas.total_bytes = total).await?;
    let again = Client::join(&relay.url(), ana_keys, 5, None).await?;
    assert_eq!(again.text(), ana_text);
    let again = Client::join(&relay.url(), bea_keys, 6, None).await?;
    assert_eq!(again.text(), "avant");
    relay.stop().await
}

fn with_token(keys: DocKeys, client_id: u64, token: Option<&str>) -> Engine<model::Document> {
    Engine::new(keys, new_doc(client_id), 0, Vec::new())
        .with_creation_token(token.map(str::to_owned))
}

#[tokio::test]
async fn attack_creating_a_room_without_the_token_is_refused_while_an_existing_room_still_works(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| {
        c.creation_tokens = relay::CreationTokens::new(["jeton du groupe"]);
    })
    .await?;
    let url = relay.url();

    // No token, or a wrong one: the room is not created.
    for token in [None, Some("jeton volé")] {
        let mut stranger = Client::offline(with_token(editor(), 1, token), &url);
        match stranger.connect().await {
            Err(ClientError::Refused { code }) => assert_eq!(code, ErrorCode::TokenRequired),
            other => bail!("{token:?}: {other:?}"),
        }
        assert_eq!(stranger.closed().await?, Some(close::REFUSED));
    }

    // With the token: created.
    let keys = editor();
    let mut member =
        Client::join_with(with_token(keys.clone(), 2, Some("jeton du groupe")), &url).await?;
    let id = member.type_at_end("bonjour").await?;
    member.ack(id).await?;
    member.disconnect().await;

    // The existing room opens without a token, for reading and writing.
    let mut guest = Client::join_with(with_token(keys.clone(), 3, None), &url).await?;
    assert_eq!(guest.text(), "bonjour");
    let id = guest.type_at_end(" à tous").await?;
    guest.ack(id).await?;

    // Even after a restart, when the room is only on disk.
    relay.stop().await?;
    let relay = TestRelay::start(dir.path(), |c| {
        c.creation_tokens = relay::CreationTokens::new(["jeton du groupe"]);
    })
    .await?;
    let again = Client::join_with(with_token(keys, 4, None), &relay.url()).await?;
    assert_eq!(again.text(), "bonjour à tous");
    let m = relay.metrics().await?;
    assert_eq!(metric(&m, "cahier_rooms"), 1, "{m}");
    relay.stop().await
}

#[tokio::test]
async fn attack_connections_past_the_per_address_limit_are_refused_until_one_leaves() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    // Loopback is a trusted proxy by default: websockets are counted under
    // the forwarded address (here none, so 127.0.0.1).
    let relay = TestRelay::start(dir.path(), |c| c.limits.max_connections_per_ip = 3).await?;
    let keys = editor();
    let mut first = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let _second = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    let _third = Client::join(&relay.url(), keys.clone(), 3, None).await?;
    match Client::join(&relay.url(), keys.clone(), 4, None).await {
        Err(e) => assert!(
            matches!(
                e.downcast_ref::<ClientError>(),
                Some(ClientError::Closed {
                    code: Some(close::TRY_AGAIN_LATER)
                })
            ),
            "{e:?}"
        ),
        Ok(_) => bail!("a fourth connection from one address was served"),
    }
    // Behind the proxy, another forwarded address has its own count.
    let mut raw = Raw::connect(relay.addr).await?;
    assert_eq!(
        raw.handshake(&[("X-Forwarded-For", "198.51.100.4")])
            .await?,
        101
    );
    raw.send_binary(&client::raw::hello(&keys, None, None).encode())
        .await?;
    assert!(matches!(
        raw.frame().await?,
        RawFrame::Binary(b) if matches!(decode_server(&b), Ok(ServerMsg::Welcome { .. }))
    ));
    // One leaves: a slot is free again.
    first.disconnect().await;
    let until = Instant::now() + WAIT;
    loop {
        match Client::join(&relay.url(), keys.clone(), 5, None).await {
            Ok(_) => break,
            Err(_) if Instant::now() < until => tokio::time::sleep(Duration::from_millis(50)).await,
            Err(e) => return Err(e),
        }
    }
    relay.stop().await?;

    // Without a trusted proxy the TCP connections themselves are counted,
    // and a forwarded address is not believed.
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| {
        c.limits.max_connections_per_ip = 2;
        c.access.trusted_proxies = Vec::new();
    })
    .await?;
    let mut a = Raw::connect(relay.addr).await?;
    let mut b = Raw::connect(relay.addr).await?;
    assert_eq!(a.handshake(&[]).await?, 101);
    assert_eq!(
        b.handshake(&[("X-Forwarded-For", "203.0.113.9")]).await?,
        101
    );
    let mut c = Raw::connect(relay.addr).await?;
    assert!(
        c.closed_within(WAIT).await,
        "a third TCP connection stayed open"
    );
    drop((a, b));
    relay.stop().await
}

#[tokio::test]
async fn attack_tcp_connections_past_the_cap_are_closed_at_once_and_slow_headers_time_out(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| {
        c.limits.header_timeout = Duration::from_millis(700);
        c.limits.max_tcp_connections = 2;
    })
    .await?;
    // Headers a line at a time, never finished: closed after the timeout.
    let started = Instant::now();
    let mut slow = Raw::connect(relay.addr).await?;
    slow.stream.write_all(b"GET /healthz HTTP/1.1\r\n").await?;
    let mut held = Raw::connect(relay.addr).await?;
    held.stream.write_all(b"GET /healthz HTTP/1.1\r\n").await?;
    // Both slots are taken: a third connection is closed at once.
    let mut third = Raw::connect(relay.addr).await?;
    assert!(third.closed_within(Duration::from_millis(500)).await);
    assert!(
        slow.closed_within(WAIT).await,
        "slow headers kept the connection"
    );
    assert!(held.closed_within(WAIT).await);
    assert!(started.elapsed() >= Duration::from_millis(600));
    // The slots are free again.
    let health = common::http_get(relay.addr, "/healthz").await?;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let m = relay.metrics().await?;
    assert!(
        m.contains("cahier_connections_refused_total{reason=\"tcp_full\"} 1"),
        "{m}"
    );
    relay.stop().await
}

#[tokio::test]
async fn attack_a_websocket_from_another_sites_page_is_refused() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| {
        c.access.allowed_origins = vec!["https://cahier.example".into()];
    })
    .await?;
    let try_origin = |origin: Option<&'static str>| async move {
        let mut raw = Raw::connect(relay.addr).await?;
        let headers: Vec<(&str, &str)> = origin.map(|o| ("Origin", o)).into_iter().collect();
        raw.handshake(&headers).await
    };
    assert_eq!(try_origin(Some("https://evil.example")).await?, 403);
    assert_eq!(try_origin(Some("http://localhost:1")).await?, 403);
    assert_eq!(try_origin(Some("null")).await?, 403);
    // The relay's own host (the Host header says localhost), a configured
    // origin, and no origin at all (not a browser page) may connect.
    assert_eq!(try_origin(Some("http://localhost")).await?, 101);
    assert_eq!(try_origin(Some("https://cahier.example")).await?, 101);
    assert_eq!(try_origin(None).await?, 101);
    let m = relay.metrics().await?;
    assert!(
        m.contains("cahier_connections_refused_total{reason=\"origin\"} 3"),
        "{m}"
    );
    relay.stop().await
}

#[tokio::test]
async fn a_snapshot_is_served_in_chunks_reassembled_by_a_newcomer_and_a_chunk_past_its_length_refused(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| c.limits.catch_up_chunk_bytes = 1024).await?;
    let keys = editor();
    let mut ana = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    // Carla reads along and confirms Ana's snapshot (protocol version 2).
    let view = DocKeys::from_view(keys.view_secret().clone(), keys.writer());
    let mut carla = Client::join(&relay.url(), view, 9, None).await?;
    for n in 0..20 {
        let id = ana
            .type_at_end(&format!("ligne {n} : {}\n", "é".repeat(8 << 10)))
            .await?;
        ana.ack(id).await?;
    }
    assert!(ana.send_snapshot().await?);
    let (verdict, why) = carla.checked_snapshot().await?;
    assert_eq!(verdict, protocol::Verdict::Matches, "{why}");
    ana.until(|e| matches!(e, Event::SnapshotStored { .. }).then_some(()))
        .await?;
    let id = ana.type_at_end("après").await?;
    ana.ack(id).await?;

    // A newcomer through the client: the snapshot and the update after it.
    let bea = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    assert_eq!(bea.text(), ana.text());
    assert_eq!(bea.join().snapshot, Some(20));
    assert_eq!(bea.join().updates, 1);

    // The same catch-up frame by frame: a head, then chunks of one stored
    // row (64 KiB) each, since a chunk of 1 KiB was asked for.
    let mut raw = Client::connect_raw(&relay.url(), keys.clone(), 3).await?;
    raw.send_msg(&client::raw::hello(&keys, None, None)).await?;
    let mut frames = Vec::new();
    loop {
        let client::Frame::Binary(bytes) = raw.recv_frame().await? else {
            continue;
        };
        let msg = decode_server(&bytes)?;
        let done = matches!(msg, ServerMsg::CaughtUp { .. });
        frames.push(bytes);
        if done {
            break;
        }
    }
    let Ok(ServerMsg::Welcome {
        snapshot: Some(head),
        ..
    }) = decode_server(&frames[0])
    else {
        bail!("no snapshot head first")
    };
    let chunks: Vec<Vec<u8>> = frames
        .iter()
        .filter_map(|f| match decode_server(f) {
            Ok(ServerMsg::SnapshotChunk(bytes)) => Some(bytes),
            _ => None,
        })
        .collect();
    assert!(chunks.len() > 3, "{} chunks", chunks.len());
    assert!(chunks.iter().all(|c| c.len() <= 64 << 10));
    assert_eq!(chunks.iter().map(Vec::len).sum::<usize>() as u64, head.len);

    // A session given one byte more than announced refuses it.
    let mut session = Session::new(keys.clone(), 0, Vec::new());
    session.hello();
    session.receive(&frames[0])?;
    let (last, rest) = chunks.split_last().context("chunks")?;
    for chunk in rest {
        session.receive(&ServerMsg::SnapshotChunk(chunk.clone()).encode())?;
    }
    let mut longer = last.clone();
    longer.push(0);
    assert!(session
        .receive(&ServerMsg::SnapshotChunk(longer).encode())
        .is_err());
    relay.stop().await
}

#[tokio::test]
async fn attack_a_presence_frame_past_the_cap_is_refused_and_an_ordinary_one_passes() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = editor();
    let mut ana = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut bea = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    // The app's largest presence (4 KiB), sealed: forwarded.
    ana.send_awareness(&[b'a'; 4096]).await?;
    bea.until(|e| matches!(e, Event::Awareness { .. }).then_some(()))
        .await?;
    // 16 KiB of "presence": refused, not forwarded.
    ana.send_msg(&ClientMsg::Awareness {
        counter: 99,
        ciphertext: vec![0; 16 << 10],
        signature: None,
    })
    .await?;
    assert_eq!(ana.refusal().await?.0, ErrorCode::TooLarge);
    // The next presence Bea sees is the one after it.
    ana.send_awareness(b"ensuite").await?;
    let state = bea
        .until(|e| match e {
            Event::Awareness { state, .. } => Some(state.clone()),
            _ => None,
        })
        .await?;
    assert_eq!(state, b"ensuite");
    relay.stop().await
}

#[tokio::test]
async fn metrics_can_listen_on_an_address_of_their_own_and_are_then_not_public() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let public = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let private = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let (public_addr, private_addr) = (public.local_addr()?, private.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut config = relay::Config::new(dir.path());
    config.shutdown_grace = Duration::from_secs(5);
    let task = tokio::spawn(relay::run_on(
        relay::Listeners {
            public,
            metrics: Some(private),
        },
        config,
        async move {
            let _ = stopped.await;
        },
    ));
    let on_public = common::http_get(public_addr, "/metrics").await?;
    assert!(on_public.starts_with("HTTP/1.1 404"), "{on_public}");
    let on_private = common::http_get(private_addr, "/metrics").await?;
    assert!(on_private.contains("cahier_connections"), "{on_private}");
    let _ = stop.send(());
    tokio::time::timeout(WAIT, task).await???;
    Ok(())
}
