// The talking-points sheet and Argdown in the page (issue 14, helper
// sheet; components/argument_sheet.rs, argument_sheet_builder.rs): a new
// map is filled by importing an Argdown text through the page (what the
// page read otherwise than written is told line by line); the sheet
// builder ticks and orders the arguments (a button and the keyboard), a
// key message is written, the live preview follows; printed to PDF
// (Playwright's page.pdf, the print view's stylesheet) and read back with
// pdftotext, the sheet holds the key message, the three arguments in the
// chosen order, an "Ils disent / Nous répondons" pair and a footnote;
// the Argdown the page exports, imported into another map and exported
// again, is the same text.
// Every wait ends on an element, an attribute, an event or a value.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

import { createMap } from './lib/arguments.mjs';
import { expectAttribute, newPage, RESULTS_DIR } from './lib/browser.mjs';
import { relayAndBrowser } from './lib/suite.mjs';

const run = promisify(execFile);
const TEST_TIMEOUT_MS = 180_000;

const ARGDOWN = `# Gratuité

[Gratuité]: Faut-il la gratuité des transports ? #transports
  + <Ville>: Elle rend la ville à tous.
  + <Air>: Elle réduit la pollution. {"sources": [{"title": "Étude Air", "date": "2021", "url": "https://example.org/air"}]}
  + <Réseau>: Elle simplifie le réseau <script>x</script>.
  + <Usagers>: Elle attire de nouveaux usagers.
  - <Coût>: Elle coûte trop cher.
    - <Billetterie>: La billetterie coûte déjà cher.
  +> <Sortant>: Une relation sortante.
`;

/** White space runs made one space. */
const flat = (text) => text.replace(/\s+/gu, ' ');

/** `needles` in `hay` in this order. */
function inOrder(hay, needles) {
  let from = 0;
  for (const needle of needles) {
    const at = hay.indexOf(needle, from);
    assert.ok(at >= 0, `${JSON.stringify(needle)} after ${from} in ${hay}`);
    from = at + needle.length;
  }
}

async function pdfText(bytes) {
  const dir = await mkdtemp(path.join(tmpdir(), 'cahier-sheet-'));
  try {
    const file = path.join(dir, 'sheet.pdf');
    await writeFile(file, bytes);
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    return stdout;
  } catch (error) {
    if (error.code === 'ENOENT') {
      throw new Error(`pdftotext is needed (scripts/test.sh installs poppler-utils): ${error.message}`);
    }
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A new argument map from the start page, online, its menu ready. Not
 * by waiting for `#e=` in the address: the page replaces it with a local
 * handle as soon as it opened, and a wait that starts after that waits
 * forever (stop 25's CI). */
async function newMap(page) {
  await createMap(page);
  await page.locator('#export-button').waitFor();
}

/** Open the map's Export menu and press `id`. */
async function menuItem(page, id) {
  if (!(await page.locator('#map-export-menu').isVisible())) await page.locator('#export-button').click();
  await page.locator(`#${id}`).click();
}

/** Import `text` through the page; the status element once done. */
async function importArgdown(page, text) {
  await menuItem(page, 'map-argdown-import');
  await page.locator('#argdown-text').fill(text);
  await page.locator('#argdown-import-go').click();
  const status = page.locator('#argdown-import-status');
  await status.waitFor();
  return status;
}

async function exportArgdown(page) {
  const [file] = await Promise.all([page.waitForEvent('download'), menuItem(page, 'map-argdown-export')]);
  assert.match(file.suggestedFilename(), /\.argdown$/u);
  return readFile(await file.path(), 'utf8');
}

async function withPage(t, suite, body) {
  const page = await newPage(suite.browser, { relay: suite.relay });
  await page.setViewportSize({ width: 1300, height: 900 });
  try {
    await body(page);
  } catch (error) {
    for (const problem of page.problems) t.diagnostic(`problem: ${problem}`);
    for (const line of page.consoleLog.slice(-15)) t.diagnostic(`console ${line}`);
    await page
      .screenshot({ path: `${RESULTS_DIR}/sheet--${t.name.replace(/[^\p{L}\p{N}]+/gu, '-')}.png` })
      .catch(() => {});
    throw error;
  } finally {
    await page.context().close();
  }
}

describe('the talking-points sheet and Argdown in the page', () => {
  const suite = relayAndBrowser();

  test('an imported map prints the sheet as chosen, and its Argdown round-trips', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite, async (page) => {
      await newMap(page);
      const status = await importArgdown(page, ARGDOWN);
      assert.match(flat(await status.innerText()), /8 affirmation\(s\) ajoutée\(s\)/u);
      // The outgoing relation is told, with its line, in words.
      const warning = page.locator('#argdown-warnings li[data-kind="outgoing"]');
      await expectAttribute(warning, 'data-line', '10');
      assert.match(await warning.innerText(), /Ligne 10 : relation sortante/u);
      assert.equal(await page.locator('#argdown-warnings li').count(), 1, 'nothing else was read otherwise');
      await page.locator('#argdown-import-close').click();
      await page.locator('#argdown-import').waitFor({ state: 'detached' });

      // The sheet: the first three ticked by default (no endorsement
      // yet: the map's order).
      await menuItem(page, 'map-sheet-open');
      const builder = page.locator('#sheet-builder');
      await builder.waitFor();
      const rows = page.locator('#sheet-arguments > li');
      await page.waitForFunction(() => document.querySelectorAll('#sheet-arguments > li').length === 5);
      const ticked = async () =>
        rows.evaluateAll((all) => all.filter((li) => li.querySelector('input').checked).map((li) => li.querySelector('label').textContent));
      assert.deepEqual(await ticked(), [
        'Elle rend la ville à tous.',
        'Elle réduit la pollution.',
        'Elle simplifie le réseau <script>x</script>.',
      ]);
      // Untick the first, tick the fourth, move it up with its button,
      // then once more with the keyboard (Alt+↑ on its row).
      await rows.nth(0).locator('input').uncheck();
      await rows.nth(3).locator('input').check();
      await rows.nth(3).locator('button.sheet-move').first().click();
      const usagers = page.locator('#sheet-arguments > li', { hasText: 'Elle attire de nouveaux usagers.' });
      await usagers.locator('input').focus();
      await page.keyboard.press('Alt+ArrowUp');
      await page.waitForFunction(() =>
        (document.querySelectorAll('#sheet-arguments > li')[1]?.textContent ?? '').includes('attire'));
      assert.deepEqual(await ticked(), [
        'Elle attire de nouveaux usagers.',
        'Elle réduit la pollution.',
        'Elle simplifie le réseau <script>x</script>.',
      ]);
      await page.locator('#sheet-key').fill('La gratuité, c’est la liberté.');
      const preview = page.locator('#sheet-preview');
      await page.waitForFunction(() => (document.querySelector('#sheet-preview')?.textContent ?? '').includes('c’est la liberté'));
      inOrder(flat(await preview.innerText()), [
        'Faut-il la gratuité des transports ?',
        'La gratuité, c’est la liberté.',
        'Nos trois arguments',
        '1. Elle attire de nouveaux usagers.',
        '2. Elle réduit la pollution. [1]',
        '3. Elle simplifie le réseau <script>x</script>.',
        'Ils disent',
        'Elle coûte trop cher.',
        'Nous répondons',
        'La billetterie coûte déjà cher.',
        'Sources',
        '[1] Étude Air (2021). https://example.org/air',
      ]);
      assert.equal(await preview.locator('script').count(), 0, 'a claim\'s markup is text');

      // Printed: the print view, then a PDF of it.
      await page.evaluate(() => {
        window.printCalls = 0;
        window.print = () => {
          window.printCalls += 1;
        };
      });
      await page.locator('#sheet-print').click();
      await page.waitForFunction(() => window.printCalls === 1);
      await expectAttribute(page.locator('html'), 'class', 'paper-printing');
      const pdf = await page.pdf({ format: 'A4', printBackground: false });
      const text = flat(await pdfText(pdf));
      inOrder(text, [
        'Faut-il la gratuité des transports ?',
        'Notre message',
        'La gratuité, c’est la liberté.',
        'Nos trois arguments',
        '1. Elle attire de nouveaux usagers.',
        '2. Elle réduit la pollution. [1]',
        '3. Elle simplifie le réseau <script>x</script>.',
        'Ils disent : Elle coûte trop cher.',
        'Nous répondons : La billetterie coûte déjà cher.',
        'Sources',
        '[1] Étude Air (2021). https://example.org/air',
      ]);
      assert.ok(!text.includes('Elle rend la ville à tous'), 'an unticked argument is not printed');
      assert.ok(!text.includes('Exporter') && !text.includes('Imprimer'), 'no button of the page is printed');
      await page.locator('#paper-view-back').click();
      await page.waitForFunction(() => !document.documentElement.classList.contains('paper-printing'));
      await builder.waitFor();

      // The files: Markdown holds the same order.
      const [md] = await Promise.all([page.waitForEvent('download'), page.locator('#sheet-md').click()]);
      assert.match(md.suggestedFilename(), /argumentaire\.md$/u);
      inOrder(flat(await readFile(await md.path(), 'utf8')), ['Notre message', 'attire', 'réduit', 'simplifie', 'Ils disent', 'Nous répondons', 'Sources']);
      await page.keyboard.press('Escape');
      await builder.waitFor({ state: 'detached' });

      // Argdown out, into another map, and out again: the same text.
      const first = await exportArgdown(page);
      assert.ok(first.includes('Elle coûte trop cher.'), first);
      assert.ok(first.includes('"title": "Étude Air"'), first);
      await newMap(page);
      const again = await importArgdown(page, first);
      assert.match(flat(await again.innerText()), /8 affirmation\(s\) ajoutée\(s\)/u);
      assert.equal(await page.locator('#argdown-warnings li').count(), 0, 'the exported text reads without a warning');
      await page.locator('#argdown-import-close').click();
      assert.equal(await exportArgdown(page), first);
    });
  });
});
