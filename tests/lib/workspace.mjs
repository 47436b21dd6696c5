// Workspaces through the page, as a secretary and members use them
// (components/workspace_*.rs): the words of the workspace's own
// catalogue (`WS_FR`, `WS_EN` in app/src/strings.rs), making one from the
// start page, its links, its entries, and a tiny zip reader for the
// export.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { documentPage } from './app.mjs';
import { expectAttribute } from './browser.mjs';
import { ROOT } from './relay.mjs';

function unescape(literal) {
  return literal.replace(/\\(u\{([0-9a-fA-F]+)\}|.)/g, (_, escape, hex) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return { n: '\n', t: '\t' }[escape] ?? escape;
  });
}

function catalogue(name) {
  const source = readFileSync(path.join(ROOT, 'app', 'src', 'strings.rs'), 'utf8');
  const block = source.match(new RegExp(`pub static ${name}: WorkspaceStrings = WorkspaceStrings \\{([\\s\\S]*?)\\n\\};`));
  if (!block) throw new Error(`no ${name} in strings.rs`);
  const strings = {};
  for (const [, field, literal] of block[1].matchAll(/(\w+):\s*"((?:[^"\\]|\\[\s\S])*)"/g)) {
    strings[field] = unescape(literal);
  }
  return strings;
}

/** `WS.fr.remove_text`, … */
export const WS = { fr: catalogue('WS_FR'), en: catalogue('WS_EN') };

/** Make a workspace from the start page; wait until it is online. */
export async function createWorkspace(page, name, emblem = '🌱') {
  await page.goto('/');
  await page.locator('#new-workspace').click();
  await page.locator('#new-workspace-name').fill(name);
  await page.locator('#new-workspace-emblem').fill(emblem);
  await page.locator('#new-workspace-create').click();
  await page.locator('#workspace').waitFor();
  await expectAttribute(documentPage(page).status, 'data-state', 'online');
}

/** The link in the share panel's field `#id` (closed again after). */
export async function shareLink(page, id) {
  const button = page.locator('#open-share');
  if (!(await button.isVisible())) await page.locator('#bar-menu').click();
  await button.click();
  const field = page.locator(`#${id}`);
  await field.waitFor();
  const value = await field.inputValue();
  await page.keyboard.press('Escape');
  await page.locator('#share-panel').waitFor({ state: 'detached' });
  return value;
}

/** The entries shown (every list: top level and folders). */
export function entries(page) {
  return page.locator('#workspace li.ws-entry');
}

/** The entry whose title link shows `title`. */
export function entry(page, title) {
  return entries(page).filter({ has: page.locator('.ws-open', { hasText: title }) });
}

/** Add an existing document by its link. */
export async function addLink(page, link) {
  const before = await entries(page).count();
  await page.locator('#ws-add-link').fill(link);
  await page.locator('#ws-add-link-button').click();
  await page.waitForFunction((n) => document.querySelectorAll('#workspace li.ws-entry').length === n, before + 1);
}

/** The files of a zip (stored or deflated), by name: a reader of the central directory. */
export function unzip(buffer) {
  const files = {};
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  for (let i = 0; i < count; i += 1) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = buffer.readUInt16LE(at + 10);
    const compressed = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const localName = buffer.readUInt16LE(local + 26);
    const localExtra = buffer.readUInt16LE(local + 28);
    const start = local + 30 + localName + localExtra;
    const data = buffer.subarray(start, start + compressed);
    files[name] = (method === 8 ? zlib.inflateRawSync(data) : data).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}
