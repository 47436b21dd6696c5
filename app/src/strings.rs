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

use protocol::LinkError;

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
    pub edit_link_label: &'static str,
    pub edit_link_warning: &'static str,
    pub view_link_label: &'static str,
    pub view_link_hint: &'static str,
    pub room_label: &'static str,
    pub editor_coming: &'static str,
    pub privacy_note: &'static str,
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
}

pub static FR: Strings = Strings {
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
    edit_link_label: "Lien d'écriture",
    edit_link_warning:
        "Toute personne qui a ce lien peut modifier le texte. Ne le partagez qu'avec votre groupe.",
    view_link_label: "Lien de lecture",
    view_link_hint: "Ce lien permet de lire le texte sans le modifier.",
    room_label: "Salon\u{a0}:",
    editor_coming: "L'éditeur arrive bientôt.",
    privacy_note:
        "Les clés restent dans votre navigateur\u{a0}: le serveur ne voit jamais le texte.",
};

pub static EN: Strings = Strings {
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
    edit_link_label: "Edit link",
    edit_link_warning: "Anyone with this link can change the text. Share it only with your group.",
    view_link_label: "Read-only link",
    view_link_hint: "This link lets people read the text without changing it.",
    room_label: "Room:",
    editor_coming: "The editor is coming soon.",
    privacy_note: "The keys stay in your browser: the server never sees the text.",
};

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
    fn languages_differ() {
        assert_ne!(FR.new_text, EN.new_text);
        assert_ne!(FR.link_damaged, EN.link_damaged);
    }
}
