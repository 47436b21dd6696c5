// The keys in this browser (issue 9): once the document's keys are kept,
// the address bar holds a local handle (`#d=…`) instead of the link, so
// the browser's history, a synced history or a screen share holds no key;
// the handle opens the document again in this browser, and nothing in
// another. "Forget this document in this browser" erases its keys, its
// copy and its handle, says what is lost, and is done with the keyboard.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage, editLinkOf, LOCAL_FRAGMENT, recent, roomOf, viewLinkOf } from './lib/app.mjs';
import { expectAttribute, expectText, withPage } from './lib/browser.mjs';
import { createText, text, typeAtEnd, waitForText, waitSynced } from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { STRINGS } from './lib/strings.mjs';

const TEST_TIMEOUT_MS = 90_000;
const LOCALES = { fr: 'fr-FR', en: 'en-US' };

/** Every key of the app's IndexedDB store, in the page's browser. */
function storedKeys(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('cahier');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('kv')) return resolve([]);
          const keys = db.transaction('kv').objectStore('kv').getAllKeys();
          keys.onerror = () => reject(keys.error);
          keys.onsuccess = () => {
            db.close();
            resolve(keys.result.map(String));
          };
        };
      }),
  );
}

/** The part of an edit link that is its secret. */
function secretOf(link) {
  return new URL(link).hash.slice('#e='.length).split('.')[0];
}

describe('keys in this browser', () => {
  const suite = relayAndBrowser();

  for (const [lang, locale] of Object.entries(LOCALES)) {
    const words = STRINGS[lang];

    test(`attack: the key leaves the address bar once kept, and the local handle opens the document in this browser only (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      let handleUrl;
      let link;
      await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        link = await createText(page);
        await typeAtEnd(page, ['Texte gardé sous un nom local.']);
        await waitSynced(page);
        await page.waitForURL(LOCAL_FRAGMENT);
        handleUrl = page.url();
        assert.ok(!handleUrl.includes(secretOf(link)), 'the address holds no key');
        const before = await text(page);

        // The entry was replaced, not added to: back is the start page,
        // and no entry holds the key.
        await page.goBack();
        await expectText(page.locator('#new-text'), words.new_text);
        assert.equal(new URL(page.url()).hash, '');
        await page.goForward();
        await waitForText(page, (value, expected) => value === expected, before);
        assert.equal(page.url(), handleUrl);

        // Reloaded from the handle: the same document, with the edit link.
        await page.reload();
        await waitForText(page, (value, expected) => value === expected, before);
        await expectAttribute(documentPage(page).status, 'data-state', 'online');
        assert.equal(await editLinkOf(page), link, 'the keys came from this browser');
        assert.equal(page.url(), handleUrl, 'the handle stays in the address');

        // Leaving and coming back with the back button: the handle again.
        await page.goto('/');
        await page.goBack();
        await waitForText(page, (value, expected) => value === expected, before);
        assert.equal(page.url(), handleUrl);

        // The link opened again in this tab, over its own handle: the
        // document moves from one page to the next, not "open in another
        // tab" (the first lets go of the tab lock as the second claims it).
        await page.goto(link);
        await expectAttribute(documentPage(page).section, 'data-tab', 'mine');
        await expectAttribute(documentPage(page).status, 'data-state', 'online');
        await waitForText(page, (value, expected) => value === expected, before);
        await page.waitForURL(handleUrl);
      });

      // Another browser (a synced history, a shared screen): the handle
      // opens nothing, and says why.
      await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        await page.goto(handleUrl);
        const notKept = page.locator('#not-kept');
        await expectText(notKept.locator('h1'), words.local_missing_title);
        await expectText(notKept.locator('p.error'), words.local_missing);
        assert.equal(await documentPage(page).section.count(), 0, 'no document opens');
        assert.deepEqual(await storedKeys(page), [], 'nothing was kept for it');

        // The link itself still opens it there.
        await page.goto(link);
        await waitForText(page, (value) => value.includes('Texte gardé sous un nom local.'));
      });
    });

    test(`forgetting a document in this browser erases its keys and copy, warns of unsent edits, and works from the keyboard (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        const link = await createText(page);
        const doc = documentPage(page);
        await doc.title.fill('Motion à oublier');
        await typeAtEnd(page, ['Reçu par le serveur.']);
        await waitSynced(page);
        await page.waitForURL(LOCAL_FRAGMENT);
        const handleUrl = page.url();
        const room = await roomOf(page);
        const handle = new URL(handleUrl).hash.slice('#d='.length);
        const kept = await storedKeys(page);
        for (const key of [`doc/${room}`, `link/${room}`, `handle/${room}`, `local/${handle}`]) {
          assert.ok(kept.includes(key), `${key} is kept before forgetting (kept: ${kept})`);
        }

        // An edit the server has not received.
        await page.context().setOffline(true);
        await typeAtEnd(page, [' Pas encore envoyé.']);
        await expectAttribute(doc.status, 'data-synced', 'false');

        // Keyboard only: the button opens the confirmation, with the focus
        // on "Forget"; Escape closes it and gives the focus back.
        const forget = page.locator('#forget');
        const confirm = page.locator('#forget-confirm');
        await forget.focus();
        await page.keyboard.press('Enter');
        await confirm.waitFor();
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'forget-confirm');
        await expectAttribute(forget, 'aria-expanded', 'true');
        await expectText(page.locator('#forget-confirm-text'), words.forget_confirm_text);
        const pending = page.locator('#forget-pending');
        await expectText(pending, `${await doc.status.getAttribute('data-pending')} ${words.forget_pending}`);
        await page.keyboard.press('Escape');
        await confirm.waitFor({ state: 'detached' });
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'forget');
        assert.ok(
          (await storedKeys(page)).includes(`doc/${room}`),
          'cancelling erases nothing',
        );

        await page.keyboard.press('Enter');
        await confirm.waitFor();
        await page.keyboard.press('Enter');

        // The start page says so; the recent list no longer has it; this
        // browser keeps nothing of it.
        const notice = page.locator('#forgotten');
        await expectText(notice, `Motion à oublier ${words.forgotten}`);
        assert.equal(new URL(page.url()).hash, '', 'back on the start page');
        assert.equal(await recent(page).item(room).count(), 0, 'gone from the recent list');
        const left = await storedKeys(page);
        for (const key of left) {
          assert.ok(!key.includes(room) && !key.includes(handle), `${key} was left behind`);
        }

        // Its handle opens nothing now.
        await page.goBack();
        await expectText(page.locator('#not-kept h1'), words.local_missing_title);

        // The document stays on the server: its link opens what the
        // server had, without the edit that never reached it.
        await page.context().setOffline(false);
        await page.goto(link);
        await expectAttribute(doc.status, 'data-state', 'online');
        await waitForText(page, (value) => value.includes('Reçu par le serveur.'));
        assert.ok(!(await text(page)).includes('Pas encore envoyé.'), 'the unsent edit was erased with the copy');
        assert.equal(await doc.title.inputValue(), 'Motion à oublier');
      });
    });
  }
});
