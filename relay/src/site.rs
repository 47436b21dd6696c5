//! Serving the built app (`--static dist`), with the headers an end-to-end
//! encrypted app needs: the keys live in the page, so the page must run
//! nothing but its own code and talk to nobody but its own origin.
//!
//! - The page gets a Content-Security-Policy allowing only same-origin
//!   scripts, styles, images and connections, plus the one inline module
//!   script trunk writes into `index.html`, by hash. The hash is computed
//!   from the file when it is served, so a rebuilt `dist/` needs no restart.
//!   Any other HTML response (`/%69ndex.html`, `//`, a stray `.html` in
//!   `dist/`) gets a policy that lets nothing run ([`LOCKED_DOWN`]), so the
//!   app's page can only ever start under its own policy.
//! - Every response: `Referrer-Policy: no-referrer`, `nosniff`; over https
//!   (a TLS proxy saying `X-Forwarded-Proto: https`), HSTS for a year.
//!   Browsers ignore HSTS received over plain http, so a proxy lying about
//!   it changes nothing.
//! - Caching: trunk puts a content hash in asset names
//!   (`cahier-app-<16 hex>.js`), so those are cached for a year; everything
//!   else (the page, the service worker, the manifest) is revalidated.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

use crate::Relay;

/// The routes serving `dir`, to merge under the relay's own.
pub(crate) fn routes(dir: &Path) -> Router<Arc<Relay>> {
    let index = dir.join("index.html");
    let page = get(move || serve_page(index.clone()));
    Router::new()
        .route("/", page.clone())
        .route("/index.html", page)
        .fallback_service(ServeDir::new(dir))
        .layer(axum::middleware::from_fn(common_headers))
}

/// The policy of an HTML response that is not the app's page: nothing
/// runs, nothing loads.
pub(crate) const LOCKED_DOWN: &str = "default-src 'none'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// HSTS for a deployment behind a TLS proxy.
const HSTS: &str = "max-age=31536000";

async fn common_headers(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let uri = request.uri().clone();
    let https = request
        .headers()
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
        || uri.scheme_str() == Some("https");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"));
    if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(LOCKED_DOWN),
        );
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let cache = if is_hashed_asset(uri.path()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// `name-0123456789abcdef.ext` or `name-0123456789abcdef_bg.wasm`.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn serve_page(path: PathBuf) -> Response {
    let Ok(html) = tokio::fs::read_to_string(&path).await else {
        return (
            StatusCode::NOT_FOUND,
            "no app here: build it with scripts/build-app.sh\n",
        )
            .into_response();
    };
    let csp = content_security_policy(&html);
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// The policy for a page: its inline scripts by hash, nothing from
/// elsewhere. `'wasm-unsafe-eval'` lets it compile its own WebAssembly.
pub(crate) fn content_security_policy(html: &str) -> String {
    let hashes: Vec<String> = inline_scripts(html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hashes.concat()
    )
}

/// The text of every `<script>` without a `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (tag, body) = rest.split_once('>')?;
        if tag.contains("src=") {
            return None;
        }
        body.split_once("</script>").map(|(script, _)| script)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_hash_and_nothing_else() {
        let html =
            "<html><script type=\"module\">init();</script><script src=\"x.js\"></script></html>";
        let csp = content_security_policy(html);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"init();"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert_eq!(csp.matches("'sha256-").count(), 1);
        assert!(csp.contains("connect-src 'self'"));
        assert!(!csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"));
    }

    #[test]
    fn hashed_assets_are_recognised() {
        assert!(is_hashed_asset("/cahier-app-fd6e5d65f8620784.js"));
        assert!(is_hashed_asset("/cahier-app-fd6e5d65f8620784_bg.wasm"));
        assert!(is_hashed_asset("/sub/main-9a037dd20de86ffb.css"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/manifest.webmanifest"));
    }
}
