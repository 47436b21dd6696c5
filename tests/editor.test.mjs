// The editor: two people typing in the same document at once end with the
// same text holding every sentence; a view link cannot change the text; a
// browser that goes offline keeps typing and merges when it is back; a
// reload brings the text back, even with the server down or offline; a
// relay restart is survived without losing anything typed, and so is a
// relay that hangs. Also measures, and prints, the delay from a keystroke
// to the other browser on loopback.
//
// Every wait ends on an attribute or a value, never on a fixed sleep.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage, editLinkOf, LOCAL_FRAGMENT, recent, textViews, viewLinkOf } from './lib/app.mjs';
import { expectAttribute } from './lib/browser.mjs';
import {
  assertConverged,
  assertNewcomerSees,
  assertNoUnexpectedProblems,
  createText,
  open,
  RECONNECT_TIMEOUT_MS,
  sentences,
  text,
  typeAtEnd,
  typeHere,
  waitForSentences,
  waitForText,
  waitSynced,
  withPeople,
} from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';

const TEST_TIMEOUT_MS = 120_000;

describe('the editor', () => {
  const suite = relayAndBrowser();

  test('two people typing at the same time end with the same text', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, b) => {
      const link = await createText(a);
      await open(b, link);
      await documentPage(a).editor.focus();
      await a.keyboard.insertText('Début.\n\nFin.');
      await waitForText(b, (value) => value === 'Début.\n\nFin.');

      // Alice writes after "Début.", Bob after "Fin.", at the same time:
      // each one's caret must stay after their own words while the other's
      // arrive.
      await a.keyboard.press('Control+Home');
      await a.keyboard.press('End');
      await documentPage(b).editor.focus();
      await b.keyboard.press('Control+End');
      const fromA = sentences('Alice', 4);
      const fromB = sentences('Bob', 4);
      await Promise.all([typeHere(a, fromA), typeHere(b, fromB)]);
      await assertConverged(a, b, [...fromA, ...fromB]);
      const expected = `Début. ${fromA.join(' ')}\n\nFin. ${fromB.join(' ')}`;
      assert.equal(await text(a), expected, 'every sentence where its author typed it');

      // The title travels too.
      await documentPage(a).title.fill('Motion d’orientation');
      await b.waitForFunction(() => document.querySelector('#title')?.value === 'Motion d’orientation');
      assertNoUnexpectedProblems(a);
      assertNoUnexpectedProblems(b);
    });
  });

  test('select-all and delete, then a large paste, reach the other person', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, b) => {
      const link = await createText(a);
      await open(b, link);
      await typeAtEnd(a, ['Un texte à effacer.']);
      await waitForSentences(b, ['Un texte à effacer.']);
      const { editor } = documentPage(a);
      await editor.focus();
      await a.keyboard.press('Control+A');
      await a.keyboard.press('Delete');
      await waitForText(b, (value) => value === '');
      const big = Array.from({ length: 2000 }, (_, i) => `Ligne ${i} du long texte collé.`).join('\n');
      // A paste is one `insertText` of the whole block at the caret.
      await a.keyboard.insertText(big);
      await waitForText(b, (value, expected) => value === expected, big);
      await waitSynced(a);
      assertNoUnexpectedProblems(a);
      assertNoUnexpectedProblems(b);
    });
  });

  test('undo takes back my own words only, for both people', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, b) => {
      const link = await createText(a);
      await open(b, link);
      await typeAtEnd(a, ['Ma phrase.']);
      await waitForText(b, (value) => value === 'Ma phrase. ');
      await typeAtEnd(b, ['Sa phrase.']);
      await waitForText(a, (value) => value === 'Ma phrase. Sa phrase. ');

      // A remote edit was shown in Alice's textarea, so only the
      // document's undo manager can still take her words back.
      await documentPage(a).editor.focus();
      await a.keyboard.press('Control+z');
      await waitForText(a, (value) => value === 'Sa phrase. ');
      await waitForText(b, (value) => value === 'Sa phrase. ');
      await a.keyboard.press('Control+z');
      assert.equal(await text(a), 'Sa phrase. ', "Bob's words are not Alice's to undo");

      await a.keyboard.press('Control+Shift+z');
      await waitForText(a, (value) => value === 'Ma phrase. Sa phrase. ');
      await waitForText(b, (value) => value === 'Ma phrase. Sa phrase. ');
      await waitSynced(a);
      assertNoUnexpectedProblems(a);
      assertNoUnexpectedProblems(b);
    });
  });

  test('an IME composition is not broken by a co-author, and lands where it was typed', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, b) => {
      const link = await createText(a);
      await open(b, link);
      await documentPage(a).editor.focus();
      await a.keyboard.insertText('Début Fin');
      await waitForText(b, (value) => value === 'Début Fin');
      await a.evaluate(() => document.querySelector('#editor').setSelectionRange(6, 6));

      // Alice composes (as with a Japanese input method) after "Début ".
      const ime = await a.context().newCDPSession(a);
      await ime.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
      await waitForText(a, (value) => value === 'Début にほFin');

      // Meanwhile Bob writes at the start; Alice's browser applies it
      // (its data-seq catches up) without touching the composition.
      await documentPage(b).editor.focus();
      await b.keyboard.press('Control+Home');
      await b.keyboard.type('Avant. ');
      await waitSynced(b);
      const seq = await documentPage(b).status.getAttribute('data-seq');
      await expectAttribute(documentPage(a).status, 'data-seq', seq);
      assert.equal(await text(a), 'Début にほFin', 'the composition is left alone');

      // Alice commits "日本": it lands after "Début ", Bob's words before.
      await ime.send('Input.insertText', { text: '日本' });
      const expected = 'Avant. Début 日本Fin';
      await waitForText(a, (value, e) => value === e, expected);
      await waitForText(b, (value, e) => value === e, expected);
      const caret = await a.evaluate(() => document.querySelector('#editor').selectionEnd);
      assert.equal(caret, 'Avant. Début 日本'.length, "Alice's caret is after her word");
      await waitSynced(a);
      assertNoUnexpectedProblems(a);
    });
  });

  test('a view link cannot change the text', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (editorPage, viewer) => {
      await createText(editorPage);
      await typeAtEnd(editorPage, ['Texte de référence.']);
      await waitSynced(editorPage);
      const viewLink = await viewLinkOf(editorPage);

      await open(viewer, viewLink);
      const reference = await text(editorPage);
      await waitForText(viewer, (value, expected) => value === expected, reference);
      const { editor, title } = documentPage(viewer);
      assert.equal(await title.count(), 0, 'a reader has no title field');
      // A reader starts on the rendered text; the source is there to read.
      await expectAttribute(textViews(viewer).modeButton('preview'), 'aria-pressed', 'true');
      await textViews(viewer).modeButton('write').click();
      assert.equal(await editor.getAttribute('readonly'), '', 'the textarea is read-only');
      await editor.focus();
      await viewer.keyboard.press('Control+End');
      await viewer.keyboard.type('piraté ');
      await viewer.keyboard.press('Backspace');
      assert.equal(await text(viewer), reference, 'typing does nothing');

      // The editor goes on; the viewer follows, and nothing of the viewer's
      // typing appears on either side.
      await typeAtEnd(editorPage, ['Suite.']);
      const expected = `${reference}Suite. `;
      await waitForText(viewer, (value, e) => value === e, expected);
      await waitSynced(editorPage);
      assert.equal(await text(editorPage), expected);
      assertNoUnexpectedProblems(viewer);
    });
  });

  test('a person offline keeps typing and merges when back', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, b) => {
      const link = await createText(a);
      await open(b, link);
      await typeAtEnd(a, ['Avant la coupure.']);
      await waitForSentences(b, ['Avant la coupure.']);

      await a.context().setOffline(true);
      await expectAttribute(documentPage(a).status, 'data-state', 'offline');
      const offline = sentences('Alice hors ligne', 3);
      const online = sentences('Bob en ligne', 3);
      await Promise.all([typeAtEnd(a, offline), typeAtEnd(b, online)]);
      await expectAttribute(documentPage(a).status, 'data-synced', 'false');
      assert.notEqual(await documentPage(a).status.getAttribute('data-pending'), '0', 'edits wait offline');
      await waitSynced(b);
      assert.ok(!(await text(b)).includes(offline[0]), 'nothing left the offline browser');

      await a.context().setOffline(false);
      await expectAttribute(documentPage(a).status, 'data-state', 'online', { timeout: RECONNECT_TIMEOUT_MS });
      await assertConverged(a, b, ['Avant la coupure.', ...offline, ...online], { timeout: RECONNECT_TIMEOUT_MS });
    });
  });

  test('a reload brings the text back, also with the server down or the browser offline', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (a) => {
      const link = await createText(a);
      await documentPage(a).title.fill('Tract de rentrée');
      await typeAtEnd(a, ['Gardé dans le navigateur.']);
      await waitSynced(a);
      const before = await text(a);

      await a.reload();
      await waitForText(a, (value, expected) => value === expected, before);
      await expectAttribute(documentPage(a).status, 'data-state', 'online');

      // The start page lists it, with its title, and opens it again.
      await a.goto('/');
      await recent(a).heading.waitFor();
      await recent(a).items.filter({ hasText: 'Tract de rentrée' }).locator('a').click();
      await waitForText(a, (value, expected) => value === expected, before);
      assert.match(a.url(), LOCAL_FRAGMENT, 'the recent list opens it by its local handle');
      assert.equal(await editLinkOf(a), link, 'with the edit link');

      // With the relay down, the app (service worker) and the text
      // (IndexedDB) come from the browser.
      const hasWorker = await a.evaluate(async () => {
        if (!('serviceWorker' in navigator)) return false;
        await navigator.serviceWorker.ready;
        return navigator.serviceWorker.controller !== null;
      });
      assert.ok(hasWorker, 'a service worker controls the page');
      await suite.relay.stop();
      try {
        await a.reload();
        await waitForText(a, (value, expected) => value === expected, before);
        await expectAttribute(documentPage(a).status, 'data-state', 'reconnecting');
        await typeAtEnd(a, ['Écrit serveur arrêté.']);
      } finally {
        await suite.relay.start();
      }
      await expectAttribute(documentPage(a).status, 'data-state', 'online', { timeout: RECONNECT_TIMEOUT_MS });
      await waitSynced(a, { timeout: RECONNECT_TIMEOUT_MS });

      // The browser itself offline: reload, type, come back.
      const whileDown = await text(a);
      await a.context().setOffline(true);
      await a.reload();
      await waitForText(a, (value, expected) => value === expected, whileDown);
      await expectAttribute(documentPage(a).status, 'data-state', 'offline');
      await typeAtEnd(a, ['Écrit hors ligne après rechargement.']);
      await a.context().setOffline(false);
      await waitSynced(a, { timeout: RECONNECT_TIMEOUT_MS });
      const final = await text(a);
      assert.ok(final.includes('Écrit serveur arrêté.') && final.includes('Écrit hors ligne après rechargement.'), final);

      // Someone else receives all of it from the relay.
      await assertNewcomerSees(suite, link, final);
    });
  });

  test('a relay restart is survived without losing anything typed', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, b) => {
      const link = await createText(a);
      await open(b, link);
      const first = sentences('Avant redémarrage', 2);
      await typeAtEnd(a, first);
      await waitSynced(a);

      await suite.relay.stop();
      await expectAttribute(documentPage(a).status, 'data-state', 'reconnecting');
      await expectAttribute(documentPage(b).status, 'data-state', 'reconnecting');
      const during = sentences('Pendant la panne', 2);
      const duringB = sentences('Bob pendant la panne', 1);
      await typeAtEnd(a, during);
      await typeAtEnd(b, duringB);
      await suite.relay.start();

      await expectAttribute(documentPage(a).status, 'data-state', 'online', { timeout: RECONNECT_TIMEOUT_MS });
      await expectAttribute(documentPage(b).status, 'data-state', 'online', { timeout: RECONNECT_TIMEOUT_MS });
      await assertConverged(a, b, [...first, ...during, ...duringB], { timeout: RECONNECT_TIMEOUT_MS });

      // A newcomer gets everything from the restarted relay.
      await assertNewcomerSees(suite, link, await text(a));
      assertNoUnexpectedProblems(a);
    });
  });

  test('a relay that hangs without closing is noticed: the page reconnects and nothing typed is lost', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (a) => {
      const link = await createText(a);
      await typeAtEnd(a, ['Avant le gel.']);
      await waitSynced(a);
      // The socket stays open but nothing answers: the browser alone would
      // not notice for minutes.
      suite.relay.pause();
      try {
        await typeAtEnd(a, ['Pendant le gel.']);
        await expectAttribute(documentPage(a).status, 'data-state', 'reconnecting', { timeout: 30_000 });
      } finally {
        suite.relay.resume();
      }
      await waitSynced(a, { timeout: RECONNECT_TIMEOUT_MS });
      const both = 'Avant le gel. Pendant le gel. ';
      assert.equal(await text(a), both);
      await assertNewcomerSees(suite, link, both);
      assertNoUnexpectedProblems(a);
    });
  });

  test('opening and reloading a long document (measured)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, b) => {
      const link = await createText(a);
      const { editor } = documentPage(a);
      await editor.focus();
      // 60 pastes of 40 lines each: about 100 KB of text in 60 updates.
      // (Chromium's own insertText grows slower with the text, about
      // 0.3 s per paste at 100 KB on a plain textarea, so more is slow.)
      const chunks = 60;
      for (let i = 0; i < chunks; i += 1) {
        const lines = Array.from({ length: 40 }, (_, j) => `Paragraphe ${i}.${j} d’un long texte de congrès.`);
        await a.keyboard.insertText(`${lines.join('\n')}\n`);
      }
      const length = (await text(a)).length;
      await waitSynced(a, { timeout: 60_000 });

      let start = Date.now();
      await b.goto(link);
      await waitForText(b, (value, n) => value.length === n, length, { timeout: 60_000 });
      const fromRelay = Date.now() - start;
      await waitSynced(b);

      start = Date.now();
      await b.reload();
      await waitForText(b, (value, n) => value.length === n, length, { timeout: 60_000 });
      const fromBrowser = Date.now() - start;
      await expectAttribute(documentPage(b).status, 'data-state', 'online');

      assert.equal(await text(b), await text(a));
      const line = `long document (${length} UTF-16 units, ${chunks} edits): opened from the relay in ${fromRelay} ms, reloaded from this browser in ${fromBrowser} ms (page load included)`;
      console.log(`# ${line}`);
      t.diagnostic(line);
    });
  });

  test('keystroke to the other browser on loopback (measured)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, b) => {
      const link = await createText(a);
      await open(b, link);
      // B watches its textarea every frame and on every task, and notes when
      // each marker arrives; A notes when each key went down. Both pages
      // share the machine's clock.
      await b.evaluate(() => {
        window.seen = {};
        const textarea = document.querySelector('#editor');
        const check = () => {
          for (const match of textarea.value.matchAll(/x(\d+)y/g)) window.seen[match[1]] ??= Date.now();
        };
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          check();
          setTimeout(() => channel.port2.postMessage(0), 1);
        };
        channel.port2.postMessage(0);
      });
      await a.evaluate(() => {
        window.sent = [];
        document.querySelector('#editor').addEventListener('keydown', () => window.sent.push(Date.now()), {
          capture: true,
        });
      });
      const { editor } = documentPage(a);
      await editor.focus();
      const n = 20;
      for (let i = 0; i < n; i += 1) {
        await editor.pressSequentially(`x${i}y `, { delay: 0 });
        await b.waitForFunction((key) => window.seen[key] !== undefined, String(i));
      }
      const sent = await a.evaluate(() => window.sent);
      const seen = await b.evaluate(() => window.seen);
      // Marker i is complete when its "y" (the key before the space) lands.
      const delays = [];
      let k = 0;
      for (let i = 0; i < n; i += 1) {
        const keys = `x${i}y `.length;
        delays.push(seen[String(i)] - sent[k + keys - 2]);
        k += keys;
      }
      delays.sort((x, y) => x - y);
      const median = delays[Math.floor(n / 2)];
      const max = delays[n - 1];
      const line = `keystroke to other browser (loopback, ${n} samples): median ${median} ms, max ${max} ms`;
      console.log(`# ${line}`);
      t.diagnostic(line);
      assert.ok(delays.every((d) => d >= 0), `delays are positive: ${delays}`);
    });
  });
});

