//! The browser entry point: install the panic hook, mount [`App`]. Everything
//! else lives in the library so tests can reach it.

use cahier_app::App;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
