//! The relay's creation token, as this browser keeps it. A relay started
//! with `--creation-token` creates documents only for a `Hello` carrying
//! one of its tokens (`ErrorCode::TokenRequired` otherwise); the app asks
//! the person for it once, when a creation is refused for lack of it
//! ([`crate::components::status_line`]), keeps it in `localStorage`, and
//! sends it in every `Hello` after. The app is served by its relay, so one
//! token per browser is one per relay.

use crate::platform::storage;

const STORAGE_KEY: &str = "cahier.creation-token";

/// The token kept in this browser, if any.
pub fn saved() -> Option<String> {
    storage::get(STORAGE_KEY)
        .map(|t| clean(&t))
        .filter(|t| !t.is_empty())
}

/// Keep `token` in this browser (spaces around it are not part of it).
pub fn keep(token: &str) {
    storage::set(STORAGE_KEY, &clean(token));
}

/// A token as typed or pasted: without the spaces and line breaks around
/// it, and no longer than the relay reads.
pub fn clean(token: &str) -> String {
    let token = token.trim();
    let mut end = token.len().min(protocol::wire::MAX_TOKEN_BYTES);
    while !token.is_char_boundary(end) {
        end -= 1;
    }
    token[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_token_loses_its_surrounding_spaces_and_is_cut_at_the_limit() {
        assert_eq!(clean("  jeton du groupe \n"), "jeton du groupe");
        let long = "é".repeat(200);
        let cut = clean(&long);
        assert!(cut.len() <= protocol::wire::MAX_TOKEN_BYTES);
        assert!(cut.chars().all(|c| c == 'é'));
    }
}
