// Pictures in the chat: a photo with GPS data in its EXIF leaves the phone without any
// metadata and correctly rotated; staff ask for it and see it live; too large files and
// programs are refused with clear Swedish messages without losing what was typed; a picture
// sent offline arrives once after a reload; another patient cannot fetch it.
import * as fs from 'node:fs';
import piexif from 'piexifjs';
import type { Browser, Page } from '@playwright/test';
import { test, expect, sendColdForMyself, expectNoAxeViolations, loginAndGo, staffPicks, goOffline } from './fixtures';

const ANNA = '198001139297';
const ERIK = '197905041237';

test.describe.configure({ timeout: 120_000 });

/** A JPEG from the browser's canvas: left half red, right half blue. */
async function twoColourJpeg(page: Page, width: number, height: number): Promise<Buffer> {
  const dataUrl = await page.evaluate(
    ([w, h]) => {
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const g = c.getContext('2d')!;
      g.fillStyle = '#ff0000';
      g.fillRect(0, 0, w / 2, h);
      g.fillStyle = '#0000ff';
      g.fillRect(w / 2, 0, w / 2, h);
      return c.toDataURL('image/jpeg', 0.95);
    },
    [width, height],
  );
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

/** The photo a phone would take: EXIF with orientation 6 (turn 90° clockwise to view), a GPS
 *  position (Kalix) and the camera's make, made with piexifjs from npm. */
function withGpsExif(jpeg: Buffer): Buffer {
  const exif = piexif.dump({
    '0th': { [piexif.ImageIFD.Orientation]: 6, [piexif.ImageIFD.Make]: 'Telefonmärke', [piexif.ImageIFD.Model]: 'Modell X' },
    GPS: {
      [piexif.GPSIFD.GPSLatitudeRef]: 'N',
      [piexif.GPSIFD.GPSLatitude]: [[65, 1], [51, 1], [3000, 100]],
      [piexif.GPSIFD.GPSLongitudeRef]: 'E',
      [piexif.GPSIFD.GPSLongitude]: [[23, 1], [8, 1], [4500, 100]],
    },
  });
  return Buffer.from(piexif.insert(exif, jpeg.toString('binary')), 'binary');
}

function hasMetadata(bytes: Buffer) {
  const text = bytes.toString('binary');
  return text.includes('Exif') || text.includes('Telefonm') || text.includes('Modell X');
}

/** Size and the colours at the top and bottom of a JPEG, decoded by the browser. */
async function look(page: Page, jpeg: Buffer) {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
    const c = document.createElement('canvas');
    c.width = bitmap.width;
    c.height = bitmap.height;
    const g = c.getContext('2d')!;
    g.drawImage(bitmap, 0, 0);
    const at = (x: number, y: number) => Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3));
    const colour = ([r, , b]: number[]) => (r > 150 && b < 100 ? 'red' : b > 150 && r < 100 ? 'blue' : 'other');
    return {
      width: bitmap.width,
      height: bitmap.height,
      top: colour(at(bitmap.width / 2, 10)),
      bottom: colour(at(bitmap.width / 2, bitmap.height - 10)),
    };
  }, jpeg.toString('base64'));
}

/** Anna's case, picked by Lena in the staff console (left open on the case page). */
async function pickedCase(page: Page, browser: Browser) {
  await loginAndGo(page, ANNA, '/arenden');
  const origin = new URL(page.url()).origin;
  const id = await sendColdForMyself(page, origin, `pictures-${Date.now()}`, { unitId: 'hc-kalix', description: 'Utslag på armen.' });
  const { staff, staffContext } = await staffPicks(browser, origin, id);
  await staff.goto(`/staff/cases/${id}`);
  await expect(staff.locator('html')).toHaveAttribute('data-live', 'on');
  return { id, origin, staff, staffContext };
}

test('a photo with GPS data arrives rotated and without metadata; staff ask for it and see it live', async ({
  page,
  browser,
}, testInfo) => {
  const { id, origin, staff, staffContext } = await pickedCase(page, browser);
  await page.goto(`/arenden/${id}`);
  const chat = page.getByTestId('chat-messages');

  // staff ask for a picture: the patient is told, with the picture button at hand
  await staff.getByRole('button', { name: 'Be om en bild' }).click();
  // (announced when it comes over the stream; the chat spec checks announcements)
  await expect(chat.locator('li').last()).toContainText('Kan du skicka en bild?');
  await expect(chat.locator('li').last().getByRole('button', { name: 'Lägg till bilder' })).toBeVisible();

  // a landscape photo whose EXIF says "turn 90° clockwise", with GPS and camera data
  const raw = await twoColourJpeg(page, 600, 400);
  const photo = withGpsExif(raw);
  expect(hasMetadata(photo)).toBe(true);
  const other = await twoColourJpeg(page, 100, 100);
  const uploads: Buffer[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().includes('/pictures/')) uploads.push(r.postDataBuffer() ?? Buffer.alloc(0));
  });
  await page.getByLabel('Skriv ett meddelande').fill('Så här ser utslaget ut.');
  await page.getByTestId('chat-file').setInputFiles([
    { name: 'IMG_0042.jpg', mimeType: 'image/jpeg', buffer: photo },
    { name: 'IMG_0043.jpg', mimeType: 'image/jpeg', buffer: other },
  ]);
  const chosen = page.getByTestId('chat-chosen');
  await expect(chosen.getByRole('img')).toHaveCount(2);
  await expect(chosen.getByRole('img', { name: 'Bild 1 av 2' })).toBeVisible();
  await expectNoAxeViolations(page, 'chat with chosen pictures');
  // removed before sending
  await chosen.getByRole('button', { name: 'Ta bort bild 2' }).click();
  await expect(chosen.getByRole('img')).toHaveCount(1);
  await expect(page.locator('#chat-library-button')).toBeFocused();

  await page.getByRole('button', { name: 'Skicka', exact: true }).click();
  await expect(page.getByTestId('chat-pending')).toHaveCount(0, { timeout: 15_000 });
  const mine = chat.locator('li').last();
  await expect(mine).toContainText('Så här ser utslaget ut.');
  await expect(mine.getByTestId('chat-picture')).toBeVisible();
  await expect(mine.getByRole('img', { name: 'Bild 1 av 1' })).toBeVisible();

  // what left the phone: a JPEG, no EXIF, no GPS, no camera, turned upright, at most 2048 px
  expect(uploads).toHaveLength(1);
  const sent = uploads[0];
  expect([...sent.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  expect(hasMetadata(sent)).toBe(false);
  expect(await look(page, sent)).toEqual({ width: 400, height: 600, top: 'red', bottom: 'blue' });

  // what the server serves: the same, never sniffed, never cached
  const messages = (await (await page.request.get(`/api/v1/cases/${id}/messages`)).json()).messages;
  const picture = messages[messages.length - 1].pictures[0];
  const res = await page.request.get(picture.url);
  expect(res.status()).toBe(200);
  expect(res.headers()['x-content-type-options']).toBe('nosniff');
  expect(res.headers()['content-disposition']).toMatch(/^inline; filename="bild-/);
  expect(res.headers()['cache-control']).toContain('no-store');
  const stored = await res.body();
  expect(hasMetadata(stored)).toBe(false);
  expect(await look(page, stored)).toMatchObject({ width: 400, height: 600, top: 'red' });
  // the full picture on request
  await mine.getByRole('button', { name: 'Visa i full storlek' }).click();
  await expect(mine.getByRole('button', { name: 'Visa mindre' })).toHaveAttribute('aria-pressed', 'true');

  // staff see it without reloading their page (the console's event stream)
  await expect(staff.getByTestId('staff-picture')).toHaveCount(1);
  await expect(staff.getByTestId('staff-picture')).toHaveAttribute('alt', /Bild 1 från patienten \(400 × 600 px\)/);
  const staffRes = await staff.request.get(`/staff/pictures/${picture.id}`);
  expect(staffRes.status()).toBe(200);

  // another patient gets nothing, not even that it exists
  const erikContext = await browser.newContext({ baseURL: origin });
  const erik = await erikContext.newPage();
  await loginAndGo(erik, ERIK, '/arenden');
  for (const url of [picture.url, picture.thumbnailUrl]) {
    expect((await erik.request.get(url)).status()).toBe(404);
  }
  // and nobody signed out
  const anonymous = await browser.newContext({ baseURL: origin });
  expect((await anonymous.request.get(picture.url)).status()).toBe(401);
  await Promise.all([erikContext.close(), anonymous.close()]);

  // refused with clear messages; what was typed stays
  const text = page.getByLabel('Skriv ett meddelande');
  await text.fill('En till bild.');
  const big = testInfo.outputPath('stor.jpg');
  const fd = fs.openSync(big, 'w');
  fs.writeSync(fd, raw);
  fs.ftruncateSync(fd, 50 * 1024 * 1024);
  fs.closeSync(fd);
  await page.getByTestId('chat-file').setInputFiles(big);
  const problems = page.getByTestId('chat-picture-problems');
  await expect(problems).toHaveText('stor.jpg: Filen är för stor (50,0 MB). Största tillåtna storlek är 25 MB.');
  const program = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'binary'), Buffer.alloc(4096, 0x90)]);
  await page.getByTestId('chat-file').setInputFiles([
    { name: 'semesterbild.jpg', mimeType: 'image/jpeg', buffer: program },
    { name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: program },
  ]);
  await expect(problems.locator('li')).toHaveText([
    'semesterbild.jpg: Filen kunde inte läsas som en bild. Välj en annan bild.',
    'setup.exe: Filtypen går inte att skicka. Välj en bild (till exempel JPEG, PNG eller HEIC).',
  ]);
  await expect(problems).toHaveAttribute('role', 'alert');
  await expect(text).toHaveValue('En till bild.');
  await expect(page.getByTestId('chat-chosen')).toHaveCount(0);
  await expectNoAxeViolations(page, 'chat with picture problems');
  await staffContext.close();
});

test('a picture sent offline survives a reload and arrives exactly once', async ({ page, browser }) => {
  const { id, staffContext } = await pickedCase(page, browser);
  await page.goto(`/arenden/${id}`);
  const jpeg = await twoColourJpeg(page, 300, 200);
  await page.getByTestId('chat-file').setInputFiles({ name: 'arm.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  await expect(page.getByTestId('chat-chosen').getByRole('img')).toHaveCount(1);
  // a chosen picture survives a reload too
  await page.reload();
  await expect(page.getByTestId('chat-chosen').getByRole('img')).toHaveCount(1);

  // the upload's first answer is lost; the network then goes away until after a reload
  const pictureUrl = (url: URL) => url.pathname.startsWith(`/api/v1/cases/${id}/pictures/`);
  let puts = 0;
  await page.route(pictureUrl, async (route) => {
    puts += 1;
    if (puts === 1) {
      await route.fetch();
      await route.abort('connectionreset');
    } else {
      await route.abort('internetdisconnected');
    }
  });
  await page.getByRole('button', { name: 'Skicka', exact: true }).click();
  const pending = page.getByTestId('chat-pending');
  await expect(pending.getByRole('img', { name: 'Bild 1 av 1' })).toBeVisible();
  await expect.poll(() => puts).toBeGreaterThan(1);
  await page.reload();
  await expect(pending.getByRole('img', { name: 'Bild 1 av 1' })).toBeVisible();
  await page.unroute(pictureUrl);
  await goOffline(page);
  await page.context().setOffline(false); // 'online': the outbox tries at once
  await expect(pending).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('chat-messages').getByTestId('chat-picture')).toHaveCount(1);
  const messages = (await (await page.request.get(`/api/v1/cases/${id}/messages`)).json()).messages;
  expect(messages.filter((m: { pictures?: unknown[] }) => m.pictures?.length)).toHaveLength(1);
  // nothing of it is left on the device
  const left = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('ingang');
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('blobs')) return resolve(0);
          const count = db.transaction('blobs').objectStore('blobs').count();
          count.onsuccess = () => resolve(count.result);
        };
        open.onerror = () => resolve(-1);
      }),
  );
  expect(left).toBe(0);
  await staffContext.close();
});

test('older messages load above without moving what the user is reading', async ({ page, browser }) => {
  const { id, origin, staffContext } = await pickedCase(page, browser);
  for (let n = 1; n <= 40; n++) {
    const r = await page.request.post(`/api/v1/cases/${id}/messages`, {
      headers: { 'X-Ingang-Csrf': '1', Origin: origin },
      data: { clientId: `older-${n}`, body: `Meddelande ${n}` },
    });
    expect(r.status()).toBe(201);
  }
  await page.goto(`/arenden/${id}`);
  const rows = page.getByTestId('chat-messages').locator('li');
  await expect(rows).toHaveCount(30);
  const older = page.getByRole('button', { name: 'Visa äldre meddelanden' });
  await older.scrollIntoViewIfNeeded();
  const first = rows.first();
  await expect(first).toContainText('Meddelande 11');
  const before = (await first.boundingBox())!.y;
  await older.click();
  await expect(rows).toHaveCount(40);
  await expect(rows.first()).toContainText('Meddelande 1');
  const after = (await page.getByTestId('chat-messages').locator('li', { hasText: 'Meddelande 11' }).boundingBox())!.y;
  expect(Math.abs(after - before)).toBeLessThan(3);
  await expect(older).toHaveCount(0);
  await expect(page.locator('#chat-heading')).toBeFocused();
  await staffContext.close();
});
