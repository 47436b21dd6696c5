//! A workspace in and out of files: a folder of Markdown or text files
//! imported as documents, and the whole workspace exported as a ZIP of
//! Markdown (the app's "Exporter" and `cahier export WORKSPACE_LINK
//! --zip`). The archive is written by [`crate::meeting::zip`], the
//! booklet's ODT writer.
//!
//! The archive holds no link: a workspace exported to be archived or
//! printed must not carry the keys that open its documents.

use std::collections::HashSet;

use super::{sorted, EntryKind, Sort, Workspace};
use crate::meeting::zip::{Method, Zip, ZipError};

/// The largest file imported, in bytes: a congress text is ~700 KB.
pub const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;
/// File names kept, in characters (without the extension).
const MAX_NAME: usize = 80;

/// Why a file was not imported. The messages are for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("only Markdown and text files (.md, .markdown, .txt) are imported")]
    NotText,
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    #[error("the file is larger than 4 MB")]
    TooLarge,
}

/// A file read for import: its title and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub title: String,
    pub body: String,
}

/// Read one file for import: Markdown or plain text, UTF-8 (a byte order
/// mark dropped, Windows line ends made plain). The title is the first
/// `# heading` in the first lines, or the file's name without extension.
pub fn import_file(name: &str, bytes: &[u8]) -> Result<Imported, ImportError> {
    let lower = name.to_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    let text_ext = [".md", ".markdown", ".txt", ".text"].iter().any(|ext| base.ends_with(ext));
    if !text_ext {
        return Err(ImportError::NotText);
    }
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotUtf8)?;
    if text.contains('\0') {
        return Err(ImportError::NotUtf8);
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let body = text.replace("\r\n", "\n").replace('\r', "\n");
    Ok(Imported {
        title: title_from_file(name, &body),
        body,
    })
}

/// A document's title from its file: the first ATX heading among the
/// first 20 lines, else the file name without its folder and extension,
/// `_` and `-` read as spaces.
pub fn title_from_file(name: &str, text: &str) -> String {
    for line in text.lines().take(20) {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix('#') {
            let heading = rest.trim_start_matches('#').trim().trim_end_matches('#').trim();
            if !heading.is_empty() && rest.starts_with([' ', '#']) {
                return heading.chars().take(super::MAX_TITLE).collect();
            }
        }
    }
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = match base.rfind('.') {
        Some(dot) => &base[..dot],
        _ => base,
    };
    let title = stem.replace(['_', '-'], " ");
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        "Sans titre".to_owned()
    } else {
        title.chars().take(super::MAX_TITLE).collect()
    }
}

/// A name safe in an archive and on every disk: no separators, no control
/// or reserved characters, no leading dot, not empty, not too long.
fn safe(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '-',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = cleaned.trim_start_matches('.').trim();
    let cleaned: String = cleaned.chars().take(MAX_NAME).collect();
    if cleaned.is_empty() {
        "Sans titre".to_owned()
    } else {
        cleaned
    }
}

/// Each entry's path in the archive, in list order by title: `Folder/Title.md`
/// (a map: `.argdown`), unique (a second "Tract" is `Tract (2).md`).
pub fn markdown_paths(workspace: &Workspace) -> Vec<(String, String)> {
    // The archive's own index is `index.md`.
    let mut taken: HashSet<String> = HashSet::from(["index.md".to_owned()]);
    let mut out = Vec::with_capacity(workspace.entries.len());
    for entry in sorted(&workspace.entries, Sort::Title) {
        let folder = workspace.folder(&entry.folder).map(|f| safe(&f.name));
        let stem = safe(&entry.title);
        let ext = match entry.kind {
            EntryKind::Arguments => "argdown",
            EntryKind::Text | EntryKind::Meeting => "md",
        };
        let mut n = 1;
        let path = loop {
            let name = if n == 1 {
                format!("{stem}.{ext}")
            } else {
                format!("{stem} ({n}).{ext}")
            };
            let path = match &folder {
                Some(folder) => format!("{folder}/{name}"),
                None => name,
            };
            // Case aside: two names that differ only in case collide on
            // the disks of Windows and macOS.
            if taken.insert(path.to_lowercase()) {
                break path;
            }
            n += 1;
        };
        out.push((entry.id.clone(), path));
    }
    out
}

/// The archive: each `(path, text)` deflated, then `index.md` listing the
/// workspace's documents and those left out (with why), so the archive
/// says what it does not hold.
pub fn zip_markdown(
    workspace: &Workspace,
    files: &[(String, String)],
    left_out: &[(String, String)],
) -> Result<Vec<u8>, ZipError> {
    let mut zip = Zip::new();
    let mut index = format!("# {}\n\n", if workspace.name.is_empty() { "Espace de travail" } else { &workspace.name });
    for (path, _) in files {
        index.push_str(&format!("- [{path}](<{path}>)\n"));
    }
    if !left_out.is_empty() {
        index.push_str("\n## Non exportés / Not exported\n\n");
        for (title, why) in left_out {
            index.push_str(&format!("- {title}: {why}\n"));
        }
    }
    for (path, text) in files {
        zip.add(path, text.as_bytes(), Method::Deflated(6))?;
    }
    zip.add("index.md", index.as_bytes(), Method::Deflated(6))?;
    zip.finish()
}
