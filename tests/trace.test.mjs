// A long real history in the browser, measured: a room filled with the
// automerge-paper editing trace (`cahier populate`), opened from its edit link
// in chromium, until the textarea holds exactly the trace's end text (the
// correctness check). Printed: the time to open it, the longest main-thread
// task while opening (PerformanceObserver `longtask`), how often the
// history's progress was shown, the time to reload it from this browser,
// and the cost of a keystroke typed at the end of the big text (until the
// input is handled, and until the relay acknowledges it).
//
// Two rooms: the raw history (every edit a stored update, nobody ever
// compacted: the worst case) and the room an editor's snapshots leave
// (one snapshot, then the updates after it).
//
// To stay cheap in CI it uses the first CAHIER_TRACE_LIMIT edits (20,000 by
// default); CAHIER_TRACE_LIMIT=0 runs the whole trace (259,778 edits,
// 104,852 characters):
//
//     CAHIER_TRACE_LIMIT=0 tests/run.sh trace.test.mjs
//
// Figures are printed, not asserted; what is asserted is the text, that
// progress was shown, and that the typed keystrokes reached the relay.
//
// The trace is shared data beside the clone (tests/lib/trace.mjs says
// where it is looked for); without it these tests say so and skip.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage } from './lib/app.mjs';
import { expectAttribute, withPage } from './lib/browser.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { STRINGS } from './lib/strings.mjs';
import { populate, TRACE_MISSING } from './lib/trace.mjs';

const LIMIT = Number(process.env.CAHIER_TRACE_LIMIT ?? 20_000);
const FULL = LIMIT === 0;
const TEST_TIMEOUT_MS = FULL ? 1_200_000 : 120_000;
const HOOK_TIMEOUT_MS = 120_000;
/** How long opening (or reloading) the document may take. */
const OPEN_TIMEOUT_MS = FULL ? 600_000 : 60_000;
/** Keystrokes typed at the end of the document, each waited for. */
const KEYSTROKES = 'Fin. ';

/**
 * Installed in the page before its scripts run: records every long task
 * and every text the status line's detail showed (the progress).
 */
function installProbes() {
  const probe = { longTasks: [], details: [] };
  window.cahierProbe = probe;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        probe.longTasks.push({ start: entry.startTime, duration: entry.duration });
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    probe.noLongTasks = true;
  }
  const watch = () => {
    const detail = document.querySelector('#status .detail')?.textContent ?? '';
    if (detail && probe.details.at(-1) !== detail) probe.details.push(detail);
  };
  new MutationObserver(watch).observe(document, { subtree: true, childList: true, characterData: true });
}

/** The longest task since `since` (performance time), and how many there were. */
function longTasks(page, since = 0) {
  return page.evaluate((from) => {
    const tasks = window.cahierProbe.longTasks.filter((task) => task.start >= from);
    return {
      longest: Math.round(Math.max(0, ...tasks.map((task) => task.duration))),
      top: tasks
        .map((task) => Math.round(task.duration))
        .sort((x, y) => y - x)
        .slice(0, 5),
      count: tasks.length,
      total: Math.round(tasks.reduce((sum, task) => sum + task.duration, 0)),
    };
  }, since);
}

/** Wait until the editor holds exactly `text`; fail with what it holds. */
async function waitForExactText(page, text, timeout) {
  try {
    await page.waitForFunction((expected) => document.querySelector('#editor')?.value === expected, text, {
      timeout,
      polling: 50,
    });
  } catch (error) {
    if (!/Timeout/i.test(error.message)) throw error;
    const value = await documentPage(page).editor.inputValue({ timeout: 5_000 }).catch(() => '(no editor)');
    assert.fail(`the editor holds ${value.length} characters, not the trace's ${text.length}`);
  }
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Open a populated room, reload it, type at its end; print the figures. */
async function measure(t, browser, relay, { snapshot }) {
  const label = snapshot ? 'with snapshot' : 'raw history';
  const began = Date.now();
  const phase = (what) => t.diagnostic(`${label}: ${what} at ${((Date.now() - began) / 1000).toFixed(1)} s`);
  const room = await populate(relay, { limit: LIMIT, snapshot });
  t.diagnostic(room.log);
  phase('populated');
  await withPage(t, browser, { locale: 'fr-FR', relay }, async (page) => {
    await page.addInitScript(installProbes);
    const { editor, status } = documentPage(page);

    let started = Date.now();
    await page.goto(`/#${room.fragment}`);
    await waitForExactText(page, room.endContent, OPEN_TIMEOUT_MS);
    const opened = Date.now() - started;
    const openTasks = await longTasks(page);
    const details = await page.evaluate(() => window.cahierProbe.details);
    const progress = details.filter((d) => d.startsWith(STRINGS.fr.status_history));
    phase('opened');
    await expectAttribute(status, 'data-synced', 'true', { timeout: OPEN_TIMEOUT_MS });
    phase('online');

    started = Date.now();
    await page.reload();
    await waitForExactText(page, room.endContent, OPEN_TIMEOUT_MS);
    const reloaded = Date.now() - started;
    const reloadTasks = await longTasks(page);
    await expectAttribute(status, 'data-synced', 'true', { timeout: OPEN_TIMEOUT_MS });
    phase('reloaded');

    // One keystroke at a time at the end of the text, each until the relay
    // has acknowledged it: `data-pending` goes up, then back to 0.
    await editor.focus();
    await page.keyboard.press('Control+End');
    const typingFrom = await page.evaluate(() => {
      const probe = window.cahierProbe;
      const status = document.querySelector('#status');
      const textarea = document.querySelector('#editor');
      probe.keys = [];
      // Registered after the app's listeners: runs once the app handled the key.
      textarea.addEventListener('keydown', () => probe.keys.push({ down: performance.now() }), { capture: true });
      // At the target, capture listeners run before the app's, the others after.
      textarea.addEventListener(
        'input',
        () => {
          const key = probe.keys.at(-1);
          if (key && key.inputStart === undefined) key.inputStart = performance.now();
        },
        { capture: true },
      );
      textarea.addEventListener('input', () => {
        const key = probe.keys.at(-1);
        if (key && key.input === undefined) key.input = performance.now();
      });
      new MutationObserver(() => {
        const key = probe.keys.at(-1);
        if (!key) return;
        if (status.getAttribute('data-pending') !== '0') key.sent ??= performance.now();
        else if (key.sent !== undefined) key.acked ??= performance.now();
      }).observe(status, { attributes: true, attributeFilter: ['data-pending'] });
      return performance.now();
    });
    for (const [i, key] of [...KEYSTROKES].entries()) {
      await page.keyboard.press(key === ' ' ? 'Space' : key);
      await page.waitForFunction((n) => window.cahierProbe.keys[n]?.acked !== undefined, i, { timeout: 30_000 });
    }
    const keys = await page.evaluate(() => window.cahierProbe.keys);
    // Let the save that follows the last keystroke happen, to count it.
    await page.waitForTimeout(500);
    const typingTasks = await longTasks(page, typingFrom);
    assert.equal(await editor.inputValue(), room.endContent + KEYSTROKES);
    await expectAttribute(status, 'data-synced', 'true');

    const handled = keys.map((k) => k.input - k.down);
    const inApp = keys.map((k) => k.input - k.inputStart);
    const acked = keys.map((k) => k.acked - k.down);
    const chars = room.endContent.length;
    const lines = [
      `${label} (${FULL ? 'whole trace' : `first ${LIMIT} edits`}, ${chars} characters): opened in ${opened} ms ` +
        `(longest task ${openTasks.longest} ms, ${openTasks.count} long tasks [longest: ${openTasks.top.join(', ')}], ` +
        `${openTasks.total} ms in them; ` +
        `progress shown ${progress.length} times${progress.length ? `, last "${progress.at(-1)}"` : ''})`,
      `${label}: reloaded from this browser in ${reloaded} ms (longest task ${reloadTasks.longest} ms)`,
      `${label}: a keystroke at the end: handled in ${median(handled).toFixed(1)} ms (median of ${keys.length}, ` +
        `max ${Math.max(...handled).toFixed(1)}; the app's input handler ${median(inApp).toFixed(1)} ms), acknowledged in ${median(acked).toFixed(1)} ms ` +
        `(max ${Math.max(...acked).toFixed(1)}); longest task while typing ${typingTasks.longest} ms`,
    ];
    for (const line of lines) {
      console.log(`# ${line}`);
      t.diagnostic(line);
    }
    if (!snapshot) {
      // Every stored update arrives as history: the status line said so.
      assert.ok(progress.length > 0, `no progress shown; the status line showed ${JSON.stringify(details)}`);
    }
  });
}

describe('a long editing trace in the browser', { skip: TRACE_MISSING ?? false }, () => {
  // The loader sends the trace far faster than anyone types, with up to
  // 2,000 updates in flight: as many acknowledgements may wait for it.
  const suite = relayAndBrowser({ args: ['--rate', '10000000', '--queue', '100000'] }, { hookTimeout: HOOK_TIMEOUT_MS });

  test('the raw history opens with progress shown, reloads, and takes keystrokes (measured)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await measure(t, suite.browser, suite.relay, { snapshot: false });
  });

  test('a room with a snapshot opens, reloads, and takes keystrokes (measured)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await measure(t, suite.browser, suite.relay, { snapshot: true });
  });
});
