// The document page, text first (issue 10): one bar, the text at once
// (also on a phone), a reader who sees no edit control, panels that open
// and close with the keyboard without losing focus, words for the
// connection instead of counts, and no serious accessibility violation
// (axe-core, from npm, run in the page) on the start page, the document
// page and the share panel.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';

import { documentPage, openShare, textViews, viewLinkOf } from './lib/app.mjs';
import { expectAttribute, expectText, newPage, withPage } from './lib/browser.mjs';
import { createText, open, typeAtEnd, waitSynced } from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { STRINGS } from './lib/strings.mjs';

const TEST_TIMEOUT_MS = 90_000;
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Run axe-core in the page (through the debugging protocol, so the page's
 * Content-Security-Policy does not stop it) and return the serious and
 * critical violations, each as "rule: target".
 */
async function seriousViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}): ${node.target.join(' ')}: ${node.failureSummary}`));
  });
  return violations;
}

/** Whether the element's top is inside the viewport. */
function topInViewport(locator) {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.top < window.innerHeight && box.height > 0;
  });
}

/** The id of the focused element. */
function focusedId(page) {
  return page.evaluate(() => document.activeElement?.id ?? '');
}

describe('the document page', () => {
  const suite = relayAndBrowser();

  test('on a phone the first line of the text is visible without scrolling, for a writer and a reader', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await page.setViewportSize(PHONE);
      await createText(page);
      await page.locator('#title').fill('Motion');
      await typeAtEnd(page, ['Première ligne du texte.']);
      await waitSynced(page);
      assert.equal(await page.evaluate(() => window.scrollY), 0);
      assert.ok(await topInViewport(page.locator('#editor')), 'the editor starts on the first screen');
      const viewLink = await viewLinkOf(page);

      const reader = await newPage(suite.browser, { relay: suite.relay });
      try {
        await reader.setViewportSize(PHONE);
        await open(reader, viewLink);
        const first = reader.locator('#preview p', { hasText: 'Première ligne du texte' }).first();
        await first.waitFor();
        assert.ok(await topInViewport(first), "the reader's first paragraph is on the first screen");
        // One line of bar: the buttons are in the menu.
        assert.equal(await reader.locator('#open-share').isVisible(), false, 'the buttons fold into the menu');
        await reader.locator('#bar-menu').click();
        await expectAttribute(reader.locator('#bar-menu'), 'aria-expanded', 'true');
        assert.equal(await reader.locator('#open-share').isVisible(), true, 'the menu holds them');
      } finally {
        await reader.context().close();
      }
    });
  });

  test('on a phone, side by side is stacked in one scroll: the editor grows with its text', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await page.setViewportSize(PHONE);
      await createText(page);
      const long = Array.from({ length: 60 }, (_, i) => `Paragraphe ${i + 1} de la motion, assez long pour passer à la ligne sur un téléphone.`).join('\n\n');
      await page.locator('#editor').fill(long);
      await waitSynced(page);
      await page.locator('#bar-menu').click();
      await textViews(page).modeButton('split').click();
      await expectAttribute(textViews(page).views, 'data-mode', 'split');
      const sizes = await page.evaluate(() => {
        const editor = document.querySelector('#editor');
        const preview = document.querySelector('#preview');
        return {
          editorInner: editor.scrollHeight - editor.clientHeight,
          previewInner: preview.scrollHeight - preview.clientHeight,
          editorBottom: editor.getBoundingClientRect().bottom,
          previewTop: preview.getBoundingClientRect().top,
          page: document.scrollingElement.scrollHeight,
          viewport: window.innerHeight,
        };
      });
      assert.ok(sizes.editorInner <= 1, `the editor has no scroll of its own (${sizes.editorInner} px hidden)`);
      assert.ok(sizes.previewInner <= 1, `the preview has no scroll of its own (${sizes.previewInner} px hidden)`);
      assert.ok(sizes.previewTop >= sizes.editorBottom - 1, 'the preview is below the editor');
      assert.ok(sizes.page > sizes.viewport * 3, 'the page scrolls instead');
    });
  });

  for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-US']]) {
    const words = STRINGS[lang];
    test(`a reader sees no edit control and the bar says read-only (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        await page.setViewportSize(LAPTOP);
        await createText(page);
        await page.locator('#title').fill('Texte lu');
        await typeAtEnd(page, ['Un paragraphe.']);
        await waitSynced(page);
        const viewLink = await viewLinkOf(page);
        assert.equal(await page.locator('.read-only-badge').count(), 0, 'a writer is not told read-only');

        const reader = await newPage(suite.browser, { locale, relay: suite.relay });
        try {
          await reader.setViewportSize(LAPTOP);
          await open(reader, viewLink);
          await expectText(reader.locator('.doc-bar .read-only-badge'), words.read_only_badge);
          await expectText(documentPage(reader).heading, 'Texte lu');
          assert.equal(await reader.locator('#title').count(), 0, 'no title field');
          assert.equal(await reader.locator('.doc-bar input[type="text"]').count(), 0, 'nothing to type into in the bar');
          assert.equal(await reader.locator('#my-name, form.name-form').count(), 0, 'no name form on the page');
          await expectAttribute(textViews(reader).modeButton('write'), 'aria-pressed', 'false');
          await expectText(textViews(reader).modeButton('write'), words.view_source);
          await textViews(reader).modeButton('write').click();
          assert.equal(await reader.locator('#editor').getAttribute('readonly'), '', 'the source is read-only');
        } finally {
          await reader.context().close();
        }
      });
    });
  }

  test('keyboard only: open Share, copy the view link, close, and focus comes back to the text', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await page.setViewportSize(LAPTOP);
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.relay.url });
      await createText(page);
      await typeAtEnd(page, ['Du texte.']);
      await waitSynced(page);
      await page.locator('#editor').focus();
      // Back from the text to the bar's buttons.
      await page.keyboard.press('Shift+Tab');
      for (let i = 0; i < 30 && (await focusedId(page)) !== 'open-share'; i += 1) await page.keyboard.press('Shift+Tab');
      assert.equal(await focusedId(page), 'open-share', 'the Share button is reached with the keyboard');
      await page.keyboard.press('Enter');
      await page.locator('#share-panel').waitFor();
      await expectAttribute(page.locator('#open-share'), 'aria-expanded', 'true');
      // Focus moves into the panel (its heading, once drawn).
      await page.waitForFunction(() => document.querySelector('#share-panel')?.contains(document.activeElement));

      const viewLink = await page.locator('#view-link').inputValue();
      const copy = page.locator('label.share:has(#view-link) button');
      for (let i = 0; i < 20 && !(await copy.evaluate((b) => b === document.activeElement)); i += 1) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await expectAttribute(page.locator('label.share:has(#view-link) .copy-status'), 'data-outcome', 'copied');
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), viewLink);

      await page.keyboard.press('Escape');
      await page.locator('#share-panel').waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.activeElement?.id === 'open-share');
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => document.activeElement?.id === 'editor');
    });
  });

  test('the ? key lists the shortcuts; Escape closes the list and gives focus back', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await page.setViewportSize(LAPTOP);
      await createText(page);
      // In the text, ? is a character.
      await page.locator('#editor').focus();
      await page.keyboard.type('?');
      assert.equal(await page.locator('#shortcuts-panel').count(), 0);
      await page.locator('#open-share').focus();
      await page.keyboard.press('?');
      await page.locator('#shortcuts-panel').waitFor();
      await expectText(page.locator('#shortcuts-panel h2'), STRINGS.fr.shortcuts_title);
      assert.ok((await page.locator('#shortcuts-panel kbd').count()) >= 6, 'the shortcuts are listed');
      await page.keyboard.press('Escape');
      await page.locator('#shortcuts-panel').waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.activeElement?.id === 'open-shortcuts');
    });
  });

  test('offline, the badge says in words that changes wait to be sent, with no count', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await page.setViewportSize(LAPTOP);
      await createText(page);
      await typeAtEnd(page, ['En ligne.']);
      await waitSynced(page);
      await page.context().setOffline(true);
      await page.waitForFunction(() => ['offline', 'reconnecting'].includes(document.querySelector('#status')?.dataset.state));
      await typeAtEnd(page, ['Hors ligne, un, deux, trois.']);
      await expectAttribute(page.locator('#status'), 'data-waiting', 'true');
      await expectText(page.locator('#status .waiting'), STRINGS.fr.badge_pending);
      const said = await page.locator('#status').textContent();
      assert.ok(said.includes(STRINGS.fr.badge_pending), said);
      assert.doesNotMatch(said, /\d/, 'no internal count');
      await page.context().setOffline(false);
      await expectAttribute(page.locator('#status'), 'data-synced', 'true');
      await expectAttribute(page.locator('#status'), 'data-waiting', 'false');
    });
  });

  for (const [name, viewport] of [['laptop', LAPTOP], ['phone', PHONE]]) {
    test(`axe-core finds no serious or critical violation on the start page, the document page and the share panel (${name})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
        await page.setViewportSize(viewport);
        await page.goto('/');
        await page.locator('#new-text').waitFor();
        assert.deepEqual(await seriousViolations(page), [], 'start page');
        await createText(page);
        await page.locator('#title').fill('Motion');
        await typeAtEnd(page, ['Un texte à vérifier.']);
        await waitSynced(page);
        assert.deepEqual(await seriousViolations(page), [], 'document page');
        await openShare(page);
        assert.deepEqual(await seriousViolations(page), [], 'share panel');
        await page.keyboard.press('Escape');
        await page.goto('/');
        await page.locator('#recent li').first().waitFor();
        assert.deepEqual(await seriousViolations(page), [], 'start page with recent documents');
      });
    });
  }
});
