// What goes wrong is told in words: a relay that refuses a person (the
// document has as many people as it allows) says so on the page, in the
// person's language, and the page comes back by itself once there is room.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage, editLinkOf, home, OPENED_FRAGMENT } from './lib/app.mjs';
import { expectAttribute, expectText, withPage } from './lib/browser.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { STRINGS } from './lib/strings.mjs';

const TEST_TIMEOUT_MS = 90_000;
/** A reconnection after a refusal may wait out a few backoff delays. */
const RECONNECT_TIMEOUT_MS = 40_000;

describe('problems', () => {
  const suite = relayAndBrowser({ args: ['--max-peers-per-room', '1'] });

  for (const [lang, locale] of Object.entries({ fr: 'fr-FR', en: 'en-US' })) {
    test(`a full document is told in words, then joined once there is room (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const words = STRINGS[lang];
      let link;
      let closeFirst;
      const firstIn = new Promise((resolve) => {
        closeFirst = resolve;
      });
      // The first person holds the only place until the second one is refused.
      const first = withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        await page.goto('/');
        await home(page).newText.click();
        await page.waitForURL(OPENED_FRAGMENT);
        await expectAttribute(documentPage(page).status, 'data-state', 'online');
        await documentPage(page).editor.focus();
        await page.keyboard.insertText('Première personne.');
        await expectAttribute(documentPage(page).status, 'data-synced', 'true');
        link = await editLinkOf(page);
        await new Promise((resolve) => {
          closeFirst(resolve);
        });
      });
      const release = await firstIn;
      try {
        await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
          await page.goto(link);
          const doc = documentPage(page);
          await expectText(doc.problem, words.problem_closed_full);
          await expectAttribute(doc.status, 'data-state', 'reconnecting');
          assert.notEqual(await doc.status.getAttribute('data-synced'), 'true');

          release();
          await first;
          await expectAttribute(doc.status, 'data-state', 'online', { timeout: RECONNECT_TIMEOUT_MS });
          await expectText(doc.problem, '');
          await page.waitForFunction(() => document.querySelector('#editor')?.value === 'Première personne.');
        });
      } finally {
        release();
        await first;
      }
    });
  }
});
