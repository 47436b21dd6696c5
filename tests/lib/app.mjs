// Where things are in Cahier's pages: every selector the tests use, in one
// place, so a change in the app's markup is one change here. They follow
// app/src/components/*.rs.

/** The start page (components/home.rs, new_text.rs, open_link.rs). */
export function home(page) {
  return {
    section: page.locator('section.home'),
    heading: page.locator('section.home h1'),
    tagline: page.locator('section.home .tagline'),
    newText: page.locator('#new-text'),
    newTextHint: page.locator('.new-text .hint'),
    ...openLink(page),
  };
}

/** The field to open a pasted link, on the start page and the bad-link page. */
export function openLink(page) {
  return {
    openLabel: page.locator('label[for="open-link"]'),
    openInput: page.locator('#open-link'),
    openButton: page.locator('form.open-link button[type="submit"]'),
    openError: page.locator('#open-link-error'),
  };
}

/** The header and footer around every page (components/app.rs, lang_switch.rs). */
export function frame(page) {
  return {
    html: page.locator('html'),
    brand: page.locator('header .brand'),
    langSwitch: page.locator('nav.lang'),
    langButton: (tag) => page.locator(`nav.lang button[lang="${tag}"]`),
    privacyNote: page.locator('footer.note'),
  };
}

/** The document page (components/document.rs). */
export function documentPage(page, strings) {
  const section = page.locator('section.document');
  return {
    section,
    heading: section.locator('h1.doc-title'),
    // What the link allows.
    access: section.locator('[data-testid="access"]'),
    shareFields: section.locator('label.share input'),
    editLink: section.locator('#edit-link'),
    viewLink: section.locator('#view-link'),
    // The room id is not shown; the section carries it for the tests.
    roomSection: page.locator('section.document[data-room]'),
    // Shown when another tab of this browser has the document
    // (components/tab_notice.rs); `data-tab` on the section says which.
    tabNotice: section.locator('#tab-notice'),
    useHere: section.locator('#use-here'),
    ...editor(page),
  };
}

/**
 * The editor on the document page (components/editor.rs, title_field.rs,
 * status_line.rs). The status element's attributes: `data-state`
 * (connecting, online, offline, reconnecting), `data-pending` (edits not
 * yet acknowledged) and `data-synced` (online with nothing pending).
 */
export function editor(page) {
  return {
    editor: page.locator('#editor'),
    title: page.locator('#title'),
    status: page.locator('#status'),
    problem: page.locator('#problem'),
  };
}

/**
 * Presence on the document page (components/presence_list.rs,
 * name_field.rs, authorship_toggle.rs, backdrop.rs). Each `li` of the list
 * carries `data-name`, `data-colour` (#rrggbb), `data-you` and
 * `data-read-only`; the authorship layer's `data-ms` is how long its last
 * rebuild took.
 */
export function presence(page) {
  return {
    list: page.locator('#presence'),
    people: page.locator('#presence li'),
    person: (name) => page.locator(`#presence li[data-name="${name}"]`),
    me: page.locator('#presence li[data-you="true"]'),
    nameInput: page.locator('#my-name'),
    nameSave: page.locator('form.name-form button[type="submit"]'),
    nameShown: page.locator('#my-name-shown'),
    changeName: page.locator('#change-name'),
    authorship: page.locator('#authorship'),
    authorsLayer: page.locator('.backdrop.authors'),
    authorRuns: page.locator('.backdrop.authors span.by'),
    cursorsLayer: page.locator('.backdrop.cursors'),
    caret: (name) => page.locator('.backdrop.cursors .caret').filter({ has: page.locator('.caret-name', { hasText: name }) }),
  };
}

/**
 * The people of the document page (components/people.rs): the bar's
 * button `#open-people` (coloured initials), the People panel (the
 * presence list, the name form, the colour choice `#colour-choice` with
 * one radio per palette colour, the legend `#legend` whose `li` carry
 * `data-name` and `data-colour`), and the name prompt `#name-prompt` a
 * writer without a name gets at their first edit.
 */
export function people(page) {
  const panel = page.locator('#people-panel');
  return {
    button: page.locator('#open-people'),
    initials: page.locator('#open-people .initial'),
    panel,
    heading: panel.locator('h2'),
    close: panel.locator('.panel-close'),
    colour: (hex) => page.locator(`#colour-choice input[value="${hex}"]`),
    colourLabel: (hex) => page.locator(`#colour-choice label:has(input[value="${hex}"])`),
    legend: page.locator('#legend li'),
    legendOf: (name) => page.locator(`#legend li[data-name="${name}"]`),
    prompt: page.locator('#name-prompt'),
    promptInput: page.locator('#name-prompt-input'),
    promptLater: page.locator('#name-prompt button.later'),
  };
}

/**
 * The text's views and the share panel's copy buttons
 * (components/text_views.rs, preview.rs, copy_button.rs). `#view-mode`
 * holds one button per mode (`data-mode`: write, split, preview; the
 * chosen one is `aria-pressed="true"`); `.views` carries the mode shown
 * as `data-mode`; `#preview` is the rendered text; `.print-title` shows
 * only in print.
 */
export function textViews(page) {
  return {
    viewMode: page.locator('#view-mode'),
    modeButton: (mode) => page.locator(`#view-mode button[data-mode="${mode}"]`),
    views: page.locator('.views'),
    preview: page.locator('#preview'),
    // The export menu's button (its menu holds Print).
    printButton: page.locator('#export-button'),
    printTitle: page.locator('.print-title'),
    sharing: page.locator('#share-panel'),
    /** The copy button beside the field `field` (edit-link, view-link). */
    copyButton: (field) => page.locator(`button.copy[aria-controls="${field}"]`),
    /** The answer beside that button; `data-outcome`: copied, refused. */
    copyStatus: (field) => page.locator(`label.share:has(#${field}) .copy-status`),
  };
}

/** The recent documents on the start page (components/recent.rs). */
export function recent(page) {
  const section = page.locator('section.recent');
  return {
    section,
    heading: section.locator('h2'),
    items: section.locator('li'),
    item: (room) => section.locator(`li[data-room="${room}"]`),
  };
}

/** The page for a fragment that is not a good link (components/bad_link.rs). */
export function badLinkPage(page) {
  const section = page.locator('section.bad-link');
  return {
    section,
    heading: section.locator('h1'),
    error: section.locator(':scope > p.error'),
    backHome: section.locator('a[href="#"]'),
    ...openLink(page),
  };
}

/** An edit link's fragment: `e=` then 32 bytes and a 3-byte check, base64url. */
export const EDIT_FRAGMENT = /#e=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{4}$/;
/** A view link's fragment: `v=` then the view secret, the write key and a check. */
export const VIEW_FRAGMENT = /#v=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{4}$/;
/** A local handle's fragment (app/src/store.rs): `d=` then 12 random bytes in hex. */
export const LOCAL_FRAGMENT = /#d=[0-9a-f]{24}$/;
/**
 * What the address shows once a document opened: its link, until this
 * browser kept the keys and put the local handle in its place.
 */
export const OPENED_FRAGMENT = new RegExp(`(${EDIT_FRAGMENT.source})|(${VIEW_FRAGMENT.source})|(${LOCAL_FRAGMENT.source})`);

/**
 * The edit link of the document `page` shows (from the share panel: the
 * address bar holds only a local handle once the keys are kept).
 */
export async function editLinkOf(page) {
  return linkOf(page, 'edit-link');
}

/** The view link of the document `page` shows (from the share panel). */
export async function viewLinkOf(page) {
  return linkOf(page, 'view-link');
}

/** The room id of the document `page` shows (not shown; `data-room`). */
export async function roomOf(page) {
  return documentPage(page).roomSection.getAttribute('data-room');
}

/**
 * Open the share panel (through the bar's menu when the bar is folded),
 * unless it is open; resolves once the panel is there.
 */
export function openShare(page) {
  return openPanel(page, 'open-share', 'share-panel');
}

/**
 * Open the panel whose bar button is `#opener` (through the bar's menu
 * when the bar is folded), unless `#panelId` is open already.
 */
export async function openPanel(page, opener, panelId) {
  const panel = page.locator(`#${panelId}`);
  if (await panel.isVisible()) return panel;
  const button = page.locator(`#${opener}`);
  if (!(await button.isVisible())) await page.locator('#bar-menu').click();
  await button.click();
  await panel.waitFor();
  return panel;
}

/** Open the people panel (the presence list, the name form). */
export function openPeople(page) {
  return openPanel(page, 'open-people', 'people-panel');
}

/**
 * Read a link field of the share panel, leaving the panels as they were
 * (the panel open before, if any, is opened again).
 */
async function linkOf(page, id) {
  await page.waitForURL(OPENED_FRAGMENT);
  const before = await page.evaluate(() => document.querySelector('aside.panel')?.id ?? null);
  await openShare(page);
  const field = page.locator(`#${id}`);
  await field.waitFor();
  const value = await field.inputValue();
  if (before !== 'share-panel') {
    await page.keyboard.press('Escape');
    await page.locator('#share-panel').waitFor({ state: 'detached' });
    if (before) await openPanel(page, `open-${before.replace(/-panel$/, '')}`, before);
  }
  return value;
}

/**
 * The share panel (components/share_panel.rs) and its opener. The QR
 * code's `svg` is `#share-qr`; `qrChoice(link)` picks which link it holds
 * (view, amend, edit; the chosen one is `aria-pressed="true"`). The amend
 * link is `#share-amend-link`, for an edit or an amend link.
 */
export function sharePanel(page) {
  const panel = page.locator('#share-panel');
  return {
    opener: page.locator('#open-share'),
    panel,
    heading: panel.locator('h2'),
    close: panel.locator('button.panel-close'),
    keep: panel.locator('.share-keep'),
    editLink: panel.locator('#edit-link'),
    amendLink: panel.locator('#share-amend-link'),
    viewLink: panel.locator('#view-link'),
    editHint: panel.locator('#edit-link-hint'),
    amendHint: panel.locator('#share-amend-link-hint'),
    viewHint: panel.locator('#view-link-hint'),
    copyButton: (field) => panel.locator(`button.copy[aria-controls="${field}"]`),
    copyStatus: (field) => panel.locator(`label.share:has(#${field}) .copy-status`),
    save: panel.locator('#save-links'),
    qr: panel.locator('#share-qr'),
    qrChoice: (link) => panel.locator(`.qr-choice button[data-link="${link}"]`),
    qrLarge: panel.locator('#qr-large'),
    qrFigure: panel.locator('figure.qr'),
  };
}

/**
 * The export menu (components/export_menu.rs): `#export-button` discloses
 * `#export-menu`, whose buttons carry `data-format` (md, html, txt, print).
 */
export function exportMenu(page) {
  return {
    button: page.locator('#export-button'),
    list: page.locator('#export-menu'),
    item: (format) => page.locator(`#export-menu button[data-format="${format}"]`),
  };
}

/**
 * The comparison of two moments (components/compare_view.rs, the HTML of
 * app/src/comparison.rs): `.compare-view` carries `data-state` (ready,
 * empty, failed), `data-groups` (how many changes), `data-layout`
 * (inline, side) and `data-ms`; each change is an `ins.change` or a
 * `del.change` with `data-group`, `data-label` ("Ajouté par Louise") and
 * its words in `.words`; the first of change n is `#change-n` inline,
 * `#before-n` / `#after-n` side by side. The summary's rows carry
 * `data-name`, `data-colour`, `data-added`, `data-removed`,
 * `data-paragraphs`. The strip "since your last visit" is
 * `#since-last-visit` (components/since_last_visit.rs).
 */
export function compareView(page) {
  const view = page.locator('.compare-view');
  return {
    view,
    heading: page.locator('#compare-heading'),
    between: view.locator('.compare-between'),
    text: page.locator('#compare-text'),
    before: page.locator('#compare-before'),
    after: page.locator('#compare-after'),
    added: view.locator('ins.change'),
    removed: view.locator('del.change'),
    layout: (choice) => view.locator(`.compare-layout button[data-layout="${choice}"]`),
    next: page.locator('#compare-next'),
    previous: page.locator('#compare-previous'),
    position: page.locator('#compare-position'),
    tools: view.locator('.compare-tools'),
    close: page.locator('#compare-close'),
    summary: page.locator('#compare-summary'),
    summaryRows: page.locator('#compare-summary tbody tr'),
    summaryOf: (name) => page.locator(`#compare-summary tbody tr[data-name="${name}"]`),
    empty: view.locator('.compare-empty'),
    offer: page.locator('#since-last-visit'),
    offerOpen: page.locator('#since-last-visit-open'),
    offerDismiss: page.locator('#since-last-visit-dismiss'),
  };
}
