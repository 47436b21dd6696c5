// Building argument maps through the page, as people do: a map from the
// start page's "New argument map", its question, claims added in the
// focused view, a claim reworded (components/argument_*.rs).

import { documentPage, editLinkOf, home } from './app.mjs';
import { expectAttribute } from './browser.mjs';

/** Create a map from the start page; its edit link. */
export async function createMap(page) {
  await page.goto('/');
  await home(page).section.waitFor();
  await page.locator('#new-map').click();
  const link = await editLinkOf(page);
  await expectAttribute(documentPage(page).status, 'data-state', 'online');
  await page.locator('#argument-map').waitFor();
  return link;
}

/** The tree item whose statement is `text` (exactly). */
export function item(page, text) {
  return page.locator('#argument-tree li[role="treeitem"]').filter({
    has: page.locator(':scope > .claim-row > .statement', { hasText: new RegExp(`^${escape(text)}$`) }),
  });
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The id of the claim `text`, once the tree shows it. */
export async function idOf(page, text) {
  const found = item(page, text);
  await found.waitFor();
  return found.getAttribute('data-claim');
}

/** Write the map's question on its empty page; its id. */
export async function writeQuestion(page, text) {
  await page.locator('#map-empty').waitFor();
  await page.locator('#new-question').fill(text);
  await page.locator('#new-question-submit').click();
  return idOf(page, text);
}

/** Open the focused view of the claim `id` from the tree. */
export async function openFocus(page, id) {
  await page.locator(`#argument-tree [data-claim="${id}"] > .claim-row .open`).click();
  await expectAttribute(page.locator('#claim-focus'), 'data-claim', id);
}

/** In the focused view, add an argument for (`pro`) or against (`con`). */
export async function add(page, stance, text) {
  await page.locator(`#add-${stance}`).fill(text);
  await page.locator(`#add-${stance}-submit`).click();
  await page.locator(`#focus-${stance}s .card .statement`, { hasText: text }).waitFor();
}

/** Back from the focused view to the tree. */
export async function back(page) {
  await page.locator('#claim-focus-back').click();
  await page.locator('#argument-tree').waitFor();
}

/** In the focused view of the claim `id`, give it the statement `text`. */
export async function reword(page, id, text) {
  await expectAttribute(page.locator('#claim-focus'), 'data-claim', id);
  await page.locator('#claim-edit').click();
  await page.locator('#claim-edit-text').fill(text);
  await page.locator('#claim-edit-save').click();
  await page.locator('#claim-focus-statement', { hasText: text }).waitFor();
}

/**
 * Wait until this browser's own copy of a document (IndexedDB, saved
 * 300 ms after a change and when the page is left) holds `text`: what
 * "Insérer un argument" searches is that copy, so a test that leaves the
 * map at once and searches it in another page would race the save. A
 * Yrs state keeps an inserted string as its UTF-8 bytes.
 */
export async function waitForLocalCopy(page, text, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const kept = await localCopies(page, text);
    if (kept.some((line) => line.includes('(holds it)'))) return;
    if (Date.now() > deadline) {
      throw new Error(`no copy in this browser holds ${JSON.stringify(text)}: ${kept.join('; ')}`);
    }
    await page.waitForTimeout(100);
  }
}

/**
 * What this browser keeps (IndexedDB keys) and which of the values hold
 * `text`: said when a search of the maps finds nothing it should.
 */
export async function localCopies(page, text) {
  return page.evaluate(async (needle) => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('cahier');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      // Keys and values from one transaction, so they pair up.
      const store = db.transaction('kv').objectStore('kv');
      const done = (request) => new Promise((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const [keys, values] = await Promise.all([done(store.getAllKeys()), done(store.getAll())]);
      const bytes = new TextEncoder().encode(needle);
      const holds = (value) => {
        if (!(value instanceof Uint8Array)) return false;
        outer: for (let i = 0; i + bytes.length <= value.length; i++) {
          for (let j = 0; j < bytes.length; j++) {
            if (value[i + j] !== bytes[j]) continue outer;
          }
          return true;
        }
        return false;
      };
      return keys.map((key, i) => `${key}${holds(values[i]) ? ' (holds it)' : ''} ${values[i]?.length ?? ''}`);
    } finally {
      db.close();
    }
  }, text);
}
