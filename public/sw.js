// Cahier's service worker: it keeps the app's own files, so a page reloads
// with no network (the documents themselves live in IndexedDB, encrypted
// on the wire and never seen here).
//
// Network first, cache as the fallback: whenever the server answers, the
// newest build is used and cached (a navigation only when it is the app's
// own page, the one shell). On install it caches the start page and
// every file it names (trunk gives them hashed names), so the very first
// visit already works offline after a reload. Other origins, other methods
// and the relay's own endpoints are left alone.

const CACHE = 'cahier-app-v1';
// A file the page names beside itself, with or without `./` (trunk writes
// `./name-hash.js`; index.html names `favicon.svg`).
const ASSET = /["'](?:\.\/)?((?![/.])[^"'#?:]+\.(?:js|wasm|css|svg|webmanifest))["']/g;
const RELAY_PATHS = ['ws', 'healthz', 'metrics'];

async function cacheApp() {
  const cache = await caches.open(CACHE);
  const index = await fetch('./', { cache: 'no-cache' });
  if (!index.ok) return;
  const html = await index.clone().text();
  await cache.put('./', index);
  const assets = new Set([...html.matchAll(ASSET)].map((match) => `./${match[1]}`));
  await Promise.all(
    [...assets].map(async (asset) => {
      const response = await fetch(asset, { cache: 'no-cache' });
      if (response.ok) await cache.put(asset, response);
    }),
  );
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheApp().catch(() => {}));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (RELAY_PATHS.includes(url.pathname.slice(scope.pathname.length))) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(request);
        // Only the app's own page becomes the shell: a navigation to any
        // other path (`/%69ndex.html`, a stray page) is never stored as it.
        const shell = url.pathname === scope.pathname || url.pathname === `${scope.pathname}index.html`;
        if (response.ok && response.type === 'basic' && (request.mode !== 'navigate' || shell)) {
          await cache.put(request.mode === 'navigate' ? './' : request, response.clone());
        }
        return response;
      } catch (error) {
        const cached =
          (await cache.match(request, { ignoreSearch: true })) ??
          (request.mode === 'navigate' ? await cache.match('./') : undefined);
        if (cached) return cached;
        throw error;
      }
    })(),
  );
});
