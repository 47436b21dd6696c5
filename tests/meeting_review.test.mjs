// "Depuis la dernière séance": a keeper holds a meeting, then a second
// round of edits and amendments comes; the review of that meeting shows
// the second round only (the paragraph typed since, the amendment filed
// since), not what the meeting already had, and prints alone. Every wait
// ends on an element, an attribute or a value, never on a fixed sleep.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import { openPanel } from './lib/app.mjs';
import { lookAt } from './lib/browser.mjs';
import { fileAmendment } from './lib/amend.mjs';
import { createText, typeAtEnd, waitForSentences, withPeople } from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';

const TEST_TIMEOUT_MS = 150_000;

const FIRST = 'La section demande la gratuité des transports en commun.';
const SECOND = 'Elle propose une réunion publique en mai.';
const LATER = 'Elle soutient la grève des cheminots.';

async function meetingPanel(page) {
  return openPanel(page, 'open-meeting', 'meeting-panel');
}

describe('since the last meeting', () => {
  const suite = relayAndBrowser();

  test('after a second round of edits the review shows only what changed since the meeting, and prints alone', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (keeper) => {
      await createText(keeper);
      await typeAtEnd(keeper, [`${FIRST}\n\n${SECOND}`]);
      await waitForSentences(keeper, [FIRST, SECOND]);
      // Before the meeting: an amendment, decided in it or not.
      await fileAmendment(keeper, 'en commun', 'publics', 'Plus clair.');

      // The meeting opens on the text as it stands and closes.
      const panel = await meetingPanel(keeper);
      await panel.locator('#meeting-name').fill('Assemblée de décembre');
      await panel.locator('#meeting-open-submit').click();
      await panel.locator('#meeting-close').click();
      await panel.locator('#meeting-close-yes').click();
      const past = panel.locator('.past-meeting');
      await past.first().waitFor();
      assert.match(await past.first().innerText(), /Assemblée de décembre/);

      // The second round: a paragraph typed, an amendment filed.
      await keeper.keyboard.press('Escape');
      // Closing gives focus back to the panel's bar button on the next
      // frame: typing before it moved focus away from the text mid-word.
      await panel.waitFor({ state: 'hidden' });
      await keeper.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      await typeAtEnd(keeper, [`\n\n${LATER}`]);
      await waitForSentences(keeper, [FIRST, SECOND, LATER]);
      await fileAmendment(keeper, 'en mai', 'en juin', 'Après les examens.');

      const again = await meetingPanel(keeper);
      await again.locator('.past-meeting .meeting-since').first().click();
      const review = keeper.locator('#meeting-review');
      await review.waitFor();
      await review.locator('.review-paragraph ins').first().waitFor();
      const paragraphs = await review.locator('.review-paragraph').allInnerTexts();
      assert.equal(paragraphs.length, 1, `only the paragraph that changed: ${JSON.stringify(paragraphs)}`);
      assert.match(paragraphs[0], /grève des cheminots/);
      const inserted = (await review.locator('.review-paragraph ins').allInnerTexts()).join(' ');
      assert.match(inserted, /soutient la grève des cheminots/, 'the new words are marked as added');
      const filed = review.locator('#review-filed li');
      assert.equal(await filed.count(), 1, 'only the amendment filed since');
      assert.match(await filed.first().innerText(), /l\. 2/);
      assert.doesNotMatch(await review.innerText(), /gratuité/, 'the unchanged paragraph is left out');
      await lookAt(keeper, 'meeting-review');

      // Since the base: the same here (the meeting decided nothing), the
      // amendment filed before the meeting still not listed.
      await review.locator('input[name="review-since"][value="base"]').check();
      await review.locator('.review-paragraph').first().waitFor();
      assert.equal(await review.locator('#review-filed li').count(), 1);

      // Printed, the review is alone on its page.
      const pdf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cahier-review-')), 'review.pdf');
      await keeper.emulateMedia({ media: 'print' });
      await keeper.pdf({ path: pdf, format: 'A4' });
      await keeper.emulateMedia({ media: 'screen' });
      const printed = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      assert.match(printed, /Assemblée de décembre/);
      assert.match(printed, /cheminots/);
      assert.doesNotMatch(printed, /gratuité/, 'the text underneath is not printed');

      // Escape closes it and gives focus back to the meeting panel's opener.
      await keeper.keyboard.press('Escape');
      await review.waitFor({ state: 'detached' });
      assert.equal(await keeper.evaluate(() => document.activeElement?.id), 'open-meeting');
    });
  });
});
