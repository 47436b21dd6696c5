// People and colours (components/people.rs, session/roster.rs,
// model/src/awareness.rs): one person shows in one colour in every
// browser (list, legend, their words), a colour someone else has is not
// given twice, a reader's caret is not drawn, offline the others are
// marked as last seen and their carets hidden, and the name is asked at
// the first edit without taking the caret away.
//
// Every wait ends on an element, an attribute or a value, never on a fixed
// sleep.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { documentPage, openPeople, people, presence, viewLinkOf } from './lib/app.mjs';
import { expectAttribute, expectText } from './lib/browser.mjs';
import { createText, open, RECONNECT_TIMEOUT_MS, waitForText, waitForValue, withPeople } from './lib/editing.mjs';
import { STRINGS } from './lib/strings.mjs';
import { relayAndBrowser } from './lib/suite.mjs';

const TEST_TIMEOUT_MS = 120_000;
// model::awareness::PALETTE's first two.
const BLUE = '#3344cc';
const RED = '#dd2233';

/** Give the name in the People panel's form, and wait until it is shown. */
async function setName(page, name) {
  await openPeople(page);
  const p = presence(page);
  if (await p.changeName.isVisible()) await p.changeName.click();
  await p.nameInput.fill(name);
  await p.nameSave.click();
  await expectText(p.nameShown, name);
  await expectAttribute(p.me, 'data-name', name);
}

/** Type `words` at the end of the text. */
async function typeAtEnd(page, words) {
  await documentPage(page).editor.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(words);
}

/** Wait for two animation frames: the backdrop is rebuilt in the next one. */
function twoFrames(page) {
  return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** The id of the element that has focus. */
function focused(page) {
  return page.evaluate(() => document.activeElement?.id ?? '');
}

/** `#rrggbb` as the `r, g, b` of a computed colour. */
function rgb(hex) {
  const n = (i) => parseInt(hex.slice(i, i + 2), 16);
  return `${n(1)}, ${n(3)}, ${n(5)}`;
}

/** Every page of `pages` reported no problem. */
function assertClean(pages) {
  for (const [i, page] of pages.entries()) {
    assert.deepEqual(page.problems, [], `person ${i}: the page reported problems`);
  }
}

describe('people', () => {
  const suite = relayAndBrowser();

  test('one person has one colour in both browsers: list, legend and words, also after choosing another', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, ['fr-FR', 'en-US'], async (a, b) => {
      const link = await createText(a);
      await setName(a, 'Louise');
      await typeAtEnd(a, 'Texte de Louise. ');
      await open(b, link);
      await setName(b, 'Jean');
      await waitForValue(b, 'Texte de Louise. ');
      await typeAtEnd(b, 'Added by Jean.');
      await waitForValue(a, 'Texte de Louise. Added by Jean.');

      const louise = await presence(a).me.getAttribute('data-colour');
      const jean = await presence(b).me.getAttribute('data-colour');
      assert.match(louise, /^#[0-9a-f]{6}$/);
      assert.notEqual(louise, jean, 'two people, two colours');
      for (const page of [a, b]) {
        await openPeople(page);
        await expectAttribute(presence(page).person('Louise'), 'data-colour', louise);
        await expectAttribute(presence(page).person('Jean'), 'data-colour', jean);
        await expectAttribute(people(page).legendOf('Louise'), 'data-colour', louise);
        await expectAttribute(people(page).legendOf('Jean'), 'data-colour', jean);
        assert.equal(await people(page).legend.count(), 2);
      }
      // The bar's initials, in the same colours.
      await expectText(people(a).initials.first(), 'L');
      const initial = await people(a).initials.first().evaluate((e) => getComputedStyle(e).backgroundColor);
      assert.equal(initial, `rgb(${rgb(louise)})`);
      // Jean's words are coloured with his colour at Louise's.
      await presence(a).authorship.check();
      const run = presence(a).authorRuns.filter({ hasText: 'Added by Jean.' });
      await run.waitFor();
      const background = await run.evaluate((e) => getComputedStyle(e).backgroundColor);
      assert.match(background, new RegExp(`^rgba\\(${rgb(jean)}, 0\\.2\\d*\\)$`));

      // Louise chooses another colour: her list row, her legend line and
      // her words follow, in both browsers.
      const free = (await people(a).colour('#007700').isDisabled()) ? '#776600' : '#007700';
      await people(a).colour(free).check();
      for (const page of [a, b]) {
        await expectAttribute(presence(page).person('Louise'), 'data-colour', free);
        await expectAttribute(people(page).legendOf('Louise'), 'data-colour', free);
      }
      await a.waitForFunction(
        ([text, colour]) =>
          [...document.querySelectorAll('.backdrop.authors span.by')].some(
            (span) => span.textContent.includes(text) && getComputedStyle(span).backgroundColor.startsWith(`rgba(${colour},`),
          ),
        ['Texte de Louise.', rgb(free)],
      );
      // Kept in her browser: the same after a reload.
      await a.reload();
      await expectAttribute(documentPage(a).status, 'data-state', 'online');
      await openPeople(a);
      await expectAttribute(presence(a).me, 'data-colour', free);
      await expectAttribute(presence(b).person('Louise'), 'data-colour', free);
      assertClean([a, b]);
    });
  });

  test('two people who prefer one colour are not given it both: the one with words keeps it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, ['fr-FR', 'en-US'], async (a, b) => {
      for (const page of [a, b]) {
        await page.context().addInitScript((colour) => localStorage.setItem('cahier.colour', colour), BLUE);
      }
      const link = await createText(a);
      await setName(a, 'Louise');
      await typeAtEnd(a, 'Les mots de Louise.');
      await open(b, link);
      await setName(b, 'Jean');
      await waitForValue(b, 'Les mots de Louise.');

      // Louise wrote in blue: Jean yields, and takes the next colour.
      await expectAttribute(presence(a).me, 'data-colour', BLUE);
      await expectAttribute(presence(b).me, 'data-colour', RED);
      await expectAttribute(presence(a).person('Jean'), 'data-colour', RED);
      await expectAttribute(presence(b).person('Louise'), 'data-colour', BLUE);
      // Jean's choice does not offer blue: Louise has it.
      await openPeople(b);
      assert.ok(await people(b).colour(BLUE).isDisabled(), 'blue is taken');
      const taken = STRINGS.en.colour_taken_by.replace('{name}', 'Louise');
      assert.match(await people(b).colourLabel(BLUE).textContent(), new RegExp(taken));
      assert.ok(await people(b).colour(RED).isChecked(), 'his colour is checked');
      assertClean([a, b]);
    });
  });

  test("a reader is listed, but the reader's caret is not drawn at the writer's", { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPeople(t, suite, ['fr-FR', 'fr-FR', 'en-US'], async (a, b, c) => {
      const link = await createText(a);
      await setName(a, 'Louise');
      await typeAtEnd(a, 'la motion est adoptée');
      const viewLink = await viewLinkOf(a);
      await openPeople(a);

      // A writer's caret is drawn...
      await open(b, link);
      await waitForValue(b, 'la motion est adoptée');
      await documentPage(b).editor.focus();
      await b.keyboard.press('Control+Home');
      await b.keyboard.press('ArrowRight');
      await setName(b, 'Jean');
      await presence(a).caret('Jean').waitFor();

      // ...a reader's is not: the reader moves the caret, then gives a name;
      // once the name is here, so would the caret be.
      await open(c, viewLink);
      await waitForValue(c, 'la motion est adoptée');
      await documentPage(c).editor.focus();
      await c.keyboard.press('Control+Home');
      for (let i = 0; i < 3; i += 1) await c.keyboard.press('ArrowRight');
      await setName(c, 'Lectrice');
      await expectAttribute(presence(a).person('Lectrice'), 'data-read-only', 'true');
      await twoFrames(a);
      assert.equal(await presence(a).caret('Lectrice').count(), 0, "no reader's caret");
      assert.equal(await a.locator('.backdrop.cursors .caret').count(), 1, "only Jean's caret");
      // A reader never has the name prompt, even trying to type.
      await documentPage(c).editor.focus();
      await c.keyboard.insertText('x');
      await waitForValue(c, 'la motion est adoptée');
      assert.equal(await people(c).prompt.count(), 0);
      assertClean([a, b, c]);
    });
  });

  for (const [lang, locale] of Object.entries({ fr: 'fr-FR', en: 'en-US' })) {
    const words = STRINGS[lang];

    test(`offline, the others are marked as last seen and their carets hidden until back (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withPeople(t, suite, [locale, 'fr-FR'], async (a, b) => {
        const link = await createText(a);
        await setName(a, 'Louise');
        await typeAtEnd(a, 'Ordre du jour');
        await open(b, link);
        await setName(b, 'Jean');
        await waitForValue(b, 'Ordre du jour');
        await documentPage(b).editor.focus();
        await b.keyboard.press('Control+Home');
        await presence(a).caret('Jean').waitFor();
        await openPeople(a);
        const jean = presence(a).person('Jean');
        assert.equal(await jean.getAttribute('data-last-seen'), null, 'here, not last seen');

        await a.context().setOffline(true);
        await expectAttribute(documentPage(a).status, 'data-state', 'offline');
        await a.locator('#presence li[data-name="Jean"][data-last-seen]').waitFor();
        const time = await jean.getAttribute('data-last-seen');
        assert.match(time, /^\d\d:\d\d$/);
        await expectText(jean.locator('.last-seen'), words.people_last_seen.replace('{time}', time));
        await expectText(a.locator('.people-offline'), words.people_offline);
        await presence(a).caret('Jean').waitFor({ state: 'detached' });

        await a.context().setOffline(false);
        await expectAttribute(documentPage(a).status, 'data-state', 'online', { timeout: RECONNECT_TIMEOUT_MS });
        await a.locator('#presence li[data-name="Jean"]:not([data-last-seen])').waitFor();
        await presence(a).caret('Jean').waitFor();
        assert.equal(await a.locator('.people-offline').count(), 0);
      });
    });

    test(`the name is asked at the first edit, typing goes on, and focus comes back to the text (${lang})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withPeople(t, suite, [locale, locale], async (a, b) => {
        const link = await createText(a);
        const p = people(a);
        assert.equal(await p.prompt.count(), 0, 'not before an edit');
        await documentPage(a).editor.focus();
        await a.keyboard.type('Bonjour', { delay: 5 });
        await p.prompt.waitFor();
        await expectText(p.prompt.locator('label'), words.prompt_text);
        // The prompt took nothing: the caret is still in the text.
        assert.equal(await focused(a), 'editor');
        await a.keyboard.type(' à tous', { delay: 5 });
        await waitForValue(a, 'Bonjour à tous');

        // Answered from the keyboard: focus goes back to the text.
        await p.promptInput.focus();
        await a.keyboard.type('Louise');
        await a.keyboard.press('Enter');
        await p.prompt.waitFor({ state: 'detached' });
        assert.equal(await focused(a), 'editor');
        await openPeople(a);
        await expectAttribute(presence(a).me, 'data-name', 'Louise');

        // Waved away ("Not now", or Escape): not asked again, even after
        // a reload.
        await open(b, link);
        await documentPage(b).editor.focus();
        await b.keyboard.press('Control+End');
        await b.keyboard.type('!', { delay: 5 });
        await people(b).prompt.waitFor();
        await people(b).promptInput.focus();
        await b.keyboard.press('Escape');
        await people(b).prompt.waitFor({ state: 'detached' });
        assert.equal(await focused(b), 'editor');
        await b.reload();
        await expectAttribute(documentPage(b).status, 'data-state', 'online');
        await documentPage(b).editor.focus();
        await b.keyboard.press('Control+End');
        await b.keyboard.type('?', { delay: 5 });
        await waitForValue(b, 'Bonjour à tous!?');
        await twoFrames(b);
        assert.equal(await people(b).prompt.count(), 0, 'not asked again');
        assertClean([a, b]);
      });
    });
  }
});
