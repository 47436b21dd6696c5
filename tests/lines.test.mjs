// Line numbers (model/src/lines.rs), the formatting bar and the Markdown
// help. A long paragraph is numbered the same way in the editor's gutter,
// in the preview on screen and on paper (`emulateMedia({ media: 'print' })`):
// the same words start the same numbered lines, and each numbered line
// starts a row of its own. Ctrl+B on a selection writes `**…**`, which a
// second browser receives; the Markdown help opens and closes with focus
// back where it was.
//
// Every wait ends on an element, an attribute or a value, never on a fixed
// sleep.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage, textViews, viewLinkOf } from './lib/app.mjs';
import { assertNoProblems, expectAttribute, TIMEOUT_MS, withPage } from './lib/browser.mjs';
import { createText, open, withPeople, waitForText } from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { STRINGS } from './lib/strings.mjs';

const TEST_TIMEOUT_MS = 120_000;
/** The line length of model/src/lines.rs. */
const LINE_LENGTH = 80;

/** A long paragraph of plain words (single spaces, no hyphen, no
 * punctuation a line may not start with), then a short one. */
const WORDS = [
  'Le', 'congrès', 'réuni', 'en', 'assemblée', 'générale', 'affirme', 'que', 'la', 'section',
  'locale', 'doit', 'disposer', 'des', 'moyens', 'nécessaires', 'à', 'son', 'action', 'dans',
  'les', 'quartiers', 'et', 'les', 'entreprises', 'de', 'la', 'ville', 'avec', 'un', 'local',
  'ouvert', 'chaque', 'semaine', 'un', 'budget', 'voté', 'par', 'les', 'adhérentes', 'et',
  'adhérents', 'réunis', 'au', 'printemps', 'ainsi', 'qu', 'un', 'temps', 'de', 'parole',
  'garanti', 'lors', 'des', 'assemblées',
];
const PARAGRAPH = Array.from({ length: 4 }, (_, i) => WORDS.map((w, j) => (j === 0 ? `${w}${i + 1}` : w)).join(' ')).join(' ');
const TEXT = `${PARAGRAPH}\n\nFin du texte.`;

/** What model/src/lines.rs gives for a text of plain words: the numbered
 * lines (greedy, at most LINE_LENGTH characters, broken at spaces). */
function numberedLines(text) {
  const lines = [];
  for (const source of text.split('\n')) {
    if (!source.trim()) continue;
    let line = '';
    for (const word of source.split(' ')) {
      if (!line) line = word;
      else if ([...`${line} ${word}`].length <= LINE_LENGTH) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** The first word of each numbered line, as `{ n, word }`. */
function expectedStarts(text) {
  return numberedLines(text).map((line, i) => ({ n: i + 1, word: line.split(' ')[0] }));
}

/**
 * In the page: each number the preview shows, with the first word after
 * its marker and that word's row (the top of its first letter), and
 * whether the number is drawn (`::before` content).
 */
function previewStarts() {
  const preview = document.getElementById('preview');
  const starts = [];
  for (const mark of preview.querySelectorAll('.ln')) {
    const drawn = getComputedStyle(mark, '::before').content;
    if (drawn === 'none') continue;
    const walker = document.createTreeWalker(preview, NodeFilter.SHOW_TEXT);
    walker.currentNode = mark;
    let word = '';
    let top = null;
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const at = node.textContent.search(/\S/);
      if (at < 0) continue;
      word = node.textContent.slice(at).split(/\s/)[0];
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + 1);
      top = range.getBoundingClientRect().top;
      break;
    }
    starts.push({ n: Number(mark.dataset.line), drawn, word, top, markTop: mark.getBoundingClientRect().top });
  }
  return starts;
}

/** Check the preview's numbers against the expected starts: the same
 * words, the number drawn, each numbered line on a row of its own. */
function assertPreviewStarts(starts, expected, where) {
  assert.deepEqual(
    starts.map(({ n, word }) => ({ n, word })),
    expected,
    `the ${where} numbers start the same words as model::lines`,
  );
  for (const start of starts) {
    assert.equal(start.drawn, `"${start.n}"`, `the ${where} draws number ${start.n}`);
  }
  for (let i = 1; i < starts.length; i += 1) {
    assert.ok(starts[i].top > starts[i - 1].top, `${where}: line ${starts[i].n} starts a new row`);
  }
}

describe('line numbers', () => {
  const suite = relayAndBrowser();

  test('line numbers on screen match the printed ones for a long paragraph', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await createText(page);
      const { editor } = documentPage(page);
      await editor.focus();
      await page.keyboard.insertText(TEXT);
      const expected = expectedStarts(TEXT);
      assert.ok(expected.length >= 6, `a paragraph of several lines (${expected.length})`);

      // The editor alone (the default view), 80 characters wide on a
      // laptop: each row of the textarea is a numbered line, and the
      // gutter's numbers are level with the rows that start with the same
      // words (read from the backdrop, which mirrors the textarea's
      // wrapping). Only the numbers in view are drawn: the end, then the
      // start.
      const views = textViews(page);
      await expectAttribute(views.views, 'data-mode', 'write');
      const atEnd = await gutterStarts(page);
      await editor.evaluate((area) => { area.scrollTop = 0; });
      await page.waitForFunction(() => document.querySelector('.gutter .gutter-number')?.textContent === '1', null, { timeout: TIMEOUT_MS });
      const atStart = await gutterStarts(page);
      const seen = new Map([...atEnd, ...atStart].map(({ n, word }) => [n, word]));
      assert.ok(seen.has(1) && seen.has(expected.length), `the gutter showed the first and the last numbers: ${[...seen.keys()]}`);
      for (const [n, word] of seen) {
        assert.equal(word, expected[n - 1]?.word, `the gutter's ${n} is level with the row that starts line ${n}: ${JSON.stringify({ atEnd, atStart })}`);
      }
      // Each numbered line is one row: the layer's lines of text are as
      // many rows tall as they hold numbered lines.
      const rows = await page.evaluate(() => {
        const layer = document.querySelector('.backdrop.numbers');
        const row = parseFloat(getComputedStyle(layer).lineHeight);
        return [...layer.children].filter((p) => p.textContent.trim()).reduce((sum, p) => sum + Math.round(p.offsetHeight / row), 0);
      });
      assert.equal(rows, expected.length, "the editor's rows are the numbered lines");

      // The preview, on screen (side by side).
      await views.modeButton('split').click();
      await expectAttribute(views.views, 'data-mode', 'split');
      await page.waitForFunction((n) => document.querySelectorAll('#preview .ln').length === n, expected.length, { timeout: TIMEOUT_MS });
      const screen = await page.evaluate(previewStarts);
      assertPreviewStarts(screen, expected, 'preview');

      // On paper.
      await page.emulateMedia({ media: 'print' });
      await page.waitForFunction(() => !document.getElementById('editor').checkVisibility(), null, { timeout: TIMEOUT_MS });
      const printed = await page.evaluate(previewStarts);
      assertPreviewStarts(printed, expected, 'printed');
      // The number sits beside its line, left of the text.
      for (const start of printed) {
        assert.ok(Math.abs(start.markTop - start.top) < 12, `printed line ${start.n}: the marker is on the line's row`);
      }
      await page.emulateMedia({ media: 'screen' });
      assertNoProblems(page);
    });
  });
});

describe('the formatting bar', () => {
  const suite = relayAndBrowser();

  test('Ctrl+B on a selection writes **…**, which a second browser receives, and undo takes it back', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (author, other) => {
      const link = await createText(author);
      await open(other, link);
      const { editor } = documentPage(author);
      await editor.focus();
      await author.keyboard.insertText('la motion est adoptée');
      await waitForText(other, (value) => value === 'la motion est adoptée');

      // Select "motion", Ctrl+B.
      await editor.evaluate((area) => area.setSelectionRange(3, 9));
      await author.keyboard.press('Control+b');
      await waitForText(author, (value) => value === 'la **motion** est adoptée');
      assert.deepEqual(
        await editor.evaluate((area) => [area.selectionStart, area.selectionEnd]),
        [5, 11],
        'the words stay selected inside the marks',
      );
      await waitForText(other, (value) => value === 'la **motion** est adoptée');

      // Ctrl+B again takes the marks away; Ctrl+I makes it italic.
      await author.keyboard.press('Control+b');
      await waitForText(author, (value) => value === 'la motion est adoptée');
      await author.keyboard.press('Control+i');
      await waitForText(other, (value) => value === 'la *motion* est adoptée');

      // The buttons: labelled, with the shortcut in the title; a click
      // keeps the selection in the text.
      const bar = author.locator('.format-bar[role="toolbar"]');
      await expectAttribute(bar, 'aria-label', STRINGS.fr.format_bar_label);
      const bold = bar.getByRole('button', { name: STRINGS.fr.format_bold, exact: true });
      assert.equal(await bold.getAttribute('data-format'), 'bold', 'the bold button is named in words');
      await expectAttribute(bold, 'title', STRINGS.fr.format_bold_title);
      await editor.evaluate((area) => area.setSelectionRange(area.value.length - 7, area.value.length));
      await bold.click();
      await waitForText(other, (value) => value === 'la *motion* est **adoptée**');
      const heading = bar.locator('button[data-format="heading"]');
      await heading.click();
      await waitForText(other, (value) => value === '## la *motion* est **adoptée**');
      assert.equal(await author.evaluate(() => document.activeElement?.id), 'editor', 'focus stays in the text');

      // Undo takes back the last formatting in one step, for both.
      await author.keyboard.press('Control+z');
      await waitForText(other, (value) => value === 'la *motion* est **adoptée**');
      assertNoProblems(author);
      assertNoProblems(other);
    });
  });

  test('a reader has no formatting bar and Ctrl+B changes nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (author, reader) => {
      await createText(author);
      const { editor } = documentPage(author);
      await editor.focus();
      await author.keyboard.insertText('texte de référence');
      await expectAttribute(documentPage(author).status, 'data-synced', 'true');
      const viewLink = await viewLinkOf(author);
      await open(reader, viewLink);
      await waitForText(reader, (value) => value === 'texte de référence');
      assert.equal(await author.locator('.format-bar').count(), 1, 'the author has the bar');
      assert.equal(await reader.locator('.format-bar, .format-button').count(), 0, 'the reader has no bar');
      const readerEditor = documentPage(reader).editor;
      await readerEditor.evaluate((area) => area.setSelectionRange(0, 5));
      await readerEditor.focus();
      await reader.keyboard.press('Control+b');
      assert.equal(await readerEditor.inputValue(), 'texte de référence');
      assertNoProblems(reader);
    });
  });
});

describe('the Markdown help', () => {
  const suite = relayAndBrowser();

  test('the Markdown help opens from the formatting bar, shows the syntax and closes with focus back', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await createText(page);
      const opener = page.locator('#open-markdown');
      await expectAttribute(opener, 'aria-expanded', 'false');
      assert.equal(await page.getByRole('button', { name: STRINGS.fr.format_help }).getAttribute('id'), 'open-markdown');
      await opener.click();
      const panel = page.locator('#markdown-panel');
      await panel.waitFor();
      await expectAttribute(opener, 'aria-expanded', 'true');
      const heading = panel.locator('#markdown-panel-heading');
      assert.equal(await heading.textContent(), STRINGS.fr.markdown_help_title);
      // The rendered examples are inert: out of the outline and the tab
      // order (an example heading is not a heading of the page).
      assert.equal(
        await panel.evaluate((aside) => [...aside.querySelectorAll('h1, h2, h3, a[href]')].filter((e) => !e.closest('[inert]')).length),
        1,
        'one heading, no example link, outside the inert examples',
      );
      assert.equal(await panel.locator('td.markdown-result:not([inert])').count(), 0, 'every example is inert');
      await page.waitForFunction(() => document.activeElement?.id === 'markdown-panel-heading', null, { timeout: TIMEOUT_MS });
      // Each sign, as written and as it shows: bold gives <strong>, a
      // heading <h2>, a list <li>, a link <a>, a quote <blockquote>.
      const rows = panel.locator('tbody tr');
      assert.ok((await rows.count()) >= 10, 'the syntax in rows');
      assert.equal(await rows.first().locator('pre').textContent(), '**important**');
      assert.equal(await rows.first().locator('td.markdown-result strong').textContent(), 'important');
      for (const element of ['h2', 'li', 'a', 'blockquote', 'table', 'code', 'del']) {
        assert.ok((await panel.locator(`td.markdown-result ${element}`).count()) > 0, `the help shows a ${element}`);
      }
      // One screen: the panel fits the window's height without scrolling
      // past it at a laptop's size.
      const fits = await panel.evaluate((aside) => aside.scrollHeight <= window.innerHeight * 1.6);
      assert.ok(fits, 'the help is about one screen long');

      // The close button closes it and gives focus back to its opener.
      await panel.locator('.panel-close').click();
      await panel.waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.activeElement?.id === 'open-markdown', null, { timeout: TIMEOUT_MS });
      await expectAttribute(opener, 'aria-expanded', 'false');

      // Escape closes it too.
      await opener.click();
      await panel.waitFor();
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.activeElement?.id === 'open-markdown', null, { timeout: TIMEOUT_MS });
      assertNoProblems(page);
    });
  });
});

/**
 * The numbers the editor's gutter draws (those in view), each with the
 * first word of the row it is level with: `{ n, word }` in order. The rows are read from the
 * backdrop's numbers layer (same box, font and wrapping as the textarea).
 */
async function gutterStarts(page) {
  await page.waitForFunction(() => document.querySelectorAll('.gutter .gutter-number').length >= 3, null, { timeout: TIMEOUT_MS });
  return page.evaluate(() => {
    const layer = document.querySelector('.backdrop.numbers');
    const gutter = document.querySelector('.gutter');
    // Every word of the layer (a marker splits its first letter from the
    // rest), with the row of its first letter.
    const words = [];
    let word = null;
    const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const text = node.textContent;
      for (let i = 0; i < text.length; i += 1) {
        if (/\s/.test(text[i])) {
          word = null;
          continue;
        }
        if (word) {
          word.word += text[i];
          continue;
        }
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        word = { word: text[i], top: rect.top, left: rect.left };
        words.push(word);
      }
      // A block (a line of text) ends the word.
      if (!node.nextSibling && node.parentElement?.classList.contains('p')) word = null;
    }
    return [...gutter.querySelectorAll('.gutter-number')].map((number) => {
      const top = number.getBoundingClientRect().top;
      const row = words.filter((w) => Math.abs(w.top - top) < 4).sort((a, b) => a.left - b.left);
      return { n: Number(number.textContent), word: row[0]?.word ?? '' };
    });
  });
}
