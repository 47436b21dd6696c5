// What the editor tests share: opening several people's pages, creating
// and opening a text, reading and typing in the editor, and waiting for the
// text (never a fixed sleep: every wait ends on a value or an attribute).
// Selectors come from app.mjs.

import assert from 'node:assert/strict';
import path from 'node:path';

import { documentPage, editLinkOf, home } from './app.mjs';
import { expectAttribute, newPage, RESULTS_DIR, TIMEOUT_MS } from './browser.mjs';

/** How long a reconnection after a relay restart may take (backoff included). */
export const RECONNECT_TIMEOUT_MS = 40_000;

/**
 * Problems the page reports that these tests cause on purpose: a socket
 * refused while the relay is down or the browser offline, a request that
 * fails while offline.
 */
export const EXPECTED = /WebSocket connection|\/ws\b|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|ERR_NETWORK_CHANGED/;

export function assertNoUnexpectedProblems(page) {
  assert.deepEqual(
    page.problems.filter((p) => !EXPECTED.test(p)),
    [],
    'the page reported problems',
  );
}

/**
 * Open people's pages (each its own browser context) on `suite`'s relay
 * (see `relayAndBrowser`), run `body` with them, close them; on failure,
 * save each page's screenshot and print its problems and the relay's log.
 * `people`: how many (French browsers), or one locale per person.
 */
export async function withPeople(t, suite, people, body) {
  const { browser, relay } = suite;
  const locales = Array.isArray(people) ? people : Array.from({ length: people }, () => 'fr-FR');
  const pages = [];
  for (const locale of locales) pages.push(await newPage(browser, { locale, relay }));
  try {
    await body(...pages);
  } catch (error) {
    for (const [i, page] of pages.entries()) {
      t.diagnostic(`person ${i}: ${page.url()}`);
      for (const problem of page.problems) t.diagnostic(`person ${i} problem: ${problem}`);
      for (const line of page.consoleLog.slice(-15)) t.diagnostic(`person ${i} console ${line}`);
      await page
        .screenshot({ path: `${RESULTS_DIR}/${path.basename(process.argv[1] ?? 'test', '.test.mjs')}--${t.name.replace(/[^\p{L}\p{N}]+/gu, '-')}--${i}.png`, fullPage: true })
        .catch(() => {});
    }
    t.diagnostic(`relay log:\n${relay.recentLog()}`);
    throw error;
  } finally {
    for (const page of pages) await page.context().close();
  }
}

/** Create a text from the start page; wait until it is online; return its edit link. */
export async function createText(page) {
  await page.goto('/');
  await home(page).newText.click();
  const link = await editLinkOf(page);
  await expectAttribute(documentPage(page).status, 'data-state', 'online');
  return link;
}

/** Open `link` and wait until the page is online. */
export async function open(page, link) {
  await page.goto(link);
  await expectAttribute(documentPage(page).status, 'data-state', 'online');
}

/** The editor's value. */
export function text(page) {
  return documentPage(page).editor.inputValue();
}

/**
 * Wait until the editor's value satisfies `predicate` (a function of the
 * value, run here in node: the page's Content-Security-Policy forbids
 * evaluating strings, so the predicate cannot be shipped into the page).
 * Between checks it waits for the value to change, not for a fixed time.
 */
export async function waitForText(page, predicate, arg, { timeout = TIMEOUT_MS } = {}) {
  const handle = await documentPage(page).editor.elementHandle();
  const deadline = Date.now() + timeout;
  try {
    for (;;) {
      const value = await handle.inputValue();
      if (predicate(value, arg)) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new assert.AssertionError({
          message: `the editor's text never satisfied ${predicate}`,
          actual: value,
          expected: arg,
        });
      }
      await page
        .waitForFunction(([textarea, seen]) => textarea.value !== seen, [handle, value], { timeout: Math.min(left, 1000) })
        .catch((error) => {
          if (!/Timeout/i.test(error.message)) throw error;
        });
    }
  } finally {
    await handle.dispose();
  }
}

/** Wait until the editor's value is exactly `expected`. */
export function waitForValue(page, expected, options) {
  return waitForText(page, (value, wanted) => value === wanted, expected, options);
}

/** Wait until the editor holds every one of `sentences`. */
export function waitForSentences(page, sentences, options) {
  return waitForText(page, (value, all) => all.every((s) => value.includes(s)), sentences, options);
}

/** Wait until the page is online with nothing left to send. */
export async function waitSynced(page, options) {
  await expectAttribute(documentPage(page).status, 'data-synced', 'true', options);
}

/** Put the caret at the end of the editor, then type `sentences`, one keystroke at a time. */
export async function typeAtEnd(page, sentences) {
  const { editor } = documentPage(page);
  await editor.focus();
  for (const sentence of sentences) {
    await page.keyboard.press('Control+End');
    await editor.pressSequentially(`${sentence} `, { delay: 5 });
  }
}

/** Type ` sentence` for each of `sentences` at the caret, one keystroke at a time. */
export async function typeHere(page, sentences) {
  for (const sentence of sentences) {
    await page.keyboard.type(` ${sentence}`, { delay: 5 });
  }
}

/** Both pages end with the same text, holding every sentence. */
export async function assertConverged(a, b, sentences, options) {
  await waitForSentences(a, sentences, options);
  await waitForSentences(b, sentences, options);
  await waitSynced(a, options);
  await waitSynced(b, options);
  const final = await text(a);
  await waitForText(b, (value, expected) => value === expected, final, options);
  for (const sentence of sentences) {
    assert.ok(final.includes(sentence), `"${sentence}" is whole in the final text:\n${final}`);
  }
}

export function sentences(who, n) {
  return Array.from({ length: n }, (_, i) => `${who} écrit la phrase ${i + 1}, avec é, « guillemets » et 🗳.`);
}


/**
 * Someone else (a fresh browser on `suite`'s relay) opens `link` and ends
 * with exactly `expected`: what they get comes from the relay alone.
 */
export async function assertNewcomerSees(suite, link, expected) {
  const other = await newPage(suite.browser, { locale: 'fr-FR', relay: suite.relay });
  try {
    await open(other, link);
    await waitForText(other, (value, wanted) => value === wanted, expected);
  } finally {
    await other.context().close();
  }
}
