// Shared fixtures and helpers for every end-to-end test.
//
// - `server` (worker-scoped): starts `ingang-server --demo` on 127.0.0.1 with a free port and a
//   fresh temporary database, serving the release build in dist/; stopped after the worker.
// - `baseURL` points at that server, so `page.goto('/sok-vard')` works.
// - `consoleErrors`: console errors and uncaught exceptions seen by the page.
// - `expectNoAxeViolations(page)`: axe-core with the WCAG 2.1 A/AA tags; any violation fails.
import { test as base, expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const SERVER_BIN = process.env.INGANG_SERVER_BIN ?? join(ROOT, 'target/debug/ingang-server');
const DIST = process.env.INGANG_DIST ?? join(ROOT, 'dist');

export type Server = { url: string; process: ChildProcess };

/** Starts a server on a free port with a fresh database; `dist` defaults to the release build.
 *  `opts.dir` and `opts.listen` restart a server on its old database and address. */
export async function startServer(
  dist = DIST,
  extraArgs: string[] = [],
  opts: { dir?: string; listen?: string } = {},
): Promise<{ server: Server; dir: string }> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'ingang-e2e-'));
  const child = spawn(
    SERVER_BIN,
    // one server serves many tests from one address, each logging in and sending care requests
    // for the same demo people: the limits of open requests per patient (3) and of logins per
    // address and minute (20) are raised unless a test sets its own
    ['--db', join(dir, 'db.sqlite'), '--static', dist, '--listen', opts.listen ?? '127.0.0.1:0', '--demo',
      '--max-open-cases', '100', '--starts-per-minute', '10000', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/listening on (http:\/\/\S+?)\/?\s/);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return { server: { url, process: child }, dir };
}

export async function stopServer(server: Server, dir: string) {
  await killServer(server);
  rmSync(dir, { recursive: true, force: true });
}

/** Stops the server and keeps its database (for a restart). */
export async function killServer(server: Server) {
  if (server.process.exitCode !== null) return;
  server.process.kill('SIGTERM');
  await new Promise((r) => server.process.once('exit', r));
}

export { DIST };

/** A test that provokes errors in the page on purpose says so with this annotation. */
export const PAGE_ERRORS_EXPECTED = { type: 'page-errors-expected' };

export const test = base.extend<{ consoleErrors: string[]; pageErrors: string[] }, { server: Server }>({
  server: [
    async ({}, use) => {
      const { server, dir } = await startServer();
      await use(server);
      await stopServer(server, dir);
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ server }, use) => use(server.url),
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
    await use(errors);
  },
  // Every test fails on an uncaught error or a Rust panic in any page of its context: a panic
  // in wasm can leave the app's state broken even when the screen looks right.
  pageErrors: [
    async ({ context }, use, testInfo) => {
      const errors: string[] = [];
      const watch = (p: Page) => {
        p.on('pageerror', (err) => errors.push(`${p.url()}: uncaught ${err.message}`));
        p.on('console', (msg) => {
          if (msg.type() === 'error' && /panicked at|RuntimeError|already borrowed|disposed/.test(msg.text())) {
            errors.push(`${p.url()}: ${msg.text()}`);
          }
        });
      };
      context.pages().forEach(watch);
      context.on('page', watch);
      await use(errors);
      if (!testInfo.annotations.some((a) => a.type === PAGE_ERRORS_EXPECTED.type)) {
        expect(errors, 'uncaught errors or panics in the page').toEqual([]);
      }
    },
    { auto: true },
  ],
});

export { expect };

/** Runs axe-core (WCAG 2.0/2.1 A and AA) on the page and fails on any violation. */
export async function expectNoAxeViolations(page: Page, label = page.url()) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`,
  );
  expect(summary, `axe violations on ${label}`).toEqual([]);
  // axe finishes its run in a page of its own, opened and closed in this page's context; until
  // this page is in front again it may count as hidden, and a hidden page runs no animation
  // frames (where the app moves focus after a navigation, src/components/page.rs)
  await page.bringToFront();
}

/** Waits until the app runs: the start page prerendered into index.html is gone (the app
 *  removes it when it mounts its own screen) and a heading shows. */
export async function waitForApp(page: Page) {
  await expect(page.locator('#prerender')).toHaveCount(0);
  await expect(page.locator('h1')).toBeVisible();
}

/** Chooses a language in the header's language menu by its own name ("English", "Suomi",
 *  "العربية"). */
export async function chooseLanguage(page: Page, name: string) {
  await page.locator('#language-toggle').click();
  await expect(page.locator('#language')).toHaveAttribute('open', '');
  await page.locator('#language-menu').getByRole('button', { name, exact: true }).click();
}

/** Every route of the app with its Swedish heading; `protected` ones send a signed-out user to
 *  /logga-in (session.spec.ts checks them signed in). */
export const ROUTES: { path: string; heading: string; protected?: boolean }[] = [
  { path: '/', heading: 'Välkommen till Ingång' },
  { path: '/sok-vard', heading: 'Sök vård' },
  { path: '/sok-vard/ny', heading: 'Innan du börjar', protected: true },
  { path: '/kontaktuppgifter', heading: 'Dina kontaktuppgifter', protected: true },
  { path: '/arenden', heading: 'Mina ärenden', protected: true },
  { path: '/arenden/finns-inte', heading: 'Ditt ärende', protected: true },
  { path: '/bokade-tider', heading: 'Bokade tider', protected: true },
  { path: '/bokade-tider/finns-inte', heading: 'Ditt besök', protected: true },
  { path: '/boka-tid', heading: 'Boka tid', protected: true },
  { path: '/kvitto/finns-inte', heading: 'Kvitto', protected: true },
  { path: '/inkorg', heading: 'Inkorg', protected: true },
  { path: '/inkorg/finns-inte', heading: 'Meddelande', protected: true },
  { path: '/e-tjanster', heading: 'E-tjänster', protected: true },
  { path: '/e-tjanster/hc-gibraltar', heading: 'Välj e-tjänst', protected: true },
  { path: '/e-tjanster/hc-gibraltar/kontakta-mig', heading: 'Skicka ärende', protected: true },
  { path: '/e-arende/finns-inte', heading: 'Ditt ärende', protected: true },
  { path: '/installningar', heading: 'Inställningar' },
  { path: '/tillganglighet', heading: 'Tillgänglighetsredogörelse' },
  { path: '/forhandsgranska', heading: 'Förhandsgranska formulär' },
  { path: '/logga-in', heading: 'Logga in' },
  { path: '/finns-inte', heading: 'Sidan finns inte' },
];

/** Plays the user's BankID app through the server's /test-bankid page (its HTML and form, by
 *  HTTP: a second tab would hide the app's tab and stall its animation frames). */
export async function identifyOnTestPage(context: BrowserContext, base: string, pnr: string) {
  let orderRef: string | undefined;
  await expect
    .poll(async () => {
      const html = await (await context.request.get(`${base}/test-bankid`)).text();
      orderRef = [...html.matchAll(/data-order-ref="([^"]+)"/g)].pop()?.[1];
      return orderRef;
    })
    .toBeTruthy();
  const res = await context.request.post(`${base}/test-bankid`, {
    form: { order_ref: orderRef!, action: 'identify', identity: pnr },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(303);
}

/** Logs in as `pnr` with a QR login from the current page (which must be /logga-in). */
export async function loginHere(page: Page, pnr: string, base = '') {
  await page.getByRole('button', { name: 'BankID på annan enhet' }).click();
  await expect(page.getByRole('img', { name: 'QR-kod för BankID' })).toBeVisible();
  await identifyOnTestPage(page.context(), base || new URL(page.url()).origin, pnr);
}

/** Goes to `path` signed in as `pnr` (registering contact details if this is the first login). */
export async function loginAndGo(page: Page, pnr: string, path: string) {
  await page.goto(`/logga-in?next=${encodeURIComponent(path)}`);
  await loginHere(page, pnr);
  await page.waitForURL((url) => url.pathname !== '/logga-in');
  // The route decides once the session and contact details are known (nothing says "Laddar").
  await page.waitForFunction(() => {
    const heading = document.querySelector('h1')?.textContent ?? '';
    const loading = Array.from(document.querySelectorAll('main [role=status]')).some((e) =>
      (e as HTMLElement).innerText.includes('Laddar'),
    );
    return heading !== '' && heading !== 'Logga in' && !loading;
  });
  if (new URL(page.url()).pathname === '/kontaktuppgifter') {
    await page.getByLabel('Mobilnummer').fill('070-123 45 67');
    await page.getByRole('button', { name: 'Spara och fortsätt' }).click();
  }
  // (an assertion, not a wait: on failure it says where the app went instead)
  await expect(page).toHaveURL((url) => url.pathname === path.split('?')[0]);
}

/** Walks the seek-care flow from the rules to the questionnaire: accepts the rules, chooses the
 *  person (default: the user), the unit (default: the preselected health centre) and the
 *  category, and writes the description. Ends on the category's questions. */
export async function startCare(
  page: Page,
  opts: { person?: RegExp; unit?: RegExp; category: RegExp; description: string },
) {
  await page.goto('/sok-vard/ny');
  await expect(page.locator('h1')).toHaveText('Innan du börjar');
  await page.getByLabel('Jag har läst reglerna och godkänner dem').check();
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await expect(page.locator('h1')).toHaveText('Vem söker du vård för?');
  if (opts.person) await page.getByRole('radio', { name: opts.person }).check();
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await expect(page.locator('h1')).toHaveText('Mottagning och besvär');
  if (opts.unit) await page.getByRole('radio', { name: opts.unit }).check();
  await page.getByRole('radio', { name: opts.category }).check();
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await expect(page.locator('h1')).toHaveText('Beskriv vad du söker vård för');
  await page.getByLabel('Beskriv med egna ord').fill(opts.description);
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await expect(page.locator('h1')).toHaveText('Frågor om besvären');
}

/** A complete answer to the cold form ("vila": short of breath at rest, urgent). */
export function coldResponse(breathing = 'nej') {
  const coding = (code: string) => ({ valueCoding: { system: 'https://ingang.se/fhir/CodeSystem/forkylning', code } });
  return {
    resourceType: 'QuestionnaireResponse',
    questionnaire: 'https://ingang.se/fhir/Questionnaire/forkylning|1.0',
    status: 'completed',
    item: [
      { linkId: 'andning', answer: [coding(breathing)] },
      { linkId: 'symtom', answer: [coding('snuva')] },
      { linkId: 'varaktighet', answer: [coding('lt3d')] },
    ],
  };
}

/** Sends a cold request for the signed-in user through the API (as the app does): its id.
 *  `key` is the idempotency key; the unit is the user's health centre unless given. */
export async function sendColdForMyself(
  page: Page,
  origin: string,
  key: string,
  opts: { unitId?: string; description?: string } = {},
): Promise<string> {
  const me = (await (await page.request.get('/api/v1/me/people')).json()).people[0].id;
  const created = await page.request.post('/api/v1/cases', {
    headers: { 'X-Ingang-Csrf': '1', Origin: origin, 'Idempotency-Key': key },
    data: {
      personId: me,
      unitId: opts.unitId ?? 'hc-gibraltar',
      questionnaireId: 'forkylning',
      description: opts.description ?? 'Hosta.',
      rulesAccepted: true,
      response: coldResponse(),
    },
  });
  expect(created.status()).toBe(201);
  return (await created.json()).id;
}

/** The sealed draft whose storage key ends with `suffix` (e.g. `/seek-care`), or null. */
export function sealedDraft(page: Page, suffix: string) {
  return page.evaluate(
    (end) => Object.entries(localStorage).find(([k]) => k.startsWith('ingang.draft.') && k.endsWith(end))?.[1] ?? null,
    suffix,
  );
}

/** Runs `act`, then waits until the sealed draft ending with `suffix` has been written anew
 *  (encryption runs in the background; every write has a fresh IV, so it always changes). */
export async function afterSealed(page: Page, suffix: string, act: () => Promise<void>) {
  const before = await sealedDraft(page, suffix);
  await act();
  await expect.poll(() => sealedDraft(page, suffix)).not.toBe(before);
}

/** The first POST matching `url` reaches the server, but its answer is lost on the way back. */
export async function loseFirstAnswer(page: Page, url: (url: URL) => boolean) {
  let lost = false;
  await page.route(url, async (route) => {
    if (route.request().method() === 'POST' && !lost) {
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
}

/** Sends with `send`, and once the POST to `url` has reached the server, goes to Bokade tider
 *  before its answer comes back: the user leaving while a request is on its way. */
export async function leaveWhileSending(page: Page, url: string, send: () => Promise<void>) {
  let reached!: () => void;
  const atServer = new Promise<void>((resolve) => (reached = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(url, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const response = await route.fetch();
    reached();
    await released;
    await route.fulfill({ response });
  });
  await send();
  await atServer;
  await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Bokade tider' }).click();
  await expect(page.locator('h1')).toHaveText('Bokade tider');
  release();
}

/** Care staff work at desktop computers: tests that need the staff's side open it in a context
 *  of this size, whatever size the patient's project has (staff.spec.ts checks the console at
 *  the project's own phone and tablet sizes). */
export const STAFF_DESKTOP = { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 };

/** Care staff (`who`: lena, a nurse, or omar, a doctor) sign in to the console in a browser
 *  context of their own, desktop-sized unless `options` say otherwise. Close `staffContext` at
 *  the end. */
export async function staffSignIn(
  browser: Browser,
  origin: string,
  who: 'lena' | 'omar' = 'lena',
  options: Parameters<Browser['newContext']>[0] = STAFF_DESKTOP,
) {
  const staffContext = await browser.newContext({ ...options, baseURL: origin });
  const staff = await staffContext.newPage();
  await staff.goto('/staff');
  await staff.getByLabel('Person').selectOption(who);
  await clickUncovered(staff.getByRole('button', { name: 'Logga in' }));
  await expect(staff.locator('h1')).toHaveText('Kö');
  return { staff, staffContext };
}

/** Staff pick case `id` in the queue ("din tur"); the row then says "Pågår". */
export async function pickCase(staff: Page, id: string) {
  await clickUncovered(staff.locator(`tr[data-case="${id}"]`).getByRole('button', { name: /^Ta ärende/ }));
  await expect(staff.locator(`tr[data-case="${id}"]`)).toContainText('Pågår');
}

/** Care staff (Lena) sign in at a desktop and pick case `id`: its chat opens. */
export async function staffPicks(browser: Browser, origin: string, id: string) {
  const { staff, staffContext } = await staffSignIn(browser, origin);
  await pickCase(staff, id);
  return { staff, staffContext };
}

/** What covers the centre of `el` once it is scrolled into view: null when nothing does (the
 *  element itself, or something inside it, is what a pointer there would hit). */
function coverAt(el: Element): string | null {
  el.scrollIntoView({ block: 'center', inline: 'center' });
  // a link that wraps has one box per line: the pointer may use any of them
  const boxes = Array.from(el.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
  if (boxes.length === 0) return 'it has no size';
  let cover = 'it cannot be scrolled into view';
  for (const r of boxes) {
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
    const hit = document.elementFromPoint(x, y);
    if (hit && (el === hit || el.contains(hit))) return null;
    if (hit) cover = `${hit.tagName.toLowerCase()}${hit.id ? '#' + hit.id : ''} "${(hit.textContent ?? '').trim().slice(0, 40)}"`;
  }
  return cover;
}

/** Clicks only a target that is in view and not covered, failing with what covers it instead
 *  of waiting for a click to land by luck. */
export async function clickUncovered(target: Locator) {
  await expect(target).toBeVisible();
  await expect.poll(() => target.evaluate(coverAt), { message: 'something covers the click target' }).toBeNull();
  await target.click();
}

/** Every link, button and form field on the page can be reached by a pointer: scrolled into
 *  view, nothing lies over its centre, and the page itself is no wider than the screen (a wide
 *  table scrolls inside its own box). */
export async function expectNothingCovered(page: Page, label = page.url()) {
  const problems: string[] = [];
  const width = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  if (width[0] > width[1] + 1) problems.push(`the page is ${width[0]} px wide on a ${width[1]} px screen`);
  const targets = page.locator('a[href], button, input:not([type=hidden]), select, textarea, [tabindex="0"]');
  for (const target of await targets.all()) {
    if (!(await target.isVisible())) continue;
    const problem = await target.evaluate(coverAt);
    if (problem) problems.push(`${await target.evaluate((el) => el.outerHTML.slice(0, 80))}: ${problem}`);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  expect(problems, `covered or unreachable on ${label}`).toEqual([]);
}

/** WCAG 2.1 SC 1.4.12 (text spacing) plus a wide monospace font: content must still fit and
 *  nothing may cover anything. Needs a context with `bypassCSP` (the CSP allows no inline style). */
export async function useWideText(page: Page) {
  await page.addStyleTag({
    content:
      '* { font-family: monospace !important; line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-block-end: 2em !important; }',
  });
}

/** Goes offline only once the service worker is active, i.e. has precached every file of the
 *  version (now dozens of wasm chunks): going offline in the middle of that install fails it,
 *  and a reload then finds neither a worker nor a network. */
export async function goOffline(page: Page) {
  await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready).active);
  await page.context().setOffline(true);
}

/** 08:00 in Stockholm tomorrow, in Unix seconds (summer or winter time). */
export function stockholmMorningTomorrow() {
  const day = new Date(Date.now() + 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Stockholm' });
  const noon = new Date(`${day}T12:00:00Z`);
  const offset = Number(noon.toLocaleString('en-GB', { timeZone: 'Europe/Stockholm', hour: '2-digit', hour12: false })) - 12;
  return Date.parse(`${day}T08:00:00Z`) / 1000 - offset * 3600;
}

/** Records every "Laddar …" the main landmark shows: from now on (`now`), or from the next
 *  page load on (`next load`, before the app starts). The function returned lists them. */
export async function watchLoading(page: Page, when: 'now' | 'next load') {
  const record = () => {
    const seen: string[] = [];
    (window as unknown as { loadingSeen: string[] }).loadingSeen = seen;
    new MutationObserver(() => {
      const status = document.querySelector('main [role=status]');
      if (status?.textContent?.includes('Laddar')) seen.push(status.textContent);
    }).observe(document, { childList: true, subtree: true, characterData: true });
  };
  await (when === 'now' ? page.evaluate(record) : page.addInitScript(record));
  return () => page.evaluate(() => (window as unknown as { loadingSeen: string[] }).loadingSeen);
}

/** Makes the chunk `split_<name>.wasm` fail to load (as offline) until `release()`, and counts
 *  its fetches. Use a context with `serviceWorkers: 'block'`: the worker would serve the chunk
 *  from its cache. */
export async function holdChunk(page: Page, name: string) {
  const state = { fetched: 0, blocked: true };
  await page.route(new RegExp(`/pkg-[0-9a-f]{16}/split_${name}\\.wasm$`), (route) => {
    state.fetched += 1;
    return state.blocked ? route.abort('internetdisconnected') : route.continue();
  });
  return { fetched: () => state.fetched, release: () => void (state.blocked = false) };
}

/** A chunk's failure shown inside a screen: an alert that says so, then "Försök igen" once the
 *  chunk can be had again (`release`), after which `shows` must appear and the alert be gone. */
export async function expectChunkRetry(page: Page, label: string, release: () => void, shows: Locator) {
  const failed = page.getByTestId('chunk-failed');
  await expect(failed).toHaveAttribute('role', 'alert');
  await expect(failed).toContainText('Den här delen av appen kunde inte hämtas');
  await expectNoAxeViolations(page, label);
  release();
  await page.getByRole('button', { name: 'Försök igen' }).click();
  await expect(shows).toBeVisible();
  await expect(failed).toHaveCount(0);
}
