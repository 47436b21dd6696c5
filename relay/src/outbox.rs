//! A connection's outbound queue, bounded in frames *and* bytes: the room
//! and the catch-up put frames in, the connection's writer takes them out.
//!
//! Frames are shared (`Bytes`): a frame fanned out to a hundred peers is
//! one allocation, so the byte count of each queue is what that peer holds
//! back, not memory of its own; the bound is what keeps a peer that does
//! not read from holding a room's whole traffic. A full queue makes the
//! room disconnect the peer as lagging ([`Outbox::try_send`]); a catch-up
//! waits for room instead ([`Outbox::send`]), at most `catch_up_stall`, and
//! the chunks of a snapshot to check wait until the queue is half free
//! ([`Outbox::send_beside`]), since live frames go to the same queue.
//!
//! One frame larger than the byte bound still goes when the queue is
//! empty, alone, so a limit set below the largest frame cannot wedge a
//! connection.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::{mpsc, Notify};

/// Why a frame was not queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Over the frame or byte bound.
    Full,
    /// The writer is gone.
    Closed,
}

#[derive(Debug)]
struct Shared {
    /// Bytes queued and not yet taken by the writer.
    bytes: AtomicUsize,
    /// Woken whenever the writer takes a frame.
    taken: Notify,
    max_bytes: usize,
}

/// The sending side; cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct Outbox {
    tx: mpsc::Sender<Bytes>,
    shared: Arc<Shared>,
}

/// The writer's side.
#[derive(Debug)]
pub(crate) struct Inbox {
    rx: mpsc::Receiver<Bytes>,
    shared: Arc<Shared>,
}

/// A queue of at most `frames` frames and `max_bytes` bytes.
pub(crate) fn outbox(frames: usize, max_bytes: usize) -> (Outbox, Inbox) {
    let (tx, rx) = mpsc::channel(frames.max(1));
    let shared = Arc::new(Shared {
        bytes: AtomicUsize::new(0),
        taken: Notify::new(),
        max_bytes,
    });
    (
        Outbox {
            tx,
            shared: shared.clone(),
        },
        Inbox { rx, shared },
    )
}

impl Outbox {
    /// Queue `frame` now, or say why not.
    pub fn try_send(&self, frame: Bytes) -> Result<(), Refused> {
        let len = frame.len();
        let before = self.shared.bytes.fetch_add(len, Relaxed);
        if before > 0 && before + len > self.shared.max_bytes {
            self.shared.bytes.fetch_sub(len, Relaxed);
            return Err(Refused::Full);
        }
        self.tx.try_send(frame).map_err(|e| {
            self.shared.bytes.fetch_sub(len, Relaxed);
            match e {
                mpsc::error::TrySendError::Full(_) => Refused::Full,
                mpsc::error::TrySendError::Closed(_) => Refused::Closed,
            }
        })
    }

    /// Queue `frame`, waiting for room; fails only when the writer is gone.
    pub async fn send(&self, frame: Bytes) -> Result<(), Refused> {
        loop {
            let taken = self.shared.taken.notified();
            tokio::pin!(taken);
            taken.as_mut().enable();
            match self.try_send(frame.clone()) {
                Err(Refused::Full) => {}
                done => return done,
            }
            tokio::select! {
                () = &mut taken => {}
                () = self.tx.closed() => return Err(Refused::Closed),
            }
        }
    }

    /// Queue `frame` once the queue is at least half free, waiting for
    /// it; fails only when the writer is gone. For the chunks of a
    /// snapshot to check, sent beside the live traffic: kept to half the
    /// queue (and frames of at most a quarter of its bytes), they never
    /// make a live frame find it full.
    pub async fn send_beside(&self, frame: Bytes) -> Result<(), Refused> {
        loop {
            let taken = self.shared.taken.notified();
            tokio::pin!(taken);
            taken.as_mut().enable();
            if self.half_free() {
                match self.try_send(frame.clone()) {
                    Err(Refused::Full) => {}
                    done => return done,
                }
            }
            tokio::select! {
                () = &mut taken => {}
                () = self.tx.closed() => return Err(Refused::Closed),
            }
        }
    }

    /// Whether at least half of the queue is free, in frames and in bytes:
    /// presence is skipped for a peer that is behind, since the next one
    /// replaces it.
    pub fn half_free(&self) -> bool {
        self.tx.capacity() >= self.tx.max_capacity() / 2
            && self.shared.bytes.load(Relaxed) <= self.shared.max_bytes / 2
    }

    /// Frames that can still be queued.
    #[cfg(test)]
    pub fn capacity(&self) -> usize {
        self.tx.capacity()
    }

    /// Bytes queued now.
    #[cfg(test)]
    pub fn queued_bytes(&self) -> usize {
        self.shared.bytes.load(Relaxed)
    }
}

impl Inbox {
    /// The next frame, or `None` once every sender is gone and the queue
    /// is empty.
    pub async fn recv(&mut self) -> Option<Bytes> {
        let frame = self.rx.recv().await?;
        self.took(&frame);
        Some(frame)
    }

    /// The next frame if one is queued.
    pub fn try_recv(&mut self) -> Option<Bytes> {
        let frame = self.rx.try_recv().ok()?;
        self.took(&frame);
        Some(frame)
    }

    fn took(&self, frame: &Bytes) {
        self.shared.bytes.fetch_sub(frame.len(), Relaxed);
        self.shared.taken.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn frame(len: usize) -> Bytes {
        Bytes::from(vec![7; len])
    }

    #[test]
    fn the_queue_is_bounded_in_bytes_as_well_as_frames() {
        let (tx, mut rx) = outbox(10, 1000);
        assert_eq!(tx.try_send(frame(600)), Ok(()));
        assert_eq!(tx.try_send(frame(600)), Err(Refused::Full), "bytes");
        assert_eq!(tx.try_send(frame(400)), Ok(()));
        assert_eq!(tx.queued_bytes(), 1000);
        assert_eq!(rx.try_recv().map(|f| f.len()), Some(600));
        assert_eq!(tx.queued_bytes(), 400);
        let (tx, _rx) = outbox(2, 1 << 20);
        tx.try_send(frame(1)).expect("one");
        tx.try_send(frame(1)).expect("two");
        assert_eq!(tx.try_send(frame(1)), Err(Refused::Full), "frames");
        assert_eq!(tx.queued_bytes(), 2, "a refused frame is not counted");
    }

    #[test]
    fn one_frame_larger_than_the_bound_goes_alone() {
        let (tx, mut rx) = outbox(10, 100);
        assert_eq!(tx.try_send(frame(500)), Ok(()));
        assert_eq!(tx.try_send(frame(1)), Err(Refused::Full));
        rx.try_recv().expect("the big one");
        assert_eq!(tx.try_send(frame(1)), Ok(()));
    }

    #[test]
    fn presence_waits_while_half_the_frames_or_half_the_bytes_are_used() {
        let (tx, _rx) = outbox(8, 1000);
        assert!(tx.half_free());
        tx.try_send(frame(501)).expect("queued");
        assert!(!tx.half_free(), "over half the bytes");
        let (tx, _rx) = outbox(8, 1000);
        for _ in 0..5 {
            tx.try_send(frame(1)).expect("queued");
        }
        assert!(!tx.half_free(), "over half the frames");
    }

    #[tokio::test]
    async fn send_beside_waits_until_half_the_queue_is_free() {
        let (tx, mut rx) = outbox(10, 1000);
        tx.try_send(frame(300)).expect("queued");
        tx.try_send(frame(300)).expect("queued");
        let waiting = tokio::spawn({
            let tx = tx.clone();
            async move { tx.send_beside(frame(100)).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "600 of 1000 bytes are queued");
        assert_eq!(rx.recv().await.map(|f| f.len()), Some(300));
        assert_eq!(waiting.await.expect("joined"), Ok(()));
        assert_eq!(tx.queued_bytes(), 400);
        drop(rx);
        assert_eq!(tx.send_beside(frame(1)).await, Err(Refused::Closed));
    }

    #[tokio::test]
    async fn send_waits_for_room_and_fails_once_the_writer_is_gone() {
        let (tx, mut rx) = outbox(10, 1000);
        tx.try_send(frame(900)).expect("queued");
        let waiting = tokio::spawn({
            let tx = tx.clone();
            async move { tx.send(frame(900)).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "no room yet");
        assert_eq!(rx.recv().await.map(|f| f.len()), Some(900));
        assert_eq!(waiting.await.expect("joined"), Ok(()));
        drop(rx);
        assert_eq!(tx.send(frame(1)).await, Err(Refused::Closed));
    }
}
