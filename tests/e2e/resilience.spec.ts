// Never a blank page: API outages and broken configuration give clear Swedish messages.
import { test, expect, expectNoAxeViolations, waitForApp } from './fixtures';

// The service worker would fetch config.json itself, out of reach of page.route.
test.use({ serviceWorkers: 'block' });

test('API down shows the banner, and retry recovers', async ({ page }) => {
  await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
  await page.goto('/sok-vard');
  await waitForApp(page);
  const banner = page.getByRole('alert');
  await expect(banner).toContainText('Tjänsten kan inte nås just nu');
  await expect(page.getByText('Mottagningarna kunde inte hämtas just nu.')).toBeVisible();
  await expectNoAxeViolations(page, 'API down');

  await page.unroute('**/api/v1/**');
  await banner.getByRole('button', { name: 'Försök igen' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Folktandvården Luleå' })).toBeVisible();
});

test('retry on a screen without data re-checks the API by itself', async ({ page }) => {
  // The start page loads no data: only the start-up health check can clear the banner.
  await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
  await page.goto('/');
  await expect(page.getByRole('alert')).toContainText('Tjänsten kan inte nås just nu');
  await page.unroute('**/api/v1/**');
  const health = page.waitForRequest('**/api/v1/health');
  await page.getByRole('button', { name: 'Försök igen' }).click();
  await health;
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('API answering with server errors is not shown as an outage', async ({ page }) => {
  await page.route('**/api/v1/units', (route) =>
    route.fulfill({ status: 500, contentType: 'application/json', body: '{"code":"internal","message":"x"}' }),
  );
  await page.goto('/sok-vard');
  await expect(page.getByText('Mottagningarna kunde inte hämtas just nu.')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('missing config.json gives a clear error screen', async ({ page }) => {
  await page.route('**/config.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/');
  await expect(page.locator('h1')).toHaveText('Appen kunde inte starta');
  await expect(page.getByText('inställningsfil saknas')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Försök igen' })).toBeVisible();
  await expect(page.getByText('ring 112')).toBeVisible();
  await expectNoAxeViolations(page, 'config missing');
});

test('malformed config.json gives a clear error screen', async ({ page }) => {
  for (const body of ['{ not json', '{"regionName": "X"}', '{"apiBaseUrl": "javascript:alert(1)"}']) {
    await page.route('**/config.json', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body }),
    );
    await page.goto('/');
    await expect(page.locator('h1'), body).toHaveText('Appen kunde inte starta');
    await expect(page.getByText('inställningsfil är felaktig'), body).toBeVisible();
    await page.unroute('**/config.json');
  }
});

test('config.json drives the region name and the API base', async ({ page, baseURL }) => {
  let apiCalls = 0;
  await page.route('**/config.json', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ apiBaseUrl: '/other-api/v9/', regionName: 'Region Testlän' }),
    }),
  );
  await page.route('**/other-api/v9/**', async (route) => {
    apiCalls++;
    const upstream = route.request().url().replace('/other-api/v9/', '/api/v1/');
    await route.fulfill({ response: await page.request.get(upstream) });
  });
  await page.goto('/sok-vard');
  await expect(page.getByRole('banner')).toContainText('Region Testlän');
  await expect(page.getByRole('heading', { name: 'Folktandvården Luleå' })).toBeVisible();
  expect(apiCalls).toBeGreaterThan(0);
  expect(baseURL).toBeTruthy();
});
