// Prints the markup the built app renders at `/` for a first visitor (see xtask/src/prerender.rs).
// Usage: node xtask/prerender.mjs <url>; CHROMIUM names the browser (never downloaded).
import { chromium } from '@playwright/test';

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run',
  ],
});
try {
  const context = await browser.newContext({ locale: 'sv-SE', serviceWorkers: 'block', viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.locator('main h1').waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  if (errors.length) throw new Error(`the app failed while prerendering: ${errors.join('; ')}`);
  const markup = await page.evaluate(() => {
    const box = document.createElement('div');
    for (const node of document.body.childNodes) {
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      if (['SCRIPT', 'NOSCRIPT'].includes(node.nodeName) || node.id === 'prerender') continue;
      box.append(node.cloneNode(true));
    }
    // what depends on the moment, not on the start page
    box.querySelectorAll('.banner, [role="alert"]').forEach((e) => e.remove());
    // the region comes from the deployment's config.json, not the build's: keep its line (so
    // nothing moves when the app fills it in) but not its name
    box.querySelectorAll('.header__region').forEach((e) => (e.textContent = '\u00a0'));
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_COMMENT);
    const comments = [];
    while (walker.nextNode()) comments.push(walker.currentNode);
    comments.forEach((c) => c.remove());
    // a button does nothing until the app runs: say so (links work: they load their page)
    box.querySelectorAll('button').forEach((b) => b.setAttribute('aria-disabled', 'true'));
    return box.innerHTML;
  });
  process.stdout.write(markup);
} finally {
  await browser.close();
}
