/* Ingång service worker.
 *
 * The build (`cargo xtask post-build`) replaces the two placeholders below with the list of
 * app-shell files and their content revisions. What this worker does:
 * - install: precache the shell, copying unchanged files (same revision) from the previous
 *   version's cache instead of downloading them again; then wait for the user to say "Uppdatera".
 * - fetch: navigations get the cached index.html (the app works offline); precached files come
 *   from the cache; /config.json and a language file a region added (strings/*.json) are
 *   network-first with the cached copy as fallback.
 *   Everything else, and anything under /api/, is left to the network and NEVER cached:
 *   health data must not end up in a cache that outlives the session.
 */
'use strict';

const PRECACHE = __PRECACHE_MANIFEST__; // [{ url, revision }]
const BUILD = '__BUILD_VERSION__';

const SHELL_CACHE = `ingang-shell-${BUILD}`;
const CONFIG_CACHE = 'ingang-config';
const MANIFEST_KEY = '/__ingang-precache-manifest';
// Paths that are never the app shell, even for navigations.
const NETWORK_ONLY = ['/api/', '/staff', '/test-'];

const precached = new Map(PRECACHE.map((e) => [e.url, e.revision]));

async function previousShell() {
  for (const name of await caches.keys()) {
    if (name.startsWith('ingang-shell-') && name !== SHELL_CACHE) {
      const cache = await caches.open(name);
      const res = await cache.match(MANIFEST_KEY);
      if (res) return { cache, revisions: new Map(await res.json()) };
    }
  }
  return null;
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    const old = await previousShell();
    await Promise.all(PRECACHE.map(async ({ url, revision }) => {
      if (old && old.revisions.get(url) === revision) {
        const res = await old.cache.match(url);
        if (res) return cache.put(url, res);
      }
      const res = await fetch(url, { cache: 'reload', credentials: 'same-origin' });
      if (!res.ok) throw new Error(`precache ${url}: ${res.status}`);
      return cache.put(url, res);
    }));
    await cache.put(MANIFEST_KEY, new Response(JSON.stringify([...precached])));
    // The runtime configuration too, so the app can start offline; refreshed on every online start.
    try {
      const config = await fetch('/config.json', { cache: 'reload' });
      if (config.ok) await (await caches.open(CONFIG_CACHE)).put('/config.json', config);
    } catch (_) { /* offline during install: the next online start fills it */ }
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('ingang-') && name !== SHELL_CACHE && name !== CONFIG_CACHE) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'SKIP_WAITING') self.skipWaiting();
  // logout wipes local data: this device's push subscription too (the server ended it already)
  if (event.data === 'LOGGED_OUT' && self.registration.pushManager) {
    event.waitUntil(self.registration.pushManager.getSubscription().then((s) => s && s.unsubscribe()));
  }
});

// Web Push (server: crates/server/src/push.rs): "din tur", a chat message or an inbox message
// while the app is closed. The message is { title, body, url, tag }: no health data, only where
// in the app to go. A message that cannot be read still shows a notification (the browser
// requires one for every push): the app's name alone, since the worker does not know the
// user's language.
self.addEventListener('push', (event) => {
  let message = {};
  try { message = event.data ? event.data.json() : {}; } catch (_) { /* not JSON: the defaults */ }
  const path = typeof message.url === 'string' && message.url.startsWith('/') && !message.url.startsWith('//')
    ? message.url : '/';
  event.waitUntil(self.registration.showNotification(message.title || 'Ingång', {
    body: typeof message.body === 'string' ? message.body : '',
    tag: message.tag || 'ingang',
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { url: path },
  }));
});

// The push service replaced this device's subscription (keys rotated, or it expired): subscribe
// again with the same options and tell the API, signed in as the user is (the session cookie;
// the CSRF header every change needs). Without a session the API refuses, and the user turns
// push on again in Inställningar.
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil((async () => {
    const old = event.oldSubscription;
    const fresh = event.newSubscription
      || (old && old.options ? await self.registration.pushManager.subscribe(old.options) : null);
    if (!fresh) return;
    let base = '/api/v1';
    try {
      const config = await (await caches.open(CONFIG_CACHE)).match('/config.json');
      if (config) base = (await config.json()).apiBaseUrl || base;
    } catch (_) { /* the default */ }
    const send = (method, body) => fetch(`${base}/push/subscription`, {
      method, credentials: 'include', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-ingang-csrf': '1' },
    });
    await send('PUT', fresh);
    if (old && old.endpoint !== fresh.endpoint) await send('DELETE', { endpoint: old.endpoint });
  })());
});

// A click on a notification: "Nu är det din tur" shown by the app (registration.showNotification,
// so it appears even when the app is in the background) or a Web Push above. It carries no health
// data, only the app's path. A click focuses an open window of the app and shows that screen,
// or opens one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
      if (new URL(client.url).origin === target.origin) {
        await client.focus();
        if ('navigate' in client) await client.navigate(target.href);
        return;
      }
    }
    await self.clients.openWindow(target.href);
  })());
});

// config.json, and a language file the region added after the build (README, "Adding a
// language"): fresh when online, the last copy offline
async function networkFirst(request, path) {
  const cache = await caches.open(CONFIG_CACHE);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(path, res.clone());
    return res;
  } catch (err) {
    const cached = await cache.match(path);
    if (cached) return cached;
    throw err;
  }
}

async function shell(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match('/index.html');
  return cached || fetch(request);
}

async function cacheFirst(request, path) {
  const cache = await caches.open(SHELL_CACHE);
  return (await cache.match(path)) || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (url.pathname === '/config.json') {
    event.respondWith(networkFirst(request, '/config.json'));
  } else if (request.mode === 'navigate') {
    event.respondWith(shell(request));
  } else if (precached.has(url.pathname)) {
    event.respondWith(cacheFirst(request, url.pathname));
  } else if (url.pathname.startsWith('/strings/') && url.pathname.endsWith('.json')) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});
