// Presence that lies (issue 9), with a real relay and a hostile co-author
// (client/examples/presence.rs, CAHIER_PRESENCE_BIN from tests/run.sh):
// - a viewer who says it can write is shown as a reader (its presence is
//   not signed), and no alarm meant for altered updates goes off;
// - a co-author whose copy holds edits this page never received (what a
//   page sees when the relay withholds someone's updates) is told, in
//   words that name them, once the copies have differed for the grace
//   period (model/src/heads.rs, GRACE_MS = 15 s).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { documentPage, openPeople, presence, viewLinkOf } from './lib/app.mjs';
import { expectAttribute, expectText, withPage } from './lib/browser.mjs';
import { createText, typeAtEnd, waitSynced } from './lib/editing.mjs';
import { exampleBinary } from './lib/example.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { STRINGS } from './lib/strings.mjs';

const run = promisify(execFile);
const TEST_TIMEOUT_MS = 120_000;
/** The grace period, and time for the heartbeat that compares heads. */
const DIVERGENCE_TIMEOUT_MS = 45_000;

describe('presence that lies', () => {
  const suite = relayAndBrowser();
  let binary;
  // A release build can take minutes: not inside a test's timeout.
  before(
    () => {
      binary = exampleBinary('presence', 'CAHIER_PRESENCE_BIN');
    },
    { timeout: 900_000 },
  );

  for (const [lang, locale] of Object.entries({ fr: 'fr-FR', en: 'en-US' })) {
    const words = STRINGS[lang];

    test(`attack: a viewer's presence claiming to write is shown as a reader, with no alarm (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        await createText(page);
        await typeAtEnd(page, ['Ordre du jour.']);
        await waitSynced(page);
        const viewLink = await viewLinkOf(page);

        const liar = run(binary, [viewLink, `ws://${suite.relay.addr}/ws`, '--name', 'Présidente', '--claim-editor', '--for', '12'], {
          timeout: 60_000,
        });
        await openPeople(page);
        const shown = presence(page).person('Présidente');
        await expectAttribute(shown, 'data-read-only', 'true');
        const { stdout } = await liar;
        assert.match(stdout, /told \d+ times as "Présidente" \(can_write false, claimed true/);
        await expectText(documentPage(page).problem, '');
      });
    });

    test(`attack: a withheld update is detected: a co-author's copy ahead of this one is told in words, naming them (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        const link = await createText(page);
        await typeAtEnd(page, ['Motion du congrès.']);
        await waitSynced(page);

        // Stopped once seen: it would otherwise tell its presence for 40 s.
        const stop = new AbortController();
        const ahead = run(binary, [link, `ws://${suite.relay.addr}/ws`, '--name', 'Nadia', '--ahead', '--for', '40'], {
          timeout: 90_000,
          signal: stop.signal,
        }).catch((error) => {
          if (error.name !== 'AbortError') throw error;
        });
        try {
          await openPeople(page);
          await expectAttribute(presence(page).person('Nadia'), 'data-read-only', 'false');
          const expected = words.problem_diverged_with.replace('{names}', 'Nadia');
          await expectText(documentPage(page).problem, expected, { timeout: DIVERGENCE_TIMEOUT_MS });
        } finally {
          stop.abort();
          await ahead;
        }
      });
    });
  }
});
