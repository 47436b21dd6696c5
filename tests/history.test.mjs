// The history panel and the text at a moment (components/history_panel.rs,
// moment_view.rs, session/history.rs, model/src/history/): two people
// edit, one names a version, more edits; the named version reads back
// with each person's words in their colour; restoring it brings its text
// back for both, Ctrl+Z undoes the restore; a view link browses the
// history without the controls to name or restore; the keyboard alone
// steps through it (arrows, Shift+arrows between named versions) and Play
// replays it, on a phone, with no serious axe violation.
//
// Automatic checkpoints are made when a burst of editing ends (a minute
// without typing) or when the page is hidden or left: the tests send the
// page a `pagehide` event rather than waiting a minute. Every wait ends on
// an element, an attribute or a value, never on a fixed sleep.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';

import { documentPage, openPanel, openPeople, presence, viewLinkOf } from './lib/app.mjs';
import { expectAttribute, expectText } from './lib/browser.mjs';
import { createText, open, waitForText, waitForValue, waitSynced, withPeople } from './lib/editing.mjs';
import { STRINGS } from './lib/strings.mjs';
import { relayAndBrowser } from './lib/suite.mjs';

const TEST_TIMEOUT_MS = 120_000;
const PHONE = { width: 390, height: 844 };
const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Where things are in the history panel and the moment view. */
function historyOf(page) {
  const panel = page.locator('#history-panel');
  return {
    opener: page.locator('#open-history'),
    panel,
    slider: page.locator('#history-slider'),
    previous: page.locator('#history-previous'),
    next: page.locator('#history-next'),
    play: page.locator('#history-play'),
    status: page.locator('#history-status'),
    rows: panel.locator('.timeline li.checkpoint:not(.now)'),
    named: panel.locator('.timeline li[data-kind="named"]'),
    restoredRows: panel.locator('.timeline li[data-kind="restored"]'),
    row: (id) => panel.locator(`.timeline li[data-checkpoint="${id}"] button`),
    now: panel.locator('.timeline li.now button'),
    nameForm: page.locator('#history-name-form'),
    nameInput: page.locator('#history-name'),
    nameSave: page.locator('#history-name-form button[type="submit"]'),
    restore: page.locator('#history-restore'),
    restoreYes: page.locator('#history-restore-yes'),
    exportMd: page.locator('#history-export-md'),
    compareFrom: page.locator('#history-compare-from'),
    compareTo: page.locator('#history-compare-to'),
    compare: page.locator('#history-compare'),
    compareView: page.locator('.compare-view'),
    reader: panel.locator('.history-reader'),
    moment: page.locator('.moment-view'),
    momentText: page.locator('.moment-view .moment-text'),
    momentCaption: page.locator('.moment-view .moment-caption'),
    momentRuns: page.locator('.moment-view .moment-text span.by'),
  };
}

function openHistory(page) {
  return openPanel(page, 'open-history', 'history-panel');
}

/**
 * Give the name in the People panel's form, wait until it is shown, close
 * the panel; returns this person's colour.
 */
async function setName(page, name) {
  await openPeople(page);
  const p = presence(page);
  if (await p.changeName.isVisible()) await p.changeName.click();
  await p.nameInput.fill(name);
  await p.nameSave.click();
  await expectText(p.nameShown, name);
  await expectAttribute(p.me, 'data-name', name);
  const colour = await p.me.getAttribute('data-colour');
  await page.keyboard.press('Escape');
  return colour;
}

/** Type `words` at the end of the text. */
async function typeAtEnd(page, words) {
  await documentPage(page).editor.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(words);
}

/** The page is left for a moment: the session checkpoints what was typed. */
async function leaveForAMoment(page) {
  await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
}

/** The ids of the timeline's readable checkpoints, oldest first. */
async function checkpointIds(page) {
  const ids = await historyOf(page)
    .panel.locator('.timeline li.checkpoint:not(.now):not(.damaged)')
    .evaluateAll((rows) => rows.map((row) => row.dataset.checkpoint));
  return ids.reverse();
}

/** Wait until the timeline lists `n` checkpoints. */
async function waitForCheckpoints(page, n) {
  const rows = historyOf(page).rows;
  await rows.nth(n - 1).waitFor();
  assert.equal(await rows.count(), n, 'the timeline lists each checkpoint once');
}

/** The moment view shows checkpoint `id`, whose text is `expected`. */
async function expectMoment(page, id, expected) {
  const h = historyOf(page);
  await expectAttribute(h.moment, 'data-checkpoint', id);
  await expectText(h.momentText, expected);
  assert.ok(!(await documentPage(page).editor.isVisible()), 'the editor is not shown over a moment');
}

/** Click `target` and return the text of the download it starts. */
async function download(page, target) {
  const [file] = await Promise.all([page.waitForEvent('download'), target.click()]);
  return readFile(await file.path(), 'utf8');
}

/** `#rrggbb` as the `r, g, b` of a computed colour. */
function rgb(hex) {
  const n = (i) => parseInt(hex.slice(i, i + 2), 16);
  return `${n(1)}, ${n(3)}, ${n(5)}`;
}

/** axe-core's serious and critical violations on the page, as "rule: target". */
async function seriousViolations(page) {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}): ${node.target.join(' ')}: ${node.failureSummary}`));
  });
}

describe('history', () => {
  const suite = relayAndBrowser();

  test('a named version reads back in each author\'s colour, and restoring it brings its text back for both people, undone by Ctrl+Z', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, ['fr-FR', 'en-US'], async (a, b) => {
      const link = await createText(a);
      await setName(a, 'Louise');
      await typeAtEnd(a, 'Texte de Louise. ');
      await open(b, link);
      const jean = await setName(b, 'Jean');
      await waitForValue(b, 'Texte de Louise. ');
      await typeAtEnd(b, 'Ajout de Jean.');
      const named = 'Texte de Louise. Ajout de Jean.';
      await waitForValue(a, named);

      // Louise names the text as it is.
      const ha = historyOf(a);
      await openHistory(a);
      await ha.nameInput.fill('Texte soumis au vote');
      await ha.nameSave.click();
      await expectText(ha.status, STRINGS.fr.history_named.replace('{name}', 'Texte soumis au vote'));
      await ha.named.first().waitFor();
      const id = await ha.named.first().getAttribute('data-checkpoint');
      await expectText(ha.named.first().locator('.version-name'), 'Texte soumis au vote');
      // Jean sees it in his timeline too, in English.
      const hb = historyOf(b);
      await openHistory(b);
      await expectText(hb.panel.locator('h2'), STRINGS.en.history_heading);
      await hb.row(id).waitFor();
      await expectText(hb.row(id).locator('.version-name'), 'Texte soumis au vote');

      // More edits, by both.
      await typeAtEnd(a, ' Plus tard.');
      await waitForValue(b, `${named} Plus tard.`);
      await typeAtEnd(b, ' Encore.');
      const later = `${named} Plus tard. Encore.`;
      await waitForValue(a, later);
      await waitSynced(a);
      await waitSynced(b);

      // The named version reads back as it was, Jean's words on his colour.
      await ha.row(id).click();
      await expectMoment(a, id, named);
      await expectText(ha.momentCaption.locator('.version-name'), 'Texte soumis au vote');
      await expectText(ha.momentCaption.locator('.who .person'), 'Louise');
      const run = ha.momentRuns.filter({ hasText: 'Ajout de Jean.' });
      await run.waitFor();
      const background = await run.evaluate((e) => getComputedStyle(e).backgroundColor);
      assert.match(background, new RegExp(`^rgba\\(${rgb(jean)}, 0\\.2\\d*\\)$`), 'Jean\'s words in his colour');
      assert.equal(await ha.momentRuns.filter({ hasText: 'Plus tard' }).count(), 0, 'nothing typed after the version');

      // Louise restores it, after saying yes.
      await ha.restore.click();
      await ha.restoreYes.click();
      await expectText(ha.status, STRINGS.fr.history_restored);
      await documentPage(a).editor.waitFor();
      await waitForValue(a, named);
      await waitForValue(b, named);
      await ha.restoredRows.first().waitFor();
      await hb.restoredRows.first().waitFor();

      // Ctrl+Z in the text takes the restore back, for both.
      await documentPage(a).editor.focus();
      await a.keyboard.press('Control+z');
      await waitForValue(a, later);
      await waitForValue(b, later);

      // Compare: now first, the named version second; the earlier goes
      // first, and the comparison takes the text's place.
      await ha.compareFrom.selectOption('now');
      await ha.compareTo.selectOption(id);
      await ha.compare.click();
      await ha.compareView.waitFor({ state: 'attached' });
      assert.ok(!(await documentPage(a).editor.isVisible()), 'the comparison replaces the editor');
    });
  });

  test('a view link browses the history and reads a named version, with no control to name or restore one', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, reader) => {
      await createText(a);
      await typeAtEnd(a, 'Première version.');
      await openHistory(a);
      await historyOf(a).nameInput.fill('V1');
      await historyOf(a).nameSave.click();
      await historyOf(a).named.first().waitFor();
      const id = await historyOf(a).named.first().getAttribute('data-checkpoint');
      await typeAtEnd(a, ' Suite.');
      await waitSynced(a);
      const viewLink = await viewLinkOf(a);

      await open(reader, viewLink);
      await waitForValue(reader, 'Première version. Suite.');
      const h = historyOf(reader);
      await openHistory(reader);
      await h.row(id).click();
      await expectMoment(reader, id, 'Première version.');
      await expectText(h.reader, STRINGS.fr.history_reader);
      // Its Markdown holds the version's text, not what came after.
      const saved = await download(reader, h.exportMd);
      assert.ok(saved.includes('Première version.') && !saved.includes('Suite.'), saved);
      assert.equal(await h.nameForm.count(), 0, 'no name form for a reader');
      assert.equal(await h.restore.count(), 0, 'no restore button for a reader');
      // Back to now: the text as it is.
      await h.now.click();
      await h.moment.waitFor({ state: 'detached' });
      await waitForValue(reader, 'Première version. Suite.');
    });
  });

  test('on a phone, the keyboard alone steps through the history, Shift+arrows jump between named versions, and Play replays it up to now', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (page) => {
      await page.setViewportSize(PHONE);
      await createText(page);
      const h = historyOf(page);
      const texts = [];
      // Four checkpoints: automatic, named, automatic, automatic.
      await typeAtEnd(page, 'Un.');
      await leaveForAMoment(page);
      texts.push('Un.');
      await openHistory(page);
      await waitForCheckpoints(page, 1);
      await page.keyboard.press('Escape');
      await typeAtEnd(page, ' Deux.');
      texts.push('Un. Deux.');
      await openHistory(page);
      await h.nameInput.fill('Deuxième');
      await h.nameSave.click();
      await waitForCheckpoints(page, 2);
      await page.keyboard.press('Escape');
      for (const words of [' Trois.', ' Quatre.']) {
        await typeAtEnd(page, words);
        await leaveForAMoment(page);
        texts.push(texts.at(-1) + words);
      }
      await openHistory(page);
      await waitForCheckpoints(page, 4);
      const ids = await checkpointIds(page);
      assert.equal(ids.length, 4);
      assert.equal(await h.row(ids[1]).locator('.version-name').textContent(), 'Deuxième');

      // The panel fits the phone's width and leaves the moment visible.
      const box = await h.panel.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width + 1, `the panel is on screen (${box.x}, ${box.width})`);

      // From the slider: one step back at a time.
      await h.slider.focus();
      await page.keyboard.press('ArrowLeft');
      await expectMoment(page, ids[3], texts[3]);
      await page.keyboard.press('ArrowLeft');
      await expectMoment(page, ids[2], texts[2]);
      // Shift: to the named version, and no further back (none before it).
      await page.keyboard.press('Shift+ArrowLeft');
      await expectMoment(page, ids[1], texts[1]);
      await page.keyboard.press('Shift+ArrowLeft');
      await expectAttribute(h.panel.locator('.history'), 'data-position', '1');
      await page.keyboard.press('ArrowLeft');
      await expectMoment(page, ids[0], texts[0]);
      // At the first one, back stays there.
      await page.keyboard.press('ArrowLeft');
      await expectAttribute(h.panel.locator('.history'), 'data-position', '0');
      await expectAttribute(h.moment, 'data-checkpoint', ids[0]);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'history-slider', 'focus stays on the slider');
      const said = await h.slider.getAttribute('aria-valuetext');
      const first = STRINGS.fr.history_slider_value.replace('{n}', '1').replace('{total}', '5');
      assert.ok(said.startsWith(first.split('{moment}')[0]), `the slider says where it is: ${said}`);

      // The moment's caption shows on the phone, above the panel.
      const caption = await h.momentCaption.boundingBox();
      const panelTop = (await h.panel.boundingBox()).y;
      assert.ok(caption.y >= 0 && caption.y + caption.height <= panelTop, `the caption (${caption.y}) is above the panel (${panelTop})`);
      assert.deepEqual(await seriousViolations(page), [], 'history panel with a moment shown');

      // Forward with Shift: the named version, then now (no named one after).
      await page.keyboard.press('Shift+ArrowRight');
      await expectMoment(page, ids[1], texts[1]);
      await page.keyboard.press('Shift+ArrowRight');
      await h.moment.waitFor({ state: 'detached' });
      await waitForValue(page, texts[3]);

      // Play from now starts at the first checkpoint and stops at now,
      // through each checkpoint in order.
      await page.evaluate(() => {
        window.shownMoments = [];
        new MutationObserver(() => {
          const id = document.querySelector('.moment-view')?.dataset.checkpoint;
          if (id && window.shownMoments.at(-1) !== id) window.shownMoments.push(id);
        }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-checkpoint'] });
      });
      await h.play.focus();
      await page.keyboard.press('Enter');
      await expectAttribute(h.play, 'data-playing', 'true');
      await expectText(h.play, STRINGS.fr.history_pause);
      await expectAttribute(h.play, 'data-playing', 'false', { timeout: 10_000 });
      await h.moment.waitFor({ state: 'detached' });
      assert.deepEqual(await page.evaluate(() => window.shownMoments), ids, 'Play showed each checkpoint in order');
      await expectText(h.play, STRINGS.fr.history_play);
    });
  });
});
