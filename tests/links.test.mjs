// Links: "New text" makes an edit link, a pasted link is checked and opened,
// a damaged one is refused in words (in the field and in the address bar),
// and a view link opens the same document read-only.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { badLinkPage, documentPage, editLinkOf, home, OPENED_FRAGMENT, openShare, roomOf, VIEW_FRAGMENT } from './lib/app.mjs';
import {
  assertNoProblems,
  expectAttribute,
  expectText,
  filledValue,
  withPage,
} from './lib/browser.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { APP_NAME, STRINGS } from './lib/strings.mjs';

const TEST_TIMEOUT_MS = 60_000;
const LOCALES = { fr: 'fr-FR', en: 'en-US' };

/** Click "New text" on the start page; return the edit link it opens. */
async function createText(page, words) {
  await page.goto('/');
  const start = home(page);
  await expectText(start.newText, words.new_text);
  await start.newText.click();
  return editLinkOf(page);
}

/** Check the document page for `link`, and return its room and links. */
async function assertDocumentPage(page, words, { canWrite, link }) {
  const doc = documentPage(page, words);
  // An untitled document's heading says so; the title is its field's
  // placeholder for an editor, the heading's text for a reader.
  if (canWrite) {
    await expectAttribute(doc.title, 'placeholder', words.title_placeholder);
    assert.equal(await doc.title.inputValue(), '');
  } else {
    await expectText(doc.heading, words.title_placeholder);
    assert.equal(await doc.title.count(), 0, 'a reader has no title field');
  }
  await expectText(doc.access, canWrite ? words.edit_access : words.view_access);
  await openShare(page);
  const viewLink = await filledValue(doc.viewLink);
  assert.match(viewLink, VIEW_FRAGMENT);
  if (canWrite) {
    assert.equal(await doc.shareFields.count(), 3, 'an editor sees the edit, amend and view links');
    assert.match(await page.locator('#share-amend-link').inputValue(), /#a=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{4}$/);
    assert.equal(await doc.editLink.inputValue(), link, 'the edit link to share is the one opened');
  } else {
    assert.equal(await doc.shareFields.count(), 1, 'a viewer sees the view link only');
    assert.equal(viewLink, link, 'the view link to share is the one opened');
  }
  assert.equal(await page.title(), `${words.title_placeholder} · ${APP_NAME}`);
  assert.equal(await page.getByText(/^[A-Za-z0-9_-]{22}$/).count(), 0, 'the room id is not shown');
  const room = await roomOf(page);
  assert.match(room ?? '', /^[A-Za-z0-9_-]{22}$/, 'the room id is 16 bytes in base64url');
  await page.keyboard.press('Escape');
  return { room, viewLink };
}

/** One character of the key changed, as a bad copy would. */
function damage(link) {
  const at = link.indexOf('#') + 3 + 10;
  const replacement = link[at] === 'A' ? 'B' : 'A';
  return link.slice(0, at) + replacement + link.slice(at + 1);
}

describe('links', () => {
  const suite = relayAndBrowser();

  test('"New text" opens an empty document at a new edit link', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { locale: LOCALES.fr, relay: suite.relay }, async (page) => {
      const link = await createText(page, STRINGS.fr);
      assert.ok(link.startsWith(suite.relay.url), `${link} is on the relay's address`);
      await assertDocumentPage(page, STRINGS.fr, { canWrite: true, link });
      assertNoProblems(page);
    });
  });

  test('each new text gets its own key and room', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { locale: LOCALES.en, relay: suite.relay }, async (page) => {
      const first = await createText(page, STRINGS.en);
      const firstDoc = await assertDocumentPage(page, STRINGS.en, { canWrite: true, link: first });
      const second = await createText(page, STRINGS.en);
      const secondDoc = await assertDocumentPage(page, STRINGS.en, { canWrite: true, link: second });
      assert.notEqual(second, first);
      assert.notEqual(secondDoc.room, firstDoc.room);
      assertNoProblems(page);
    });
  });

  for (const [lang, locale] of Object.entries(LOCALES)) {
    const words = STRINGS[lang];

    test(`a damaged pasted link is refused in words (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        const good = await createText(page, words);
        await page.goto('/');
        const start = home(page);
        const cases = [
          ['one character changed', damage(good), words.link_damaged],
          ['cut short', good.slice(0, good.length - 10), words.link_truncated],
          ['no fragment', suite.relay.url, words.link_no_key],
        ];
        for (const [what, pasted, message] of cases) {
          await start.openInput.fill(pasted);
          await expectText(start.openError, message).catch((error) => {
            error.message = `${what}: ${error.message}`;
            throw error;
          });
          await expectAttribute(start.openInput, 'aria-invalid', 'true');
          assert.ok(await start.openButton.isDisabled(), `${what}: Open is disabled`);
        }

        // The good link clears the error and can be opened.
        await start.openInput.fill(good);
        await expectAttribute(start.openInput, 'aria-invalid', 'false');
        await expectText(start.openError, '');
        assert.ok(await start.openButton.isEnabled(), 'Open is enabled for a good link');
        assert.equal(new URL(page.url()).hash, '', 'nothing opens before Open is pressed');
        assertNoProblems(page);
      });
    });
  }

  test('a good pasted link opens its document for another person', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    let link;
    let room;
    await withPage(t, suite.browser, { locale: LOCALES.fr, relay: suite.relay }, async (page) => {
      link = await createText(page, STRINGS.fr);
      ({ room } = await assertDocumentPage(page, STRINGS.fr, { canWrite: true, link }));
    });
    await withPage(t, suite.browser, { locale: LOCALES.en, relay: suite.relay }, async (page) => {
      await page.goto('/');
      const start = home(page);
      // Links pasted from mail often come with spaces around them.
      await start.openInput.fill(`  ${link}\n`);
      await start.openButton.click();
      await page.waitForURL(OPENED_FRAGMENT);
      const opened = await assertDocumentPage(page, STRINGS.en, { canWrite: true, link });
      assert.equal(opened.room, room, 'the same document');
      assertNoProblems(page);
    });
  });

  test('a damaged link in the address bar says what is wrong', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { locale: LOCALES.fr, relay: suite.relay }, async (page) => {
      const good = await createText(page, STRINGS.fr);
      const bad = badLinkPage(page);

      await page.goto(damage(good));
      await expectText(bad.heading, STRINGS.fr.bad_link_title);
      await expectText(bad.error, STRINGS.fr.link_damaged);
      assert.equal(await documentPage(page, STRINGS.fr).section.count(), 0, 'no document opens');

      await page.goto(good.slice(0, good.length - 10));
      await expectText(bad.error, STRINGS.fr.link_truncated);

      // The way back to the start page.
      await bad.backHome.click();
      await expectText(home(page).newText, STRINGS.fr.new_text);
      assertNoProblems(page);
    });
  });

  test('a pasted view link opens the same document read-only', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    let edit;
    await withPage(t, suite.browser, { locale: LOCALES.fr, relay: suite.relay }, async (page) => {
      const link = await createText(page, STRINGS.fr);
      edit = { link, ...(await assertDocumentPage(page, STRINGS.fr, { canWrite: true, link })) };
    });
    assert.ok(edit.viewLink.startsWith(suite.relay.url), `${edit.viewLink} is on the relay's address`);
    const editSecret = new URL(edit.link).hash.slice('#e='.length).split('.')[0];
    assert.ok(!edit.viewLink.includes(editSecret), 'the view link does not carry the edit secret');

    await withPage(t, suite.browser, { locale: LOCALES.en, relay: suite.relay }, async (page) => {
      await page.goto('/');
      const start = home(page);
      await start.openInput.fill(edit.viewLink);
      await start.openButton.click();
      await page.waitForURL(OPENED_FRAGMENT);
      const viewed = await assertDocumentPage(page, STRINGS.en, { canWrite: false, link: edit.viewLink });
      assert.equal(viewed.room, edit.room, 'the same document');

      // Opened again from the address bar, it is still read-only.
      await page.reload();
      await assertDocumentPage(page, STRINGS.en, { canWrite: false, link: edit.viewLink });
      assertNoProblems(page);
    });
  });
});
