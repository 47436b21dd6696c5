// Revoking a member (issue 15; cli/src/rotate.rs, session/inbox.rs): two
// browsers read one document by its amend link, each with an identity key
// of its own; `cahier rotate` moves the document to fresh keys keeping the
// first and not the second. The first follows its line of the old room's
// box to the new address, says so, and shows what an editor writes there
// next; the second says its access was withdrawn, keeps its copy readable,
// and never shows the new sentence. Every wait is bounded.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

import { documentPage } from './lib/app.mjs';
import { expectAttribute, expectText } from './lib/browser.mjs';
import { open, text, typeAtEnd, waitForSentences, withPeople } from './lib/editing.mjs';
import { ROOT } from './lib/relay.mjs';
import { STRINGS } from './lib/strings.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { cliBinary } from './lib/trace.mjs';

const run = promisify(execFile);
const TEST_TIMEOUT_MS = 180_000;
const FR = STRINGS.fr;

const OLD = 'Le congrès demande la gratuité des transports.';
const NEW = 'Après le retrait, une phrase que seuls les membres lisent.';

/** Where the app keeps the identity key's seed (session/amendments.rs). */
const IDENTITY_KEY = 'cahier.identity-key';

/** A seed of 32 bytes `n`, as the app stores it, and its public key. */
function identity(n) {
  const seed = Buffer.alloc(32, n);
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const publicKey = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  return { seed: seed.toString('base64url'), public: publicKey.export({ format: 'jwk' }).x };
}

async function cahier(args) {
  return run(cliBinary(), args, { cwd: ROOT, timeout: 60_000 });
}

/** The `label: …` line of `cahier`'s output. */
function line(stdout, label) {
  const found = stdout.split('\n').find((l) => l.startsWith(`${label}: `));
  assert.ok(found, `no ${label} line in ${stdout}`);
  return found.slice(label.length + 2);
}

describe('revoking a member', () => {
  const suite = relayAndBrowser();

  test('a member kept follows the document to its new keys; a member removed is told and sees nothing new', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cahier-revoke-'));
    try {
      const file = path.join(dir, 'motion.md');
      await writeFile(file, `${OLD}\n`);
      const imported = await cahier(['import', file, '--relay', suite.relay.url]);
      const edit = line(imported.stdout, 'edit');
      const amend = line(imported.stdout, 'amend');

      await withPeople(t, suite, 3, async (a, b, c) => {
        const [kept, removed] = [identity(1), identity(2)];
        for (const [page, who] of [[a, kept], [b, removed]]) {
          await page.goto('/');
          await page.evaluate(([key, seed]) => localStorage.setItem(key, seed), [IDENTITY_KEY, who.seed]);
          await open(page, amend);
          await waitForSentences(page, [OLD]);
        }
        const before = a.url();

        const rotated = await cahier(['rotate', edit, '--keep', `${kept.public}:amend`, '--relay', suite.relay.url]);
        const newEdit = line(rotated.stdout, 'edit');
        const newAmend = line(rotated.stdout, 'amend');

        // A follows, and says so.
        await expectText(documentPage(a).problem, FR.problem_followed);
        assert.notEqual(a.url(), before);
        await expectAttribute(documentPage(a).status, 'data-state', 'online');
        // B is told its access was withdrawn; its copy stays, read-only.
        await expectText(documentPage(b).problem, FR.problem_room_sealed);
        assert.ok((await text(b)).includes(OLD));
        assert.equal(await documentPage(b).editor.getAttribute('readonly'), '');

        // An editor writes in the new room; A shows it, B never does.
        await open(c, newEdit);
        await waitForSentences(c, [OLD]);
        await typeAtEnd(c, [` ${NEW}`]);
        await waitForSentences(a, [NEW]);
        await b.waitForTimeout(3000);
        assert.ok(!(await text(b)).includes(NEW), 'the removed member read the new sentence');
        assert.ok(newAmend.includes('#'));
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
