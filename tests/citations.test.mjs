// Arguments inside texts (components/cite.rs, session/citations.rs): a
// secretary builds a map, then in a text "Insérer un argument" finds its
// claim among the maps this browser knows and puts it in at the caret as
// a quote; a co-author rewords the claim in the map from another browser;
// the text, which follows the map live, says so above the text and
// offers the update, which replaces only the quoted words (never
// silently: until asked, the text keeps the old wording). The quote
// survives a reload; the view link of the text lists it without the
// update button; an amendment's rationale quotes a claim too. Every wait
// ends on an element or an attribute.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { selectWords } from './lib/amend.mjs';
import { documentPage, home, viewLinkOf } from './lib/app.mjs';
import { add, back, createMap, localCopies, openFocus, reword, waitForLocalCopy, writeQuestion } from './lib/arguments.mjs';
import { expectAttribute, expectText } from './lib/browser.mjs';
import { open, waitForValue, withPeople } from './lib/editing.mjs';
import { STRINGS } from './lib/strings.mjs';
import { relayAndBrowser } from './lib/suite.mjs';

const TEST_TIMEOUT_MS = 180_000;
const FR = STRINGS.fr;

const QUESTION = 'Faut-il la gratuité des transports ?';
const CLAIM = 'Elle rend la ville à tous.';
const REWORDED = 'Elle rend enfin la ville à toutes et à tous.';

describe('arguments inside texts', () => {
  const suite = relayAndBrowser();

  test('a text quotes a claim, and offers the update when the claim is reworded', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, b) => {
      const mapLink = await createMap(a);
      const question = await writeQuestion(a, QUESTION);
      await openFocus(a, question);
      await add(a, 'pro', CLAIM);
      await back(a);
      await waitForLocalCopy(a, CLAIM);

      // A text, then the claim quoted at the caret.
      await a.goto('/');
      await home(a).newText.click();
      await expectAttribute(documentPage(a).status, 'data-state', 'online');
      const editor = documentPage(a).editor;
      await editor.focus();
      await a.keyboard.type('Nous demandons la gratuité.', { delay: 2 });
      await a.locator('#open-citations').click();
      const panel = a.locator('#citations-panel');
      await panel.waitFor();
      await expectText(panel.locator('#citations-empty'), FR.citations_empty);
      const offer = a.locator('#cite-picker .cite-offer', { hasText: CLAIM });
      await searchMaps(t, a, '#cite-picker', 'ville', offer, CLAIM, async () => {
        await panel.locator('.panel-close').click();
        await a.locator('#open-citations').click();
        await panel.waitFor();
      });
      await offer.locator('.cite-insert').click();
      await expectText(a.locator('#cite-said'), FR.cite_inserted);
      await waitForValue(a, `Nous demandons la gratuité.\n\n> ${CLAIM}\n`);
      const quoted = panel.locator('.citation');
      await expectAttribute(quoted, 'data-state', 'current');
      await expectText(quoted.locator('.citation-quoted'), CLAIM);
      // The body holds no link to the map: the citation does.
      assert.ok(!(await editor.inputValue()).includes('#'), 'no key in the text');
      const href = await quoted.locator('.citation-map a').getAttribute('href');
      assert.match(href, /^#v=/, 'the map is linked by its view link');
      const textView = await viewLinkOf(a);
      await a.keyboard.press('Escape');

      // A co-author rewords the claim in the map, from another browser.
      await open(b, mapLink);
      const claim = await openFocusByText(b, CLAIM);
      await reword(b, claim, REWORDED);

      // The text follows the map: it says so, and changes nothing yet.
      const notice = a.locator('#citations-notice');
      await notice.waitFor({ timeout: 30_000 });
      await expectText(notice.locator('.citations-notice-text'), FR.citation_changed);
      assert.ok((await editor.inputValue()).includes(CLAIM), 'not updated silently');
      await notice.locator('button').click();
      await panel.waitFor();
      await expectAttribute(quoted, 'data-state', 'changed');
      await expectText(quoted.locator('.citation-new'), REWORDED);
      await quoted.locator('.citation-update').click();
      await expectText(a.locator('#cite-said'), FR.citation_updated);
      await waitForValue(a, `Nous demandons la gratuité.\n\n> ${REWORDED}\n`);
      await expectAttribute(quoted, 'data-state', 'current');

      // After a reload, the quote is still there and up to date.
      await a.reload();
      await expectAttribute(documentPage(a).status, 'data-state', 'online');
      await a.locator('#open-citations').click();
      await expectAttribute(a.locator('#citations-panel .citation'), 'data-state', 'current');

      // A reader of the text sees what it quotes, with no update to make.
      await open(b, textView);
      await b.locator('#open-citations').click();
      await expectText(b.locator('#citations-panel .citation-quoted'), REWORDED);
      assert.equal(await b.locator('#cite-picker').count(), 0, 'a reader inserts nothing');
      assert.equal(await b.locator('.citation-update').count(), 0);
    });
  });

  test("an amendment's rationale quotes a claim of a map", { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (a) => {
      await createMap(a);
      const question = await writeQuestion(a, QUESTION);
      await openFocus(a, question);
      await add(a, 'con', 'Elle coûte trop cher.');
      await back(a);
      await waitForLocalCopy(a, 'Elle coûte trop cher.');
      await a.goto('/');
      await home(a).newText.click();
      await expectAttribute(documentPage(a).status, 'data-state', 'online');
      await documentPage(a).editor.focus();
      await a.keyboard.type('La section demande la gratuité.', { delay: 2 });
      await selectWords(a, 'la gratuité');
      await a.locator('#propose-amendment').click();
      await a.locator('#amendment-form').waitFor();
      await a.locator('#rationale-cite summary').click();
      const offer = a.locator('#rationale-picker .cite-offer');
      await searchMaps(t, a, '#rationale-picker', 'cher', offer, 'Elle coûte trop cher.', async () => {
        await a.locator('#amendment-cancel').click();
        await selectWords(a, 'la gratuité');
        await a.locator('#propose-amendment').click();
        await a.locator('#amendment-form').waitFor();
        await a.locator('#rationale-cite summary').click();
      });
      await offer.locator('.cite-insert').click();
      await a.waitForFunction(() => document.querySelector('#amendment-rationale')?.value.startsWith('> '));
      const rationale = await a.locator('#amendment-rationale').inputValue();
      assert.match(rationale, /^> Elle coûte trop cher\.\n> — /);
    });
  });
});

/**
 * Search the maps this browser knows with `query` in `picker`, until
 * `offer` shows. Two CI runs found no claim where the map's copy in
 * IndexedDB held it (not reproduced here, in 10 runs alone and one of the
 * whole suite): the first miss is told, with what this browser keeps, and
 * the picker opened again (`reopen`), which reads the maps again; a
 * second miss fails.
 */
async function searchMaps(t, page, picker, query, offer, text, reopen) {
  const seen = async () =>
    `the picker said ${JSON.stringify(await page.locator(picker).innerText())}; ` +
    `this browser keeps: ${(await localCopies(page, text)).join('; ')}`;
  await page.locator(`${picker}-search`).fill(query);
  try {
    await offer.waitFor({ timeout: 10_000 });
    return;
  } catch {
    t.diagnostic(`the first search missed ${JSON.stringify(text)}: ${await seen()}`);
  }
  await reopen();
  await page.locator(`${picker}-search`).fill(query);
  await offer.waitFor().catch(async (error) => {
    throw new Error(`${error.message}\n${await seen()}`);
  });
}

/** Open the focused view of the claim whose statement is `text`. */
async function openFocusByText(page, text) {
  const item = page.locator('#argument-tree li[role="treeitem"]', { hasText: text }).last();
  await item.waitFor();
  const id = await item.getAttribute('data-claim');
  await openFocus(page, id);
  return id;
}
