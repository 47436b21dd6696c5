// A relay started with --creation-token creates documents only for those
// who have the token (issue 9): a stranger's new document is refused in
// words and the page asks for the token, once; a wrong one is refused
// again; the right one creates the document, and is kept in this browser
// for the next ones. An existing document opens without any token.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage, editLinkOf, home, OPENED_FRAGMENT } from './lib/app.mjs';
import { expectAttribute, expectText, withPage } from './lib/browser.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { STRINGS } from './lib/strings.mjs';

const TEST_TIMEOUT_MS = 90_000;
const TOKEN = 'jeton du groupe';

describe('creation token', () => {
  const suite = relayAndBrowser({ args: ['--creation-token', TOKEN] });

  for (const [lang, locale] of Object.entries({ fr: 'fr-FR', en: 'en-US' })) {
    test(`attack: creating a document without the token is refused, the token is asked once, and an existing document opens without it (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const words = STRINGS[lang];
      let link;
      await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        await page.goto('/');
        await home(page).newText.click();
        await page.waitForURL(OPENED_FRAGMENT);
        const doc = documentPage(page);
        const form = page.locator('#token-form');
        const field = page.locator('#creation-token');
        await expectText(doc.problem, words.problem_token_required);
        await expectAttribute(doc.status, 'data-state', 'offline');
        assert.equal(await form.count(), 1);

        // A wrong token: refused again, asked again.
        await field.fill('jeton volé');
        await form.locator('button[type="submit"]').click();
        await expectText(doc.problem, words.problem_token_required);
        await expectAttribute(doc.status, 'data-state', 'offline');

        // The right one: the document is created and takes edits.
        await field.fill(`  ${TOKEN} `);
        await form.locator('button[type="submit"]').click();
        await expectAttribute(doc.status, 'data-state', 'online');
        await expectText(doc.problem, '');
        assert.equal(await form.count(), 0);
        await doc.editor.focus();
        await page.keyboard.insertText('Créé avec le jeton.');
        await expectAttribute(doc.status, 'data-synced', 'true');
        link = await editLinkOf(page);

        // The token is kept: the next new document asks for nothing.
        await page.goto('/');
        await home(page).newText.click();
        await page.waitForURL(OPENED_FRAGMENT);
        await expectAttribute(doc.status, 'data-state', 'online');
        assert.equal(await form.count(), 0);
      });

      // Another browser, without the token, opens the existing document.
      await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        await page.goto(link);
        const doc = documentPage(page);
        await expectAttribute(doc.status, 'data-state', 'online');
        await page.waitForFunction(() => document.querySelector('#editor')?.value === 'Créé avec le jeton.');
        assert.equal(await page.locator('#token-form').count(), 0);
      });
    });
  }
});
