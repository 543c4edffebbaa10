// Installable PWA: manifest, service worker, installability, offline shell, security headers.
import { chromium } from '@playwright/test';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, waitForApp, ROUTES, DIST, startServer, stopServer } from './fixtures';
import { CHROMIUM_ARGS } from './playwright.config';

// Chrome never offers installation in an incognito-like context (what Playwright's contexts
// are), so this test launches its own persistent profile against the worker's server.
test('Chrome reports no installability errors', async ({ server }, testInfo) => {
  const context = await chromium.launchPersistentContext(testInfo.outputPath('profile'), {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: testInfo.project.use.viewport,
  });
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitForApp(page);
    await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready).active);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('manifest has what an installable health app needs', async ({ request }) => {
  const res = await request.get('/manifest.webmanifest');
  expect(res.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await res.json();
  expect(manifest).toMatchObject({ lang: 'sv', start_url: '/', scope: '/', display: 'standalone', short_name: 'Ingång' });
  const sizes = manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes}/${i.purpose}`);
  expect(sizes).toEqual(expect.arrayContaining(['192x192/any', '512x512/any', '192x192/maskable', '512x512/maskable']));
  for (const icon of manifest.icons) {
    expect((await request.get(icon.src)).status(), icon.src).toBe(200);
  }
  expect((await request.get('/icons/apple-touch-icon.png')).status()).toBe(200);
});

test('the app shell reloads offline once the service worker is active', async ({ page, context }) => {
  await page.goto('/');
  await waitForApp(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('h1')).toHaveText('Välkommen till Ingång');
  // Navigating to another route offline works too; the API outage is stated plainly.
  await page.goto('/installningar');
  await expect(page.locator('h1')).toHaveText('Inställningar');
  await expect(page.getByRole('alert')).toContainText('Tjänsten kan inte nås just nu');
  await context.setOffline(false);
});

test('the service worker never caches API responses', async ({ page }) => {
  await page.goto('/sok-vard');
  await expect(page.getByRole('heading', { name: 'Folktandvården Luleå' })).toBeVisible();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Folktandvården Luleå' })).toBeVisible();
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
    }
    return urls;
  });
  expect(cached).toContain('/index.html');
  expect(cached.filter((u) => u.startsWith('/api/'))).toEqual([]);
});

test('every response has the security headers and the app runs under the CSP without console errors', async ({
  page,
  consoleErrors,
}) => {
  // twenty whole page loads, one per route: more than 30 s on a slow two-core machine
  test.slow();
  const res = await page.goto('/');
  const headers = res!.headers();
  expect(headers['content-security-policy']).toContain("default-src 'self'");
  expect(headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(headers['content-security-policy']).not.toContain('unsafe-inline');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['permissions-policy']).toContain('camera=(self)');
  // One inline script survives the build, the one line that hides the prerendered start page
  // on other paths, and the CSP allows exactly it, by its hash.
  const inline = await page.locator('script:not([src])').evaluateAll((s) => s.map((e) => e.textContent ?? ''));
  expect(inline).toHaveLength(1);
  const hash = createHash('sha256').update(inline[0], 'utf8').digest('base64');
  expect(headers['content-security-policy']).toContain(`'sha256-${hash}'`);
  for (const route of ROUTES) {
    await page.goto(route.path);
    await expect(page.locator('h1')).toHaveText(route.protected ? 'Logga in' : route.heading);
  }
  expect(consoleErrors).toEqual([]);
});

// A real update: this test serves its own copy of dist/ and deploys a new sw.js into it
// (the browser's update check of the worker script cannot be intercepted by page routing).
test('a new version waits, is offered as "Ny version finns", and is applied on request', async ({ page }, testInfo) => {
  const dist = testInfo.outputPath('dist');
  cpSync(DIST, dist, { recursive: true });
  const { server, dir } = await startServer(dist);
  try {
    await page.goto(`${server.url}/sok-vard`);
    await waitForApp(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    const current = readFileSync(join(dist, 'sw.js'), 'utf8');
    const next = current.replace(/const BUILD = '[^']+'/, "const BUILD = 'e2e-next'");
    expect(next).not.toEqual(current);
    writeFileSync(join(dist, 'sw.js'), next);
    // Last-Modified has a one-second resolution: make the new deploy visibly newer.
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(dist, 'sw.js'), later, later);
    rmSync(join(dist, 'sw.js.br'), { force: true });
    rmSync(join(dist, 'sw.js.gz'), { force: true });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());

    const offer = page.getByRole('status').filter({ hasText: 'Ny version finns.' });
    await expect(offer).toBeVisible();
    // Nothing reloads on its own: the page keeps its state until the user says so.
    await expect(page.locator('h1')).toHaveText('Sök vård');
    await Promise.all([page.waitForEvent('load'), offer.getByRole('button', { name: 'Uppdatera' }).click()]);
    await expect(page.locator('h1')).toHaveText('Sök vård');
    await expect(page.getByRole('button', { name: 'Uppdatera' })).toHaveCount(0);
    const cacheNames = await page.evaluate(() => caches.keys());
    expect(cacheNames).toContain('ingang-shell-e2e-next');
    expect(cacheNames.filter((n) => n.startsWith('ingang-shell-'))).toHaveLength(1);
  } finally {
    await stopServer(server, dir);
  }
});
