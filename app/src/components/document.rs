//! The document page, text first: one compact bar (the title as the
//! page's heading, the connection badge, "Lecture seule" for a reader, the
//! people here, and the buttons: view mode, who wrote what, Share, export
//! and print, help), then the text filling the page, and beside it the
//! panel area ([`crate::panels`]: right of the text on a wide screen, a
//! bottom sheet on a phone) that one panel at a time uses. On a phone the
//! bar's buttons fold into a menu.
//!
//! It starts the [`DocSession`] for its link (which provides one context
//! per concern), the [`Presence`] and the [`Panels`]; the pieces read what
//! they need from those contexts. The room id is not shown: nobody has a
//! use for it (the section carries it as `data-room` for the tests).

use leptos::prelude::*;
use protocol::{Link, Role};

use crate::amendment_ui::AmendUi;
use crate::components::amendment_form::{AmendmentForm, ProposeButton};
use crate::components::amendment_list::AmendmentsPanel;
use crate::components::argument_map::ArgumentMap;
use crate::components::argument_sheet::MapExportMenu;
use crate::components::authorship_toggle::AuthorshipToggle;
use crate::components::cite::{CitationsNotice, CitationsPanel};
use crate::components::compare_view::CompareView;
use crate::components::export_menu::ExportMenu;
use crate::components::forget::ForgetDocument;
use crate::components::history_panel::HistoryPanel;
use crate::components::lang_switch::LangSwitch;
use crate::components::markdown_help::MarkdownHelp;
use crate::components::meeting_panel::MeetingPanel;
use crate::components::meeting_review::MeetingReview;
use crate::components::moment_view::MomentView;
use crate::components::people::{NamePrompt, PeopleButton, PeoplePanel};
use crate::components::projector::Projector;
use crate::components::share_panel::SharePanel;
use crate::components::shortcuts::{use_page_keys, ShortcutsPanel};
use crate::components::since_last_visit::SinceLastVisit;
use crate::components::status_line::{StatusBadge, StatusProblem};
use crate::components::tab_notice::TabNotice;
use crate::components::text_views::{TextViews, ViewModeSwitch};
use crate::components::title_field::TitleHeading;
use crate::components::workspace_page::WorkspacePage;
use crate::components::workspace_share::WorkspaceShare;
use crate::history_view::{HistoryView, HistoryViewState};
use crate::locale::use_locale;
use crate::meeting_ui::MeetingUi;
use crate::panels::{use_panels, Panel, Panels};
use crate::platform::page;
use crate::presence::Presence;
use crate::session::workspace::{take_new_meeting, DocWorkspace};
use crate::session::{
    use_doc_text, use_room_presence, use_tab, DocAmendments, DocArguments, DocCitations,
    DocMeetings, DocSession,
};
use crate::strings::APP_NAME;
use crate::view_mode::ViewMode;

#[component]
pub fn DocumentPage(link: Link) -> impl IntoView {
    let locale = use_locale();
    let keys = link.keys();
    let can_write = keys.can_write();
    let room = keys.room().to_string();
    let role = link.role();
    let edit_url = can_write.then(|| link_url(&link, false));
    let view_url = link_url(&link, true);
    let amend_url = link
        .to_amend()
        .map(|amend| amend.to_url(&page::page_base()));
    let session = DocSession::start(link.clone());
    let presence = Presence::provide();
    let workspace = DocWorkspace::provide(session, link.clone());
    let amendments = DocAmendments::provide(session, link, presence);
    DocMeetings::provide(amendments);
    let arguments = DocArguments::provide(amendments);
    DocCitations::provide(session);
    // What the page is: a text (the default, also while a new document's
    // kind is not known yet) or an argument map.
    let is_map = Memo::new(move |_| arguments.is_map());
    // Or a workspace's index (issue 15): its page instead of the editor.
    let is_workspace = Memo::new(move |_| workspace.is_workspace());
    AmendUi::provide();
    MeetingUi::provide();
    let panels = Panels::provide();
    let history = HistoryViewState::provide();
    // Closing the history panel goes back to the text.
    Effect::new(move |_| {
        if !panels.is_open(Panel::History) {
            history.0.set(HistoryView::Text);
        }
    });
    let text = use_doc_text();
    let room_presence = use_room_presence();
    let tab = use_tab().tab;
    // A meeting made in a workspace ("Nouvelle séance"): its text opens
    // with the meeting panel.
    {
        let room = room.clone();
        let ready = crate::session::use_status().ready;
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) || !ready.get() {
                return done.unwrap_or(false);
            }
            if take_new_meeting(&room) {
                panels.show(Panel::Meeting);
            }
            true
        });
    }
    let mode = RwSignal::new(ViewMode::stored(can_write));
    let menu_open = RwSignal::new(false);
    // The room learns who this is, and again when the name changes.
    Effect::new(move |_| room_presence.set_me(presence.person()));

    Effect::new(move |_| {
        let title = text.title.get();
        let name = if title.trim().is_empty() {
            locale.strings().title_placeholder.to_owned()
        } else {
            title
        };
        page::set_title(&format!("{name} · {APP_NAME}"))
    });

    // A panel opened from the phone's menu takes the screen: the menu
    // folds.
    Effect::new(move |_| {
        if panels.open().is_some() {
            menu_open.set(false);
        }
    });

    use_page_keys(move || {
        let was_open = menu_open.get_untracked();
        if was_open {
            menu_open.set(false);
            page::focus_id("bar-menu");
        }
        was_open
    });

    let access = move || match role {
        Role::Edit => locale.strings().edit_access,
        Role::Amend => locale.strings().amend_access,
        Role::View => locale.strings().view_access,
    };
    let read_only = (!can_write).then(|| {
        view! {
            <span class="read-only-badge" data-role=format!("{role:?}").to_lowercase() title=access>
                {move || {
                    if role == Role::Amend {
                        locale.strings().amend_badge
                    } else {
                        locale.strings().read_only_badge
                    }
                }}
            </span>
        }
    });

    view! {
        <section
            class="document"
            data-tab=move || tab.get().data_tab()
            data-room=room
            data-panel=move || panels.open().map(|p| p.id()).unwrap_or_default()
            data-menu=move || menu_open.get().to_string()
        >
            <header class="doc-bar" aria-label=move || locale.strings().bar_label>
                <a class="brand" href="#">
                    {APP_NAME}
                </a>
                <TitleHeading />
                <StatusBadge />
                {read_only}
                <span class="visually-hidden" data-testid="access">
                    {access}
                </span>
                <PeopleButton />
                <button
                    type="button"
                    id="bar-menu"
                    class="bar-menu"
                    aria-expanded=move || menu_open.get().to_string()
                    aria-controls="doc-actions"
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    <span aria-hidden="true">"☰ "</span>
                    {move || locale.strings().menu_button}
                </button>
                <div id="doc-actions" class="doc-actions">
                    {move || {
                        if is_workspace.get() {
                            view! {
                                <PanelButton panel=Panel::Share label=Signal::derive(move || locale.strings().share_button) />
                            }
                            .into_any()
                        } else if is_map.get() {
                            view! {
                                <PanelButton panel=Panel::Share label=Signal::derive(move || locale.strings().share_button) />
                                <MapExportMenu />
                            }
                            .into_any()
                        } else {
                            view! {
                                <ViewModeSwitch mode />
                                <AuthorshipToggle />
                                <PanelButton panel=Panel::Share label=Signal::derive(move || locale.strings().share_button) />
                                <PanelButton panel=Panel::History label=Signal::derive(move || locale.strings().history_button) />
                                <PanelButton panel=Panel::Amendments label=Signal::derive(move || locale.strings().amendments_button) />
                                <PanelButton panel=Panel::Meeting label=Signal::derive(move || locale.strings().meeting_button) />
                                <PanelButton panel=Panel::Citations label=Signal::derive(move || locale.strings().cite_button) />
                                <ProposeButton />
                                <ExportMenu />
                            }
                            .into_any()
                        }
                    }}
                    <button
                        type="button"
                        id=Panel::Shortcuts.opener_id()
                        class="help-button"
                        aria-label=move || locale.strings().shortcuts_button
                        title=move || locale.strings().shortcuts_button
                        aria-expanded=move || panels.is_open(Panel::Shortcuts).to_string()
                        aria-controls=Panel::Shortcuts.id()
                        on:click=move |_| panels.toggle(Panel::Shortcuts)
                    >
                        "?"
                    </button>
                    <LangSwitch compact=true />
                </div>
            </header>
            <TabNotice />
            <StatusProblem />
            <NamePrompt />
            <SinceLastVisit />
            <Show when=move || !is_map.get() && !is_workspace.get()>
                <CitationsNotice />
                <AmendmentForm />
                <Projector />
                <MeetingReview />
            </Show>
            <div class="doc-body" data-kind=move || if is_workspace.get() { "workspace" } else if is_map.get() { "arguments" } else { "text" }>
                <div class="doc-text">
                    {move || {
                        if is_workspace.get() {
                            view! { <WorkspacePage /> }.into_any()
                        } else if is_map.get() {
                            view! { <ArgumentMap /> }.into_any()
                        } else {
                            view! { <HistoryArea mode /> }.into_any()
                        }
                    }}
                    <Show when=move || !is_workspace.get()>
                        <ForgetDocument />
                    </Show>
                </div>
                <PanelArea edit_url amend_url view_url is_workspace=is_workspace.into() />
            </div>
        </section>
    }
}

/// The text, or what the history panel asked to show in its place (a
/// moment, a comparison); the editor stays mounted underneath, hidden, so
/// its textarea keeps its state.
#[component]
fn HistoryArea(mode: RwSignal<ViewMode>) -> impl IntoView {
    let history = crate::history_view::use_history_view();
    let shown = move || match history.0.get() {
        HistoryView::Text => None,
        HistoryView::At(id) => Some(view! { <MomentView id /> }.into_any()),
        HistoryView::Compare { from, to } => Some(view! { <CompareView from to /> }.into_any()),
    };
    view! {
        <div class="text-area" hidden=move || history.0.with(|view| *view != HistoryView::Text)>
            <TextViews mode />
        </div>
        {shown}
    }
}

/// The link to give out, edit or view, at this page's address.
fn link_url(link: &Link, view: bool) -> String {
    let base = page::page_base();
    if view {
        link.to_view().to_url(&base)
    } else {
        link.to_url(&base)
    }
}

/// A bar button that opens and closes one panel.
#[component]
fn PanelButton(panel: Panel, label: Signal<&'static str>) -> impl IntoView {
    let panels = use_panels();
    view! {
        <button
            type="button"
            id=panel.opener_id()
            aria-expanded=move || panels.is_open(panel).to_string()
            aria-controls=panel.id()
            on:click=move |_| panels.toggle(panel)
        >
            {label}
        </button>
    }
}

/// The panel area: the open panel, if any, with Escape and its close
/// button giving focus back to what opened it.
#[component]
fn PanelArea(
    edit_url: Option<String>,
    amend_url: Option<String>,
    view_url: String,
    is_workspace: Signal<bool>,
) -> impl IntoView {
    let panels = use_panels();
    let content = move || {
        let panel = panels.open()?;
        let body = match panel {
            Panel::Share if is_workspace.get() => view! {
                <WorkspaceShare
                    edit_url=edit_url.clone()
                    amend_url=amend_url.clone()
                    view_url=view_url.clone()
                />
            }
            .into_any(),
            Panel::Share => view! {
                <SharePanel
                    edit_url=edit_url.clone()
                    amend_url=amend_url.clone()
                    view_url=view_url.clone()
                />
            }
            .into_any(),
            Panel::People => view! { <PeoplePanel /> }.into_any(),
            Panel::Shortcuts => view! { <ShortcutsPanel /> }.into_any(),
            Panel::Markdown => view! { <MarkdownHelp /> }.into_any(),
            Panel::History => view! { <HistoryPanel /> }.into_any(),
            Panel::Amendments => view! { <AmendmentsPanel /> }.into_any(),
            Panel::Meeting => view! { <MeetingPanel /> }.into_any(),
            Panel::Citations => view! { <CitationsPanel /> }.into_any(),
        };
        Some(view! {
            <aside
                id=panel.id()
                class="panel"
                aria-labelledby=format!("{}-heading", panel.id())
            >
                {body}
            </aside>
        })
    };
    view! { {content} }
}
