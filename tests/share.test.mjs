// The share panel and the export menu: the QR code decodes (with jsQR, in
// node) to the link it says it holds, the view link's, the amend link's
// and the edit link's, with its quiet zone, and fills the screen for a
// projector; a member with the amend link is shown it and no edit link, a
// reader neither; the panel says once that losing the link
// loses the document, in French and in English; the saved links, and the
// Markdown, HTML and text exports, are real downloads read back from disk,
// named after the title (or "sans titre" / "untitled"); the HTML one has
// its Content-Security-Policy and no script; and the keyboard alone opens
// the panel, copies the view link, closes it with Escape and finds focus
// back on the button that opened it, and works the export menu.
//
// Every wait ends on an element, an attribute, an event or a text, never
// on a fixed sleep.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';

import jsQR from 'jsqr';

import { documentPage, exportMenu, openShare, sharePanel, VIEW_FRAGMENT } from './lib/app.mjs';
import { assertNoProblems, expectAttribute, expectText, filledValue, newPage, withPage } from './lib/browser.mjs';
import { createText, open } from './lib/editing.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { STRINGS } from './lib/strings.mjs';

const TEST_TIMEOUT_MS = 90_000;
const LOCALES = { fr: 'fr-FR', en: 'en-US' };
/** The light margin around a QR code, in modules (app/src/qr.rs). */
const QUIET_ZONE = 4;
/** Pixels per module when the code is drawn for the decoder. */
const SCALE = 6;

/** Open the share panel with its button; focus lands on its heading. */
async function openPanel(page) {
  await openShare(page);
  await expectFocus(page, 'share-panel-heading');
  return sharePanel(page);
}

/** Wait until the element with id `id` has the focus. */
async function expectFocus(page, id) {
  try {
    await page.waitForFunction((wanted) => document.activeElement?.id === wanted, id, { timeout: 5_000 });
  } catch (error) {
    if (!/Timeout/i.test(error.message)) throw error;
    const actual = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? '(nothing)');
    throw new assert.AssertionError({ message: 'the focused element', actual, expected: `#${id}` });
  }
}

/** Press Tab until `matches` (a selector) has the focus, at most `limit` times. */
async function tabTo(page, selector, limit = 60) {
  for (let i = 0; i < limit; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`${selector} never got the focus in ${limit} presses of Tab`);
}

/**
 * What the QR code `svg` holds: the drawing the page shows, serialised,
 * drawn on a canvas at SCALE pixels a module and read by jsQR here in node.
 */
async function decodeQr(svg) {
  const { size, data } = await svg.evaluate(async (element, scale) => {
    const source = new XMLSerializer().serializeToString(element);
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
    await image.decode();
    const size = element.viewBox.baseVal.width * scale;
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext('2d');
    context.imageSmoothingEnabled = false;
    context.drawImage(image, 0, 0, size, size);
    return { size, data: Array.from(context.getImageData(0, 0, size, size).data) };
  }, SCALE);
  const code = jsQR(Uint8ClampedArray.from(data), size, size);
  assert.ok(code, 'jsQR finds a QR code in the drawing');
  return code.data;
}

/** The QR code's dark modules stay `QUIET_ZONE` modules away from every edge. */
async function assertQuietZone(svg) {
  const { size, path } = await svg.evaluate((element) => ({
    size: element.viewBox.baseVal.width,
    path: element.querySelector('path').getAttribute('d'),
  }));
  let [left, top, right, bottom] = [Infinity, Infinity, 0, 0];
  for (const [, x, y, run] of path.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
    left = Math.min(left, Number(x));
    top = Math.min(top, Number(y));
    right = Math.max(right, Number(x) + Number(run));
    bottom = Math.max(bottom, Number(y) + 1);
  }
  assert.deepEqual([left, top, size - right, size - bottom], [QUIET_ZONE, QUIET_ZONE, QUIET_ZONE, QUIET_ZONE]);
}

/** Click `target` and return the download it starts: its name and text. */
async function download(page, target) {
  const [file] = await Promise.all([page.waitForEvent('download'), target.click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
}

/** Give the open document a title and a body. */
async function write(page, title, body) {
  const doc = documentPage(page);
  await doc.title.fill(title);
  await doc.editor.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(body);
}

describe('the share panel and the export menu', () => {
  const suite = relayAndBrowser();

  test('the QR code decodes to the view link, or to the edit link when chosen, inside its quiet zone', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      const edit = await createText(page);
      const share = await openPanel(page);
      const words = STRINGS.fr;
      assert.equal(await share.editLink.inputValue(), edit);
      const view = await filledValue(share.viewLink);
      assert.match(view, VIEW_FRAGMENT);

      // The view link first: a code on a projector is seen by everyone.
      await expectAttribute(share.qrChoice('view'), 'aria-pressed', 'true');
      await expectAttribute(share.qr, 'aria-label', words.share_qr_of_view);
      assert.equal(await share.qr.getAttribute('role'), 'img');
      assert.equal(await decodeQr(share.qr), view);
      await assertQuietZone(share.qr);
      const box = await share.qr.boundingBox();
      assert.ok(box.width >= 200, `the code is ${box.width}px wide`);

      const amend = await filledValue(share.amendLink);
      assert.match(amend, /#a=/);
      await share.qrChoice('amend').click();
      await expectAttribute(share.qrChoice('amend'), 'aria-pressed', 'true');
      await expectAttribute(share.qr, 'aria-label', words.share_qr_of_amend);
      assert.equal(await decodeQr(share.qr), amend);

      await share.qrChoice('edit').click();
      await expectAttribute(share.qrChoice('edit'), 'aria-pressed', 'true');
      await expectAttribute(share.qrChoice('view'), 'aria-pressed', 'false');
      await expectAttribute(share.qr, 'aria-label', words.share_qr_of_edit);
      assert.equal(await decodeQr(share.qr), edit);
      await assertQuietZone(share.qr);

      // Full screen for a projector; Escape comes back to the panel.
      await share.qrLarge.click();
      await expectAttribute(share.qrLarge, 'aria-pressed', 'true');
      const viewport = page.viewportSize();
      const large = await share.qr.boundingBox();
      assert.ok(
        large.width >= 0.75 * Math.min(viewport.width, viewport.height),
        `full screen, the code is ${large.width}px wide in a ${viewport.width}×${viewport.height} window`,
      );
      assert.equal(await decodeQr(share.qr), edit);
      await page.keyboard.press('Escape');
      await expectAttribute(share.qrLarge, 'aria-pressed', 'false');
      assert.ok(await share.panel.isVisible(), 'the first Escape leaves the full screen only');
      assertNoProblems(page);
    });
  });

  test('a member with the amend link sees it and the view link, no edit link, and saves both', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (writer) => {
      await createText(writer);
      const shared = await openPanel(writer);
      const amend = await filledValue(shared.amendLink);
      const view = await filledValue(shared.viewLink);
      const member = await newPage(suite.browser, { relay: suite.relay });
      try {
        await open(member, amend);
        const share = await openPanel(member);
        assert.equal(await share.amendLink.inputValue(), amend);
        assert.equal(await share.viewLink.inputValue(), view);
        assert.equal(await share.editLink.count(), 0, 'no edit link for a member');
        assert.equal(await share.qrChoice('edit').count(), 0, 'no edit link to put in the QR code');
        assert.ok(!(await share.panel.innerText()).includes('#e='), 'no edit link anywhere in the panel');
        await share.qrChoice('amend').click();
        assert.equal(await decodeQr(share.qr), amend);

        const saved = await download(member, share.save);
        assert.ok(saved.text.includes(amend) && saved.text.includes(view), 'the saved file holds the amend and the view links');
        assert.ok(!saved.text.includes('#e='), 'and no edit link');
        assertNoProblems(member);
      } finally {
        await member.context().close();
      }
    });
  });

  test('a reader sees the view link only, and its QR code', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (writer) => {
      await createText(writer);
      const view = await filledValue((await openPanel(writer)).viewLink);
      const reader = await newPage(suite.browser, { relay: suite.relay });
      try {
        await open(reader, view);
        const share = await openPanel(reader);
        assert.equal(await share.viewLink.inputValue(), view);
        assert.equal(await share.editLink.count(), 0, 'no edit link for a reader');
        assert.equal(await share.amendLink.count(), 0, 'no amend link for a reader');
        assert.equal(await share.qrChoice('edit').count(), 0, 'no edit link to put in the QR code');
        assert.equal(await share.panel.locator('input').count(), 1);
        assert.ok(!(await share.panel.innerText()).includes('#e='), 'no edit link anywhere in the panel');
        assert.equal(await decodeQr(share.qr), view);

        const saved = await download(reader, share.save);
        assert.ok(saved.text.includes(view), 'the saved file holds the view link');
        assert.ok(!saved.text.includes('#e='), 'and no edit link');
        assertNoProblems(reader);
      } finally {
        await reader.context().close();
      }
    });
  });

  for (const [lang, locale] of Object.entries(LOCALES)) {
    const words = STRINGS[lang];

    test(`the panel says what each link allows and that losing the link loses the document (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withPage(t, suite.browser, { locale, relay: suite.relay }, async (page) => {
        const edit = await createText(page);
        const share = await openPanel(page);
        await expectText(share.heading, words.share_button);
        await expectText(share.editHint, words.share_edit_hint);
        await expectText(share.amendHint, words.share_amend_hint);
        await expectText(share.viewHint, words.share_view_hint);
        await expectText(share.keep, words.share_keep);
        const said = (await share.panel.innerText()).split(words.share_keep).length - 1;
        assert.equal(said, 1, 'said once');
        // The room id (22 characters of base64url) is not shown.
        assert.doesNotMatch(await share.panel.innerText(), /(^|[^A-Za-z0-9_-])[A-Za-z0-9_-]{22}([^A-Za-z0-9_-]|$)/);

        // Saving the links: the three, each with what it allows, named after the title.
        await documentPage(page).title.fill('Motion du congrès');
        const view = await share.viewLink.inputValue();
        const amend = await share.amendLink.inputValue();
        const saved = await download(page, share.save);
        assert.equal(saved.name, `Motion du congrès - ${words.share_file_suffix}.txt`);
        for (const part of [edit, amend, view, words.share_edit_hint, words.share_amend_hint, words.share_view_hint, words.share_keep, 'Motion du congrès']) {
          assert.ok(saved.text.includes(part), `the saved links hold ${part}`);
        }

        // An untitled document's export is named as such.
        await documentPage(page).title.fill('');
        const menu = exportMenu(page);
        await menu.button.click();
        const untitled = await download(page, menu.item('md'));
        assert.equal(untitled.name, `${words.untitled_file}.md`);
        assertNoProblems(page);
      });
    });
  }

  test('the Markdown, HTML and text downloads hold the title and the body, and the HTML runs nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await createText(page);
      const body = '## Considérants\n\nLe **texte** adopté <script>alert(1)</script> et [un lien](javascript:alert(1)).\n';
      await write(page, 'Motion : 12/03', body);
      const menu = exportMenu(page);
      const exported = {};
      for (const format of ['md', 'html', 'txt']) {
        await menu.button.click();
        await expectAttribute(menu.button, 'aria-expanded', 'true');
        exported[format] = await download(page, menu.item(format));
        // Choosing closes the menu and gives focus back to its button.
        await expectAttribute(menu.button, 'aria-expanded', 'false');
        await expectFocus(page, 'export-button');
      }

      assert.equal(exported.md.name, 'Motion 12 03.md');
      assert.ok(exported.md.text.startsWith('# Motion : 12/03\n\n'), exported.md.text);
      assert.ok(exported.md.text.includes(body), 'the Markdown holds the body as written');

      const html = exported.html.text;
      assert.equal(exported.html.name, 'Motion 12 03.html');
      assert.ok(html.startsWith('<!DOCTYPE html>'), html.slice(0, 80));
      assert.ok(html.includes('<title>Motion : 12/03</title>'), 'the title');
      assert.ok(html.includes('Considérants') && html.includes('<strong>texte</strong>'), 'the body, rendered');
      assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'[^"]*">/);
      assert.ok(!/<script/i.test(html), 'no script element');
      assert.ok(!html.includes('javascript:alert'), 'no unsafe link');
      assert.ok(html.includes('lang="fr"'), 'in the interface language');

      const text = exported.txt.text;
      assert.equal(exported.txt.name, 'Motion 12 03.txt');
      assert.ok(text.includes('Motion : 12/03\n=============='), text);
      assert.ok(text.includes('Considérants') && text.includes('texte adopté'), text);
      assert.ok(!text.includes('**'), 'no Markdown marks');
      assertNoProblems(page);
    });
  });

  test('the keyboard alone opens Share, copies the view link, closes with Escape and finds its button again', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.relay.url });
      await createText(page);
      const share = sharePanel(page);
      await page.locator('body').focus();
      await tabTo(page, '#open-share');
      await page.keyboard.press('Enter');
      await expectFocus(page, 'share-panel-heading');
      await expectAttribute(share.opener, 'aria-expanded', 'true');

      await tabTo(page, '#share-panel button.copy[aria-controls="view-link"]');
      await page.keyboard.press('Enter');
      await expectAttribute(share.copyStatus('view-link'), 'data-outcome', 'copied');
      const view = await share.viewLink.inputValue();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), view);

      await page.keyboard.press('Escape');
      await share.panel.waitFor({ state: 'hidden' });
      await expectFocus(page, 'open-share');
      await expectAttribute(share.opener, 'aria-expanded', 'false');
      assertNoProblems(page);
    });
  });

  test('the export menu opens from the keyboard, moves with the arrows and closes with Escape', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await createText(page);
      const menu = exportMenu(page);
      await page.locator('body').focus();
      await tabTo(page, '#export-button');
      await page.keyboard.press('Enter');
      await expectAttribute(menu.button, 'aria-expanded', 'true');
      assert.ok(await menu.list.isVisible());
      await page.keyboard.press('ArrowDown');
      await expectFocus(page, 'export-md');
      // Up from the first wraps to the last: the adopted text's ODT (the
      // meeting's papers close the menu; no amended text without a meeting).
      await page.keyboard.press('ArrowUp');
      await expectFocus(page, 'export-adopted-odt');
      await page.keyboard.press('ArrowDown');
      await expectFocus(page, 'export-md');
      await page.keyboard.press('Escape');
      await expectAttribute(menu.button, 'aria-expanded', 'false');
      assert.equal(await menu.list.isVisible(), false);
      await expectFocus(page, 'export-button');

      // A press elsewhere closes it too.
      await menu.button.click();
      await expectAttribute(menu.button, 'aria-expanded', 'true');
      await documentPage(page).editor.click();
      await expectAttribute(menu.button, 'aria-expanded', 'false');
      assertNoProblems(page);
    });
  });

  test('on a phone the panel fits the screen and its QR code still decodes', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, suite.browser, { relay: suite.relay }, async (page) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await createText(page);
      const share = await openPanel(page);
      const widths = await share.panel.evaluate((panel) => ({ scroll: panel.scrollWidth, client: panel.clientWidth }));
      assert.ok(widths.scroll <= widths.client, `nothing wider than the panel (${widths.scroll} > ${widths.client})`);
      const box = await share.qr.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 390, `the code is on screen (${box.x}, ${box.width})`);
      assert.ok(box.width >= 200, `and ${box.width}px wide`);
      assert.equal(await decodeQr(share.qr), await share.viewLink.inputValue());
      assertNoProblems(page);
    });
  });
});
