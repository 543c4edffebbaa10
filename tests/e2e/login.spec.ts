// Sign-in with the simulated BankID: the test drives the user's BankID app through the server's
// /test-bankid page in a second tab.
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect, expectChunkRetry, expectNoAxeViolations, holdChunk, startServer, stopServer } from './fixtures';

const draftCount = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ingang.draft.')).length);

/** The newest pending order on the test BankID page. */
async function newestOrder(context: BrowserContext) {
  const bankid = await context.newPage();
  await bankid.goto('/test-bankid');
  return { bankid, order: bankid.locator('section.order').last() };
}

async function startQr(page: Page) {
  await page.getByRole('button', { name: 'BankID på annan enhet' }).click();
  await expect(page.getByRole('img', { name: 'QR-kod för BankID' })).toBeVisible();
}

test('QR login through the test BankID, and logout wipes local data', async ({ page, context, consoleErrors }) => {
  await page.goto('/forhandsgranska?questionnaire=%2Fapi%2Fv1%2Fquestionnaires%2Fforkylning');
  await page.getByRole('checkbox', { name: 'Hosta' }).check();
  await expect.poll(() => draftCount(page)).toBe(1);

  await page.goto('/logga-in?next=/installningar');
  await expect(page.locator('h1')).toHaveText('Logga in');
  await expectNoAxeViolations(page, 'login');
  await startQr(page);
  await expect(page.getByTestId('login-status')).toHaveText('Starta BankID-appen.');
  await expectNoAxeViolations(page, 'login with QR');

  const { order } = await newestOrder(context);
  await order.getByLabel('Status i appen').selectOption('userSign');
  await order.getByRole('button', { name: 'Visa status' }).click();
  await expect(page.getByTestId('login-status')).toHaveText(/^Skriv in din säkerhetskod i BankID-appen/);

  const again = (await newestOrder(context)).order;
  await again.getByLabel('Identitet').selectOption('198001139297');
  await again.getByRole('button', { name: 'Identifiera' }).click();
  await expect(page).toHaveURL(/\/installningar$/);
  await expect(page.getByText('Du är inloggad som Anna Andersson.')).toBeVisible();
  const session = await page.request.get('/api/v1/session');
  expect(session.status()).toBe(200);
  expect((await session.json()).user.givenName).toBe('Anna');

  // who is signed in, and the way out, are in the header on every screen
  const account = page.getByTestId('header-account');
  await expect(account).toContainText('Inloggad: Anna Andersson');
  await page.goto('/bokade-tider');
  await expect(account).toContainText('Inloggad: Anna Andersson');
  await expectNoAxeViolations(page, 'header with the signed-in user');
  await account.getByRole('button', { name: 'Logga ut' }).click();
  await expect(account).toBeHidden();
  await expect(page).toHaveURL(/\/$/);
  expect(await draftCount(page)).toBe(0);
  expect((await page.request.get('/api/v1/session')).status()).toBe(204);
  expect(consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
});

for (const [hint, text] of [
  ['certificateErr', 'för gammalt eller spärrat'],
  ['userCancel', 'Åtgärden avbruten.'],
  ['expiredTransaction', 'BankID-appen svarar inte'],
  ['startFailed', 'Misslyckades att läsa av QR-koden'],
]) {
  test(`a failed login (${hint}) shows BankID's message and can be retried`, async ({ page, context }) => {
    await page.goto('/logga-in');
    await startQr(page);
    const { order } = await newestOrder(context);
    await order.getByLabel('Misslyckas').selectOption(hint);
    await order.getByRole('button', { name: 'Misslyckas' }).click();
    await expect(page.getByRole('alert')).toContainText(text);
    await page.getByRole('button', { name: 'Försök igen' }).click();
    await expect(page.getByRole('button', { name: 'BankID på annan enhet' })).toBeVisible();
  });
}

for (const [hint, text] of [
  ['started', 'Söker efter BankID'],
  ['noClient', 'Starta BankID-appen.'],
  ['userMrtd', 'Fotografera och läs av din ID-handling'],
]) {
  test(`a pending login (${hint}) shows BankID's message`, async ({ page, context }) => {
    await page.goto('/logga-in');
    await startQr(page);
    const { order } = await newestOrder(context);
    await order.getByLabel('Status i appen').selectOption(hint);
    await order.getByRole('button', { name: 'Visa status' }).click();
    await expect(page.getByTestId('login-status')).toContainText(text);
    await page.getByRole('button', { name: 'Avbryt' }).click();
    await expect(page.getByRole('button', { name: 'BankID på annan enhet' })).toBeVisible();
  });
}

test('"Avbryt" stays cancelled when a poll that was on its way answers after it', async ({ page }) => {
  await page.goto('/logga-in');
  await startQr(page);
  // the next poll of the order is answered only after the cancel, with what the server says
  // when it collected the order while the cancel was on its way: failed, userCancel (a full run
  // once showed "Åtgärden avbruten. Försök igen." in place of the choice so)
  let pollHeld!: () => void;
  const held = new Promise<void>((resolve) => (pollHeld = resolve));
  let cancelAnswered!: () => void;
  const answered = new Promise<void>((resolve) => (cancelAnswered = resolve));
  await page.route('**/api/v1/auth/bankid', async (route) => {
    if (route.request().method() === 'GET') {
      pollHeld();
      await answered;
      await route.fulfill({ json: { status: 'failed', hintCode: 'userCancel' }, headers: { 'Cache-Control': 'no-store' } });
    } else {
      const response = await route.fetch();
      await route.fulfill({ response });
      if (route.request().method() === 'DELETE') cancelAnswered();
    }
  });
  await held;
  const heldAnswer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/bankid') && r.request().method() === 'GET');
  await page.getByRole('button', { name: 'Avbryt' }).click();
  await expect(page.getByRole('button', { name: 'BankID på annan enhet' })).toBeVisible();
  // the held poll has had its answer (and the app a moment to act on it), and the choice stands
  await heldAnswer;
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
  await expect(page.getByRole('button', { name: 'BankID på annan enhet' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('same device: an autostart link from a button, BankID returns to this page, and cancel', async ({ page, context }) => {
  const bankid = await context.newPage();
  await bankid.goto('/test-bankid');
  const before = await bankid.locator('section.order').count();
  await page.goto('/logga-in?next=%2Farenden');
  await page.getByRole('button', { name: 'BankID på den här enheten' }).click();
  const link = page.getByRole('link', { name: 'Starta BankID-appen' });
  // in a browser tab the order carries a returnUrl (RP API v6.0), so the link needs no redirect
  await expect(link).toHaveAttribute('href', /^https:\/\/app\.bankid\.com\/\?autostarttoken=[0-9a-f-]{36}$/);
  await bankid.reload();
  await expect(bankid.locator('section.order').last().locator('.return')).toHaveText(
    `Återgår till ${new URL('/logga-in?next=%2Farenden', page.url()).href}`,
  );
  await expect(page.getByTestId('login-status')).toHaveText('Försöker starta BankID-appen.');
  await expect(page.getByRole('img', { name: 'QR-kod för BankID' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Avbryt' }).click();
  await expect(page.getByRole('button', { name: 'BankID på den här enheten' })).toBeVisible();
  // the order was cancelled at BankID too: it is no longer pending
  await bankid.reload();
  await expect(bankid.locator('section.order')).toHaveCount(before);
});

test('from the home screen BankID is given no page to return to (redirect=null)', async ({ page, context }) => {
  // iOS's flag for a home-screen app: a link would open Safari, not the app
  await page.addInitScript(() => Object.defineProperty(navigator, 'standalone', { value: true }));
  const bankid = await context.newPage();
  await page.goto('/logga-in');
  await page.getByRole('button', { name: 'BankID på den här enheten' }).click();
  const link = page.getByRole('link', { name: 'Starta BankID-appen' });
  await expect(link).toHaveAttribute('href', /^https:\/\/app\.bankid\.com\/\?autostarttoken=[0-9a-f-]{36}&redirect=null$/);
  await bankid.goto('/test-bankid');
  await expect(bankid.locator('section.order').last().locator('.return')).toHaveText('Ingen återgång (redirect=null)');
  await page.getByRole('button', { name: 'Avbryt' }).click();
});

test('a reload continues the same order', async ({ page, context }) => {
  await page.goto('/logga-in');
  const bankid = await context.newPage();
  await bankid.goto('/test-bankid');
  const before = await bankid.locator('section.order').count();
  await startQr(page);
  await page.reload();
  await expect(page.getByRole('img', { name: 'QR-kod för BankID' })).toBeVisible();
  await bankid.reload();
  await expect(bankid.locator('section.order')).toHaveCount(before + 1);
  await bankid.locator('section.order').last().getByRole('button', { name: 'Identifiera' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('too many logins started from one address: the server answers 429 and the app says so in Swedish', async ({ browser }) => {
  const { server, dir } = await startServer(undefined, ['--starts-per-minute', '1']);
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  try {
    await page.goto('/logga-in');
    await startQr(page);
    await page.getByRole('button', { name: 'Avbryt' }).click();
    await page.getByRole('button', { name: 'BankID på annan enhet' }).click();
    await expect(page.getByRole('alert')).toHaveText('Just nu görs för många inloggningar. Vänta en minut och försök igen.');
    await expectNoAxeViolations(page, 'too many logins');
    const res = await page.request.post('/api/v1/auth/bankid', {
      headers: { 'X-Ingang-Csrf': '1', Origin: server.url },
      data: { sameDevice: false },
    });
    expect(res.status()).toBe(429);
    expect(Number(res.headers()['retry-after'])).toBeGreaterThan(0);
  } finally {
    await context.close();
    await stopServer(server, dir);
  }
});

test('the QR encoder is fetched when a code is first shown; when it cannot be had the page says so and "Försök igen" brings the code', async ({
  browser,
  server,
}) => {
  const context = await browser.newContext({ baseURL: server.url, serviceWorkers: 'block' });
  const page = await context.newPage();
  const chunk = await holdChunk(page, 'qr');
  await page.goto('/logga-in');
  await expect(page.locator('h1')).toHaveText('Logga in');
  await expect(page.getByRole('button', { name: 'BankID på annan enhet' })).toBeVisible();
  expect(chunk.fetched()).toBe(0);
  await page.getByRole('button', { name: 'BankID på annan enhet' }).click();
  await expectChunkRetry(page, 'QR encoder failed', chunk.release, page.getByRole('img', { name: 'QR-kod för BankID' }));
  await context.close();
});
