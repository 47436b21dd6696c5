// The booklet of amendments and the meeting's papers in the page
// (components/booklet.rs, the Export menu's papers), on a document made
// by `cahier populate --generate-chars --amendments` (a made-up motion and
// generated amendments, numbered in filing order):
//
// - "Liasse d'amendements → Imprimer" shows the booklet in place of the
//   page; printed to PDF (Playwright's page.pdf, the print stylesheet)
//   and read back with pdftotext, it holds every amendment's number and
//   line range, as `cahier export --amendments` cites them; "Retour au
//   texte" gives the page back;
// - the ODT the page saves, from the edit, the amend and the view link,
//   is an OpenDocument pandoc reads, with every number in it; the adopted
//   text's Markdown comes too.
//
// The figures at a congress's scale (660,000 characters, 3,000
// amendments: the print view, the HTML, the ODT, made in the browser) are
// the "(measured)" test, skipped unless CAHIER_BOOKLET_BENCH=1:
//   CAHIER_BOOKLET_BENCH=1 tests/run.sh booklet.test.mjs
// Every wait ends on an element, an attribute, an event or a value.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

import { documentPage, openPanel, openShare } from './lib/app.mjs';
import { expectAttribute, lookAt, newPage, RESULTS_DIR } from './lib/browser.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { cliBinary, populate } from './lib/trace.mjs';

const run = promisify(execFile);

const TEST_TIMEOUT_MS = 240_000;
const OPEN_TIMEOUT_MS = 60_000;
const AMENDMENTS = 40;
const BENCH = process.env.CAHIER_BOOKLET_BENCH ? false : 'measured: set CAHIER_BOOKLET_BENCH=1 to run';

/** Run a reader (pdftotext, pandoc); a clear failure when it is missing. */
async function reader(command, args) {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    if (error.code === 'ENOENT') {
      if (process.env.CAHIER_NO_PANDOC) {
        return null;
      }
      throw new Error(`${command} is needed (scripts/test.sh installs pandoc and poppler-utils): ${error.message}`);
    }
    throw error;
  }
}

/** White space runs made one space. */
const flat = (text) => text.replace(/\s+/gu, ' ');

/** Every amendment's citation ("A12, l. 42-45"), from `cahier export --amendments`. */
async function citations(relay, fragment) {
  const { stdout } = await run(
    cliBinary(),
    ['export', `http://${relay.addr}/#${fragment}`, '--amendments'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const cited = [];
  for (const line of stdout.split('\n')) {
    const match = /^\| (A\d+) \| (l\. [\d-]+) \|/u.exec(line);
    if (match) cited.push(`${match[1]}, ${match[2]}`);
  }
  return cited;
}

/** A link field of the share panel, the panel closed after. */
async function shareField(page, id) {
  await openShare(page);
  const field = page.locator(`#${id}`);
  await field.waitFor();
  const value = await field.inputValue();
  await page.keyboard.press('Escape');
  await page.locator('#share-panel').waitFor({ state: 'detached' });
  return value;
}

/** Open `link` and wait until its `total` amendments are read. */
async function openDocument(page, link, total) {
  await page.goto(link);
  await expectAttribute(documentPage(page).status, 'data-state', 'online', { timeout: OPEN_TIMEOUT_MS });
  await openPanel(page, 'open-amendments', 'amendments-panel');
  await page.waitForFunction(
    (n) => (document.querySelector('#amend-counts')?.textContent ?? '').startsWith(`${n} amendement`),
    total,
    { timeout: OPEN_TIMEOUT_MS * 5 },
  );
  await page.keyboard.press('Escape');
}

/** Open the Export menu and click the paper `kind` as `format`. */
async function exportPaper(page, kind, format) {
  const list = page.locator('#export-menu');
  if (!(await list.isVisible())) await page.locator('#export-button').click();
  const button = page.locator(`#export-${kind}-${format}`);
  await button.waitFor();
  return button;
}

/** Click `button` and return the download it starts: its name and bytes. */
async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
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
      .screenshot({ path: `${RESULTS_DIR}/booklet--${t.name.replace(/[^\p{L}\p{N}]+/gu, '-')}.png` })
      .catch(() => {});
    throw error;
  } finally {
    await page.context().close();
  }
}

/** Read a file with `command` from a temporary copy of `bytes`. */
async function readBack(bytes, extension, command, args) {
  const dir = await mkdtemp(path.join(tmpdir(), 'cahier-booklet-'));
  try {
    const file = path.join(dir, `file.${extension}`);
    await writeFile(file, bytes);
    return await reader(command, [...args(file)]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the booklet and the adopted text in the page', () => {
  const suite = relayAndBrowser();
  let made = null;
  const document = async () => {
    if (!made) {
      const { fragment } = await populate(suite.relay, { generateChars: 30_000, amendments: AMENDMENTS, title: 'Motion' });
      made = { fragment, cited: await citations(suite.relay, fragment) };
      assert.equal(made.cited.length, AMENDMENTS, 'the command line cites every amendment');
    }
    return made;
  };

  test('the booklet printed to PDF holds every amendment number and line range, and the page comes back', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { fragment, cited } = await document();
    await withPage(t, suite, async (page) => {
      await openDocument(page, `/#${fragment}`, AMENDMENTS);
      // Headless chromium's print dialog would hold the page: count the
      // calls instead, and print with page.pdf.
      await page.evaluate(() => {
        window.printCalls = 0;
        window.print = () => {
          window.printCalls += 1;
        };
      });
      await (await exportPaper(page, 'booklet', 'print')).click();
      const view = page.locator('#paper-view');
      await view.waitFor();
      await page.waitForFunction(() => window.printCalls === 1);
      await expectAttribute(page.locator('html'), 'class', 'paper-printing');
      // The whole page is the booklet: the editor is gone from it.
      assert.equal(await page.locator('#editor').isVisible(), false, 'the text is not shown behind');
      const headings = await view.locator('.amendment h3').count();
      assert.equal(headings, AMENDMENTS, 'every amendment in the print view');

      const pdf = await page.pdf({ format: 'A4', printBackground: false });
      const text = await readBack(pdf, 'pdf', 'pdftotext', (file) => ['-layout', file, '-']);
      if (text !== null) {
        const pages = text.split('\f').filter((p) => p.trim()).length;
        assert.ok(pages >= 3, `the booklet paginates (${pages} pages)`);
        const all = flat(text);
        for (const cite of cited) {
          assert.ok(all.includes(cite), `${cite} is in the printed booklet`);
        }
        assert.ok(all.includes('Liasse d’amendements') || all.includes("Liasse d'amendements"), 'its cover');
        assert.ok(/\b1 \/ \d+\b/u.test(all), 'page numbers at the foot');
        assert.ok(!all.includes('Exporter'), 'no button of the page is printed');
      }

      await page.locator('#paper-view-back').click();
      await view.waitFor({ state: 'detached' });
      assert.equal(await page.locator('#editor').isVisible(), true, 'the text is back');
      assert.equal(
        await page.locator('html').evaluate((el) => el.classList.contains('paper-printing')),
        false,
      );
    });
  });

  test('the ODT saved from the edit, amend and view links is read by pandoc with every number', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { fragment, cited } = await document();
    const links = [`/#${fragment}`];
    await withPage(t, suite, async (page) => {
      await openDocument(page, `/#${fragment}`, AMENDMENTS);
      links.push(await shareField(page, 'share-amend-link'), await shareField(page, 'view-link'));
    });
    for (const link of links) {
      await withPage(t, suite, async (page) => {
        await openDocument(page, link, AMENDMENTS);
        const saved = await download(page, await exportPaper(page, 'booklet', 'odt'));
        assert.match(saved.name, /^Motion - liasse\.odt$/u);
        assert.equal(saved.bytes.subarray(30, 38).toString(), 'mimetype', `${link}: mimetype first`);
        const text = await readBack(saved.bytes, 'odt', 'pandoc', (file) => ['-f', 'odt', '-t', 'plain', '--wrap=none', file]);
        if (text !== null) {
          const all = flat(text);
          for (const cite of cited) assert.ok(all.includes(cite), `${link}: ${cite} in the ODT`);
        }
        const adopted = await download(page, await exportPaper(page, 'adopted', 'md'));
        assert.match(adopted.name, /^Motion - texte adopté\.md$/u);
        assert.ok(adopted.bytes.toString().startsWith('# Texte adopté'), 'the adopted text');
      });
    }
  });
});

// The measured booklet has its own relay: populating 3,000 amendments
// sends faster than the default rate allows (the relay would close it with
// 4002).
describe('the booklet at a congress scale', () => {
  const suite = relayAndBrowser({ args: ['--rate', '10000000', '--queue', '100000'] }, { hookTimeout: 120_000 });

  test('the booklet at a congress scale, made in the browser (measured)', { timeout: 1_800_000, skip: BENCH }, async (t) => {
    const started = Date.now();
    const { fragment } = await populate(suite.relay, { generateChars: 660_000, amendments: 3000, title: 'Congrès' });
    t.diagnostic(`populated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const page = await newPage(suite.browser, { relay: suite.relay });
    await page.setViewportSize({ width: 1400, height: 900 });
    page.context().setDefaultTimeout(600_000);
    try {
      const opening = Date.now();
      await openDocument(page, `/#${fragment}`, 3000);
      const figures = [`opened from the relay with its 3,000 amendments: ${Date.now() - opening} ms`];
      for (const format of ['odt', 'html', 'md']) {
        const button = await exportPaper(page, 'booklet', format);
        const at = Date.now();
        const saved = await download(page, button);
        figures.push(`${format}: ${Date.now() - at} ms (${(saved.bytes.length / 1e6).toFixed(1)} MB)`);
      }
      const button = await exportPaper(page, 'booklet', 'print');
      const at = Date.now();
      await button.click();
      await page.locator('#paper-view .amendment').nth(2999).waitFor({ state: 'attached' });
      figures.push(`print view drawn: ${Date.now() - at} ms`);
      await lookAt(page, 'booklet-print-view');
      for (const figure of figures) t.diagnostic(`booklet of 3,000 amendments, 660,000 characters: ${figure}`);
      console.log(figures.join('\n'));
    } finally {
      await page.context().close();
    }
  });
});
