import { launchBrowser, newPage } from './lib/browser.mjs';
import { startRelay } from './lib/relay.mjs';
import { createText, open } from './lib/editing.mjs';
import { openPeople, people, documentPage } from './lib/app.mjs';
const relay = await startRelay();
const browser = await launchBrowser();
try {
  const a = await newPage(browser, { locale: 'fr-FR', relay });
  await a.setViewportSize({ width: 1280, height: 800 });
  const link = await createText(a);
  await documentPage(a).editor.focus();
  await a.keyboard.type('Bonjour à tous', { delay: 5 });
  await people(a).prompt.waitFor();
  await a.screenshot({ path: '/tmp/shots/prompt.png' });
  await people(a).promptInput.fill('Louise');
  await a.keyboard.press('Enter');
  const b = await newPage(browser, { locale: 'en-US', relay });
  await open(b, link);
  await documentPage(b).editor.focus();
  await b.keyboard.type(' Jean here', { delay: 5 });
  await people(b).promptInput.fill('Jean');
  await b.keyboard.press('Enter');
  await openPeople(a);
  await a.locator('#presence li[data-name="Jean"]').waitFor();
  await a.screenshot({ path: '/tmp/shots/panel.png' });
  await a.emulateMedia({ colorScheme: 'dark' });
  await a.screenshot({ path: '/tmp/shots/panel-dark.png' });
} finally {
  await browser.close();
  await relay.stop?.();
  process.exit(0);
}
