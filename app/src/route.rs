//! Which page to show, read from the address fragment. The fragment carries
//! the document's keys (browsers never send it to a server), so it is also
//! the app's only router: no fragment is the start page, a good link is a
//! document, `d=<handle>` is a document by the local handle this browser
//! gave it once its keys were kept ([`crate::store`]), anything else is a
//! link that cannot be opened and says why.

use protocol::{Link, LinkError};

/// A page of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    /// Boxed: a link holds key material, far larger than the other routes.
    Document(Box<Link>),
    /// A document by its local handle (what follows [`LOCAL_PREFIX`]).
    Local(String),
    BadLink(LinkError),
}

/// How a fragment that is a local handle starts.
pub const LOCAL_PREFIX: &str = "d=";

/// The fragment for the local handle `handle`, without `#`.
pub fn local_fragment(handle: &str) -> String {
    format!("{LOCAL_PREFIX}{handle}")
}

impl Route {
    /// The route for a fragment, with or without its `#`.
    pub fn from_fragment(fragment: &str) -> Self {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        if fragment.trim().is_empty() {
            return Route::Home;
        }
        if let Some(handle) = fragment.strip_prefix(LOCAL_PREFIX) {
            return Route::Local(handle.to_owned());
        }
        match Link::parse(fragment) {
            Ok(link) => Route::Document(Box::new(link)),
            Err(error) => Route::BadLink(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::EditSecret;

    #[test]
    fn no_fragment_is_the_start_page() {
        assert_eq!(Route::from_fragment(""), Route::Home);
        assert_eq!(Route::from_fragment("#"), Route::Home);
    }

    #[test]
    fn an_edit_fragment_opens_its_document() {
        let link = Link::Edit(EditSecret::generate());
        assert_eq!(
            Route::from_fragment(&format!("#{}", link.fragment())),
            Route::Document(Box::new(link.clone()))
        );
        let view = link.to_view();
        assert_eq!(
            Route::from_fragment(&view.fragment()),
            Route::Document(Box::new(view))
        );
    }

    #[test]
    fn a_local_handle_is_its_own_route() {
        let fragment = local_fragment("00ff");
        assert_eq!(Route::from_fragment(&fragment), Route::Local("00ff".into()));
        assert_eq!(
            Route::from_fragment(&format!("#{fragment}")),
            Route::Local("00ff".into())
        );
    }

    #[test]
    fn a_cut_fragment_says_why_it_cannot_open() {
        let link = Link::Edit(EditSecret::generate());
        let fragment = link.fragment();
        assert_eq!(
            Route::from_fragment(&fragment[..20]),
            Route::BadLink(LinkError::Truncated)
        );
        assert_eq!(
            Route::from_fragment("#about"),
            Route::BadLink(LinkError::NoKey)
        );
    }
}
