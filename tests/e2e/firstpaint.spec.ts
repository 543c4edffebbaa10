// The first paint before the wasm (xtask/src/prerender.rs) and the languages as data
// (locales/table.rs, src/i18n.rs): the start page shows from index.html alone, only on "/" and
// only in Swedish; the app then takes its place with the same content; Swedish needs no
// language file, and another language that cannot be loaded is said to be so.
import { test, expect, expectNoAxeViolations, waitForApp, chooseLanguage } from './fixtures';
import type { Page, Route } from '@playwright/test';

test.use({ serviceWorkers: 'block' });

/** Holds every wasm request until `release()`: the page as a slow network shows it first. */
async function holdWasm(page: Page) {
  const held: Route[] = [];
  let released = false;
  await page.route('**/*.wasm', (route) => (released ? route.continue() : held.push(route)));
  return async () => {
    released = true;
    for (const route of held.splice(0)) await route.continue();
  };
}

const text = (page: Page, selector: string) =>
  page.locator(selector).evaluate((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim());

test('the start page paints before the wasm, and the app takes its place with the same content', async ({
  page,
  consoleErrors,
}) => {
  const release = await holdWasm(page);
  await page.goto('/');
  const prerendered = page.locator('#prerender');
  await expect(prerendered.locator('h1')).toHaveText('Välkommen till Ingång');
  await expect(prerendered.getByRole('link', { name: /Sök vård/ }).first()).toBeVisible();
  await expect(page.locator('.splash')).toBeHidden();
  // a button cannot work before the app runs, and says so
  for (const button of await prerendered.getByRole('button').all()) {
    await expect(button).toHaveAttribute('aria-disabled', 'true');
  }
  await expectNoAxeViolations(page, 'the prerendered start page');
  const before = {
    main: await text(page, '#prerender main'),
    title: await text(page, '#prerender .header__title'),
    actions: await text(page, '#prerender .header__actions'),
    nav: await text(page, '#prerender .main-nav'),
  };

  await release();
  await waitForApp(page);
  await expect(page.locator('main')).toHaveCount(1);
  await expect(page.locator('h1')).toHaveText('Välkommen till Ingång');
  // what the build captured is what the app renders: a change to the start page or the shell
  // that the prerender did not pick up fails here
  expect(await text(page, 'main')).toBe(before.main);
  expect(await text(page, '.header__title')).toBe(before.title);
  expect(await text(page, '.header__actions')).toBe(before.actions);
  expect(await text(page, '.main-nav')).toBe(before.nav);
  // and the app works: the language switch is a live button now
  await expect(page.locator('#language-toggle')).not.toHaveAttribute('aria-disabled', 'true');
  expect(consoleErrors).toEqual([]);
});

test('a deep link never flashes the start page', async ({ page }) => {
  const release = await holdWasm(page);
  await page.goto('/sok-vard');
  await expect(page.locator('#prerender')).toBeHidden();
  await expect(page.getByText('Välkommen till Ingång')).toBeHidden();
  await release();
  await waitForApp(page);
  await expect(page.locator('h1')).toHaveText('Sök vård');
});

test('a reader who chose English does not see the Swedish start page first', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('ingang.lang', 'en'));
  const release = await holdWasm(page);
  const strings = page.waitForRequest(/\/strings\/en-[0-9a-f]{16}\.txt$/);
  await page.goto('/');
  await expect(page.locator('#prerender')).toBeHidden();
  await release();
  await strings;
  await waitForApp(page);
  await expect(page.locator('h1')).toHaveText('Welcome to Ingång');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('the start page needs no language file; a language that cannot be loaded is said to be so', async ({ page }) => {
  const files: string[] = [];
  page.on('request', (req) => {
    if (req.url().includes('/strings/')) files.push(req.url());
  });
  await page.goto('/');
  await waitForApp(page);
  expect(files).toEqual([]);

  await page.route('**/strings/**', (route) => route.abort('internetdisconnected'));
  await chooseLanguage(page, 'English');
  await expect(page.getByRole('alert')).toHaveText(
    'English kunde inte laddas just nu. Kontrollera anslutningen och försök igen.',
  );
  await expect(page.locator('h1')).toHaveText('Välkommen till Ingång');
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  await expectNoAxeViolations(page, 'language file failed');

  await page.unroute('**/strings/**');
  await chooseLanguage(page, 'English');
  await expect(page.locator('h1')).toHaveText('Welcome to Ingång');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(files.length).toBeGreaterThan(0);
});
