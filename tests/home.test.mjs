// The start page: it loads cleanly from the relay, speaks the browser's
// language (French or English, French otherwise), and the switch changes
// the language and is remembered.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { frame, home } from './lib/app.mjs';
import { assertNoProblems, expectAttribute, expectText, withPage } from './lib/browser.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { APP_NAME, STRINGS } from './lib/strings.mjs';

const TEST_TIMEOUT_MS = 60_000;

/** Check that every word on the start page is in `lang`. */
async function assertStartPageSpeaks(page, lang) {
  const words = STRINGS[lang];
  const start = home(page);
  const around = frame(page);
  await expectAttribute(around.html, 'lang', lang);
  await expectText(start.newText, words.new_text);
  await expectText(start.tagline, words.tagline);
  await expectText(start.newTextHint, words.new_text_hint);
  await expectText(start.openLabel, words.open_label);
  await expectAttribute(start.openInput, 'placeholder', words.open_placeholder);
  await expectText(start.openButton, words.open_button);
  await expectText(around.privacyNote, words.privacy_note);
  await expectAttribute(around.langSwitch, 'aria-label', words.language);
  for (const tag of Object.keys(STRINGS)) {
    await expectAttribute(around.langButton(tag), 'aria-pressed', String(tag === lang));
  }
}

describe('the start page', () => {
  const suite = relayAndBrowser();

  test('loads from the relay without errors or third-party requests', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { locale: 'fr-FR', relay: suite.relay }, async (page) => {
      const response = await page.goto('/');
      assert.equal(response?.status(), 200);
      await expectText(home(page).heading, APP_NAME);
      await home(page).newText.waitFor();
      // Wait for the late requests too (icon, manifest).
      await page.waitForLoadState('networkidle');
      assert.equal(await page.title(), APP_NAME);
      assertNoProblems(page);
    });
  });

  test('speaks French to a French browser', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { locale: 'fr-FR', relay: suite.relay }, async (page) => {
      await page.goto('/');
      await assertStartPageSpeaks(page, 'fr');
      assertNoProblems(page);
    });
  });

  test('speaks English to an English browser', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { locale: 'en-US', relay: suite.relay }, async (page) => {
      await page.goto('/');
      await assertStartPageSpeaks(page, 'en');
      assertNoProblems(page);
    });
  });

  test('speaks French to a browser in neither language', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { locale: 'de-DE', relay: suite.relay }, async (page) => {
      await page.goto('/');
      await assertStartPageSpeaks(page, 'fr');
      assertNoProblems(page);
    });
  });

  test('the language switch changes every word, and is remembered', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { locale: 'fr-FR', relay: suite.relay }, async (page) => {
      await page.goto('/');
      await assertStartPageSpeaks(page, 'fr');

      await frame(page).langButton('en').click();
      await assertStartPageSpeaks(page, 'en');

      // The same browser comes back later: still English.
      await page.reload();
      await assertStartPageSpeaks(page, 'en');

      await frame(page).langButton('fr').click();
      await assertStartPageSpeaks(page, 'fr');
      assertNoProblems(page);
    });
  });
});
