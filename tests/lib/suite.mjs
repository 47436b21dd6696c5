// The fixture every browser test file starts with: one relay and one
// browser for the file's tests.

import { after, before } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { startRelay } from './relay.mjs';

const HOOK_TIMEOUT_MS = 60_000;

/**
 * A relay (started with `relayOptions`, see `startRelay`) and a browser for
 * the tests of the calling `describe`, started before them and stopped
 * after. Its `relay` and `browser` are set once the tests run.
 */
export function relayAndBrowser(relayOptions = {}, { hookTimeout = HOOK_TIMEOUT_MS } = {}) {
  const suite = { relay: undefined, browser: undefined };
  before(
    async () => {
      suite.relay = await startRelay(relayOptions);
      suite.browser = await launchBrowser();
    },
    { timeout: hookTimeout },
  );
  after(
    async () => {
      await suite.browser?.close();
      await suite.relay?.close();
    },
    { timeout: hookTimeout },
  );
  return suite;
}
