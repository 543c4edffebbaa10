// Sending a care request and waiting in the queue: the answers go to the chosen unit once (an
// idempotency key survives a lost answer), the case screen shows the place in the queue and
// updates it as others arrive and leave, and the user can withdraw.
import type { Page } from '@playwright/test';
import { test, expect, expectNoAxeViolations, identifyOnTestPage, loginAndGo } from './fixtures';

const ANNA = '198001139297';
const ERIK = '197905041237';

test.describe.configure({ timeout: 60_000 });

async function answerCold(page: Page, breathing = 'Nej') {
  await page.getByRole('radio', { name: breathing, exact: true }).check();
  await page.getByRole('checkbox', { name: 'Snuva eller nästäppa' }).check();
  await page.getByRole('radio', { name: 'Mindre än 3 dagar' }).check();
  await page.getByLabel('Beskriv med egna ord vad du söker för och vad du vill ha hjälp med').fill('Täppt näsa sedan i går.');
  await page.getByRole('button', { name: 'Granska svaren' }).click();
  await expect(page.getByRole('heading', { name: 'Skicka till vården' })).toBeFocused();
}

test('a guardian sends a request for a child once, even when the answer is lost, and waits in the queue', async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  await loginAndGo(page, ANNA, '/sok-vard/ny');
  await page.getByRole('radio', { name: /Noah/ }).check();
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await page.getByRole('link', { name: /Förkylning/ }).click();
  await answerCold(page);
  await expectNoAxeViolations(page, 'send');
  // a health centre is preselected; the user may choose another unit
  await expect(page.getByRole('group', { name: 'Välj mottagning' }).getByRole('radio', { checked: true })).toHaveAccessibleName(/^Hälsocentralen/);
  await page.getByRole('radio', { name: /Hälsocentralen Gibraltar/ }).check();

  const countCases = async () => (await (await page.request.get('/api/v1/cases')).json()).cases.length;
  const before = await countCases();
  // the first attempt reaches the server but its answer is lost on the way back
  let lost = false;
  await page.route(
    (url) => url.pathname === '/api/v1/cases',
    async (route) => {
      if (route.request().method() === 'POST' && !lost) {
        lost = true;
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    },
  );
  await page.getByRole('button', { name: 'Skicka' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'saknas anslutning' })).toBeVisible();
  await page.getByRole('button', { name: 'Skicka' }).click();
  await expect(page).toHaveURL(/\/arenden\/[0-9a-f-]+$/);
  await expect(page.locator('h1')).toHaveText('Ditt ärende');
  expect(await countCases()).toBe(before + 1);
  const id = new URL(page.url()).pathname.split('/').pop();
  const sent = await (await page.request.get(`/api/v1/cases/${id}`)).json();
  expect(sent).toMatchObject({ personName: 'Noah Andersson', status: 'waiting', unitId: 'hc-gibraltar' });

  const position = page.getByTestId('queue-position');
  await expect(position).toHaveText('Du är nummer 1 i kön. Beräknad väntetid: cirka 10 minuter.');
  await expect(position).toHaveAttribute('role', 'status');
  await expect(page.getByTestId('case-status')).toHaveText('Väntar i kön');
  await expectNoAxeViolations(page, 'case waiting');

  // someone more urgent arrives (Erik, through the API): Noah moves down, live; and up again
  // when Erik withdraws
  const origin = new URL(page.url()).origin;
  const other = await browser.newContext({ baseURL: origin });
  const api = other.request;
  const csrf = { 'X-Ingang-Csrf': '1', Origin: origin };
  expect((await api.post('/api/v1/auth/bankid', { headers: csrf, data: { sameDevice: false } })).status()).toBe(200);
  await identifyOnTestPage(other, origin, ERIK);
  expect((await (await api.get('/api/v1/auth/bankid')).json()).status).toBe('complete');
  const erikId = (await (await api.get('/api/v1/me/people')).json()).people[0].id;
  const coding = (code: string) => ({ valueCoding: { system: 'https://ingang.se/fhir/CodeSystem/forkylning', code } });
  const urgent = await api.post('/api/v1/cases', {
    headers: { ...csrf, 'Idempotency-Key': 'erik-urgent' },
    data: {
      personId: erikId,
      unitId: 'hc-gibraltar',
      questionnaireId: 'forkylning',
      response: {
        resourceType: 'QuestionnaireResponse',
        questionnaire: 'https://ingang.se/fhir/Questionnaire/forkylning|1.0',
        status: 'completed',
        item: [
          { linkId: 'andning', answer: [coding('vila')] },
          { linkId: 'symtom', answer: [coding('snuva')] },
          { linkId: 'varaktighet', answer: [coding('lt3d')] },
          { linkId: 'beskrivning', answer: [{ valueString: 'Andfådd i vila.' }] },
        ],
      },
    },
  });
  expect(urgent.status()).toBe(201);
  const erikCase = await urgent.json();
  expect([erikCase.priority, erikCase.position]).toEqual([1, 1]);
  await expect(position).toHaveText('Du är nummer 2 i kön. Beräknad väntetid: cirka 20 minuter.');
  expect((await api.post(`/api/v1/cases/${erikCase.id}/withdraw`, { headers: csrf })).status()).toBe(200);
  await expect(position).toHaveText(/^Du är nummer 1 i kön\./);
  // Erik cannot read Anna's case
  const refused = await api.get(`/api/v1/cases/${id}`);
  expect(refused.status()).toBe(404);
  expect(await refused.text()).not.toContain('Noah');
  await other.close();

  // Mina ärenden lists it; the draft is gone now that the case exists
  await page.goto('/arenden');
  await expect(page.getByRole('link', { name: 'Förkylning och hosta' })).toBeVisible();
  await expect(page.locator('.case-item').first()).toContainText('Väntar i kön · Noah Andersson · Hälsocentralen Gibraltar');
  await expectNoAxeViolations(page, 'cases list');
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ingang.draft.') || k.startsWith('ingang.submit.')))).toEqual([]);

  // care staff pick the case in the console: "din tur" in the app, an SMS in the outbox
  await page.goto(`/arenden/${id}`);
  await expect(page.getByTestId('case-status')).toHaveText('Väntar i kön');
  const staffContext = await browser.newContext({ baseURL: new URL(page.url()).origin });
  const staff = await staffContext.newPage();
  await staff.goto('/staff');
  await expectNoAxeViolations(staff, 'staff login');
  await staff.getByLabel('Person').selectOption('lena');
  await staff.getByRole('button', { name: 'Logga in' }).click();
  await expect(staff.locator('h1')).toHaveText('Kö');
  await expectNoAxeViolations(staff, 'staff queue');
  await staff.locator(`tr[data-case="${id}"]`).getByRole('button', { name: /^Ta ärende/ }).click();
  await expect(staff.locator(`tr[data-case="${id}"]`)).toContainText('Pågår');
  await page.bringToFront();
  const turn = page.getByTestId('your-turn');
  await expect(turn).toContainText('Nu är det din tur');
  await expect(turn).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('case-status')).toHaveText('Pågår');
  await expect(page.getByTestId('queue-position')).toHaveText('');
  await expectNoAxeViolations(page, 'your turn');
  await staff.bringToFront();
  await staff.goto(`/staff/cases/${id}`);
  await expect(staff.getByText('Täppt näsa sedan i går.')).toBeVisible();
  await expectNoAxeViolations(staff, 'staff case');
  await staff.goto('/staff/sms');
  await expect(staff.locator('tbody tr').first()).toContainText('+46701234567');
  await expect(staff.locator('tbody tr').first()).toContainText('Nu är det din tur');
  await staffContext.close();
});

test('a life-threatening answer stops the flow with "Ring 112"; a wrong tap can be undone', async ({ page }) => {
  await loginAndGo(page, ERIK, '/sok-vard/ny');
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await page.getByRole('link', { name: /Förkylning/ }).click();
  // (click, not check: the form gives way to the stop at once)
  await page.getByRole('radio', { name: 'Ja, jag har mycket svårt att andas och kan inte prata hela meningar' }).click();
  const stop = page.getByTestId('call-112');
  await expect(stop).toBeFocused();
  await expect(stop.getByRole('link', { name: 'Ring 112' })).toHaveAttribute('href', 'tel:112');
  await expect(page.getByRole('button', { name: 'Granska svaren' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'stop 112');
  await stop.getByRole('button', { name: /ändra svaret/ }).click();
  await page.getByRole('radio', { name: 'Nej', exact: true }).check();
  await expect(page.getByRole('button', { name: 'Granska svaren' })).toBeVisible();
});
