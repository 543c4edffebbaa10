import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'] });
for (let i = 0; i < 3; i++) {
const page = await browser.newPage(); page.on('console', m => m.text().startsWith('PERF') && console.log(m.text(), Date.now()));
await page.route((u) => u.pathname === '/bench/form-800.json', (r) => r.fulfill({ body: readFileSync('target/bench/form-800.json'), contentType: 'application/fhir+json' }));
await page.addInitScript(() => {
  window.__t = {};
  new MutationObserver(() => {
    if (!window.__t.h1 && document.querySelector('h1')) window.__t.h1 = performance.now();
    if (!window.__t.first && document.querySelector('[data-link-id]')) window.__t.first = performance.now();
    if (!window.__t.last && document.querySelector('[data-link-id="g39-i18"]')) window.__t.last = performance.now();
  }).observe(document, { childList: true, subtree: true });
});
await page.goto('http://127.0.0.1:8099/forhandsgranska?questionnaire=/bench/form-800.json');
await page.waitForFunction(() => window.__t.last);
console.log(JSON.stringify(await page.evaluate(() => [window.__t, performance.timeOrigin])), JSON.stringify(await page.evaluate(() => performance.getEntriesByType('resource').map(e => [e.name.split('/').pop().slice(0,30), Math.round(e.responseEnd)]))));
await page.close();
}
await browser.close();
