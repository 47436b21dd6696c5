// The Amendments panel (components/amendment_list.rs) and the amendments'
// ranges on the text (backdrop.rs, components/backdrop.rs, editor.rs), on
// a document made by `cahier populate --generate-chars --amendments`
// (cli/src/populate.rs): a made-up motion and 300 generated amendments
// (numbered in filing order, one in five under discussion, a fifth of them
// competing), filed by 40 made-up members.
//
// The list is windowed (only the rows in view and a margin are in the
// DOM), filters and sorts go through the model's `Overview::select`,
// competing amendments are shown together, the keyboard moves through the
// rows and opens one; a click in the text on an amendment's range, or
// Alt+A at the caret, opens that amendment; on a phone the panel is a
// bottom sheet that holds the list.
//
// The figures at a congress's scale (660,000 characters, 3,000
// amendments: opening, a filter change, a keystroke with the ranges drawn,
// memory) are the "(measured)" test, skipped unless
// CAHIER_AMENDMENTS_BENCH=1:
//   CAHIER_AMENDMENTS_BENCH=1 tests/run.sh amendments_list.test.mjs
// Every wait ends on an element, an attribute or a value.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage, openPanel } from './lib/app.mjs';
import { expectAttribute, newPage, RESULTS_DIR } from './lib/browser.mjs';
import { STRINGS } from './lib/strings.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { populate } from './lib/trace.mjs';

const TEST_TIMEOUT_MS = 180_000;
const OPEN_TIMEOUT_MS = 60_000;
const PHONE = { width: 390, height: 844 };
const AMENDMENTS = 300;
/** One in five is put under discussion by populate. */
const IN_DISCUSSION = AMENDMENTS / 5;
const ROW_PX = 72;

const BENCH = process.env.CAHIER_AMENDMENTS_BENCH ? false : 'measured: set CAHIER_AMENDMENTS_BENCH=1 to run';

const fr = STRINGS.fr;

/** Where things are in the Amendments panel. */
function panelOf(page) {
  const panel = page.locator('#amendments-panel');
  return {
    panel,
    counts: page.locator('#amend-counts'),
    shown: page.locator('#amend-shown'),
    list: page.locator('#amend-rows'),
    spacer: page.locator('#amend-rows .amend-spacer'),
    rows: page.locator('#amend-rows .amend-row'),
    item: (n) => page.locator(`#amend-item-${n}`),
    words: page.locator('#amend-words'),
    sort: page.locator('#amend-sort'),
    filters: page.locator('#amend-filters'),
    filtersSummary: page.locator('#amend-filters > summary'),
    status: (name) => page.locator(`#amend-filters input[name="amend-status"][value="${name}"]`),
    author: page.locator('#amend-author'),
    lineFrom: page.locator('#amend-line-from'),
    lineTo: page.locator('#amend-line-to'),
    colliding: page.locator('#amend-colliding input'),
    undiscussed: page.locator('#amend-undiscussed input'),
    mine: page.locator('#amend-mine input'),
    clear: page.locator('#amend-clear'),
    open: page.locator('.amend-open'),
    back: page.locator('#amend-back'),
    detail: page.locator('.amend-open .amendment-detail'),
  };
}

/** `{shown} affichés sur {total}` read back as numbers. */
async function shownCount(page) {
  const text = await panelOf(page).shown.textContent();
  const match = /^(\d+) affichés sur (\d+)$/.exec(text.trim());
  if (!match) return { shown: 0, total: null, text };
  return { shown: Number(match[1]), total: Number(match[2]), text };
}

async function expectShown(page, predicate, what) {
  await page.waitForFunction(
    ([pattern]) => new RegExp(pattern).test(document.querySelector('#amend-shown')?.textContent ?? ''),
    [what],
    { timeout: OPEN_TIMEOUT_MS },
  );
  const count = await shownCount(page);
  assert.ok(predicate(count), `${what}: ${count.text}`);
  return count;
}

/** Open the document and its Amendments panel, once all are listed. */
async function openList(page, link, total = AMENDMENTS) {
  await page.goto(link);
  await expectAttribute(documentPage(page).status, 'data-state', 'online', { timeout: OPEN_TIMEOUT_MS });
  await openPanel(page, 'open-amendments', 'amendments-panel');
  await page.waitForFunction(
    (n) => (document.querySelector('#amend-counts')?.textContent ?? '').startsWith(`${n} amendement`),
    total,
    { timeout: OPEN_TIMEOUT_MS },
  );
  return panelOf(page);
}

/** What the rows in the DOM say, in list order. */
function rowsShown(page) {
  return page.locator('#amend-rows .amend-row').evaluateAll((rows) =>
    rows
      .map((row) => ({
        at: Number(row.id.replace('amend-item-', '')),
        id: row.dataset.id,
        status: row.dataset.status,
        span: row.dataset.span,
        group: row.dataset.group,
        number: row.querySelector('.amend-number')?.textContent,
        author: row.querySelector('.amend-author')?.textContent,
        lines: row.querySelector('.amend-lines')?.textContent,
        summary: row.querySelector('.amend-summary')?.textContent,
        supports: row.querySelector('.amend-supports')?.textContent,
        groupMark: row.querySelector('.amend-group')?.textContent ?? null,
      }))
      .sort((a, b) => a.at - b.at),
  );
}

async function withPage(t, suite, options, body) {
  const page = await newPage(suite.browser, { relay: suite.relay, ...options });
  if (options.viewport) await page.setViewportSize(options.viewport);
  try {
    await body(page);
  } catch (error) {
    for (const problem of page.problems) t.diagnostic(`problem: ${problem}`);
    for (const line of page.consoleLog.slice(-15)) t.diagnostic(`console ${line}`);
    await page
      .screenshot({ path: `${RESULTS_DIR}/amendments_list--${t.name.replace(/[^\p{L}\p{N}]+/gu, '-')}.png` })
      .catch(() => {});
    throw error;
  } finally {
    await page.context().close();
  }
}

describe('the Amendments panel', () => {
  const suite = relayAndBrowser({ args: ['--rate', '10000000', '--queue', '100000'] }, { hookTimeout: 120_000 });
  let link;
  const document = async () => {
    if (!link) {
      const { fragment } = await populate(suite.relay, { generateChars: 40_000, amendments: AMENDMENTS, title: 'Motion' });
      link = `/#${fragment}`;
    }
    return link;
  };

  test('lists every amendment with its number, lines, author, status, change and supports, windowed', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite, {}, async (page) => {
      const p = await openList(page, await document());
      const counts = await p.counts.textContent();
      assert.match(counts, new RegExp(`^${AMENDMENTS} amendement\\(s\\) · Déposé \\d+ · En discussion ${IN_DISCUSSION}$`));
      assert.deepEqual(await shownCount(page), { shown: AMENDMENTS, total: AMENDMENTS, text: `${AMENDMENTS} affichés sur ${AMENDMENTS}` });

      // Windowed: the spacer is as tall as every row, few rows are drawn.
      const height = await p.spacer.evaluate((el) => el.getBoundingClientRect().height);
      assert.equal(height, AMENDMENTS * ROW_PX);
      const drawn = await p.rows.count();
      assert.ok(drawn > 5 && drawn < 40, `${drawn} rows in the DOM for ${AMENDMENTS} amendments`);

      const rows = await rowsShown(page);
      const first = rows[0];
      assert.match(first.number, /^A\d+$/);
      assert.match(first.lines, /^l\. \d+(-\d+)?$/);
      assert.match(first.author, /^Membre \d+$/);
      assert.match(first.supports, /^0 soutien\(s\)$/);
      assert.match(first.summary, /^(«\u00a0.+\u00a0» → «\u00a0.+\u00a0»|Supprimer «\u00a0.+\u00a0»|Insérer «\u00a0.+\u00a0»)$/u);
      assert.ok(rows.every((row) => ['filed', 'discussion'].includes(row.status)));
      // Text order: the spans go forward.
      const starts = rows.map((row) => Number(row.span.split('-')[0]));
      assert.deepEqual(starts, [...starts].sort((a, b) => a - b));

      // Scrolled to the end: the last rows, still few in the DOM.
      await p.list.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await p.item(AMENDMENTS - 1).waitFor();
      const drawnAtEnd = await p.rows.count();
      assert.ok(drawnAtEnd < 40, `${drawnAtEnd} rows in the DOM at the end`);
      assert.equal(await p.item(0).count(), 0, 'the first row left the DOM');

      // The ranges are on the text: one per amendment with words. They are
      // drawn again at most every 400 ms while records arrive, so the list
      // can be complete a redraw before them: wait for it, bounded.
      await page
        .waitForFunction((n) => Number(document.querySelector('.backdrop.numbers')?.dataset.ranges) === n, AMENDMENTS, { timeout: 10_000 })
        .catch(() => {});
      const ranges = Number(await page.locator('.backdrop.numbers').getAttribute('data-ranges'));
      assert.equal(ranges, AMENDMENTS);
      assert.ok((await page.locator('.backdrop.numbers .am').count()) > 100);
    });
  });

  test('competing amendments are shown together, each group marked with its size', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite, {}, async (page) => {
      const p = await openList(page, await document());
      await p.filtersSummary.click();
      await p.colliding.check();
      const { shown } = await expectShown(page, ({ shown }) => shown > 10 && shown < AMENDMENTS, `^\\d+ affichés sur ${AMENDMENTS}$`);
      assert.ok(shown >= AMENDMENTS / 10, `${shown} competing of ${AMENDMENTS}`);
      const rows = await rowsShown(page);
      assert.ok(rows.every((row) => row.group !== undefined), 'only competing rows');
      // A group's rows follow each other, the first one carries its size.
      const first = rows.find((row) => row.groupMark);
      assert.ok(first, 'a group mark');
      const size = Number(/Discussion commune · (\d+)/.exec(first.groupMark)[1]);
      const members = rows.filter((row) => row.group === first.group);
      assert.ok(size >= 2);
      assert.deepEqual(
        members.map((row) => row.at),
        Array.from({ length: Math.min(size, members.length) }, (_, k) => first.at + k),
        'the group is together',
      );
    });
  });

  test('filters narrow the list and clearing them restores it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite, {}, async (page) => {
      const p = await openList(page, await document());
      await p.filtersSummary.click();

      // A status.
      await p.status('discussion').check();
      await expectShown(page, ({ shown }) => shown === IN_DISCUSSION, `^${IN_DISCUSSION} affichés`);
      assert.ok((await rowsShown(page)).every((row) => row.status === 'discussion'));
      assert.equal(await p.filtersSummary.textContent(), 'Filtres (1)');
      await p.clear.click();
      await expectShown(page, ({ shown }) => shown === AMENDMENTS, `^${AMENDMENTS} affichés`);

      // Not yet discussed: the others.
      await p.undiscussed.check();
      await expectShown(page, ({ shown }) => shown === AMENDMENTS - IN_DISCUSSION, `^${AMENDMENTS - IN_DISCUSSION} affichés`);
      await p.undiscussed.uncheck();
      await expectShown(page, ({ shown }) => shown === AMENDMENTS, `^${AMENDMENTS} affichés`);

      // Mine: none were filed from this browser.
      await p.mine.check();
      await page.waitForFunction((text) => document.querySelector('#amend-shown')?.textContent === text, fr.amendments_none_match);
      assert.equal(await p.rows.count(), 0);
      await p.mine.uncheck();

      // An author: only theirs.
      const author = (await rowsShown(page))[0].author;
      await p.author.selectOption({ label: author });
      await expectShown(page, ({ shown }) => shown > 0 && shown < AMENDMENTS, `^\\d+ affichés sur ${AMENDMENTS}$`);
      assert.ok((await rowsShown(page)).every((row) => row.author === author));
      await p.author.selectOption({ value: '' });
      await expectShown(page, ({ shown }) => shown === AMENDMENTS, `^${AMENDMENTS} affichés`);

      // A line range: every row shown meets it.
      await p.lineFrom.fill('10');
      await p.lineFrom.dispatchEvent('change');
      await p.lineTo.fill('30');
      await p.lineTo.dispatchEvent('change');
      const { shown: inLines } = await expectShown(page, ({ shown }) => shown > 0 && shown < AMENDMENTS, `^\\d+ affichés sur ${AMENDMENTS}$`);
      for (const row of await rowsShown(page)) {
        const [from, to = from] = /l\. (\d+)(?:-(\d+))?/.exec(row.lines).slice(1).filter(Boolean).map(Number);
        assert.ok(from <= 30 && to >= 10, `${row.lines} meets l. 10-30`);
      }
      assert.ok(inLines < AMENDMENTS);

      // Words, on top: fewer still, and clearing restores everything.
      const word = (await rowsShown(page))[0].summary.match(/[\p{L}·]{6,}/u)?.[0];
      assert.ok(word, 'a word of the first summary');
      await p.words.fill(word);
      await expectShown(page, ({ shown }) => shown > 0 && shown <= inLines, `^\\d+ affichés sur ${AMENDMENTS}$`);
      assert.equal(await p.filtersSummary.textContent(), 'Filtres (2)');
      await p.clear.click();
      await expectShown(page, ({ shown }) => shown === AMENDMENTS, `^${AMENDMENTS} affichés`);
      assert.equal(await p.words.inputValue(), '');
      assert.equal(await p.lineFrom.inputValue(), '');
      assert.equal(await p.filtersSummary.textContent(), 'Filtres (0)');
    });
  });

  test('sorting by number lists A1, A2, A3 first; back to the text order', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite, {}, async (page) => {
      const p = await openList(page, await document());
      const inText = (await rowsShown(page)).map((row) => row.id);
      await p.sort.selectOption('number');
      await page.waitForFunction(() => document.querySelector('#amend-item-0 .amend-number')?.textContent === 'A1');
      // Competing groups are kept together, so only the first is sure to
      // lead; the others follow in order within the ones not grouped.
      const numbers = (await rowsShown(page)).map((row) => Number(row.number.slice(1)));
      assert.equal(numbers[0], 1);
      assert.notDeepEqual((await rowsShown(page)).map((row) => row.id), inText);
      await p.sort.selectOption('text');
      await page.waitForFunction((id) => document.querySelector('#amend-item-0')?.dataset.id === id, inText[0]);
      assert.deepEqual((await rowsShown(page)).map((row) => row.id), inText);
    });
  });

  test('the keyboard moves through the rows and Enter opens one; back to the list on the same row', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite, {}, async (page) => {
      const p = await openList(page, await document());
      await p.list.focus();
      await expectAttribute(p.list, 'aria-activedescendant', 'amend-item-0');
      for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowDown');
      await expectAttribute(p.list, 'aria-activedescendant', 'amend-item-3');
      await page.keyboard.press('ArrowUp');
      await expectAttribute(p.list, 'aria-activedescendant', 'amend-item-2');
      // End: the last row, scrolled into view (the window follows).
      await page.keyboard.press('End');
      await expectAttribute(p.list, 'aria-activedescendant', `amend-item-${AMENDMENTS - 1}`);
      const last = p.item(AMENDMENTS - 1);
      await last.waitFor();
      assert.match((await last.getAttribute('class')) ?? '', /\bactive\b/);
      const inView = await last.evaluate((row) => {
        const list = row.closest('.amend-rows').getBoundingClientRect();
        const box = row.getBoundingClientRect();
        return box.top >= list.top - 1 && box.bottom <= list.bottom + 1;
      });
      assert.ok(inView, 'the last row is in view');
      await page.keyboard.press('Home');
      await page.keyboard.press('PageDown');
      const afterPage = Number((await p.list.getAttribute('aria-activedescendant')).replace('amend-item-', ''));
      assert.ok(afterPage >= 3, `Page Down moved to ${afterPage}`);

      const id = await p.item(afterPage).getAttribute('data-id');
      await page.keyboard.press('Enter');
      await expectAttribute(p.open, 'data-id', id);
      await expectAttribute(p.detail, 'data-id', id);
      assert.equal(await p.list.isVisible(), false, 'the list gives way to the amendment');
      await p.back.click();
      await p.list.waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'amend-rows');
      await expectAttribute(p.list, 'aria-activedescendant', `amend-item-${afterPage}`);
    });
  });

  test('a click on an amendment’s range in the text opens it, and Alt+A at the caret too', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite, {}, async (page) => {
      await page.goto(await document());
      const { editor, status } = documentPage(page);
      await expectAttribute(status, 'data-state', 'online', { timeout: OPEN_TIMEOUT_MS });
      await page.waitForFunction((n) => document.querySelector('.backdrop.numbers')?.dataset.ranges === String(n), AMENDMENTS, {
        timeout: OPEN_TIMEOUT_MS,
      });
      // The first range drawn in view: click the textarea where it is.
      const box = await page.evaluate(() => {
        const editor = document.querySelector('#editor').getBoundingClientRect();
        for (const span of document.querySelectorAll('.backdrop.numbers .am')) {
          const r = span.getClientRects()[0];
          if (r && r.width > 30 && r.top > editor.top + 5 && r.bottom < editor.bottom - 5) {
            return { x: r.left + 12, y: r.top + r.height / 2 };
          }
        }
        return null;
      });
      assert.ok(box, 'a range in view');
      await page.mouse.click(box.x, box.y);
      const p = panelOf(page);
      await p.panel.waitFor();
      await p.open.waitFor();
      const caret = await editor.evaluate((el) => el.selectionStart);
      const [start, end] = (await p.open.getAttribute('data-span')).split('-').map(Number);
      assert.ok(start <= caret && caret <= end, `the caret ${caret} is in the amendment opened (${start}-${end})`);
      // The text kept focus: the person can go on typing.
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'editor');

      // Alt+A: back to the list, the caret in another amendment's range.
      await p.back.click();
      const other = (await rowsShown(page)).find((row) => row.span !== `${start}-${end}` && !row.span.startsWith(`${start}-`));
      const [otherStart, otherEnd] = other.span.split('-').map(Number);
      const at = otherStart === otherEnd ? otherStart : otherStart + 1;
      await editor.evaluate((el, position) => {
        el.focus();
        el.setSelectionRange(position, position);
      }, at);
      await page.keyboard.press('Alt+a');
      await p.open.waitFor();
      const [s2, e2] = (await p.open.getAttribute('data-span')).split('-').map(Number);
      assert.ok(s2 <= at && at <= e2, `Alt+A at ${at} opened ${s2}-${e2}`);
      // The keyboard's way moves focus to the panel; Escape closes it and
      // goes back to the text.
      await page.waitForFunction(() => document.querySelector('#amendments-panel')?.contains(document.activeElement));
      await page.keyboard.press('Escape');
      await p.panel.waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.activeElement?.id === 'editor');

      // The shortcut is listed.
      await page.locator('#open-shortcuts').click();
      await page.locator('#shortcuts-panel').getByText(fr.shortcut_amendment).waitFor();
    });
  });

  test('on a phone the panel is a bottom sheet holding the list, usable by touch', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite, { viewport: PHONE }, async (page) => {
      const p = await openList(page, await document());
      const sheet = await p.panel.boundingBox();
      assert.ok(sheet.y > 0 && sheet.y + sheet.height <= PHONE.height + 1, `the sheet is on screen: ${JSON.stringify(sheet)}`);
      const list = await p.list.boundingBox();
      assert.ok(list.height >= 150, `the list has room: ${list.height}px`);
      assert.ok(list.y + list.height <= PHONE.height + 1, 'the list ends on screen');
      assert.ok(list.width <= PHONE.width, 'no sideways scrolling');
      const rows = await p.rows.count();
      assert.ok(rows > 0 && rows < 40, `${rows} rows drawn`);
      // The page does not scroll sideways.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
      const id = await p.item(1).getAttribute('data-id');
      await p.item(1).click();
      await expectAttribute(p.open, 'data-id', id);
      await p.back.click();
      await p.list.waitFor();
    });
  });
});

describe('amendments at a congress’s scale', () => {
  const suite = relayAndBrowser({ args: ['--rate', '10000000', '--queue', '100000'] }, { hookTimeout: 120_000 });

  test('3,000 amendments on a 660,000-character text: open, filter, type, memory (measured)', { skip: BENCH, timeout: 900_000 }, async (t) => {
    const started = Date.now();
    const { fragment, log } = await populate(suite.relay, { generateChars: 660_000, amendments: 3000, title: 'Congrès' });
    const populated = Date.now() - started;
    const link = `/#${fragment}`;
    const page = await newPage(suite.browser, { relay: suite.relay });
    await page.setViewportSize({ width: 1400, height: 900 });
    // At this size the page is busy for long stretches: a click waits.
    page.context().setDefaultTimeout(600_000);
    await page.addInitScript(() => {
      window.addEventListener('TrunkApplicationStarted', (event) => {
        window.cahierWasm = event.detail?.wasm;
      });
      window.cahierLongTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.cahierLongTasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    const lines = [`populate: ${log.split('\n').pop()} (${populated} ms)`];
    const longest = (from = 0) =>
      page.evaluate((since) => Math.round(Math.max(0, ...window.cahierLongTasks.filter((x) => x.start >= since).map((x) => x.duration))), from);
    // Opened to the list shown: the page, the text, both rooms, and the
    // panel listing all 3,000.
    const openToList = async (how) => {
      const t0 = Date.now();
      await how();
      await expectAttribute(documentPage(page).status, 'data-synced', 'true', { timeout: 600_000 });
      await openPanel(page, 'open-amendments', 'amendments-panel');
      await page.waitForFunction(() => (document.querySelector('#amend-counts')?.textContent ?? '').startsWith('3000 amendement'), null, {
        timeout: 600_000,
      });
      await page.locator('#amend-item-0').waitFor();
      return Date.now() - t0;
    };
    try {
      const fromRelay = await openToList(() => page.goto(link));
      lines.push(`opened from the relay (fresh browser) to the list of 3,000 shown: ${fromRelay} ms (longest task ${await longest()} ms)`);
      const fromBrowser = await openToList(() => page.reload());
      lines.push(`reopened from IndexedDB (reload) to the list shown: ${fromBrowser} ms (longest task ${await longest()} ms)`);
      const rowsInDom = await page.locator('#amend-rows .amend-row').count();
      lines.push(`rows in the DOM for 3,000 amendments: ${rowsInDom}`);

      // One filter change: the click until the count shown changed.
      await page.locator('#amend-filters > summary').click();
      const filterMs = [];
      for (const [status, on] of [
        ['discussion', true],
        ['discussion', false],
        ['filed', true],
        ['filed', false],
        ['discussion', true],
      ]) {
        const ms = await page.evaluate(
          ([name, check]) =>
            new Promise((resolve) => {
              const shown = document.querySelector('#amend-shown');
              const before = shown.textContent;
              const t0 = performance.now();
              const observer = new MutationObserver(() => {
                if (shown.textContent !== before) {
                  observer.disconnect();
                  // Until the rows are drawn too.
                  requestAnimationFrame(() => resolve(performance.now() - t0));
                }
              });
              observer.observe(shown, { childList: true, characterData: true, subtree: true });
              const box = document.querySelector(`#amend-filters input[value="${name}"]`);
              if (box.checked !== check) box.click();
            }),
          [status, on],
        );
        filterMs.push(ms);
      }
      filterMs.sort((a, b) => a - b);
      lines.push(`one filter change (a status), click to the rows drawn: median ${filterMs[2].toFixed(1)} ms of 5, slowest ${filterMs[4].toFixed(1)} ms`);

      // Keystrokes in the text, the ranges drawn: input handled, and the
      // backdrop's rebuild (numbers and ranges) after it.
      const { editor } = documentPage(page);
      await editor.focus();
      await editor.evaluate((el) => el.setSelectionRange(330_000, 330_000));
      const typingFrom = await page.evaluate(() => {
        const probe = (window.cahierProbe = { keys: [] });
        const textarea = document.querySelector('#editor');
        textarea.addEventListener('keydown', () => probe.keys.push({ down: performance.now() }), { capture: true });
        textarea.addEventListener('input', () => {
          const key = probe.keys.at(-1);
          if (key && key.input === undefined) {
            key.input = performance.now();
            // The frame after: the backdrop rebuilt and laid out.
            requestAnimationFrame(() => setTimeout(() => (key.painted = performance.now()), 0));
          }
        });
        return performance.now();
      });
      const keys = 'amendement ';
      for (const [i, key] of [...keys].entries()) {
        await page.keyboard.press(key === ' ' ? 'Space' : key);
        await page.waitForFunction((n) => window.cahierProbe.keys[n]?.painted !== undefined, i, { timeout: 30_000 });
      }
      const probe = await page.evaluate(() => window.cahierProbe.keys);
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const handled = probe.map((k) => k.input - k.down);
      const painted = probe.map((k) => k.painted - k.down);
      const backdrop = await page.locator('.backdrop.numbers').evaluate((el) => ({ ms: el.dataset.ms, overview: el.dataset.overviewMs, ranges: el.dataset.ranges }));
      lines.push(
        `a keystroke in the middle of the text, ${backdrop.ranges} ranges drawn: input handled in ${median(handled).toFixed(1)} ms (median of ${keys.length}, max ${Math.max(...handled).toFixed(1)}), ` +
          `to the next frame ${median(painted).toFixed(1)} ms (max ${Math.max(...painted).toFixed(1)}); the last backdrop rebuild (numbers and ranges) ${backdrop.ms} ms, ` +
          `of which the overview ${backdrop.overview} ms; longest task while typing ${await longest(typingFrom)} ms`,
      );

      const memory = await page.evaluate(() => ({
        heap: performance.memory?.usedJSHeapSize,
        total: performance.memory?.totalJSHeapSize,
        wasm: window.cahierWasm?.memory?.buffer?.byteLength,
      }));
      const mib = (bytes) => (bytes === undefined ? 'unknown' : `${(bytes / 1048576).toFixed(1)} MiB`);
      lines.push(`memory: JS heap used ${mib(memory.heap)} (of ${mib(memory.total)}), wasm memory ${mib(memory.wasm)}`);
    } finally {
      for (const line of lines) {
        console.log(`# ${line}`);
        t.diagnostic(line);
      }
      await page.context().close();
    }
  });
});
