// E-services and the inbox: every standard e-service sent, answered by staff and read by the
// patient; a clinic with fewer e-services shows only those; a guardian for a child of 10 but not
// of 14; information that cannot be answered; questions answered once; unread counts.
import {
  test,
  expect,
  expectChunkRetry,
  expectNoAxeViolations,
  goOffline,
  holdChunk,
  leaveWhileSending,
  loginAndGo,
  loseFirstAnswer,
  sealedDraft,
  staffSignIn,
  chooseLanguage,
} from './fixtures';
import type { Browser, Page } from '@playwright/test';
import * as fs from 'node:fs';

const ANNA = '198001139297';
const SARA = '198509223452';

const group = (page: Page, name: string) => page.getByRole('group', { name });
const radio = (page: Page, question: string, answer: string) =>
  group(page, question).getByRole('radio', { name: answer, exact: true }).check();
const box = (page: Page, question: string, answer: string) =>
  group(page, question).getByRole('checkbox', { name: answer }).check();

/** The standard e-services of Hälsocentralen Gibraltar, each with the answers a patient gives. */
const SERVICES: { title: string; fill: (page: Page) => Promise<void> }[] = [
  {
    title: 'Förnya recept',
    fill: async (page) => {
      await box(page, 'Vilka läkemedel vill du förnya?', 'Levaxin 100 mikrogram tablett, 1 tablett på morgonen');
      await radio(page, 'Var vill du hämta ut läkemedlen?', 'Valfritt apotek (e-recept)');
      await radio(page, 'Har något ändrats sedan receptet skrevs ut, till exempel biverkningar eller nya läkemedel?', 'Nej');
    },
  },
  {
    title: 'Kontakta mig',
    fill: async (page) => {
      await radio(page, 'Vad gäller det?', 'Provsvar');
      await page.getByLabel('Beskriv kort vad du vill ha kontakt om').fill('Jag väntar på svar på blodprovet.');
      await radio(page, 'Hur vill du bli kontaktad?', 'Telefon');
      // her registered mobile is offered (SDC pre-population), written as she would write it
      await expect(page.getByLabel('Vilket telefonnummer ska vi ringa?')).toHaveValue('070-123 45 67');
      await expect(page.getByText('t.ex. 070-123 45 67')).toBeVisible();
      await box(page, 'När passar det bäst?', 'Förmiddag (8–12)');
    },
  },
  {
    title: 'Beställ tid',
    fill: async (page) => {
      await page.getByLabel('Vad gäller besöket?').fill('Uppföljning av blodtrycket.');
      await radio(page, 'Hur vill du helst träffas?', 'Videobesök');
      await box(page, 'Vilka tider passar dig?', 'Vardagar förmiddag');
      await radio(page, 'Behöver du tolk?', 'Nej');
    },
  },
  {
    title: 'Av- och omboka tid',
    fill: async (page) => {
      await radio(page, 'Vill du avboka eller boka om?', 'Boka om till en annan tid');
      await page.getByLabel('Vilket datum är besöket?').fill('2026-12-03');
      await box(page, 'Vilka tider passar i stället?', 'Alla tider');
    },
  },
  {
    title: 'Rådgivning',
    fill: async (page) => {
      await page.getByLabel('Vad vill du ha råd om?').fill('Hur länge ska jag vila efter en förkylning?');
    },
  },
  {
    title: 'Begär intyg',
    fill: async (page) => {
      await radio(page, 'Vilket intyg behöver du?', 'Körkortsintyg');
      await radio(page, 'Är det ett nytt intyg eller en förnyelse?', 'Förnyelse av ett tidigare intyg');
      await page.getByLabel('Vem skrev det tidigare intyget?').fill('Omar Haddad, Hälsocentralen Gibraltar');
      await page.getByLabel('Till och med vilket datum gäller det nuvarande intyget?').fill('2027-01-31');
    },
  },
  {
    title: 'Beställ journalkopia',
    fill: async (page) => {
      await radio(page, 'Vad vill du ha en kopia av?', 'Provsvar');
      await radio(page, 'Hur vill du få kopian?', 'Med post till min folkbokföringsadress');
    },
  },
  {
    title: 'Förnya hjälpmedel',
    fill: async (page) => {
      await radio(page, 'Vilken sorts hjälpmedel?', 'Inkontinenshjälpmedel');
      await page.getByLabel('Produktens namn').fill('TENA Lady Maxi');
      await page.getByLabel('Hur många använder du per dygn?').fill('4');
      await page.getByLabel('Hur många förpackningar behöver du?').fill('2');
      await page.getByLabel('Leveransadress').fill('Storgatan 12, 972 38 Luleå');
      await page.getByLabel('Telefonnummer till den som tar emot leveransen').fill('070-123 45 67');
    },
  },
];

/** Care staff (Lena) at a desktop. */
async function staffConsole(browser: Browser, origin: string) {
  const { staff, staffContext } = await staffSignIn(browser, origin);
  return { staff, context: staffContext };
}

// Laying out what was sent is the form engine: it is a chunk of its own (`chunks::SentAnswers`),
// so a case or an errand does not carry it in its first load.
test('an errand\'s sent answers come in a chunk of their own; when it cannot be had they say so and "Försök igen" brings them', async ({
  browser,
  server,
}) => {
  const context = await browser.newContext({ baseURL: server.url, serviceWorkers: 'block' });
  const page = await context.newPage();
  const chunk = await holdChunk(page, 'answers');
  await loginAndGo(page, ANNA, '/e-tjanster/hc-gibraltar');
  const service = SERVICES[0];
  await page.getByTestId('eservices').getByRole('link', { name: service.title, exact: true }).click();
  await service.fill(page);
  await page.getByRole('button', { name: 'Skicka ärendet' }).click();
  // the errand itself shows without it
  await expect(page.getByTestId('errand-status')).toHaveText('Skickat – väntar på svar');
  await expectChunkRetry(page, 'sent answers chunk failed', chunk.release, page.getByTestId('sent-answers'));
  await expect(page.getByTestId('sent-answers')).toContainText('Levaxin 100 mikrogram tablett');
  await expect(page.getByTestId('errand-status')).toHaveText('Skickat – väntar på svar');
  await context.close();
});

test('every standard e-service is sent, answered by staff and read by the patient', async ({ page, browser }) => {
  test.slow();
  await loginAndGo(page, ANNA, '/e-tjanster');
  await expect(page.getByTestId('eservice-units')).toContainText('Hälsocentralen Gibraltar');
  await expectNoAxeViolations(page, 'e-services');
  await page.getByRole('link', { name: 'Hälsocentralen Gibraltar' }).click();
  await expect(page.locator('h1')).toHaveText('Välj e-tjänst');
  const offered = page.getByTestId('eservices').getByRole('link');
  await expect(offered).toHaveText(SERVICES.map((s) => s.title));
  await expect(page.getByTestId('eservices')).toContainText('Svar brukar komma inom 3 arbetsdagar.');
  await expectNoAxeViolations(page, 'unit e-services');

  const sent: { id: string; title: string }[] = [];
  for (const [i, service] of SERVICES.entries()) {
    await page.goto('/e-tjanster/hc-gibraltar');
    await page.getByTestId('eservices').getByRole('link', { name: service.title, exact: true }).click();
    await expect(page.locator('main h2').first()).toHaveText(service.title);
    await expect(page.getByText('Ärendet gäller Anna Andersson och skickas till Hälsocentralen Gibraltar.')).toBeVisible();
    await service.fill(page);
    if (i === 0) await expectNoAxeViolations(page, 'e-service form');
    await page.getByRole('button', { name: 'Skicka ärendet' }).click();
    await expect(page.getByTestId('errand-sent')).toContainText('Ditt ärende är skickat till Hälsocentralen Gibraltar.');
    await expect(page.getByTestId('errand-status')).toHaveText('Skickat – väntar på svar');
    if (i === 0) {
      await expect(page.getByTestId('sent-answers')).toContainText('Levaxin 100 mikrogram tablett');
      await expectNoAxeViolations(page, 'errand sent');
    }
    sent.push({ id: page.url().split('/e-arende/')[1].split('?')[0], title: service.title });
  }
  // nothing of the forms stays on the device once sent
  const drafts = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('e-tjanst')));
  expect(drafts).toEqual([]);

  const { staff, context } = await staffConsole(browser, new URL(page.url()).origin);
  await staff.goto('/staff/e-arenden');
  for (const errand of sent) {
    await expect(staff.locator(`tr[data-errand="${errand.id}"]`)).toContainText('Nytt');
  }
  await expectNoAxeViolations(staff, 'staff errands');
  for (const errand of sent) {
    await staff.goto(`/staff/e-arenden/${errand.id}`);
    await staff.getByLabel('Svar till patienten').fill(`Svar på ${errand.title}: vi har ordnat det.`);
    await staff.getByRole('button', { name: 'Skicka svar' }).click();
    await expect(staff.getByTestId('errand-answer')).toHaveText(`Svar på ${errand.title}: vi har ordnat det.`);
  }
  await expectNoAxeViolations(staff, 'staff errand answered');
  await context.close();

  await page.goto('/arenden');
  const errands = page.getByTestId('errands');
  for (const errand of sent) {
    await expect(errands.locator(`[data-errand="${errand.id}"]`)).toContainText('Besvarat');
  }
  for (const errand of sent) {
    await page.goto(`/e-arende/${errand.id}`);
    await expect(page.getByTestId('errand-status')).toHaveText('Besvarat');
    await expect(page.getByTestId('errand-answer')).toHaveText(`Svar på ${errand.title}: vi har ordnat det.`);
  }
  await expectNoAxeViolations(page, 'errand answered');
  // the answers arrive in the inbox too
  await page.goto('/inkorg');
  for (const errand of sent) {
    await expect(page.getByTestId('inbox').getByRole('link', { name: `Oläst: Svar: ${errand.title}` })).toBeVisible();
  }
  await page.getByRole('link', { name: 'Oläst: Svar: Förnya recept' }).click();
  await expect(page.getByTestId('message-body')).toContainText('Svar på Förnya recept: vi har ordnat det.');
  await page.getByRole('link', { name: 'Visa ärendet' }).click();
  await expect(page.getByTestId('errand-answer')).toContainText('Förnya recept');
});

test('a clinic with fewer e-services shows only those, and says so', async ({ page }) => {
  await loginAndGo(page, ANNA, '/e-tjanster/ftv-lulea');
  await expect(page.getByTestId('eservices').getByRole('link')).toHaveText(['Kontakta mig', 'Av- och omboka tid']);
  await expect(page.getByTestId('eservices-only')).toHaveText(
    'Hittar du inte det du söker? Mottagningen erbjuder bara de e-tjänster som visas här. Ring 0920-28 43 00, eller sök vård under Sök vård.',
  );
  await expectNoAxeViolations(page, 'dental e-services');
  await page.goto('/e-tjanster/ftv-lulea/fornya-recept');
  await expect(page.getByRole('alert')).toHaveText('Mottagningen har inte den här e-tjänsten.');
  await expectNoAxeViolations(page, 'e-service not offered');
});

test('a guardian sends for a child of 10 but not for one of 14', async ({ page }) => {
  await loginAndGo(page, ANNA, '/e-tjanster');
  const people = page.getByRole('group', { name: 'Välj vems e-tjänster du vill använda' });
  await expect(people.getByRole('radio', { name: /Elsa/ })).toBeDisabled();
  await people.getByRole('radio', { name: /Liam/ }).check();
  await expect(page.getByTestId('acting-bar')).toContainText('Liam Andersson (10 år)');
  await expect(page.getByTestId('eservices-for')).toHaveText('Du ser e-tjänster för Liam Andersson.');

  // his own prescriptions, not his mother's
  await page.goto('/e-tjanster/hc-gibraltar/fornya-recept');
  const medicines = group(page, 'Vilka läkemedel vill du förnya?');
  await expect(medicines.getByRole('checkbox', { name: /Airomir/ })).toBeVisible();
  await expect(medicines.getByRole('checkbox', { name: /Levaxin/ })).toHaveCount(0);

  await page.goto('/e-tjanster/hc-gibraltar/radgivning');
  await expect(page.getByText('Ärendet gäller Liam Andersson och skickas till Hälsocentralen Gibraltar.')).toBeVisible();
  await page.getByLabel('Vad vill du ha råd om?').fill('Liam hostar på nätterna.');
  await page.getByRole('button', { name: 'Skicka ärendet' }).click();
  await expect(page.getByTestId('errand-sent')).toBeVisible();
  await page.goto('/arenden');
  await expect(page.getByTestId('errands').locator('li').first()).toContainText('Liam Andersson');

  // Elsa, 14: chosen for care (allowed to 18), the e-service refuses her, and so does the API
  const people14 = (await (await page.request.get('/api/v1/me/people')).json()).people;
  const elsa = people14.find((p: { givenName: string }) => p.givenName === 'Elsa');
  await page.evaluate((id) => localStorage.setItem('ingang.acting', id), elsa.id);
  await page.goto('/e-tjanster/hc-gibraltar/kontakta-mig');
  await expect(page.getByTestId('acting-bar')).toContainText('Elsa');
  await expect(page.getByRole('alert')).toContainText('Från 13 år använder barnet e-tjänsterna själv');
  await expect(page.getByRole('button', { name: 'Skicka ärendet' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'e-service for a 14-year-old');
  const res = await page.request.post('/api/v1/errands', {
    headers: { 'X-Ingang-Csrf': '1', 'Idempotency-Key': 'elsa-1', Origin: new URL(page.url()).origin },
    data: { personId: elsa.id, unitId: 'hc-gibraltar', eServiceId: 'radgivning', response: { resourceType: 'QuestionnaireResponse', status: 'completed', item: [] } },
  });
  expect(res.status()).toBe(403);
});

test('an errand is for the person checked, at once; "Du agerar för" shows only where it applies', async ({ page }) => {
  await loginAndGo(page, ANNA, '/e-tjanster');
  const people = page.getByRole('group', { name: 'Välj vems e-tjänster du vill använda' });
  await people.getByRole('radio', { name: /Liam/ }).check();
  await expect(page.getByTestId('eservices-for')).toHaveText('Du ser e-tjänster för Liam Andersson.');
  // no "Fortsätt" to forget: checking herself and tapping a clinic makes the errand hers
  await expect(page.getByRole('button', { name: 'Fortsätt' })).toHaveCount(0);
  await people.getByRole('radio', { name: /Anna Andersson/ }).check();
  await expect(page.getByTestId('eservices-for')).toHaveText('Du ser e-tjänster för Anna Andersson.');
  await expect(page.getByTestId('acting-bar')).toHaveCount(0);
  await page.getByTestId('eservice-units').getByRole('link', { name: 'Hälsocentralen Gibraltar' }).click();
  await expect(page).toHaveURL('/e-tjanster/hc-gibraltar');
  await page.goto('/e-tjanster/hc-gibraltar/radgivning');
  await expect(page.getByText('Ärendet gäller Anna Andersson och skickas till Hälsocentralen Gibraltar.')).toBeVisible();

  // acting for Liam: the bar is on e-services and seeking care, not on Anna's own screens
  await page.goto('/e-tjanster');
  await people.getByRole('radio', { name: /Liam/ }).check();
  await expect(page.getByTestId('acting-bar')).toContainText('Liam');
  await expectNoAxeViolations(page, 'e-services for a child');
  for (const [path, heading] of [
    ['/bokade-tider', 'Bokade tider'],
    ['/inkorg', 'Inkorg'],
    ['/arenden', 'Mina ärenden'],
  ]) {
    await page.goto(path);
    await expect(page.locator('h1')).toHaveText(heading);
    await expect(page.getByTestId('acting-bar')).toHaveCount(0);
  }
  await page.goto('/sok-vard/ny');
  await expect(page.getByTestId('acting-bar')).toContainText('Liam');
});

test('information cannot be answered, questions are answered once, unread counts follow', async ({ page, browser, server }) => {
  // two actors, two messages, about ten page loads and four axe runs: longer than one screen
  test.slow();
  const origin = server.url;
  // Sara has registered her mobile (SMS notices) before the clinic writes
  await loginAndGo(page, SARA, '/arenden');
  const { staff, context } = await staffConsole(browser, origin);
  await staff.goto('/staff/inkorg');
  await expectNoAxeViolations(staff, 'staff inbox');
  const send = async (subject: string, questions: boolean) => {
    await staff.goto('/staff/inkorg');
    await staff.getByLabel('Patientens personnummer').fill('19850922-3452');
    await staff.getByLabel('Från mottagning').selectOption({ label: 'Hälsocentralen Gibraltar' });
    await staff.getByLabel('Ämne').fill(subject);
    await staff.getByLabel('Meddelande', { exact: true }).fill(`Hej Sara!\n${subject}.`);
    if (questions) {
      await staff.getByLabel('Frågor att besvara').check();
      await staff.getByLabel('Formulär (för frågor)').selectOption({ label: 'Frågor inför ditt besök' });
    }
    await staff.getByRole('button', { name: 'Skicka meddelande' }).click();
    await expect(staff.getByText('Meddelandet är skickat.')).toBeVisible();
    return staff.url().split('/staff/inkorg/')[1];
  };
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  await expect(nav.getByRole('link', { name: 'Inkorg', exact: true })).toBeVisible();
  const infoId = await send('Dina provsvar är klara', false);
  // Sara's open app counts it at once (the event stream), not at its next minute's check
  await expect(nav.getByRole('link', { name: 'Inkorg 1 oläst' })).toBeVisible();
  const questionsId = await send('Frågor inför besöket', true);
  await expect(nav.getByRole('link', { name: 'Inkorg 2 olästa' })).toBeVisible();

  await page.goto('/inkorg');
  await expect(nav.getByRole('link', { name: 'Inkorg 2 olästa' })).toBeVisible();
  await expect(page.getByTestId('unread-count')).toHaveText('Du har 2 olästa meddelanden.');
  await expectNoAxeViolations(page, 'inbox with unread');

  // information: read, not answerable (no form, and the API refuses)
  await page.getByRole('link', { name: 'Oläst: Dina provsvar är klara' }).click();
  await expect(page.getByTestId('message-body')).toHaveText('Hej Sara!\nDina provsvar är klara.');
  await expect(page.getByTestId('info-only')).toHaveText(/går inte att svara på/);
  await expect(page.getByRole('button', { name: 'Skicka svaren' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Inkorg 1 oläst' })).toBeVisible();
  await expectNoAxeViolations(page, 'information message');
  const refused = await page.request.post(`/api/v1/inbox/${infoId}/answer`, {
    headers: { 'X-Ingang-Csrf': '1', 'Idempotency-Key': 'info-1', Origin: origin },
    data: { response: { resourceType: 'QuestionnaireResponse', status: 'completed', item: [] } },
  });
  expect(refused.status()).toBe(409);
  // read state is the server's: another device (a fresh page) sees it too
  await page.goto('/inkorg');
  await expect(page.getByTestId('unread-count')).toHaveText('Du har 1 oläst meddelande.');
  await expect(page.getByRole('link', { name: 'Dina provsvar är klara', exact: true })).toBeVisible();

  // questions: answered once, even when the first reply is lost on the way back
  await page.getByRole('link', { name: 'Oläst: Frågor inför besöket' }).click();
  await expect(page.getByRole('heading', { name: 'Svara på frågorna' })).toBeVisible();
  await radio(page, 'Är du allergisk mot något läkemedel?', 'Ja');
  await page.getByLabel('Vilka läkemedel?').fill('Penicillin');
  await radio(page, 'Röker du?', 'Nej');
  // the answers wait on the device, sealed, until they are sent
  await expect.poll(() => sealedDraft(page, `/inkorg/${questionsId}`)).not.toBeNull();
  await expectNoAxeViolations(page, 'questions message');
  await loseFirstAnswer(page, (url) => url.pathname.endsWith('/answer'));
  await page.getByRole('button', { name: 'Skicka svaren' }).click();
  await expect(page.locator('#send-error')).toBeVisible();
  await page.getByRole('button', { name: 'Skicka svaren' }).click();
  await expect(page.getByTestId('answered')).toContainText('Svaren är skickade och kan inte ändras.');
  await expect(page.getByTestId('sent-answers')).toContainText('Penicillin');
  await expect.poll(() => sealedDraft(page, `/inkorg/${questionsId}`)).toBeNull();
  await expect(nav.getByRole('link', { name: 'Inkorg', exact: true })).toBeVisible();
  await expectNoAxeViolations(page, 'questions answered');
  await page.reload();
  await expect(page.getByTestId('answered')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Skicka svaren' })).toHaveCount(0);
  const again = await page.request.post(`/api/v1/inbox/${questionsId}/answer`, {
    headers: { 'X-Ingang-Csrf': '1', 'Idempotency-Key': 'second', Origin: origin },
    data: { response: { resourceType: 'QuestionnaireResponse', status: 'completed', item: [] } },
  });
  expect(again.status()).toBe(409);
  expect((await again.json()).code).toBe('already_answered');
  await page.goto('/inkorg');
  await expect(page.getByTestId('unread-count')).toHaveText('Du har inga olästa meddelanden.');
  await expect(page.getByTestId('inbox').locator(`[data-message="${questionsId}"]`)).toContainText('Besvarat');

  // staff see it read and answered, with the answers
  await staff.goto(`/staff/inkorg/${questionsId}`);
  await expect(staff.getByTestId('answered')).toContainText('Besvarat');
  await expect(staff.getByText('Penicillin')).toBeVisible();
  await staff.goto('/staff/sms');
  await expect(staff.locator('tr[data-channel="Sms"]').first()).toContainText(`/inkorg/${questionsId}`);
  await context.close();
});

test('an errand goes back and forth until the clinic closes it; a reply is kept offline and sent once', async ({ page, browser }) => {
  test.setTimeout(90_000);
  await loginAndGo(page, SARA, '/e-tjanster/hc-gibraltar');
  await page.getByTestId('eservices').getByRole('link', { name: 'Rådgivning', exact: true }).click();
  await page.getByLabel('Vad vill du ha råd om?').fill('Hur ska jag ta mitt nya blodtrycksläkemedel?');
  await page.getByRole('button', { name: 'Skicka ärendet' }).click();
  await expect(page.getByTestId('errand-sent')).toBeVisible();
  const id = page.url().split('/e-arende/')[1].split('?')[0];
  const origin = new URL(page.url()).origin;

  const { staff, context } = await staffConsole(browser, origin);
  await staff.goto(`/staff/e-arenden/${id}`);
  await staff.getByLabel('Svar till patienten').fill('Ta en tablett på morgonen. Hur mår du?');
  await staff.getByRole('button', { name: 'Skicka svar' }).click();
  await expect(staff.getByTestId('errand-answer')).toHaveText('Ta en tablett på morgonen. Hur mår du?');

  // the patient writes back: typed offline, kept through a reload (sealed), sent once
  await page.goto(`/e-arende/${id}`);
  await expect(page.getByTestId('errand-answer')).toHaveText('Ta en tablett på morgonen. Hur mår du?');
  const reply = page.getByLabel('Skriv till mottagningen');
  await page.getByRole('button', { name: 'Skicka', exact: true }).click();
  await expect(page.locator('#errand-reply-problem')).toHaveText('Skriv ett meddelande.');
  await expect(reply).toBeFocused();
  await expectNoAxeViolations(page, 'errand with a reply form');
  await goOffline(page);
  await reply.fill('Jag blir lite yr på eftermiddagen.');
  await expect.poll(() => sealedDraft(page, `/e-arende/${id}`)).not.toBeNull();
  expect(JSON.stringify(await page.evaluate(() => ({ ...localStorage })))).not.toContain('yr på eftermiddagen');
  await page.getByRole('button', { name: 'Skicka', exact: true }).click();
  await expect(page.locator('#errand-reply-problem')).toContainText('saknas anslutning');
  await page.context().setOffline(false);
  await page.reload();
  await expect(reply).toHaveValue('Jag blir lite yr på eftermiddagen.');
  await loseFirstAnswer(page, (url) => url.pathname === `/api/v1/errands/${id}/messages`);
  await page.getByRole('button', { name: 'Skicka', exact: true }).click();
  await expect(page.locator('#errand-reply-problem')).not.toBeEmpty();
  await page.getByRole('button', { name: 'Skicka', exact: true }).click();
  await expect(page.getByTestId('errand-messages')).toContainText('Jag blir lite yr på eftermiddagen.');
  await expect(reply).toHaveValue('');
  const messages = (await (await page.request.get(`/api/v1/errands/${id}`)).json()).messages;
  expect(messages.map((m: { body: string }) => m.body)).toEqual(['Jag blir lite yr på eftermiddagen.']);
  await expect(page.getByTestId('errand-status')).toHaveText('Skickat – väntar på svar');

  // the clinic answers again, then closes the errand: the patient can add nothing more
  await staff.reload();
  await expect(staff.getByTestId('errand-messages')).toContainText('Jag blir lite yr på eftermiddagen.');
  await staff.getByLabel('Meddelande till patienten').fill('Ta den på kvällen i stället.');
  await staff.getByRole('button', { name: 'Skicka', exact: true }).click();
  await expect(staff.getByTestId('errand-messages')).toContainText('Ta den på kvällen i stället.');
  await staff.getByRole('button', { name: 'Avsluta ärendet' }).click();
  await expect(staff.getByTestId('errand-closed')).toBeVisible();
  await expectNoAxeViolations(staff, 'staff errand closed');
  await context.close();
  await page.reload();
  await expect(page.getByTestId('errand-messages')).toContainText('Ta den på kvällen i stället.');
  await expect(page.getByTestId('errand-closed')).toHaveText(
    'Mottagningen har avslutat ärendet. Behöver du mer hjälp, skicka ett nytt ärende.',
  );
  await expect(reply).toHaveCount(0);
  await expectNoAxeViolations(page, 'errand closed');
  const refused = await page.request.post(`/api/v1/errands/${id}/messages`, {
    headers: { 'X-Ingang-Csrf': '1', Origin: origin },
    data: { body: 'En sak till.', clientId: 'late-1' },
  });
  expect(refused.status()).toBe(409);
});

test('a reply on an errand carries a picture and a PDF: kept through a reload, sent once, opened by both sides', async ({ page, browser }) => {
  test.setTimeout(90_000);
  await loginAndGo(page, SARA, '/e-tjanster/hc-gibraltar');
  await page.getByTestId('eservices').getByRole('link', { name: 'Rådgivning', exact: true }).click();
  await page.getByLabel('Vad vill du ha råd om?').fill('Utslaget på armen har inte gått över.');
  await page.getByRole('button', { name: 'Skicka ärendet' }).click();
  await expect(page.getByTestId('errand-sent')).toBeVisible();
  const id = page.url().split('/e-arende/')[1].split('?')[0];
  const origin = new URL(page.url()).origin;

  // a picture (made on a canvas), a whole PDF, and two files that must be refused
  const jpeg = Buffer.from(
    (
      await page.evaluate(() => {
        const c = document.createElement('canvas');
        c.width = 300;
        c.height = 200;
        const g = c.getContext('2d')!;
        g.fillStyle = '#c00';
        g.fillRect(0, 0, 150, 200);
        g.fillStyle = '#00c';
        g.fillRect(150, 0, 150, 200);
        return c.toDataURL('image/jpeg', 0.9);
      })
    ).split(',')[1],
    'base64',
  );
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
  const program = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'binary'), Buffer.alloc(2048, 0x90)]);
  const uploads: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().includes(`/errands/${id}/attachments/`)) uploads.push(r.url());
  });
  await page.getByTestId('errand-file').setInputFiles([
    { name: 'utslag.jpg', mimeType: 'image/jpeg', buffer: jpeg },
    { name: 'remiss.pdf', mimeType: 'application/pdf', buffer: pdf },
    { name: 'faktura.pdf', mimeType: 'application/pdf', buffer: program },
    { name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: program },
  ]);
  const chosen = page.getByTestId('errand-chosen');
  await expect(chosen.getByRole('listitem')).toHaveCount(2);
  await expect(chosen.getByRole('img', { name: 'Bild 1 av 2' })).toBeVisible();
  await expect(chosen).toContainText('PDF-dokument 2 av 2, 1 kB');
  await expect(page.getByTestId('errand-file-problems')).toHaveText(
    'faktura.pdf: filen är inte ett helt PDF-dokument. Spara det på nytt och försök igen.' +
      'setup.exe: Filtypen går inte att skicka. Välj en bild eller ett PDF-dokument.',
  );
  await expectNoAxeViolations(page, 'errand reply with attachments chosen');

  // kept sealed on the device: a reload brings both back; nothing readable in localStorage
  await page.getByLabel('Skriv till mottagningen').fill('Här är en bild och remissen.');
  await expect.poll(() => sealedDraft(page, `/e-arende/${id}`)).not.toBeNull();
  expect(JSON.stringify(await page.evaluate(() => ({ ...localStorage })))).not.toContain('remissen');
  await page.reload();
  await expect(chosen.getByRole('listitem')).toHaveCount(2);
  await expect(page.getByLabel('Skriv till mottagningen')).toHaveValue('Här är en bild och remissen.');
  // removing one and choosing it again works from the keyboard
  await chosen.getByRole('button', { name: 'Ta bort bilaga 2' }).click();
  await expect(page.getByRole('button', { name: 'Bifoga bild eller dokument' })).toBeFocused();
  await page.getByTestId('errand-file').setInputFiles({ name: 'remiss.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(chosen.getByRole('listitem')).toHaveCount(2);

  await page.getByRole('button', { name: 'Skicka', exact: true }).click();
  const sent = page.getByTestId('errand-messages');
  await expect(sent).toContainText('Här är en bild och remissen.');
  await expect(sent.getByTestId('chat-picture')).toBeVisible();
  await expect(chosen).toHaveCount(0);
  expect(uploads).toHaveLength(2);
  const stored = (await (await page.request.get(`/api/v1/errands/${id}`)).json()).messages;
  expect(stored).toHaveLength(1);
  expect(stored[0].attachments.map((a: { contentType: string }) => a.contentType)).toEqual(['image/jpeg', 'application/pdf']);

  // the patient downloads the document with her session
  const download = page.waitForEvent('download');
  await sent.getByRole('button', { name: 'Ladda ned PDF-dokument 2 av 2 (1 kB)' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('dokument.pdf');
  expect(fs.readFileSync(await file.path())).toEqual(pdf);
  await expectNoAxeViolations(page, 'errand with attachments sent');

  // the clinic sees the picture and gets the document
  const { staff, context } = await staffConsole(browser, origin);
  await staff.goto(`/staff/e-arenden/${id}`);
  const shown = staff.getByTestId('staff-attachment');
  await expect(shown).toHaveCount(2);
  await expect(staff.getByRole('img', { name: /Bilaga 1 av 2: bild från patienten/ })).toBeVisible();
  const href = await shown.nth(1).getAttribute('href');
  const res = await staff.request.get(href!);
  expect(res.headers()['content-type']).toBe('application/pdf');
  expect(Buffer.from(await res.body())).toEqual(pdf);
  await expectNoAxeViolations(staff, 'staff errand with attachments');
  await context.close();
});

test('dates cannot be misread: "5 dec. 2026" in Swedish, "5 Dec 2026" in English, never 12/5/2026', async ({ page }) => {
  await loginAndGo(page, ANNA, '/inkorg');
  const meta = page.locator('.visit-item__meta').first();
  await expect(meta).toHaveText(/\b\d{1,2} [a-zåäö]{3}\.? \d{4}\b/);
  await chooseLanguage(page, 'English');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(meta).toHaveText(/\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b/);
  await expect(meta).not.toHaveText(/\d{1,2}\/\d{1,2}\/\d{2,4}/);
  await expectNoAxeViolations(page, 'inbox in English');
});

test('a user who leaves while an errand is on its way leaves nothing of it on the device', async ({ page }) => {
  await loginAndGo(page, SARA, '/e-tjanster/hc-gibraltar');
  await page.getByTestId('eservices').getByRole('link', { name: 'Rådgivning', exact: true }).click();
  await page.getByLabel('Vad vill du ha råd om?').fill('Kan jag ta värktabletter med mitt blodtrycksläkemedel?');
  const drafts = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ingang.draft.') || k.startsWith('ingang.errand.')));
  await expect.poll(drafts).not.toEqual([]);
  // the server has the errand, but its answer comes only after the user has gone elsewhere
  await leaveWhileSending(page, '**/api/v1/errands', () => page.getByRole('button', { name: 'Skicka ärendet' }).click());
  await expect.poll(drafts).toEqual([]);
  await expect(page).toHaveURL('/bokade-tider');
});
