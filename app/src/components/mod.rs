//! The Leptos components, one per file. They read their words from the
//! [`crate::locale::Locale`] context and keep logic out of `view!`.

pub mod amendment_detail;
pub mod amendment_form;
pub mod amendment_list;
pub mod app;
pub mod authorship_toggle;
pub mod backdrop;
pub mod bad_link;
pub mod compare_view;
pub mod copy_button;
pub mod document;
pub mod editor;
pub mod export_menu;
pub mod forget;
pub mod format_bar;
pub mod gutter;
pub mod history_panel;
pub mod home;
pub mod lang_switch;
pub mod local_document;
pub mod markdown_help;
pub mod moment_view;
pub mod name_field;
pub mod new_text;
pub mod open_link;
pub mod people;
pub mod presence_list;
pub mod preview;
pub mod recent;
pub mod share_panel;
pub mod shortcuts;
pub mod since_last_visit;
pub mod status_line;
pub mod tab_notice;
pub mod text_views;
pub mod title_field;
