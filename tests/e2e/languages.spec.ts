// Every resident in their language: the language menu, Finnish and Arabic (right to left), the
// language sent to the API, and every route in Arabic with axe at 0 (screenshots kept).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, expectNoAxeViolations, waitForApp, ROUTES, loginAndGo, chooseLanguage, startCare } from './fixtures';

type Table = Record<string, string>;
function table(lang: string): Table {
  const out: Table = {};
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === 'string') out[prefix] = value;
    else for (const [k, v] of Object.entries(value as object)) walk(prefix ? `${prefix}.${k}` : k, v);
  };
  walk('', JSON.parse(readFileSync(join(__dirname, '..', '..', 'locales', `${lang}.json`), 'utf8')));
  return out;
}
const SV = table('sv');
const AR = table('ar');
const FI = table('fi');
const EN = table('en');

/** The headings a route may show in `target`, from its Swedish heading (one Swedish text can be
 *  two keys: "Ditt ärende" is a case and an errand). */
function headings(swedish: string, target: Table): string[] {
  const keys = Object.keys(SV).filter((k) => SV[k] === swedish);
  expect(keys, `no key has the Swedish text ${swedish}`).not.toEqual([]);
  return keys.map((k) => target[k]);
}

async function expectHeadingIn(page: Page, swedish: string, target: Table) {
  const allowed = headings(swedish, target).map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  await expect(page.locator('h1')).toHaveText(new RegExp(`^(${allowed.join('|')})$`));
}

/** Nothing sticks out sideways: a mirrored layout that overflows scrolls the page. */
async function expectNoSidewaysScroll(page: Page, label: string) {
  const [scroll, width] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  expect(scroll, `${label} scrolls sideways`).toBeLessThanOrEqual(width);
}

test('the language menu lists every language by its own name, works by keyboard and is remembered', async ({ page }) => {
  await page.goto('/');
  await waitForApp(page);
  const toggle = page.locator('#language-toggle');
  const details = page.locator('#language');
  await expect(toggle).toHaveText('Svenska');
  await expect(details).not.toHaveAttribute('open');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(details).toHaveAttribute('open', '');
  const menu = page.locator('#language-menu');
  const choices = menu.getByRole('button');
  await expect(choices).toHaveText(['Svenska', 'English', 'Suomi', 'العربية']);
  for (const [name, lang] of [
    ['Svenska', 'sv'],
    ['English', 'en'],
    ['Suomi', 'fi'],
    ['العربية', 'ar'],
  ]) {
    await expect(menu.getByRole('button', { name, exact: true })).toHaveAttribute('lang', lang);
  }
  await expectNoAxeViolations(page, 'language menu open');
  // Escape closes it and leaves focus on its button
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(toggle).toBeFocused();

  // Finnish, chosen by keyboard
  await page.keyboard.press('Enter');
  await menu.getByRole('button', { name: 'Suomi' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('h1')).toHaveText(FI['start.title']);
  await expect(page.locator('html')).toHaveAttribute('lang', 'fi');
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(toggle).toHaveText('Suomi');
  await expect(details).not.toHaveAttribute('open');
  await expect(menu).toBeHidden();
  await expect(toggle).toBeFocused();
  await expect(page.getByRole('navigation', { name: FI['nav.label'] })).toBeVisible();
  await expectNoAxeViolations(page, 'Finnish start page');
  await page.reload();
  await expect(page.locator('h1')).toHaveText(FI['start.title']);
  await expect(page.locator('html')).toHaveAttribute('lang', 'fi');

  // the settings list the same languages, and Swedish comes back from there
  await page.goto('/installningar');
  await expect(page.locator('h1')).toHaveText(FI['settings.title']);
  await page.getByLabel('Svenska').check();
  await expect(page.locator('h1')).toHaveText('Inställningar');
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
});

test('Arabic mirrors the whole app; numbers stay left to right', async ({ page }) => {
  await page.goto('/sok-vard');
  await waitForApp(page);
  await chooseLanguage(page, 'العربية');
  await expect(page.locator('h1')).toHaveText(AR['seek_care.title']);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page).toHaveTitle(`${AR['seek_care.title']} – Ingång`);
  // the layout follows: the page's start is on the right
  const main = await page.locator('main h1').boundingBox();
  const viewport = page.viewportSize()!;
  expect(main!.x + main!.width).toBeGreaterThan(viewport.width / 2);
  expect(await page.locator('main').evaluate((e) => getComputedStyle(e).direction)).toBe('rtl');
  // a clinic's phone number reads left to right inside the Arabic text
  const phone = page.locator('main a[href^="tel:0"]').first();
  await expect(phone).toBeVisible();
  expect(await phone.evaluate((e) => getComputedStyle(e).direction)).toBe('ltr');
  await expectNoAxeViolations(page, 'seek care in Arabic');
  await expectNoSidewaysScroll(page, 'seek care in Arabic');

  // the kiosk: the personnummer field stays left to right, its message is Arabic
  await page.goto('/kiosk?mottagning=hc-gibraltar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  const pnr = page.locator('#kiosk-pnr');
  expect(await pnr.evaluate((e) => getComputedStyle(e).direction)).toBe('ltr');
  await pnr.fill('198001139298');
  await expect(page.locator('#kiosk-pnr-error')).toHaveText(AR['kiosk.pnr_checksum']);
  await expectNoAxeViolations(page, 'kiosk in Arabic');
});

test('the chosen language goes to the API as Accept-Language', async ({ page }) => {
  await page.goto('/');
  await waitForApp(page);
  const swedish = page.waitForRequest((r) => r.url().includes('/api/v1/'));
  await page.goto('/sok-vard');
  expect((await swedish).headers()['accept-language']).toBe('sv');
  await chooseLanguage(page, 'Suomi');
  await expect(page.locator('h1')).toHaveText(FI['seek_care.title']);
  const finnish = page.waitForRequest((r) => r.url().includes('/api/v1/'));
  await page.reload();
  expect((await finnish).headers()['accept-language']).toBe('fi');
});

test('every route in Arabic, signed out: translated, mirrored, axe at 0', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await page.addInitScript(() => localStorage.setItem('ingang.lang', 'ar'));
  for (const route of ROUTES) {
    await page.goto(route.path);
    await expectHeadingIn(page, route.protected ? 'Logga in' : route.heading, AR);
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
    await expectNoAxeViolations(page, `${route.path} in Arabic`);
    await expectNoSidewaysScroll(page, `${route.path} in Arabic`);
    if (!route.protected) {
      const name = route.path === '/' ? 'start' : route.path.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '');
      await page.screenshot({ path: testInfo.outputPath(`ar-${name}.png`), fullPage: true });
    }
  }
});

test('every protected route in Arabic, signed in: translated, mirrored, axe at 0', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await loginAndGo(page, '198001139297', '/arenden');
  await page.evaluate(() => localStorage.setItem('ingang.lang', 'ar'));
  for (const route of ROUTES.filter((r) => r.protected)) {
    await page.goto(route.path);
    await expectHeadingIn(page, route.heading, AR);
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expect(page.getByRole('status').filter({ hasText: AR['loading'] })).toHaveCount(0);
    // times on the 24-hour clock, as in Sweden (never "10:00 ص"): a marker ص or م standing
    // alone, not the first letter of an Arabic word after the time ("10:00موعد مع الطبيب")
    await expect(page.locator('main')).not.toContainText(/\d{1,2}:\d{2}\s?[صم](?![\u0600-\u06FF])/);
    if (route.path === '/e-tjanster/hc-gibraltar') {
      // the server's own texts follow the language too: the e-services by their Arabic names
      await expect(page.getByRole('link', { name: /تجديد وصفة طبية/ })).toBeVisible();
    }
    if (route.path.endsWith('/kontakta-mig')) {
      // the form's own questions and options in Arabic (FHIR translation extensions)
      await expect(page.getByText('بخصوص ماذا؟')).toBeVisible();
      await expect(page.getByText('علاجي أو أدويتي')).toBeVisible();
      await expect(page.getByText(AR['questionnaire.only_swedish'])).toHaveCount(0);
      await expect(page.locator('.q-items')).not.toHaveAttribute('lang', 'sv');
    }
    await expectNoAxeViolations(page, `${route.path} in Arabic, signed in`);
    await expectNoSidewaysScroll(page, `${route.path} in Arabic, signed in`);
    const name = route.path.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '');
    await page.screenshot({ path: testInfo.outputPath(`ar-signed-in-${name}.png`), fullPage: true });
  }
});

test('a form only in Swedish says so once in Finnish, and its items are marked Swedish, left to right', async ({ page }) => {
  // the same e-service form with its translations taken out, as another API may serve it
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).filter(([k]) => !k.startsWith('_')).map(([k, v]) => [k, strip(v)]),
      );
    }
    return value;
  };
  await page.route('**/e-services/kontakta-mig/questionnaire**', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: strip(await response.json()) });
  });
  await loginAndGo(page, '198001139297', '/e-tjanster/hc-gibraltar/kontakta-mig');
  await chooseLanguage(page, 'Suomi');
  await expect(page.getByText(FI['questionnaire.only_swedish'])).toHaveCount(1);
  await expect(page.locator('.q-items')).toHaveAttribute('lang', 'sv');
  await expect(page.locator('.q-items')).toHaveAttribute('dir', 'ltr');
  await expect(page.getByText('Vad gäller det?')).toBeVisible();
  await expectNoAxeViolations(page, 'a Swedish-only form in Finnish');
});

test('a symptom form in English: questions, options and hints translated', async ({ page }) => {
  await loginAndGo(page, '198001139297', '/sok-vard/ny');
  await startCare(page, { category: /Förkylning/, description: 'Hostar och har feber.' });
  await chooseLanguage(page, 'English');
  await expect(page.getByText('Do you find it hard to breathe?')).toBeVisible();
  await expect(page.getByText('Yes, I get out of breath when I exert myself')).toBeVisible();
  await expect(page.getByText('What symptoms do you have?')).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Runny or blocked nose' })).toBeVisible();
  // a question shown by enableWhen, its unit and its entry format, in English too
  await page.getByRole('checkbox', { name: 'Fever' }).check();
  await page.getByRole('group', { name: /taken your temperature/ }).getByRole('radio', { name: 'Yes' }).check();
  await expect(page.getByRole('textbox', { name: /How high was your temperature/ })).toBeVisible();
  await expect(page.getByText('e.g. 38.5')).toBeVisible();
  await expect(page.getByText(EN['questionnaire.only_swedish'])).toHaveCount(0);
  await expectNoAxeViolations(page, 'a symptom form in English');
});

test("the region's own texts follow the language: booked visits in English", async ({ page }) => {
  await loginAndGo(page, '198001139297', '/bokade-tider');
  await expect(page.getByText('Läkarbesök').first()).toBeVisible();
  await chooseLanguage(page, 'English');
  await expect(page.getByText("Doctor's appointment").first()).toBeVisible();
  await expect(page.getByText('Läkarbesök')).toHaveCount(0);
});

test('the kiosk offers every language, and the next person starts in Swedish', async ({ page }) => {
  await page.goto('/kiosk?mottagning=hc-gibraltar&vila=3');
  await expect(page.locator('h1')).toHaveText('Välkommen till Hälsocentralen Gibraltar');
  // the kiosk still has no navigation: the languages are a group of buttons
  await expect(page.getByRole('navigation')).toHaveCount(0);
  await page.getByRole('group', { name: 'Språk' }).getByRole('button', { name: 'Suomi' }).click();
  await expect(page.locator('h1')).toHaveText(FI['kiosk.welcome'].replace('{unit}', 'Hälsocentralen Gibraltar'));
  await expect(page.locator('html')).toHaveAttribute('lang', 'fi');
  const languages = page.getByRole('group', { name: FI['settings.language'] });
  await expect(languages.getByRole('button', { name: 'Suomi' })).toHaveAttribute('aria-pressed', 'true');
  await expect(languages.getByRole('button', { name: 'العربية' })).toHaveAttribute('lang', 'ar');
  await expectNoAxeViolations(page, 'the kiosk in Finnish');
  // nobody touches it any more: Swedish again for the next person
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv', { timeout: 10_000 });
  await expect(page.locator('h1')).toHaveText('Välkommen till Hälsocentralen Gibraltar');
});
