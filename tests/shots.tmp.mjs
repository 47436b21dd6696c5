// Temporary: screenshots of the new UI (not committed).
import { launchBrowser, newPage } from './lib/browser.mjs';
import { startRelay } from './lib/relay.mjs';
import { createText, typeAtEnd, waitSynced } from './lib/editing.mjs';

const OUT = '/work/shots';
const relay = await startRelay({ args: ['--creation-token', 'jeton'] });
const browser = await launchBrowser();
try {
  for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-US']]) {
    for (const [size, viewport] of [['laptop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
      const page = await newPage(browser, { locale, relay });
      await page.setViewportSize(viewport);
      await page.goto('/');
      await page.locator('#new-text').click();
      await page.locator('#token-form').waitFor();
      await page.screenshot({ path: `${OUT}/${lang}-${size}-token.png`, fullPage: true });
      await page.locator('#creation-token').fill('jeton');
      await page.locator('#token-form button[type="submit"]').click();
      await page.locator('#status[data-state="online"]').waitFor();
      await page.locator('#title').fill('Motion pour le congrès');
      await typeAtEnd(page, ['Premier paragraphe de la motion.']);
      await waitSynced(page);
      await page.waitForURL(/#d=/);
      await page.locator('#forget').click();
      await page.locator('#forget-confirm').waitFor();
      await page.screenshot({ path: `${OUT}/${lang}-${size}-forget.png`, fullPage: true });
      await page.locator('#forget-confirm').click();
      await page.locator('#forgotten').waitFor();
      await page.screenshot({ path: `${OUT}/${lang}-${size}-forgotten.png`, fullPage: true });
      await page.goBack();
      await page.locator('#not-kept').waitFor();
      await page.screenshot({ path: `${OUT}/${lang}-${size}-notkept.png`, fullPage: true });
      await page.context().close();
    }
  }
} finally {
  await browser.close();
  await relay.close();
}
console.log('done');
