// The app shell: every route, accessibility, navigation, focus, language, layout limits.
import { test, expect, expectNoAxeViolations, waitForApp, ROUTES, chooseLanguage, loginAndGo, watchLoading } from './fixtures';

for (const route of ROUTES) {
  test(`${route.path} renders with no axe violations`, async ({ page }, testInfo) => {
    await page.goto(route.path);
    // signed out, a protected route sends the user to the login, and back after it
    const heading = route.protected ? 'Logga in' : route.heading;
    if (route.protected) {
      await expect(page).toHaveURL(`/logga-in?next=${encodeURIComponent(route.path)}`);
    }
    await expect(page.locator('h1')).toHaveText(heading);
    await expect(page).toHaveTitle(`${heading} – Ingång`);
    await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
    // Landmarks every screen has.
    await expect(page.getByRole('banner')).toBeVisible();
    await expect(page.getByRole('main')).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Huvudmeny' })).toBeVisible();
    if (route.path === '/sok-vard') {
      await expect(page.getByRole('heading', { name: 'Folktandvården Luleå' })).toBeVisible();
    }
    await expectNoAxeViolations(page);
    await page.screenshot({ path: testInfo.outputPath('page.png'), fullPage: true });
  });
}

test('dark colour scheme has no axe violations', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  for (const path of ['/', '/sok-vard', '/installningar']) {
    await page.goto(path);
    await waitForApp(page);
    await expectNoAxeViolations(page, `${path} (dark)`);
  }
});

test('unknown route shows the 404 page with a way home', async ({ page }) => {
  await page.goto('/det/finns/inte');
  await expect(page.locator('h1')).toHaveText('Sidan finns inte');
  await page.getByRole('link', { name: 'Till startsidan' }).click();
  await expect(page.locator('h1')).toHaveText('Välkommen till Ingång');
  await expect(page).toHaveURL(/\/$/);
});

test('navigation moves focus to the heading and changes the title', async ({ page }) => {
  await page.goto('/');
  await waitForApp(page);
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  await nav.getByRole('link', { name: 'Sök vård' }).click();
  await expect(page.locator('h1')).toHaveText('Sök vård');
  // the first link followed from the start page loads the app's routes: the address follows
  await expect(page).toHaveURL(/\/sok-vard$/);
  await expect(page.locator('h1')).toBeFocused();
  await expect(page).toHaveTitle('Sök vård – Ingång');
  await expect(nav.getByRole('link', { name: 'Sök vård' })).toHaveAttribute('aria-current', 'page');
  await expect(nav.getByRole('link', { name: 'Start' })).not.toHaveAttribute('aria-current', 'page');
  // Exactly one link says "this page" in the navigation, and the header's home link does not.
  await expect(page.locator('[aria-current="page"]')).toHaveCount(1);
  // a protected area sends a signed-out user to the login, focus on its heading
  await nav.getByRole('link', { name: 'Bokade tider' }).click();
  await expect(page).toHaveTitle('Logga in – Ingång');
  await expect(page.locator('h1')).toBeFocused();
  await page.goBack();
  await expect(page.locator('h1')).toHaveText('Sök vård');
});

// The first module holds only the signed-out start page (src/app.rs, `Entry`); with a
// session, / loads the app chunk and shows the same page in the whole app.
test('a signed-in user opening / gets the whole app in place of the start page', async ({ page }) => {
  await loginAndGo(page, '198001139297', '/arenden');
  // the start page stays while the app chunk comes: no "Laddar …" in between
  const loadingSeen = await watchLoading(page, 'next load');
  await page.goto('/');
  await waitForApp(page);
  await expect(page.getByTestId('header-account')).toContainText('Inloggad:');
  await expect(page.locator('h1')).toHaveText('Välkommen till Ingång');
  expect(await loadingSeen()).toEqual([]);
  await expectNoAxeViolations(page, '/ signed in');
  // a protected route opens without a new login, and navigation moves focus as always
  await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Mina ärenden' }).click();
  await expect(page.locator('h1')).toHaveText('Mina ärenden');
  await expect(page.locator('h1')).toBeFocused();
});

// The frame (header, menu, main) is built once and stays while what it shows loads again: the
// session after the login, the unread count on every route change. Under a `Suspense` each of
// those loads swapped the whole app for "Laddar …" and back, taking the focus and a tap with it
// (CI once lost the click on "Spara och fortsätt" so).
test('the frame stays on screen while the session and the unread count load again', async ({ page }) => {
  await page.addInitScript(() => {
    const gone: string[] = [];
    (window as unknown as { frameGone: string[] }).frameGone = gone;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of Array.from(record.removedNodes)) {
          // (the start page prerendered into index.html goes when the app starts: not the frame)
          if (!(node instanceof Element) || node.id === 'prerender') continue;
          if (node.matches('header, main') || node.querySelector('header, main')) {
            gone.push(`${location.pathname}: ${node.tagName.toLowerCase()}`);
          }
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await loginAndGo(page, '198001139297', '/arenden');
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  // (each link's screen has the link's name for its heading)
  for (const name of ['Bokade tider', 'Inkorg', 'Sök vård', 'Mina ärenden']) {
    // (the unread count is asked again for every route)
    const unread = page.waitForResponse((response) => response.url().includes('/inbox/unread'));
    await nav.getByRole('link', { name }).click();
    await expect(page.locator('h1')).toHaveText(name);
    await expect(page.locator('h1')).toBeFocused();
    await unread;
  }
  expect(await page.evaluate(() => (window as unknown as { frameGone: string[] }).frameGone)).toEqual([]);
});

test('keyboard only: skip link, then the whole app by Tab and Enter', async ({ page }) => {
  await page.goto('/');
  await waitForApp(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Hoppa till innehållet' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  // Reach "Sök vård" in the navigation with the keyboard alone and open it.
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (focused.startsWith('Sök vård') && (await page.evaluate(() => !!document.activeElement?.closest('nav')))) break;
  }
  await page.keyboard.press('Enter');
  await expect(page.locator('h1')).toHaveText('Sök vård');
  await expect(page.locator('h1')).toBeFocused();
});

test('emergency notice is one tap away on every screen', async ({ page }) => {
  for (const path of ['/', '/installningar', '/finns-inte']) {
    await page.goto(path);
    const toggle = page.getByRole('button', { name: 'Akut?' });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByRole('link', { name: 'Ring 112' })).toHaveAttribute('href', 'tel:112');
    await expect(page.getByRole('link', { name: 'Ring 1177' })).toHaveAttribute('href', 'tel:1177');
    await expectNoAxeViolations(page, `${path} with the emergency notice open`);
  }
});

test('language switch to English is remembered and sets <html lang>', async ({ page }) => {
  await page.goto('/sok-vard');
  await expect(page.locator('h1')).toHaveText('Sök vård');
  await chooseLanguage(page, 'English');
  await expect(page.locator('h1')).toHaveText('Seek care');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page).toHaveTitle('Seek care – Ingång');
  await expect(page.getByRole('navigation', { name: 'Main menu' })).toBeVisible();
  await expectNoAxeViolations(page, 'English');
  await page.reload();
  await expect(page.locator('h1')).toHaveText('Seek care');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  // And back in the settings.
  await page.goto('/installningar');
  await page.getByLabel('Svenska').check();
  await expect(page.locator('h1')).toHaveText('Inställningar');
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
});

test('works at 320 px width and at 200 % text size without horizontal scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const path of ['/', '/sok-vard', '/installningar']) {
    await page.goto(path);
    await waitForApp(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(320);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/sok-vard');
  await waitForApp(page);
  await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expect(page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Inkorg' })).toBeVisible();
});

test('touch targets in the shell are at least 44 px', async ({ page }) => {
  await page.goto('/');
  await waitForApp(page);
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('header a, header button, nav a, main a, main button')]
      .filter((el) => (el as HTMLElement).offsetParent !== null)
      .map((el) => ({ text: el.textContent?.trim(), rect: el.getBoundingClientRect() }))
      .filter(({ rect }) => rect.height < 44 || rect.width < 44)
      .map(({ text, rect }) => `${text}: ${Math.round(rect.width)}x${Math.round(rect.height)}`),
  );
  expect(small).toEqual([]);
});

test('pages are measured in the pinned test font, whatever fonts the machine has', async ({ page }) => {
  // `cargo xtask test` shows Chromium only Debian's fonts-dejavu-core (FONTCONFIG_FILE), so a
  // layout is the same on a fresh machine and on one with many fonts.
  test.skip(!process.env.FONTCONFIG_FILE, 'run through cargo xtask test, which pins the fonts');
  await page.goto('/');
  await waitForApp(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const used = new Set<string>();
  for (const selector of ['h1', 'main p', 'nav a']) {
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    for (const font of fonts) used.add(font.familyName);
  }
  expect([...used].sort()).toEqual(['DejaVu Sans']);
});
