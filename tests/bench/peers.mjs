// The same 800-item Swedish form in Ingång, LHC-Forms and SurveyJS, side by side in one Chromium
// run, interleaved (run 1 of each, run 2 of each, ...), run by `cargo xtask bench` (not a test:
// it asserts nothing). For each: navigation -> the last item rendered, keystroke -> next paint in
// the same text item (g20-i9), and the bytes transferred, counted for every response at its
// brotli size (quality 11, as Ingång's server sends), so no tool gains by how it is served.
//
// Ingång runs against the reference server (BENCH_URL). The peers come from the npm registry
// (PEERS_DIR: `npm pack` of pinned versions, unpacked by xtask) and are served by page routing
// from a made-up origin, each with the documented way to start it:
// - LHC-Forms: the web component's files and the FHIR R4 support library, then
//   `LForms.Util.addFormToPage(questionnaire, …)` with the same FHIR Questionnaire;
// - SurveyJS: survey-core and survey-js-ui, with the Questionnaire turned into a SurveyJS model
//   (groups -> panels, enableWhen -> visibleIf; one page, as the others show one).
import { chromium } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';

const url = process.env.BENCH_URL;
const formText = readFileSync(process.env.BENCH_FORM);
const questionnaire = JSON.parse(formText);
const peers = process.env.PEERS_DIR;
const RUNS = Number(process.env.PEER_RUNS || 3);
const KEYS = 30;
const LAST = 'g39-i18';
const TARGET = 'g20-i9';
const PEER_ORIGIN = 'http://peers.invalid';

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))], n: s.length };
};

/** The Questionnaire as a SurveyJS model. */
function surveyModel(q) {
  const element = (item) => {
    const base = { name: item.linkId, title: item.text, isRequired: !!item.required };
    const visible = (item.enableWhen || [])
      .map((w) => `{${w.question}} = ${w.answerBoolean === undefined ? JSON.stringify(w.answerString) : w.answerBoolean}`)
      .join(' and ');
    if (visible) base.visibleIf = visible;
    const choices = (item.answerOption || []).map((o) => ({ value: o.valueCoding.code, text: o.valueCoding.display }));
    switch (item.type) {
      case 'group': return { type: 'panel', name: item.linkId, title: item.text, elements: item.item.map(element) };
      case 'boolean': return { ...base, type: 'boolean' };
      case 'integer': return { ...base, type: 'text', inputType: 'number' };
      case 'decimal': return { ...base, type: 'text', inputType: 'number' };
      case 'date': return { ...base, type: 'text', inputType: 'date' };
      case 'text': return { ...base, type: 'comment' };
      case 'choice': return { ...base, type: item.repeats ? 'checkbox' : 'radiogroup', choices };
      case 'display': return { type: 'html', name: item.linkId, html: `<p>${item.text}</p>` };
      default: return { ...base, type: 'text', maxLength: item.maxLength };
    }
  };
  return { title: q.title, locale: 'sv', pages: [{ name: 'p1', elements: q.item.map(element) }] };
}

const TYPES = { js: 'text/javascript', css: 'text/css', json: 'application/json', html: 'text/html; charset=utf-8', png: 'image/png', woff2: 'font/woff2', svg: 'image/svg+xml' };

const LHC_HTML = `<!doctype html><html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/lforms/webcomponent/styles.css">
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/runtime.js" type="module"></script>
<script src="/lforms/webcomponent/polyfills.js" type="module"></script>
<script src="/lforms/webcomponent/main.js" type="module"></script>
</head><body><div id="form"></div>
<script type="module">
// the FHIR support library extends LForms, so it loads once main.js has defined it
const wait = () => new Promise((r) => setTimeout(r, 5));
while (!(window.LForms && LForms.Util)) await wait();
await new Promise((ok, fail) => {
  const s = document.createElement('script');
  s.src = '/lforms/fhir/R4/lformsFHIR.min.js';
  s.onload = ok;
  s.onerror = fail;
  document.head.append(s);
});
const q = await (await fetch('/form.json')).json();
LForms.Util.addFormToPage(q, 'form', { fhirVersion: 'R4' });
</script></body></html>`;

const SURVEY_HTML = `<!doctype html><html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/survey-core/survey-core.min.css">
<script src="/survey-core/survey.core.min.js"></script>
<script src="/survey-js-ui/survey-js-ui.min.js"></script>
</head><body><div id="form"></div>
<script>
fetch('/survey.json').then((r) => r.json()).then((model) => {
  const survey = new Survey.Model(model);
  survey.render(document.getElementById('form'));
});
</script></body></html>`;

const TOOLS = {
  'Ingång': {
    path: () => `${url}forhandsgranska?questionnaire=/bench/form-800.json`,
    last: `[data-link-id="${LAST}"]`,
    input: `[data-link-id="${TARGET}"] input`,
  },
  'LHC-Forms': {
    path: () => `${PEER_ORIGIN}/lhc.html`,
    last: `[id="item-${LAST}/1/1"]`,
    input: `input[id="${TARGET}/1/1"]`,
  },
  SurveyJS: {
    path: () => `${PEER_ORIGIN}/survey.html`,
    last: `[data-name="${LAST}"]`,
    input: `[data-name="${TARGET}"] input`,
  },
};

const survey = JSON.stringify(surveyModel(questionnaire));

async function routePeers(page) {
  await page.route(`${PEER_ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const ext = path.split('.').pop();
    const reply = (body, type) => route.fulfill({ body, contentType: type, headers: { 'cache-control': 'no-store' } });
    if (path === '/lhc.html') return reply(LHC_HTML, TYPES.html);
    if (path === '/survey.html') return reply(SURVEY_HTML, TYPES.html);
    if (path === '/form.json') return reply(formText, TYPES.json);
    if (path === '/survey.json') return reply(survey, TYPES.json);
    let file;
    if (path.startsWith('/lforms/')) file = join(peers, 'lforms/package/dist', path);
    else if (path.startsWith('/survey-core/')) file = join(peers, 'survey-core/package', path.slice('/survey-core/'.length));
    else if (path.startsWith('/survey-js-ui/')) file = join(peers, 'survey-js-ui/package', path.slice('/survey-js-ui/'.length));
    try {
      return reply(readFileSync(file), TYPES[ext] || 'application/octet-stream');
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

const brotliCache = new Map();
function brotliSize(key, body) {
  if (!brotliCache.has(key)) {
    brotliCache.set(key, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length);
  }
  return brotliCache.get(key);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
const results = Object.fromEntries(Object.keys(TOOLS).map((name) => [name, { loads: [], keys: [], bytes: [], errors: [] }]));
for (let run = 0; run < RUNS; run++) {
  for (const [name, tool] of Object.entries(TOOLS)) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, serviceWorkers: 'block' });
    const page = await context.newPage();
    page.on('pageerror', (e) => results[name].errors.push(String(e)));
    await page.route((u) => u.pathname === '/bench/form-800.json', (r) => r.fulfill({ body: formText, contentType: 'application/fhir+json' }));
    await routePeers(page);
    const bodies = [];
    page.on('response', (res) => bodies.push(res.body().then((b) => brotliSize(`${res.url()}#${b.length}`, b)).catch(() => 0)));
    await page.addInitScript((last) => {
      window.__formReady = null;
      new MutationObserver((_, obs) => {
        if (document.querySelector(last)) {
          window.__formReady = performance.now();
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    }, tool.last);
    await page.goto(tool.path());
    try {
      await page.waitForFunction(() => window.__formReady !== null, null, { timeout: 120_000 });
    } catch (e) {
      const shown = await page.evaluate(() => [...document.querySelectorAll('[id*="g39-i1"], [id*="g20-i9"]')].slice(0, 12).map((e) => `${e.tagName}#${e.id}`).join(' ') || document.body.innerHTML.slice(0, 600));
      throw new Error(`${name}: the form did not render (${results[name].errors.join('; ')}): ${shown}`);
    }
    results[name].loads.push(await page.evaluate(() => window.__formReady));
    // what was fetched to show the form (the network is quiet by now)
    await page.waitForLoadState('networkidle');
    results[name].bytes.push((await Promise.all(bodies)).reduce((a, b) => a + b, 0));

    const input = page.locator(tool.input).first();
    await input.scrollIntoViewIfNeeded();
    await input.focus();
    await page.evaluate(() => {
      window.__keys = [];
      document.addEventListener('keydown', (e) => {
        const t0 = e.timeStamp;
        requestAnimationFrame(() => setTimeout(() => window.__keys.push(performance.now() - t0), 0));
      }, true);
    });
    for (let k = 0; k < KEYS; k++) {
      await page.keyboard.press(k % 7 === 6 ? 'Backspace' : 'a');
      await page.waitForFunction((n) => window.__keys.length > n, k);
    }
    results[name].keys.push(...(await page.evaluate(() => window.__keys)));
    await context.close();
  }
}
await browser.close();
const report = Object.fromEntries(
  Object.entries(results).map(([name, r]) => [name, { load_ms: stats(r.loads), key_ms: stats(r.keys), bytes: stats(r.bytes), errors: [...new Set(r.errors)].slice(0, 3), raw: r }]),
);
writeFileSync(process.env.BENCH_REPORT, JSON.stringify(report, null, 2));
for (const [name, r] of Object.entries(report)) {
  console.log(`peers: ${name}: rendered ${r.load_ms.median.toFixed(0)} ms, keystroke p95 ${r.key_ms.p95.toFixed(1)} ms, ${(r.bytes.median / 1024).toFixed(0)} KB`);
}
