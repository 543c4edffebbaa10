// Large-form benchmark, run by `cargo xtask bench` (not a test: it asserts nothing).
// Opens /forhandsgranska with the generated 800-item questionnaire in headless Chromium and
// measures (1) navigation start -> first screen of items rendered and usable, and -> every item
// rendered (long forms render progressively, a chunk per frame), and
// (2) keystroke -> next paint in a text field (this includes waiting for the next frame), the
// app's own work per keystroke (input event handling), and the number of DOM nodes in the form
// that changed per keystroke (the renderer touches only the edited item).
import { chromium } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';

const url = process.env.BENCH_URL;
const form = readFileSync(process.env.BENCH_FORM);
// (the Smart Forms health check run sets these: its last item, a text field, and the
// calculations table, which is there once the expression evaluator has loaded)
const LAST = process.env.BENCH_LAST ?? 'g39-i18';
const TARGET = process.env.BENCH_TARGET ?? 'g20-i9';
const WAIT = process.env.BENCH_WAIT;
const RUNS = 5;
const KEYS = 40;

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))], n: s.length };
};

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
const loads = [];
const firsts = [];
const keys = [];
const mutations = [];
const procs = [];
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.route((u) => u.pathname === '/bench/form-800.json', (r) => r.fulfill({ body: form, contentType: 'application/fhir+json' }));
  await page.addInitScript((last) => {
    window.__formFirst = null;
    window.__formReady = null;
    new MutationObserver((_, obs) => {
      if (window.__formFirst === null && document.querySelector('[data-link-id]')) window.__formFirst = performance.now();
      if (document.querySelector(`[data-link-id="${last}"]`)) {
        window.__formReady = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, LAST);
  await page.goto(`${url}forhandsgranska?questionnaire=/bench/form-800.json`);
  await page.waitForFunction(() => window.__formReady !== null, null, { timeout: 60_000 });
  loads.push(await page.evaluate(() => window.__formReady));
  firsts.push(await page.evaluate(() => window.__formFirst));

  if (WAIT) await page.locator(WAIT).first().waitFor({ state: 'attached', timeout: 60_000 });
  const input = page.locator(`[data-link-id="${TARGET}"] input`).first();
  await input.focus();
  await page.evaluate(() => {
    window.__keys = [];
    window.__mut = [];
    window.__proc = [];
    let start = 0;
    // the app's own work per keystroke: from the first input listener to the last
    window.addEventListener('input', () => { start = performance.now(); }, true);
    window.addEventListener('input', () => { window.__proc.push(performance.now() - start); });
    let count = 0;
    new MutationObserver((records) => {
      for (const r of records) count += r.addedNodes.length + r.removedNodes.length + (r.type === 'childList' ? 0 : 1);
    }).observe(document.querySelector('.q-items'), { childList: true, subtree: true, attributes: true, characterData: true });
    document.addEventListener('keydown', (e) => {
      const t0 = e.timeStamp;
      count = 0;
      requestAnimationFrame(() => setTimeout(() => {
        window.__keys.push(performance.now() - t0);
        window.__mut.push(count);
      }, 0));
    }, true);
  });
  for (let k = 0; k < KEYS; k++) {
    await page.keyboard.press(k % 7 === 6 ? 'Backspace' : 'a');
    // one keystroke at a time: the next key waits until this one has painted
    await page.waitForFunction((n) => window.__keys.length > n, k);
  }
  await page.waitForFunction((n) => window.__keys.length >= n, KEYS);
  keys.push(...(await page.evaluate(() => window.__keys)));
  mutations.push(...(await page.evaluate(() => window.__mut)));
  procs.push(...(await page.evaluate(() => window.__proc)));
  await context.close();
}
await browser.close();
const report = { first_ms: stats(firsts), load_ms: stats(loads), key_ms: stats(keys), input_ms: stats(procs), mutations: stats(mutations), raw: { firsts, loads, keys, mutations } };
writeFileSync(process.env.BENCH_REPORT, JSON.stringify(report, null, 2));
console.log(`form bench: load median ${report.load_ms.median.toFixed(0)} ms, keystroke median ${report.key_ms.median.toFixed(1)} ms`);
