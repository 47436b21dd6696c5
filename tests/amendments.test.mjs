// Amendments end to end, the lead's part (the list and the detail have
// their own files): an amendment filed with the amend link while the
// member is offline waits, leaves with the connection, reaches the keeper
// and gets its number from the keeper's browser, the same for everyone;
// the amend link cannot change the text; the view link reads the
// amendments through the key the editors recorded. Every wait ends on an
// element, an attribute or a value, never on a fixed sleep.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage, openPanel, openShare } from './lib/app.mjs';
import { expectAttribute } from './lib/browser.mjs';
import { RECONNECT_TIMEOUT_MS, createText, open, typeAtEnd, waitForSentences, withPeople } from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';

const TEST_TIMEOUT_MS = 150_000;

const MOTION = 'La section demande la gratuité des transports en commun.';

/** A link field of the share panel, the panel closed after. */
async function shareField(page, id) {
  await openShare(page);
  const field = page.locator(`#${id}`);
  await field.waitFor();
  const value = await field.inputValue();
  await page.keyboard.press('Escape');
  await page.locator('#share-panel').waitFor({ state: 'detached' });
  return value;
}

/** Select `words` of the text in the editor. */
async function select(page, words) {
  await page.locator('#editor').evaluate((el, words) => {
    const start = el.value.indexOf(words);
    if (start < 0) throw new Error(`"${words}" is not in the text`);
    el.focus();
    el.setSelectionRange(start, start + words.length);
    el.dispatchEvent(new Event('select'));
  }, words);
}

/** File an amendment replacing the selected `words` with `wording`. */
async function file(page, words, wording, rationale) {
  await select(page, words);
  await page.locator('#propose-amendment').click();
  await page.locator('#amendment-form').waitFor();
  await page.locator('#amendment-wording').fill(wording);
  await page.locator('#amendment-rationale').fill(rationale);
  await page.locator('#amendment-submit').click();
  await page.locator('#amendment-form').waitFor({ state: 'detached' });
}

/** The amendments panel's text, once it mentions `expected`. */
async function panelShows(page, expected, options = {}) {
  const panel = await openPanel(page, 'open-amendments', 'amendments-panel');
  await panel.getByText(expected).first().waitFor({ timeout: options.timeout ?? 15_000 });
  return panel.innerText();
}

describe('amendments across links and the network', () => {
  const suite = relayAndBrowser();

  test('an amendment filed offline with the amend link arrives after reconnect and is numbered once by the keeper', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 3, async (keeper, member, reader) => {
      await createText(keeper);
      await typeAtEnd(keeper, [MOTION]);
      const amendLink = await shareField(keeper, 'share-amend-link');
      assert.match(amendLink, /#a=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{4}$/);
      const viewLink = await shareField(keeper, 'view-link');

      await open(member, amendLink);
      await waitForSentences(member, [MOTION]);
      // The amend link reads the text and cannot change it.
      assert.equal(await member.locator('#editor').getAttribute('readonly') !== null
        || await member.locator('#editor').isDisabled(), true, 'the text is read only');
      await expectAttribute(member.locator('.read-only-badge'), 'data-role', 'amend');

      await member.context().setOffline(true);
      await expectAttribute(documentPage(member).status, 'data-state', 'offline');
      await file(member, 'en commun', 'publics', 'Plus clair.');
      // Offline, it is the member's own, with no number yet.
      const offline = await panelShows(member, 'publics');
      assert.doesNotMatch(offline, /\bA1\b/, 'no number while offline');

      await member.context().setOffline(false);
      await expectAttribute(documentPage(member).status, 'data-state', 'online', { timeout: RECONNECT_TIMEOUT_MS });
      // The keeper sees it and their browser registers it: A1 everywhere.
      await panelShows(keeper, 'publics', { timeout: RECONNECT_TIMEOUT_MS });
      await panelShows(keeper, 'A1');
      await panelShows(member, 'A1', { timeout: RECONNECT_TIMEOUT_MS });

      // The view link reads the amendment, numbered the same.
      await open(reader, viewLink);
      await panelShows(reader, 'publics');
      const read = await panelShows(reader, 'A1');
      assert.match(read, /publics/);
      // The text itself never changed.
      assert.equal((await documentPage(keeper).editor.inputValue()).trim(), MOTION);
    });
  });
});
