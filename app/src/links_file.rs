//! The file that keeps a document's links, offered by the share panel:
//! without accounts, a lost link is a lost document, so a person can save
//! the links they hold where they keep their other papers. It is plain
//! text (opened anywhere, printed as is, nothing in it runs), in the
//! interface's language: the title, then each link on its own line with
//! what it allows, then why the file matters. The edit link is in it only
//! for someone who holds it, the amend link for an edit or an amend link. Its name is made by [`crate::file_name`].

use crate::strings::{Strings, APP_NAME};

/// The text of the links file for the document titled `title` (empty:
/// untitled), with its `edit` and `amend` links if this person holds
/// them, and its `view` link.
pub fn links_text(
    words: &Strings,
    title: &str,
    edit: Option<&str>,
    amend: Option<&str>,
    view: &str,
) -> String {
    let title = title.trim();
    let title = if title.is_empty() {
        words.untitled_file
    } else {
        title
    };
    let mut text = format!("{} · {APP_NAME}\n{title}\n", words.share_file_heading);
    if let Some(edit) = edit {
        text.push_str(&format!(
            "\n{}\n{edit}\n{}\n",
            words.share_edit_label, words.share_edit_hint
        ));
    }
    if let Some(amend) = amend {
        text.push_str(&format!(
            "\n{}\n{amend}\n{}\n",
            words.share_amend_label, words.share_amend_hint
        ));
    }
    text.push_str(&format!(
        "\n{}\n{view}\n{}\n",
        words.share_view_label, words.share_view_hint
    ));
    text.push_str(&format!("\n{}\n", words.share_keep));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strings::{EN, FR};

    const EDIT: &str = "https://cahier.example.org/#e=edit";
    const AMEND: &str = "https://cahier.example.org/#a=amend";
    const VIEW: &str = "https://cahier.example.org/#v=view";

    #[test]
    fn a_writer_saves_the_three_links_each_with_what_it_allows() {
        let text = links_text(&FR, "Motion du congrès", Some(EDIT), Some(AMEND), VIEW);
        assert_eq!(
            text,
            format!(
                "{} · Cahier\nMotion du congrès\n\n{}\n{EDIT}\n{}\n\n{}\n{AMEND}\n{}\n\n{}\n{VIEW}\n{}\n\n{}\n",
                FR.share_file_heading,
                FR.share_edit_label,
                FR.share_edit_hint,
                FR.share_amend_label,
                FR.share_amend_hint,
                FR.share_view_label,
                FR.share_view_hint,
                FR.share_keep
            )
        );
    }

    #[test]
    fn a_member_with_the_amend_link_saves_it_and_the_view_link_but_no_edit_link() {
        let text = links_text(&EN, "Minutes", None, Some(AMEND), VIEW);
        assert!(text.contains(AMEND) && text.contains(EN.share_amend_hint));
        assert!(text.contains(VIEW));
        assert!(!text.contains("#e=") && !text.contains(EN.share_edit_label));
    }

    #[test]
    fn a_reader_saves_the_view_link_only() {
        let text = links_text(&EN, "Minutes", None, None, VIEW);
        assert!(text.contains(VIEW));
        assert!(!text.contains("#e=") && !text.contains("#a="));
        assert!(!text.contains(EN.share_edit_label));
        assert!(!text.contains(EN.share_amend_label));
        assert!(text.contains(EN.share_view_hint));
        assert!(text.ends_with(&format!("{}\n", EN.share_keep)));
    }

    #[test]
    fn an_untitled_document_is_named_as_such() {
        let text = links_text(&EN, "  ", None, None, VIEW);
        assert!(text.starts_with(&format!(
            "{} · Cahier\n{}\n",
            EN.share_file_heading, EN.untitled_file
        )));
    }
}
