// Screenshots of the app for docs/screenshots/ (shown in the README), at
// a laptop's 1280×800 and a phone's 390×844, in French and English: the
// start page, the document page, the read-only page, the share panel and
// the export menu. Not a test: run it after a change to the interface,
// look at the pictures, and commit them.
//
//   CAHIER_RELAY_BIN=<target>/release/relay node tests/screenshots.mjs [out-dir]
//
// It uses the built app in dist/ (scripts/build-app.sh) and a relay on a
// free loopback port, like the browser tests.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchBrowser, newPage } from './lib/browser.mjs';
import { startRelay } from './lib/relay.mjs';
import { waitSynced } from './lib/editing.mjs';
import { viewLinkOf } from './lib/app.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.resolve(process.argv[2] ?? path.join(ROOT, 'docs', 'screenshots'));

const TEXT = {
  fr: {
    title: 'Motion « Pour des transports publics gratuits »',
    body: [
      '## Exposé des motifs\n\n',
      'La section constate que le prix des transports publics pèse de plus en plus lourd dans le budget des ménages modestes, et que la voiture reste le seul choix dans une grande partie du territoire.\n\n',
      '## Proposition\n\n',
      'Le congrès demande la **gratuité** des transports publics urbains, financée par le versement mobilité des employeurs et par une contribution des collectivités.\n\n',
      '- une étude d’impact avant le prochain congrès ;\n- un calendrier de mise en œuvre par agglomération.\n',
    ],
    from: 'financée par le versement mobilité des employeurs',
    to: 'financée par un versement mobilité relevé des employeurs',
    more: '- un bilan public chaque année.\n',
    amend: 'une étude d’impact avant le prochain congrès',
    amendTo: 'une étude d’impact publiée six mois avant le prochain congrès',
    why: 'Laisser aux sections le temps de la discuter.',
  },
  en: {
    title: 'Motion “For free public transport”',
    body: [
      '## Grounds\n\n',
      'The branch notes that the price of public transport weighs more and more on the budget of low-income households, and that the car remains the only choice in a large part of the country.\n\n',
      '## Proposal\n\n',
      'Conference calls for **free** urban public transport, funded by the employers’ mobility levy and by a contribution from local councils.\n\n',
      '- an impact study before the next conference;\n- a timetable for each city region.\n',
    ],
    from: 'funded by the employers’ mobility levy',
    to: 'funded by a higher employers’ mobility levy',
    more: '- a public review every year.\n',
    amend: 'an impact study before the next conference',
    amendTo: 'an impact study published six months before the next conference',
    why: 'Give the branches time to discuss it.',
  },
};

const VIEWPORTS = [
  ['laptop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
];

await mkdir(OUT, { recursive: true });
const relay = await startRelay();
const browser = await launchBrowser();
const shot = (page, name) => page.screenshot({ path: path.join(OUT, `${name}.png`) });
try {
  for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-US']]) {
    for (const [size, viewport] of VIEWPORTS) {
      const name = (what) => `${lang}-${size}-${what}`;
      const page = await newPage(browser, { locale, relay });
      await page.setViewportSize(viewport);
      await page.goto('/');
      await page.locator('#new-text').click();
      await page.locator('#status[data-state="online"]').waitFor();
      await page.locator('#title').fill(TEXT[lang].title);
      await page.locator('#editor').fill(TEXT[lang].body.join(''));
      await waitSynced(page);
      await page.locator('#editor').evaluate((editor) => editor.setSelectionRange(0, 0));
      await page.locator('#title').focus();
      await page.locator('#title').blur();
      await shot(page, name('document'));

      const viewLink = await viewLinkOf(page);
      if (size === 'phone') await page.locator('#bar-menu').click();
      await page.locator('#open-share').click();
      await page.locator('#share-panel').waitFor();
      await shot(page, name('share'));
      await page.keyboard.press('Escape');

      // The history: a checkpoint of the text as it stands, an amendment
      // written into it, a second checkpoint; the panel on the moment,
      // then the two compared.
      await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
      await page.locator('#editor').fill(TEXT[lang].body.join('').replace(TEXT[lang].from, TEXT[lang].to) + TEXT[lang].more);
      await waitSynced(page);
      await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
      if (size === 'phone') await page.locator('#bar-menu').click();
      await page.locator('#open-history').click();
      await page.locator('#history-panel .timeline li.checkpoint:not(.now)').nth(1).waitFor();
      await shot(page, name('history'));
      // From the oldest checkpoint (the select's last option) to now.
      const from = page.locator('#history-compare-from');
      const values = await from.locator('option').evaluateAll((options) => options.map((o) => o.value));
      await from.selectOption(values[values.length - 1]);
      await page.locator('#history-compare').click();
      await page.locator('.compare-view #compare-summary').waitFor();
      await shot(page, name('compare'));
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');

      // Amendments: the form on a selected passage, then the panel with
      // the amendment filed (numbered by this keeper's browser).
      await page.locator('#editor').evaluate((editor, words) => {
        const start = editor.value.indexOf(words);
        editor.focus();
        editor.setSelectionRange(start, start + words.length);
      }, TEXT[lang].amend);
      const propose = page.locator('#propose-amendment');
      if (!(await propose.isVisible())) await page.locator('#bar-menu').click();
      await propose.click();
      await page.locator('#amendment-form').waitFor();
      await page.locator('#amendment-wording').fill(TEXT[lang].amendTo);
      await page.locator('#amendment-rationale').fill(TEXT[lang].why);
      await shot(page, name('amendment-form'));
      await page.locator('#amendment-submit').click();
      await page.locator('#amendments-panel').getByText('A1').first().waitFor();
      await shot(page, name('amendments'));
      await page.keyboard.press('Escape');

      const exportButton = page.locator('#export-button');
      if (await exportButton.count()) {
        if (size === 'phone') await page.locator('#bar-menu').click();
        await exportButton.first().click();
        await shot(page, name('export'));
        await page.keyboard.press('Escape');
      }

      const reader = await newPage(browser, { locale, relay });
      await reader.setViewportSize(viewport);
      await reader.goto(viewLink);
      await reader.locator('#status[data-state="online"]').waitFor();
      await reader.locator('#preview h2').first().waitFor();
      await shot(reader, name('read-only'));

      await page.goto('/');
      await page.locator('#recent li').first().waitFor();
      await shot(page, name('home'));
      await reader.context().close();
      await page.context().close();
    }
  }
} finally {
  await browser.close();
  await relay.close();
}
console.log(`screenshots in ${OUT}`);
