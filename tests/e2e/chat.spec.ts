// The chat of a picked case: patient and care staff (two browser contexts) in real time, an
// outbox that survives going offline and a reload and never sends twice, and a read-only chat
// once staff end it.
import { test, expect, afterSealed, sendColdForMyself, expectNoAxeViolations, loginAndGo, loseFirstAnswer, staffPicks, goOffline } from './fixtures';

const ANNA = '198001139297';

test.describe.configure({ timeout: 120_000 });

test('patient and staff chat live; messages written offline arrive exactly once; an ended chat is read-only', async ({
  page,
  browser,
}) => {
  await loginAndGo(page, ANNA, '/arenden');
  const origin = new URL(page.url()).origin;
  const id = await sendColdForMyself(page, origin, 'chat-1', { unitId: 'hc-kalix', description: 'Hosta och feber.' });

  // care staff pick it
  const { staff, staffContext } = await staffPicks(browser, origin, id);

  await page.goto(`/arenden/${id}`);
  const chat = page.getByTestId('chat-messages');
  await expect(page.getByRole('heading', { name: 'Chatt med vården' })).toBeVisible();
  await page.getByText('Regler för chatten').click();
  await expect(page.getByText('Håll god ton.', { exact: false })).toBeVisible();
  await expectNoAxeViolations(page, 'chat');

  // patient → staff
  const text = page.getByLabel('Skriv ett meddelande');
  await text.fill('Hej! Jag har fått feber.');
  await page.getByRole('button', { name: 'Skicka', exact: true }).click();
  await expect(chat.locator('li').last()).toContainText('Hej! Jag har fått feber.');
  await expect(page.getByTestId('chat-pending')).toHaveCount(0);
  await staff.goto(`/staff/cases/${id}`);
  await expect(staff.locator('#chat')).toContainText('Patient: Hej! Jag har fått feber.');

  // staff → patient, live, announced politely
  await staff.getByLabel('Svar till patienten').fill('Hur hög är febern?');
  await staff.getByRole('button', { name: 'Skicka' }).click();
  await expect(chat.locator('li').last()).toContainText('Lena, Sjuksköterska');
  await expect(chat.locator('li').last()).toContainText('Hur hög är febern?');
  await expect(page.getByTestId('chat-announce')).toHaveText('Nytt meddelande från Lena: Hur hög är febern?');

  // the first send reaches the server but the answer is lost: the retry (same client id) is not a second message
  const messagesUrl = (url: URL) => url.pathname === `/api/v1/cases/${id}/messages`;
  await loseFirstAnswer(page, messagesUrl);
  await text.fill('38,5 grader i morse.');
  await page.getByRole('button', { name: 'Skicka', exact: true }).click();
  await expect(page.getByTestId('chat-pending')).toHaveCount(0, { timeout: 15_000 });
  await page.unroute(messagesUrl);
  const before = (await (await page.request.get(`/api/v1/cases/${id}/messages`)).json()).messages.length;
  expect(before).toBe(3);

  // offline: written, kept (encrypted) through a reload, sent when the connection is back
  await goOffline(page);
  await text.fill('Jag har tagit Alvedon.');
  // the outbox is encrypted in the background
  await afterSealed(page, `outbox/${id}`, () => page.getByRole('button', { name: 'Skicka', exact: true }).click());
  await expect(page.getByTestId('chat-pending')).toContainText('Skickas');
  expect(JSON.stringify(await page.evaluate(() => ({ ...localStorage })))).not.toContain('Alvedon');
  // a reload without a connection: the case is not kept on the device, what she wrote is
  await page.reload();
  await expect(page.getByTestId('case-offline')).toHaveText(
    'Ärendet kan inte visas utan anslutning. Det visas igen så snart du är ansluten.',
  );
  await expect(page.getByTestId('case-offline-outbox')).toHaveText('Jag har tagit Alvedon.');
  await expectNoAxeViolations(page, 'case screen offline');
  // the server stays unreachable for sending (not for the page load) through a reload
  await page.route(messagesUrl, (route) =>
    route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue(),
  );
  // the offline page goes first: back online it would fetch the case and send at once, racing
  // the reload (a tablet run saw the message sent before the reload's interception)
  await page.goto('about:blank');
  await page.context().setOffline(false);
  await page.goto(`/arenden/${id}`);
  await expect(page.getByTestId('chat-pending')).toContainText('Jag har tagit Alvedon.');
  await page.unroute(messagesUrl);
  await expect(page.getByTestId('chat-pending')).toHaveCount(0, { timeout: 15_000 });
  await expect(chat).toContainText('Jag har tagit Alvedon.');

  const all = (await (await page.request.get(`/api/v1/cases/${id}/messages`)).json()).messages.map(
    (m: { body: string }) => m.body,
  );
  expect(all).toEqual(['Hej! Jag har fått feber.', 'Hur hög är febern?', '38,5 grader i morse.', 'Jag har tagit Alvedon.']);

  // a message being typed survives a reload
  await afterSealed(page, `chat/${id}`, () => text.fill('Ska jag komma in?'));
  await page.reload();
  await expect(text).toHaveValue('Ska jag komma in?');

  // staff end the chat: read-only, with a clear notice, and it can be continued
  await staff.goto(`/staff/cases/${id}`);
  await staff.getByRole('button', { name: 'Avsluta chatten' }).click();
  await expect(page.getByTestId('chat-closed')).toBeVisible();
  await expect(page.getByLabel('Skriv ett meddelande')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Fortsätt ärendet' })).toBeVisible();
  await expectNoAxeViolations(page, 'chat ended');
  await staffContext.close();
});

// The case is read again every half minute, on each event about it and when the device is back
// online. Under the screen's `Suspense` each read took the whole screen away and put it back,
// and the focus (a message half written) went to the page's body.
test('a message being written keeps its focus while the case is read again', async ({ page, browser }) => {
  await loginAndGo(page, ANNA, '/arenden');
  const origin = new URL(page.url()).origin;
  const id = await sendColdForMyself(page, origin, `chat-focus-${Date.now()}-${Math.random()}`, { unitId: 'hc-kalix' });
  const { staffContext } = await staffPicks(browser, origin, id);
  await page.goto(`/arenden/${id}`);
  const text = page.getByLabel('Skriv ett meddelande');
  await text.click();
  await page.keyboard.type('Hej, jag undrar');
  for (let i = 0; i < 3; i++) {
    const again = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/cases/${id}`);
    // back online: the case is asked for at once (as the poll and the events do)
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await again;
  }
  await expect(text).toBeFocused();
  await page.keyboard.type(' om febern.');
  await expect(text).toHaveValue('Hej, jag undrar om febern.');
  await staffContext.close();
});
