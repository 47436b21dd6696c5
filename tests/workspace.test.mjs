// Workspaces (components/workspace_*.rs): a secretary makes one from the
// start page, creates a text in it and adds an argument map by its link,
// shares the read link; a member opens it, sees both, and gets each at
// view level (no editing controls). The title the text was given shows in
// the index; the full text search finds a word of its body. Three
// Markdown files are imported (an image beside them refused in words),
// and the export's zip holds them, checked by name and content. On a
// 390 px phone nothing overflows, and the keyboard alone makes a folder,
// moves an entry into it, pins one and removes one. Every wait ends on an
// element or an attribute.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';

import { documentPage } from './lib/app.mjs';
import { expectAttribute, expectText } from './lib/browser.mjs';
import { createText, withPeople } from './lib/editing.mjs';
import { createMap } from './lib/arguments.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { addLink, createWorkspace, entries, entry, shareLink, unzip, WS } from './lib/workspace.mjs';

const TEST_TIMEOUT_MS = 180_000;
const W = WS.fr;

/** Back to the workspace at `link`, its index loaded. */
async function openWorkspace(page, link) {
  await page.goto(link);
  await page.locator('#workspace').waitFor();
  await expectAttribute(documentPage(page).status, 'data-state', 'online');
}

describe('workspaces', () => {
  const suite = relayAndBrowser();

  test('a secretary builds a workspace and a member reads it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, b) => {
      // A map made on its own, to be added by its link.
      const mapLink = await createMap(a);

      await createWorkspace(a, 'Section de Lyon');
      await a.waitForFunction(() => document.querySelector('#title')?.value === 'Section de Lyon');
      const wsEdit = await shareLink(a, 'edit-link');
      const wsRead = await shareLink(a, 'ws-read-link');
      assert.match(wsRead, /#a=/, 'the read link is the workspace’s amend link');

      await addLink(a, mapLink);
      await expectAttribute(entries(a).first(), 'data-kind', 'arguments');

      // A text made inside: its page opens, it gets a title and a body.
      await a.locator('#ws-new-text').click();
      await documentPage(a).editor.waitFor();
      await expectAttribute(documentPage(a).status, 'data-state', 'online');
      await documentPage(a).title.fill('Motion logement');
      await documentPage(a).editor.fill('Nous demandons un encadrement des loyers.');
      await expectAttribute(documentPage(a).status, 'data-synced', 'true');

      // Back in the workspace: the new title is written into its entry.
      await openWorkspace(a, wsEdit);
      await entry(a, 'Motion logement').waitFor();
      assert.equal(await entries(a).count(), 2);

      // Search: the title as typed, and a word of the body.
      await a.locator('#ws-search').fill('motion');
      await a.locator('#ws-title-results li', { hasText: 'Motion logement' }).waitFor();
      await a.locator('#ws-search').fill('loyers');
      await a.locator('#ws-text-results li', { hasText: 'Motion logement' }).waitFor();
      const searched = a.locator('#ws-searched');
      assert.equal(await searched.getAttribute('data-total'), '2');
      assert.match(await searched.innerText(), /documents ouverts dans ce navigateur sur 2/);

      // The member opens the read link: both entries, no editing.
      await openWorkspace(b, wsRead);
      await entry(b, 'Motion logement').waitFor();
      await b.waitForFunction(() => document.querySelectorAll('#workspace li.ws-entry').length === 2);
      assert.equal(await b.locator('#ws-new-text').count(), 0, 'a member does not add');
      assert.equal(await b.locator('.ws-remove').count(), 0, 'a member does not remove');
      await entry(b, 'Motion logement').locator('.ws-open').click();
      // A reader's page opens on the rendered text; the editor under it
      // does not write.
      await expectAttribute(b.locator('.read-only-badge'), 'data-role', 'view');
      await documentPage(b).editor.waitFor({ state: 'attached' });
      assert.notEqual(await documentPage(b).editor.getAttribute('readonly'), null, 'the text does not edit');

      await openWorkspace(b, wsRead);
      const map = entries(b).filter({ hasNot: b.locator('.ws-open', { hasText: 'Motion logement' }) });
      await map.locator('.ws-open').click();
      await b.locator('#argument-map').waitFor();
      await expectAttribute(b.locator('.read-only-badge'), 'data-role', 'view');
    });
  });

  test('three Markdown files come in, and go out in a zip', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (a) => {
      await createWorkspace(a, 'Congrès');
      const files = [
        { name: 'orientation.md', mimeType: 'text/markdown', buffer: Buffer.from('# Texte d’orientation\n\nLe monde change.\n') },
        { name: 'statuts.md', mimeType: 'text/markdown', buffer: Buffer.from('Article premier : le nom.\n') },
        { name: 'tract.txt', mimeType: 'text/plain', buffer: Buffer.from('Tous à la manif mardi.\n') },
        { name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) },
      ];
      await a.locator('#ws-import-files').setInputFiles(files);
      const report = a.locator('#ws-import-report');
      await expectAttribute(report, 'data-made', '3');
      await expectAttribute(report, 'data-refused', '1');
      await report.locator('li', { hasText: 'logo.png' }).waitFor();
      assert.match(await report.innerText(), new RegExp(W.import_not_text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      await expectAttribute(a.locator('#ws-import-sent'), 'data-sent', '3');
      await entry(a, 'Texte d’orientation').waitFor();
      await entry(a, 'statuts').waitFor();
      await entry(a, 'tract').waitFor();

      const [download] = await Promise.all([a.waitForEvent('download'), a.locator('#ws-export').click()]);
      const zip = unzip(await readFile(await download.path()));
      assert.ok('index.md' in zip, 'the zip has its index');
      const names = Object.keys(zip).filter((name) => name !== 'index.md').sort();
      assert.equal(names.length, 3, `the zip holds ${names.join(', ')}`);
      assert.ok(names.every((name) => name.endsWith('.md')), names.join(', '));
      const all = Object.values(zip).join('\n');
      assert.match(all, /Le monde change\./);
      assert.match(all, /Article premier : le nom\./);
      assert.match(all, /Tous à la manif mardi\./);
      await expectAttribute(a.locator('#ws-export-report'), 'data-left-out', '0');
    });
  });

  test('on a phone, by the keyboard alone', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (a) => {
      await a.setViewportSize({ width: 390, height: 844 });
      const first = await createText(a);
      const second = await createText(a);
      await createWorkspace(a, 'Bureau');
      await addLink(a, first);
      await addLink(a, second);
      const overflow = await a.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px too wide`);

      // A folder, by the keyboard.
      await a.locator('#ws-new-folder').focus();
      await a.keyboard.type('Motions');
      await a.keyboard.press('Enter');
      await a.locator('#ws-folders .ws-folder h3', { hasText: 'Motions' }).waitFor();

      // The first entry into it: its folder select, by the keyboard.
      const select = entries(a).first().locator('select');
      await select.focus();
      await a.keyboard.press('ArrowDown');
      await a.locator('#ws-folders .ws-folder li.ws-entry').waitFor();

      // Pin the other, by Enter on its button.
      await a.locator('#ws-entries li.ws-entry .ws-pin').focus();
      await a.keyboard.press('Enter');
      await a.locator('li.ws-entry[data-pinned="true"]').waitFor();

      // Remove it: the confirmation says the document stays.
      await a.locator('li.ws-entry[data-pinned="true"] .ws-remove').focus();
      await a.keyboard.press('Enter');
      const confirm = a.locator('.ws-remove-confirm');
      await expectText(confirm.locator('p'), W.remove_text);
      await a.waitForFunction(() => document.activeElement?.id === 'ws-remove-confirm');
      await a.keyboard.press('Enter');
      await a.waitForFunction(() => document.querySelectorAll('#workspace li.ws-entry').length === 1);

      const after = await a.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(after <= 0, `the page is ${after} px too wide`);

      // The start page lists the workspace.
      await a.goto('/');
      await a.locator('#workspaces li', { hasText: 'Bureau' }).waitFor();
    });
  });
});
