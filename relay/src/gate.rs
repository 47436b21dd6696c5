//! The bytes under one websocket, before tungstenite sees them: a
//! [`Gate`] wraps the upgraded connection and enforces what must hold
//! before any frame is buffered.
//!
//! - **Frame size, from the header.** A [`Scanner`] follows the client's
//!   websocket framing (RFC 6455 §5.2: two header bytes, an extended
//!   length, a mask) as the bytes go by, and refuses a message whose
//!   declared length passes the connection's current limit as soon as the
//!   header is read: its payload is never waited for nor buffered. The
//!   limit is small (`max_hello_bytes`) until the peer task accepts a
//!   `Hello`, then raised to what tungstenite enforces for the socket (a
//!   snapshot). tungstenite's own limit is fixed per socket, which is why
//!   this layer exists.
//! - **Bytes per second.** A token bucket ([`ByteRate`], clock passed in):
//!   past the burst, the gate stops reading until the budget refills, so
//!   the kernel's receive window fills and TCP slows the sender. Nothing
//!   is refused and nothing piles up in the relay.
//! - **Write progress.** Every byte the socket accepts stamps
//!   [`GateState::last_write`]; the peer's writer closes a connection whose
//!   socket took nothing for `write_timeout` while it had something to
//!   write (see [`crate::peer`]).
//!
//! What a frame means is left to the peer task; the gate only counts.

use std::future::Future as _;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What the gate and the peer task share about one connection.
#[derive(Debug)]
pub(crate) struct GateState {
    /// Largest message the client may send now, in bytes.
    limit: AtomicUsize,
    /// Set when a message was refused for its declared size.
    oversized: AtomicBool,
    /// When the socket last accepted bytes, in milliseconds since `epoch`.
    last_write: AtomicU64,
    epoch: Instant,
}

impl GateState {
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            limit: AtomicUsize::new(limit),
            oversized: AtomicBool::new(false),
            last_write: AtomicU64::new(0),
            epoch: Instant::now(),
        })
    }

    /// Allow messages up to `limit` from now on.
    pub fn set_limit(&self, limit: usize) {
        self.limit.store(limit, Relaxed);
    }

    /// Whether a message was refused for its size (the read that failed
    /// was the gate's doing).
    pub fn oversized(&self) -> bool {
        self.oversized.load(Relaxed)
    }

    /// Record that the socket took bytes, or that a write starts now.
    pub fn wrote(&self) {
        let ms = self.epoch.elapsed().as_millis() as u64;
        self.last_write.store(ms, Relaxed);
    }

    /// When the socket last took bytes (or a write last started).
    pub fn last_write(&self) -> Instant {
        self.epoch + Duration::from_millis(self.last_write.load(Relaxed))
    }
}

/// A message declared larger than the connection's limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Oversized {
    pub declared: u64,
    pub limit: usize,
}

/// Follows the websocket framing of the client's bytes; see the module
/// docs. A message is the sum of its data frames (a first frame and its
/// continuations, up to the one with FIN); control frames (ping, pong,
/// close) are at most 125 bytes by the standard and tungstenite refuses
/// longer ones, so they do not count.
#[derive(Debug, Default)]
pub(crate) struct Scanner {
    header: [u8; 14],
    have: usize,
    /// Payload bytes of the current frame still to pass.
    payload_left: u64,
    /// Bytes of data frames in the message so far.
    message: u64,
}

impl Scanner {
    /// Header length once its first two bytes are known.
    fn header_len(b1: u8) -> usize {
        let ext = match b1 & 0x7f {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        let mask = if b1 & 0x80 != 0 { 4 } else { 0 };
        2 + ext + mask
    }

    /// Pass `bytes` (the next ones the client sent); refuse a message
    /// whose declared size passes `limit`.
    pub fn feed(&mut self, mut bytes: &[u8], limit: usize) -> Result<(), Oversized> {
        while !bytes.is_empty() {
            if self.payload_left > 0 {
                let n = self.payload_left.min(bytes.len() as u64);
                self.payload_left -= n;
                bytes = &bytes[n as usize..];
                continue;
            }
            let need = if self.have < 2 {
                2
            } else {
                Self::header_len(self.header[1])
            };
            let take = (need - self.have).min(bytes.len());
            self.header[self.have..self.have + take].copy_from_slice(&bytes[..take]);
            self.have += take;
            bytes = &bytes[take..];
            if self.have < 2 || self.have < Self::header_len(self.header[1]) {
                continue;
            }
            self.frame_done(limit)?;
        }
        Ok(())
    }

    /// A whole header is in `header`.
    fn frame_done(&mut self, limit: usize) -> Result<(), Oversized> {
        let (b0, b1) = (self.header[0], self.header[1]);
        let len = match b1 & 0x7f {
            126 => u64::from(u16::from_be_bytes([self.header[2], self.header[3]])),
            127 => u64::from_be_bytes(
                self.header[2..10]
                    .try_into()
                    .expect("eight bytes of extended length"),
            ),
            n => u64::from(n),
        };
        self.have = 0;
        self.payload_left = len;
        let opcode = b0 & 0x0f;
        if opcode >= 8 {
            return Ok(());
        }
        self.message = self.message.saturating_add(len);
        if self.message > limit as u64 {
            return Err(Oversized {
                declared: self.message,
                limit,
            });
        }
        if b0 & 0x80 != 0 {
            self.message = 0;
        }
        Ok(())
    }
}

/// A token bucket of bytes, with the clock passed in. Reading may take it
/// below zero by one read; the next read waits until it is positive.
#[derive(Debug)]
pub(crate) struct ByteRate {
    per_second: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl ByteRate {
    pub fn new(per_second: usize, burst: usize, now: Instant) -> Self {
        Self {
            per_second: per_second.max(1) as f64,
            burst: burst.max(1) as f64,
            tokens: burst.max(1) as f64,
            last: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = self.last.max(now);
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
    }

    /// How long to wait before reading again, if at all.
    pub fn wait(&mut self, now: Instant) -> Option<Duration> {
        self.refill(now);
        if self.tokens > 0.0 {
            return None;
        }
        // Wait for enough to make reading worth it: a few KiB, or the
        // whole burst if that is smaller.
        let want = (4096.0f64).min(self.burst) - self.tokens;
        Some(Duration::from_secs_f64(want / self.per_second))
    }

    /// `n` bytes were read at `now`.
    pub fn take(&mut self, n: usize, now: Instant) {
        self.refill(now);
        self.tokens -= n as f64;
    }
}

/// The connection under a websocket; see the module docs.
pub(crate) struct Gate<S> {
    inner: S,
    state: Arc<GateState>,
    scanner: Scanner,
    rate: ByteRate,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<S> Gate<S> {
    pub fn new(inner: S, state: Arc<GateState>, bytes_per_second: usize, burst: usize) -> Self {
        Self {
            inner,
            state,
            scanner: Scanner::default(),
            rate: ByteRate::new(bytes_per_second, burst, Instant::now()),
            sleep: None,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Gate<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if let Some(sleep) = &mut this.sleep {
                ready!(sleep.as_mut().poll(cx));
                this.sleep = None;
            }
            match this.rate.wait(Instant::now()) {
                Some(wait) => {
                    this.sleep = Some(Box::pin(tokio::time::sleep(wait)));
                }
                None => break,
            }
        }
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        let read = &buf.filled()[before..];
        this.rate.take(read.len(), Instant::now());
        if let Err(e) = this.scanner.feed(read, this.state.limit.load(Relaxed)) {
            this.state.oversized.store(true, Relaxed);
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a message of {} bytes is over this connection's limit of {}",
                    e.declared, e.limit
                ),
            )));
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Gate<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = ready!(Pin::new(&mut self.inner).poll_write(cx, buf))?;
        if written > 0 {
            self.state.wrote();
        }
        Poll::Ready(Ok(written))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = ready!(Pin::new(&mut self.inner).poll_write_vectored(cx, bufs))?;
        if written > 0 {
            self.state.wrote();
        }
        Poll::Ready(Ok(written))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A masked client frame header for a payload of `len`.
    fn header(fin: bool, opcode: u8, len: u64) -> Vec<u8> {
        let mut h = vec![u8::from(fin) << 7 | opcode];
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
        h.extend([1, 2, 3, 4]);
        h
    }

    fn frame(fin: bool, opcode: u8, len: usize) -> Vec<u8> {
        let mut f = header(fin, opcode, len as u64);
        f.extend(vec![0xab; len]);
        f
    }

    #[test]
    fn frames_under_the_limit_pass_whatever_the_read_boundaries() {
        let mut stream = Vec::new();
        for len in [0, 5, 125, 126, 300, 70_000] {
            stream.extend(frame(true, 2, len));
        }
        for cut in [1, 2, 3, 7, 64, 4096] {
            let mut scanner = Scanner::default();
            for piece in stream.chunks(cut) {
                assert_eq!(scanner.feed(piece, 100_000), Ok(()), "reads of {cut}");
            }
            assert_eq!(
                (scanner.have, scanner.payload_left),
                (0, 0),
                "between frames"
            );
        }
    }

    #[test]
    fn a_frame_over_the_limit_is_refused_from_its_header_alone() {
        let mut scanner = Scanner::default();
        // 16 MiB announced, not one payload byte sent.
        let h = header(true, 2, 16 << 20);
        assert_eq!(
            scanner.feed(&h, 4096),
            Err(Oversized {
                declared: 16 << 20,
                limit: 4096
            })
        );
    }

    #[test]
    fn a_fragmented_message_counts_all_its_frames_and_control_frames_do_not() {
        let mut scanner = Scanner::default();
        assert_eq!(scanner.feed(&frame(false, 2, 3000), 4096), Ok(()));
        assert_eq!(scanner.feed(&frame(true, 9, 100), 4096), Ok(()), "a ping");
        let refused = scanner.feed(&frame(false, 0, 3000), 4096);
        assert_eq!(refused.map_err(|e| e.declared), Err(6000));
        // After a FIN the count starts again.
        let mut scanner = Scanner::default();
        for _ in 0..10 {
            assert_eq!(scanner.feed(&frame(true, 2, 3000), 4096), Ok(()));
        }
    }

    #[test]
    fn a_raised_limit_applies_to_the_next_frames() {
        let mut scanner = Scanner::default();
        assert_eq!(scanner.feed(&frame(true, 2, 200), 256), Ok(()));
        assert!(scanner.feed(&header(true, 2, 5000), 256).is_err());
        let mut scanner = Scanner::default();
        assert_eq!(scanner.feed(&frame(true, 2, 200), 256), Ok(()));
        assert_eq!(scanner.feed(&frame(true, 2, 5000), 1 << 20), Ok(()));
    }

    #[test]
    fn the_byte_rate_lets_a_burst_through_then_waits_for_the_refill() {
        let t0 = Instant::now();
        let mut rate = ByteRate::new(1000, 10_000, t0);
        assert_eq!(rate.wait(t0), None);
        rate.take(12_000, t0);
        // 2,000 in debt, and 4,096 more wanted: 6.096 s at 1,000 B/s.
        assert_eq!(rate.wait(t0), Some(Duration::from_secs_f64(6.096)));
        // Still in debt after one second; past it after three.
        assert!(rate.wait(t0 + Duration::from_secs(1)).is_some());
        assert_eq!(rate.wait(t0 + Duration::from_secs(3)), None);
        assert_eq!(rate.wait(t0 + Duration::from_secs(7)), None);
        // A long silence refills to the burst, not more.
        let much_later = t0 + Duration::from_secs(3600);
        rate.take(10_000, much_later);
        assert!(rate.wait(much_later).is_some());
    }

    #[tokio::test]
    async fn the_gate_refuses_an_oversized_frame_and_stamps_writes() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let (client, server) = tokio::io::duplex(1 << 16);
        let state = GateState::new(1024);
        let mut gate = Gate::new(server, state.clone(), 1 << 20, 1 << 20);
        let mut client = client;
        client.write_all(&frame(true, 2, 100)).await.expect("write");
        let mut buf = [0u8; 200];
        let n = gate.read(&mut buf).await.expect("a small frame passes");
        assert_eq!(n, 106);
        client
            .write_all(&header(true, 2, 1 << 20))
            .await
            .expect("write");
        let err = gate.read(&mut buf).await.expect_err("refused");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(state.oversized());
        let before = state.last_write();
        tokio::time::sleep(Duration::from_millis(5)).await;
        gate.write_all(b"hi").await.expect("write");
        assert!(state.last_write() > before);
    }
}
