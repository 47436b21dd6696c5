//! The argument map's words that are not a component's: refusals as
//! sentences (tested natively).

use model::arguments::ArgError;

use crate::strings::Strings;

/// Why a map operation was refused, as a sentence.
pub fn error_words(words: &Strings, error: &ArgError) -> &'static str {
    match error {
        ArgError::NotAllowed => words.arg_error_not_allowed,
        ArgError::NotFound => words.arg_error_not_found,
        ArgError::Cycle => words.arg_error_cycle,
        ArgError::Empty => words.arg_error_empty,
        ArgError::TooLong => words.arg_error_too_long,
        ArgError::BadMerge => words.arg_error_bad_merge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strings::{EN, FR};

    #[test]
    fn every_refusal_has_its_own_sentence_in_both_languages() {
        let all = [
            ArgError::NotAllowed,
            ArgError::NotFound,
            ArgError::Cycle,
            ArgError::Empty,
            ArgError::TooLong,
            ArgError::BadMerge,
        ];
        for words in [&FR, &EN] {
            let said: std::collections::HashSet<&str> =
                all.iter().map(|e| error_words(words, e)).collect();
            assert_eq!(said.len(), all.len());
        }
        assert_ne!(
            error_words(&FR, &ArgError::Cycle),
            error_words(&EN, &ArgError::Cycle)
        );
    }
}
