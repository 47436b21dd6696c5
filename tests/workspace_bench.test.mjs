// The workspace page's figures (run only with CAHIER_WORKSPACE_BENCH=1):
// a workspace of 500 entries (imported through the page: 200 texts of
// 20,000 characters and 300 short ones) opening from IndexedDB, a title
// search, and a full-text search over the 200 saved long texts. It prints
// the figures; it asserts only that the page shows what was asked.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage } from './lib/app.mjs';
import { expectAttribute } from './lib/browser.mjs';
import { withPeople } from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { createWorkspace } from './lib/workspace.mjs';

const RUN = process.env.CAHIER_WORKSPACE_BENCH === '1';
const LONG = 200;
const SHORT = 300;

/** A text of about `chars` characters, with the word `mark` once near the end. */
function longText(n, chars, mark) {
  const words = ['assemblée', 'motion', 'vote', 'section', 'congrès', 'tract', 'adhérents', 'budget'];
  let text = `# Texte ${n}\n\n`;
  let i = n;
  while (text.length < chars) {
    text += `${words[i % words.length]} `;
    i += 7;
    if (i % 13 === 0) text += '\n\n';
  }
  return `${text}\n\n${mark}\n`;
}

describe('workspace bench', { skip: !RUN && 'set CAHIER_WORKSPACE_BENCH=1' }, () => {
  const suite = relayAndBrowser();

  test('500 entries, title and full-text search', { timeout: 1_800_000 }, async (t) => {
    await withPeople(t, suite, 1, async (a) => {
      await createWorkspace(a, 'Banc d’essai');
      const files = [];
      for (let n = 0; n < LONG; n += 1) {
        files.push({ name: `long-${n}.md`, mimeType: 'text/markdown', buffer: Buffer.from(longText(n, 20_000, n === 137 ? 'zorglub' : '')) });
      }
      for (let n = 0; n < SHORT; n += 1) {
        files.push({ name: `court-${n}.md`, mimeType: 'text/markdown', buffer: Buffer.from(`# Court ${n}\n\nUn texte court.\n`) });
      }
      await a.locator('#ws-import-files').setInputFiles(files);
      await expectAttribute(a.locator('#ws-import-report'), 'data-made', String(LONG + SHORT), { timeout: 900_000 });
      await expectAttribute(a.locator('#ws-import-sent'), 'data-sent', String(LONG + SHORT), { timeout: 900_000 });
      await expectAttribute(documentPage(a).status, 'data-synced', 'true', { timeout: 120_000 });

      // Open again from IndexedDB: until every entry is drawn, and until
      // every saved copy is read (the search covers them all).
      const url = a.url();
      await a.goto('/');
      const started = Date.now();
      await a.goto(url);
      await a.waitForFunction((n) => document.querySelectorAll('#workspace li.ws-entry').length === n, LONG + SHORT, { timeout: 120_000 });
      const drawn = Date.now() - started;
      await a.locator('#ws-search').fill('x');
      await a.waitForFunction((n) => document.querySelector('#ws-searched')?.getAttribute('data-searched') === String(n), LONG + SHORT, { timeout: 120_000 });
      const read = Date.now() - started;

      const titleMs = await a.evaluate(async () => {
        const input = document.querySelector('#ws-search');
        const t0 = performance.now();
        input.value = 'Court 29';
        input.dispatchEvent(new Event('input', { bubbles: true }));
        while (!document.querySelector('#ws-title-results li')) await new Promise((r) => requestAnimationFrame(r));
        return performance.now() - t0;
      });
      const fullMs = await a.evaluate(async () => {
        const input = document.querySelector('#ws-search');
        const t0 = performance.now();
        input.value = 'zorglub';
        input.dispatchEvent(new Event('input', { bubbles: true }));
        while (!document.querySelector('#ws-text-results li')) await new Promise((r) => requestAnimationFrame(r));
        return performance.now() - t0;
      });
      assert.equal(await a.locator('#ws-text-results li').count(), 1);
      t.diagnostic(`workspace of ${LONG + SHORT} entries: drawn from IndexedDB in ${drawn} ms, every saved copy read in ${read} ms`);
      t.diagnostic(`title search: ${titleMs.toFixed(1)} ms to the first result drawn`);
      t.diagnostic(`full-text search over ${LONG} saved texts of 20,000 characters (and ${SHORT} short): ${fullMs.toFixed(1)} ms`);
      console.log(`# bench: open ${drawn} ms, copies read ${read} ms, title search ${titleMs.toFixed(1)} ms, full text ${fullMs.toFixed(1)} ms`);
    });
  });
});
