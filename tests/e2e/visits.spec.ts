// Bokade tider: the list, check-in before/inside/after the window (the server's clock is fixed
// through its test hook), fees (a child, a frikort, a paid visit), each payment method
// succeeding and failing, a double tap and a lost answer creating one payment, receipts,
// cancel and reschedule, the reminder SMS, and the staff console's arrivals.
import { readFileSync } from 'node:fs';
import {
  test,
  expect,
  expectChunkRetry,
  expectNoAxeViolations,
  holdChunk,
  loginAndGo,
  loseFirstAnswer,
  staffSignIn,
  type Server,
  stockholmMorningTomorrow,
} from './fixtures';
import type { APIRequestContext, Page } from '@playwright/test';

const ANNA = '198001139297';
const ERIK = '197905041237';
const SARA = '198509223452';

async function book(request: APIRequestContext, base: string, pnr: string, minutes: number, extra: object = {}) {
  const res = await request.post(`${base}/test/visits`, {
    data: { personalNumber: pnr, unitId: 'hc-gibraltar', startsInMinutes: minutes, ...extra },
  });
  expect(res.status()).toBe(201);
  return (await res.json()) as { id: string; startsAt: number };
}

async function setClock(request: APIRequestContext, base: string, at: number | null) {
  const res = await request.put(`${base}/test/clock`, { data: { at } });
  expect(res.ok()).toBeTruthy();
  return (await res.json()) as { now: number; remindersSent: number };
}

async function highCost(request: APIRequestContext, base: string, pnr: string, paidBefore: number, frikortUntil?: number) {
  const res = await request.put(`${base}/test/high-cost`, { data: { personalNumber: pnr, paidBefore, frikortUntil } });
  expect(res.status()).toBe(204);
}

/** Noah's 12-digit number (his birth date follows today's date in the demo data). */
async function noahNumber(page: Page) {
  const res = await page.request.get('/api/v1/me/people');
  const people = (await res.json()).people as { givenName: string; personalNumber: string }[];
  return people.find((p) => p.givenName === 'Noah')!.personalNumber.replace('-', '');
}

/** Plays the payer's Swish app through the server's /test-swish page. */
async function swish(request: APIRequestContext, base: string, action: string) {
  let id: string | undefined;
  await expect
    .poll(async () => {
      const html = await (await request.get(`${base}/test-swish`)).text();
      id = html.match(/data-payment="([^"]+)"/)?.[1];
      return id;
    })
    .toBeTruthy();
  const res = await request.post(`${base}/test-swish`, { form: { id: id!, action }, maxRedirects: 0 });
  expect(res.status()).toBe(303);
}

test.afterEach(async ({ request, server }) => {
  await setClock(request, server.url, null);
});

test('the family’s visits, one visit with its facts, and a calendar file', async ({ page }) => {
  await loginAndGo(page, ANNA, '/bokade-tider');
  const upcoming = page.getByTestId('upcoming');
  await expect(upcoming.getByText(/Noah Andersson/)).toBeVisible();
  // Elsa is 14: her bookings are her own (a guardian acts for children up to 12)
  await expect(upcoming.getByText(/Elsa Andersson/)).toHaveCount(0);
  await expect(page.getByTestId('past').getByText(/Läkarbesök/)).toBeVisible();
  await expectNoAxeViolations(page, 'visits');
  await page.locator('li[data-visit="demo-anna-video"] a').click();
  await expect(page.locator('h1')).toHaveText('Ditt besök');
  await expect(page.getByTestId('visit-facts')).toContainText('Videobesök');
  await expect(page.getByText(/Länken till videobesöket visas här från/)).toBeVisible();
  await expectNoAxeViolations(page, 'a video visit');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Lägg till i kalender' }).click();
  const file = readFileSync((await (await download).path())!, 'utf8');
  expect(file).toContain('BEGIN:VCALENDAR');
  expect(file).toMatch(/DTSTART:\d{8}T\d{6}Z/);
  expect(file).toContain('Uppföljning via video');
  // the past visit: paid, with its receipt
  await page.goto('/bokade-tider/demo-anna-tidigare');
  await expect(page.getByTestId('visit-paid')).toContainText('300 kr');
  await page.getByRole('link', { name: 'Visa kvitto' }).click();
  await expect(page.locator('h1')).toHaveText('Kvitto');
  await expect(page.getByTestId('receipt-total')).toHaveText('300 kr');
  await expect(page.getByText('Varav moms: 0 kr (sjukvård är momsfri)')).toBeVisible();
  await expectNoAxeViolations(page, 'receipt');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Huvudmeny' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Skriv ut' })).toBeHidden();
  await expect(page.getByTestId('receipt')).toBeVisible();
});

test('check-in before, inside and after the window; the reminder SMS; staff see the arrival', async ({ page, server, browser }) => {
  await highCost(page.request, server.url, ERIK, 0);
  // a morning (Stockholm time), so the visit and its check-in fall on the same day whenever
  // the test runs (the staff list shows the day's visits)
  const now = (await setClock(page.request, server.url, stockholmMorningTomorrow())).now;
  const visit = await book(page.request, server.url, ERIK, 150);
  // sessions run on the server's one clock too: log in at its time
  await loginAndGo(page, ERIK, `/bokade-tider/${visit.id}`);
  await expect(page.getByTestId('check-in-state')).toContainText('Du kan checka in från');
  await expect(page.getByTestId('check-in-button')).toHaveCount(0);
  // two hours before: the reminder with a link to the check-in
  expect((await setClock(page.request, server.url, now + 31 * 60)).remindersSent).toBe(1);
  const { staff, staffContext } = await staffSignIn(browser, server.url);
  await staff.goto('/staff/sms');
  await expect(staff.getByText(`/bokade-tider/${visit.id}`)).toBeVisible();
  // 29 minutes before: open, with the fee (two idle hours on: the session has ended, log in again)
  await setClock(page.request, server.url, now + 121 * 60);
  await loginAndGo(page, ERIK, `/bokade-tider/${visit.id}`);
  await expect(page.getByTestId('check-in-state')).toHaveText(/Incheckningen är öppen/);
  await expect(page.getByTestId('fee-total')).toHaveText('300 kr');
  await expectNoAxeViolations(page, 'check-in open');
  await page.getByTestId('check-in-button').click();
  await expect(page.getByTestId('check-in-state')).toHaveText(/Du är incheckad/);
  await expect(page.getByTestId('pay-button')).toHaveText('Betala 300 kr');
  await expectNoAxeViolations(page, 'checked in, to pay');
  await staff.goto('/staff/besok');
  await expect(staff.locator(`tr[data-visit="${visit.id}"]`)).toContainText('Ankommen');
  await staffContext.close();
  // after the start: closed
  const late = await book(page.request, server.url, ERIK, 5);
  await setClock(page.request, server.url, now + 121 * 60 + 6 * 60);
  await page.goto(`/bokade-tider/${late.id}`);
  await expect(page.getByTestId('check-in-state')).toHaveText(/Gå till receptionen/);
  await expect(page.getByTestId('check-in-button')).toHaveCount(0);
  await expectNoAxeViolations(page, 'check-in closed');
});

test('free visits: a child, and a patient with a frikort, check in without paying', async ({ page, server }) => {
  await loginAndGo(page, ANNA, '/bokade-tider');
  const child = await book(page.request, server.url, await noahNumber(page), 10);
  await page.goto(`/bokade-tider/${child.id}`);
  await expect(page.getByText('Avgiftsfritt under 20 år')).toBeVisible();
  await expect(page.getByTestId('fee-total')).toHaveText('0 kr');
  await page.getByTestId('check-in-button').click();
  await expect(page.getByTestId('check-in-state')).toHaveText(/Du är incheckad/);
  await expect(page.getByTestId('pay-button')).toHaveCount(0);

  await page.context().clearCookies();
  await loginAndGo(page, SARA, '/bokade-tider');
  await highCost(page.request, server.url, SARA, 1450, Math.floor(Date.now() / 1000) + 100 * 86400);
  const frikort = await book(page.request, server.url, SARA, 10);
  await page.goto(`/bokade-tider/${frikort.id}`);
  await expect(page.getByText('Frikort (högkostnadsskydd)')).toBeVisible();
  await expect(page.getByText(/Ditt frikort gäller till och med/)).toBeVisible();
  await expect(page.getByTestId('fee-total')).toHaveText('0 kr');
  await expectNoAxeViolations(page, 'frikort');
  await page.getByTestId('check-in-button').click();
  await expect(page.getByTestId('check-in-state')).toHaveText(/Du är incheckad/);
  await expect(page.getByTestId('pay-button')).toHaveCount(0);
});

test('card: declined, then approved after the extra verification step; the receipt', async ({ page, server }) => {
  await loginAndGo(page, ERIK, '/bokade-tider');
  await highCost(page.request, server.url, ERIK, 0);
  const visit = await book(page.request, server.url, ERIK, 10);
  await page.goto(`/bokade-tider/${visit.id}`);
  await page.getByTestId('check-in-button').click();
  await page.getByRole('radio', { name: 'Kort' }).check();
  await page.getByTestId('pay-button').click();
  await expect(page.locator('h1')).toHaveText('Betala med kort');
  await page.getByLabel('Kortnummer').fill('4000 0000 0000 0002');
  await page.getByRole('button', { name: 'Betala 300 kr' }).click();
  await expect(page.locator('h1')).toHaveText('Ditt besök');
  await expect(page.getByTestId('payment-problem')).toHaveText(/Kortet nekades/);
  // the refusal is what matters now: focused, and so in view above the tab bar
  await expect(page.getByTestId('payment-problem')).toBeFocused();
  await expect(page.getByTestId('payment-problem')).toBeInViewport();
  await expectNoAxeViolations(page, 'card declined');
  await page.getByTestId('pay-button').click();
  await page.getByLabel('Kortnummer').fill('4000 0000 0000 3220');
  await page.getByRole('button', { name: 'Betala 300 kr' }).click();
  await expect(page.locator('h1')).toHaveText('Verifiera köpet');
  await page.getByLabel('Engångskod från banken').fill('1234');
  await page.getByRole('button', { name: 'Bekräfta' }).click();
  await expect(page.getByTestId('visit-paid')).toHaveText('Betald: 300 kr');
  await page.getByRole('link', { name: 'Visa kvitto' }).click();
  await expect(page.getByTestId('receipt')).toContainText('Kort');
  await expect(page.getByTestId('receipt-total')).toHaveText('300 kr');
});

test('Swish: declined, failed, timed out and cancelled, then paid', async ({ page, server, consoleErrors }) => {
  await loginAndGo(page, ERIK, '/bokade-tider');
  await highCost(page.request, server.url, ERIK, 0);
  const visit = await book(page.request, server.url, ERIK, 10);
  await page.goto(`/bokade-tider/${visit.id}`);
  await page.getByTestId('check-in-button').click();
  await page.getByRole('radio', { name: 'Swish' }).check();
  const attempt = async (action: string | null, expected: RegExp) => {
    await page.getByTestId('pay-button').click();
    await expect(page.getByTestId('payment-status')).toHaveText(/Väntar på att du godkänner betalningen i Swish/);
    // a phone opens the Swish app; another phone scans the code
    await expect(page.getByTestId('swish-open')).toHaveAttribute('href', /^swish:\/\/paymentrequest\?token=/);
    if (action) await swish(page.request, server.url, action);
    else await page.getByRole('button', { name: 'Avbryt Swish-betalningen' }).click();
    await expect(page.getByTestId('payment-problem')).toHaveText(expected);
    await expect(page.getByTestId('payment-problem')).toBeFocused();
    await expect(page.getByTestId('payment-problem')).toBeInViewport();
  };
  await attempt('decline', /Betalningen avböjdes i Swish/);
  await attempt('error', /Något gick fel med betalningen/);
  await attempt('timeout', /Betalningen godkändes inte i tid/);
  await attempt(null, /Betalningen avbröts/);
  await page.getByTestId('pay-button').click();
  await page.getByText('Betala med Swish på en annan mobil').click();
  await expect(page.getByRole('img', { name: 'QR-kod för Swish-betalning' })).toBeVisible();
  await expectNoAxeViolations(page, 'swish waiting');
  await swish(page.request, server.url, 'pay');
  await expect(page.getByTestId('visit-paid')).toHaveText('Betald: 300 kr');
  await expect(page.locator('#paid-heading')).toBeFocused();
  expect(consoleErrors).toEqual([]);
});

test('invoice: the fee and the address before confirming; a double tap and a lost answer make one payment', async ({ page, server }) => {
  await loginAndGo(page, SARA, '/bokade-tider');
  await highCost(page.request, server.url, SARA, 0);
  const visit = await book(page.request, server.url, SARA, 10);
  await page.goto(`/bokade-tider/${visit.id}`);
  await page.getByTestId('check-in-button').click();
  await page.getByRole('radio', { name: 'Faktura' }).check();
  await expect(page.getByText('Fakturaavgift 50 kr. Fakturan skickas till Köpmansgatan 30, 972 33 Luleå.')).toBeVisible();
  await expect(page.getByTestId('pay-button')).toHaveText('Skicka faktura på 350 kr');
  // the first answer is lost on the way back: the app says so, and trying again sends the same key
  const keys: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/payments')) keys.push(r.headers()['idempotency-key']);
  });
  await loseFirstAnswer(page, (url) => url.pathname.endsWith('/payments'));
  await page.getByTestId('pay-button').dblclick();
  await expect(page.getByTestId('payment-problem')).toHaveText(/Det gick inte att starta betalningen/);
  await page.getByTestId('pay-button').click();
  await expect(page.getByTestId('visit-paid')).toHaveText(/Fakturan på 350 kr skickas till dig/);
  expect(keys.length).toBeGreaterThanOrEqual(2);
  expect(new Set(keys).size).toBe(1);
  const res = await page.request.get(`/api/v1/visits/${visit.id}`);
  const body = await res.json();
  expect(body.payment.status).toBe('INVOICED');
  expect(body.payment.total).toBe(350);
  // a new key cannot charge the visit again
  const again = await page.request.post(`/api/v1/visits/${visit.id}/payments`, {
    headers: { 'x-ingang-csrf': '1', 'idempotency-key': 'another-key' },
    data: { method: 'invoice' },
  });
  expect(again.status()).toBe(409);
  await page.getByRole('link', { name: 'Visa kvitto' }).click();
  await expect(page.getByTestId('receipt')).toContainText('Fakturaavgift');
  await expect(page.getByTestId('receipt-total')).toHaveText('350 kr');
});

test('reschedule to a free time, then cancel; the late-cancellation rule is shown', async ({ page, server }) => {
  await loginAndGo(page, ERIK, '/bokade-tider');
  const visit = await book(page.request, server.url, ERIK, 3 * 24 * 60);
  await page.goto(`/bokade-tider/${visit.id}`);
  await expect(page.getByTestId('cancel-policy')).toContainText('Du kan avboka utan kostnad fram till');
  await page.getByRole('button', { name: 'Omboka – välj en ny tid' }).click();
  await expect(page.locator('#slots-legend')).toBeFocused();
  // two weeks of free times: a day first (the first is chosen), then that day's times
  const days = page.getByRole('group', { name: 'Välj en ny dag' }).getByRole('radio');
  expect(await days.count()).toBeGreaterThan(3);
  await expect(days.first()).toBeChecked();
  await days.nth(1).check();
  const dayLabel = (await page.locator('.slot-days label').nth(1).innerText()).replace(/ \(.*\)$/, '');
  const times = page.getByRole('group', { name: `Lediga tider ${dayLabel}` }).getByRole('radio');
  expect(await times.count()).toBeGreaterThan(0);
  const first = times.first();
  const label = await page.locator('.slots label').first().innerText();
  expect(label).toMatch(/^\d\d:\d\d$/);
  await first.check();
  await expectNoAxeViolations(page, 'reschedule');
  await page.getByRole('button', { name: 'Boka om till vald tid' }).click();
  await expect(page.getByTestId('change-status')).toContainText('Besöket är flyttat till');
  await expect(page.getByTestId('visit-facts')).toContainText(label);
  await expect(page.getByTestId('visit-facts')).toContainText(dayLabel);
  await page.getByRole('button', { name: 'Avboka besöket' }).click();
  await expect(page.locator('#cancel-confirm')).toBeFocused();
  await page.getByRole('button', { name: 'Ja, avboka' }).click();
  await expect(page.getByTestId('visit-cancelled')).toBeVisible();
  await page.goto('/bokade-tider');
  await expect(page.getByTestId('past').locator(`li[data-visit="${visit.id}"]`)).toContainText('Avbokad');
  // within a day of the visit: cancelling costs the missed-visit fee, and the screen says so first
  const soon = await book(page.request, server.url, ERIK, 120);
  await page.goto(`/bokade-tider/${soon.id}`);
  await expect(page.getByTestId('cancel-policy')).toHaveText(/avgift på 400 kr/);
  await expect(page.getByRole('button', { name: 'Omboka – välj en ny tid' })).toHaveCount(0);
  await expect(page.getByTestId('no-reschedule')).toHaveText(/Ring mottagningen/);
  await page.getByRole('button', { name: 'Avboka besöket' }).click();
  await page.getByRole('button', { name: 'Ja, avboka' }).click();
  await expect(page.getByTestId('visit-cancelled')).toHaveText(/400 kr/);
});

export type { Server };

test('a patient books a free time themself, once even when the answer is lost, and it is in Bokade tider', async ({ page }) => {
  await loginAndGo(page, ERIK, '/bokade-tider');
  await page.getByRole('link', { name: 'Boka tid' }).click();
  await expect(page.locator('h1')).toHaveText('Boka tid');
  // his own health centre is chosen for him, first in the list
  const units = page.getByRole('group', { name: 'Välj mottagning' });
  await expect(units.getByRole('radio', { checked: true })).toHaveAccessibleName(/^Hälsocentralen Kalix/);
  await expect(units.getByRole('radio').first()).toHaveAccessibleName(/^Hälsocentralen Kalix/);
  const types = page.getByRole('group', { name: 'Vad vill du boka?' });
  await expect(types.getByRole('radio', { name: 'Telefonsamtal med sjuksköterska' })).toHaveAccessibleDescription(
    /^Telefonsamtal, 15 minuter\./,
  );
  // nothing chosen yet: "Boka" says what is missing, and focus goes there
  await page.getByRole('button', { name: 'Boka', exact: true }).click();
  await expect(page.locator('#book-problem')).toHaveText('Välj vad du vill boka.');
  await expect(page.locator('#book-problem')).toBeFocused();
  await types.getByRole('radio', { name: 'Provtagning' }).check();
  const days = page.getByRole('group', { name: 'Välj dag' });
  await expect(days.getByRole('radio').first()).toBeChecked();
  await page.getByRole('button', { name: 'Boka', exact: true }).click();
  await expect(page.locator('#book-problem')).toHaveText('Välj en tid.');
  await expectNoAxeViolations(page, 'booking');
  await page.locator('fieldset.slots').getByRole('radio').first().check();
  await expect(page.getByTestId('book-summary')).toContainText('Provtagning hos Hälsocentralen Kalix');
  await expect(page.getByTestId('book-summary')).toContainText('För Erik Lindqvist.');
  // the first answer is lost on the way back: trying again books nothing new
  await loseFirstAnswer(page, (url) => url.pathname === '/api/v1/visits');
  await page.getByRole('button', { name: 'Boka', exact: true }).click();
  await expect(page.locator('#book-problem')).toContainText('saknas anslutning');
  await page.getByRole('button', { name: 'Boka', exact: true }).click();
  await expect(page).toHaveURL(/\/bokade-tider\/[^/?]+\?bokad=1$/);
  await expect(page.locator('h1')).toHaveText('Ditt besök');
  await expect(page.getByRole('main')).toContainText('Provtagning');
  const id = new URL(page.url()).pathname.split('/').pop();
  const list = await (await page.request.get('/api/v1/visits')).json();
  const booked = list.upcoming.filter((v: { title: string; unitId: string }) => v.title === 'Provtagning' && v.unitId === 'hc-kalix');
  expect(booked.map((v: { id: string }) => v.id)).toEqual([id]);
  await page.goto('/bokade-tider');
  await expect(page.locator(`[data-visit="${id}"]`)).toContainText('Provtagning');
  // a second one of the same kind is refused with a reason, the time picked again
  await page.getByRole('link', { name: 'Boka tid' }).click();
  await page.getByRole('group', { name: 'Vad vill du boka?' }).getByRole('radio', { name: 'Provtagning' }).check();
  await page.locator('fieldset.slots').getByRole('radio').first().check();
  await page.getByRole('button', { name: 'Boka', exact: true }).click();
  await expect(page.locator('#book-problem')).toContainText('Erik har redan en bokad tid av det här slaget');
});

test('paying is a chunk of its own, fetched when a fee is due; when it cannot be had the panel says so and "Försök igen" brings it', async ({
  browser,
  server,
}) => {
  const context = await browser.newContext({ baseURL: server.url, serviceWorkers: 'block' });
  const page = await context.newPage();
  const chunk = await holdChunk(page, 'payment');
  await loginAndGo(page, SARA, '/bokade-tider');
  await highCost(page.request, server.url, SARA, 0);
  const visit = await book(page.request, server.url, SARA, 10);
  await page.goto(`/bokade-tider/${visit.id}`);
  await expect(page.getByTestId('check-in-button')).toBeVisible();
  // the visit's screen, with its fee, needs no payment code until there is something to pay
  expect(chunk.fetched()).toBe(0);
  await page.getByTestId('check-in-button').click();
  await expectChunkRetry(page, 'payment chunk failed', chunk.release, page.getByRole('radio', { name: 'Faktura' }));
  expect(chunk.fetched()).toBeGreaterThan(1);
  await expect(page.locator('h1')).toHaveText('Ditt besök');
  await context.close();
});
