// A region adds a language without a build: a strings file in the deployed folder and a line in
// config.json (README, "Adding a language"). What the file lacks shows in Swedish and is
// reported; a count follows the language's own plural rules (Intl.PluralRules).
//
// The North Sami below is test data for the mechanism, not a translation the app ships.
import { test, expect, expectNoAxeViolations, waitForApp, chooseLanguage } from './fixtures';

// The service worker would fetch config.json itself, out of reach of page.route.
test.use({ serviceWorkers: 'block' });

type Json = Record<string, any>;

/** What a translator makes: the deployed Swedish template (/strings/sv.json) with some strings
 *  translated and one left out. */
async function northSami(page: import('@playwright/test').Page): Promise<Json> {
  const template = await page.request.get('/strings/sv.json');
  expect(template.ok(), 'the build deploys the Swedish template').toBe(true);
  const se: Json = await template.json();
  se.language.native_name = 'Davvisámegiella';
  se.start.title = 'Buresboahtin Ingångii';
  se.nav.seek_care = 'Oza dikšu';
  delete se.nav.start; // left out: shown in Swedish, and reported
  se.login.signed_in = 'Don leat sisa {nmae}'; // a misspelled placeholder: refused, Swedish shown
  // North Sami has a dual: one, two, other
  se.eservices.count = { one: '{n} e-bálvalus', two: '{n} e-bálvalusa', other: '{n} e-bálvalusa' };
  return se;
}

async function deploy(page: import('@playwright/test').Page, languages: Json[], files: Record<string, Json>) {
  await page.route('**/config.json', async (route) => {
    const response = await route.fetch();
    const config = await response.json();
    await route.fulfill({ response, json: { ...config, languages } });
  });
  for (const [path, json] of Object.entries(files)) {
    await page.route(`**${path}`, (route) => route.fulfill({ json }));
  }
}

test('a language added in config.json is offered, loaded, remembered, and falls back to Swedish where it lacks a string', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  await deploy(
    page,
    [
      { code: 'se', name: 'Davvisámegiella', file: '/strings/se.json' },
      // left out: another origin, a code that is no language code, a built-in language again
      { code: 'so', name: 'Soomaali', file: 'https://evil.example/so.json' },
      { code: 'x"y', name: 'Bad', file: '/strings/x.json' },
      { code: 'fi', name: 'Suomi 2', file: '/strings/fi.json' },
    ],
    { '/strings/se.json': await northSami(page) },
  );
  await page.goto('/');
  await waitForApp(page);

  const menu = page.locator('#language-menu');
  await page.locator('#language-toggle').click();
  await expect(menu.getByRole('button')).toHaveText(['Svenska', 'English', 'Suomi', 'العربية', 'Davvisámegiella']);
  await expect(menu.getByRole('button', { name: 'Davvisámegiella' })).toHaveAttribute('lang', 'se');
  await page.locator('#language-toggle').click();
  expect(warnings.join('\n')).toContain('"so"');

  const request = page.waitForRequest((r) => r.url().includes('/api/v1/') && r.headers()['accept-language'] === 'se');
  await chooseLanguage(page, 'Davvisámegiella');
  await expect(page.locator('h1')).toHaveText('Buresboahtin Ingångii');
  await expect(page.locator('html')).toHaveAttribute('lang', 'se');
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(page.locator('#language-toggle')).toHaveText('Davvisámegiella');
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  await expect(nav.getByRole('link', { name: 'Oza dikšu' }).first()).toBeVisible();
  // the string the file lacks is Swedish, and the console says which
  await expect(nav.getByRole('link', { name: 'Start', exact: true }).first()).toBeVisible();
  await expect.poll(() => warnings.join('\n')).toContain('nav_start');
  expect(warnings.join('\n')).toContain('login_signed_in');
  await expectNoAxeViolations(page, 'a region language');

  // remembered on this device, and the API hears it
  await page.reload();
  await waitForApp(page);
  await expect(page.locator('h1')).toHaveText('Buresboahtin Ingångii');
  await page.goto('/sok-vard');
  await request;

  // Inställningar lists it too, chosen
  await page.goto('/installningar');
  await waitForApp(page);
  await expect(page.getByRole('radio', { name: 'Davvisámegiella' })).toBeChecked();
  await page.getByRole('radio', { name: 'Svenska' }).check();
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
});

test('a right-to-left language a region adds mirrors the app', async ({ page }) => {
  // Central Kurdish (Sorani), written right to left: test data for the mechanism
  const template: Json = await (await page.request.get('/strings/sv.json')).json();
  template.language.native_name = 'کوردی';
  template.start.title = 'بەخێربێیت بۆ Ingång';
  await deploy(page, [{ code: 'ckb', name: 'کوردی', file: '/strings/ckb.json', dir: 'rtl' }], {
    '/strings/ckb.json': template,
  });
  await page.goto('/');
  await waitForApp(page);
  await chooseLanguage(page, 'کوردی');
  await expect(page.locator('h1')).toHaveText('بەخێربێیت بۆ Ingång');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ckb');
  await expectNoAxeViolations(page, 'a right-to-left region language');
});

test('a region language file that cannot be read leaves the app in the language it had, and says so', async ({ page }) => {
  await deploy(page, [{ code: 'se', name: 'Davvisámegiella', file: '/strings/se.json' }], {});
  await page.route('**/strings/se.json', (route) => route.fulfill({ status: 200, body: 'not json {' }));
  await page.goto('/');
  await waitForApp(page);
  await chooseLanguage(page, 'Davvisámegiella');
  await expect(page.getByRole('alert').filter({ hasText: 'Davvisámegiella' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  await expect(page.locator('h1')).toHaveText('Välkommen till Ingång');
});
