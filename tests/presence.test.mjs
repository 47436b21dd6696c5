// Presence and "who wrote what": two people with different names see both
// names, and one leaving is seen; the name is kept in the browser; a
// co-author's caret is drawn in their colour and stays on its words; with
// the switch on, each one's words are coloured with their colour; a
// view-link reader is listed, read-only. Also measures, and prints, how long
// colouring a 100,000-character text by author takes in the page.
//
// Every wait ends on an element, an attribute or a value, never on a fixed
// sleep.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage, openPeople, presence, viewLinkOf } from './lib/app.mjs';
import { expectAttribute, expectText, filledValue } from './lib/browser.mjs';
import { createText, open, waitForText, waitForValue, withPeople } from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';

const TEST_TIMEOUT_MS = 120_000;

/** Give the name in the inline form, and wait until it is shown. */
async function setName(page, name) {
  await openPeople(page);
  const p = presence(page);
  await p.nameInput.fill(name);
  await p.nameSave.click();
  await expectText(p.nameShown, name);
  await expectAttribute(p.me, 'data-name', name);
}

/** `#rrggbb` as the `r, g, b` of a computed colour. */
function rgb(hex) {
  const n = (i) => parseInt(hex.slice(i, i + 2), 16);
  return `${n(1)}, ${n(3)}, ${n(5)}`;
}

/**
 * Like `withPeople`, one person per locale, and no page may report a
 * problem.
 */
function withCleanPeople(t, suite, locales, body) {
  return withPeople(t, suite, locales, async (...pages) => {
    await body(...pages);
    for (const [i, page] of pages.entries()) {
      assert.deepEqual(page.problems, [], `person ${i}: the page reported problems`);
    }
  });
}

describe('presence', () => {
  const suite = relayAndBrowser();

  test('the presence list shows both names', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withCleanPeople(t, suite, ['fr-FR', 'en-US'], async (a, b) => {
      const link = await createText(a);
      // Until a name is given, a neutral one.
      await openPeople(a);
      await expectAttribute(presence(a).me, 'data-name', 'Anonyme');
      await setName(a, 'Louise');
      await open(b, link);
      await setName(b, 'Jean');

      for (const page of [a, b]) {
        await presence(page).person('Louise').waitFor();
        await presence(page).person('Jean').waitFor();
        assert.equal(await presence(page).people.count(), 2);
      }
      // Each sees the other in the colour the other has.
      const louise = await presence(a).me.getAttribute('data-colour');
      const jean = await presence(b).me.getAttribute('data-colour');
      assert.match(louise, /^#[0-9a-f]{6}$/);
      await expectAttribute(presence(b).person('Louise'), 'data-colour', louise);
      await expectAttribute(presence(a).person('Jean'), 'data-colour', jean);
      await expectAttribute(presence(a).person('Jean'), 'data-you', 'false');

      // A new name reaches the other page.
      await presence(b).changeName.click();
      await setName(b, 'Jean M.');
      await presence(a).person('Jean M.').waitFor();
      assert.equal(await presence(a).person('Jean').count(), 0);

      // The name and colour are kept in the browser: not asked again.
      await a.reload();
      await expectAttribute(documentPage(a).status, 'data-state', 'online');
      await openPeople(a);
      await expectText(presence(a).nameShown, 'Louise');
      await expectAttribute(presence(a).me, 'data-colour', louise);
      await presence(a).person('Jean M.').waitFor();

      // Leaving is seen at once (the relay says so).
      await b.close();
      await presence(a).person('Jean M.').waitFor({ state: 'detached' });
      assert.equal(await presence(a).people.count(), 1);
    });
  });

  test("a co-author's caret is drawn in their colour and stays on its words", { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withCleanPeople(t, suite, ['fr-FR', 'fr-FR'], async (a, b) => {
      const link = await createText(a);
      await setName(a, 'Louise');
      await documentPage(a).editor.focus();
      await a.keyboard.insertText('la motion est adoptée');
      await open(b, link);
      await setName(b, 'Jean');
      await waitForValue(b, 'la motion est adoptée');
      const jean = await presence(b).me.getAttribute('data-colour');

      // Jean puts his caret after "la ".
      await documentPage(b).editor.focus();
      await b.keyboard.press('Control+Home');
      for (let i = 0; i < 3; i += 1) await b.keyboard.press('ArrowRight');

      const caret = presence(a).caret('Jean');
      await caret.waitFor();
      // Earlier places of the caret may show first: wait for this one.
      const caretAfter = (text) =>
        a.waitForFunction(
          (before) => document.querySelector('.backdrop.cursors .caret')?.previousSibling?.textContent === before,
          text,
        );
      await caretAfter('la ');
      const drawn = () =>
        caret.evaluate((element) => ({
          border: getComputedStyle(element).borderLeftColor,
          before: element.previousSibling?.textContent ?? '',
          after: element.nextSibling?.textContent ?? '',
        }));
      let seen = await drawn();
      assert.equal(seen.border, `rgb(${rgb(jean)})`);
      assert.equal(seen.before, 'la ');

      // Louise writes before it: the caret stays after "la ".
      await a.keyboard.press('Control+Home');
      await a.keyboard.insertText('Vote : ');
      // The layer is rebuilt: wait for the new caret, then look at it.
      await caretAfter('Vote : la ');
      seen = await drawn();
      assert.equal(seen.before, 'Vote : la ');
      assert.ok(seen.after.startsWith('motion'), seen.after);
    });
  });

  test("with the switch on, a co-author's words are coloured with their colour", { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withCleanPeople(t, suite, ['fr-FR', 'fr-FR'], async (a, b) => {
      const link = await createText(a);
      await setName(a, 'Louise');
      await documentPage(a).editor.focus();
      await a.keyboard.insertText('Texte de Louise. ');
      await open(b, link);
      await setName(b, 'Jean');
      await documentPage(b).editor.focus();
      await b.keyboard.press('Control+End');
      await b.keyboard.insertText('Ajout de Jean.');
      await waitForValue(a, 'Texte de Louise. Ajout de Jean.');
      const louise = await presence(a).me.getAttribute('data-colour');
      const jean = await presence(b).me.getAttribute('data-colour');

      assert.equal(await presence(a).authorRuns.count(), 0, 'nothing coloured until asked');
      await presence(a).authorship.check();
      const run = (text) => presence(a).authorRuns.filter({ hasText: text });
      await run('Ajout de Jean.').waitFor();
      const background = (text) => run(text).evaluate((element) => getComputedStyle(element).backgroundColor);
      assert.match(await background('Ajout de Jean.'), new RegExp(`^rgba\\(${rgb(jean)}, 0\\.2\\d*\\)$`));
      assert.match(await background('Texte de Louise.'), new RegExp(`^rgba\\(${rgb(louise)}, 0\\.2\\d*\\)$`));
      assert.equal(await run('Ajout de Jean.').textContent(), 'Ajout de Jean.');

      // Louise's own edit inside Jean's words is hers.
      await documentPage(a).editor.focus();
      await a.keyboard.press('Control+End');
      await a.keyboard.press('ArrowLeft');
      await a.keyboard.insertText(', merci');
      await run(', merci').waitFor();
      assert.match(await background(', merci'), new RegExp(`^rgba\\(${rgb(louise)}, `));
      await presence(a).authorship.uncheck();
      await presence(a).authorRuns.first().waitFor({ state: 'detached' });
    });
  });

  test('a view-link reader is listed as read-only', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withCleanPeople(t, suite, ['fr-FR', 'en-US'], async (a, c) => {
      await createText(a);
      await setName(a, 'Louise');
      const viewLink = await viewLinkOf(a);
      await open(c, viewLink);
      await setName(c, 'Lectrice');
      await expectAttribute(presence(a).person('Lectrice'), 'data-read-only', 'true');
      await expectAttribute(presence(c).me, 'data-read-only', 'true');
      await expectAttribute(presence(c).person('Louise'), 'data-read-only', 'false');
      await expectText(presence(a).person('Lectrice').locator('.read-only'), 'lecture seule');
    });
  });

  test('colouring a 100,000-character text by author (measured)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withCleanPeople(t, suite, ['fr-FR', 'fr-FR'], async (a, b) => {
      const link = await createText(a);
      await setName(a, 'Louise');
      // Lines of a real text: paragraphs of 60 to 400 characters.
      const lines = [];
      for (let n = 0, i = 0; n < 100_000; i += 1) {
        const line = `Paragraphe ${i}, pour voir ce que coûte la couleur. `.repeat(1 + (i % 7)).trim();
        lines.push(line);
        n += line.length + 1;
      }
      const big = lines.join('\n').slice(0, 100_000);
      await documentPage(a).editor.focus();
      await a.keyboard.insertText(big);
      await open(b, link);
      await setName(b, 'Jean');
      await waitForValue(b, big);
      // Jean writes in 50 places, so the text is in about 100 runs.
      await documentPage(b).editor.focus();
      for (let i = 0; i < 50; i += 1) {
        await b.evaluate((at) => document.querySelector('#editor').setSelectionRange(at, at), 1000 + i * 1900);
        await b.keyboard.insertText('J');
      }
      const total = big.length + 50;
      const handle = await documentPage(a).editor.elementHandle();
      await a.waitForFunction(([textarea, n]) => textarea.value.length === n, [handle, total]);

      await presence(a).authorship.check();
      await presence(a).authorRuns.first().waitFor();
      await a.waitForFunction(() => document.querySelectorAll('.backdrop.authors span.by').length >= 100);
      const layerText = (selector) =>
        a.evaluate((sel) => [...document.querySelector(sel).children].map((p) => p.textContent).join('\n'), selector);
      assert.equal(await layerText('.backdrop.authors'), await documentPage(a).editor.inputValue(), 'the layer holds the whole text');
      const runs = await presence(a).authorRuns.count();
      // Keystrokes timed in the page: from the input event to the frame
      // after the one that rebuilds the backdrop, laid out; with the
      // colours off, then on.
      const keystroke = () =>
        a.evaluate(
          () =>
            new Promise((resolve) => {
              const textarea = document.querySelector('#editor');
              const started = performance.now();
              textarea.setRangeText('!', textarea.value.length, textarea.value.length, 'end');
              textarea.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: '!' }));
              requestAnimationFrame(() =>
                requestAnimationFrame(() => {
                  void document.body.offsetHeight; // force the layout
                  resolve(performance.now() - started);
                }),
              );
            }),
        );
      const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
      // What setting a whole layer's HTML and laying it out costs, alone.
      const relayout = (selector) =>
        a.evaluate((sel) => {
          const layer = document.querySelector(sel);
          const html = layer.innerHTML;
          const started = performance.now();
          layer.innerHTML = html;
          void layer.scrollHeight;
          return performance.now() - started;
        }, selector);
      const layouts = { authors: [], cursors: [] };
      for (let i = 0; i < 5; i += 1) {
        layouts.authors.push(await relayout('.backdrop.authors'));
        layouts.cursors.push(await relayout('.backdrop.cursors'));
      }
      t.diagnostic(
        `setting and laying out a whole layer: authors ${median(layouts.authors).toFixed(1)} ms, cursors ${median(layouts.cursors).toFixed(1)} ms`,
      );
      const on = [];
      for (let i = 0; i < 5; i += 1) on.push(await keystroke());
      await presence(a).authorship.uncheck();
      await presence(a).authorRuns.first().waitFor({ state: 'detached' });
      const off = [];
      for (let i = 0; i < 5; i += 1) off.push(await keystroke());
      // Without Jean's caret either: the editor alone.
      await b.close();
      await presence(a).person('Jean').waitFor({ state: 'detached' });
      const bare = [];
      for (let i = 0; i < 5; i += 1) bare.push(await keystroke());
      await presence(a).authorship.check();
      await a.waitForFunction(() => document.querySelector('.backdrop.authors').textContent.endsWith('!'.repeat(15)));
      const ms = Number(await presence(a).authorsLayer.getAttribute('data-ms'));
      t.diagnostic(
        `authorship of ${total} characters (${big.split('\n').length} lines) in ${runs} runs: runs, HTML and DOM in ${ms} ms; ` +
          `keystroke to laid-out page two frames later, median of 5: ${median(on).toFixed(1)} ms with colours, ` +
          `${median(off).toFixed(1)} ms without, ${median(bare).toFixed(1)} ms without colours nor a remote caret`,
      );
      assert.ok(Number.isFinite(ms) && ms >= 0, `data-ms is a duration: ${ms}`);
    });
  });
});
