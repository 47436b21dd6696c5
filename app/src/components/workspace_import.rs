//! Bringing files in and taking the workspace out.
//!
//! **Import** (an editor): Markdown or text files, picked one by one, as
//! a whole folder (`webkitdirectory`) or dropped on the zone, each become
//! a text document of the workspace, its body the file's text and its
//! title the file's (its first heading, or its name:
//! [`model::workspace::files::import_file`]). A file that is not
//! UTF-8 text (an image, a PDF, a word processor's file) is refused, in
//! words, by name. Each new document is sent by a session of its own
//! ([`crate::session::workspace::create_text`]); the page says how many
//! have reached the relay.
//!
//! **Export** (everyone): a zip of Markdown, one file per document this
//! browser can read, from its saved copy; the page says which were left
//! out and why (never opened in this browser).

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use model::workspace::files::{self, ImportError};
use model::workspace::EntryKind;

use crate::components::workspace_actions::add_link;
use crate::components::workspace_page::use_workspace_view;
use crate::file_name::file_name;
use crate::locale::use_locale;
use crate::platform::download;
use crate::session::workspace::{create_text, use_doc_workspace};
use crate::session::DocSession;

/// The most files one import takes.
const MAX_FILES: usize = 500;
/// The largest file an import reads, in bytes (the model's limit).
const MAX_FILE_BYTES: f64 = files::MAX_IMPORT_BYTES as f64;

async fn read_bytes(file: &web_sys::File) -> Option<Vec<u8>> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn file_list(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// What one import did.
#[derive(Clone, Debug, Default)]
struct Outcome {
    made: usize,
    /// Files refused: their names, and why.
    refused: Vec<(String, &'static str)>,
}

#[component]
pub fn WorkspaceImport() -> impl IntoView {
    let locale = use_locale();
    let ws = use_doc_workspace();
    let owner = Owner::current().expect("a component has an owner");
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);
    let dragging = RwSignal::new(false);
    // The sessions sending the imported documents, each under its own
    // owner, disposed of once everything it had reached the relay.
    let sending = StoredValue::new_local(Vec::<(DocSession, Option<Owner>)>::new());
    let sent_count = RwSignal::new(0usize);
    let sessions_len = RwSignal::new(0usize);
    // How many of the imported documents reached the relay.
    Effect::new(move |_| {
        sessions_len.track();
        let mut done = Vec::new();
        let n = sending.with_value(|s| {
            s.iter()
                .enumerate()
                .filter(|(i, (session, owner))| {
                    let sent = owner.is_none() || session.all_sent();
                    if sent && owner.is_some() {
                        done.push(*i);
                    }
                    sent
                })
                .count()
        });
        if !done.is_empty() {
            sending.update_value(|s| {
                for i in done {
                    if let Some(owner) = s[i].1.take() {
                        // Stopped after this effect, not inside it.
                        request_animation_frame(move || owner.cleanup());
                    }
                }
            });
        }
        sent_count.set(n);
    });

    let import = move |files: Vec<web_sys::File>| {
        if files.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        let owner = owner.clone();
        leptos::task::spawn_local(async move {
            let w = locale.strings().ws;
            let mut done = Outcome::default();
            for (n, file) in files.into_iter().enumerate() {
                let name = file.name();
                if n >= MAX_FILES {
                    done.refused.push((name, w.import_too_many));
                    continue;
                }
                if file.size() > MAX_FILE_BYTES {
                    done.refused.push((name, w.import_too_big));
                    continue;
                }
                let Some(bytes) = read_bytes(&file).await else {
                    done.refused.push((name, w.import_failed));
                    continue;
                };
                let imported = match files::import_file(&name, &bytes) {
                    Ok(imported) => imported,
                    Err(ImportError::TooLarge) => {
                        done.refused.push((name, w.import_too_big));
                        continue;
                    }
                    Err(ImportError::NotText | ImportError::NotUtf8) => {
                        done.refused.push((name, w.import_not_text));
                        continue;
                    }
                };
                let (title, body) = (imported.title, imported.body);
                let child = owner.child();
                match create_text(&child, &title, &body).await {
                    Ok((link, session)) => {
                        if add_link(&ws, &link, EntryKind::Text, &title).is_none() {
                            done.refused.push((name, w.import_failed));
                            continue;
                        }
                        sending.update_value(|s| s.push((session, Some(child))));
                        sessions_len.update(|n| *n += 1);
                        done.made += 1;
                    }
                    Err(error) => {
                        leptos::logging::warn!("import of {name} failed: {error}");
                        done.refused.push((name, w.import_failed));
                    }
                }
            }
            outcome.try_set(Some(done));
            busy.try_set(false);
        });
    };

    let pick_import = import.clone();
    let on_pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let files = file_list(input.files());
        input.set_value("");
        pick_import(files);
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let files = file_list(ev.data_transfer().and_then(|d| d.files()));
        if files.is_empty() {
            outcome.set(Some(Outcome {
                made: 0,
                refused: vec![(String::new(), locale.strings().ws.import_drop_folder)],
            }));
            return;
        }
        import(files);
    };

    // `webkitdirectory` (every browser has it under that name) makes the
    // picker choose a folder; set once the input is in the page.
    let folder_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = folder_input.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });

    let report = move || {
        let done = outcome.get()?;
        let w = locale.strings().ws;
        let refused = done
            .refused
            .iter()
            .map(|(name, why)| view! { <li><strong>{name.clone()}</strong>" " {*why}</li> })
            .collect_view();
        Some(view! {
            <div id="ws-import-report" role="status" data-made=done.made data-refused=done.refused.len()>
                <p>{w.imported(done.made)}</p>
                <ul class="ws-refused">{refused}</ul>
            </div>
        })
    };
    let sent = move || {
        let total = sessions_len.get();
        (total > 0).then(|| {
            let sent = sent_count.get();
            view! {
                <p id="ws-import-sent" class="hint" data-sent=sent data-total=total>
                    {locale.strings().ws.import_sent(sent, total)}
                </p>
            }
        })
    };

    view! {
        <section
            class="ws-import"
            aria-labelledby="ws-import-heading"
            data-dragging=move || dragging.get().to_string()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <h2 id="ws-import-heading">{move || locale.strings().ws.import_heading}</h2>
            <p class="hint">{move || locale.strings().ws.import_hint}</p>
            <div class="row">
                <label class="button-like" for="ws-import-files">
                    {move || locale.strings().ws.import_files}
                </label>
                <input
                    id="ws-import-files"
                    class="visually-hidden-file"
                    type="file"
                    multiple
                    accept=".md,.markdown,.txt,.text,text/markdown,text/plain"
                    on:change=on_pick.clone()
                />
                <label class="button-like" for="ws-import-folder">
                    {move || locale.strings().ws.import_folder}
                </label>
                <input
                    id="ws-import-folder"
                    class="visually-hidden-file"
                    type="file"
                    multiple
                    node_ref=folder_input
                    on:change=on_pick
                />
            </div>
            <p aria-live="polite">{move || busy.get().then(|| locale.strings().ws.importing)}</p>
            {report}
            {sent}
        </section>
    }
}

#[component]
pub fn WorkspaceExport() -> impl IntoView {
    let locale = use_locale();
    let ws = use_doc_workspace();
    let view_state = use_workspace_view();
    let left_out = RwSignal::new(None::<(usize, Vec<String>)>);
    let failed = RwSignal::new(false);
    let export = move |_| {
        let index = ws.workspace_untracked();
        let copies = view_state.copies.get_untracked();
        let paths = files::markdown_paths(&index);
        let mut chosen = Vec::new();
        let mut missing = Vec::new();
        for (id, path) in paths {
            let Some(entry) = index.entries.iter().find(|e| e.id == id) else {
                continue;
            };
            match copies.by_room.get(&entry.room) {
                Some(copy) => chosen.push((path, copy.text.clone())),
                None => missing.push(if entry.title.trim().is_empty() {
                    locale.strings().title_placeholder.to_owned()
                } else {
                    entry.title.clone()
                }),
            }
        }
        let w = locale.strings().ws;
        let why: Vec<(String, String)> = missing
            .iter()
            .map(|title| (title.clone(), w.export_why.to_owned()))
            .collect();
        match files::zip_markdown(&index, &chosen, &why) {
            Ok(zip) => {
                let name = file_name(&index.name, w.export_untitled, "zip");
                download::save_bytes(&name, "application/zip", &zip);
                failed.set(false);
                left_out.set(Some((chosen.len(), missing)));
            }
            Err(error) => {
                leptos::logging::warn!("the workspace's zip failed: {error}");
                failed.set(true);
            }
        }
    };
    let report = move || {
        let (kept, missing) = left_out.get()?;
        let w = locale.strings().ws;
        let items = missing
            .iter()
            .map(|title| view! { <li>{title.clone()}</li> })
            .collect_view();
        let count = missing.len();
        Some(view! {
            <div id="ws-export-report" role="status" data-kept=kept data-left-out=count>
                <p>{w.exported(kept)}</p>
                {(count > 0).then(|| view! {
                    <p>{w.export_left_out(count)}</p>
                    <ul>{items}</ul>
                })}
            </div>
        })
    };
    view! {
        <section class="ws-export" aria-labelledby="ws-export-heading">
            <h2 id="ws-export-heading">{move || locale.strings().ws.export_heading}</h2>
            <button type="button" id="ws-export" on:click=export>
                {move || locale.strings().ws.export_button}
            </button>
            <p class="hint">{move || locale.strings().ws.export_hint}</p>
            <p class="error" role="alert">{move || failed.get().then(|| locale.strings().ws.export_failed)}</p>
            {report}
        </section>
    }
}
