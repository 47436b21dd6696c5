// A co-author cannot break a document (issue 9): an editor sends the
// nesting attack, a signed 20 KB update of 10,000 nested arrays that left
// every browser opening the document on "Connecting…" with an empty text
// ("memory access out of bounds"), through the native client
// (client/examples/set_aside.rs), followed by an honest edit. The page
// that has the document open, and a newcomer who opens it afterwards, both
// keep the honest text, say in words that an update was set aside, show
// the honest edit that came after it, and still edit; reloaded, the page
// starts from a saved copy that holds nothing of the attack.
//
// The example comes from CAHIER_SET_ASIDE_BIN (tests/run.sh builds it),
// else it is built here before the tests (cargo build --release -p
// cahier-client --example set_aside).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { documentPage } from './lib/app.mjs';
import { expectText, withPage } from './lib/browser.mjs';
import { assertNoUnexpectedProblems, createText, open, typeAtEnd, waitForText, waitSynced } from './lib/editing.mjs';
import { exampleBinary } from './lib/example.mjs';
import { STRINGS } from './lib/strings.mjs';
import { relayAndBrowser } from './lib/suite.mjs';

const run = promisify(execFile);
const TEST_TIMEOUT_MS = 180_000;

describe('a co-author cannot break a document', () => {
  const suite = relayAndBrowser();
  let binary;
  // A release build can take minutes: not inside a test's timeout.
  before(
    () => {
      binary = exampleBinary('set_aside', 'CAHIER_SET_ASIDE_BIN');
    },
    { timeout: 900_000 },
  );

  for (const [lang, locale] of Object.entries({ fr: 'fr-FR', en: 'en-US' })) {
    test(`a nesting update from a co-author is set aside, said in words, and the text after it still shows (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const words = STRINGS[lang];
      await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        const link = await createText(page);
        await typeAtEnd(page, ['Le texte honnête.']);
        await waitSynced(page);
        const honest = await documentPage(page).editor.inputValue();

        const { stdout } = await run(binary, [link, `ws://${suite.relay.addr}/ws`, '--then', 'Et la suite.'], {
          timeout: 60_000,
        });
        assert.match(stdout, /attack: \d+ bytes, 10000 levels/);
        const after = `${honest}Et la suite.`;

        // The page that had it open.
        const doc = documentPage(page);
        await expectText(doc.problem, words.problem_set_aside);
        await waitForText(page, (value, expected) => value === expected, after);
        await typeAtEnd(page, ['Encore.']);
        await waitSynced(page);
        const typed = await doc.editor.inputValue();
        assert.ok(typed.startsWith(after) && typed.includes('Encore.'), typed);
        assertNoUnexpectedProblems(page);

        // Someone who opens it afterwards: the history has the attack in it.
        await withPage(t, suite.browser, { locale, relay: suite.relay }, async (newcomer) => {
          await open(newcomer, link);
          await waitForText(newcomer, (value, expected) => value === expected, typed);
          await expectText(documentPage(newcomer).problem, words.problem_set_aside);
          await typeAtEnd(newcomer, ['Fin.']);
          await waitSynced(newcomer);
          await waitForText(page, (value) => value.includes('Fin.'), null);
          assertNoUnexpectedProblems(newcomer);
        });

        // Reloaded, the page starts from its saved copy, which holds
        // nothing of the attack, and goes on from after it.
        const final = await doc.editor.inputValue();
        await waitSynced(page);
        await page.reload();
        await open(page, link);
        await waitForText(page, (value, expected) => value === expected, final);
        await expectText(documentPage(page).problem, '');
        assertNoUnexpectedProblems(page);
      });
    });
  }
});
