// The `cahier` command (cli/) and the browser on one relay: a Markdown file
// imported with `cahier import` opens in chromium from the printed edit
// link with the same text (its CRLF line endings made \n, as the command's
// help and the README say) and the title its first heading gives; the view
// link shows the same text read-only; what a person then types in the
// browser comes back through `cahier export`, and `cahier verify` finds
// the room sound.
//
// The binary comes from CAHIER_CLI_BIN (tests/run.sh builds it).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

import { documentPage, EDIT_FRAGMENT, VIEW_FRAGMENT } from './lib/app.mjs';
import { assertNoProblems, expectAttribute, withPage } from './lib/browser.mjs';
import { open, typeAtEnd, waitForText, waitSynced } from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { cliBinary } from './lib/trace.mjs';

const run = promisify(execFile);
const TEST_TIMEOUT_MS = 120_000;

/** A motion with accents, an emoji, a table and Windows line endings. */
const FILE = [
  '# Motion sur les transports à 1 €',
  '',
  'Le congrès, réuni à Besançon, considère que « la gratuité » est possible. 🚍',
  '',
  '| ligne | fréquence |',
  '| --- | --- |',
  '| 12 | 8 min |',
  '',
  'Amendement n° 3 : supprimer le mot « peut-être ».',
  '',
].join('\r\n');
const TEXT = FILE.replaceAll('\r\n', '\n');
const TITLE = 'Motion sur les transports à 1 €';

/** Run `cahier` with `args`; its standard output. */
async function cahier(args) {
  const { stdout } = await run(cliBinary(), args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

describe('the cahier command and the browser', () => {
  const suite = relayAndBrowser();

  test('a file imported with cahier opens in the browser with the same text, and comes back out', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cahier-cli-'));
    try {
      const file = path.join(dir, 'motion.md');
      await writeFile(file, FILE);
      const printed = await cahier(['import', file, '--relay', suite.relay.url]);
      const edit = printed.match(/^edit: (\S+)$/m)?.[1];
      const view = printed.match(/^view: (\S+)$/m)?.[1];
      assert.match(edit ?? '', EDIT_FRAGMENT, printed);
      assert.match(view ?? '', VIEW_FRAGMENT, printed);
      assert.ok(edit.startsWith(suite.relay.url), `${edit} begins with the relay's page ${suite.relay.url}`);

      await withPage(t, suite.browser, { locale: 'fr-FR', relay: suite.relay }, async (page) => {
        await open(page, edit);
        await waitForText(page, (value, expected) => value === expected, TEXT);
        const { title } = documentPage(page);
        assert.equal(await title.inputValue(), TITLE);

        // A person adds a sentence in the browser...
        await typeAtEnd(page, ['Adopté à l’unanimité.']);
        await waitSynced(page);
        const typed = await documentPage(page).editor.inputValue();
        assert.ok(typed.startsWith(TEXT) && typed.includes('Adopté à l’unanimité.'), typed);
        assertNoProblems(page);

        // ...which the command reads back, from the view link too.
        assert.equal(await cahier(['export', edit]), typed);
        assert.equal(await cahier(['export', view, '--format', 'txt']).then((s) => s.includes('Adopté')), true);
        const report = await cahier(['verify', view]);
        assert.match(report, /everything checks/, report);
      });

      await withPage(t, suite.browser, { locale: 'en-US', relay: suite.relay }, async (page) => {
        await page.goto(view);
        await expectAttribute(documentPage(page).status, 'data-state', 'online');
        await waitForText(page, (value, expected) => value.startsWith(expected), TEXT);
        assert.equal(await documentPage(page).editor.getAttribute('readonly'), '');
        assertNoProblems(page);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
