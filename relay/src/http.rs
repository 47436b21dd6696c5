//! The HTTP layer: accepting TCP connections, serving HTTP/1.1 on them
//! with hyper, and turning a `/ws` request into a websocket for
//! [`crate::peer`].
//!
//! What it bounds before any room is involved:
//!
//! - **TCP connections**, all of them (page loads, metrics, websockets):
//!   at most `max_tcp_connections` at once, and `max_connections_per_ip`
//!   from one address. A connection past either is closed as soon as it is
//!   accepted. Its slots are held by the connection's socket
//!   ([`Counted`]), so a websocket keeps them until it closes. A trusted
//!   proxy's connections are not counted per address here (they all come
//!   from the proxy): their websockets are counted under the address the
//!   proxy forwarded instead, when they upgrade.
//! - **Slow headers.** hyper's `header_read_timeout` (`header_timeout`)
//!   closes a connection that has not sent a whole request head in time,
//!   and an idle keep-alive connection after as long: axum's own `serve`
//!   sets no timer, so a client sending one byte a minute held a
//!   connection for ever.
//! - **Origins.** A browser sends `Origin` with every websocket handshake;
//!   `/ws` answers 403 to a page from another host unless that origin is
//!   configured ([`origin_allowed`]). A request without `Origin` is not a
//!   browser page (the command line, native clients), and those can send
//!   any header they like, so refusing them would protect nothing: the
//!   check is there so that other sites cannot use their visitors'
//!   browsers, and their addresses, against this relay.
//!
//! The upgrade is done here rather than by axum's extractor so that the
//! upgraded connection can be wrapped in a [`Gate`] (frame sizes from the
//! header, bytes per second, write progress) before tungstenite reads it.

use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use sha1::{Digest, Sha1};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;
use tokio_util::task::TaskTracker;
use tower::ServiceExt as _;

use crate::addresses::{client_address, IpKey, Slot};
use crate::config::Access;
use crate::gate::{Gate, GateState};
use crate::metrics::Refusal;
use crate::peer;
use crate::Relay;

/// The websocket a peer task serves.
pub(crate) type Socket = WebSocketStream<Gate<TokioIo<hyper::upgrade::Upgraded>>>;

/// The TCP peer of a request, put in its extensions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PeerAddr(pub SocketAddr);

/// A TCP connection holding its slots: given back when it is dropped,
/// after hyper or the websocket let go of it.
struct Counted {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    _slot: Option<Slot>,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

fn is_trusted(ip: IpAddr, access: &Access) -> bool {
    let ip = IpKey::of(ip);
    access.trusted_proxies.iter().any(|t| IpKey::of(*t) == ip)
}

/// Serve `router` on `listener` until the relay stops, then let the HTTP
/// connections in progress finish their request (within the shutdown
/// grace). Websockets are not waited for here: they belong to the relay's
/// tasks once upgraded.
pub(crate) async fn serve(listener: TcpListener, router: Router, relay: Arc<Relay>) {
    let limits = &relay.config.limits;
    let slots = Arc::new(Semaphore::new(limits.max_tcp_connections));
    let connections = TaskTracker::new();
    let stopping = relay.stopping.clone();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, a connection reset before
                    // it was accepted: wait a moment, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = stopping.cancelled() => break,
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            relay.metrics.refused(Refusal::TcpFull);
            drop(stream);
            continue;
        };
        let slot = if is_trusted(peer.ip(), &relay.config.access) {
            None
        } else {
            match relay
                .addresses
                .connect(IpKey::of(peer.ip()), Instant::now())
            {
                Some(slot) => Some(slot),
                None => {
                    relay.metrics.refused(Refusal::AddressFull);
                    drop(stream);
                    continue;
                }
            }
        };
        // Small frames must leave at once: without TCP_NODELAY, Nagle's
        // algorithm and delayed acks hold a keystroke back ~40 ms.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY");
        }
        let io = TokioIo::new(Counted {
            stream,
            _permit: permit,
            _slot: slot,
        });
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request.extensions_mut().insert(PeerAddr(peer));
            let router = router.clone();
            async move {
                let response = router.oneshot(request.map(Body::new)).await;
                Ok::<_, Infallible>(response.unwrap_or_else(|never| match never {}))
            }
        });
        let conn = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(io, service)
            .with_upgrades();
        let stopping = stopping.clone();
        connections.spawn(async move {
            tokio::pin!(conn);
            let served = tokio::select! {
                served = conn.as_mut() => served,
                () = stopping.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = served {
                tracing::debug!(error = %e, "http connection ended");
            }
        });
    }
    connections.close();
    if tokio::time::timeout(relay.config.shutdown_grace, connections.wait())
        .await
        .is_err()
    {
        tracing::warn!("some http connections did not finish in time");
    }
}

/// Whether a page from `headers`' `Origin` may open a websocket; see the
/// module docs.
pub(crate) fn origin_allowed(headers: &HeaderMap, from_proxy: bool, access: &Access) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    if access.allowed_origins.contains(&origin) {
        return true;
    }
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let host = from_proxy
        .then(|| headers.get("x-forwarded-host"))
        .flatten()
        .or_else(|| headers.get(header::HOST))
        .and_then(|h| h.to_str().ok())
        .map(|h| h.trim().to_ascii_lowercase());
    let Some(host) = host else {
        return false;
    };
    let default_port = match scheme {
        "https" => ":443",
        "http" => ":80",
        _ => return false,
    };
    let bare = |a: &str| a.strip_suffix(default_port).unwrap_or(a).to_owned();
    bare(authority) == bare(&host)
}

/// `Sec-WebSocket-Accept` for a key (RFC 6455 §4.2.2).
fn accept_key(key: &[u8]) -> String {
    let mut sha = Sha1::new();
    sha.update(key);
    sha.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    base64::engine::general_purpose::STANDARD.encode(sha.finalize())
}

fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    })
}

/// `GET /ws`: check the handshake and the origin, answer 101, and hand
/// the upgraded connection to a peer task.
pub(crate) async fn websocket(State(relay): State<Arc<Relay>>, mut request: Request) -> Response {
    let headers = request.headers();
    let refuse = |status: StatusCode, why: &'static str| (status, why).into_response();
    if !has_token(headers, header::CONNECTION, "upgrade")
        || !has_token(headers, header::UPGRADE, "websocket")
    {
        return refuse(
            StatusCode::UPGRADE_REQUIRED,
            "a websocket is expected here\n",
        );
    }
    if headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_none_or(|v| v.as_bytes() != b"13")
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            "websocket version 13 is expected\n",
        );
    }
    let Some(key) = headers.get(header::SEC_WEBSOCKET_KEY).cloned() else {
        return refuse(StatusCode::BAD_REQUEST, "no websocket key\n");
    };
    let Some(PeerAddr(peer)) = request.extensions().get::<PeerAddr>().copied() else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "no peer address\n");
    };
    let access = &relay.config.access;
    let from_proxy = is_trusted(peer.ip(), access);
    if !origin_allowed(headers, from_proxy, access) {
        relay.metrics.refused(Refusal::Origin);
        tracing::debug!(origin = ?headers.get(header::ORIGIN), "websocket from another site refused");
        return refuse(StatusCode::FORBIDDEN, "this page may not connect here\n");
    }
    let client = IpKey::of(client_address(peer, headers, &access.trusted_proxies));
    // Behind a proxy, count the websocket under the forwarded address;
    // otherwise its TCP connection is already counted.
    let (slot, over) = if from_proxy {
        match relay.addresses.connect(client, Instant::now()) {
            Some(slot) => (Some(slot), false),
            None => (None, true),
        }
    } else {
        (None, false)
    };
    let Some(on_upgrade) = request
        .extensions_mut()
        .remove::<hyper::upgrade::OnUpgrade>()
    else {
        return refuse(
            StatusCode::UPGRADE_REQUIRED,
            "this connection cannot upgrade\n",
        );
    };
    let limits = &relay.config.limits;
    let max = limits.max_frame_bytes.max(limits.max_snapshot_bytes) + 1024;
    let config = WebSocketConfig::default()
        .max_message_size(Some(max))
        .max_frame_size(Some(max))
        .read_buffer_size(peer::READ_BUFFER)
        .write_buffer_size(peer::WRITE_BUFFER)
        .max_write_buffer_size(peer::WRITE_BUFFER + max + 1024);
    let gate = GateState::new(limits.max_hello_bytes);
    let (rate, burst) = (limits.bytes_per_second, limits.byte_burst);
    let tasks = relay.tasks.clone();
    let relay = relay.clone();
    tasks.spawn(async move {
        let upgraded = match on_upgrade.await {
            Ok(upgraded) => upgraded,
            Err(e) => {
                tracing::debug!(error = %e, "websocket upgrade failed");
                return;
            }
        };
        let io = Gate::new(TokioIo::new(upgraded), gate.clone(), rate, burst);
        let socket = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
        let conn = peer::Conn {
            client,
            gate,
            over_address_limit: over,
            _slot: slot,
        };
        peer::serve(socket, relay, conn).await;
    });
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = response.headers_mut();
    h.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    if let Ok(accept) = HeaderValue::from_str(&accept_key(key.as_bytes())) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn the_accept_key_is_the_one_in_the_standard() {
        // RFC 6455, section 1.3.
        assert_eq!(
            accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn a_page_of_the_same_host_or_a_listed_origin_may_connect_and_no_other() {
        let access = Access::default();
        let same = headers(&[
            ("host", "cahier.example"),
            ("origin", "https://cahier.example"),
        ]);
        assert!(origin_allowed(&same, false, &access));
        let port = headers(&[
            ("host", "localhost:8080"),
            ("origin", "http://localhost:8080"),
        ]);
        assert!(origin_allowed(&port, false, &access));
        let default_port = headers(&[
            ("host", "cahier.example:443"),
            ("origin", "https://cahier.example"),
        ]);
        assert!(origin_allowed(&default_port, false, &access));
        let other = headers(&[
            ("host", "cahier.example"),
            ("origin", "https://evil.example"),
        ]);
        assert!(!origin_allowed(&other, false, &access));
        let other_port = headers(&[
            ("host", "localhost:8080"),
            ("origin", "http://localhost:9999"),
        ]);
        assert!(!origin_allowed(&other_port, false, &access));
        let null = headers(&[("host", "cahier.example"), ("origin", "null")]);
        assert!(!origin_allowed(&null, false, &access));
        let native = headers(&[("host", "cahier.example")]);
        assert!(
            origin_allowed(&native, false, &access),
            "no Origin: not a browser page"
        );
        let listed = Access {
            allowed_origins: vec!["https://app.example".into()],
            ..Access::default()
        };
        let app = headers(&[
            ("host", "relay.example"),
            ("origin", "https://App.Example/"),
        ]);
        assert!(origin_allowed(&app, false, &listed));
        assert!(!origin_allowed(&app, false, &access));
    }

    #[test]
    fn a_forwarded_host_counts_only_from_a_trusted_proxy() {
        let access = Access::default();
        let proxied = headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-host", "cahier.example"),
            ("origin", "https://cahier.example"),
        ]);
        assert!(origin_allowed(&proxied, true, &access));
        assert!(!origin_allowed(&proxied, false, &access));
    }

    #[test]
    fn upgrade_tokens_are_found_in_lists_whatever_their_case() {
        let h = headers(&[("connection", "keep-alive, Upgrade")]);
        assert!(has_token(&h, header::CONNECTION, "upgrade"));
        assert!(!has_token(&h, header::UPGRADE, "websocket"));
    }
}
