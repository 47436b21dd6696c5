// The Markdown preview, printing and the share panel's copy buttons: what
// is typed shows formatted in `#preview`, the chosen view is remembered; a
// co-author's raw HTML shows as text, creates no element, loads nothing
// and runs nothing; printing shows the title and the rendered text only,
// even from the editor-only view; "Copy" puts the link on the clipboard
// and says so, and when the browser refuses, the link is selected and the
// person is told to press Ctrl+C.
//
// Every wait ends on an element, an attribute or a text, never on a fixed
// sleep.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage, frame, openShare, textViews } from './lib/app.mjs';
import {
  assertNoProblems,
  expectAttribute,
  expectText,
  filledValue,
  newPage,
  RESULTS_DIR,
  withPage,
} from './lib/browser.mjs';
import { createText } from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { STRINGS } from './lib/strings.mjs';

const TEST_TIMEOUT_MS = 90_000;
const WORDS = STRINGS.fr;

/** Type `text` at the end of the editor, as one insertion. */
async function type(page, text) {
  const { editor } = documentPage(page);
  await editor.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(text);
}

/** Choose the view `mode` (write, split, preview) and check it took. */
async function chooseView(page, mode) {
  const views = textViews(page);
  await views.modeButton(mode).click();
  await expectAttribute(views.modeButton(mode), 'aria-pressed', 'true');
  await expectAttribute(views.views, 'data-mode', mode);
}

describe('the preview, printing and copying links', () => {
  const suite = relayAndBrowser();

  test('a heading and a list typed show formatted, and the view is remembered', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await createText(page);
      const views = textViews(page);
      // The editor alone at first; the preview is not shown.
      await expectAttribute(views.views, 'data-mode', 'write');
      assert.equal(await views.preview.isVisible(), false, 'the preview is hidden in the editor-only view');

      await chooseView(page, 'split');
      await type(page, '# Titre\n\n- premier point\n- second *point*\n');
      await expectText(views.preview.locator('h1'), 'Titre');
      await views.preview.locator('li').nth(1).waitFor();
      assert.deepEqual(await views.preview.locator('li').allTextContents(), ['premier point', 'second point']);
      await expectText(views.preview.locator('li em'), 'point');
      assert.equal(await documentPage(page).editor.isVisible(), true, 'side by side shows the editor too');

      // The preview follows further typing.
      await type(page, '\n## Suite\n\n[en haut](#haut)');
      await expectText(views.preview.locator('h2'), 'Suite');

      // A fragment link does not replace the document's keys in the address.
      const address = page.url();
      await views.preview.locator('a[href="#haut"]').click();
      assert.equal(page.url(), address, 'a #fragment link leaves the address alone');
      await expectText(views.preview.locator('h2'), 'Suite');

      // The preview alone; remembered after a reload.
      await chooseView(page, 'preview');
      assert.equal(await documentPage(page).editor.isVisible(), false, 'the preview view hides the editor');
      await page.reload();
      await expectAttribute(views.views, 'data-mode', 'preview');
      await expectAttribute(views.modeButton('preview'), 'aria-pressed', 'true');
      await expectText(views.preview.locator('h1'), 'Titre');
      assertNoProblems(page);
    });
  });

  test("a co-author's raw HTML shows as text, creates no element and runs nothing", { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const reader = await newPage(suite.browser, { relay: suite.relay });
    const author = await newPage(suite.browser, { relay: suite.relay });
    try {
      const link = await createText(reader);
      await chooseView(reader, 'preview');
      await author.goto(link);
      await expectAttribute(documentPage(author).status, 'data-state', 'online');
      const hostile = [
        '<script>document.title = "pwned"; window.pwned = 1;</script>',
        '',
        'Voir <img src=x onerror="window.pwned = 2"> et <b onmouseover="window.pwned = 3">ça</b>.',
        '',
        '[clic](javascript:window.pwned=4) ![pixel](http://tracker.invalid/x.png)',
        '',
        '<iframe src="https://tracker.invalid/"></iframe>',
      ].join('\n');
      await type(author, hostile);

      const { preview } = textViews(reader);
      await preview.locator('a.image').waitFor();
      const text = await preview.textContent();
      for (const shown of ['<script>document.title = "pwned"', '<img src=x onerror="window.pwned = 2">', '<iframe src=']) {
        assert.ok(text.includes(shown), `the preview shows ${shown} as text; it shows: ${text}`);
      }
      assert.equal(await preview.locator('script, img, iframe, b, [onerror], [onmouseover]').count(), 0);
      // The javascript: link is its text only; the image is a link to it.
      assert.equal(await preview.locator('a[href^="javascript"]').count(), 0);
      await expectText(preview.locator('a.image'), 'pixel');
      await expectAttribute(preview.locator('a.image'), 'href', 'http://tracker.invalid/x.png');
      await expectAttribute(preview.locator('a.image'), 'rel', 'noopener noreferrer nofollow');

      // Nothing ran, nothing was requested (a request to another origin or
      // a 404 for "x" would be among the problems).
      await preview.locator('a.image').hover();
      assert.equal(await reader.evaluate(() => window.pwned), undefined);
      assert.notEqual(await reader.title(), 'pwned');
      assertNoProblems(reader);
      assertNoProblems(author);
    } catch (error) {
      for (const [who, page] of Object.entries({ reader, author })) {
        for (const problem of page.problems) t.diagnostic(`${who} problem: ${problem}`);
        await page.screenshot({ path: `${RESULTS_DIR}/preview--raw-html--${who}.png`, fullPage: true }).catch(() => {});
      }
      throw error;
    } finally {
      await reader.context().close();
      await author.context().close();
    }
  });

  test('printing shows the title and the rendered text only, even from the editor view', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await createText(page);
      const doc = documentPage(page);
      const views = textViews(page);
      await doc.title.fill('Motion du congrès');
      await type(page, '# Considérants\n\nLe texte, voir [le site](https://example.org/motion).\n');
      // The editor-only view: the preview was never shown on screen.
      await expectAttribute(views.views, 'data-mode', 'write');
      assert.equal(await views.preview.isVisible(), false);
      // With a panel open, which must not print either.
      await openShare(page);

      await page.emulateMedia({ media: 'print' });
      await expectText(views.preview.locator('h1'), 'Considérants');
      assert.equal(await views.preview.isVisible(), true, 'the rendered text prints');
      await expectText(views.printTitle, 'Motion du congrès');
      assert.equal(await views.printTitle.isVisible(), true, 'the title prints');
      const hidden = {
        textarea: doc.editor,
        status: doc.status,
        'share panel': views.sharing,
        'view switch': views.viewMode,
        'print button': views.printButton,
        'title field': doc.title,
        header: frame(page).brand,
        footer: frame(page).privacyNote,
      };
      for (const [name, locator] of Object.entries(hidden)) {
        assert.equal(await locator.isVisible(), false, `the ${name} does not print`);
      }
      // The address follows an external link on paper.
      const address = await views.preview
        .locator('a.external')
        .evaluate((a) => getComputedStyle(a, '::after').content);
      assert.equal(address, '" (https://example.org/motion)"');

      // Back on screen, the page is as it was.
      await page.emulateMedia({ media: 'screen' });
      assert.equal(await doc.editor.isVisible(), true);
      assert.equal(await views.printTitle.isVisible(), false);
      assertNoProblems(page);
    });
  });

  test('the copy button puts the edit link on the clipboard and says so', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.relay.url });
      await createText(page);
      await openShare(page);
      const doc = documentPage(page);
      const views = textViews(page);
      const editLink = await filledValue(doc.editLink);
      await expectText(views.copyButton('edit-link'), WORDS.copy_button);
      await views.copyButton('edit-link').click();
      await expectAttribute(views.copyStatus('edit-link'), 'data-outcome', 'copied');
      await expectText(views.copyStatus('edit-link'), WORDS.copy_done);
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), editLink);

      // The view link's button copies the view link.
      const viewLink = await filledValue(doc.viewLink);
      await views.copyButton('view-link').click();
      await expectAttribute(views.copyStatus('view-link'), 'data-outcome', 'copied');
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), viewLink);
      assertNoProblems(page);
    });
  });

  test('when the browser refuses to copy, the link is selected and the person is told to press Ctrl+C', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      // A browser whose clipboard refuses the write, and whose older copy
      // command fails too.
      await page.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'clipboard', {
          configurable: true,
          get() {
            return { writeText: () => Promise.reject(new DOMException('refused', 'NotAllowedError')) };
          },
        });
        Document.prototype.execCommand = () => false;
      });
      await createText(page);
      await openShare(page);
      const doc = documentPage(page);
      const views = textViews(page);
      const editLink = await filledValue(doc.editLink);

      /** The field `id` has the focus and all its text selected. */
      async function assertSelected(id, value) {
        const selection = await page.evaluate(() => {
          const input = document.activeElement;
          return { id: input.id, start: input.selectionStart, end: input.selectionEnd };
        });
        assert.deepEqual(selection, { id, start: 0, end: value.length });
      }

      await views.copyButton('edit-link').click();
      await expectAttribute(views.copyStatus('edit-link'), 'data-outcome', 'refused');
      await expectText(views.copyStatus('edit-link'), WORDS.copy_refused);
      await assertSelected('edit-link', editLink);

      // No clipboard at all, as on plain http from a LAN address.
      await page.evaluate(() => {
        Object.defineProperty(Navigator.prototype, 'clipboard', { configurable: true, get: () => undefined });
      });
      const viewLink = await filledValue(doc.viewLink);
      await views.copyButton('view-link').click();
      await expectAttribute(views.copyStatus('view-link'), 'data-outcome', 'refused');
      await expectText(views.copyStatus('view-link'), WORDS.copy_refused);
      await assertSelected('view-link', viewLink);
      // The refusal is logged as a warning, not an error.
      assertNoProblems(page);
    });
  });
});
