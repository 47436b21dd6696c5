// Debian's chromium driven by playwright-core, and the helpers the tests
// share: a fresh context per test with the locale it asks for, a record of
// everything that went wrong in the page (console errors, uncaught
// exceptions, failed or refused requests, requests to other hosts), a
// screenshot in tests/test-results/ when a test fails, and waits that end
// on an event or a timeout, never on a fixed sleep.
//
// playwright-core has no `expect`; `expectText` and friends below wait with
// Playwright's own locator waits and fail with an AssertionError that shows
// what the page had instead.

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { ROOT } from './relay.mjs';

export const CHROMIUM = process.env.CAHIER_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a closed network: without the background-networking ones,
 * chromium keeps trying to reach Google's hosts.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** How long one wait (an element, a text, a navigation) may take. */
export const TIMEOUT_MS = 15_000;

/** Where failing tests leave their screenshots (gitignored). */
export const RESULTS_DIR = path.join(ROOT, 'tests', 'test-results');

/** With CAHIER_SHOTS=dir, a screenshot of `page` as `dir/name.png`, to
 * look at what a test went through (pages that only a test reaches, like
 * a meeting at its third amendment); without it, nothing. */
export async function lookAt(page, name) {
  const dir = process.env.CAHIER_SHOTS;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/**
 * A new context (its own storage: one person's browser) with `locale`, and
 * one page in it, whose relative addresses go to `relay`.
 * `page.problems` collects what went wrong in the page.
 */
export async function newPage(browser, { locale = 'fr-FR', relay } = {}) {
  const baseURL = relay?.url;
  const context = await browser.newContext({ locale, baseURL });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  watchProblems(page, baseURL);
  return page;
}

/**
 * Record in `page.problems` every console error, uncaught exception, failed
 * request (but those a navigation cancels), HTTP error and request to another origin than `baseURL` (the
 * app makes no third-party requests). `page.consoleLog` keeps every console
 * line for failure reports.
 */
function watchProblems(page, baseURL) {
  const origin = baseURL ? new URL(baseURL).origin : null;
  page.problems = [];
  page.consoleLog = [];
  page.on('console', (message) => {
    page.consoleLog.push(`[${message.type()}] ${message.text()}`);
    if (message.type() === 'error') page.problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => page.problems.push(`uncaught exception: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (origin && /^(https?|wss?):/.test(url) && new URL(url).origin.replace(/^ws/, 'http') !== origin) {
      page.problems.push(`request to another origin: ${url}`);
    }
  });
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText;
    // Leaving a page cancels what it was still loading (its icon, say).
    if (reason === 'net::ERR_ABORTED') return;
    page.problems.push(`request failed: ${request.url()} (${reason})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) page.problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
}

/** Fail if anything went wrong in the page so far. */
export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'the page reported problems');
}

/**
 * Run `body(page)` in a fresh context (see `newPage` for `options`); on
 * failure, save a screenshot as tests/test-results/<file>--<test>.png, the
 * page's console and the relay's log beside it, and print the problems.
 * The context is closed either way.
 */
export async function withPage(t, browser, options, body) {
  const page = await newPage(browser, options);
  try {
    await body(page);
  } catch (error) {
    await saveFailure(t, page, error, options.relay);
    throw error;
  } finally {
    await page.context().close();
  }
}

async function saveFailure(t, page, error, relay) {
  try {
    await mkdir(RESULTS_DIR, { recursive: true });
    const file = path.basename(process.argv[1] ?? 'test', '.mjs').replace(/\.test$/, '');
    const name = `${file}--${t.name}`.replace(/[^\p{L}\p{N}._-]+/gu, '-').slice(0, 150);
    const screenshot = path.join(RESULTS_DIR, `${name}.png`);
    await page.screenshot({ path: screenshot, fullPage: true, timeout: 5_000 });
    await writeFile(
      path.join(RESULTS_DIR, `${name}.txt`),
      [
        `url: ${page.url()}`,
        `error: ${error?.stack ?? error}`,
        'problems:',
        ...page.problems,
        'console:',
        ...page.consoleLog,
        'relay log (last lines):',
        relay?.recentLog() ?? '(no relay)',
        '',
      ].join('\n'),
    );
    t.diagnostic(`screenshot: ${path.relative(ROOT, screenshot)}`);
  } catch (screenshotError) {
    t.diagnostic(`no screenshot: ${screenshotError.message}`);
  }
  t.diagnostic(`page: ${page.url()}`);
  for (const problem of page.problems) t.diagnostic(`problem: ${problem}`);
  for (const line of page.consoleLog.slice(-20)) t.diagnostic(`console ${line}`);
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Wait until `locator` (one element) shows exactly `expected` (whitespace
 * normalised); fail with what it shows instead.
 */
export async function expectText(locator, expected, { timeout = TIMEOUT_MS } = {}) {
  const normalised = expected.replace(/\s+/g, ' ').trim();
  const exact = new RegExp(`^\\s*${escapeRegExp(normalised).replace(/ /g, '\\s+')}\\s*$`);
  try {
    // An empty element may take no room (an empty live region): attached
    // is all it can be.
    const state = normalised === '' ? 'attached' : 'visible';
    await locator.and(locator.page().locator('*', { hasText: exact })).first().waitFor({ state, timeout });
  } catch (error) {
    if (!/Timeout/i.test(error.message)) throw error;
    const actual = await locator
      .first()
      .textContent({ timeout: 1_000 })
      .then((text) => text?.replace(/\s+/g, ' ').trim())
      .catch(() => '(no such element)');
    throw new assert.AssertionError({ message: `text of ${locator}`, actual, expected: normalised, operator: 'equal' });
  }
}

/**
 * Wait until `locator` (one element, even one the app re-renders) has
 * `attribute` equal to `expected`; fail with the value it has instead.
 */
export async function expectAttribute(locator, attribute, expected, { timeout = TIMEOUT_MS } = {}) {
  const quoted = `"${expected.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  try {
    await locator.and(locator.page().locator(`[${attribute}=${quoted}]`)).first().waitFor({ state: 'attached', timeout });
  } catch (error) {
    if (!/Timeout/i.test(error.message)) throw error;
    const actual = await locator.first().getAttribute(attribute, { timeout: 1_000 }).catch(() => '(no such element)');
    throw new assert.AssertionError({ message: `${attribute} of ${locator}`, actual, expected, operator: 'equal' });
  }
}

/**
 * The value of the input `locator`, once it has one (the app fills some
 * fields after rendering them); fails if it stays empty.
 */
export async function filledValue(locator, { timeout = TIMEOUT_MS } = {}) {
  const deadline = Date.now() + timeout;
  await locator.first().waitFor({ state: 'attached', timeout });
  const handle = await locator.first().elementHandle();
  try {
    await locator
      .page()
      .waitForFunction((input) => input.value !== '', handle, { timeout: Math.max(1, deadline - Date.now()) });
    return await handle.inputValue();
  } catch (error) {
    if (!/Timeout/i.test(error.message)) throw error;
    throw new assert.AssertionError({ message: `${locator} stays empty`, actual: '', expected: '(a value)' });
  } finally {
    await handle.dispose();
  }
}
