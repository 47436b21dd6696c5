// Filing an amendment and deciding it (components/amendment_form.rs,
// amendment_detail.rs, session/amendments.rs): a member with the amend
// link, taken from the keeper's share panel, selects a passage and files
// an amendment with a rationale, then an overlapping one; the keeper
// (the edit link, another browser) sees them live with their numbers,
// puts the first under discussion and adopts it with a vote; the text
// changes in both pages, the overlapping one is shown fallen, replaced by
// the first; a view link sees the amendments and their history and has no
// control; the amend link's text is read-only. Members comment with a
// stance, reply one level and support; the author revises and withdraws.
// The keyboard alone files one, on a phone 390 px wide, where nothing is
// wider than the screen.
//
// Every wait ends on an element, an attribute or a value, never on a
// fixed sleep.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';

import { documentPage, openPanel, openPeople, openShare, presence, sharePanel } from './lib/app.mjs';
import { expectAttribute, expectText, filledValue, RESULTS_DIR } from './lib/browser.mjs';
import { createText, open, waitForText, waitSynced, withPeople } from './lib/editing.mjs';
import { STRINGS } from './lib/strings.mjs';
import { relayAndBrowser } from './lib/suite.mjs';

const TEST_TIMEOUT_MS = 150_000;
const PHONE = { width: 390, height: 844 };
const FR = STRINGS.fr;

const BODY =
  'Article premier : les membres élisent le bureau chaque année.\n\nArticle 2 : le bureau rend compte au congrès de son action.';

/** Where things are in the filing form and the detail. */
function amendmentsOf(page) {
  const panel = page.locator('#amendments-panel');
  const detail = panel.locator('article.amendment-detail');
  return {
    propose: page.locator('#propose-amendment'),
    form: page.locator('#amendment-form'),
    passage: page.locator('#amendment-form-passage'),
    wording: page.locator('#amendment-wording'),
    rationale: page.locator('#amendment-rationale'),
    parent: page.locator('#amendment-parent'),
    deleteParagraph: page.locator('#amendment-paragraph'),
    remove: page.locator('#amendment-delete'),
    submit: page.locator('#amendment-submit'),
    cancel: page.locator('#amendment-cancel'),
    formError: page.locator('#amendment-form-error'),
    panel,
    row: (id) => panel.locator(`.amend-row[data-id="${id}"]`),
    back: panel.locator('#amend-back'),
    detail,
    number: detail.locator('.amendment-head .amendment-number'),
    status: detail.locator('.amendment-head .amendment-status'),
    lines: detail.locator('.amendment-lines'),
    diff: detail.locator('.amendment-diff'),
    inserted: detail.locator('.amendment-diff ins'),
    deleted: detail.locator('.amendment-diff del'),
    rationaleShown: detail.locator('.amendment-rationale p'),
    history: detail.locator('.amendment-history li'),
    historyTo: (status) => detail.locator(`.amendment-history li[data-to="${status}"]`),
    discuss: detail.locator('#amend-discuss'),
    adopt: detail.locator('#amend-adopt'),
    reject: detail.locator('#amend-reject'),
    reopen: detail.locator('#amend-reopen'),
    edit: detail.locator('#amend-edit'),
    withdraw: detail.locator('#amend-withdraw'),
    withdrawYes: detail.locator('#amend-withdraw-yes'),
    vote: (which) => detail.locator(`#amend-vote-${which}`),
    decide: detail.locator('#amend-decide'),
    notice: detail.locator('.amendment-notice'),
    support: detail.locator('#amend-support'),
    supports: detail.locator('#amend-support-count'),
    comments: detail.locator('.amendment-comments > li'),
    replies: detail.locator('.amendment-replies > li'),
    stance: (which) => detail.locator(`#amend-stance-${which}`),
    commentText: detail.locator('#amend-comment-text'),
    commentSend: detail.locator('#amend-comment-send'),
  };
}

/** Give this person a name in the People panel and close it. */
async function setName(page, name) {
  await openPeople(page);
  const p = presence(page);
  if (await p.changeName.isVisible()) await p.changeName.click();
  await p.nameInput.fill(name);
  await p.nameSave.click();
  await expectText(p.nameShown, name);
  await page.keyboard.press('Escape');
}

/** The amend and view links from the share panel (which is closed again). */
async function linksOf(page) {
  await openShare(page);
  const share = sharePanel(page);
  const links = { amend: await filledValue(share.amendLink), view: await filledValue(share.viewLink) };
  await page.keyboard.press('Escape');
  await share.panel.waitFor({ state: 'detached' });
  return links;
}

/** Select `words` (their first occurrence) in the editor. */
async function select(page, words) {
  const value = await documentPage(page).editor.inputValue();
  const start = value.indexOf(words);
  assert.ok(start >= 0, `"${words}" is in the text`);
  await documentPage(page).editor.evaluate(
    (textarea, [from, to]) => {
      textarea.focus();
      textarea.setSelectionRange(from, to);
    },
    [start, start + words.length],
  );
}

/** Press the bar's propose button (through the folded menu on a phone). */
async function propose(page) {
  const a = amendmentsOf(page);
  if (!(await a.propose.isVisible())) await page.locator('#bar-menu').click();
  await a.propose.click();
  await a.form.waitFor();
  return a;
}

/**
 * File an amendment replacing the selected `passage` by `wording` (or
 * deleting it, `wording` null); returns its id, read from the detail the
 * form opens.
 */
async function file(page, passage, wording, rationale) {
  await select(page, passage);
  const a = await propose(page);
  await expectText(a.passage, passage);
  assert.equal(await a.wording.inputValue(), passage, 'the wording starts as the passage');
  if (wording === null) await a.remove.check();
  else await a.wording.fill(wording);
  await a.rationale.fill(rationale);
  await a.submit.click();
  await a.form.waitFor({ state: 'detached' });
  await a.detail.waitFor();
  return a.detail.getAttribute('data-id');
}

/** Open amendment `id` in the Amendments panel (from its row in the list). */
async function show(page, id) {
  const a = amendmentsOf(page);
  await openPanel(page, 'open-amendments', 'amendments-panel');
  if (await a.detail.isVisible()) {
    if ((await a.detail.getAttribute('data-id')) === id) return a;
    await a.back.click();
  }
  await a.row(id).click();
  await expectAttribute(a.detail, 'data-id', id);
  return a;
}

/** Write `body` as the whole text. */
async function write(page, body) {
  const { editor } = documentPage(page);
  await editor.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(body);
  await waitSynced(page);
}

/** Press Tab (or Shift+Tab) until `selector` has the focus. */
async function tabTo(page, selector, { back = false, limit = 60 } = {}) {
  for (let i = 0; i < limit; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  assert.fail(`${selector} never got the focus in ${limit} presses of Tab`);
}

/** Nothing on the page, nor in `locator`, is wider than the screen. */
async function assertFits(page, locator, width) {
  const page_ = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(page_ <= width, `the page is ${page_}px wide on a ${width}px screen`);
  const box = await locator.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= width + 0.5, `on screen: x ${box.x}, width ${box.width}`);
  const inner = await locator.evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth }));
  assert.ok(inner.scroll <= inner.client, `nothing inside is wider (${inner.scroll} > ${inner.client})`);
}

describe('filing an amendment, deciding it, and its detail', () => {
  const suite = relayAndBrowser();

  test('a member files with the amend link; the keeper numbers, discusses and adopts it; the overlapping one falls; a reader sees it all and can do none of it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 3, async (keeper, member, reader) => {
      await createText(keeper);
      await write(keeper, BODY);
      await setName(keeper, 'Camille');
      const links = await linksOf(keeper);
      assert.match(links.amend, /#a=/);

      await open(member, links.amend);
      await setName(member, 'Dominique');
      await expectAttribute(documentPage(member).editor, 'readonly', '');

      // The member files on a selected passage, with a rationale.
      const first = await file(member, 'chaque année', 'tous les deux ans', 'Un mandat d’un an est trop court.');
      const m = amendmentsOf(member);
      await expectText(m.deleted, 'chaque année');
      await expectText(m.inserted, 'tous les deux ans');
      await expectText(m.rationaleShown, 'Un mandat d’un an est trop court.');
      await expectText(m.lines, FR.amend_line_one.replace('{a}', '1'));
      await expectAttribute(m.status, 'data-status', 'filed');
      // The keeper's browser gives it its number.
      await expectText(m.number, 'A1');
      assert.equal(await m.discuss.count(), 0, 'a member cannot decide');
      assert.equal(await m.adopt.count(), 0);
      assert.ok(await m.edit.isVisible(), 'its author may edit it while filed');

      // A second one, overlapping the first, filed before the decision.
      const second = await file(member, 'élisent le bureau chaque année', 'désignent leur bureau tous les ans', 'Plus simple.');
      await expectText(m.number, 'A2');

      // The keeper sees the first live, with its number, and decides.
      const k = await show(keeper, first);
      await expectText(k.number, 'A1');
      await expectText(k.inserted, 'tous les deux ans');
      await k.discuss.click();
      await expectAttribute(k.status, 'data-status', 'discussion');
      await k.historyTo('discussion').waitFor();
      await show(member, first);
      await expectAttribute(m.status, 'data-status', 'discussion');
      assert.equal(await m.edit.count(), 0, 'under discussion, its author can no longer edit it');

      await k.adopt.click();
      await k.vote('counts').check();
      await k.vote('yes').fill('12');
      await k.vote('no').fill('3');
      await k.vote('abstain').fill('1');
      await k.decide.click();
      await expectAttribute(k.status, 'data-status', 'adopted');
      await expectText(k.notice, FR.amend_adopted_fell.replace('{n}', 'A1').replace('{list}', 'A2'));
      const counts = FR.amend_counts.replace('{yes}', '12').replace('{no}', '3').replace('{abstain}', '1');
      assert.ok((await k.historyTo('adopted').innerText()).includes(counts), 'the vote is in the history');

      // The text changes for both.
      const adopted = BODY.replace('chaque année', 'tous les deux ans');
      await waitForText(keeper, (value, wanted) => value === wanted, adopted);
      await waitForText(member, (value, wanted) => value === wanted, adopted);
      await expectAttribute(m.status, 'data-status', 'adopted');

      // The overlapping one fell, replaced by the first.
      await show(member, second);
      await expectAttribute(m.status, 'data-status', 'fallen');
      await expectText(m.status, FR.amend_status_fallen);
      assert.ok(
        (await m.historyTo('fallen').innerText()).includes(FR.amend_fallen_by.replace('{n}', 'A1')),
        'its history says what replaced it',
      );
      assert.equal(await m.withdraw.count(), 0, 'a fallen amendment cannot be withdrawn');

      // The reader sees the amendment and its history, and no control.
      await open(reader, links.view);
      assert.equal(await amendmentsOf(reader).propose.count(), 0, 'no propose button for a reader');
      const r = await show(reader, first);
      await expectText(r.number, 'A1');
      await expectAttribute(r.status, 'data-status', 'adopted');
      await r.historyTo('adopted').waitFor();
      await expectText(r.deleted, 'chaque année');
      assert.equal(await r.detail.locator('button, input, textarea, select').count(), 0, 'no control in the detail');
      await show(reader, second);
      await expectAttribute(r.status, 'data-status', 'fallen');
      assert.equal(await r.detail.locator('button, input, textarea, select').count(), 0);
    });
  });

  test('members comment with a stance, reply one level and support; the author revises, then withdraws after confirming', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (keeper, member) => {
      await createText(keeper);
      await write(keeper, BODY);
      await setName(keeper, 'Camille');
      const links = await linksOf(keeper);
      await open(member, links.amend);
      await setName(member, 'Dominique');

      const id = await file(member, 'de son action', 'de son action et de ses comptes', 'La transparence.');
      const m = amendmentsOf(member);
      await expectText(m.supports, FR.amend_supports.replace('{n}', '0'));
      await m.support.click();
      await expectAttribute(m.support, 'aria-pressed', 'true');
      await expectText(m.supports, FR.amend_supports.replace('{n}', '1'));

      await m.stance('for').check();
      await m.commentText.fill('Indispensable.');
      await m.commentSend.click();
      await expectText(m.comments.first().locator('.amendment-comment-text').first(), 'Indispensable.');
      await expectText(m.comments.first().locator('.amendment-stance').first(), FR.amend_stance_for);

      // The keeper sees the comment, replies against it, and supports too.
      const k = await show(keeper, id);
      await expectText(k.comments.first().locator('.amendment-comment-text').first(), 'Indispensable.');
      await k.comments.first().locator('button.amendment-reply').click();
      await k.stance('against').check();
      await k.commentText.fill('Les comptes sont déjà publiés.');
      await k.commentSend.click();
      await expectText(m.replies.first().locator('.amendment-comment-text'), 'Les comptes sont déjà publiés.');
      await expectText(m.replies.first().locator('.amendment-stance'), FR.amend_stance_against);
      assert.equal(await m.comments.count(), 1, 'a reply is threaded under its comment');
      await k.support.click();
      await expectText(m.supports, FR.amend_supports.replace('{n}', '2'));
      assert.equal(await k.edit.count(), 0, 'only its author edits it');

      // The author revises it with the same form.
      await m.edit.click();
      await m.form.waitFor();
      assert.equal(await m.wording.inputValue(), 'de son action et de ses comptes');
      await m.wording.fill('de son action et de ses comptes annuels');
      await m.submit.click();
      await m.form.waitFor({ state: 'detached' });
      await expectText(k.inserted, 'et de ses comptes annuels');

      // And withdraws it, after confirming.
      await m.withdraw.click();
      await m.withdrawYes.click();
      await expectAttribute(m.status, 'data-status', 'withdrawn');
      await expectAttribute(k.status, 'data-status', 'withdrawn');
      await m.historyTo('filed').waitFor();
    });
  });

  test('the keyboard alone files an amendment on a phone, and nothing is wider than the screen', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (keeper) => {
      await keeper.setViewportSize(PHONE);
      await createText(keeper);
      await write(keeper, BODY);
      const a = amendmentsOf(keeper);

      // Select "de son action" with the keyboard, at the text's end.
      const { editor } = documentPage(keeper);
      await editor.focus();
      await keeper.keyboard.press('Control+End');
      await keeper.keyboard.press('ArrowLeft');
      for (let i = 0; i < 'de son action'.length; i += 1) await keeper.keyboard.press('Shift+ArrowLeft');

      // Up to the bar's menu, open it, on to the button.
      await tabTo(keeper, '#bar-menu', { back: true });
      await keeper.keyboard.press('Enter');
      await tabTo(keeper, '#propose-amendment');
      await keeper.keyboard.press('Enter');
      await a.form.waitFor();
      await expectText(a.passage, 'de son action');
      assert.equal(await keeper.evaluate(() => document.activeElement?.id), 'amendment-wording', 'focus starts in the wording');
      await assertFits(keeper, a.form, PHONE.width);
      await mkdir(RESULTS_DIR, { recursive: true });
      await keeper.screenshot({ path: path.join(RESULTS_DIR, 'amendments-detail-form-390.png') });

      // Escape closes it and gives focus back to the button.
      await keeper.keyboard.press('Escape');
      await a.form.waitFor({ state: 'detached' });
      await keeper.waitForFunction(() => document.activeElement?.id === 'propose-amendment');

      await keeper.keyboard.press('Enter');
      await a.form.waitFor();
      await keeper.keyboard.press('Control+A');
      await keeper.keyboard.type('de toute son action');
      await tabTo(keeper, '#amendment-rationale');
      await keeper.keyboard.type('Tout, pas une partie.');
      await tabTo(keeper, '#amendment-submit');
      await keeper.keyboard.press('Enter');
      await a.form.waitFor({ state: 'detached' });
      await a.detail.waitFor();
      await expectText(a.inserted, 'toute ');
      await expectText(a.rationaleShown, 'Tout, pas une partie.');
      await expectText(a.number, 'A1');
      await assertFits(keeper, a.panel, PHONE.width);
      await keeper.screenshot({ path: path.join(RESULTS_DIR, 'amendments-detail-390.png'), fullPage: true });

      // "Supprimer tout le paragraphe" selects the paragraph for a deletion
      // (the panel, a bottom sheet on a phone, closed first).
      await keeper.keyboard.press('Escape');
      await a.panel.waitFor({ state: 'detached' });
      await select(keeper, 'bureau rend');
      await propose(keeper);
      await a.deleteParagraph.click();
      await expectText(a.passage, BODY.split('\n\n')[1]);
      assert.ok(await a.remove.isChecked(), 'it is a deletion');
      await a.submit.click();
      await a.form.waitFor({ state: 'detached' });
      await expectText(a.deleted, BODY.split('\n\n')[1]);
      assert.equal(await a.inserted.count(), 0);
    });
  });
});
