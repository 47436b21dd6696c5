//! The catalogue of every word the app shows, one [`Strings`] value per
//! language. A new message is a new field, so a language that lacks it does
//! not compile: no key goes missing at run time, and no literal is scattered
//! through the components. Choosing and switching the language is
//! [`crate::locale`]'s job.
//!
//! French puts a no-break space (`\u{a0}`) before a colon, so a line never
//! starts with one.
//!
//! The messages for the protocol's errors live here too ([`Strings::link_error`]):
//! the protocol crate's own `Display` texts are English, for logs.

use protocol::{close, ErrorCode, LinkError};

use crate::status::{Connection, Problem, SuspicionKind};

/// The product's name, the same in every language.
pub const APP_NAME: &str = "Cahier";

/// A language the interface is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The language a person gets when none of theirs is available. Most of
    /// the groups Cahier is written for speak French.
    pub const DEFAULT: Lang = Lang::Fr;

    /// The BCP 47 tag, for `<html lang>` and for remembering the choice.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language's own name for itself, as the switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    /// The language of a BCP 47 tag such as `fr-CA` or `en`, if we have it.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|lang| primary.eq_ignore_ascii_case(lang.tag()))
    }

    /// The first language of `preferred` (most preferred first, as in
    /// `navigator.languages`) that we have, or [`Lang::DEFAULT`].
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred
            .into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or(Lang::DEFAULT)
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// Every message of the interface, in one language.
#[derive(Debug)]
pub struct Strings {
    /// The label of the language switch, for screen readers.
    pub language: &'static str,
    pub tagline: &'static str,
    pub new_text: &'static str,
    pub new_text_hint: &'static str,
    pub open_label: &'static str,
    pub open_placeholder: &'static str,
    pub open_button: &'static str,
    pub link_no_key: &'static str,
    pub link_truncated: &'static str,
    pub link_damaged: &'static str,
    pub bad_link_title: &'static str,
    pub back_home: &'static str,
    pub document_title: &'static str,
    pub edit_access: &'static str,
    pub view_access: &'static str,
    pub title_label: &'static str,
    pub title_placeholder: &'static str,
    pub editor_label: &'static str,
    pub editor_placeholder: &'static str,
    pub loading: &'static str,
    pub status_offline: &'static str,
    pub status_history: &'static str,
    pub status_synced: &'static str,
    pub problem_closed_protocol: &'static str,
    pub problem_closed_too_big: &'static str,
    pub problem_closed_full: &'static str,
    pub problem_closed_lagging: &'static str,
    pub problem_closed_rate: &'static str,
    pub problem_closed_refused: &'static str,
    pub problem_closed_other: &'static str,
    pub problem_too_large: &'static str,
    pub problem_bad_signature: &'static str,
    pub problem_retry: &'static str,
    pub problem_room_full: &'static str,
    pub problem_refused_other: &'static str,
    pub problem_quota: &'static str,
    pub problem_too_many_creations: &'static str,
    pub problem_token_required: &'static str,
    /// The creation token's form, shown when the server asks for one.
    pub token_label: &'static str,
    pub token_save: &'static str,
    pub token_hint: &'static str,
    pub problem_invalid: &'static str,
    pub problem_set_aside: &'static str,
    pub problem_unreadable: &'static str,
    pub problem_storage: &'static str,
    pub problem_not_allowed: &'static str,
    pub problem_snapshot_refused: &'static str,
    pub problem_relay_reordered: &'static str,
    pub problem_relay_withheld: &'static str,
    pub problem_relay_acks: &'static str,
    pub problem_relay_behind: &'static str,
    pub problem_missing: &'static str,
    pub problem_diverged: &'static str,
    /// The same, naming them: `{names}` is replaced by their names.
    pub problem_diverged_with: &'static str,
    pub problem_forged_snapshot: &'static str,
    pub recent_title: &'static str,
    pub recent_edit: &'static str,
    pub recent_view: &'static str,
    // the local handle, and forgetting a document
    pub local_opening: &'static str,
    pub local_missing_title: &'static str,
    /// Why `#d=<handle>` opens nothing here.
    pub local_missing: &'static str,
    /// The heading of what this browser keeps of the document.
    pub forget_title: &'static str,
    pub forget_explain: &'static str,
    pub forget_button: &'static str,
    pub forget_confirm_text: &'static str,
    /// After the number of edits that would be lost.
    pub forget_pending: &'static str,
    pub forget_confirm: &'static str,
    pub forget_cancel: &'static str,
    pub forget_failed: &'static str,
    /// On the start page, after the forgotten document's title.
    pub forgotten: &'static str,
    pub privacy_note: &'static str,
    // presence
    /// The heading of the list of who is here.
    pub presence_title: &'static str,
    /// After this browser's own name in the list.
    pub presence_you: &'static str,
    /// After the name of someone with a read-only link.
    pub presence_read_only: &'static str,
    /// The name of someone who gave none.
    pub presence_unnamed: &'static str,
    pub name_label: &'static str,
    pub name_hint: &'static str,
    pub name_save: &'static str,
    /// Before the person's own name, once given.
    pub name_current: &'static str,
    pub name_change: &'static str,
    /// The "who wrote what" switch.
    pub authorship_label: &'static str,
    // one tab per document
    pub tab_elsewhere: &'static str,
    pub tab_lost: &'static str,
    pub tab_use_here: &'static str,
    // Markdown preview, print, copy buttons
    /// The group of buttons choosing how the text is shown.
    pub view_mode_label: &'static str,
    pub view_write: &'static str,
    pub view_split: &'static str,
    pub view_preview: &'static str,
    /// The rendered text's label, for screen readers.
    pub preview_label: &'static str,
    /// Shown in the preview while the text is empty.
    pub preview_empty: &'static str,
    /// Before an image's alt text: images are shown as links, never loaded.
    pub preview_image: &'static str,
    pub print_button: &'static str,
    pub copy_button: &'static str,
    pub copy_done: &'static str,
    /// The browser refused to copy: the link is selected instead.
    pub copy_refused: &'static str,
    // -- issue 10: page shell (lead) --
    /// The title field in the heading, for screen readers.
    pub title_edit_label: &'static str,
    /// In the bar when the link only lets the person read.
    pub read_only_badge: &'static str,
    /// The status badge's word (its sentence is said on hover, focus and in the live region).
    pub badge_connecting: &'static str,
    pub badge_online: &'static str,
    pub badge_offline: &'static str,
    pub badge_reconnecting: &'static str,
    /// Changes typed here that the server has not confirmed yet, in words (no count).
    pub badge_pending: &'static str,
    /// The sentence for a lost connection being tried again.
    pub status_reconnecting_said: &'static str,
    /// The document's bar, for screen readers.
    pub bar_label: &'static str,
    /// The bar's menu on a phone.
    pub menu_button: &'static str,
    pub share_button: &'static str,
    /// The who-wrote-what toggle in the bar.
    pub authorship_short: &'static str,
    /// The `?` button opening the shortcuts.
    pub shortcuts_button: &'static str,
    /// The close button of any panel.
    pub panel_close: &'static str,
    pub shortcuts_title: &'static str,
    pub shortcut_help: &'static str,
    pub shortcut_close: &'static str,
    pub shortcut_undo: &'static str,
    pub shortcut_redo: &'static str,
    pub shortcut_bold: &'static str,
    pub shortcut_italic: &'static str,
    pub shortcut_print: &'static str,
    pub shortcut_text: &'static str,
    /// Opens the Markdown help from the shortcuts panel.
    pub shortcuts_markdown: &'static str,
    /// The source view's name for a reader (who cannot edit it).
    pub view_source: &'static str,
    /// Key names as printed on the keys of this language's keyboards.
    pub key_shift: &'static str,
    pub key_escape: &'static str,
    /// Before the date a recent document was last opened.
    pub recent_opened: &'static str,
    /// The button that erases a recent document from this browser.
    pub recent_remove: &'static str,
    /// Its accessible name, before the document's title.
    pub recent_remove_named: &'static str,
    // -- end of page shell (lead) --
    // -- issue 10: line numbers, formatting bar, Markdown help (helper lines) --
    /// The formatting bar (a toolbar) above the editor.
    pub format_bar_label: &'static str,
    /// Each button's name, then its title with the shortcut if any.
    pub format_bold: &'static str,
    pub format_bold_title: &'static str,
    pub format_italic: &'static str,
    pub format_italic_title: &'static str,
    pub format_heading: &'static str,
    pub format_list: &'static str,
    pub format_link: &'static str,
    pub format_quote: &'static str,
    /// The words of a link made with nothing selected.
    pub format_link_text: &'static str,
    /// The Markdown help panel.
    pub markdown_help_title: &'static str,
    pub markdown_help_intro: &'static str,
    /// The bar's button opening the help.
    pub format_help: &'static str,
    /// The table's column headings: what, how it is written, what it gives.
    pub markdown_help_what: &'static str,
    pub markdown_help_write: &'static str,
    pub markdown_help_shows: &'static str,
    /// The rows: what, and an example as it is written.
    pub markdown_help_rows: &'static [(&'static str, &'static str)],
    /// After the table: line numbers.
    pub markdown_help_lines: &'static str,
    // -- end of line numbers, formatting bar, Markdown help (helper lines) --
    // -- issue 10: share panel, QR code, exports (helper share) --
    pub share_edit_label: &'static str,
    /// What the edit link allows, in one sentence.
    pub share_edit_hint: &'static str,
    pub share_view_label: &'static str,
    /// What the view link allows, in one sentence.
    pub share_view_hint: &'static str,
    /// Said once where the links are shown: there are no accounts.
    pub share_keep: &'static str,
    /// The button saving the links to a text file.
    pub share_save: &'static str,
    /// After the title in the saved links' file name ("Motion - liens.txt").
    pub share_file_suffix: &'static str,
    /// The first line of the saved links' file, before the title.
    pub share_file_heading: &'static str,
    /// The group of buttons choosing which link the QR code holds.
    pub share_qr_choice: &'static str,
    /// The accessible names of the QR code's drawing.
    pub share_qr_of_edit: &'static str,
    pub share_qr_of_view: &'static str,
    /// Under the QR code: what it is for.
    pub share_qr_hint: &'static str,
    /// The button showing the QR code as large as the screen, and back.
    pub share_qr_enlarge: &'static str,
    pub share_qr_too_long: &'static str,
    /// A file's name when the document has no title.
    pub untitled_file: &'static str,
    /// The export menu's button.
    pub export_button: &'static str,
    pub export_markdown: &'static str,
    pub export_html: &'static str,
    pub export_text: &'static str,
    pub export_print: &'static str,
    /// The browser could not start a download.
    pub export_failed: &'static str,
    // -- end of share panel, QR code, exports (helper share) --
    // -- issue 10: people, colours, name prompt (helper people) --
    /// The people button's name for screen readers: `{n}` people here.
    pub people_button: &'static str,
    /// The People panel's heading.
    pub people_heading: &'static str,
    /// Beside someone while offline: `{time}` is when they were last heard.
    pub people_last_seen: &'static str,
    /// Above the list while offline.
    pub people_offline: &'static str,
    /// The colour choice's heading.
    pub colour_heading: &'static str,
    /// What the colour is for.
    pub colour_hint: &'static str,
    /// Beside a colour someone else has: `{name}`.
    pub colour_taken_by: &'static str,
    /// The names of `model::awareness::PALETTE`'s colours, in its order.
    pub colour_names: [&'static str; 10],
    /// The legend of who wrote what.
    pub legend_heading: &'static str,
    /// The legend when nobody wrote yet.
    pub legend_empty: &'static str,
    /// The name prompt's question, on the first edit.
    pub prompt_text: &'static str,
    /// Waving the name prompt away.
    pub prompt_later: &'static str,
    // -- end of people, colours, name prompt (helper people) --
    // -- issue 11: history panel, timeline, moment view (helper timeline) --
    /// The bar's button opening the History panel, and the panel's heading.
    pub history_button: &'static str,
    pub history_heading: &'static str,
    /// What the panel is for, under its heading.
    pub history_intro: &'static str,
    /// The timeline when there is no checkpoint yet.
    pub history_empty: &'static str,
    /// The timeline's list, for screen readers.
    pub history_list_label: &'static str,
    /// The end of the timeline: the text as it is.
    pub history_now: &'static str,
    /// The slider choosing the moment shown.
    pub history_slider: &'static str,
    /// The slider's value said: `{n}` of `{total}`, then the moment.
    pub history_slider_value: &'static str,
    pub history_previous: &'static str,
    pub history_next: &'static str,
    pub history_play: &'static str,
    pub history_pause: &'static str,
    /// How to step with the keyboard.
    pub history_keys: &'static str,
    /// A checkpoint's words: `{added}` added, `{removed}` removed.
    pub history_words: &'static str,
    /// Before the people who edited up to a checkpoint.
    pub history_by: &'static str,
    /// A restore, in the timeline: `{from}` is the version brought back.
    pub history_restored_from: &'static str,
    /// A checkpoint that cannot be read.
    pub history_damaged: &'static str,
    /// The name form: its label, an example, its button.
    pub history_name_label: &'static str,
    pub history_name_hint: &'static str,
    pub history_name_save: &'static str,
    /// After naming: `{name}`.
    pub history_named: &'static str,
    pub history_name_failed: &'static str,
    /// Restoring the version shown, asked to confirm.
    pub history_restore: &'static str,
    pub history_restore_question: &'static str,
    pub history_restore_yes: &'static str,
    pub history_restore_no: &'static str,
    pub history_restored: &'static str,
    pub history_restore_same: &'static str,
    /// Choosing two moments to compare.
    pub history_compare_heading: &'static str,
    pub history_compare_from: &'static str,
    pub history_compare_to: &'static str,
    pub history_compare: &'static str,
    /// Saving or printing the version shown.
    pub history_export_heading: &'static str,
    /// What a view link allows here.
    pub history_reader: &'static str,
    /// The moment view's caption: `{time}`, then who made the checkpoint.
    pub moment_caption: &'static str,
    /// The moment view, for screen readers.
    pub moment_label: &'static str,
    /// The moment cannot be read.
    pub moment_unreadable: &'static str,
    // -- end of history panel, timeline, moment view (helper timeline) --
    // -- issue 11: comparison, since last visit (helper compare) --
    /// The comparison's heading.
    pub compare_heading: &'static str,
    /// Under it: `{from}` and `{to}` are two moments.
    pub compare_between: &'static str,
    /// A moment: the text as it is.
    pub compare_now: &'static str,
    /// A moment: what this browser saw at its last visit.
    pub compare_seen: &'static str,
    /// The layout switch's name, and its two choices.
    pub compare_layout: &'static str,
    pub compare_inline: &'static str,
    pub compare_side: &'static str,
    /// The two columns side by side.
    pub compare_before: &'static str,
    pub compare_after: &'static str,
    /// Next and previous change.
    pub compare_next: &'static str,
    pub compare_previous: &'static str,
    /// Where the change in focus is: `{n}` of `{total}`.
    pub compare_position: &'static str,
    /// How many changes, none in focus: `{total}`.
    pub compare_count: &'static str,
    /// The keys, said once.
    pub compare_keys: &'static str,
    /// Back to the text being edited.
    pub compare_close: &'static str,
    /// Print the comparison.
    pub compare_print: &'static str,
    /// The summary's heading and its columns.
    pub compare_summary: &'static str,
    pub compare_person: &'static str,
    pub compare_added: &'static str,
    pub compare_removed: &'static str,
    pub compare_paragraphs: &'static str,
    /// A change whose author is not known.
    pub compare_unknown: &'static str,
    /// On a change, on hover and focus: `{name}`.
    pub compare_added_by: &'static str,
    pub compare_removed_by: &'static str,
    /// Nothing changed between the two moments.
    pub compare_empty: &'static str,
    pub compare_empty_detail: &'static str,
    /// The two moments cannot be compared.
    pub compare_failed: &'static str,
    /// The strip under the bar at a new visit.
    pub since_visit_text: &'static str,
    pub since_visit_open: &'static str,
    pub since_visit_dismiss: &'static str,
    // -- end of comparison, since last visit (helper compare) --
    // -- issue 12: amendments list, filters, margin, ranges (helper list) --
    /// The bar's button opening the Amendments panel, and its heading.
    pub amendments_button: &'static str,
    /// How many amendments there are: `{n}`.
    pub amendments_count: &'static str,
    /// How many the filters let through: `{shown}` of `{total}`.
    pub amendments_shown: &'static str,
    /// The amendment room is loading.
    pub amendments_opening: &'static str,
    /// No amendment yet.
    pub amendments_none: &'static str,
    /// The filters let none through.
    pub amendments_none_match: &'static str,
    /// A status, on a row.
    pub amendments_status_filed: &'static str,
    pub amendments_status_discussion: &'static str,
    pub amendments_status_adopted: &'static str,
    pub amendments_status_rejected: &'static str,
    pub amendments_status_withdrawn: &'static str,
    pub amendments_status_fallen: &'static str,
    /// A registered number: `{n}`.
    pub amendments_number: &'static str,
    /// No number yet: the keepers register it.
    pub amendments_provisional: &'static str,
    /// What “provisional” means (its title).
    pub amendments_provisional_title: &'static str,
    /// Its lines: `{from}` to `{to}`.
    pub amendments_lines: &'static str,
    /// On one line: `{from}`.
    pub amendments_line: &'static str,
    /// Its words are no longer in the text.
    pub amendments_gone: &'static str,
    /// A summary: `{passage}` becomes `{wording}`.
    pub amendments_replace: &'static str,
    /// A summary: delete `{passage}`.
    pub amendments_delete: &'static str,
    /// A summary: insert `{wording}`.
    pub amendments_insert: &'static str,
    /// Its supports: `{n}`.
    pub amendments_supports: &'static str,
    /// A competing group's mark: `{n}` amendments.
    pub amendments_group: &'static str,
    /// A forged entry claimed to be it.
    pub amendments_altered: &'static str,
    /// The filters' heading: `{n}` active.
    pub amendments_filters: &'static str,
    /// The status filter's name.
    pub amendments_status_legend: &'static str,
    /// The author filter.
    pub amendments_author: &'static str,
    pub amendments_author_any: &'static str,
    /// The line range filter.
    pub amendments_lines_legend: &'static str,
    pub amendments_lines_from: &'static str,
    pub amendments_lines_to: &'static str,
    pub amendments_colliding: &'static str,
    pub amendments_undiscussed: &'static str,
    pub amendments_mine: &'static str,
    /// The words search.
    pub amendments_words: &'static str,
    /// The order.
    pub amendments_sort: &'static str,
    pub amendments_sort_text: &'static str,
    pub amendments_sort_number: &'static str,
    pub amendments_sort_supports: &'static str,
    pub amendments_clear: &'static str,
    /// The list, for screen readers, and its keys.
    pub amendments_list_label: &'static str,
    /// Back from one amendment to the list.
    pub amendments_back: &'static str,
    /// The shortcuts panel: open the amendment at the caret.
    pub shortcut_amendment: &'static str,
    // -- end of amendments list, filters, margin, ranges (helper list) --
    // -- issue 12: filing, amendment detail, debate, share links (helper detail) --
    /// The button filing an amendment on the selected passage.
    pub propose_amendment: &'static str,
    /// The amend link in the share panel: its label, what it allows, and
    /// the QR code's name when it holds it.
    pub share_amend_label: &'static str,
    pub share_amend_hint: &'static str,
    pub share_qr_of_amend: &'static str,
    /// The propose button's title: what it files on.
    pub amend_propose_hint: &'static str,
    /// Lines as congress texts cite them: `{a}` the first, `{b}` the last.
    pub amend_line_one: &'static str,
    pub amend_line_range: &'static str,
    /// The lines it had when filed, when they differ: `{lines}`.
    pub amend_lines_filed: &'static str,
    /// An amendment's name: `{n}` its number.
    pub amend_number: &'static str,
    /// The mark of an amendment no keeper's browser has numbered yet, and its tooltip.
    pub amend_provisional: &'static str,
    pub amend_provisional_hint: &'static str,
    /// Statuses, as a badge.
    pub amend_status_filed: &'static str,
    pub amend_status_discussion: &'static str,
    pub amend_status_adopted: &'static str,
    pub amend_status_rejected: &'static str,
    pub amend_status_withdrawn: &'static str,
    pub amend_status_fallen: &'static str,
    /// The author: `{name}`.
    pub amend_by: &'static str,
    /// An author, a commenter or a keeper who gave no name.
    pub amend_unnamed: &'static str,
    /// The passage changed since filing, and the two passages' labels.
    pub amend_changed: &'static str,
    pub amend_passage_filed: &'static str,
    pub amend_passage_now: &'static str,
    pub amend_passage_gone: &'static str,
    /// A record claiming to be this amendment failed its signature check.
    pub amend_altered: &'static str,
    pub amend_comment_altered: &'static str,
    /// The proposed wording: the heading of the comparison, its legend.
    pub amend_wording: &'static str,
    pub amend_diff_legend: &'static str,
    /// The rationale's heading (and the form's field).
    pub amend_rationale: &'static str,
    /// A sub-amendment: `{n}` the amendment it amends.
    pub amend_sub_of: &'static str,
    /// The history: its heading, the filing, a change (`{from}`, `{to}`, `{name}`, `{time}`), the counts, the fallen one's reason.
    pub amend_history: &'static str,
    pub amend_history_filed: &'static str,
    pub amend_history_change: &'static str,
    pub amend_counts: &'static str,
    pub amend_unanimous: &'static str,
    pub amend_fallen_by: &'static str,
    /// Comments: the heading, none yet, stances, the form.
    pub amend_comments: &'static str,
    pub amend_no_comments: &'static str,
    pub amend_stance: &'static str,
    pub amend_stance_for: &'static str,
    pub amend_stance_against: &'static str,
    pub amend_stance_neutral: &'static str,
    pub amend_comment_label: &'static str,
    pub amend_comment_send: &'static str,
    pub amend_comment_empty: &'static str,
    pub amend_reply: &'static str,
    pub amend_reply_to: &'static str,
    pub amend_reply_cancel: &'static str,
    /// Supports: the toggle and the count.
    pub amend_support: &'static str,
    pub amend_supports: &'static str,
    /// What this link may do with the amendment.
    pub amend_actions: &'static str,
    pub amend_edit: &'static str,
    pub amend_withdraw: &'static str,
    pub amend_withdraw_confirm: &'static str,
    pub amend_withdraw_yes: &'static str,
    pub amend_cancel: &'static str,
    pub amend_discuss: &'static str,
    pub amend_adopt: &'static str,
    pub amend_reject: &'static str,
    pub amend_reopen: &'static str,
    /// The vote a keeper may record with a decision.
    pub amend_vote: &'static str,
    pub amend_vote_none: &'static str,
    pub amend_vote_unanimous: &'static str,
    pub amend_vote_counts: &'static str,
    pub amend_vote_yes: &'static str,
    pub amend_vote_no: &'static str,
    pub amend_vote_abstain: &'static str,
    pub amend_vote_adopt: &'static str,
    pub amend_vote_reject: &'static str,
    pub amend_vote_bad: &'static str,
    /// After adopting `{n}`: the ones that fell (`{list}`), or none.
    pub amend_adopted_fell: &'static str,
    pub amend_adopted_alone: &'static str,
    /// The filing form: its heading when revising (`{n}`), the passage, an insertion (`{before}` the words before the caret).
    pub amend_form_revise: &'static str,
    pub amend_form_passage: &'static str,
    pub amend_form_insertion: &'static str,
    pub amend_form_insertion_start: &'static str,
    pub amend_form_replace: &'static str,
    pub amend_form_insert: &'static str,
    pub amend_form_delete: &'static str,
    pub amend_form_paragraph: &'static str,
    pub amend_form_rationale_hint: &'static str,
    pub amend_form_parent: &'static str,
    pub amend_form_parent_none: &'static str,
    pub amend_form_submit: &'static str,
    pub amend_form_save: &'static str,
    pub amend_form_empty: &'static str,
    // -- end of filing, amendment detail, debate, share links (helper detail) --
    // -- issue 12: amendments session and notices (lead) --
    /// The amend link's access sentence (the read-only badge's title).
    pub amend_access: &'static str,
    /// The badge of an amend link: it proposes, it does not edit.
    pub amend_badge: &'static str,
    /// The amendment room cannot be opened yet (a view link before the
    /// editors recorded it).
    pub amendments_unavailable: &'static str,
    /// Records that did not check out: `{n}` of them.
    pub amendments_forged: &'static str,
    pub amendments_unreadable: &'static str,
    /// Someone deleted entries of the amendments (still shown).
    pub amendments_removed: &'static str,
    /// Why an amendment operation was refused (`model::amendments::AmendError`).
    pub amend_error_not_allowed: &'static str,
    pub amend_error_not_found: &'static str,
    pub amend_error_not_the_author: &'static str,
    pub amend_error_not_filed: &'static str,
    pub amend_error_bad_passage: &'static str,
    pub amend_error_no_change: &'static str,
    pub amend_error_passage_gone: &'static str,
    pub amend_error_decided: &'static str,
    pub amend_error_too_long: &'static str,
    pub amend_error_not_open: &'static str,
    /// The named version an adoption records: `{n}` the amendment's number.
    pub amendment_adopted_version: &'static str,
    /// The export menu's item for the amendments (Markdown), and the
    /// file name's suffix.
    pub export_amendments: &'static str,
    pub amendments_file_suffix: &'static str,
    // -- end of amendments session and notices (lead) --
    // -- issue 13: meeting session and review (lead) --
    /// The bar button that opens the meeting panel.
    pub meeting_button: &'static str,
    /// The review's heading: `{name}` the meeting, `{date}` its date.
    pub review_heading: &'static str,
    /// When the review starts: `{time}`.
    pub review_since_time: &'static str,
    /// The choice of where the review starts.
    pub review_since_legend: &'static str,
    pub review_since_result: &'static str,
    pub review_since_base: &'static str,
    pub review_text_heading: &'static str,
    pub review_unchanged: &'static str,
    /// `{added}`, `{removed}` words; `{names}` who changed them.
    pub review_text_summary: &'static str,
    pub review_filed: &'static str,
    pub review_decided: &'static str,
    pub review_withdrawn: &'static str,
    pub review_none: &'static str,
    /// The mark of a decision made after the meeting.
    pub review_new: &'static str,
    /// `{yes}`, `{no}`, `{abstain}`: a vote's counts.
    pub review_votes: &'static str,
    pub review_unanimous: &'static str,
    /// A fallen amendment: `{n}` the adopted one.
    pub review_fallen_by: &'static str,
    pub review_print: &'static str,
    pub review_download: &'static str,
    /// The tag of the review's file name.
    pub review_file: &'static str,
    pub review_close: &'static str,
    pub review_gone: &'static str,
    /// `{error}`: why.
    pub review_failed: &'static str,
    // -- end of meeting session and review (lead) --
    // -- issue 13: meeting panel, agenda, projector (helper chair) --
    pub meeting_heading: &'static str,
    pub meeting_open_heading: &'static str,
    pub meeting_open_hint: &'static str,
    pub meeting_name_label: &'static str,
    pub meeting_date_label: &'static str,
    pub meeting_open_submit: &'static str,
    pub meeting_name_missing: &'static str,
    pub meeting_base_version: &'static str,
    pub meeting_result_version: &'static str,
    pub meeting_opened: &'static str,
    pub meeting_under_way: &'static str,
    pub meeting_none_under_way: &'static str,
    pub meeting_follow: &'static str,
    pub meeting_agenda_heading: &'static str,
    pub meeting_agenda_rules: &'static str,
    pub meeting_agenda_keys: &'static str,
    pub meeting_agenda_empty: &'static str,
    pub meeting_agenda_counts: &'static str,
    pub meeting_move_up: &'static str,
    pub meeting_move_down: &'static str,
    pub meeting_remove: &'static str,
    pub meeting_show: &'static str,
    pub meeting_on_screen_mark: &'static str,
    pub meeting_add_label: &'static str,
    pub meeting_add_submit: &'static str,
    pub meeting_left: &'static str,
    pub meeting_left_fallen: &'static str,
    pub meeting_left_fallen_unknown: &'static str,
    pub meeting_left_withdrawn_meeting: &'static str,
    pub meeting_left_withdrawn_author: &'static str,
    pub meeting_left_adopted: &'static str,
    pub meeting_left_rejected: &'static str,
    pub meeting_with_counts: &'static str,
    pub meeting_screen_heading: &'static str,
    pub meeting_nothing_on_screen: &'static str,
    pub meeting_progress: &'static str,
    pub meeting_progress_label: &'static str,
    pub meeting_vote_legend: &'static str,
    pub meeting_adopt: &'static str,
    pub meeting_reject: &'static str,
    pub meeting_withdraw: &'static str,
    pub meeting_withdrawn_note: &'static str,
    pub meeting_next: &'static str,
    pub meeting_previous: &'static str,
    pub meeting_decision: &'static str,
    pub meeting_said_adopted: &'static str,
    pub meeting_said_fell: &'static str,
    pub meeting_said_alone: &'static str,
    pub meeting_said_rejected: &'static str,
    pub meeting_said_withdrawn: &'static str,
    pub meeting_close: &'static str,
    pub meeting_close_confirm: &'static str,
    pub meeting_close_yes: &'static str,
    pub meeting_closed: &'static str,
    pub meeting_past_heading: &'static str,
    pub meeting_past_none: &'static str,
    pub meeting_past_item: &'static str,
    pub meeting_minutes: &'static str,
    pub meeting_col_number: &'static str,
    pub meeting_col_lines: &'static str,
    pub meeting_col_decision: &'static str,
    pub meeting_since: &'static str,
    pub meeting_projector_label: &'static str,
    pub meeting_projector_leave: &'static str,
    pub meeting_projector_keys: &'static str,
    pub meeting_vote_save: &'static str,
    pub shortcut_projector_next: &'static str,
    pub shortcut_projector_decide: &'static str,
    pub shortcut_projector_unanimous: &'static str,
    pub meeting_projector_no_meeting: &'static str,
    // -- end of meeting panel, agenda, projector (helper chair) --
    // -- issue 13: booklet, adopted text, print, exports (helper booklet) --
    /// The Export menu's group of a meeting's papers.
    pub export_papers_heading: &'static str,
    /// The label of the meeting chooser.
    pub export_meeting_label: &'static str,
    /// The chooser's choice of no meeting: every amendment, the text now.
    pub export_meeting_none: &'static str,
    pub export_booklet: &'static str,
    pub export_adopted: &'static str,
    pub export_amended: &'static str,
    /// The paper printed (the print view).
    pub export_paper_print: &'static str,
    /// File name tags.
    pub booklet_file_suffix: &'static str,
    pub adopted_file_suffix: &'static str,
    pub amended_file_suffix: &'static str,
    /// The print view's buttons.
    pub print_view_back: &'static str,
    pub print_view_print: &'static str,
    /// The print view's landmark.
    pub print_view_label: &'static str,
    /// A paper could not be made: the meeting's version is not in the
    /// history this copy holds.
    pub paper_failed: &'static str,
    // -- end of booklet, adopted text, print, exports (helper booklet) --
    // -- issue 14: the map page, new map, arguments in texts (lead) --
    /// The home page's "New argument map" button, and what it is for.
    pub new_map: &'static str,
    pub new_map_hint: &'static str,
    /// The bar button of the panel of the arguments a text quotes.
    pub citations_button: &'static str,
    /// That panel's heading, its empty state, and what it says of each.
    pub citations_heading: &'static str,
    pub citations_empty: &'static str,
    pub citation_current: &'static str,
    pub citation_changed: &'static str,
    pub citation_unknown: &'static str,
    pub citation_gone: &'static str,
    pub citation_update: &'static str,
    pub citation_updated: &'static str,
    pub citation_open_map: &'static str,
    /// The bar's "Insert an argument" button and its picker.
    pub cite_button: &'static str,
    pub cite_heading: &'static str,
    pub cite_search_label: &'static str,
    pub cite_no_maps: &'static str,
    pub cite_no_match: &'static str,
    pub cite_insert: &'static str,
    pub cite_close: &'static str,
    pub cite_loading: &'static str,
    pub cite_view_link_note: &'static str,
    pub cite_inserted: &'static str,
    pub cite_read_only: &'static str,
    /// The amendment form's way to quote a claim in the rationale.
    pub cite_in_rationale: &'static str,
    /// Refusals of map operations, in words.
    pub arg_error_not_allowed: &'static str,
    pub arg_error_not_found: &'static str,
    pub arg_error_cycle: &'static str,
    pub arg_error_empty: &'static str,
    pub arg_error_too_long: &'static str,
    pub arg_error_bad_merge: &'static str,
    // -- issue 14: tree, focused claim, editing, endorsements (helper map) --
    pub map_tree_label: &'static str,
    pub map_keys_hint: &'static str,
    pub map_keys_hint_read: &'static str,
    pub map_empty_heading: &'static str,
    pub map_empty_read_only: &'static str,
    pub map_top_kind_label: &'static str,
    pub map_kind_question: &'static str,
    pub map_kind_thesis: &'static str,
    pub map_top_text_label: &'static str,
    pub map_top_placeholder: &'static str,
    pub map_top_submit: &'static str,
    pub map_add_top: &'static str,
    pub map_add_top_submit: &'static str,
    pub map_role_question: &'static str,
    pub map_role_thesis: &'static str,
    pub map_role_pro: &'static str,
    pub map_role_con: &'static str,
    pub map_role_objection: &'static str,
    pub map_role_answer: &'static str,
    pub map_role_support: &'static str,
    pub map_search_label: &'static str,
    pub map_search_placeholder: &'static str,
    pub map_tag_label: &'static str,
    pub map_tag_all: &'static str,
    pub map_matches: &'static str,
    pub map_no_match: &'static str,
    pub map_matches_first: &'static str,
    pub map_more_matches: &'static str,
    pub map_clear_filter: &'static str,
    pub map_expand: &'static str,
    pub map_collapse: &'static str,
    pub map_under_count: &'static str,
    pub map_endorse_count: &'static str,
    pub map_by: &'static str,
    pub map_edited_by: &'static str,
    pub map_unnamed: &'static str,
    pub map_open: &'static str,
    pub map_back: &'static str,
    pub map_focus_label: &'static str,
    pub map_breadcrumb: &'static str,
    pub map_pros_heading: &'static str,
    pub map_cons_heading: &'static str,
    pub map_no_pros: &'static str,
    pub map_no_cons: &'static str,
    pub map_add_pro: &'static str,
    pub map_add_con: &'static str,
    pub map_new_claim_label: &'static str,
    pub map_add_submit: &'static str,
    pub map_cancel: &'static str,
    pub map_added: &'static str,
    pub map_edit: &'static str,
    pub map_save: &'static str,
    pub map_saved: &'static str,
    pub map_statement_label: &'static str,
    pub map_note_label: &'static str,
    pub map_tags_field_label: &'static str,
    pub map_stance_label: &'static str,
    pub map_stance_pro: &'static str,
    pub map_stance_con: &'static str,
    pub map_sources_heading: &'static str,
    pub map_source_url: &'static str,
    pub map_source_title: &'static str,
    pub map_source_quote: &'static str,
    pub map_source_date: &'static str,
    pub map_source_add: &'static str,
    pub map_source_remove: &'static str,
    pub map_delete: &'static str,
    pub map_delete_confirm: &'static str,
    pub map_delete_confirm_alone: &'static str,
    pub map_delete_yes: &'static str,
    pub map_deleted_said: &'static str,
    pub map_deleted_heading: &'static str,
    pub map_restore: &'static str,
    pub map_restored: &'static str,
    pub map_move: &'static str,
    pub map_move_hint: &'static str,
    pub map_move_here: &'static str,
    pub map_move_to_top: &'static str,
    pub map_move_cancel: &'static str,
    pub map_moved: &'static str,
    pub map_moved_top: &'static str,
    pub map_move_cancelled: &'static str,
    pub map_reordered: &'static str,
    pub map_moving_badge: &'static str,
    pub map_refused_heading: &'static str,
    pub map_refused_cycle: &'static str,
    pub map_refused_no_parent: &'static str,
    pub map_refused_unreachable: &'static str,
    pub map_merge: &'static str,
    pub map_merge_label: &'static str,
    pub map_merge_submit: &'static str,
    pub map_merged: &'static str,
    pub map_merged_here: &'static str,
    pub map_unmerge: &'static str,
    pub map_unmerged: &'static str,
    pub map_endorse: &'static str,
    pub map_who: &'static str,
    pub map_nobody: &'static str,
    pub map_strength_legend: &'static str,
    pub map_strength_0: &'static str,
    pub map_strength_1: &'static str,
    pub map_strength_2: &'static str,
    pub map_strength_3: &'static str,
    pub map_strength_4: &'static str,
    pub map_strength_mean: &'static str,
    pub map_strength_none: &'static str,
    pub map_strength_clear: &'static str,
    pub map_comments_heading: &'static str,
    pub map_comment_stance_label: &'static str,
    pub map_comment_pro: &'static str,
    pub map_comment_con: &'static str,
    pub map_comment_reword: &'static str,
    pub map_comment_text_label: &'static str,
    pub map_comment_submit: &'static str,
    pub map_commented: &'static str,
    pub map_no_comments: &'static str,
    pub map_comment_accept_claim: &'static str,
    pub map_comment_accept_reword: &'static str,
    pub map_read_only: &'static str,
    // -- end of tree, focused claim, editing, endorsements (helper map) --
    // -- issue 14: talking-points sheet, Argdown, map exports (helper sheet) --
    pub map_export_button: &'static str,
    pub map_sheet_open: &'static str,
    pub map_argdown_export: &'static str,
    pub map_argdown_import: &'static str,
    pub map_export_failed: &'static str,
    pub sheet_heading: &'static str,
    pub sheet_subject_label: &'static str,
    pub sheet_subject_claims: &'static str,
    pub sheet_subject_tags: &'static str,
    pub sheet_key_label: &'static str,
    pub sheet_key_help: &'static str,
    pub sheet_arguments_heading: &'static str,
    pub sheet_pairs_heading: &'static str,
    pub sheet_they: &'static str,
    pub sheet_we: &'static str,
    pub sheet_up: &'static str,
    pub sheet_down: &'static str,
    pub sheet_no_arguments: &'static str,
    pub sheet_no_pairs: &'static str,
    /// `{n}`: objections with no answer yet.
    pub sheet_unanswered: &'static str,
    pub sheet_empty_map: &'static str,
    pub sheet_preview_label: &'static str,
    pub sheet_print: &'static str,
    pub sheet_close: &'static str,
    pub sheet_file_suffix: &'static str,
    /// `{what}` moved to place `{n}`.
    pub sheet_moved: &'static str,
    pub import_heading: &'static str,
    pub import_help: &'static str,
    pub import_text_label: &'static str,
    pub import_file_label: &'static str,
    pub import_button: &'static str,
    pub import_close: &'static str,
    /// `{n}`: claims added.
    pub import_done: &'static str,
    pub import_warnings_heading: &'static str,
    /// `{n}`: the line.
    pub import_line: &'static str,
    pub import_too_large: &'static str,
    pub import_empty: &'static str,
    pub import_unreadable: &'static str,
    /// What each Argdown warning means, in the order of
    /// `model::arguments::argdown::WarningKind` (see `argument_sheet`).
    pub import_warnings: [&'static str; 13],
    // -- issue 15: revoking a member, sealed rooms (helper revoke) --
    /// The document's room was sealed: it moved to new keys after a
    /// member was removed; this copy stays readable, takes no changes.
    pub problem_room_sealed: &'static str,
    /// A member kept followed the document to its new keys.
    pub problem_followed: &'static str,
    // -- end of revoking a member, sealed rooms (helper revoke) --
    // -- issue 15: workspace page (helper space) --
    pub ws: &'static WorkspaceStrings,
    // -- end of workspace page (helper space) --
}

impl Strings {
    /// Why a pasted link cannot be opened, in words.
    pub fn link_error(&self, error: &LinkError) -> &'static str {
        match error {
            LinkError::NoKey => self.link_no_key,
            LinkError::Truncated => self.link_truncated,
            LinkError::Damaged => self.link_damaged,
        }
    }

    /// The status badge's word for a connection state.
    pub fn connection(&self, connection: Connection) -> &'static str {
        match connection {
            Connection::Connecting => self.badge_connecting,
            Connection::Online => self.badge_online,
            Connection::Offline => self.badge_offline,
            Connection::Reconnecting { .. } => self.badge_reconnecting,
        }
    }

    /// The status badge's sentence: where the connection stands and
    /// whether everything typed here reached the server, in words (no
    /// internal count: a person has no use for the number of updates).
    /// `progress` is the history being received, when the page is
    /// catching up.
    pub fn status_sentence(
        &self,
        connection: Connection,
        pending: bool,
        progress: Option<(u64, u64)>,
    ) -> String {
        if let (Some((received, total)), false) = (progress, connection == Connection::Online) {
            return format!("{} {received} / {total}", self.status_history);
        }
        let state = match connection {
            Connection::Online if !pending => return self.status_synced.to_owned(),
            Connection::Online | Connection::Connecting => None,
            Connection::Offline => Some(self.status_offline),
            Connection::Reconnecting { .. } => Some(self.status_reconnecting_said),
        };
        match (state, pending) {
            (Some(state), true) => format!("{state} {}.", self.badge_pending),
            (Some(state), false) => state.to_owned(),
            (None, true) => format!("{}.", self.badge_pending),
            (None, false) => String::new(),
        }
    }

    /// What went wrong, in words. `None` for a refusal not worth telling
    /// (a snapshot another editor made first).
    pub fn problem(&self, problem: Problem) -> Option<&'static str> {
        Some(match problem {
            Problem::Closed(code) => match code {
                close::PROTOCOL_ERROR => self.problem_closed_protocol,
                close::TOO_BIG => self.problem_closed_too_big,
                close::TRY_AGAIN_LATER => self.problem_closed_full,
                close::LAGGING => self.problem_closed_lagging,
                close::RATE_LIMITED => self.problem_closed_rate,
                close::REFUSED => self.problem_closed_refused,
                _ => self.problem_closed_other,
            },
            Problem::Refused { code, dropped } => match code {
                ErrorCode::StaleSnapshot | ErrorCode::InvalidSnapshot => return None,
                ErrorCode::TooLarge => self.problem_too_large,
                ErrorCode::BadSignature => self.problem_bad_signature,
                _ if dropped => self.problem_too_large,
                ErrorCode::RateLimited | ErrorCode::StorageFailed | ErrorCode::ShuttingDown => {
                    self.problem_retry
                }
                ErrorCode::RoomFull | ErrorCode::TooManyRooms => self.problem_room_full,
                ErrorCode::QuotaExceeded => self.problem_quota,
                ErrorCode::TooManyCreations => self.problem_too_many_creations,
                ErrorCode::TokenRequired => self.problem_token_required,
                ErrorCode::UnknownRoom | ErrorCode::WrongRoomKey => self.problem_closed_refused,
                ErrorCode::NotAllowed => self.problem_not_allowed,
                ErrorCode::SnapshotRefused => self.problem_snapshot_refused,
                ErrorCode::RoomSealed => self.problem_room_sealed,
                _ => self.problem_refused_other,
            },
            Problem::Invalid => self.problem_invalid,
            Problem::SetAside => self.problem_set_aside,
            Problem::Unreadable => self.problem_unreadable,
            Problem::Storage => self.problem_storage,
            Problem::Suspicious(what) => match Problem::suspicion_kind(what) {
                SuspicionKind::Reordered => self.problem_relay_reordered,
                SuspicionKind::Withheld => self.problem_relay_withheld,
                SuspicionKind::Acks => self.problem_relay_acks,
                SuspicionKind::Behind => self.problem_relay_behind,
            },
            Problem::Missing => self.problem_missing,
            Problem::Diverged => self.problem_diverged,
            Problem::ForgedSnapshot => self.problem_forged_snapshot,
            Problem::Followed => self.problem_followed,
        })
    }

    /// [`Problem::Diverged`] naming the co-authors (`names`, as they give
    /// them: an empty one is [`Strings::presence_unnamed`]).
    pub fn diverged_with(&self, names: &[String]) -> String {
        let names: Vec<&str> = names
            .iter()
            .map(|name| {
                if name.trim().is_empty() {
                    self.presence_unnamed
                } else {
                    name.as_str()
                }
            })
            .collect();
        self.problem_diverged_with
            .replace("{names}", &names.join(", "))
    }
}

pub static FR: Strings = Strings {
    // -- issue 15: workspace page (helper space) --
    ws: &WS_FR,
    language: "Langue",
    tagline: "Écrire à plusieurs, chiffré de bout en bout.",
    new_text: "Nouveau texte",
    new_text_hint:
        "Crée un document vide et son lien. Seules les personnes qui ont le lien peuvent le lire.",
    open_label: "Ouvrir un lien reçu",
    open_placeholder: "Collez ici un lien Cahier",
    open_button: "Ouvrir",
    link_no_key: "Ce lien ne contient pas de clé de document\u{a0}: la partie après le # manque.",
    link_truncated: "Ce lien est incomplet\u{a0}: il a sans doute été coupé en le copiant.",
    link_damaged: "Ce lien est abîmé\u{a0}: des caractères ont été modifiés en le copiant.",
    bad_link_title: "Impossible d'ouvrir ce lien",
    back_home: "Retour à l'accueil",
    document_title: "Document",
    edit_access: "Vous pouvez modifier ce document.",
    view_access: "Vous pouvez lire ce document, sans le modifier.",
    title_label: "Titre",
    title_placeholder: "Sans titre",
    editor_label: "Texte",
    editor_placeholder: "Écrivez ici…",
    loading: "Ouverture du document…",
    status_offline: "Hors ligne\u{a0}: vos modifications restent dans ce navigateur et partiront au retour du réseau.",
    status_history: "Réception de l'historique\u{a0}:",
    status_synced: "Tout est enregistré sur le serveur.",
    problem_closed_protocol: "Le serveur n'a pas compris un message de cette version de Cahier. Rechargez la page.",
    problem_closed_too_big: "Un message était trop grand pour le serveur.",
    problem_closed_full: "Le serveur est complet pour l'instant\u{a0}; nouvel essai dans un moment.",
    problem_closed_lagging: "La connexion ne suivait plus\u{a0}; reconnexion pour rattraper le retard.",
    problem_closed_rate: "Trop de messages envoyés trop vite\u{a0}; reconnexion.",
    problem_closed_refused: "Le serveur a refusé ce document.",
    problem_closed_other: "La connexion au serveur a été fermée.",
    problem_too_large: "Une modification est trop grande pour être envoyée\u{a0}: elle reste dans ce navigateur, mais les autres ne la verront pas.",
    problem_bad_signature: "Le serveur a refusé une modification dont la signature ne correspond pas à ce document.",
    problem_retry: "Le serveur n'a pas pu prendre une modification pour l'instant\u{a0}; elle sera renvoyée.",
    problem_room_full: "Trop de personnes ont ce document ouvert\u{a0}; nouvel essai dans un moment.",
    problem_refused_other: "Le serveur a refusé un message.",
    problem_quota: "Le serveur est plein pour ce document\u{a0}: vos modifications restent dans ce navigateur et seront renvoyées plus tard. Le document se lit toujours.",
    problem_too_many_creations: "Trop de documents ont été créés depuis votre adresse\u{a0}; réessayez plus tard.",
    problem_token_required: "Ce serveur ne crée de documents qu'avec son jeton de création. Demandez-le à la personne qui l'héberge.",
    token_label: "Jeton de création",
    token_save: "Créer le document",
    token_hint: "Demandé une fois, puis gardé dans ce navigateur.",
    problem_invalid: "Un message reçu n'a pas passé la vérification (il a peut-être été modifié sur le serveur)\u{a0}: il a été ignoré.",
    problem_set_aside: "Une modification d'un co-auteur n'a pas pu être lue et a été mise de côté.",
    problem_unreadable: "Le serveur a envoyé un message que cette version de Cahier ne comprend pas. Rechargez la page.",
    problem_storage: "Ce navigateur n'a pas pu garder le document\u{a0}: gardez cet onglet ouvert jusqu'au retour du réseau.",
    problem_not_allowed: "Le serveur refuse d'ouvrir ce document avec ce lien\u{a0}: le lien ne correspond pas au document qu'il garde. Demandez un nouveau lien à qui vous l'a donné.",
    problem_snapshot_refused: "Un co-auteur a trouvé que la copie envoyée par ce navigateur ne correspondait pas à la sienne\u{a0}; elle n'a remplacé aucune modification.",
    problem_relay_reordered: "Le serveur a renvoyé des modifications dans le désordre ou en double\u{a0}: il se comporte anormalement. Votre copie reste dans ce navigateur.",
    problem_relay_withheld: "Le serveur a sauté des modifications\u{a0}: il retient peut-être celles de vos co-auteurs.",
    problem_relay_acks: "Le serveur a confirmé l'enregistrement de modifications qu'il ne pouvait pas avoir reçues\u{a0}: il se comporte anormalement.",
    problem_relay_behind: "Le serveur a moins de modifications que ce navigateur n'en avait reçu (une sauvegarde ancienne restaurée\u{a0}?)\u{a0}: votre copie les garde et les renverra.",
    problem_missing: "Des modifications auxquelles d'autres font référence ne sont jamais arrivées\u{a0}: le serveur les retient peut-être.",
    problem_diverged: "Votre copie et celle d'un co-auteur diffèrent\u{a0}: le serveur retient peut-être des modifications.",
    problem_diverged_with: "{names} et vous n'avez pas la même copie du document\u{a0}: le serveur retient peut-être des modifications.",
    problem_forged_snapshot: "Un co-auteur a proposé une copie du document qui ne correspond pas à la vôtre\u{a0}: elle a été refusée et ne remplacera rien.",
    recent_title: "Documents récents",
    recent_edit: "écriture",
    recent_view: "lecture seule",
    local_opening: "Ouverture…",
    local_missing_title: "Ce document n'est pas gardé dans ce navigateur",
    local_missing: "Cette adresse ne contient aucune clé, seulement un nom local que \
        connaît le navigateur qui a ouvert le document (s'il ne l'a pas oublié depuis). \
        Ouvrez le lien qu'on vous a envoyé.",
    forget_title: "Dans ce navigateur",
    forget_explain: "Ce navigateur garde les clés de ce document et une copie du texte\u{a0}: \
        il le rouvre sans le lien et sans réseau. L'adresse n'affiche qu'un nom local, \
        sans clé.",
    forget_button: "Oublier ce document dans ce navigateur…",
    forget_confirm_text: "Ses clés et sa copie seront effacées de ce navigateur. Le \
        document reste sur le serveur\u{a0}: qui a son lien peut toujours l'ouvrir, vous \
        aussi si vous le gardez.",
    forget_pending: "modification(s) pas encore reçue(s) par le serveur seront perdues.",
    forget_confirm: "Oublier",
    forget_cancel: "Annuler",
    forget_failed: "Ce navigateur n'a pas pu effacer le document\u{a0}: rien n'a été effacé.",
    forgotten: "a été effacé de ce navigateur. Qui a son lien peut toujours l'ouvrir.",
    privacy_note:
        "Les clés restent dans votre navigateur\u{a0}: le serveur ne voit jamais le texte.",
    // presence
    presence_title: "Ici en ce moment",
    presence_you: "(vous)",
    presence_read_only: "lecture seule",
    presence_unnamed: "Anonyme",
    name_label: "Votre nom, tel que le voient les autres",
    name_hint: "Gardé dans ce navigateur seulement.",
    name_save: "Enregistrer",
    name_current: "Vous écrivez sous le nom",
    name_change: "Changer",
    authorship_label: "Colorer le texte selon qui l'a écrit",
    // one tab per document
    tab_elsewhere: "Ce texte est déjà ouvert dans un autre onglet de ce navigateur. Pour ne rien perdre, il ne s'écrit que dans un onglet à la fois.",
    tab_lost: "Ce texte vient d'être ouvert dans un autre onglet\u{a0}: il continue là-bas. Rien de ce qui a été écrit ici n'est perdu.",
    tab_use_here: "L'ouvrir ici",
    // Markdown preview, print, copy buttons
    view_mode_label: "Affichage du texte",
    view_write: "Écrire",
    view_split: "Côte à côte",
    view_preview: "Aperçu",
    preview_label: "Aperçu du texte mis en forme",
    preview_empty: "L'aperçu du texte mis en forme apparaîtra ici.",
    preview_image: "Image\u{a0}:",
    print_button: "Imprimer",
    copy_button: "Copier",
    copy_done: "Lien copié.",
    copy_refused: "Ce navigateur refuse de copier ici\u{a0}: le lien est sélectionné, appuyez sur Ctrl+C (Cmd+C sur Mac) pour le copier.",
    // -- issue 10: page shell (lead) --
    title_edit_label: "Titre du document",
    read_only_badge: "Lecture seule",
    badge_connecting: "Connexion…",
    badge_online: "En ligne",
    badge_offline: "Hors ligne",
    badge_reconnecting: "Reconnexion…",
    badge_pending: "Modifications en attente d'envoi",
    status_reconnecting_said: "Connexion perdue\u{a0}; Cahier réessaie tout seul.",
    bar_label: "Barre du document",
    menu_button: "Menu",
    share_button: "Partager",
    authorship_short: "Qui a écrit quoi",
    shortcuts_button: "Raccourcis clavier et aide",
    panel_close: "Fermer",
    shortcuts_title: "Raccourcis clavier",
    shortcut_help: "Afficher cette aide (hors du texte)",
    shortcut_close: "Fermer le panneau ou le menu ouvert",
    shortcut_undo: "Annuler",
    shortcut_redo: "Rétablir",
    shortcut_bold: "Gras",
    shortcut_italic: "Italique",
    shortcut_print: "Imprimer le titre et le texte mis en forme",
    shortcut_text: "Aller au texte",
    shortcuts_markdown: "Aide de la mise en forme (Markdown)",
    view_source: "Source",
    key_shift: "Maj",
    key_escape: "Échap",
    recent_opened: "ouvert le",
    recent_remove: "Retirer…",
    recent_remove_named: "Retirer de ce navigateur\u{a0}:",
    // -- end of page shell (lead) --
    // -- issue 10: line numbers, formatting bar, Markdown help (helper lines) --
    format_bar_label: "Mise en forme",
    format_bold: "Gras",
    format_bold_title: "Gras (Ctrl+B)",
    format_italic: "Italique",
    format_italic_title: "Italique (Ctrl+I)",
    format_heading: "Titre",
    format_list: "Liste à puces",
    format_link: "Lien",
    format_quote: "Citation",
    format_link_text: "texte du lien",
    markdown_help_title: "Écrire en Markdown",
    markdown_help_intro: "Le texte s\u{2019}écrit en Markdown\u{a0}: quelques signes autour des mots les mettent en forme. La barre au-dessus du texte les écrit pour vous.",
    format_help: "Aide Markdown",
    markdown_help_what: "Pour",
    markdown_help_write: "Écrire",
    markdown_help_shows: "Donne",
    markdown_help_rows: &[
        ("Gras", "**important**"),
        ("Italique", "*nuance*"),
        ("Barré", "~~retiré~~"),
        ("Titre", "## Article 2"),
        ("Liste à puces", "- un point\n- un autre"),
        ("Liste numérotée", "1. d\u{2019}abord\n2. ensuite"),
        ("Case à cocher", "- [ ] à faire\n- [x] fait"),
        ("Lien", "[le site](https://exemple.org)"),
        ("Citation", "> texte cité"),
        ("Code", "`motion_3.md`"),
        ("Tableau", "| Pour | Contre |\n|---|---|\n| 12 | 3 |"),
        ("Séparation", "---"),
        ("Nouveau paragraphe", "une ligne vide\n\nentre les deux"),
    ],
    markdown_help_lines: "Les numéros de ligne viennent du texte lui-même (80 caractères au plus par ligne)\u{a0}: ce sont les mêmes à l\u{2019}écran, à l\u{2019}impression et dans les exports.",
    // -- end of line numbers, formatting bar, Markdown help (helper lines) --
    // -- issue 10: share panel, QR code, exports (helper share) --
    share_edit_label: "Lien d'écriture",
    share_edit_hint: "Toute personne qui a ce lien peut modifier le texte et trancher les amendements\u{a0}: ne le donnez qu'à celles et ceux qui tiennent le texte.",
    share_view_label: "Lien de lecture",
    share_view_hint: "Toute personne qui a ce lien peut tout lire, le texte comme les amendements, sans rien pouvoir modifier.",
    share_keep: "Il n'y a pas de compte\u{a0}: perdre le lien, c'est perdre le document. Gardez-le en lieu sûr.",
    share_save: "Enregistrer dans un fichier",
    share_file_suffix: "liens",
    share_file_heading: "Liens du document",
    share_qr_choice: "Le QR code contient\u{a0}:",
    share_qr_of_edit: "QR code du lien d'écriture",
    share_qr_of_view: "QR code du lien de lecture",
    share_qr_hint: "À projeter ou à imprimer en réunion\u{a0}: l'appareil photo d'un téléphone l'ouvre.",
    share_qr_enlarge: "Plein écran",
    share_qr_too_long: "Ce lien est trop long pour un QR code.",
    untitled_file: "sans titre",
    export_button: "Exporter",
    export_markdown: "Markdown (.md)",
    export_html: "Page web (.html)",
    export_text: "Texte brut (.txt)",
    export_print: "Imprimer…",
    export_failed: "Ce navigateur n'a pas pu enregistrer le fichier.",
    // -- end of share panel, QR code, exports (helper share) --
    // -- issue 10: people, colours, name prompt (helper people) --
    people_button: "Personnes ici\u{a0}: {n}",
    people_heading: "Personnes",
    people_last_seen: "vu·e à {time}",
    people_offline: "Hors ligne\u{a0}: qui était là au dernier contact.",
    colour_heading: "Votre couleur",
    colour_hint: "Vos mots et votre curseur ont cette couleur chez tout le monde.",
    colour_taken_by: "prise par {name}",
    colour_names: [
        "bleu", "rouge", "vert", "violet", "orange", "bleu canard", "rose", "olive", "bleu ciel", "prune",
    ],
    legend_heading: "Qui a écrit quoi",
    legend_empty: "Personne n’a encore écrit.",
    prompt_text: "Votre nom, pour que les autres sachent qui écrit\u{a0}?",
    prompt_later: "Plus tard",
    // -- end of people, colours, name prompt (helper people) --
    // -- issue 11: history panel, timeline, moment view (helper timeline) --
    history_button: "Historique",
    history_heading: "Historique",
    history_intro: "Les versions du texte, enregistrées d'elles-mêmes quand on s'arrête d'écrire. Choisissez-en une pour la lire.",
    history_empty: "Pas encore de version\u{a0}: la première s'enregistre quand quelqu'un s'arrête d'écrire.",
    history_list_label: "Versions, la plus récente en premier",
    history_now: "Maintenant",
    history_slider: "Moment affiché",
    history_slider_value: "{n} sur {total}\u{a0}: {moment}",
    history_previous: "Version précédente",
    history_next: "Version suivante",
    history_play: "Rejouer",
    history_pause: "Pause",
    history_keys: "Flèches gauche et droite\u{a0}: version par version. Avec Maj\u{a0}: d'une version nommée à l'autre.",
    history_words: "{added} mots ajoutés, {removed} retirés",
    history_by: "par",
    history_restored_from: "Restauration de «\u{a0}{from}\u{a0}»",
    history_damaged: "Version illisible, ignorée",
    history_name_label: "Nommer cette version",
    history_name_hint: "Par exemple\u{a0}: Texte soumis au vote du 12 mars",
    history_name_save: "Nommer",
    history_named: "Version nommée «\u{a0}{name}\u{a0}».",
    history_name_failed: "La version n'a pas pu être nommée.",
    history_restore: "Restaurer cette version",
    history_restore_question: "Remplacer le texte actuel par celui de cette version\u{a0}? Rien n'est perdu\u{a0}: l'historique garde tout.",
    history_restore_yes: "Restaurer",
    history_restore_no: "Annuler",
    history_restored: "Version restaurée. Ctrl+Z dans le texte annule la restauration.",
    history_restore_same: "Le texte est déjà celui de cette version.",
    history_compare_heading: "Comparer deux moments",
    history_compare_from: "Depuis",
    history_compare_to: "Jusqu'à",
    history_compare: "Comparer",
    history_export_heading: "Exporter cette version",
    history_reader: "Avec le lien de lecture, on parcourt l'historique, sans nommer ni restaurer de version.",
    moment_caption: "Le texte au {time}",
    moment_label: "Le texte à ce moment, en lecture seule",
    moment_unreadable: "Cette version ne peut pas être lue.",
    // -- end of history panel, timeline, moment view (helper timeline) --
    // -- issue 11: comparison, since last visit (helper compare) --
    compare_heading: "Comparaison",
    compare_between: "Entre {from} et {to}",
    compare_now: "maintenant",
    compare_seen: "votre dernière visite",
    compare_layout: "Présentation",
    compare_inline: "Dans le texte",
    compare_side: "Côte à côte",
    compare_before: "Avant",
    compare_after: "Après",
    compare_next: "Modification suivante",
    compare_previous: "Modification précédente",
    compare_position: "Modification {n} sur {total}",
    compare_count: "Modifications\u{a0}: {total}",
    compare_keys: "Touches n et p (ou Alt + ↓ et Alt + ↑)\u{a0}: modification suivante et précédente.",
    compare_close: "Revenir au texte",
    compare_print: "Imprimer la comparaison",
    compare_summary: "Qui a changé quoi",
    compare_person: "Personne",
    compare_added: "Mots ajoutés",
    compare_removed: "Mots retirés",
    compare_paragraphs: "Paragraphes touchés",
    compare_unknown: "Inconnu·e",
    compare_added_by: "Ajouté par {name}",
    compare_removed_by: "Retiré par {name}",
    compare_empty: "Aucune différence",
    compare_empty_detail: "Le texte est le même à ces deux moments.",
    compare_failed: "Ces deux moments ne peuvent pas être comparés\u{a0}: l’un d’eux est endommagé ou illisible dans ce document.",
    since_visit_text: "D’autres personnes ont modifié le texte depuis votre dernière visite.",
    since_visit_open: "Voir ce qui a changé depuis votre dernière visite",
    since_visit_dismiss: "Ignorer",
    // -- end of comparison, since last visit (helper compare) --
    // -- issue 12: amendments list, filters, margin, ranges (helper list) --
    amendments_button: "Amendements",
    amendments_count: "{n} amendement(s)",
    amendments_shown: "{shown} affichés sur {total}",
    amendments_opening: "Chargement des amendements…",
    amendments_none: "Aucun amendement pour l’instant.",
    amendments_none_match: "Aucun amendement ne correspond à ces filtres.",
    amendments_status_filed: "Déposé",
    amendments_status_discussion: "En discussion",
    amendments_status_adopted: "Adopté",
    amendments_status_rejected: "Rejeté",
    amendments_status_withdrawn: "Retiré",
    amendments_status_fallen: "Tombé",
    amendments_number: "A{n}",
    amendments_provisional: "provisoire",
    amendments_provisional_title: "Numéro provisoire\u{a0}: il sera attribué quand une personne qui peut modifier le texte sera en ligne.",
    amendments_lines: "l. {from}-{to}",
    amendments_line: "l. {from}",
    amendments_gone: "passage disparu",
    amendments_replace: "«\u{a0}{passage}\u{a0}» → «\u{a0}{wording}\u{a0}»",
    amendments_delete: "Supprimer «\u{a0}{passage}\u{a0}»",
    amendments_insert: "Insérer «\u{a0}{wording}\u{a0}»",
    amendments_supports: "{n} soutien(s)",
    amendments_group: "Discussion commune · {n}",
    amendments_altered: "modifié",
    amendments_filters: "Filtres ({n})",
    amendments_status_legend: "Statut",
    amendments_author: "Auteur·e",
    amendments_author_any: "Tout le monde",
    amendments_lines_legend: "Lignes",
    amendments_lines_from: "de l.",
    amendments_lines_to: "à l.",
    amendments_colliding: "En concurrence",
    amendments_undiscussed: "Pas encore discuté",
    amendments_mine: "Les miens",
    amendments_words: "Rechercher des mots",
    amendments_sort: "Trier par",
    amendments_sort_text: "Ordre du texte",
    amendments_sort_number: "Numéro",
    amendments_sort_supports: "Soutiens",
    amendments_clear: "Effacer les filtres",
    amendments_list_label: "Liste des amendements\u{a0}: flèches pour parcourir, Entrée pour ouvrir",
    amendments_back: "← Retour à la liste",
    shortcut_amendment: "Ouvrir l’amendement sous le curseur",
    // -- end of amendments list, filters, margin, ranges (helper list) --
    // -- issue 12: filing, amendment detail, debate, share links (helper detail) --
    propose_amendment: "Proposer un amendement",
    share_amend_label: "Lien d'amendement",
    share_amend_hint: "Toute personne qui a ce lien peut lire le texte, proposer des amendements, les commenter et les soutenir, sans pouvoir modifier le texte.",
    share_qr_of_amend: "QR code du lien d'amendement",
    amend_propose_hint: "Sélectionnez un passage (ou placez le curseur pour une insertion), puis proposez un amendement.",
    amend_line_one: "l. {a}",
    amend_line_range: "l. {a}-{b}",
    amend_lines_filed: "{lines} au dépôt",
    amend_number: "A{n}",
    amend_provisional: "provisoire",
    amend_provisional_hint: "Numéro à venir : le navigateur d'une personne qui tient le texte (lien d'écriture) le donne dès qu'il est en ligne.",
    amend_status_filed: "déposé",
    amend_status_discussion: "en discussion",
    amend_status_adopted: "adopté",
    amend_status_rejected: "rejeté",
    amend_status_withdrawn: "retiré",
    amend_status_fallen: "tombé",
    amend_by: "par {name}",
    amend_unnamed: "une personne sans nom",
    amend_changed: "Le passage a changé depuis le dépôt.",
    amend_passage_filed: "Au dépôt",
    amend_passage_now: "Maintenant",
    amend_passage_gone: "Ses mots ont été supprimés du texte.",
    amend_altered: "Altéré : une entrée qui se présente comme cet amendement n'a pas passé la vérification de sa signature. La dernière version valable est affichée.",
    amend_comment_altered: "Altéré : une entrée qui se présente comme ce commentaire n'a pas passé la vérification de sa signature.",
    amend_wording: "Rédaction proposée",
    amend_diff_legend: "Souligné : ajouté. Barré : supprimé.",
    amend_rationale: "Exposé des motifs",
    amend_sub_of: "Sous-amendement de {n}",
    amend_history: "Historique",
    amend_history_filed: "Déposé par {name}, {time}",
    amend_history_change: "{from} → {to}, par {name}, {time}",
    amend_counts: "pour {yes}, contre {no}, abstention {abstain}",
    amend_unanimous: "à l'unanimité",
    amend_fallen_by: "tombé : remplacé par {n}",
    amend_comments: "Commentaires",
    amend_no_comments: "Pas encore de commentaire.",
    amend_stance: "Position",
    amend_stance_for: "pour",
    amend_stance_against: "contre",
    amend_stance_neutral: "neutre",
    amend_comment_label: "Votre commentaire",
    amend_comment_send: "Commenter",
    amend_comment_empty: "Écrivez votre commentaire avant de l'envoyer.",
    amend_reply: "Répondre",
    amend_reply_to: "Réponse à {name}",
    amend_reply_cancel: "Ne pas répondre",
    amend_support: "Je soutiens",
    amend_supports: "Soutiens : {n}",
    amend_actions: "Actions",
    amend_edit: "Modifier",
    amend_withdraw: "Retirer",
    amend_withdraw_confirm: "Retirer {n} pour de bon ? Il restera visible, marqué « retiré ».",
    amend_withdraw_yes: "Oui, retirer",
    amend_cancel: "Annuler",
    amend_discuss: "Mettre en discussion",
    amend_adopt: "Adopter",
    amend_reject: "Rejeter",
    amend_reopen: "Rouvrir",
    amend_vote: "Vote",
    amend_vote_none: "Sans décompte",
    amend_vote_unanimous: "À l'unanimité",
    amend_vote_counts: "Décompte des voix",
    amend_vote_yes: "Pour",
    amend_vote_no: "Contre",
    amend_vote_abstain: "Abstention",
    amend_vote_adopt: "Adopter {n}",
    amend_vote_reject: "Rejeter {n}",
    amend_vote_bad: "Les voix se comptent en nombres entiers, de 0 à un million.",
    amend_adopted_fell: "{n} est adopté et inscrit dans le texte. Tombent : {list}.",
    amend_adopted_alone: "{n} est adopté et inscrit dans le texte ; aucun autre amendement ne tombe.",
    amend_form_revise: "Modifier l'amendement {n}",
    amend_form_passage: "Passage visé",
    amend_form_insertion: "Insertion à cet endroit, après « {before} »",
    amend_form_insertion_start: "Insertion au début du texte",
    amend_form_replace: "Remplacer par",
    amend_form_insert: "Texte à insérer",
    amend_form_delete: "Supprimer le passage",
    amend_form_paragraph: "Supprimer tout le paragraphe",
    amend_form_rationale_hint: "Pourquoi cet amendement ? Facultatif, mais il aide à convaincre.",
    amend_form_parent: "Sous-amendement de",
    amend_form_parent_none: "aucun : il amende le texte",
    amend_form_submit: "Déposer l'amendement",
    amend_form_save: "Enregistrer les modifications",
    amend_form_empty: "Écrivez la rédaction proposée, ou choisissez de supprimer le passage.",
    // -- end of filing, amendment detail, debate, share links (helper detail) --
    // -- issue 12: amendments session and notices (lead) --
    amend_access: "Vous pouvez lire le texte et proposer des amendements, les commenter et les soutenir ; vous ne pouvez pas modifier le texte.",
    amend_badge: "Amendements",
    amendments_unavailable: "Les amendements ne sont pas encore disponibles : un membre qui peut modifier le texte doit l’ouvrir une fois.",
    amendments_forged: "{n} entrée(s) des amendements ne portent pas une signature valable : elles sont ignorées, et les amendements qu’elles visaient sont marqués « modifié ».",
    amendments_unreadable: "{n} entrée(s) des amendements sont illisibles : elles sont ignorées.",
    amendments_removed: "Quelqu’un a tenté d’effacer des amendements : rien n’est perdu, ils restent affichés.",
    amend_error_not_allowed: "Votre lien ne permet pas cette action.",
    amend_error_not_found: "Cet amendement est introuvable.",
    amend_error_not_the_author: "Seul·e l’auteur·e d’un amendement peut le modifier ou le retirer.",
    amend_error_not_filed: "L’amendement est déjà en discussion : il ne peut plus être modifié.",
    amend_error_bad_passage: "Ce passage n’est pas dans le texte.",
    amend_error_no_change: "La rédaction proposée est identique au passage.",
    amend_error_passage_gone: "Le passage a disparu du texte : ses mots ont été supprimés.",
    amend_error_decided: "Cet amendement est déjà tranché.",
    amend_error_too_long: "Le texte est trop long pour un amendement.",
    amend_error_not_open: "Les amendements ne sont pas encore ouverts ; réessayez dans un instant.",
    amendment_adopted_version: "A{n} adopté",
    export_amendments: "Amendements (Markdown)",
    amendments_file_suffix: "amendements",
    // -- end of amendments session and notices (lead) --
    // -- issue 13: meeting session and review (lead) --
    meeting_button: "Séance",
    review_heading: "Depuis la séance « {name} » du {date}",
    review_since_time: "Ce qui a changé depuis le {time}.",
    review_since_legend: "Comparer avec",
    review_since_result: "le texte adopté en séance",
    review_since_base: "le texte de base de la séance",
    review_text_heading: "Le texte",
    review_unchanged: "Le texte n’a pas changé depuis.",
    review_text_summary: "{added} mot(s) ajouté(s), {removed} retiré(s), par {names}. Seuls les paragraphes modifiés sont montrés.",
    review_filed: "Amendements déposés depuis",
    review_decided: "Amendements décidés depuis",
    review_withdrawn: "Amendements retirés depuis",
    review_none: "Aucun.",
    review_new: "nouveau",
    review_votes: "pour {yes}, contre {no}, abstentions {abstain}",
    review_unanimous: "à l’unanimité",
    review_fallen_by: "tombé : remplacé par {n}",
    review_print: "Imprimer",
    review_download: "Télécharger (Markdown)",
    review_file: "depuis la séance",
    review_close: "Fermer",
    review_gone: "Cette séance n’est pas (ou plus) dans le document.",
    review_failed: "Impossible de comparer avec cette version : {error}",
    // -- end of meeting session and review (lead) --
    // -- issue 13: meeting panel, agenda, projector (helper chair) --
    meeting_heading: "Séances",
    meeting_open_heading: "Ouvrir une séance",
    meeting_open_hint: "L'ouverture enregistre une version du texte tel qu'il est : la base de la séance.",
    meeting_name_label: "Nom de la séance",
    meeting_date_label: "Date",
    meeting_open_submit: "Ouvrir la séance",
    meeting_name_missing: "Donnez un nom à la séance.",
    meeting_base_version: "Texte de base — {name}",
    meeting_result_version: "Texte adopté — {name}",
    meeting_opened: "Séance ouverte : la version « {version} » est enregistrée.",
    meeting_under_way: "Séance en cours : {name}, {date}",
    meeting_none_under_way: "Aucune séance en cours.",
    meeting_follow: "Suivre sur l'écran / projecteur",
    meeting_agenda_heading: "Ordre du jour",
    meeting_agenda_rules: "Ordre proposé par l'assistant : le texte de haut en bas ; sur un même passage, les suppressions d'abord, puis l'amendement le plus éloigné du texte ; un sous-amendement avant son amendement.",
    meeting_agenda_keys: "Glissez une ligne pour la déplacer, ou utilisez ses boutons (Alt+↑ / Alt+↓).",
    meeting_agenda_empty: "Aucun amendement à l'ordre du jour.",
    meeting_agenda_counts: "{left} à traiter sur {total}",
    meeting_move_up: "Monter {n}",
    meeting_move_down: "Descendre {n}",
    meeting_remove: "Retirer {n} de l'ordre du jour",
    meeting_show: "Mettre {n} à l'écran",
    meeting_on_screen_mark: "à l'écran",
    meeting_add_label: "Ajouter un amendement ouvert",
    meeting_add_submit: "Ajouter",
    meeting_left: "a quitté l'ordre du jour : {reason}",
    meeting_left_fallen: "tombé : remplacé par {n}",
    meeting_left_fallen_unknown: "tombé : son passage a été remplacé",
    meeting_left_withdrawn_meeting: "retiré en séance",
    meeting_left_withdrawn_author: "retiré par son auteur",
    meeting_left_adopted: "adopté",
    meeting_left_rejected: "rejeté",
    meeting_with_counts: "{decision}, {counts}",
    meeting_screen_heading: "À l'écran",
    meeting_nothing_on_screen: "Aucun amendement à l'écran.",
    meeting_progress: "{at} / {total}",
    meeting_progress_label: "Amendement {at} sur {total} de l'ordre du jour",
    meeting_vote_legend: "Le vote",
    meeting_adopt: "Adopter",
    meeting_reject: "Rejeter",
    meeting_withdraw: "Retiré en séance",
    meeting_withdrawn_note: "Retiré en séance",
    meeting_next: "Suivant",
    meeting_previous: "Précédent",
    meeting_decision: "Décision : {decision}",
    meeting_said_adopted: "{n} est adopté{counts} : le texte est modifié.",
    meeting_said_fell: "Tombent, car {n} a remplacé leur passage : {list}.",
    meeting_said_alone: "Aucun autre amendement ne tombe.",
    meeting_said_rejected: "{n} est rejeté{counts}.",
    meeting_said_withdrawn: "{n} est retiré en séance.",
    meeting_close: "Clore la séance",
    meeting_close_confirm: "Clore « {name} » ? Le texte adopté et le procès-verbal seront enregistrés, et la séance ne pourra plus changer.",
    meeting_close_yes: "Clore",
    meeting_closed: "Séance close : la version « {version} » et le procès-verbal sont enregistrés.",
    meeting_past_heading: "Séances passées",
    meeting_past_none: "Aucune séance close.",
    meeting_past_item: "{name}, {date}",
    meeting_minutes: "Procès-verbal",
    meeting_col_number: "N°",
    meeting_col_lines: "Lignes",
    meeting_col_decision: "Décision",
    meeting_since: "Depuis cette séance",
    meeting_projector_label: "Projection de la séance",
    meeting_projector_leave: "Quitter (Échap)",
    meeting_projector_keys: "→ ou N : suivant · ← ou P : précédent · A : adopter · R : rejeter · Maj+A : adopté à l'unanimité · Échap : quitter",
    meeting_vote_save: "Enregistrer",
    shortcut_projector_next: "Projecteur : amendement suivant, précédent",
    shortcut_projector_decide: "Projecteur : adopter, rejeter (le vote est demandé)",
    shortcut_projector_unanimous: "Projecteur : adopté à l'unanimité",
    meeting_projector_no_meeting: "Aucune séance en cours.",
    // -- end of meeting panel, agenda, projector (helper chair) --
    // -- issue 13: booklet, adopted text, print, exports (helper booklet) --
    export_papers_heading: "Séance : liasse et textes",
    export_meeting_label: "Séance",
    export_meeting_none: "Sans séance (tous les amendements, texte actuel)",
    export_booklet: "Liasse d’amendements",
    export_adopted: "Texte adopté",
    export_amended: "Texte amendé",
    export_paper_print: "Imprimer",
    booklet_file_suffix: "liasse",
    adopted_file_suffix: "texte adopté",
    amended_file_suffix: "texte amendé",
    print_view_back: "Retour au texte",
    print_view_print: "Imprimer",
    print_view_label: "Aperçu avant impression",
    paper_failed: "Ce document n’a pas pu être préparé : la version de la séance manque à l’historique de ce texte.",
    // -- end of booklet, adopted text, print, exports (helper booklet) --
    // -- issue 14: the map page, new map, arguments in texts (lead) --
    new_map: "Nouvelle carte d'arguments",
    new_map_hint: "Pour construire un argumentaire ensemble : une question, les arguments pour et contre, les objections et nos réponses.",
    citations_button: "Arguments cités",
    citations_heading: "Arguments cités dans ce texte",
    citations_empty: "Ce texte ne cite encore aucun argument. « Insérer un argument » en ajoute un depuis vos cartes.",
    citation_current: "À jour",
    citation_changed: "L'argument a été reformulé dans la carte :",
    citation_unknown: "Carte pas encore ouverte dans ce navigateur : impossible de vérifier.",
    citation_gone: "L'argument n'est plus dans la carte (supprimé ou fusionné).",
    citation_update: "Mettre à jour la citation",
    citation_updated: "Citation mise à jour.",
    citation_open_map: "Ouvrir la carte",
    cite_button: "Insérer un argument",
    cite_heading: "Insérer un argument",
    cite_search_label: "Chercher dans vos cartes d'arguments",
    cite_no_maps: "Ce navigateur ne connaît encore aucune carte d'arguments. Ouvrez-en une (ou créez-la depuis l'accueil), puis revenez.",
    cite_no_match: "Aucun argument ne correspond.",
    cite_insert: "Insérer",
    cite_close: "Fermer",
    cite_loading: "Lecture des cartes…",
    cite_view_link_note: "La citation garde le lien de lecture de la carte : les lecteurs du texte pourront l'ouvrir en lecture seule.",
    cite_inserted: "Argument inséré comme citation.",
    cite_read_only: "Ce lien ne permet pas de modifier le texte.",
    cite_in_rationale: "Citer un argument d'une carte",
    arg_error_not_allowed: "Ce lien ne permet pas de modifier la carte.",
    arg_error_not_found: "Cet argument n'est plus dans la carte.",
    arg_error_cycle: "Impossible : un argument ne peut pas aller sous lui-même ni sous ce qui en dépend.",
    arg_error_empty: "Un argument a besoin d'un énoncé.",
    arg_error_too_long: "L'énoncé est trop long (2 000 caractères au plus) : mettez le reste dans l'explication.",
    arg_error_bad_merge: "Impossible de fusionner un argument avec lui-même ou avec ce qui en dépend.",
    // -- issue 14: tree, focused claim, editing, endorsements (helper map) --
    map_tree_label: "Arbre des arguments",
    map_keys_hint: "Au clavier\u{a0}: ↑ ↓ pour parcourir, → ← pour déplier ou replier, Entrée pour ouvrir, Alt+↑ ↓ pour changer l'ordre, M pour déplacer.",
    map_keys_hint_read: "Au clavier\u{a0}: ↑ ↓ pour parcourir, → ← pour déplier ou replier, Entrée pour ouvrir.",
    map_empty_heading: "Cette carte est vide\u{a0}: par quoi commence-t-elle\u{a0}?",
    map_empty_read_only: "Cette carte est encore vide.",
    map_top_kind_label: "C'est",
    map_kind_question: "une question",
    map_kind_thesis: "une thèse",
    map_top_text_label: "La question ou la thèse",
    map_top_placeholder: "Faut-il…\u{a0}?",
    map_top_submit: "Commencer la carte",
    map_add_top: "Ajouter une autre question ou thèse",
    map_add_top_submit: "Ajouter au sommet",
    map_role_question: "Question",
    map_role_thesis: "Thèse",
    map_role_pro: "Pour",
    map_role_con: "Contre",
    map_role_objection: "Objection",
    map_role_answer: "Réponse",
    map_role_support: "Appui",
    map_search_label: "Chercher",
    map_search_placeholder: "Mots de l'énoncé, de l'explication ou des étiquettes",
    map_tag_label: "Étiquette",
    map_tag_all: "Toutes",
    map_matches: "{n} sur {total} correspondent.",
    map_no_match: "Aucun argument ne correspond.",
    map_matches_first: "Les {n} premiers sont affichés.",
    map_more_matches: "Afficher {n} de plus",
    map_clear_filter: "Effacer le filtre",
    map_expand: "Déplier",
    map_collapse: "Replier",
    map_under_count: "{n} dessous",
    map_endorse_count: "{n} l'utilisent",
    map_by: "par {name}",
    map_edited_by: "modifié par {name}",
    map_unnamed: "quelqu'un",
    map_open: "Ouvrir",
    map_back: "Retour à l'arbre",
    map_focus_label: "Argument ouvert",
    map_breadcrumb: "Où il se trouve",
    map_pros_heading: "Pour",
    map_cons_heading: "Contre",
    map_no_pros: "Aucun argument pour, encore.",
    map_no_cons: "Aucun argument contre, encore.",
    map_add_pro: "Ajouter un argument pour",
    map_add_con: "Ajouter un argument contre",
    map_new_claim_label: "Énoncé du nouvel argument",
    map_add_submit: "Ajouter",
    map_cancel: "Annuler",
    map_added: "Argument ajouté.",
    map_edit: "Modifier",
    map_save: "Enregistrer",
    map_saved: "Modifications enregistrées.",
    map_statement_label: "Énoncé",
    map_note_label: "Explication (Markdown)",
    map_tags_field_label: "Étiquettes (séparées par des virgules)",
    map_stance_label: "Par rapport à l'argument au-dessus",
    map_stance_pro: "pour",
    map_stance_con: "contre",
    map_sources_heading: "Sources",
    map_source_url: "Lien",
    map_source_title: "Titre",
    map_source_quote: "Citation",
    map_source_date: "Date",
    map_source_add: "Ajouter une source",
    map_source_remove: "Retirer cette source",
    map_delete: "Supprimer",
    map_delete_confirm: "Supprimer «\u{a0}{text}\u{a0}» et les {n} arguments en dessous\u{a0}? La liste des supprimés permettra de les restaurer.",
    map_delete_confirm_alone: "Supprimer «\u{a0}{text}\u{a0}»\u{a0}? La liste des supprimés permettra de le restaurer.",
    map_delete_yes: "Oui, supprimer",
    map_deleted_said: "Supprimé. La liste des supprimés, sous l'arbre, permet de le restaurer.",
    map_deleted_heading: "Supprimés ({n})",
    map_restore: "Restaurer",
    map_restored: "Restauré.",
    map_move: "Déplacer…",
    map_move_hint: "Déplacement de «\u{a0}{text}\u{a0}»\u{a0}: choisissez dans l'arbre l'argument sous lequel le mettre (flèches puis Entrée), ou Échap pour annuler.",
    map_move_here: "Mettre ici",
    map_move_to_top: "Mettre au sommet",
    map_move_cancel: "Annuler le déplacement",
    map_moved: "Déplacé sous «\u{a0}{text}\u{a0}».",
    map_moved_top: "Mis au sommet de la carte.",
    map_move_cancelled: "Déplacement annulé.",
    map_reordered: "Ordre changé.",
    map_moving_badge: "en déplacement",
    map_refused_heading: "Déplacements non appliqués",
    map_refused_cycle: "«\u{a0}{claim}\u{a0}» n'a pas été mis sous «\u{a0}{parent}\u{a0}»\u{a0}: quelqu'un avait déjà placé «\u{a0}{parent}\u{a0}» sous lui. Il reste où il était.",
    map_refused_no_parent: "«\u{a0}{claim}\u{a0}» n'a pas été déplacé\u{a0}: l'argument sous lequel il devait aller n'est pas dans cette carte.",
    map_refused_unreachable: "«\u{a0}{claim}\u{a0}» était pris dans une boucle de doublons\u{a0}: il est montré au sommet.",
    map_merge: "Marquer comme doublon de…",
    map_merge_label: "Doublon de",
    map_merge_submit: "Fusionner",
    map_merged: "Fusionné dans «\u{a0}{text}\u{a0}».",
    map_merged_here: "Doublons fusionnés ici",
    map_unmerge: "Annuler la fusion",
    map_unmerged: "Fusion annulée\u{a0}: l'argument est de nouveau à part.",
    map_endorse: "J'utilise cet argument",
    map_who: "Qui\u{a0}?",
    map_nobody: "Personne pour l'instant.",
    map_strength_legend: "Force",
    map_strength_0: "nulle",
    map_strength_1: "faible",
    map_strength_2: "moyenne",
    map_strength_3: "forte",
    map_strength_4: "décisive",
    map_strength_mean: "Force moyenne\u{a0}: {mean} sur 4 ({n} votes).",
    map_strength_none: "Pas encore de vote sur sa force.",
    map_strength_clear: "Retirer mon vote",
    map_comments_heading: "Propositions",
    map_comment_stance_label: "Je propose",
    map_comment_pro: "un argument pour",
    map_comment_con: "un argument contre",
    map_comment_reword: "une reformulation",
    map_comment_text_label: "Votre proposition",
    map_comment_submit: "Proposer",
    map_commented: "Proposition envoyée.",
    map_no_comments: "Aucune proposition.",
    map_comment_accept_claim: "En faire un argument",
    map_comment_accept_reword: "Reformuler ainsi",
    map_read_only: "Lecture seule\u{a0}: ce lien permet de lire la carte, pas de la modifier.",
    // -- end of tree, focused claim, editing, endorsements (helper map) --
    // -- issue 14: talking-points sheet, Argdown, map exports (helper sheet) --
    map_export_button: "Exporter",
    map_sheet_open: "Argumentaire…",
    map_argdown_export: "Exporter en Argdown",
    map_argdown_import: "Importer de l'Argdown…",
    map_export_failed: "Le fichier n'a pas pu être enregistré.",
    sheet_heading: "Argumentaire",
    sheet_subject_label: "Sujet",
    sheet_subject_claims: "Une question ou une thèse",
    sheet_subject_tags: "Une étiquette",
    sheet_key_label: "Message clé",
    sheet_key_help: "Vide : l'énoncé du sujet.",
    sheet_arguments_heading: "Arguments (cochez ceux à imprimer)",
    sheet_pairs_heading: "Ils disent… / Nous répondons… (cochez celles à imprimer)",
    sheet_they: "Ils disent",
    sheet_we: "Nous répondons",
    sheet_up: "Monter",
    sheet_down: "Descendre",
    sheet_no_arguments: "Aucun argument pour ce sujet.",
    sheet_no_pairs: "Aucune objection avec sa réponse.",
    sheet_unanswered: "{n} objection(s) sans réponse : elles ne sont pas imprimées.",
    sheet_empty_map: "La carte est vide : ajoutez d'abord une question.",
    sheet_preview_label: "Aperçu de l'argumentaire",
    sheet_print: "Imprimer",
    sheet_close: "Fermer",
    sheet_file_suffix: "argumentaire",
    sheet_moved: "« {what} » : place {n}.",
    import_heading: "Importer de l'Argdown",
    import_help: "Collez un texte Argdown ou choisissez un fichier .argdown : ses affirmations s'ajoutent à la carte, à la suite.",
    import_text_label: "Texte Argdown",
    import_file_label: "Ou un fichier",
    import_button: "Importer",
    import_close: "Fermer",
    import_done: "{n} affirmation(s) ajoutée(s) à la carte.",
    import_warnings_heading: "Lu autrement qu'écrit :",
    import_line: "Ligne {n}",
    import_too_large: "Ce texte est trop long pour être importé (8 Mo au plus).",
    import_empty: "Ce texte ne contient aucune affirmation.",
    import_unreadable: "Ce fichier n'a pas pu être lu (un texte UTF-8 est attendu).",
    import_warnings: [
        "syntaxe inconnue : la ligne est gardée comme affirmation",
        "indentée sans signe + ou - : lue comme un soutien",
        "un signe de relation sans rien au-dessus : placée en haut",
        "relation sortante (+> ou ->) : lue comme entrante",
        "titre déjà vu : l'affirmation reste à sa première place",
        "trop profonde : placée au niveau le plus bas permis",
        "données {…} illisibles ou inconnues : gardées dans le texte ou laissées",
        "second titre : la carte n'a qu'un titre",
        "ligne de séparation ou en-tête ignorée",
        "commentaire jamais fermé : la suite est ignorée",
        "trop long : coupé",
        "trop d'affirmations : la suite n'est pas lue",
        "autres remarques non détaillées",
    ],
    // -- issue 15: revoking a member, sealed rooms (helper revoke) --
    problem_room_sealed: "Ce document a changé de clés après le retrait d'un membre, et ce navigateur n'en a pas reçu les nouvelles\u{a0}: votre accès a été retiré. Cette copie reste lisible ici, mais ne s'écrit plus.",
    problem_followed: "Ce document a changé de clés après le retrait d'un membre\u{a0}: vous suivez sa nouvelle adresse.",
    // -- end of revoking a member, sealed rooms (helper revoke) --
};

pub static EN: Strings = Strings {
    // -- issue 15: workspace page (helper space) --
    ws: &WS_EN,
    language: "Language",
    tagline: "Write together, end-to-end encrypted.",
    new_text: "New text",
    new_text_hint:
        "Creates an empty document and its link. Only people who have the link can read it.",
    open_label: "Open a link you received",
    open_placeholder: "Paste a Cahier link here",
    open_button: "Open",
    link_no_key: "This link has no document key: the part after the # is missing.",
    link_truncated: "This link is incomplete: it was probably cut when it was copied.",
    link_damaged: "This link is damaged: some characters were changed when it was copied.",
    bad_link_title: "This link cannot be opened",
    back_home: "Back to the start page",
    document_title: "Document",
    edit_access: "You can edit this document.",
    view_access: "You can read this document, but not change it.",
    title_label: "Title",
    title_placeholder: "Untitled",
    editor_label: "Text",
    editor_placeholder: "Write here…",
    loading: "Opening the document…",
    status_offline: "Offline: your changes stay in this browser and will be sent when the network is back.",
    status_history: "Receiving the history:",
    status_synced: "Everything is saved on the server.",
    problem_closed_protocol: "The server did not understand a message from this version of Cahier. Reload the page.",
    problem_closed_too_big: "A message was too large for the server.",
    problem_closed_full: "The server is full for now; trying again shortly.",
    problem_closed_lagging: "The connection could not keep up; reconnecting to catch up.",
    problem_closed_rate: "Too many messages were sent too quickly; reconnecting.",
    problem_closed_refused: "The server refused this document.",
    problem_closed_other: "The connection to the server was closed.",
    problem_too_large: "A change is too large to be sent: it stays in this browser, but the others will not see it.",
    problem_bad_signature: "The server refused a change whose signature does not match this document.",
    problem_retry: "The server could not take a change for now; it will be sent again.",
    problem_room_full: "Too many people have this document open; trying again shortly.",
    problem_refused_other: "The server refused a message.",
    problem_quota: "The server is full for this document: your changes stay in this browser and will be sent again later. The document can still be read.",
    problem_too_many_creations: "Too many documents were created from your address; try again later.",
    problem_token_required: "This server creates documents only with its creation token. Ask the person who runs it.",
    token_label: "Creation token",
    token_save: "Create the document",
    token_hint: "Asked once, then kept in this browser.",
    problem_invalid: "A message failed verification (it may have been altered on the server): it was ignored.",
    problem_set_aside: "An update from a co-author could not be read and was set aside.",
    problem_unreadable: "The server sent a message this version of Cahier does not understand. Reload the page.",
    problem_storage: "This browser could not keep the document: keep this tab open until the network is back.",
    problem_not_allowed: "The server will not open this document with this link: the link does not match the document it keeps. Ask whoever gave it to you for a new one.",
    problem_snapshot_refused: "A co-author found that the copy this browser sent did not match theirs; it replaced no edits.",
    problem_relay_reordered: "The server sent edits out of order or twice: it is misbehaving. Your copy stays in this browser.",
    problem_relay_withheld: "The server skipped edits: it may be holding back your co-authors' changes.",
    problem_relay_acks: "The server confirmed storing edits it cannot have received: it is misbehaving.",
    problem_relay_behind: "The server has fewer edits than this browser had received (an old backup restored?): your copy keeps them and sends them again.",
    problem_missing: "Edits that others refer to never arrived: the server may be holding them back.",
    problem_diverged: "Your copy and a co-author's differ: the server may be holding back changes.",
    problem_diverged_with: "{names} and you do not have the same copy of the document: the server may be holding back changes.",
    problem_forged_snapshot: "A co-author proposed a copy of the document that does not match yours: it was refused and will replace nothing.",
    recent_title: "Recent documents",
    recent_edit: "edit",
    recent_view: "read-only",
    local_opening: "Opening…",
    local_missing_title: "This document is not kept in this browser",
    local_missing: "This address holds no key, only a local name known to the \
        browser that opened the document (unless it has forgotten it since). Open the \
        link you were sent.",
    forget_title: "In this browser",
    forget_explain: "This browser keeps this document's keys and a copy of its text: \
        it opens it again without the link and without a network. The address shows \
        only a local name, without a key.",
    forget_button: "Forget this document in this browser…",
    forget_confirm_text: "Its keys and its copy will be erased from this browser. The \
        document stays on the server: whoever has its link can still open it, you too \
        if you keep it.",
    forget_pending: "change(s) the server has not received yet will be lost.",
    forget_confirm: "Forget",
    forget_cancel: "Cancel",
    forget_failed: "This browser could not erase the document: nothing was erased.",
    forgotten: "was erased from this browser. Whoever has its link can still open it.",
    privacy_note: "The keys stay in your browser: the server never sees the text.",
    // presence
    presence_title: "Here now",
    presence_you: "(you)",
    presence_read_only: "read-only",
    presence_unnamed: "Anonymous",
    name_label: "Your name, as co-authors see it",
    name_hint: "Kept in this browser only.",
    name_save: "Save",
    name_current: "You write as",
    name_change: "Change",
    authorship_label: "Colour the text by who wrote it",
    // one tab per document
    tab_elsewhere: "This text is already open in another tab of this browser. So that nothing is lost, it is written in one tab at a time.",
    tab_lost: "This text was just opened in another tab and continues there. Nothing written here is lost.",
    tab_use_here: "Open it here",
    // Markdown preview, print, copy buttons
    view_mode_label: "How the text is shown",
    view_write: "Edit",
    view_split: "Side by side",
    view_preview: "Preview",
    preview_label: "Formatted preview of the text",
    preview_empty: "The formatted text will appear here.",
    preview_image: "Image:",
    print_button: "Print",
    copy_button: "Copy",
    copy_done: "Link copied.",
    copy_refused: "This browser refuses to copy here: the link is selected, press Ctrl+C (Cmd+C on a Mac) to copy it.",
    // -- issue 10: page shell (lead) --
    title_edit_label: "Document title",
    read_only_badge: "Read-only",
    badge_connecting: "Connecting…",
    badge_online: "Online",
    badge_offline: "Offline",
    badge_reconnecting: "Reconnecting…",
    badge_pending: "Changes waiting to be sent",
    status_reconnecting_said: "Connection lost; Cahier keeps trying.",
    bar_label: "Document bar",
    menu_button: "Menu",
    share_button: "Share",
    authorship_short: "Who wrote what",
    shortcuts_button: "Keyboard shortcuts and help",
    panel_close: "Close",
    shortcuts_title: "Keyboard shortcuts",
    shortcut_help: "Show this help (outside the text)",
    shortcut_close: "Close the open panel or menu",
    shortcut_undo: "Undo",
    shortcut_redo: "Redo",
    shortcut_bold: "Bold",
    shortcut_italic: "Italic",
    shortcut_print: "Print the title and the formatted text",
    shortcut_text: "Go to the text",
    shortcuts_markdown: "Formatting help (Markdown)",
    view_source: "Source",
    key_shift: "Shift",
    key_escape: "Esc",
    recent_opened: "opened",
    recent_remove: "Remove…",
    recent_remove_named: "Remove from this browser:",
    // -- end of page shell (lead) --
    // -- issue 10: line numbers, formatting bar, Markdown help (helper lines) --
    format_bar_label: "Formatting",
    format_bold: "Bold",
    format_bold_title: "Bold (Ctrl+B)",
    format_italic: "Italic",
    format_italic_title: "Italic (Ctrl+I)",
    format_heading: "Heading",
    format_list: "Bulleted list",
    format_link: "Link",
    format_quote: "Quote",
    format_link_text: "link text",
    markdown_help_title: "Writing in Markdown",
    markdown_help_intro: "The text is written in Markdown: a few signs around words format them. The bar above the text writes them for you.",
    format_help: "Markdown help",
    markdown_help_what: "For",
    markdown_help_write: "Write",
    markdown_help_shows: "Gives",
    markdown_help_rows: &[
        ("Bold", "**important**"),
        ("Italic", "*nuance*"),
        ("Strikethrough", "~~removed~~"),
        ("Heading", "## Article 2"),
        ("Bulleted list", "- a point\n- another"),
        ("Numbered list", "1. first\n2. then"),
        ("Checkbox", "- [ ] to do\n- [x] done"),
        ("Link", "[the site](https://example.org)"),
        ("Quote", "> quoted text"),
        ("Code", "`motion_3.md`"),
        ("Table", "| For | Against |\n|---|---|\n| 12 | 3 |"),
        ("Separator", "---"),
        ("New paragraph", "an empty line\n\nbetween the two"),
    ],
    markdown_help_lines: "Line numbers come from the text itself (at most 80 characters a line): they are the same on screen, on paper and in the exports.",
    // -- end of line numbers, formatting bar, Markdown help (helper lines) --
    // -- issue 10: share panel, QR code, exports (helper share) --
    share_edit_label: "Edit link",
    share_edit_hint: "Anyone with this link can change the text and decide on amendments: give it only to the people who keep the text.",
    share_view_label: "Read-only link",
    share_view_hint: "Anyone with this link can read everything, the text and the amendments, without being able to change anything.",
    share_keep: "There are no accounts: losing the link means losing the document. Keep it somewhere safe.",
    share_save: "Save to a file",
    share_file_suffix: "links",
    share_file_heading: "Links to the document",
    share_qr_choice: "The QR code holds:",
    share_qr_of_edit: "QR code of the edit link",
    share_qr_of_view: "QR code of the view link",
    share_qr_hint: "For a projector or a printed sheet in a meeting: a phone's camera opens it.",
    share_qr_enlarge: "Full screen",
    share_qr_too_long: "This link is too long for a QR code.",
    untitled_file: "untitled",
    export_button: "Export",
    export_markdown: "Markdown (.md)",
    export_html: "Web page (.html)",
    export_text: "Plain text (.txt)",
    export_print: "Print…",
    export_failed: "This browser could not save the file.",
    // -- end of share panel, QR code, exports (helper share) --
    // -- issue 10: people, colours, name prompt (helper people) --
    people_button: "People here: {n}",
    people_heading: "People",
    people_last_seen: "last seen {time}",
    people_offline: "Offline: who was here when last in touch.",
    colour_heading: "Your colour",
    colour_hint: "Your words and caret show in this colour for everyone.",
    colour_taken_by: "taken by {name}",
    colour_names: [
        "blue", "red", "green", "violet", "orange", "teal", "pink", "olive", "sky blue", "plum",
    ],
    legend_heading: "Who wrote what",
    legend_empty: "Nobody has written yet.",
    prompt_text: "Your name, so the others know who is writing?",
    prompt_later: "Not now",
    // -- end of people, colours, name prompt (helper people) --
    // -- issue 11: history panel, timeline, moment view (helper timeline) --
    history_button: "History",
    history_heading: "History",
    history_intro: "The text's versions, saved on their own when someone stops writing. Choose one to read it.",
    history_empty: "No version yet: the first is saved when someone stops writing.",
    history_list_label: "Versions, the latest first",
    history_now: "Now",
    history_slider: "Moment shown",
    history_slider_value: "{n} of {total}: {moment}",
    history_previous: "Previous version",
    history_next: "Next version",
    history_play: "Replay",
    history_pause: "Pause",
    history_keys: "Left and right arrows: one version at a time. With Shift: from one named version to the next.",
    history_words: "{added} words added, {removed} removed",
    history_by: "by",
    history_restored_from: "Restored from “{from}”",
    history_damaged: "Unreadable version, skipped",
    history_name_label: "Name this version",
    history_name_hint: "For example: Text put to the vote on 12 March",
    history_name_save: "Name",
    history_named: "Version named “{name}”.",
    history_name_failed: "The version could not be named.",
    history_restore: "Restore this version",
    history_restore_question: "Replace the current text with this version's? Nothing is lost: the history keeps everything.",
    history_restore_yes: "Restore",
    history_restore_no: "Cancel",
    history_restored: "Version restored. Ctrl+Z in the text undoes the restore.",
    history_restore_same: "The text already is this version's.",
    history_compare_heading: "Compare two moments",
    history_compare_from: "From",
    history_compare_to: "To",
    history_compare: "Compare",
    history_export_heading: "Export this version",
    history_reader: "With the view link you can browse the history, but not name or restore a version.",
    moment_caption: "The text at {time}",
    moment_label: "The text at this moment, read-only",
    moment_unreadable: "This version cannot be read.",
    // -- end of history panel, timeline, moment view (helper timeline) --
    // -- issue 11: comparison, since last visit (helper compare) --
    compare_heading: "Comparison",
    compare_between: "Between {from} and {to}",
    compare_now: "now",
    compare_seen: "your last visit",
    compare_layout: "Layout",
    compare_inline: "Inline",
    compare_side: "Side by side",
    compare_before: "Before",
    compare_after: "After",
    compare_next: "Next change",
    compare_previous: "Previous change",
    compare_position: "Change {n} of {total}",
    compare_count: "Changes: {total}",
    compare_keys: "Keys n and p (or Alt + ↓ and Alt + ↑): next and previous change.",
    compare_close: "Back to the text",
    compare_print: "Print the comparison",
    compare_summary: "Who changed what",
    compare_person: "Person",
    compare_added: "Words added",
    compare_removed: "Words removed",
    compare_paragraphs: "Paragraphs touched",
    compare_unknown: "Unknown",
    compare_added_by: "Added by {name}",
    compare_removed_by: "Removed by {name}",
    compare_empty: "No difference",
    compare_empty_detail: "The text is the same at these two moments.",
    compare_failed: "These two moments cannot be compared: one of them is damaged or unreadable in this document.",
    since_visit_text: "Other people changed the text since your last visit.",
    since_visit_open: "See what changed since your last visit",
    since_visit_dismiss: "Dismiss",
    // -- end of comparison, since last visit (helper compare) --
    // -- issue 12: amendments list, filters, margin, ranges (helper list) --
    amendments_button: "Amendments",
    amendments_count: "{n} amendment(s)",
    amendments_shown: "{shown} shown of {total}",
    amendments_opening: "Loading the amendments…",
    amendments_none: "No amendment yet.",
    amendments_none_match: "No amendment matches these filters.",
    amendments_status_filed: "Filed",
    amendments_status_discussion: "Under discussion",
    amendments_status_adopted: "Adopted",
    amendments_status_rejected: "Rejected",
    amendments_status_withdrawn: "Withdrawn",
    amendments_status_fallen: "Fallen",
    amendments_number: "A{n}",
    amendments_provisional: "provisional",
    amendments_provisional_title: "Provisional: its number is given once someone who can edit the text is online.",
    amendments_lines: "l. {from}-{to}",
    amendments_line: "l. {from}",
    amendments_gone: "passage gone",
    amendments_replace: "“{passage}” → “{wording}”",
    amendments_delete: "Delete “{passage}”",
    amendments_insert: "Insert “{wording}”",
    amendments_supports: "{n} support(s)",
    amendments_group: "Competing · {n}",
    amendments_altered: "altered",
    amendments_filters: "Filters ({n})",
    amendments_status_legend: "Status",
    amendments_author: "Author",
    amendments_author_any: "Anyone",
    amendments_lines_legend: "Lines",
    amendments_lines_from: "from l.",
    amendments_lines_to: "to l.",
    amendments_colliding: "Competing",
    amendments_undiscussed: "Not yet discussed",
    amendments_mine: "Mine",
    amendments_words: "Search words",
    amendments_sort: "Sort by",
    amendments_sort_text: "Text order",
    amendments_sort_number: "Number",
    amendments_sort_supports: "Supports",
    amendments_clear: "Clear the filters",
    amendments_list_label: "Amendments: arrow keys to move, Enter to open",
    amendments_back: "← Back to the list",
    shortcut_amendment: "Open the amendment at the caret",
    // -- end of amendments list, filters, margin, ranges (helper list) --
    // -- issue 12: filing, amendment detail, debate, share links (helper detail) --
    propose_amendment: "Propose an amendment",
    share_amend_label: "Amend link",
    share_amend_hint: "Anyone with this link can read the text, propose amendments, comment on them and support them, without being able to change the text.",
    share_qr_of_amend: "QR code of the amend link",
    amend_propose_hint: "Select a passage (or place the caret for an insertion), then propose an amendment.",
    amend_line_one: "line {a}",
    amend_line_range: "lines {a}-{b}",
    amend_lines_filed: "{lines} when filed",
    amend_number: "A{n}",
    amend_provisional: "provisional",
    amend_provisional_hint: "Number to come: the browser of someone who keeps the text (edit link) gives it as soon as it is online.",
    amend_status_filed: "filed",
    amend_status_discussion: "under discussion",
    amend_status_adopted: "adopted",
    amend_status_rejected: "rejected",
    amend_status_withdrawn: "withdrawn",
    amend_status_fallen: "fallen",
    amend_by: "by {name}",
    amend_unnamed: "someone unnamed",
    amend_changed: "The passage has changed since the amendment was filed.",
    amend_passage_filed: "When filed",
    amend_passage_now: "Now",
    amend_passage_gone: "Its words were deleted from the text.",
    amend_altered: "Altered: an entry claiming to be this amendment failed its signature check. The last valid version is shown.",
    amend_comment_altered: "Altered: an entry claiming to be this comment failed its signature check.",
    amend_wording: "Proposed wording",
    amend_diff_legend: "Underlined: added. Struck through: removed.",
    amend_rationale: "Rationale",
    amend_sub_of: "Sub-amendment of {n}",
    amend_history: "History",
    amend_history_filed: "Filed by {name}, {time}",
    amend_history_change: "{from} → {to}, by {name}, {time}",
    amend_counts: "for {yes}, against {no}, abstaining {abstain}",
    amend_unanimous: "unanimously",
    amend_fallen_by: "fallen: replaced by {n}",
    amend_comments: "Comments",
    amend_no_comments: "No comments yet.",
    amend_stance: "Position",
    amend_stance_for: "for",
    amend_stance_against: "against",
    amend_stance_neutral: "neutral",
    amend_comment_label: "Your comment",
    amend_comment_send: "Comment",
    amend_comment_empty: "Write your comment before sending it.",
    amend_reply: "Reply",
    amend_reply_to: "Reply to {name}",
    amend_reply_cancel: "Cancel the reply",
    amend_support: "I support it",
    amend_supports: "Supporters: {n}",
    amend_actions: "Actions",
    amend_edit: "Edit",
    amend_withdraw: "Withdraw",
    amend_withdraw_confirm: "Withdraw {n} for good? It stays visible, marked “withdrawn”.",
    amend_withdraw_yes: "Yes, withdraw",
    amend_cancel: "Cancel",
    amend_discuss: "Put under discussion",
    amend_adopt: "Adopt",
    amend_reject: "Reject",
    amend_reopen: "Reopen",
    amend_vote: "Vote",
    amend_vote_none: "No count",
    amend_vote_unanimous: "Unanimously",
    amend_vote_counts: "Vote count",
    amend_vote_yes: "For",
    amend_vote_no: "Against",
    amend_vote_abstain: "Abstaining",
    amend_vote_adopt: "Adopt {n}",
    amend_vote_reject: "Reject {n}",
    amend_vote_bad: "Votes are counted in whole numbers, from 0 to a million.",
    amend_adopted_fell: "{n} is adopted and written into the text. Fallen: {list}.",
    amend_adopted_alone: "{n} is adopted and written into the text; no other amendment falls.",
    amend_form_revise: "Edit amendment {n}",
    amend_form_passage: "Passage",
    amend_form_insertion: "Insertion here, after “{before}”",
    amend_form_insertion_start: "Insertion at the start of the text",
    amend_form_replace: "Replace with",
    amend_form_insert: "Text to insert",
    amend_form_delete: "Delete the passage",
    amend_form_paragraph: "Delete the whole paragraph",
    amend_form_rationale_hint: "Why this amendment? Optional, but it helps convince.",
    amend_form_parent: "Sub-amendment of",
    amend_form_parent_none: "none: it amends the text",
    amend_form_submit: "File the amendment",
    amend_form_save: "Save the changes",
    amend_form_empty: "Write the proposed wording, or choose to delete the passage.",
    // -- end of filing, amendment detail, debate, share links (helper detail) --
    // -- issue 12: amendments session and notices (lead) --
    amend_access: "You can read the text and propose amendments, comment on them and support them; you cannot change the text.",
    amend_badge: "Amendments",
    amendments_unavailable: "Amendments are not available yet: someone who can edit the text must open it once.",
    amendments_forged: "{n} amendment entries do not carry a valid signature: they are ignored, and the amendments they targeted are marked “altered”.",
    amendments_unreadable: "{n} amendment entries are unreadable: they are ignored.",
    amendments_removed: "Someone tried to erase amendments: nothing is lost, they are still shown.",
    amend_error_not_allowed: "Your link does not allow this.",
    amend_error_not_found: "This amendment cannot be found.",
    amend_error_not_the_author: "Only an amendment’s author can change or withdraw it.",
    amend_error_not_filed: "The amendment is already under discussion: it can no longer be changed.",
    amend_error_bad_passage: "This passage is not in the text.",
    amend_error_no_change: "The proposed wording is the passage itself.",
    amend_error_passage_gone: "The passage is gone from the text: its words were deleted.",
    amend_error_decided: "This amendment is already decided.",
    amend_error_too_long: "The text is too long for an amendment.",
    amend_error_not_open: "Amendments are not open yet; try again in a moment.",
    amendment_adopted_version: "A{n} adopted",
    export_amendments: "Amendments (Markdown)",
    amendments_file_suffix: "amendments",
    // -- end of amendments session and notices (lead) --
    // -- issue 13: meeting session and review (lead) --
    meeting_button: "Meeting",
    review_heading: "Since the meeting “{name}” of {date}",
    review_since_time: "What changed since {time}.",
    review_since_legend: "Compare with",
    review_since_result: "the text the meeting adopted",
    review_since_base: "the meeting's base text",
    review_text_heading: "The text",
    review_unchanged: "The text has not changed since.",
    review_text_summary: "{added} word(s) added, {removed} removed, by {names}. Only the paragraphs that changed are shown.",
    review_filed: "Amendments filed since",
    review_decided: "Amendments decided since",
    review_withdrawn: "Amendments withdrawn since",
    review_none: "None.",
    review_new: "new",
    review_votes: "{yes} for, {no} against, {abstain} abstentions",
    review_unanimous: "unanimously",
    review_fallen_by: "fallen: replaced by {n}",
    review_print: "Print",
    review_download: "Download (Markdown)",
    review_file: "since the meeting",
    review_close: "Close",
    review_gone: "This meeting is not in the document.",
    review_failed: "This version cannot be compared: {error}",
    // -- end of meeting session and review (lead) --
    // -- issue 13: meeting panel, agenda, projector (helper chair) --
    meeting_heading: "Meetings",
    meeting_open_heading: "Open a meeting",
    meeting_open_hint: "Opening records a version of the text as it stands: the meeting's base.",
    meeting_name_label: "Meeting name",
    meeting_date_label: "Date",
    meeting_open_submit: "Open the meeting",
    meeting_name_missing: "Give the meeting a name.",
    meeting_base_version: "Base text — {name}",
    meeting_result_version: "Adopted text — {name}",
    meeting_opened: "Meeting opened: the version “{version}” is recorded.",
    meeting_under_way: "Meeting under way: {name}, {date}",
    meeting_none_under_way: "No meeting under way.",
    meeting_follow: "Follow on screen / projector",
    meeting_agenda_heading: "Agenda",
    meeting_agenda_rules: "The assistant's order: the text from top to bottom; on one passage, deletions first, then the amendment furthest from the text; a sub-amendment before its amendment.",
    meeting_agenda_keys: "Drag a row to move it, or use its buttons (Alt+↑ / Alt+↓).",
    meeting_agenda_empty: "No amendment on the agenda.",
    meeting_agenda_counts: "{left} to take of {total}",
    meeting_move_up: "Move {n} up",
    meeting_move_down: "Move {n} down",
    meeting_remove: "Remove {n} from the agenda",
    meeting_show: "Put {n} on screen",
    meeting_on_screen_mark: "on screen",
    meeting_add_label: "Add an open amendment",
    meeting_add_submit: "Add",
    meeting_left: "left the agenda: {reason}",
    meeting_left_fallen: "fallen: replaced by {n}",
    meeting_left_fallen_unknown: "fallen: its passage was replaced",
    meeting_left_withdrawn_meeting: "withdrawn in the meeting",
    meeting_left_withdrawn_author: "withdrawn by its author",
    meeting_left_adopted: "adopted",
    meeting_left_rejected: "rejected",
    meeting_with_counts: "{decision}, {counts}",
    meeting_screen_heading: "On screen",
    meeting_nothing_on_screen: "No amendment on screen.",
    meeting_progress: "{at} / {total}",
    meeting_progress_label: "Amendment {at} of {total} on the agenda",
    meeting_vote_legend: "The vote",
    meeting_adopt: "Adopt",
    meeting_reject: "Reject",
    meeting_withdraw: "Withdrawn in the meeting",
    meeting_withdrawn_note: "Withdrawn in the meeting",
    meeting_next: "Next",
    meeting_previous: "Previous",
    meeting_decision: "Decision: {decision}",
    meeting_said_adopted: "{n} is adopted{counts}: the text has changed.",
    meeting_said_fell: "Fallen, as {n} replaced their passage: {list}.",
    meeting_said_alone: "No other amendment falls.",
    meeting_said_rejected: "{n} is rejected{counts}.",
    meeting_said_withdrawn: "{n} is withdrawn in the meeting.",
    meeting_close: "Close the meeting",
    meeting_close_confirm: "Close “{name}”? The adopted text and the minutes will be recorded, and the meeting can no longer change.",
    meeting_close_yes: "Close",
    meeting_closed: "Meeting closed: the version “{version}” and the minutes are recorded.",
    meeting_past_heading: "Past meetings",
    meeting_past_none: "No closed meeting.",
    meeting_past_item: "{name}, {date}",
    meeting_minutes: "Minutes",
    meeting_col_number: "No.",
    meeting_col_lines: "Lines",
    meeting_col_decision: "Decision",
    meeting_since: "Since this meeting",
    meeting_projector_label: "Meeting projection",
    meeting_projector_leave: "Leave (Esc)",
    meeting_projector_keys: "→ or N: next · ← or P: previous · A: adopt · R: reject · Shift+A: adopted unanimously · Esc: leave",
    meeting_vote_save: "Record",
    shortcut_projector_next: "Projector: next, previous amendment",
    shortcut_projector_decide: "Projector: adopt, reject (asks the vote)",
    shortcut_projector_unanimous: "Projector: adopted unanimously",
    meeting_projector_no_meeting: "No meeting under way.",
    // -- end of meeting panel, agenda, projector (helper chair) --
    // -- issue 13: booklet, adopted text, print, exports (helper booklet) --
    export_papers_heading: "Meeting: booklet and texts",
    export_meeting_label: "Meeting",
    export_meeting_none: "No meeting (every amendment, current text)",
    export_booklet: "Amendment booklet",
    export_adopted: "Adopted text",
    export_amended: "Amended text",
    export_paper_print: "Print",
    booklet_file_suffix: "booklet",
    adopted_file_suffix: "adopted text",
    amended_file_suffix: "amended text",
    print_view_back: "Back to the text",
    print_view_print: "Print",
    print_view_label: "Print preview",
    paper_failed: "This document could not be prepared: the meeting's version is missing from this text's history.",
    // -- end of booklet, adopted text, print, exports (helper booklet) --
    // -- issue 14: the map page, new map, arguments in texts (lead) --
    new_map: "New argument map",
    new_map_hint: "To build a case together: a question, the arguments for and against, the objections and our answers.",
    citations_button: "Quoted arguments",
    citations_heading: "Arguments quoted in this text",
    citations_empty: "This text quotes no argument yet. \"Insert an argument\" adds one from your maps.",
    citation_current: "Up to date",
    citation_changed: "The argument was reworded in the map:",
    citation_unknown: "Map not opened in this browser yet: it cannot be checked.",
    citation_gone: "The argument is no longer in the map (deleted or merged).",
    citation_update: "Update the quote",
    citation_updated: "Quote updated.",
    citation_open_map: "Open the map",
    cite_button: "Insert an argument",
    cite_heading: "Insert an argument",
    cite_search_label: "Search your argument maps",
    cite_no_maps: "This browser knows no argument map yet. Open one (or create it from the start page), then come back.",
    cite_no_match: "No argument matches.",
    cite_insert: "Insert",
    cite_close: "Close",
    cite_loading: "Reading the maps…",
    cite_view_link_note: "The quote keeps the map's view link: the text's readers can open it, read-only.",
    cite_inserted: "Argument inserted as a quote.",
    cite_read_only: "This link cannot change the text.",
    cite_in_rationale: "Quote an argument from a map",
    arg_error_not_allowed: "This link cannot change the map.",
    arg_error_not_found: "This argument is no longer in the map.",
    arg_error_cycle: "Not possible: an argument cannot go under itself or under what depends on it.",
    arg_error_empty: "An argument needs a statement.",
    arg_error_too_long: "The statement is too long (2,000 characters at most): put the rest in the explanation.",
    arg_error_bad_merge: "An argument cannot be merged with itself or with what depends on it.",
    // -- issue 14: tree, focused claim, editing, endorsements (helper map) --
    map_tree_label: "Argument tree",
    map_keys_hint: "Keyboard: ↑ ↓ to go through, → ← to expand or collapse, Enter to open, Alt+↑ ↓ to reorder, M to move.",
    map_keys_hint_read: "Keyboard: ↑ ↓ to go through, → ← to expand or collapse, Enter to open.",
    map_empty_heading: "This map is empty: what does it start from?",
    map_empty_read_only: "This map is still empty.",
    map_top_kind_label: "It is",
    map_kind_question: "a question",
    map_kind_thesis: "a thesis",
    map_top_text_label: "The question or thesis",
    map_top_placeholder: "Should we…?",
    map_top_submit: "Start the map",
    map_add_top: "Add another question or thesis",
    map_add_top_submit: "Add at the top",
    map_role_question: "Question",
    map_role_thesis: "Thesis",
    map_role_pro: "For",
    map_role_con: "Against",
    map_role_objection: "Objection",
    map_role_answer: "Answer",
    map_role_support: "Support",
    map_search_label: "Search",
    map_search_placeholder: "Words of the statement, explanation or tags",
    map_tag_label: "Tag",
    map_tag_all: "All",
    map_matches: "{n} of {total} match.",
    map_no_match: "No argument matches.",
    map_matches_first: "The first {n} are shown.",
    map_more_matches: "Show {n} more",
    map_clear_filter: "Clear the filter",
    map_expand: "Expand",
    map_collapse: "Collapse",
    map_under_count: "{n} below",
    map_endorse_count: "{n} use it",
    map_by: "by {name}",
    map_edited_by: "edited by {name}",
    map_unnamed: "someone",
    map_open: "Open",
    map_back: "Back to the tree",
    map_focus_label: "Opened argument",
    map_breadcrumb: "Where it stands",
    map_pros_heading: "For",
    map_cons_heading: "Against",
    map_no_pros: "No argument for yet.",
    map_no_cons: "No argument against yet.",
    map_add_pro: "Add an argument for",
    map_add_con: "Add an argument against",
    map_new_claim_label: "Statement of the new argument",
    map_add_submit: "Add",
    map_cancel: "Cancel",
    map_added: "Argument added.",
    map_edit: "Edit",
    map_save: "Save",
    map_saved: "Changes saved.",
    map_statement_label: "Statement",
    map_note_label: "Explanation (Markdown)",
    map_tags_field_label: "Tags (comma separated)",
    map_stance_label: "Toward the argument above",
    map_stance_pro: "for",
    map_stance_con: "against",
    map_sources_heading: "Sources",
    map_source_url: "Link",
    map_source_title: "Title",
    map_source_quote: "Quote",
    map_source_date: "Date",
    map_source_add: "Add a source",
    map_source_remove: "Remove this source",
    map_delete: "Delete",
    map_delete_confirm: "Delete \"{text}\" and the {n} arguments below it? The list of deleted arguments will let you restore them.",
    map_delete_confirm_alone: "Delete \"{text}\"? The list of deleted arguments will let you restore it.",
    map_delete_yes: "Yes, delete",
    map_deleted_said: "Deleted. The list of deleted arguments, below the tree, lets you restore it.",
    map_deleted_heading: "Deleted ({n})",
    map_restore: "Restore",
    map_restored: "Restored.",
    map_move: "Move…",
    map_move_hint: "Moving \"{text}\": pick in the tree the argument to put it under (arrows, then Enter), or Escape to cancel.",
    map_move_here: "Put here",
    map_move_to_top: "Put at the top",
    map_move_cancel: "Cancel the move",
    map_moved: "Moved under \"{text}\".",
    map_moved_top: "Put at the top of the map.",
    map_move_cancelled: "Move cancelled.",
    map_reordered: "Order changed.",
    map_moving_badge: "being moved",
    map_refused_heading: "Moves not applied",
    map_refused_cycle: "\"{claim}\" was not put under \"{parent}\": someone had already put \"{parent}\" under it. It stays where it was.",
    map_refused_no_parent: "\"{claim}\" was not moved: the argument it was to go under is not in this map.",
    map_refused_unreachable: "\"{claim}\" was caught in a loop of duplicates: it is shown at the top.",
    map_merge: "Mark as duplicate of…",
    map_merge_label: "Duplicate of",
    map_merge_submit: "Merge",
    map_merged: "Merged into \"{text}\".",
    map_merged_here: "Duplicates merged here",
    map_unmerge: "Undo the merge",
    map_unmerged: "Merge undone: the argument stands on its own again.",
    map_endorse: "I use this argument",
    map_who: "Who?",
    map_nobody: "Nobody yet.",
    map_strength_legend: "Strength",
    map_strength_0: "none",
    map_strength_1: "weak",
    map_strength_2: "fair",
    map_strength_3: "strong",
    map_strength_4: "decisive",
    map_strength_mean: "Mean strength: {mean} of 4 ({n} votes).",
    map_strength_none: "No vote on its strength yet.",
    map_strength_clear: "Take my vote back",
    map_comments_heading: "Proposals",
    map_comment_stance_label: "I propose",
    map_comment_pro: "an argument for",
    map_comment_con: "an argument against",
    map_comment_reword: "a rewording",
    map_comment_text_label: "Your proposal",
    map_comment_submit: "Propose",
    map_commented: "Proposal sent.",
    map_no_comments: "No proposal.",
    map_comment_accept_claim: "Make it an argument",
    map_comment_accept_reword: "Reword it so",
    map_read_only: "Read-only: this link lets you read the map, not change it.",
    // -- end of tree, focused claim, editing, endorsements (helper map) --
    // -- issue 14: talking-points sheet, Argdown, map exports (helper sheet) --
    map_export_button: "Export",
    map_sheet_open: "Talking points…",
    map_argdown_export: "Export as Argdown",
    map_argdown_import: "Import from Argdown…",
    map_export_failed: "The file could not be saved.",
    sheet_heading: "Talking points",
    sheet_subject_label: "Subject",
    sheet_subject_claims: "A question or a thesis",
    sheet_subject_tags: "A tag",
    sheet_key_label: "Key message",
    sheet_key_help: "Empty: the subject's statement.",
    sheet_arguments_heading: "Arguments (tick those to print)",
    sheet_pairs_heading: "They say… / We answer… (tick those to print)",
    sheet_they: "They say",
    sheet_we: "We answer",
    sheet_up: "Move up",
    sheet_down: "Move down",
    sheet_no_arguments: "No argument on this subject.",
    sheet_no_pairs: "No objection with its answer.",
    sheet_unanswered: "{n} objection(s) with no answer: not printed.",
    sheet_empty_map: "The map is empty: add a question first.",
    sheet_preview_label: "Preview of the talking points",
    sheet_print: "Print",
    sheet_close: "Close",
    sheet_file_suffix: "talking points",
    sheet_moved: "“{what}”: place {n}.",
    import_heading: "Import from Argdown",
    import_help: "Paste an Argdown text or choose an .argdown file: its claims are added to the map, after the others.",
    import_text_label: "Argdown text",
    import_file_label: "Or a file",
    import_button: "Import",
    import_close: "Close",
    import_done: "{n} claim(s) added to the map.",
    import_warnings_heading: "Read otherwise than written:",
    import_line: "Line {n}",
    import_too_large: "This text is too long to import (8 MB at most).",
    import_empty: "This text has no claim.",
    import_unreadable: "This file could not be read (a UTF-8 text is expected).",
    import_warnings: [
        "unknown syntax: the line is kept as a claim",
        "indented with no + or - sign: read as a support",
        "a relation sign with nothing above: placed at the top",
        "outgoing relation (+> or ->): read as incoming",
        "title seen before: the claim stays where it first stood",
        "too deep: placed at the deepest level allowed",
        "unreadable or unknown {…} data: kept in the text or left out",
        "second heading: the map has one title",
        "separator line or front matter skipped",
        "comment never closed: the rest is skipped",
        "too long: cut",
        "too many claims: the rest is not read",
        "more remarks, not detailed",
    ],
    // -- issue 15: revoking a member, sealed rooms (helper revoke) --
    problem_room_sealed: "This document changed keys after a member was removed, and this browser was not given the new ones: your access was withdrawn. This copy stays readable here, but can no longer be written.",
    problem_followed: "This document changed keys after a member was removed: you now follow its new address.",
    // -- end of revoking a member, sealed rooms (helper revoke) --
};

// -- issue 15: workspace page, search, import and export (helper space) --

/// The workspace page's words (issue 15, helper space).
#[derive(Debug)]
pub struct WorkspaceStrings {
    /// Whether these are the French words (for the sentences with counts).
    pub fr: bool,
    pub page_kind: &'static str,
    pub entries_heading: &'static str,
    pub empty: &'static str,
    pub sort_label: &'static str,
    pub sort_recent: &'static str,
    pub sort_title: &'static str,
    pub kind_text: &'static str,
    pub kind_arguments: &'static str,
    pub kind_meeting: &'static str,
    pub kind_unknown: &'static str,
    pub pinned: &'static str,
    pub pin: &'static str,
    pub unpin: &'static str,
    pub folder_label: &'static str,
    pub no_folder: &'static str,
    pub folder_rename: &'static str,
    pub folder_save: &'static str,
    pub folder_remove: &'static str,
    pub folder_remove_hint: &'static str,
    pub remove: &'static str,
    pub remove_text: &'static str,
    pub remove_confirm: &'static str,
    pub index_title: &'static str,
    pub opened_here: &'static str,
    pub link_unreadable: &'static str,
    pub actions_heading: &'static str,
    pub new_text: &'static str,
    pub new_map: &'static str,
    pub new_meeting: &'static str,
    pub add_existing: &'static str,
    pub add_existing_hint: &'static str,
    pub add_button: &'static str,
    pub added: &'static str,
    pub add_self: &'static str,
    pub add_twice: &'static str,
    pub add_failed: &'static str,
    pub new_folder: &'static str,
    pub new_folder_button: &'static str,
    pub search_label: &'static str,
    pub title_results: &'static str,
    pub text_results: &'static str,
    pub import_heading: &'static str,
    pub import_hint: &'static str,
    pub import_files: &'static str,
    pub import_folder: &'static str,
    pub importing: &'static str,
    pub import_not_text: &'static str,
    pub import_too_big: &'static str,
    pub import_too_many: &'static str,
    pub import_failed: &'static str,
    pub import_drop_folder: &'static str,
    pub export_heading: &'static str,
    pub export_button: &'static str,
    pub export_hint: &'static str,
    pub export_untitled: &'static str,
    pub export_why: &'static str,
    pub remove_duplicates: &'static str,
    pub export_failed: &'static str,
    pub leave: &'static str,
    pub leave_text: &'static str,
    pub leave_confirm: &'static str,
    pub new_workspace: &'static str,
    pub new_workspace_hint: &'static str,
    pub name_label: &'static str,
    pub name_missing: &'static str,
    pub emblem_label: &'static str,
    pub emblem_colour: &'static str,
    pub emblem_other: &'static str,
    pub create: &'static str,
    pub home_heading: &'static str,
    pub share_edit_label: &'static str,
    pub share_edit_hint: &'static str,
    pub share_read_label: &'static str,
    pub share_read_hint: &'static str,
    pub share_view_label: &'static str,
    pub share_view_hint: &'static str,
}

impl WorkspaceStrings {
    /// How many documents the full text covered.
    pub fn searched(&self, searched: usize, total: usize) -> String {
        if self.fr {
            format!("{searched} documents ouverts dans ce navigateur sur {total}")
        } else {
            format!("{searched} documents opened in this browser out of {total}")
        }
    }

    /// Entries of the index that do not read, left out.
    pub fn refused(&self, count: usize) -> String {
        if self.fr {
            format!("{count} entrée(s) illisible(s) de l’index ne sont pas affichées (écrites par une version plus récente, ou abîmées).")
        } else {
            format!("{count} unreadable entry(ies) of the index are not shown (written by a newer version, or damaged).")
        }
    }

    /// Second entries of documents already listed.
    pub fn duplicates(&self, count: usize) -> String {
        if self.fr {
            format!("{count} document(s) figurent deux fois dans l’index\u{a0}; seule la première entrée est affichée.")
        } else {
            format!(
                "{count} document(s) are listed twice in the index; only the first entry is shown."
            )
        }
    }

    /// What an import made.
    pub fn imported(&self, made: usize) -> String {
        if self.fr {
            format!("{made} document(s) créé(s) dans l’espace.")
        } else {
            format!("{made} document(s) created in the workspace.")
        }
    }

    /// How many of the imported documents reached the relay.
    pub fn import_sent(&self, sent: usize, total: usize) -> String {
        if self.fr {
            format!("{sent} sur {total} envoyés au serveur.")
        } else {
            format!("{sent} of {total} sent to the server.")
        }
    }

    /// What the zip holds.
    pub fn exported(&self, kept: usize) -> String {
        if self.fr {
            format!("{kept} document(s) dans le zip.")
        } else {
            format!("{kept} document(s) in the zip.")
        }
    }

    /// What the zip left out, and why.
    pub fn export_left_out(&self, count: usize) -> String {
        if self.fr {
            format!("{count} laissé(s) de côté\u{a0}: jamais ouverts dans ce navigateur, qui n’en a pas de copie à lire\u{a0}:")
        } else {
            format!("{count} left out: never opened in this browser, which has no copy of them to read:")
        }
    }
}

pub static WS_FR: WorkspaceStrings = WorkspaceStrings {
    fr: true,
    page_kind: "Espace de travail",
    entries_heading: "Documents",
    empty: "Aucun document pour l’instant. Créez-en un ou ajoutez un lien.",
    sort_label: "Trier",
    sort_recent: "Activité récente",
    sort_title: "Titre",
    kind_text: "Texte",
    kind_arguments: "Carte d’arguments",
    kind_meeting: "Séance",
    kind_unknown: "Document",
    pinned: "Épinglé",
    pin: "Épingler",
    unpin: "Désépingler",
    folder_label: "Dossier\u{a0}:",
    no_folder: "Aucun",
    folder_rename: "Renommer",
    folder_save: "Enregistrer",
    folder_remove: "Supprimer le dossier",
    folder_remove_hint: "Ses documents reviennent au premier niveau.",
    remove: "Retirer de l’espace",
    remove_text: "Le document n’est pas supprimé\u{a0}: ceux qui ont son lien y ont toujours accès.",
    remove_confirm: "Retirer",
    index_title: "Titre dans l’espace\u{a0}:",
    opened_here: "Ouvert dans ce navigateur",
    link_unreadable: "(lien illisible)",
    actions_heading: "Ajouter des documents",
    new_text: "Nouveau texte",
    new_map: "Nouvelle carte d’arguments",
    new_meeting: "Nouvelle séance",
    add_existing: "Ajouter un document existant",
    add_existing_hint: "Collez son lien. Le lien le plus fort est chiffré pour les éditeurs de l’espace\u{a0}; les autres membres reçoivent le lien de lecture.",
    add_button: "Ajouter",
    added: "Document ajouté.",
    add_self: "C’est le lien de cet espace lui-même.",
    add_twice: "Ce document est déjà dans l’espace.",
    add_failed: "Le document n’a pas pu être ajouté.",
    new_folder: "Nouveau dossier",
    new_folder_button: "Créer le dossier",
    search_label: "Rechercher dans l’espace",
    title_results: "Titres",
    text_results: "Texte intégral",
    import_heading: "Importer des fichiers",
    import_hint: "Fichiers Markdown ou texte (.md, .txt)\u{a0}: choisissez-les, choisissez un dossier, ou déposez-les ici. Chacun devient un texte de l’espace.",
    import_files: "Choisir des fichiers",
    import_folder: "Choisir un dossier",
    importing: "Import en cours…",
    import_not_text: "n’est pas un fichier texte\u{a0}: refusé.",
    import_too_big: "est trop gros (plus de 2\u{a0}Mo)\u{a0}: refusé.",
    import_too_many: "dépasse les 500 fichiers d’un import\u{a0}: refusé.",
    import_failed: "n’a pas pu être créé.",
    import_drop_folder: "Rien à lire dans ce dépôt\u{a0}: pour un dossier, utilisez «\u{a0}Choisir un dossier\u{a0}».",
    export_heading: "Exporter",
    export_button: "Exporter en Markdown (zip)",
    export_hint: "Les documents que ce navigateur peut lire (ceux déjà ouverts ici).",
    export_untitled: "espace",
    export_why: "jamais ouvert dans ce navigateur",
    remove_duplicates: "Retirer les doublons",
    export_failed: "Le zip n’a pas pu être fait (un document trop gros\u{a0}?).",
    leave: "Quitter l’espace",
    leave_text: "Ce navigateur oublie les clés de l’espace et sa copie. L’espace et ses documents restent sur le serveur pour ceux qui ont leurs liens.",
    leave_confirm: "Quitter",
    new_workspace: "Nouvel espace de travail",
    new_workspace_hint: "Un index des documents du groupe, partagé avec ses membres.",
    name_label: "Nom de l’espace",
    name_missing: "Donnez un nom à l’espace.",
    emblem_label: "Emblème",
    emblem_colour: "Couleur",
    emblem_other: "Ou un autre emoji\u{a0}:",
    create: "Créer l’espace",
    home_heading: "Vos espaces de travail",
    share_edit_label: "Lien d’édition de l’espace",
    share_edit_hint: "Pour les éditeurs\u{a0}: ajouter, ranger et retirer des documents, et les ouvrir avec leur lien le plus fort.",
    share_read_label: "Lien de lecture (membres)",
    share_read_hint: "Pour les membres\u{a0}: lire l’espace et ouvrir chaque document en lecture.",
    share_view_label: "Lien de lecture",
    share_view_hint: "Lit l’espace et ses documents en lecture.",
};

pub static WS_EN: WorkspaceStrings = WorkspaceStrings {
    fr: false,
    page_kind: "Workspace",
    entries_heading: "Documents",
    empty: "No documents yet. Create one or add a link.",
    sort_label: "Sort",
    sort_recent: "Recent activity",
    sort_title: "Title",
    kind_text: "Text",
    kind_arguments: "Argument map",
    kind_meeting: "Meeting",
    kind_unknown: "Document",
    pinned: "Pinned",
    pin: "Pin",
    unpin: "Unpin",
    folder_label: "Folder:",
    no_folder: "None",
    folder_rename: "Rename",
    folder_save: "Save",
    folder_remove: "Remove the folder",
    folder_remove_hint: "Its documents go back to the top level.",
    remove: "Remove from the workspace",
    remove_text: "The document is not deleted: whoever has its link still has access to it.",
    remove_confirm: "Remove",
    index_title: "Title in the workspace:",
    opened_here: "Opened in this browser",
    link_unreadable: "(unreadable link)",
    actions_heading: "Add documents",
    new_text: "New text",
    new_map: "New argument map",
    new_meeting: "New meeting",
    add_existing: "Add an existing document",
    add_existing_hint: "Paste its link. The strongest link is encrypted for the workspace’s editors; other members get the read link.",
    add_button: "Add",
    added: "Document added.",
    add_self: "This is the link of this workspace itself.",
    add_twice: "This document is already in the workspace.",
    add_failed: "The document could not be added.",
    new_folder: "New folder",
    new_folder_button: "Create the folder",
    search_label: "Search the workspace",
    title_results: "Titles",
    text_results: "Full text",
    import_heading: "Import files",
    import_hint: "Markdown or text files (.md, .txt): pick them, pick a folder, or drop them here. Each becomes a text of the workspace.",
    import_files: "Choose files",
    import_folder: "Choose a folder",
    importing: "Importing…",
    import_not_text: "is not a text file: refused.",
    import_too_big: "is too large (over 2 MB): refused.",
    import_too_many: "is beyond the 500 files of one import: refused.",
    import_failed: "could not be created.",
    import_drop_folder: "Nothing to read in this drop: for a folder, use “Choose a folder”.",
    export_heading: "Export",
    export_button: "Export as Markdown (zip)",
    export_hint: "The documents this browser can read (those opened here before).",
    export_untitled: "workspace",
    export_why: "never opened in this browser",
    remove_duplicates: "Remove the duplicates",
    export_failed: "The zip could not be made (a document too large?).",
    leave: "Leave the workspace",
    leave_text: "This browser forgets the workspace’s keys and its copy. The workspace and its documents stay on the server for whoever has their links.",
    leave_confirm: "Leave",
    new_workspace: "New workspace",
    new_workspace_hint: "An index of the group’s documents, shared with its members.",
    name_label: "Name of the workspace",
    name_missing: "Give the workspace a name.",
    emblem_label: "Emblem",
    emblem_colour: "Colour",
    emblem_other: "Or another emoji:",
    create: "Create the workspace",
    home_heading: "Your workspaces",
    share_edit_label: "Workspace edit link",
    share_edit_hint: "For editors: add, file and remove documents, and open them with their strongest link.",
    share_read_label: "Read link (members)",
    share_read_hint: "For members: read the workspace and open each document read-only.",
    share_view_label: "Read link",
    share_view_hint: "Reads the workspace and its documents.",
};
// -- end of workspace page, search, import and export (helper space) --

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_with_regions_and_any_case_are_recognised() {
        assert_eq!(Lang::from_tag("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("FR"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de-DE"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn the_first_available_preference_wins() {
        assert_eq!(Lang::negotiate(["de-DE", "en-US", "fr"]), Lang::En);
        assert_eq!(Lang::negotiate(["fr-BE", "en"]), Lang::Fr);
        assert_eq!(Lang::negotiate(["de", "it"]), Lang::DEFAULT);
        assert_eq!(Lang::negotiate([]), Lang::DEFAULT);
    }

    #[test]
    fn every_tag_maps_back_to_its_language() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
    }

    #[test]
    fn a_divergence_names_the_co_authors_in_every_language() {
        for lang in Lang::ALL {
            let strings = lang.strings();
            let said = strings.diverged_with(&["Aïcha".to_owned(), " ".to_owned()]);
            assert!(
                said.starts_with(&format!("Aïcha, {} ", strings.presence_unnamed)),
                "{said}"
            );
            assert!(!said.contains("{names}"), "{said}");
        }
    }

    #[test]
    fn every_link_error_has_a_message_in_every_language() {
        for lang in Lang::ALL {
            let strings = lang.strings();
            let messages: Vec<_> = [LinkError::NoKey, LinkError::Truncated, LinkError::Damaged]
                .iter()
                .map(|error| strings.link_error(error))
                .collect();
            assert!(messages.iter().all(|m| !m.is_empty()), "{lang:?}");
            assert_eq!(
                messages.len(),
                messages
                    .iter()
                    .collect::<std::collections::HashSet<_>>()
                    .len(),
                "{lang:?}: two errors share a message"
            );
        }
    }

    #[test]
    fn every_problem_is_told_in_words() {
        let closes = [1002, 1009, 1013, 4001, 4002, 4003, 4999];
        for lang in Lang::ALL {
            let strings = lang.strings();
            for code in closes {
                let told = strings.problem(Problem::Closed(code)).expect("told");
                assert!(!told.is_empty());
            }
            for code in ErrorCode::ALL {
                if let Some(told) = strings.problem(Problem::Refused {
                    code,
                    dropped: false,
                }) {
                    assert!(!told.is_empty(), "{lang:?} {code:?}");
                }
            }
            let more = [
                Problem::Suspicious(protocol::Suspicion::Withheld {
                    from: 1,
                    to: 2,
                    count: 2,
                }),
                Problem::Suspicious(protocol::Suspicion::UnknownAck {
                    msg_id: [0; 16],
                    seq: 3,
                }),
                Problem::Suspicious(protocol::Suspicion::OutOfOrder { seq: 1, after: 2 }),
                Problem::Suspicious(protocol::Suspicion::RelayBehind {
                    head: 1,
                    applied: 2,
                }),
                Problem::Missing,
                Problem::Diverged,
                Problem::ForgedSnapshot,
            ];
            let told: std::collections::HashSet<_> = more
                .iter()
                .map(|p| strings.problem(*p).expect("told"))
                .collect();
            assert_eq!(told.len(), more.len(), "{lang:?}: each in its own words");
            for code in [ErrorCode::NotAllowed, ErrorCode::TokenRequired] {
                let told = strings.problem(Problem::Refused {
                    code,
                    dropped: false,
                });
                assert!(
                    told.is_some_and(|t| t != strings.problem_refused_other),
                    "{lang:?} {code:?}"
                );
            }
            // Words, never the attempt's number or a count of updates.
            let lost = strings.status_sentence(Connection::Reconnecting { attempt: 3 }, true, None);
            assert!(!lost.contains('3'), "{lang:?}: {lost}");
            assert!(lost.contains(strings.badge_pending), "{lang:?}: {lost}");
            let offline = strings.status_sentence(Connection::Offline, false, None);
            assert!(
                !offline.contains(strings.badge_pending),
                "{lang:?}: {offline}"
            );
            assert_eq!(
                strings.status_sentence(Connection::Online, false, None),
                strings.status_synced
            );
            assert_eq!(
                strings.status_sentence(Connection::Online, true, None),
                format!("{}.", strings.badge_pending)
            );
            assert!(strings
                .status_sentence(Connection::Offline, true, Some((2, 9)))
                .ends_with("2 / 9"));
            assert!(!strings
                .status_sentence(Connection::Online, true, Some((2, 9)))
                .contains("2 / 9"));
        }
    }

    #[test]
    fn languages_differ() {
        assert_ne!(FR.new_text, EN.new_text);
        assert_ne!(FR.link_damaged, EN.link_damaged);
    }
}
