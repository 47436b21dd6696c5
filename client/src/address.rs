//! Where a relay is, from what a person types or pastes: a document link
//! (`https://cahier.example/#e=…`), the page's address
//! (`http://127.0.0.1:8080/`), the websocket itself (`wss://host/ws`) or
//! a bare `host:port`.
//!
//! The rule is the app's: the page at `https://host/dir/` talks to its relay
//! at `wss://host/dir/ws` (the relay serves the app and the socket side by
//! side, `app/src/session.rs`), and a link is the page's address with the
//! keys in the fragment (`protocol::Link::to_url`). So a link tells where
//! its relay is, and a relay's address tells how its links begin.

use url::Url;

/// A relay: the websocket to connect to, and the page links point at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelayAddress {
    websocket: Url,
    page: Url,
}

/// An address that names no relay.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a relay's address: {reason}")]
pub struct AddressError {
    pub text: String,
    pub reason: String,
}

impl RelayAddress {
    /// Read an address in any of the forms of the module docs; a fragment
    /// (a link's keys) is ignored.
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        let fail = |reason: &str| AddressError {
            text: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let without_fragment = trimmed.split('#').next().unwrap_or_default();
        if without_fragment.is_empty() {
            return Err(fail("there is no address before the #"));
        }
        let with_scheme = if without_fragment.contains("://") {
            without_fragment.to_owned()
        } else {
            format!("http://{without_fragment}")
        };
        let url = Url::parse(&with_scheme).map_err(|e| fail(&e.to_string()))?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(fail("it has no host"));
        }
        let (page_scheme, socket_scheme) = match url.scheme() {
            "http" | "ws" => ("http", "ws"),
            "https" | "wss" => ("https", "wss"),
            other => return Err(fail(&format!("{other}: is not http(s) or ws(s)"))),
        };
        let (mut websocket, mut page) = if url.scheme().starts_with("ws") {
            let page = url.join(".").map_err(|e| fail(&e.to_string()))?;
            (url, page)
        } else {
            let websocket = url.join("ws").map_err(|e| fail(&e.to_string()))?;
            (websocket, url)
        };
        // Both are special schemes, which `set_scheme` swaps freely.
        websocket
            .set_scheme(socket_scheme)
            .map_err(|()| fail("its scheme cannot be changed"))?;
        page.set_scheme(page_scheme)
            .map_err(|()| fail("its scheme cannot be changed"))?;
        websocket.set_fragment(None);
        page.set_fragment(None);
        Ok(Self { websocket, page })
    }

    /// The relay a link points at, or `None` for a bare fragment (`#e=…`
    /// or `e=…`), which says nothing of where it lives.
    pub fn of_link(link: &str) -> Result<Option<Self>, AddressError> {
        let trimmed = link.trim();
        match trimmed.split_once('#') {
            Some((before, _)) if !before.trim().is_empty() => Self::parse(before).map(Some),
            Some(_) => Ok(None),
            None if trimmed.contains("://") => Self::parse(trimmed).map(Some),
            None => Ok(None),
        }
    }

    /// `ws(s)://host/dir/ws`
    pub fn websocket(&self) -> &str {
        self.websocket.as_str()
    }

    /// `http(s)://host/dir/`: what links begin with.
    pub fn page(&self) -> &str {
        self.page.as_str()
    }
}

impl std::fmt::Display for RelayAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.page())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) -> (String, String) {
        let a = RelayAddress::parse(text).expect(text);
        (a.websocket().to_owned(), a.page().to_owned())
    }

    #[test]
    fn a_page_address_gives_the_socket_beside_it() {
        assert_eq!(
            both("http://127.0.0.1:8080/"),
            (
                "ws://127.0.0.1:8080/ws".to_owned(),
                "http://127.0.0.1:8080/".to_owned()
            )
        );
        assert_eq!(
            both("https://cahier.example/groupe/#e=abc"),
            (
                "wss://cahier.example/groupe/ws".to_owned(),
                "https://cahier.example/groupe/".to_owned()
            )
        );
        assert_eq!(
            both("127.0.0.1:4000").0,
            "ws://127.0.0.1:4000/ws".to_owned()
        );
    }

    #[test]
    fn a_socket_address_gives_the_page_it_serves() {
        assert_eq!(
            both("wss://cahier.example/groupe/ws"),
            (
                "wss://cahier.example/groupe/ws".to_owned(),
                "https://cahier.example/groupe/".to_owned()
            )
        );
        assert_eq!(both("ws://[::1]:9/ws").1, "http://[::1]:9/".to_owned());
    }

    #[test]
    fn a_bare_fragment_names_no_relay_and_nonsense_is_refused() {
        assert_eq!(RelayAddress::of_link("#e=abc.def"), Ok(None));
        assert_eq!(RelayAddress::of_link("e=abc.def"), Ok(None));
        assert!(RelayAddress::of_link("http://h:1/#e=x")
            .expect("an address")
            .is_some());
        assert!(RelayAddress::parse("ftp://h/").is_err());
        assert!(RelayAddress::parse("").is_err());
        assert!(RelayAddress::parse("http://").is_err());
    }
}
