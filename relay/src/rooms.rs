//! The registry of open rooms: room id → the inbox of the task serving it.
//!
//! A connection joins through [`Rooms::join`], which opens the room task if
//! none is running. A room task retires on its own (idle, unused, shutting
//! down) and removes itself, under the registry's lock, only if the entry
//! is still its own generation. A join that reaches a retiring room is told
//! [`JoinError::Gone`] (or finds its inbox closed) and looks the room up
//! again, which opens a fresh task that loads the room from storage.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use protocol::{ErrorCode, RoomId};
use tokio::sync::{mpsc, oneshot};

use crate::mailbox::{Access, JoinError, Joined, Joiner, PeerHandle, RoomCmd};
use crate::room::Room;
use crate::Relay;

/// Room commands waiting for a room task: enough to absorb a burst from
/// every peer without making connections wait.
const ROOM_QUEUE: usize = 1024;

/// A retiring room answers `Gone` once per generation, so a few attempts
/// always suffice; the bound only guards against a bug.
const JOIN_ATTEMPTS: usize = 16;

/// The registry. The mutex is held only to look up, insert or remove an
/// entry, never across an await.
#[derive(Default)]
pub(crate) struct Rooms {
    map: Mutex<HashMap<RoomId, (u64, mpsc::Sender<RoomCmd>)>>,
    generation: AtomicU64,
    /// Test seam: holds a room that decided to retire, before it leaves the
    /// registry.
    #[cfg(test)]
    pub(crate) gate: tests::Gate,
}

impl Rooms {
    fn get_or_spawn(
        &self,
        relay: &Arc<Relay>,
        id: RoomId,
    ) -> Result<(u64, mpsc::Sender<RoomCmd>), ErrorCode> {
        let mut map = self.map.lock().map_err(|_| ErrorCode::StorageFailed)?;
        if relay.stopping.is_cancelled() {
            return Err(ErrorCode::ShuttingDown);
        }
        if let Some((generation, tx)) = map.get(&id) {
            if !tx.is_closed() {
                return Ok((*generation, tx.clone()));
            }
        }
        if map.len() >= relay.config.limits.max_rooms {
            return Err(ErrorCode::TooManyRooms);
        }
        let generation = self.generation.fetch_add(1, Relaxed);
        let (tx, rx) = mpsc::channel(ROOM_QUEUE);
        map.insert(id, (generation, tx.clone()));
        relay.metrics.rooms.store(map.len() as u64, Relaxed);
        let room = Room::new(relay.clone(), id, generation, rx, tx.downgrade());
        relay.tasks.spawn(room.run());
        Ok((generation, tx))
    }

    /// Remove `id` if its entry is still `generation`; whether it was.
    pub fn remove(&self, relay: &Relay, id: RoomId, generation: u64) -> bool {
        let Ok(mut map) = self.map.lock() else {
            return false;
        };
        if map.get(&id).is_some_and(|(g, _)| *g == generation) {
            map.remove(&id);
            relay.metrics.rooms.store(map.len() as u64, Relaxed);
            return true;
        }
        false
    }

    /// Join `id` from this machine, opening the room if needed: what the
    /// crate's tests use.
    #[cfg(test)]
    pub async fn join(
        &self,
        relay: &Arc<Relay>,
        id: RoomId,
        peer: &PeerHandle,
        since_seq: Option<u64>,
        access: Access,
    ) -> Result<Joined, ErrorCode> {
        let local = Joiner {
            client: crate::addresses::IpKey::of(std::net::Ipv4Addr::LOCALHOST.into()),
            may_create: true,
        };
        self.join_from(relay, id, peer, since_seq, access, local)
            .await
    }

    /// Join `id` for `joiner`, opening the room if needed; a creation
    /// counts against its address's budget, and needs its token.
    pub async fn join_from(
        &self,
        relay: &Arc<Relay>,
        id: RoomId,
        peer: &PeerHandle,
        since_seq: Option<u64>,
        access: Access,
        joiner: Joiner,
    ) -> Result<Joined, ErrorCode> {
        for _ in 0..JOIN_ATTEMPTS {
            let (generation, tx) = self.get_or_spawn(relay, id)?;
            let (reply, answer) = oneshot::channel();
            let join = RoomCmd::Join {
                peer: peer.clone(),
                since_seq,
                access: Box::new(access),
                joiner,
                reply,
            };
            if tx.send(join).await.is_err() {
                self.remove(relay, id, generation);
                continue;
            }
            match answer.await {
                Ok(Ok(joined)) => return Ok(joined),
                Ok(Err(JoinError::Refused(code))) => return Err(code),
                Ok(Err(JoinError::Gone)) | Err(_) => {
                    self.remove(relay, id, generation);
                }
            }
        }
        Err(ErrorCode::StorageFailed)
    }

    /// Rooms open now.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::time::Duration;

    use protocol::{DocKeys, EditSecret, ServerMsg};
    use tokio::sync::Notify;

    use crate::room::Retirement;
    use crate::testing::{self, next, relay, wait_until, WAIT};

    /// Holds a room that decided to retire for idleness before it leaves
    /// the registry: the window in which a join can still reach its inbox.
    #[derive(Default)]
    pub(crate) struct Gate {
        armed: AtomicBool,
        reached: Notify,
        release: Notify,
    }

    impl Gate {
        pub(crate) async fn pause(&self) {
            if self.armed.swap(false, Relaxed) {
                self.reached.notify_one();
                self.release.notified().await;
            }
        }
    }

    fn peer(relay: &Relay) -> (PeerHandle, crate::outbox::Inbox) {
        testing::peer(relay, 64)
    }

    #[tokio::test]
    async fn a_join_that_races_an_idle_rooms_retirement_is_retried_not_refused() {
        let (_dir, relay) = relay(|c| c.room_idle = Duration::from_millis(20));
        let keys = DocKeys::from_edit(&EditSecret::generate());
        let room = keys.room();
        let pk = Access::editor(&keys);

        // A peer opens the room and leaves: the room is idle.
        let (alice, _alice_rx) = peer(&relay);
        let joined = relay.rooms.join(&relay, room, &alice, None, pk).await;
        let joined = joined.expect("alice joins");
        relay.rooms.gate.armed.store(true, Relaxed);
        joined
            .room
            .send(RoomCmd::Leave { peer: alice.id })
            .await
            .expect("leave");
        drop(joined);

        // The idle timer fires; the room has decided to retire but is still
        // in the registry when Bob's join reaches its inbox.
        tokio::time::timeout(WAIT, relay.rooms.gate.reached.notified())
            .await
            .expect("the room retires");
        let (bob, mut bob_rx) = peer(&relay);
        let joining = {
            let relay = relay.clone();
            tokio::spawn(async move {
                relay
                    .rooms
                    .join(&relay, room, &bob, None, pk)
                    .await
                    .map(|_| ())
            })
        };
        let inbox = relay
            .rooms
            .map
            .lock()
            .expect("map")
            .get(&room)
            .map(|(_, tx)| tx.clone())
            .expect("still registered");
        wait_until("bob's join is queued", || {
            inbox.capacity() < inbox.max_capacity()
        })
        .await;
        drop(inbox);
        relay.rooms.gate.release.notify_one();

        let answer = tokio::time::timeout(WAIT, joining)
            .await
            .expect("bob is answered")
            .expect("join task");
        assert_eq!(answer, Ok(()), "bob's join is retried on a fresh room");
        assert!(matches!(next(&mut bob_rx).await, ServerMsg::Welcome { .. }));
        testing::stop(&relay).await;
    }

    #[test]
    fn only_a_room_that_could_not_load_or_a_stopping_relay_refuses_a_late_join() {
        assert_eq!(Retirement::Idle.join_answer(), JoinError::Gone);
        assert_eq!(Retirement::Unused.join_answer(), JoinError::Gone);
        assert_eq!(
            Retirement::LoadFailed.join_answer(),
            JoinError::Refused(ErrorCode::StorageFailed)
        );
        assert_eq!(
            Retirement::ShuttingDown.join_answer(),
            JoinError::Refused(ErrorCode::ShuttingDown)
        );
    }

    #[tokio::test]
    async fn a_retired_room_leaves_the_registry_and_frees_its_place() {
        let (_dir, relay) = relay(|c| {
            c.room_idle = Duration::from_millis(10);
            c.limits.max_rooms = 1;
        });
        let first = DocKeys::from_edit(&EditSecret::generate());
        let second = DocKeys::from_edit(&EditSecret::generate());
        let (alice, _rx) = peer(&relay);
        let joined = relay
            .rooms
            .join(&relay, first.room(), &alice, None, Access::editor(&first))
            .await
            .expect("alice joins");
        assert_eq!(relay.metrics.rooms.load(Relaxed), 1);
        let (bob, _rx) = peer(&relay);
        let refused = relay
            .rooms
            .join(&relay, second.room(), &bob, None, Access::editor(&second))
            .await;
        assert_eq!(refused.err(), Some(ErrorCode::TooManyRooms));

        joined
            .room
            .send(RoomCmd::Leave { peer: alice.id })
            .await
            .expect("leave");
        drop(joined);
        wait_until("the idle room retires", || relay.rooms.len() == 0).await;
        assert_eq!(relay.metrics.rooms.load(Relaxed), 0, "the gauge follows");
        let again = relay
            .rooms
            .join(&relay, second.room(), &bob, None, Access::editor(&second))
            .await;
        assert!(again.is_ok(), "its place is free");
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn a_room_removes_only_its_own_generation() {
        let (_dir, relay) = relay(|_| {});
        let keys = DocKeys::from_edit(&EditSecret::generate());
        let (alice, _rx) = peer(&relay);
        let _joined = relay
            .rooms
            .join(&relay, keys.room(), &alice, None, Access::editor(&keys))
            .await
            .expect("alice joins");
        let generation = relay
            .rooms
            .map
            .lock()
            .expect("map")
            .get(&keys.room())
            .map(|(g, _)| *g)
            .expect("registered");
        assert!(!relay.rooms.remove(&relay, keys.room(), generation + 1));
        assert_eq!(
            relay.rooms.len(),
            1,
            "a newer room is not removed by an older one"
        );
        assert!(relay.rooms.remove(&relay, keys.room(), generation));
        assert_eq!(relay.rooms.len(), 0);
        assert!(!relay.rooms.remove(&relay, keys.room(), generation), "once");
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn a_hello_for_an_unknown_room_without_a_key_leaves_no_room_open() {
        let (_dir, relay) = relay(|_| {});
        let keys = DocKeys::from_edit(&EditSecret::generate());
        let (alice, _rx) = peer(&relay);
        let refused = relay
            .rooms
            .join(&relay, keys.room(), &alice, None, Access::reader(&keys))
            .await;
        assert_eq!(refused.err(), Some(ErrorCode::UnknownRoom));
        wait_until("the unused room retires", || relay.rooms.len() == 0).await;
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn an_empty_room_stays_open_for_room_idle_then_retires() {
        let idle = Duration::from_millis(300);
        let (_dir, relay) = relay(|c| c.room_idle = idle);
        let keys = DocKeys::from_edit(&EditSecret::generate());
        let (alice, _rx) = peer(&relay);
        let joined = relay
            .rooms
            .join(&relay, keys.room(), &alice, None, Access::editor(&keys))
            .await
            .expect("alice joins");
        joined
            .room
            .send(RoomCmd::Leave { peer: alice.id })
            .await
            .expect("leave");
        let left = tokio::time::Instant::now();
        drop(joined);
        tokio::time::sleep(idle / 3).await;
        assert_eq!(
            relay.rooms.len(),
            1,
            "still open a moment after the last peer left"
        );
        wait_until("the idle room retires", || relay.rooms.len() == 0).await;
        assert!(left.elapsed() >= idle, "not before room_idle");
        testing::stop(&relay).await;
    }
}
