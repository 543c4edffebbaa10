// Web Push: turned on and off for this device in Inställningar (the subscription goes to the
// server and back), and what the service worker does with a push (fired through the DevTools
// protocol: no push service is needed, and none is reachable here).
import { test, expect, loginAndGo, expectNoAxeViolations, waitForApp } from './fixtures';

const LISA = '199211082384'; // only this test uses her

// A P-256 public key and auth secret such as a browser makes for a subscription.
const P256DH = 'BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY';
const AUTH = '_ordMnz7uTCmrpBTeUV4Bw';

test.describe.configure({ timeout: 60_000 });

test('push notifications are turned on and off for this device in Inställningar', async ({ page, context }) => {
  await context.grantPermissions(['notifications']);
  // The browser's push service is out of reach here: its subscribe is stood in for (it checks
  // what the app asks for), everything after it is real: the app's request, the server's checks.
  await page.addInitScript(
    ({ p256dh, auth }) => {
      let current: unknown = null;
      const make = (endpoint: string) => ({
        endpoint,
        expirationTime: null,
        toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
        unsubscribe: async () => {
          current = null;
          return true;
        },
      });
      PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
        if (!options?.userVisibleOnly || !options.applicationServerKey) throw new DOMException('bad options');
        (window as unknown as { pushKey: number[] }).pushKey = Array.from(
          new Uint8Array(options.applicationServerKey as ArrayBuffer),
        );
        current = make(`https://fcm.googleapis.com/fcm/send/e2e-${Math.random().toString(36).slice(2)}`);
        return current as PushSubscription;
      };
      PushManager.prototype.getSubscription = async function () {
        return current as PushSubscription | null;
      };
    },
    { p256dh: P256DH, auth: AUTH },
  );
  await loginAndGo(page, LISA, '/installningar');
  const section = page.getByTestId('push-setting');
  await expect(section.getByRole('heading', { name: 'Pushnotiser' })).toBeVisible();
  await expect(section).toContainText('Pushnotiser är av för den här enheten.');
  await expectNoAxeViolations(page, 'push off');

  // on, from the keyboard
  const put = page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/push/subscription') && r.request().method() === 'PUT',
  );
  await section.getByRole('button', { name: 'Slå på pushnotiser på den här enheten' }).focus();
  await page.keyboard.press('Enter');
  const response = await put;
  expect(response.status()).toBe(204);
  const sent = response.request().postDataJSON();
  expect(sent.endpoint).toMatch(/^https:\/\/fcm\.googleapis\.com\/fcm\/send\/e2e-/);
  expect(sent.keys).toEqual({ p256dh: P256DH, auth: AUTH });
  await expect(section.getByRole('status')).toHaveText('Klart. Du får pushnotiser på den här enheten.');
  await expect(section).toContainText('Pushnotiser är på för den här enheten.');
  // the browser subscribed with the server's own key
  const key = (await (await page.request.get('/api/v1/push/key')).json()).publicKey as string;
  const subscribedWith = await page.evaluate(() => (window as unknown as { pushKey: number[] }).pushKey);
  expect(Buffer.from(subscribedWith).toString('base64url')).toBe(key);
  await expectNoAxeViolations(page, 'push on');

  // off again: gone in the browser and on the server
  const del = page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/push/subscription') && r.request().method() === 'DELETE',
  );
  await section.getByRole('button', { name: 'Stäng av pushnotiser på den här enheten' }).click();
  expect((await del).status()).toBe(204);
  expect((await del).request().postDataJSON()).toEqual({ endpoint: sent.endpoint });
  await expect(section.getByRole('status')).toHaveText('Klart. Du får inga fler pushnotiser på den här enheten.');
  await expect(section).toContainText('Pushnotiser är av för den här enheten.');
});

test('a push shows a notification with no more than the app sent, and keeps a click in the app', async ({
  page,
  context,
  server,
}) => {
  await context.grantPermissions(['notifications']);
  await page.goto('/');
  await waitForApp(page);
  await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready).active);
  const cdp = await context.newCDPSession(page);
  const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  const origin = new URL(server.url).origin;
  await expect.poll(() => registrations.some((r) => r.scopeURL.startsWith(origin) && !r.isDeleted)).toBe(true);
  const { registrationId } = registrations.find((r) => r.scopeURL.startsWith(origin) && !r.isDeleted)!;
  const push = (data: string) => cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId, data });
  const shown = () =>
    page.evaluate(async () =>
      (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        url: (n.data as { url: string }).url,
      })),
    );

  // A push delivered through the DevTools protocol now and then never shows, in this test alone
  // as well (1 in 16 runs, any of the pushes below; it shows in about a second otherwise), and
  // whether the protocol or the browser drops it is not known. So each push is delivered again
  // every 3 s until a notification with its tag shows: one tag, so one notification.
  const pushUntilShown = async (data: string, tag: string) =>
    expect
      .poll(
        async () => {
          const found = (await shown()).some((n) => n.tag === tag);
          if (!found) await push(data);
          return found;
        },
        { timeout: 30_000, intervals: [3_000] },
      )
      .toBe(true);

  // what the server sends for "din tur" (crates/server/src/push.rs)
  await pushUntilShown(
    JSON.stringify({
      title: 'Nu är det din tur',
      body: 'Öppna Ingång för att fortsätta ditt ärende.',
      url: '/arenden/abc123',
      tag: 'din-tur-abc123',
    }),
    'din-tur-abc123',
  );
  expect(await shown()).toEqual([
    { title: 'Nu är det din tur', body: 'Öppna Ingång för att fortsätta ditt ärende.', tag: 'din-tur-abc123', url: '/arenden/abc123' },
  ]);

  // a click goes only to the app's own screens: another site's address opens the start page
  await pushUntilShown(JSON.stringify({ title: 'Nytt meddelande', body: 'x', url: 'https://evil.example/', tag: 'evil' }), 'evil');
  await pushUntilShown(JSON.stringify({ title: 'Nytt meddelande', body: 'x', url: '//evil.example/', tag: 'evil2' }), 'evil2');
  expect((await shown()).filter((n) => n.tag.startsWith('evil')).map((n) => n.url)).toEqual(['/', '/']);

  // a push that cannot be read still shows the app's name (a push must show something; the
  // worker does not know the user's language, so no sentence)
  await pushUntilShown('not json', 'ingang');
  expect((await shown()).find((n) => n.tag === 'ingang')).toEqual({ title: 'Ingång', body: '', tag: 'ingang', url: '/' });
});
