// The history's figures in chromium (issue 11): a room filled with the
// automerge-paper trace with a history checkpoint every 250 edits
// (`cahier populate --checkpoint-every 250`: about 1,040 checkpoints, 104,852
// characters at the end, a snapshot after nine tenths as a real room has),
// opened from its edit link. Printed, not asserted:
//
// - the History panel opened: from the click on the bar's button until
//   every checkpoint is listed;
// - one slider step (←): until the text at the previous checkpoint is
//   shown (median of a few steps, and the slowest);
// - the comparison of the first and the last checkpoint, and of two
//   neighbours in the middle: from the click on "Comparer" until the
//   comparison is drawn, and the page's own figure for it (`data-ms`: the
//   model's comparison and the drawing's HTML, without the browser's
//   layout).
//
// Times are taken from this side (Playwright), so each includes a round
// trip to the page of about a millisecond. What is asserted is only that
// the page got there (the text, the checkpoints, the comparisons).
//
// Measured, and long (populating and opening the whole trace take
// minutes), so skipped unless asked for:
//
//     CAHIER_HISTORY_BENCH=1 tests/run.sh history_bench.test.mjs
//
// CAHIER_TRACE_LIMIT=N uses only the first N edits (0, the default here:
// the whole trace). Without the trace (tests/lib/trace.mjs) it skips too.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { compareView, documentPage, openPanel } from './lib/app.mjs';
import { expectAttribute, withPage } from './lib/browser.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { populate, TRACE_MISSING } from './lib/trace.mjs';

const LIMIT = Number(process.env.CAHIER_TRACE_LIMIT ?? 0);
const EVERY = 250;
const TEST_TIMEOUT_MS = 1_800_000;
const OPEN_TIMEOUT_MS = 900_000;
const STEP_TIMEOUT_MS = 60_000;
const STEPS = 7;

const SKIP = TRACE_MISSING ?? (process.env.CAHIER_HISTORY_BENCH ? false : 'measured: set CAHIER_HISTORY_BENCH=1 to run');

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The clock part of a checkpoint id (`{client}-{clock}`): its order. */
function clockOf(id) {
  return Number(id.split('-').pop());
}

describe('the history of a long editing trace in the browser', { skip: SKIP }, () => {
  const suite = relayAndBrowser({ args: ['--rate', '10000000', '--queue', '100000'] }, { hookTimeout: 120_000 });

  test('the History panel, a slider step and two comparisons on the automerge-paper trace (measured)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const began = Date.now();
    const room = await populate(suite.relay, { limit: LIMIT, snapshot: true, checkpointEvery: EVERY });
    t.diagnostic(room.log);
    t.diagnostic(`populated in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    await withPage(t, suite.browser, { locale: 'fr-FR', relay: suite.relay }, async (page) => {
      await page.goto(`/#${room.fragment}`);
      await page.waitForFunction((n) => document.querySelector('#editor')?.value.length === n, room.endContent.length, {
        timeout: OPEN_TIMEOUT_MS,
        polling: 100,
      });
      assert.equal(await documentPage(page).editor.inputValue(), room.endContent);
      await expectAttribute(documentPage(page).status, 'data-synced', 'true', { timeout: OPEN_TIMEOUT_MS });

      // The panel, until every checkpoint is listed.
      const expected = Number(/(\d+) checkpoints/.exec(room.log)?.[1] ?? 0);
      assert.ok(expected > 0, `populate made checkpoints: ${room.log}`);
      let started = Date.now();
      await openPanel(page, 'open-history', 'history-panel');
      await page.waitForFunction(
        (n) => document.querySelectorAll('#history-panel .timeline li.checkpoint:not(.now)').length === n,
        expected,
        { timeout: STEP_TIMEOUT_MS, polling: 'raf' },
      );
      const opened = Date.now() - started;

      // Slider steps back from now, each until its moment is shown.
      await page.locator('#history-slider').focus();
      const steps = [];
      for (let i = 0; i < STEPS; i += 1) {
        const before = await page.evaluate(() => document.querySelector('.moment-view')?.dataset.checkpoint ?? '');
        started = Date.now();
        await page.keyboard.press('ArrowLeft');
        await page.waitForFunction(
          (was) => {
            const view = document.querySelector('.moment-view');
            return view && view.dataset.checkpoint !== was && view.querySelector('.moment-text')?.textContent.length > 0;
          },
          before,
          { timeout: STEP_TIMEOUT_MS, polling: 'raf' },
        );
        steps.push(Date.now() - started);
      }

      // Comparisons, chosen in the panel's form.
      const ids = (
        await page.locator('#history-panel .timeline li.checkpoint:not(.now)').evaluateAll((rows) => rows.map((r) => r.dataset.checkpoint))
      ).sort((a, b) => clockOf(a) - clockOf(b));
      const c = compareView(page);
      const compare = async (from, to) => {
        if (await c.view.count()) {
          await c.close.click();
          await c.view.waitFor({ state: 'detached' });
        }
        await openPanel(page, 'open-history', 'history-panel');
        await page.selectOption('#history-compare-from', from);
        await page.selectOption('#history-compare-to', to);
        const clicked = Date.now();
        await page.locator('#history-compare').click();
        await page.waitForFunction(() => document.querySelector('.compare-view')?.dataset.state === 'ready', null, {
          timeout: STEP_TIMEOUT_MS,
          polling: 'raf',
        });
        const wall = Date.now() - clicked;
        const inPage = Number(await c.view.getAttribute('data-ms'));
        const groups = Number(await c.view.getAttribute('data-groups'));
        return { wall, inPage, groups };
      };
      const middle = Math.floor(ids.length / 2);
      const whole = await compare(ids[0], ids.at(-1));
      const neighbours = await compare(ids[middle], ids[middle + 1]);
      assert.ok(whole.groups > 0 && neighbours.groups > 0, 'both comparisons have changes');

      const chars = room.endContent.length;
      const lines = [
        `history (${LIMIT ? `first ${LIMIT} edits` : 'whole trace'}, ${chars} characters, ${expected} checkpoints, one every ${EVERY} edits):`,
        `History panel opened, every checkpoint listed: ${opened} ms`,
        `one slider step (←) until the moment is shown: median ${median(steps)} ms of ${steps.length}, slowest ${Math.max(...steps)} ms`,
        `compare first ↔ last: ${whole.wall} ms until drawn (the page's own: ${whole.inPage.toFixed(1)} ms), ${whole.groups} changes`,
        `compare two neighbours: ${neighbours.wall} ms until drawn (the page's own: ${neighbours.inPage.toFixed(1)} ms), ${neighbours.groups} changes`,
      ];
      for (const line of lines) {
        console.log(`# ${line}`);
        t.diagnostic(line);
      }
    });
  });
});
