//! The connection to the relay: one socket at a time
//! ([`crate::platform::socket`]), at `ws(s)://<the page's directory>/ws`,
//! opened once the saved copy is loaded and again after it closes, after
//! a capped exponential delay with jitter ([`crate::status::backoff`]),
//! or as soon as the browser says the network is back.
//!
//! A watchdog drops a connection that stopped answering, which the
//! browser may not notice for minutes (a laptop that changed networks, a
//! relay that hangs; the relay's pings are invisible to JavaScript): an
//! edit sent with no frame back for [`UNANSWERED`], or [`SILENT_WHILE_JOINING`]
//! without a frame before the connection is live.
//!
//! What goes out is the protocol session's to decide
//! ([`Session::outgoing`](protocol::session::Session::outgoing)): edits
//! not yet acknowledged, at most a window of them in flight, merged into
//! one when more than [`MERGE_ABOVE`] wait (an offline backlog).

use std::time::Duration;

use gloo_timers::callback::{Interval, Timeout};
use model::document;
use protocol::session::Phase;

use super::text::MAX_UPDATE_BYTES;
use super::{Core, DocSession};
use crate::creation_token;
use crate::platform::socket::Socket;
use crate::platform::{millis, page};
use crate::status::{backoff, Connection, Problem};

/// More unsent edits than this are merged into one before they leave.
pub const MERGE_ABOVE: usize = 50;
/// How often the page checks that its connection still answers.
const WATCHDOG: Duration = Duration::from_secs(5);
/// An edit sent with no frame at all from the relay for this long (an
/// acknowledgement comes within milliseconds): the connection is dead.
/// It is dropped and opened again.
const UNANSWERED: Duration = Duration::from_secs(15);
/// Before the connection is live (opening, `Hello`, the history), this
/// long without a frame means it is stuck.
const SILENT_WHILE_JOINING: Duration = Duration::from_secs(20);

/// The connection's side of the core.
#[derive(Default)]
pub(super) struct Relay {
    live: Option<Live>,
    /// Reconnection attempts since the last time we were online.
    pub attempt: u32,
    /// The next attempt, cancelled when dropped.
    retry: Option<Timeout>,
    /// The relay refused to create the document without its creation
    /// token: no more attempts until the person gives one.
    pub token_asked: bool,
}

/// A socket, and whether it still answers.
struct Live {
    socket: Socket,
    /// When a frame last arrived (or the socket was created), in ms.
    heard_at: f64,
    /// Since when an edit sent on it has had no frame back.
    unanswered_since: Option<f64>,
}

impl Relay {
    pub fn connected(&self) -> bool {
        self.live.is_some()
    }

    pub fn stop_retrying(&mut self) {
        self.retry = None;
    }
}

impl Core {
    pub(super) fn send(&self, frame: &[u8]) {
        if let Some(live) = &self.relay.live {
            live.socket.send(frame);
        }
    }

    /// Send what the session lets out now.
    pub(super) fn flush(&mut self) {
        if self.session.pending_len() > MERGE_ABOVE {
            let merged = self.session.merge_unsent(|parts| {
                // Too big merged: the relay would refuse it. One by one.
                if parts.iter().map(|part| part.len()).sum::<usize>() > MAX_UPDATE_BYTES {
                    return Err(None);
                }
                document::merge_updates(parts).map_err(Some)
            });
            if let Err(Some(_)) = merged {
                leptos::logging::warn!("could not merge the unsent edits; sending them one by one");
            }
        }
        let Some(live) = &mut self.relay.live else {
            return;
        };
        match self.session.outgoing() {
            Ok(frames) => {
                if !frames.is_empty() {
                    live.unanswered_since.get_or_insert_with(js_sys::Date::now);
                }
                for frame in frames {
                    live.socket.send(&frame);
                }
            }
            Err(error) => leptos::logging::warn!("could not seal an edit: {error}"),
        }
    }

    /// A frame arrived: the connection is alive.
    pub(super) fn heard_from_relay(&mut self) {
        if let Some(live) = &mut self.relay.live {
            live.heard_at = js_sys::Date::now();
            live.unanswered_since = None;
        }
    }

    /// Whether the connection stopped answering (see [`UNANSWERED`]).
    fn connection_dead(&self, now: f64) -> bool {
        let Some(live) = &self.relay.live else {
            return false;
        };
        let over = |since: f64, limit: Duration| now - since > limit.as_millis() as f64;
        if !self.intake.inbox.is_empty() {
            // Still working through what arrived (a long history takes
            // tens of seconds): the silence is ours, not the relay's.
            return false;
        }
        if self.session.phase() == Phase::Live {
            live.unanswered_since
                .is_some_and(|since| over(since, UNANSWERED))
        } else {
            over(live.heard_at, SILENT_WHILE_JOINING)
        }
    }

    /// Close the socket without hearing about it.
    pub(super) fn drop_socket(&mut self) {
        self.relay.live = None;
        // Frames of the closed connection not processed yet are dropped:
        // `applied` has not moved past them, so the next `Hello` asks for
        // them again (and a lost ack means a harmless resend).
        self.intake.inbox.clear();
        self.show_waiting();
        self.session.disconnected();
        self.integrity_disconnected();
    }
}

impl DocSession {
    /// Open a connection, unless there is one, or the document is not
    /// loaded yet, or the page left it.
    pub(super) fn connect(self) {
        let Some(url) = page::relay_url() else {
            return;
        };
        let go = self.with_core(|c| {
            c.relay.stop_retrying();
            if c.closed || c.relay.connected() || !c.saving.ready || c.relay.token_asked {
                return false;
            }
            c.out.connection = Some(if c.relay.attempt == 0 {
                Connection::Connecting
            } else {
                Connection::Reconnecting {
                    attempt: c.relay.attempt,
                }
            });
            true
        });
        if go != Some(true) {
            return;
        }
        let socket = Socket::open(
            &url,
            move || {
                self.with_core(|c| {
                    c.integrity.refused_hello = false;
                    c.session.set_creation_token(creation_token::saved());
                    let hello = c.session.hello();
                    c.send(&hello);
                });
            },
            move |frame| self.received(frame),
            move |code| self.disconnected(code),
        );
        let Some(socket) = socket else {
            self.retry_later();
            return;
        };
        self.with_core(move |c| {
            c.relay.live = Some(Live {
                socket,
                heard_at: js_sys::Date::now(),
                unanswered_since: None,
            })
        });
    }

    /// Check on the connection every [`WATCHDOG`] while the page lives.
    pub(super) fn start_watchdog(self) -> Interval {
        Interval::new(millis(WATCHDOG), move || self.watchdog())
    }

    /// Drop a connection that stopped answering and open another.
    fn watchdog(self) {
        let dead = self.with_core(|c| {
            let dead = c.connection_dead(js_sys::Date::now());
            if dead {
                leptos::logging::warn!("the relay stopped answering; reconnecting");
                c.drop_socket();
            }
            dead && !c.closed
        });
        if dead == Some(true) {
            self.retry_later();
        }
    }

    /// The socket closed with `code`.
    fn disconnected(self, code: u16) {
        let closed = self.with_core(|c| {
            // Dropping the socket drops this very callback: wasm-bindgen
            // frees it once it returns.
            c.drop_socket();
            if c.relay.token_asked {
                // The refusal says it all; wait for the token.
                c.out.connection = Some(Connection::Offline);
                return true;
            }
            let told = c.integrity.refused_hello && code == protocol::close::REFUSED;
            if let Some(problem) = Problem::from_close(code).filter(|_| !told) {
                c.out.problem = Some(Some(problem));
            }
            c.closed
        });
        if closed == Some(false) {
            self.retry_later();
        }
    }

    fn retry_later(self) {
        self.with_core(|c| {
            if c.closed {
                return;
            }
            c.relay.stop_retrying();
            if !page::online() {
                // The `online` event will bring us back.
                c.out.connection = Some(Connection::Offline);
                return;
            }
            c.relay.attempt = c.relay.attempt.saturating_add(1);
            c.out.connection = Some(Connection::Reconnecting {
                attempt: c.relay.attempt,
            });
            let delay = backoff(c.relay.attempt, js_sys::Math::random());
            c.relay.retry = Some(Timeout::new(millis(delay), move || self.connect()));
        });
    }

    /// The browser says the network is back: try now.
    pub(super) fn network_back(self) {
        self.with_core(|c| c.relay.attempt = c.relay.attempt.max(1));
        self.connect();
    }

    /// The person gave the relay's creation token: keep it, and try again.
    pub(super) fn give_creation_token(self, token: &str) {
        let token = creation_token::clean(token);
        if token.is_empty() {
            return;
        }
        creation_token::keep(&token);
        self.with_core(|c| {
            c.relay.token_asked = false;
            c.relay.attempt = 0;
            c.out.problem = Some(None);
        });
        self.connect();
    }

    /// The browser says the network is gone: wait for it.
    pub(super) fn network_gone(self) {
        self.with_core(|c| {
            c.relay.stop_retrying();
            c.drop_socket();
            c.out.connection = Some(Connection::Offline);
        });
    }
}
