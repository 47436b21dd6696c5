//! The name of a file the app saves (an export, the saved links), made
//! from the document's title. The title is a co-author's: it may hold
//! anything, so the name keeps its words and drops what a file system
//! refuses or a person could be fooled by:
//!
//! - the characters Windows forbids (`\ / : * ? " < > |`) and control
//!   characters become spaces, and runs of white space one space;
//! - bidirectional and other invisible formatting characters are dropped,
//!   so `motion\u{202e}lmth.md` cannot pass for `motion.html`;
//! - dots and spaces at either end go (a leading dot hides a file, a
//!   trailing one is dropped by Windows, then the extension would be
//!   misread);
//! - a name Windows keeps for a device (`CON`, `nul.txt`, `COM1`, …)
//!   gets a `_` after the device's name;
//! - it is cut at [`MAX_STEM_CHARS`] characters;
//! - an empty result becomes the fallback ("sans titre").
//!
//! The extension is always the app's, added last.

/// The longest name before the extension, in characters: well under the
/// 255 bytes file systems allow, even in a script of 4-byte characters.
pub const MAX_STEM_CHARS: usize = 60;

/// Characters Windows refuses in a file name.
const FORBIDDEN: &[char] = &['\\', '/', ':', '*', '?', '"', '<', '>', '|'];

/// Names Windows keeps for devices, whatever the extension.
const DEVICES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A file name for a document titled `title`: its cleaned title (or
/// `fallback` when nothing is left of it), `.`, `extension`.
pub fn file_name(title: &str, fallback: &str, extension: &str) -> String {
    format!("{}.{extension}", stem_or(title, fallback))
}

/// [`file_name`] with `tag` after the title (`Motion - liens.txt`): the
/// title is cut before the tag is added, so the tag always shows.
pub fn tagged_file_name(title: &str, fallback: &str, tag: &str, extension: &str) -> String {
    format!(
        "{} - {}.{extension}",
        stem_or(title, fallback),
        stem_of(tag)
    )
}

/// The cleaned `title`, or the cleaned `fallback` if nothing is left.
fn stem_or(title: &str, fallback: &str) -> String {
    let stem = stem_of(title);
    if stem.is_empty() {
        stem_of(fallback)
    } else {
        stem
    }
}

/// `title` cleaned as the module docs say, possibly empty.
fn stem_of(title: &str) -> String {
    let spaced: String = title
        .chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| {
            if c.is_control() || FORBIDDEN.contains(&c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let joined = words.join(" ");
    let cut: String = joined.chars().take(MAX_STEM_CHARS).collect();
    let mut stem = cut.trim_matches(|c: char| c == '.' || c == ' ').to_owned();
    let device = stem.split('.').next().unwrap_or_default().len();
    if DEVICES
        .iter()
        .any(|name| name.eq_ignore_ascii_case(&stem[..device]))
    {
        stem.insert(device, '_');
    }
    stem
}

/// Characters that change how a name is shown without showing themselves:
/// the bidirectional controls, zero-width characters, the byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}'
        | '\u{061c}'
        | '\u{00ad}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_title_is_the_name() {
        assert_eq!(
            file_name("Motion du congrès", "sans titre", "md"),
            "Motion du congrès.md"
        );
    }

    #[test]
    fn forbidden_and_control_characters_become_single_spaces() {
        assert_eq!(
            file_name("Ordre du jour: 12/03 <AG>\t\"urgent\"?", "x", "txt"),
            "Ordre du jour 12 03 AG urgent.txt"
        );
        assert_eq!(
            file_name("a\\b*c|d\ne\u{7}f", "x", "txt"),
            "a b c d e f.txt"
        );
    }

    #[test]
    fn invisible_characters_are_dropped_so_the_extension_cannot_be_disguised() {
        assert_eq!(file_name("motion\u{202e}lmth", "x", "md"), "motionlmth.md");
        assert_eq!(
            file_name(
                "\u{feff}a\u{200b}b\u{2066}c\u{2069}\u{061c}d\u{00ad}e",
                "x",
                "md"
            ),
            "abcde.md"
        );
        assert_eq!(file_name("a\u{200f}\u{202a}\u{2060}b", "x", "md"), "ab.md");
    }

    #[test]
    fn dots_and_spaces_at_the_ends_go() {
        assert_eq!(file_name("  .hidden. ", "x", "md"), "hidden.md");
        assert_eq!(file_name("...", "sans titre", "md"), "sans titre.md");
        assert_eq!(file_name("v1.2 notes", "x", "md"), "v1.2 notes.md");
    }

    #[test]
    fn an_empty_title_gets_the_fallback() {
        assert_eq!(file_name("", "sans titre", "html"), "sans titre.html");
        assert_eq!(file_name(" \n\t", "untitled", "txt"), "untitled.txt");
        assert_eq!(file_name("\u{202e}", "untitled", "txt"), "untitled.txt");
    }

    #[test]
    fn a_tag_follows_the_title_even_a_long_or_empty_one() {
        assert_eq!(
            tagged_file_name("Motion", "sans titre", "liens", "txt"),
            "Motion - liens.txt"
        );
        assert_eq!(
            tagged_file_name("", "sans titre", "liens", "txt"),
            "sans titre - liens.txt"
        );
        let long = "a".repeat(MAX_STEM_CHARS + 10);
        assert_eq!(
            tagged_file_name(&long, "x", "links", "txt"),
            format!("{} - links.txt", "a".repeat(MAX_STEM_CHARS))
        );
    }

    #[test]
    fn device_names_are_not_left_bare() {
        assert_eq!(file_name("con", "x", "md"), "con_.md");
        assert_eq!(file_name("NUL.txt", "x", "md"), "NUL_.txt.md");
        assert_eq!(file_name("LPT9", "x", "md"), "LPT9_.md");
        assert_eq!(file_name("console", "x", "md"), "console.md");
    }

    #[test]
    fn a_long_title_is_cut_on_a_character_and_not_left_ending_in_a_space() {
        let title = format!("{} {}", "é".repeat(MAX_STEM_CHARS - 1), "suite");
        let name = file_name(&title, "x", "md");
        assert_eq!(name, format!("{}.md", "é".repeat(MAX_STEM_CHARS - 1)));
        let exact = "a".repeat(MAX_STEM_CHARS);
        assert_eq!(file_name(&exact, "x", "md"), format!("{exact}.md"));
        let over = "a".repeat(MAX_STEM_CHARS + 1);
        assert_eq!(file_name(&over, "x", "md"), format!("{exact}.md"));
    }
}
