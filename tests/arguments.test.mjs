// The argument map's page (components/argument_map.rs, argument_tree.rs,
// argument_focus.rs, argument_claim_form.rs, argument_standing.rs):
// two people build a small map together live from the home page's "New
// argument map" (each sees the other's claims appear), move a claim by
// keyboard, have a move under the claim's own child refused in words,
// endorse and rate a claim (the count shows in the other browser); a
// view link reads and cannot edit; the tree is an ARIA tree the keyboard
// alone goes through (in English, the labels checked against the
// catalogue); on a 390 px phone the focused view's columns stack and
// nothing overflows. Every wait ends on an element or an attribute.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage, openPeople, openShare, presence, viewLinkOf } from './lib/app.mjs';
import { expectAttribute, expectText, newPage } from './lib/browser.mjs';
import { open, withPeople } from './lib/editing.mjs';
import { STRINGS } from './lib/strings.mjs';
import { relayAndBrowser } from './lib/suite.mjs';
import { add, back, createMap, idOf, item, openFocus, writeQuestion } from './lib/arguments.mjs';

const TEST_TIMEOUT_MS = 180_000;
const FR = STRINGS.fr;
const EN = STRINGS.en;

/** Give the name in the People panel, then close it. */
async function setName(page, name) {
  await openPeople(page);
  const p = presence(page);
  if (await p.changeName.isVisible()) await p.changeName.click();
  await p.nameInput.fill(name);
  await p.nameSave.click();
  await expectText(p.nameShown, name);
  await page.keyboard.press('Escape');
  await page.locator('#people-panel').waitFor({ state: 'detached' });
}

/** The claim the keyboard is on. */
function focusedClaim(page) {
  return page.evaluate(() => document.activeElement?.getAttribute('data-claim') ?? null);
}

/** Wait until the keyboard is on the claim `id`. */
async function expectFocusOn(page, id) {
  await page.waitForFunction((id) => document.activeElement?.getAttribute('data-claim') === id, id);
}

/** A map with a question, two pros and a con, through the page. */
async function smallMap(page, { question, pros, cons }) {
  const q = await writeQuestion(page, question);
  await openFocus(page, q);
  for (const text of pros) await add(page, 'pro', text);
  for (const text of cons) await add(page, 'con', text);
  await back(page);
  return q;
}

describe('argument maps', () => {
  const suite = relayAndBrowser();

  test('two people build a small map together live', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, b) => {
      const link = await createMap(a);
      await setName(a, 'Alice');
      const question = 'Faut-il passer aux 32 heures ?';
      const q = await writeQuestion(a, question);
      await expectAttribute(item(a, question), 'data-role', 'question');
      await expectText(item(a, question).locator(':scope > .claim-row .role-badge'), `?${FR.map_role_question}`);

      await open(b, link);
      await setName(b, 'Bruno');
      await item(b, question).waitFor();

      // Each adds an argument in the focused view; each sees the other's.
      await openFocus(a, q);
      await openFocus(b, q);
      await add(a, 'pro', 'Moins de chômage');
      await add(b, 'con', 'Les petites entreprises ne suivront pas');
      await b.locator('#focus-pros .card .statement', { hasText: 'Moins de chômage' }).waitFor();
      await a.locator('#focus-cons .card .statement', { hasText: 'Les petites entreprises ne suivront pas' }).waitFor();

      // Alice answers the con from its own view: a con under a con.
      await a.locator('#focus-cons .card-open', { hasText: 'Les petites entreprises' }).click();
      await add(a, 'con', 'Des aides à l’embauche existent');
      await back(a);
      await back(b);
      const pro = await idOf(b, 'Moins de chômage');
      const con = await idOf(b, 'Les petites entreprises ne suivront pas');
      const answer = await idOf(b, 'Des aides à l’embauche existent');
      await expectAttribute(item(b, 'Des aides à l’embauche existent'), 'data-role', 'answer');
      await expectAttribute(item(b, 'Moins de chômage'), 'data-role', 'pro');
      await expectAttribute(item(b, 'Les petites entreprises ne suivront pas'), 'data-role', 'con');
      // Who wrote what, discreetly.
      await expectText(
        item(b, 'Des aides à l’embauche existent').locator(':scope > .claim-row .who'),
        FR.map_by.replace('{name}', 'Alice'),
      );
      await expectText(item(a, question).locator(':scope > .claim-row .under'), FR.map_under_count.replace('{n}', '3'));

      // Bruno moves the answer under the pro by keyboard: M, up, Enter.
      await b.locator(`#argument-tree [data-claim="${answer}"]`).focus();
      await b.keyboard.press('m');
      await expectText(b.locator('#map-move-bar p'), FR.map_move_hint.replace('{text}', 'Des aides à l’embauche existent'));
      await b.keyboard.press('ArrowUp');
      await b.keyboard.press('ArrowUp');
      await expectFocusOn(b, pro);
      await b.keyboard.press('Enter');
      await expectText(b.locator('#map-said'), FR.map_moved.replace('{text}', 'Moins de chômage'));
      for (const page of [a, b]) {
        await expectAttribute(page.locator(`#argument-tree [data-claim="${answer}"]`), 'data-parent', pro);
        // A con under a pro of the question: an objection now.
        await expectAttribute(page.locator(`#argument-tree [data-claim="${answer}"]`), 'data-role', 'objection');
      }
      await expectText(
        a.locator(`#argument-tree [data-claim="${answer}"] > .claim-row .role-badge`),
        `−${FR.map_role_objection}`,
      );

      // Moving the pro under its own child is refused, in words.
      await b.locator(`#argument-tree [data-claim="${pro}"]`).focus();
      await b.keyboard.press('m');
      await b.keyboard.press('ArrowDown');
      await expectFocusOn(b, answer);
      await b.keyboard.press('Enter');
      await expectAttribute(b.locator('#map-said .map-said'), 'data-refused', 'true');
      await expectText(b.locator('#map-said'), FR.arg_error_cycle);
      await expectAttribute(b.locator(`#argument-tree [data-claim="${pro}"]`), 'data-parent', q);

      // Bruno uses the pro and rates it 3: Alice sees the count and the mean.
      await openFocus(b, pro);
      await expectAttribute(b.locator('#claim-endorse'), 'aria-pressed', 'false');
      await b.locator('#claim-endorse').click();
      await expectAttribute(b.locator('#claim-endorse'), 'aria-pressed', 'true');
      await b.locator('label[for="claim-strength-3"]').click();
      await expectText(b.locator('#claim-strength-mean'), FR.map_strength_mean.replace('{mean}', '3,0').replace('{n}', '1'));
      await expectAttribute(a.locator(`#argument-tree [data-claim="${pro}"] > .claim-row .endorsements`), 'data-count', '1');
      await expectText(
        a.locator(`#argument-tree [data-claim="${pro}"] > .claim-row .endorsements`),
        FR.map_endorse_count.replace('{n}', '1'),
      );
      await openFocus(a, pro);
      await expectText(a.locator('#claim-strength-mean'), FR.map_strength_mean.replace('{mean}', '3,0').replace('{n}', '1'));
      await expectAttribute(a.locator('#claim-endorse'), 'aria-pressed', 'false');
      await a.locator('#claim-who').click();
      await expectText(a.locator('#claim-who-list'), 'Bruno');
      // The focused view: the breadcrumb leads back to the question, the
      // objection shows in the cons column.
      await a.locator('#focus-cons .card .statement', { hasText: 'Des aides à l’embauche existent' }).waitFor();
      await a.locator('#claim-focus .breadcrumb li button', { hasText: question }).waitFor();
      await a.locator('#claim-focus .breadcrumb li button', { hasText: question }).click();
      await expectAttribute(a.locator('#claim-focus'), 'data-claim', q);
      await a.locator(`#focus-cons .card[data-claim="${con}"]`).waitFor();
    });
  });

  test('a view link reads the map and cannot edit it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, c) => {
      await createMap(a);
      const question = 'Faut-il un local syndical ?';
      const q = await smallMap(a, { question, pros: ['Se réunir au chaud'], cons: ['Le loyer'] });
      const viewLink = await viewLinkOf(a);
      await open(c, viewLink);
      await item(c, 'Se réunir au chaud').waitFor();
      await expectText(c.locator('.map-read-only'), FR.map_read_only);
      assert.equal(await c.locator('#argument-tree [draggable="true"]').count(), 0, 'nothing to drag');
      assert.equal(await c.locator('.add-top, #new-top').count(), 0, 'no form to add at the top');
      await openFocus(c, q);
      await c.locator('#focus-pros .card', { hasText: 'Se réunir au chaud' }).waitFor();
      for (const control of ['#claim-edit', '#claim-move', '#claim-delete', '#claim-merge', '#add-pro', '#add-con', '#claim-endorse', '#claim-strength', '#claim-comment-form']) {
        assert.equal(await c.locator(control).count(), 0, `no ${control} for a view link`);
      }
      // A key a writer would use to move does nothing here.
      await back(c);
      await c.locator(`#argument-tree [data-claim="${q}"]`).focus();
      await c.keyboard.press('m');
      assert.equal(await c.locator('#map-move-bar').count(), 0, 'no move with a view link');
    });
  });

  test('an amend link proposes an argument, an editor makes it a claim', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 2, async (a, m) => {
      await createMap(a);
      const question = 'Faut-il changer de local ?';
      const q = await smallMap(a, { question, pros: ['Plus grand'], cons: [] });
      await openShare(a);
      const amendLink = await a.locator('#share-amend-link').inputValue();
      await a.keyboard.press('Escape');
      await a.locator('#share-panel').waitFor({ state: 'detached' });
      await open(m, amendLink);
      await setName(m, 'Mona');
      await openFocus(m, q);
      // An amend link takes part (endorse, rate, propose) but edits nothing.
      await m.locator('#claim-endorse').waitFor();
      for (const control of ['#claim-edit', '#claim-delete', '#add-pro', '#add-con']) {
        assert.equal(await m.locator(control).count(), 0, `no ${control} for an amend link`);
      }
      await m.locator('label[for="claim-comment-con"]').click();
      await m.locator('#claim-comment-text').fill('Le nouveau loyer est trop cher');
      await m.locator('#claim-comment-submit').click();
      await expectText(m.locator('#map-said'), FR.map_commented);

      await openFocus(a, q);
      const proposal = a.locator('#claim-comments .comment', { hasText: 'Le nouveau loyer est trop cher' });
      await expectAttribute(proposal, 'data-stance', 'con');
      await expectText(proposal.locator('.comment-head'), `${FR.map_comment_con} · Mona`);
      await proposal.locator('.comment-accept').click();
      await m.locator('#focus-cons .card .statement', { hasText: 'Le nouveau loyer est trop cher' }).waitFor();
      await a.locator('#focus-cons .card .statement', { hasText: 'Le nouveau loyer est trop cher' }).waitFor();
    });
  });

  test('deleting says what goes with it and can be undone; so can a merge', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, 1, async (a) => {
      await createMap(a);
      const q = await smallMap(a, { question: 'Faut-il une cotisation plus basse ?', pros: ['Plus de membres', 'Davantage de membres'], cons: [] });
      const first = await idOf(a, 'Plus de membres');
      const twin = await idOf(a, 'Davantage de membres');
      await openFocus(a, first);
      await add(a, 'con', 'Moins de moyens');
      const under = await a.locator('#focus-cons .card').getAttribute('data-claim');

      await a.locator('#claim-delete').click();
      await expectText(
        a.locator('#claim-delete-question'),
        FR.map_delete_confirm.replace('{text}', 'Plus de membres').replace('{n}', '1'),
      );
      await a.locator('#claim-delete-yes').click();
      await expectText(a.locator('#map-said'), FR.map_deleted_said);
      await a.locator('#argument-tree').waitFor();
      assert.equal(await a.locator(`#argument-tree [data-claim="${first}"]`).count(), 0, 'the deleted claim is gone');
      assert.equal(await a.locator(`#argument-tree [data-claim="${under}"]`).count(), 0, 'and what was under it');
      await expectText(a.locator('#map-deleted summary'), FR.map_deleted_heading.replace('{n}', '1'));
      await a.locator('#map-deleted summary').click();
      await a.locator(`#map-deleted [data-deleted="${first}"] .restore`).click();
      await expectText(a.locator('#map-said'), FR.map_restored);
      await expectAttribute(a.locator(`#argument-tree [data-claim="${under}"]`), 'data-parent', first);

      // The twin is marked as a duplicate of the first, then set apart again.
      await openFocus(a, twin);
      await a.locator('#claim-merge').click();
      await a.locator('#claim-merge-into').selectOption(first);
      await a.locator('#claim-merge-submit').click();
      await expectText(a.locator('#map-said'), FR.map_merged.replace('{text}', 'Plus de membres'));
      await a.locator('#argument-tree').waitFor();
      assert.equal(await a.locator(`#argument-tree [data-claim="${twin}"]`).count(), 0, 'a duplicate leaves the tree');
      await openFocus(a, first);
      await a.locator(`.merged-here [data-merged="${twin}"] .unmerge`).click();
      await expectText(a.locator('#map-said'), FR.map_unmerged);
      await back(a);
      await expectAttribute(a.locator(`#argument-tree [data-claim="${twin}"]`), 'data-parent', q);

      // A mouse drags the con onto the twin: it goes under it.
      await a
        .locator(`#argument-tree [data-claim="${under}"] > .claim-row`)
        .dragTo(a.locator(`#argument-tree [data-claim="${twin}"] > .claim-row`));
      await expectAttribute(a.locator(`#argument-tree [data-claim="${under}"]`), 'data-parent', twin);
      await expectText(a.locator('#map-said'), FR.map_moved.replace('{text}', 'Davantage de membres'));
    });
  });

  test('the keyboard alone goes through the tree, in English', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, ['en-US'], async (a) => {
      await createMap(a);
      await a.locator('#map-empty h2').waitFor();
      await expectText(a.locator('#map-empty h2'), EN.map_empty_heading);
      const q = await smallMap(a, { question: 'Should we strike?', pros: ['It works', 'We are many'], cons: ['Lost pay'] });
      const works = await idOf(a, 'It works');
      const many = await idOf(a, 'We are many');
      const pay = await idOf(a, 'Lost pay');
      const tree = a.locator('#argument-tree');
      await expectAttribute(tree, 'role', 'tree');
      await expectAttribute(tree, 'aria-label', EN.map_tree_label);
      await expectText(item(a, 'It works').locator(':scope > .claim-row .role-badge'), `+${EN.map_role_pro}`);
      await expectText(item(a, 'Lost pay').locator(':scope > .claim-row .role-badge'), `−${EN.map_role_con}`);
      assert.equal(await tree.locator('[role="treeitem"][tabindex="0"]').count(), 1, 'one item in the tab order');

      // Tab into the tree: the question is the current item.
      await a.locator('#map-search').focus();
      let guard = 0;
      while ((await focusedClaim(a)) === null && guard++ < 10) await a.keyboard.press('Tab');
      assert.equal(await focusedClaim(a), q, 'Tab reaches the tree at its current item');
      await a.keyboard.press('ArrowDown');
      await expectFocusOn(a, works);
      await a.keyboard.press('ArrowDown');
      await expectFocusOn(a, many);
      await a.keyboard.press('End');
      await expectFocusOn(a, pay);
      await a.keyboard.press('ArrowLeft');
      await expectFocusOn(a, q);
      await expectAttribute(a.locator(`#argument-tree [data-claim="${q}"]`), 'aria-expanded', 'true');
      await a.keyboard.press('ArrowLeft');
      await expectAttribute(a.locator(`#argument-tree [data-claim="${q}"]`), 'aria-expanded', 'false');
      assert.equal(await a.locator(`#argument-tree [data-claim="${works}"]`).count(), 0, 'folded away');
      await expectFocusOn(a, q);
      await a.keyboard.press('ArrowRight');
      await expectAttribute(a.locator(`#argument-tree [data-claim="${q}"]`), 'aria-expanded', 'true');
      await a.keyboard.press('ArrowRight');
      await expectFocusOn(a, works);

      // Alt+↓ puts "It works" after "We are many".
      await a.keyboard.press('Alt+ArrowDown');
      await expectText(a.locator('#map-said'), EN.map_reordered);
      await a.waitForFunction(
        ([q, many, works]) => {
          const ids = [...document.querySelectorAll(`#argument-tree [data-claim="${q}"] > ul > li`)].map((li) => li.dataset.claim);
          return ids.indexOf(many) >= 0 && ids.indexOf(many) < ids.indexOf(works);
        },
        [q, many, works],
      );
      await expectFocusOn(a, works);

      // Enter opens the focused view; Escape comes back to the same item.
      await a.keyboard.press('Enter');
      await expectAttribute(a.locator('#claim-focus'), 'data-claim', works);
      await expectText(a.locator('#claim-focus-statement'), 'It works');
      await expectText(a.locator('#focus-pros h3'), `+${EN.map_pros_heading}`);
      await a.keyboard.press('Escape');
      await tree.waitFor();
      await expectFocusOn(a, works);

      // The search: how many match, ancestors kept.
      await a.locator('#map-search').fill('pay');
      await expectText(a.locator('#map-matches'), EN.map_matches.replace('{n}', '1').replace('{total}', '4'));
      await item(a, 'Lost pay').waitFor();
      assert.equal(await item(a, 'It works').count(), 0, 'what does not match is hidden');
      await item(a, 'Should we strike?').waitFor();
    });
  });

  test('on a phone the focused view stacks its columns', { timeout: TEST_TIMEOUT_MS }, async () => {
    const page = await newPage(suite.browser, { locale: 'fr-FR', relay: suite.relay });
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      await createMap(page);
      const q = await smallMap(page, {
        question: 'Faut-il ouvrir une permanence le samedi matin au local de la section ?',
        pros: ['Les salariés sont libres le samedi', 'Le marché est juste à côté, on y croise du monde'],
        cons: ['Personne pour la tenir toutes les semaines'],
      });
      await openFocus(page, q);
      const pros = await page.locator('#focus-pros').boundingBox();
      const cons = await page.locator('#focus-cons').boundingBox();
      assert.ok(cons.y >= pros.y + pros.height - 1, `the cons (y ${cons.y}) come under the pros (bottom ${pros.y + pros.height})`);
      assert.ok(pros.width > 250, `a column takes the phone's width (${pros.width})`);
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(width <= 390, `nothing overflows (scroll width ${width})`);
      await back(page);
      const treeWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(treeWidth <= 390, `the tree does not overflow either (scroll width ${treeWidth})`);
    } finally {
      await page.context().close();
    }
  });
});
