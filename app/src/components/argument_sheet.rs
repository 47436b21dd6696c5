//! The argument map's export menu (issue 14, helper sheet): the
//! talking-points sheet (print, HTML, Markdown, ODT) and Argdown import
//! and export. A placeholder until the sheet lands.

use leptos::prelude::*;

#[component]
pub fn MapExportMenu() -> impl IntoView {
    view! { <span class="map-export" hidden=true></span> }
}
