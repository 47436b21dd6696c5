// One tab per document in a browser: a second tab of the same document says
// the text is open elsewhere and offers to move it; moving it stops the
// first tab. Without this, two tabs would overwrite each other's saved copy,
// and with the network gone the edits of one of them would be lost once
// both are closed: the last test is that case.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage } from './lib/app.mjs';
import { expectAttribute, expectText } from './lib/browser.mjs';
import {
  assertNewcomerSees,
  assertNoUnexpectedProblems,
  createText,
  text,
  typeAtEnd,
  waitForText,
  waitSynced,
  withPeople,
} from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { STRINGS } from './lib/strings.mjs';

const TEST_TIMEOUT_MS = 120_000;
const words = STRINGS.fr;

/** A second tab of `page`'s browser (same context: same storage). */
async function secondTab(page) {
  const tab = await page.context().newPage();
  tab.problems = [];
  tab.consoleLog = [];
  tab.on('pageerror', (error) => tab.problems.push(`uncaught exception: ${error.message}`));
  tab.on('console', (message) => {
    if (message.type() === 'error') tab.problems.push(`console error: ${message.text()}`);
  });
  return tab;
}

describe('tabs', () => {
  const suite = relayAndBrowser();

  test('a second tab of a document says so, and can take the document over', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (first) => {
      const link = await createText(first);
      await typeAtEnd(first, ['Écrit dans le premier onglet.']);
      await waitSynced(first);

      const second = await secondTab(first);
      await second.goto(link);
      await expectText(documentPage(second).tabNotice.locator('p'), words.tab_elsewhere);
      await expectAttribute(documentPage(second).section, 'data-tab', 'elsewhere');
      assert.equal(await documentPage(second).editor.isVisible(), false, 'no editor in the second tab');
      // The first tab is untouched.
      await expectAttribute(documentPage(first).section, 'data-tab', 'mine');
      assert.equal(await documentPage(first).tabNotice.count(), 0);

      await documentPage(second).useHere.click();
      await expectAttribute(documentPage(second).section, 'data-tab', 'mine');
      await waitForText(second, (value) => value === 'Écrit dans le premier onglet. ');
      await expectAttribute(documentPage(second).status, 'data-state', 'online');
      await expectText(documentPage(first).tabNotice.locator('p'), words.tab_lost);
      assert.equal(await documentPage(first).editor.isVisible(), false, 'the first tab hides its editor');

      // And back.
      await typeAtEnd(second, ['Puis dans le second.']);
      await waitSynced(second);
      await documentPage(first).useHere.click();
      await waitForText(first, (value) => value === 'Écrit dans le premier onglet. Puis dans le second. ');
      await expectText(documentPage(second).tabNotice.locator('p'), words.tab_lost);
      await waitSynced(first);
      assertNoUnexpectedProblems(first);
      assert.deepEqual(second.problems, []);
    });
  });

  test('offline, what two tabs typed in turn survives closing both', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (first) => {
      const link = await createText(first);
      await typeAtEnd(first, ['En ligne.']);
      await waitSynced(first);
      await first.context().setOffline(true);
      await expectAttribute(documentPage(first).status, 'data-state', 'offline');
      await typeAtEnd(first, ['Hors ligne, premier onglet.']);

      const second = await secondTab(first);
      await second.goto(link);
      await documentPage(second).useHere.click();
      await waitForText(second, (value) => value === 'En ligne. Hors ligne, premier onglet. ');
      await typeAtEnd(second, ['Hors ligne, second onglet.']);
      const both = 'En ligne. Hors ligne, premier onglet. Hors ligne, second onglet. ';
      await waitForText(second, (value) => value === both);
      // Leave both tabs while offline: the edits live only in this browser.
      // With `runBeforeUnload` (the page's own save on leaving runs),
      // `close` does not wait for the tab to be gone, nor its lock freed.
      await Promise.all([second.waitForEvent('close'), second.close({ runBeforeUnload: true })]);
      await first.goto('about:blank');
      await first.goto(link);
      await waitForText(first, (value) => value === both);
      await expectAttribute(documentPage(first).status, 'data-state', 'offline');

      // Back online, everything reaches the relay, and someone else.
      await first.context().setOffline(false);
      await waitSynced(first, { timeout: 40_000 });
      await assertNewcomerSees(suite, link, both);
      assert.equal(await text(first), both);
      assertNoUnexpectedProblems(first);
    });
  });
});
