// Two moments compared (components/compare_view.rs, app/src/comparison.rs,
// model/src/history/compare.rs) and "since your last visit"
// (components/since_last_visit.rs, session/history.rs): a browser that
// comes back to a document after others wrote in it is offered the
// comparison between what it saw and now; there each person's words are
// in their colour (and underlined or struck), named on hover and focus,
// counted in the summary; next / previous change by button and key;
// inline and side by side; printable.
//
// "Leaving" a page is going to about:blank: the page is left (pagehide),
// so the session keeps what it saw and checkpoints its edits, as when a
// tab is closed. Every wait ends on an element, an attribute or a value,
// never on a fixed sleep.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { compareView, documentPage, openPanel, openPeople, presence } from './lib/app.mjs';
import { expectAttribute, expectText } from './lib/browser.mjs';
import { createText, open, waitForText, waitForValue, waitSynced, withPeople } from './lib/editing.mjs';
import { STRINGS } from './lib/strings.mjs';
import { relayAndBrowser } from './lib/suite.mjs';

const TEST_TIMEOUT_MS = 150_000;
const FR = STRINGS.fr;

/** Give the name in the People panel's form, then close the panel. */
async function setName(page, name) {
  await openPeople(page);
  const p = presence(page);
  if (await p.changeName.isVisible()) await p.changeName.click();
  await p.nameInput.fill(name);
  await p.nameSave.click();
  await expectText(p.nameShown, name);
  await page.keyboard.press('Escape');
  await page.locator('#people-panel').waitFor({ state: 'detached' });
}

/** Type `words` at the end of the text, wait until the relay has them. */
async function appendText(page, words) {
  await documentPage(page).editor.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(words);
  await waitSynced(page);
}

/** The colour this person shows in the room (from the People panel). */
async function colourOf(page) {
  await openPeople(page);
  const colour = await presence(page).me.getAttribute('data-colour');
  await page.keyboard.press('Escape');
  await page.locator('#people-panel').waitFor({ state: 'detached' });
  return colour;
}

/** Leave the document (the page is left, as when its tab is closed). */
async function leave(page) {
  await page.goto('about:blank');
}

/** Come back to the document; wait until it is online with `expected`. */
async function comeBack(page, link, expected) {
  await open(page, link);
  await waitForValue(page, expected);
}

/** Wait for two animation frames: what an update renders is drawn by then. */
function twoFrames(page) {
  return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** The words of the changes `locator` finds, in order. */
function wordsOf(locator) {
  return locator.evaluateAll((elements) => elements.map((e) => e.querySelector('.words')?.textContent ?? ''));
}

/**
 * The text `locator` shows, without what is there for screen readers only
 * (and without the elements `without` selects, if given).
 */
function shownText(locator, without) {
  return locator.evaluate((element, drop) => {
    const copy = element.cloneNode(true);
    for (const hidden of copy.querySelectorAll(drop ? `.visually-hidden, ${drop}` : '.visually-hidden')) hidden.remove();
    return copy.textContent;
  }, without);
}

/** `#rrggbb` as the `rgb(r, g, b)` of a computed colour. */
function rgb(hex) {
  const n = (i) => parseInt(hex.slice(i, i + 2), 16);
  return `rgb(${n(1)}, ${n(3)}, ${n(5)})`;
}

/** What the element with focus shows after it (its `::after`), and its id. */
function focusedLabel(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    return { id: element?.id ?? '', label: element ? getComputedStyle(element, '::after').content : '' };
  });
}

function assertClean(pages) {
  for (const [i, page] of pages.entries()) {
    assert.deepEqual(page.problems, [], `person ${i}: the page reported problems`);
  }
}

describe('comparing two moments', () => {
  const suite = relayAndBrowser();

  test("each person's words are in their colour, named on hover and focus, and counted per person", { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 3, async (louise, jean, chloe) => {
      const link = await createText(louise);
      await setName(louise, 'Louise');
      await appendText(louise, 'Texte de départ commun');
      // Chloé reads it, and leaves.
      await comeBack(chloe, link, 'Texte de départ commun');
      await waitSynced(chloe);
      await leave(chloe);

      // Meanwhile Jean takes a word away and writes three; Louise writes four.
      await comeBack(jean, link, 'Texte de départ commun');
      await setName(jean, 'Jean');
      await documentPage(jean).editor.focus();
      await jean.keyboard.press('Control+End');
      for (let i = 0; i < ' commun'.length; i += 1) await jean.keyboard.press('Backspace');
      await jean.keyboard.press('Control+Home');
      await jean.keyboard.insertText('Jean écrit ici. ');
      await waitSynced(jean);
      const jeanColour = await colourOf(jean);
      // Leaving, Jean's page checkpoints his edits: who removed the word.
      await leave(jean);
      await waitForValue(louise, 'Jean écrit ici. Texte de départ');
      await appendText(louise, ' Louise ajoute quatre mots.');
      const louiseColour = await colourOf(louise);
      assert.notEqual(louiseColour, jeanColour);
      const final = 'Jean écrit ici. Texte de départ Louise ajoute quatre mots.';

      // Chloé comes back: the offer, then the comparison.
      await comeBack(chloe, link, final);
      const c = compareView(chloe);
      await expectText(c.offerOpen, FR.since_visit_open);
      await c.offerOpen.click();
      await expectAttribute(c.view, 'data-state', 'ready');
      await chloe.locator('#history-panel').waitFor();
      await expectText(c.between, FR.compare_between.replace('{from}', FR.compare_seen).replace('{to}', FR.compare_now));
      assert.equal(await c.offer.count(), 0, 'the offer is gone once taken');
      assert.equal(await documentPage(chloe).editor.isVisible(), false, 'the comparison replaces the editor');

      // The additions, by whom, in their colours.
      const louiseWords = c.added.and(chloe.locator(`[data-label="${FR.compare_added_by.replace('{name}', 'Louise')}"]`));
      const jeanWords = c.added.and(chloe.locator(`[data-label="${FR.compare_added_by.replace('{name}', 'Jean')}"]`));
      assert.equal((await wordsOf(louiseWords)).join('').trim(), 'Louise ajoute quatre mots.');
      assert.equal((await wordsOf(jeanWords)).join('').trim(), 'Jean écrit ici.');
      for (const [words, colour] of [[louiseWords, louiseColour], [jeanWords, jeanColour]]) {
        const style = await words.first().evaluate((e) => {
          const s = getComputedStyle(e);
          return { line: s.textDecorationLine, colour: s.textDecorationColor };
        });
        assert.equal(style.line, 'underline', 'an addition is underlined, not only coloured');
        assert.equal(style.colour, rgb(colour));
      }
      // The removal: struck, in Jean's colour, his name on it.
      const removed = c.removed;
      assert.equal((await wordsOf(removed)).join('').trim(), 'commun');
      assert.equal(await removed.first().getAttribute('data-label'), FR.compare_removed_by.replace('{name}', 'Jean'));
      const struck = await removed.first().evaluate((e) => getComputedStyle(e).textDecorationLine);
      assert.equal(struck, 'line-through');
      // Nobody else's words are marked: the kept text is plain.
      const marked = await wordsOf(c.view.locator('.change'));
      assert.ok(!marked.join('|').includes('Texte de départ'), `the kept text is not marked: ${marked.join('|')}`);
      // Without the removals it is the text now; without the additions, what Chloé saw.
      assert.equal(await shownText(c.text, 'del'), final);
      assert.equal(await shownText(c.text, 'ins'), 'Texte de départ commun');

      // The name on hover.
      await louiseWords.first().locator('.words').hover();
      const hovered = await louiseWords.first().evaluate((e) => getComputedStyle(e, '::after').content);
      assert.equal(hovered, `"${FR.compare_added_by.replace('{name}', 'Louise')}"`);

      // The summary: one row per person, their words counted.
      await expectAttribute(c.summaryOf('Louise'), 'data-added', '4');
      await expectAttribute(c.summaryOf('Louise'), 'data-removed', '0');
      await expectAttribute(c.summaryOf('Louise'), 'data-colour', louiseColour);
      await expectAttribute(c.summaryOf('Jean'), 'data-added', '3');
      await expectAttribute(c.summaryOf('Jean'), 'data-removed', '1');
      await expectAttribute(c.summaryOf('Jean'), 'data-paragraphs', '1');
      assert.equal(await c.summaryRows.count(), 2);

      // Next and previous change, by key: focus moves, the name shows.
      const groups = Number(await c.view.getAttribute('data-groups'));
      assert.ok(groups >= 2, `at least two changes, not ${groups}`);
      await chloe.keyboard.press('n');
      let focused = await focusedLabel(chloe);
      assert.equal(focused.id, 'change-0');
      assert.equal(focused.label, `"${FR.compare_added_by.replace('{name}', 'Jean')}"`);
      await expectText(c.position, FR.compare_position.replace('{n}', '1').replace('{total}', String(groups)));
      await chloe.keyboard.press('Alt+ArrowDown');
      assert.equal((await focusedLabel(chloe)).id, 'change-1');
      await chloe.keyboard.press('p');
      assert.equal((await focusedLabel(chloe)).id, 'change-0');
      await c.next.click();
      await expectText(c.position, FR.compare_position.replace('{n}', '2').replace('{total}', String(groups)));

      // Side by side: the removal before, the additions after.
      await c.layout('side').click();
      await expectAttribute(c.view, 'data-layout', 'side');
      assert.equal(await c.before.locator('del.change .words').allTextContents().then((w) => w.join('').trim()), 'commun');
      assert.equal(await c.before.locator('ins.change').count(), 0);
      assert.equal(await c.after.locator('del.change').count(), 0);
      assert.equal(await shownText(c.after), final);
      assert.equal(await shownText(c.before), 'Texte de départ commun');
      // Back to the first change, Jean's addition: focused where its words are.
      await chloe.keyboard.press('p');
      assert.equal((await focusedLabel(chloe)).id, 'after-0');
      await expectText(c.position, FR.compare_position.replace('{n}', '1').replace('{total}', String(groups)));

      // Printed: the comparison and its summary, without the controls.
      await chloe.emulateMedia({ media: 'print' });
      assert.ok(await c.view.isVisible(), 'the comparison prints');
      assert.ok(await c.summary.isVisible(), 'its summary prints');
      assert.equal(await c.tools.isVisible(), false, 'its controls do not');
      await chloe.emulateMedia({ media: 'screen' });

      // Back to the text.
      await c.close.click();
      await documentPage(chloe).editor.waitFor();
      assert.equal(await c.view.count(), 0);
      assertClean([louise, chloe]);
    });
  });

  test("since the last visit: after leaving and coming back, only the co-author's new words", { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, ['fr-FR', 'en-US'], async (louise, jean) => {
      const link = await createText(louise);
      await setName(louise, 'Louise');
      await appendText(louise, 'Louise écrit.');
      await comeBack(jean, link, 'Louise écrit.');
      await setName(jean, 'Jean');
      await appendText(jean, ' Jean répond.');
      await waitForValue(louise, 'Louise écrit. Jean répond.');
      await leave(jean);

      await appendText(louise, ' Louise revient.');
      await comeBack(jean, link, 'Louise écrit. Jean répond. Louise revient.');
      const c = compareView(jean);
      await expectText(c.offerOpen, STRINGS.en.since_visit_open);
      await c.offerOpen.click();
      await expectAttribute(c.view, 'data-state', 'ready');
      await expectAttribute(c.view, 'data-groups', '1');
      assert.equal((await wordsOf(c.added)).join('').trim(), 'Louise revient.');
      assert.equal(await c.removed.count(), 0, 'nothing removed');
      assert.deepEqual(await c.added.evaluateAll((e) => [...new Set(e.map((x) => x.dataset.label))]), [
        STRINGS.en.compare_added_by.replace('{name}', 'Louise'),
      ]);
      assert.equal(await c.summaryRows.count(), 1, "only Louise: Jean's own words are from before his last visit");
      await expectAttribute(c.summaryOf('Louise'), 'data-added', '2');
      // The comparison takes focus, so a screen reader says where the person is.
      await jean.waitForFunction(() => document.activeElement?.id === 'compare-heading');
      assertClean([louise, jean]);
    });
  });

  test('from the History panel: a named version and now with the same text say "no difference", then one change', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (louise) => {
      await createText(louise);
      await setName(louise, 'Louise');
      await appendText(louise, 'Première version.');
      const panel = await openPanel(louise, 'open-history', 'history-panel');
      await louise.locator('#history-name').fill('Vote');
      await louise.locator('#history-name-form button[type="submit"]').click();
      const named = panel.locator('.timeline li[data-kind="named"]');
      await named.waitFor();
      const id = await named.getAttribute('data-checkpoint');

      const c = compareView(louise);
      const compareWithNow = async () => {
        await louise.selectOption('#history-compare-from', id);
        await louise.selectOption('#history-compare-to', 'now');
        await louise.locator('#history-compare').click();
      };
      await compareWithNow();
      await expectAttribute(c.view, 'data-state', 'empty');
      await expectText(c.empty.locator('.compare-empty-title'), FR.compare_empty);
      assert.ok(await c.next.isDisabled(), 'no next change');
      assert.ok(await c.previous.isDisabled(), 'no previous change');
      assert.equal(await c.summary.count(), 0, 'no summary of nothing');
      assert.match(await c.between.textContent(), /« Vote »/);

      await c.close.click();
      await documentPage(louise).editor.waitFor();
      await appendText(louise, ' Un ajout.');
      await compareWithNow();
      await expectAttribute(c.view, 'data-state', 'ready');
      await expectAttribute(c.view, 'data-groups', '1');
      await expectAttribute(c.summaryOf('Louise'), 'data-added', '2');
      assert.equal((await wordsOf(c.added)).join('').trim(), 'Un ajout.');
      assertClean([louise]);
    });
  });

  test('nothing is offered when nobody else wrote, and the offer can be waved away', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (louise, jean) => {
      const link = await createText(louise);
      await setName(louise, 'Louise');
      await appendText(louise, 'Un texte.');
      await comeBack(jean, link, 'Un texte.');
      await setName(jean, 'Jean');
      await appendText(jean, ' Jean seul.');
      await leave(jean);
      // Back with only his own words since: nothing to offer.
      await comeBack(jean, link, 'Un texte. Jean seul.');
      await twoFrames(jean);
      const c = compareView(jean);
      assert.equal(await c.offer.count(), 0, 'no offer: nobody else wrote');

      await leave(jean);
      await appendText(louise, ' Louise aussi.');
      await comeBack(jean, link, 'Un texte. Jean seul. Louise aussi.');
      await c.offerDismiss.click();
      await c.offer.waitFor({ state: 'detached' });
      await jean.waitForFunction(() => document.activeElement?.id === 'editor');
      assert.equal(await c.view.count(), 0, 'waved away: the text stays');
      assertClean([louise, jean]);
    });
  });
});
