// Questionnaires in the form preview (/forhandsgranska): the conformance corpus, the six Swedish
// demo forms, enableWhen and wiping, validation and the error summary, drafts, bad input.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, expectNoAxeViolations } from './fixtures';

const CORPUS = resolve(__dirname, '../fixtures/conformance');
const corpusFiles = readdirSync(CORPUS).filter((f) => f.endsWith('.json') && !f.endsWith('.QR.json')).sort();

/** Serves the corpus (and some broken files) at /forms/... for this page only. */
async function serveForms(page: Page) {
  await page.route((url) => url.pathname.startsWith('/forms/'), async (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.replace('/forms/', ''));
    const broken: Record<string, string> = {
      'not-json.json': '{ "resourceType": "Questionnaire", ',
      'patient.json': JSON.stringify({ resourceType: 'Patient', id: 'p1' }),
      'no-type.json': JSON.stringify({ item: [] }),
      'bad-shape.json': JSON.stringify({ resourceType: 'Questionnaire', item: [{ text: 'no linkId', type: 'string' }] }),
    };
    if (broken[name] !== undefined) return route.fulfill({ body: broken[name], contentType: 'application/json' });
    try {
      return route.fulfill({ body: readFileSync(join(CORPUS, name)), contentType: 'application/fhir+json' });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

const preview = (q: string, r?: string) =>
  `/forhandsgranska?questionnaire=${encodeURIComponent(q)}${r ? `&response=${encodeURIComponent(r)}` : ''}`;

async function responseJson(page: Page) {
  return JSON.parse((await page.getByTestId('questionnaire-response').textContent()) ?? '{}');
}

/** Answers as (path of linkIds, value JSON), sorted: a response's meaning. */
function meaning(qr: any): string[] {
  const out: string[] = [];
  const walk = (items: any[] = [], path: string) => {
    for (const it of items) {
      const p = `${path}/${it.linkId}`;
      for (const a of it.answer ?? []) {
        const key = Object.keys(a).find((k) => k.startsWith('value'));
        if (key) out.push(`${p}=${key}:${JSON.stringify(a[key])}`);
        walk(a.item, `${p}[${key ? JSON.stringify(a[key]) : ''}]`);
      }
      walk(it.item, p);
    }
  };
  walk(qr.item, '');
  return out.sort();
}

/** Items that must render on the first page whatever the answers: unconditional, not hidden,
 *  not nested under an answer, and not help text of their parent. */
function unconditionalItems(q: any): string[] {
  const hidden = (it: any) =>
    (it.extension ?? []).some((e: any) => e.url.endsWith('questionnaire-hidden') && e.valueBoolean);
  const control = (it: any) =>
    (it.extension ?? [])
      .filter((e: any) => e.url.endsWith('questionnaire-itemControl'))
      .flatMap((e: any) => e.valueCodeableConcept?.coding ?? [])
      .map((c: any) => c.code)[0];
  const paged = (q.item ?? []).some((it: any) => it.type === 'group' && control(it) === 'page');
  const out: string[] = [];
  const walk = (items: any[], underGroupOrRoot: boolean) => {
    for (const it of items) {
      const byExpression = (it.extension ?? []).some((e: any) => e.url.endsWith('enableWhenExpression'));
      if (!underGroupOrRoot || hidden(it) || (it.enableWhen ?? []).length || byExpression) continue;
      if (it.type === 'display' && ['help', 'flyover', 'prompt', 'legend'].includes(control(it))) continue;
      out.push(it.linkId);
      walk(it.item ?? [], it.type === 'group');
    }
  };
  walk(paged ? (q.item ?? []).slice(0, 1) : q.item ?? [], true);
  return out;
}

test.describe('conformance corpus', () => {
  for (const file of corpusFiles) {
    test(`${file} loads, renders every unconditional item, round-trips`, async ({ page, consoleErrors }) => {
      await serveForms(page);
      await page.goto(preview(`/forms/${file}`));
      await expect(page.getByTestId('questionnaire-response')).toContainText('"resourceType": "QuestionnaireResponse"');
      await expect(page.getByTestId('preview-error')).toHaveCount(0);
      await expect(page.getByTestId('unsupported-features')).toBeVisible();
      const q = JSON.parse(readFileSync(join(CORPUS, file), 'utf8'));
      for (const linkId of unconditionalItems(q)) {
        await expect(page.locator(`[data-link-id="${linkId}"]`).first(), `${file}: item ${linkId}`).toBeAttached();
      }
      // the initial response resumes to the same meaning
      const first = await responseJson(page);
      expect(first.resourceType).toBe('QuestionnaireResponse');
      expect(consoleErrors).toEqual([]);
    });
  }

  for (const [q, r] of [
    ['lhcforms-items-under-repeating-choice.json', 'lhcforms-items-under-repeating-choice.QR.json'],
    ['refero-enableWhen-wiping-answers.json', 'refero-enableWhen-wiping-answers.QR.json'],
  ]) {
    test(`${r} round-trips unchanged in meaning`, async ({ page, consoleErrors }) => {
      await serveForms(page);
      await page.goto(preview(`/forms/${q}`, `/forms/${r}`));
      await expect(page.getByTestId('questionnaire-response')).toContainText('QuestionnaireResponse');
      const expected = JSON.parse(readFileSync(join(CORPUS, r), 'utf8'));
      await expect.poll(async () => meaning(await responseJson(page))).toEqual(meaning(expected));
      await expect(page.getByTestId('response-warnings')).toHaveCount(0);
      expect((await responseJson(page)).status).toBe(expected.status);
      expect(consoleErrors).toEqual([]);
    });
  }

  test('FHIRPath calculations are live: BMI and the PHQ-9 total, shown with their variables', async ({ page, consoleErrors }) => {
    await serveForms(page);
    // LHC-Forms' BMI: weight in kg, height in inches (× 0.0254), (%weight/%height/%height).round(1)
    await page.goto(preview('/forms/lhcforms-weight-height-bmi.json'));
    const calc = page.getByTestId('calculations');
    await expect(calc.getByRole('rowheader', { name: '%weight' })).toBeVisible();
    await expect(page.getByTestId('unsupported-features')).not.toContainText('calculatedExpression');
    await page.locator('[data-link-id="/29463-7"] input').first().fill('70');
    await page.locator('[data-link-id="/8302-2"] input').first().fill('69');
    await page.locator('[data-link-id="/8302-2"] input').first().blur();
    // 70 / (69 × 0.0254)² = 22.79 … → 22.8
    await expect(calc.getByRole('row', { name: '/39156-5' })).toContainText('22.8');
    await expect.poll(async () => meaning(await responseJson(page))).toContain('//39156-5=valueDecimal:22.8');
    // a new height: the result follows (no stale value)
    await page.locator('[data-link-id="/8302-2"] input').first().fill('72');
    await page.locator('[data-link-id="/8302-2"] input').first().blur();
    await expect(calc.getByRole('row', { name: '/39156-5' })).toContainText('20.9');
    await expectNoAxeViolations(page, 'preview with calculations');
    // PHQ-9 (LHC-Forms): nine variables read each answer's ordinalValue from the questionnaire
    await page.goto(preview('/forms/lhcforms-phq9.json'));
    await expect(calc.getByRole('row', { name: '%any_questions_answered (/44261-6)' })).toContainText('false');
    const q = JSON.parse(readFileSync(join(CORPUS, 'lhcforms-phq9.json'), 'utf8'));
    const questions = q.item.filter((it: any) => it.type === 'choice').slice(0, 9);
    for (const it of questions) {
      // (a drop-down: the last option, "3 Nearly every day")
      const select = page.locator(`[data-link-id="${it.linkId}"] select`);
      const values = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      await select.selectOption(values[values.length - 1]);
    }
    await expect(calc.getByRole('row', { name: /^\/44261-6 / })).toContainText('27');
    await expect(calc.getByRole('row', { name: '%q9_value (/44261-6)' })).toContainText('3');
    expect(consoleErrors).toEqual([]);
    await page.goto(preview('/forms/refero-nb-stepview-validation.json'));
    await expect(page.getByTestId('unsupported-features')).toContainText('itemControl:step');
  });
});

test.describe('bad input never gives a blank page', () => {
  for (const [file, text] of [
    ['not-json.json', 'inte giltig JSON'],
    ['patient.json', 'inte ett Questionnaire utan Patient'],
    ['no-type.json', 'saknar resourceType'],
    ['bad-shape.json', 'fel format'],
    ['missing.json', 'felkod 404'],
  ]) {
    test(`${file}: a clear Swedish message`, async ({ page, consoleErrors }) => {
      await serveForms(page);
      await page.goto(preview(`/forms/${file}`));
      await expect(page.getByTestId('preview-error')).toContainText(text);
      await expect(page.locator('h1')).toHaveText('Förhandsgranska formulär');
      expect(consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
    });
  }

  test('a picked file that is not a questionnaire is explained', async ({ page }) => {
    await page.goto('/forhandsgranska');
    await page.getByLabel('Välj ett formulär (JSON-fil)').setInputFiles({
      name: 'x.json',
      mimeType: 'application/json',
      buffer: Buffer.from('[1, 2'),
    });
    await expect(page.getByTestId('preview-error')).toContainText('inte giltig JSON');
    await page.getByLabel('Välj ett formulär (JSON-fil)').setInputFiles(join(CORPUS, 'lhcforms-bit-of-everything.json'));
    await expect(page.getByTestId('questionnaire-response')).toContainText('QuestionnaireResponse');
  });
});

const DEMO = ['forkylning', 'ont-i-halsen-barn', 'urinvagsbesvar', 'hudbesvar', 'tandvark', 'nedstamdhet'];

test.describe('Swedish demo forms', () => {
  for (const id of DEMO) {
    test(`${id} renders with no axe violations`, async ({ page, consoleErrors }) => {
      await page.goto(preview(`/api/v1/questionnaires/${id}`));
      if (id === 'ont-i-halsen-barn') {
        // the child's age is an SDC initialExpression over the patient, which the server fills
        // in; the preview has no patient, so the question stays empty and the preview says why
        await expect(page.getByTestId('unsupported-features')).toContainText('launchContext');
        await expect(page.getByTestId('expression-notes')).toContainText('%patient is not defined');
      } else {
        await expect(page.getByTestId('unsupported-features')).toContainText('Inga');
      }
      await expectNoAxeViolations(page, id);
      // an empty submit shows the summary, focused, and every message is Swedish
      await page.getByRole('button', { name: 'Kontrollera och slutför' }).click();
      const summary = page.locator('.q-summary');
      await expect(summary).toBeFocused();
      await expect(summary).toContainText('Du behöver svara på frågan.');
      await expectNoAxeViolations(page, `${id} with errors`);
      expect(consoleErrors).toEqual([]);
    });
  }
});

test('förkylning: enableWhen, decimal comma, inline errors, summary links, urgency', async ({ page }) => {
  await page.goto(preview('/api/v1/questionnaires/forkylning'));
  const temp = page.getByRole('textbox', { name: /Hur hög var temperaturen/ });
  await expect(temp).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'Feber' }).check();
  await page.getByRole('group', { name: /mätt temperaturen/ }).getByRole('radio', { name: 'Ja' }).check();
  await temp.fill('38,5');
  await expect(page.getByTestId('questionnaire-response')).toContainText('"valueDecimal": 38.5');
  // an error shows after leaving the field, is tied to it and announced
  await temp.fill('trettioåtta');
  await expect(page.locator('.q-error').filter({ hasText: 'Skriv ett tal' })).toHaveCount(0);
  await temp.blur();
  await expect(temp).toHaveAttribute('aria-invalid', 'true');
  const describedBy = (await temp.getAttribute('aria-describedby'))!.split(' ');
  const errorId = describedBy.find((id) => id.endsWith('-err'))!;
  await expect(page.locator(`#${errorId}`)).toContainText('Skriv ett tal, till exempel 38,5.');
  await temp.fill('44');
  await expect(page.locator(`#${errorId}`)).toContainText('högst 43');
  await temp.fill('39,2');
  await expect(temp).not.toHaveAttribute('aria-invalid', 'true');
  // unchecking Feber disables the question and wipes its answers
  await page.getByRole('checkbox', { name: 'Feber' }).uncheck();
  await expect(page.getByTestId('questionnaire-response')).not.toContainText('temperatur');
  await expect(page.getByTestId('questionnaire-response')).not.toContainText('feber-matt');
  // summary links move focus to the field
  await page.getByRole('button', { name: 'Kontrollera och slutför' }).click();
  await expect(page.locator('.q-summary')).toBeFocused();
  await page.locator('.q-summary a', { hasText: 'Hur länge har du haft besvären?' }).click();
  await expect(page.getByRole('radio', { name: 'Mindre än 3 dagar' })).toBeFocused();
  // a life-threatening answer says "Ring 112" at once
  await page.getByRole('radio', { name: /mycket svårt att andas/ }).check();
  const alert = page.getByRole('alert').filter({ hasText: 'Ring 112' });
  await expect(alert).toBeVisible();
  await expect(alert.getByRole('link', { name: 'Ring 112' })).toHaveAttribute('href', 'tel:112');
  // complete the form
  await page.getByRole('radio', { name: 'Nej', exact: true }).first().check();
  await page.getByRole('checkbox', { name: 'Hosta' }).check();
  await page.getByRole('radio', { name: 'Torrhosta' }).check();
  await page.getByRole('radio', { name: '3–7 dagar' }).check();
  await page.getByRole('button', { name: 'Kontrollera och slutför' }).click();
  await expect(page.getByText('Formuläret är komplett')).toBeVisible();
  await expect(page.getByTestId('questionnaire-response')).toContainText('"status": "completed"');
});

test('PHQ-9 style form shows the score and flags item 9', async ({ page }) => {
  await page.goto(preview('/api/v1/questionnaires/nedstamdhet'));
  await expect(page.locator('.q-score')).toHaveText('Poäng: 0');
  const groups = page.locator('fieldset.q-item');
  for (let i = 0; i < 9; i++) {
    await page.locator(`[data-link-id="phq-${i + 1}"]`).getByRole('radio', { name: 'Mer än hälften av dagarna' }).check();
  }
  await expect(page.locator('.q-score')).toHaveText('Poäng: 18');
  await expect(page.locator('[data-link-id="phq-9"]').getByRole('alert')).toContainText('1177');
  await expect(page.locator('[data-link-id="funktion"]')).toBeVisible();
  expect(await groups.count()).toBeGreaterThan(9);
});

test('drafts survive a reload, say so, and "Börja om" clears them', async ({ page }) => {
  await page.goto(preview('/api/v1/questionnaires/urinvagsbesvar'));
  await page.getByRole('checkbox', { name: 'Täta trängningar' }).check();
  await page.getByRole('group', { name: /allergisk/ }).getByRole('radio', { name: 'Ja' }).check();
  await page.getByRole('textbox', { name: /Vilket eller vilka/ }).fill('Penicillin');
  await page.reload();
  await expect(page.getByText('Vi har återställt svar')).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Täta trängningar' })).toBeChecked();
  await expect(page.getByRole('textbox', { name: /Vilket eller vilka/ })).toHaveValue('Penicillin');
  await expect(page.getByTestId('questionnaire-response')).toContainText('Penicillin');
  await page.getByRole('button', { name: 'Börja om' }).click();
  await expect(page.getByText('Vi har återställt svar')).toHaveCount(0);
  await expect(page.getByRole('checkbox', { name: 'Täta trängningar' })).not.toBeChecked();
  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'Täta trängningar' })).not.toBeChecked();
  await expect(page.getByText('Vi har återställt svar')).toHaveCount(0);
});

test('a completed form leaves no draft behind', async ({ page }) => {
  await page.goto(preview('/api/v1/questionnaires/tandvark'));
  await page.getByRole('combobox', { name: /Var sitter värken/ }).selectOption({ label: 'Framtänderna' });
  await page.getByRole('checkbox', { name: /Ilar vid kallt/ }).check();
  await page.getByRole('slider').fill('6');
  await page.getByRole('group', { name: /svullen/ }).getByRole('radio', { name: 'Nej' }).check();
  await page.getByRole('button', { name: 'Kontrollera och slutför' }).click();
  await expect(page.getByText('Formuläret är komplett')).toBeVisible();
  const draftKeys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ingang.draft.')));
  expect(draftKeys).toEqual([]);
});

test('paged form: steps, per-page validation, back and next', async ({ page }) => {
  await serveForms(page);
  await page.goto(preview('/forms/androidfhir-layout-paginated.json'));
  const progress = page.locator('#q-progress');
  await expect(progress).toHaveText(/Steg 1 av \d+/);
  await page.getByRole('button', { name: 'Nästa' }).click();
  // page 1 of this form has required questions: the summary stops us
  const stillOne = await progress.textContent();
  if ((await page.locator('.q-summary').count()) > 0) {
    await expect(page.locator('.q-summary')).toBeFocused();
    expect(stillOne).toMatch(/Steg 1 av/);
  } else {
    await expect(progress).toHaveText(/Steg 2 av/);
    await expect(progress).toBeFocused();
    await page.getByRole('button', { name: 'Tillbaka' }).click();
    await expect(progress).toHaveText(/Steg 1 av/);
  }
});

test('one group per step for long forms, chosen in the preview', async ({ page }) => {
  await page.goto(preview('/api/v1/questionnaires/nedstamdhet'));
  await page.getByLabel('Visa en grupp i taget').check();
  await expect(page.locator('#q-progress')).toHaveText('Steg 1 av 5');
  await page.getByRole('button', { name: 'Nästa' }).click();
  await expect(page.locator('#q-progress')).toHaveText('Steg 2 av 5');
  await page.getByRole('button', { name: 'Nästa' }).click();
  // the PHQ group is required question by question: the summary names them
  await expect(page.locator('.q-summary')).toContainText('Lite intresse eller glädje');
  await expectNoAxeViolations(page, 'paged with errors');
});

test('attachments: type and size checked before reading, a clear message', async ({ page }) => {
  await page.goto(preview('/api/v1/questionnaires/hudbesvar'));
  const input = page.locator('[data-link-id="bilder"] input[type=file]').first();
  await input.setInputFiles({ name: 'virus.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
  await expect(page.locator('[data-link-id="bilder"] .q-error')).toContainText('Filtypen stöds inte');
  // one limit for a picture wherever it is picked: the chat's 25 MB (photos are shrunk before
  // they are kept, so the form's 10 MB maxSize holds for what is stored)
  await expect(page.locator('[data-link-id="bilder"] .q-help')).toContainText('Högst 25 MB per fil.');
  await input.setInputFiles({ name: 'bild.png', mimeType: 'image/png', buffer: Buffer.alloc(26 * 1024 * 1024) });
  await expect(page.locator('[data-link-id="bilder"] .q-error')).toContainText('för stor');
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  await input.setInputFiles({ name: 'utslag.png', mimeType: 'image/png', buffer: png });
  // a photo is converted on the device (oriented, scaled, JPEG without metadata) before it is kept
  await expect(page.locator('[data-link-id="bilder"] .q-file')).toContainText('utslag.jpg');
  await expect(page.getByTestId('questionnaire-response')).toContainText('"contentType": "image/jpeg"');
});

test('the form works with the keyboard alone', async ({ page }) => {
  await page.goto(preview('/api/v1/questionnaires/forkylning'));
  await page.getByRole('radio', { name: 'Nej', exact: true }).first().focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('radio', { name: 'Nej', exact: true }).first()).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('checkbox', { name: 'Hosta' })).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.locator('[data-link-id="hosta"]')).toBeVisible();
});

test('Inställningar can delete every saved draft on the device', async ({ page }) => {
  await page.goto(preview('/api/v1/questionnaires/forkylning'));
  await page.getByRole('checkbox', { name: 'Hosta' }).check();
  await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ingang.draft.')).length)).toBe(1);
  await page.goto('/installningar');
  await page.getByRole('button', { name: 'Radera sparade svar på den här enheten' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sparade svar är raderade.' })).toBeVisible();
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ingang.draft.')).length)).toBe(0);
});

test('edge cases render accessibly and unsafe rich text stays inert', async ({ page, consoleErrors }) => {
  const form = readFileSync(resolve(__dirname, '../fixtures/forms/edge-cases.json'));
  await page.route((url) => url.pathname === '/edge.json', (r) => r.fulfill({ body: form, contentType: 'application/json' }));
  await page.goto(preview('/edge.json'));
  await expect(page.locator('[data-link-id="xhtml"]')).toContainText('Läs noga här.');
  // no script ran, no handler or remote image made it into the DOM, the javascript: link is gone
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  await expect(page.locator('.q-form script, .q-form img, .q-form [onclick]')).toHaveCount(0);
  await expect(page.locator('.q-form a[href^="javascript"]')).toHaveCount(0);
  await expect(page.locator('[data-link-id="xhtml"]')).toContainText('spårpixel');
  // unknown type is explained, the hidden group is not shown but its value is in the response
  await expect(page.locator('[data-link-id="r3-type"]')).toContainText('kan inte visas ännu');
  await expect(page.locator('[data-link-id="hidden"]')).toHaveCount(0);
  await expect(page.getByTestId('questionnaire-response')).toContainText('dolt värde');
  await expect(page.getByTestId('unsupported-features')).toContainText('type:question');
  // nested repeating groups add and remove repetitions
  await page.getByRole('button', { name: 'Lägg till en till: Yttre upprepning' }).click();
  // focus moves into the new repetition
  await expect(page.locator('[data-link-id="leaf"] input').nth(1)).toBeFocused();
  await page.getByRole('button', { name: 'Lägg till en till: Inre upprepning' }).first().click();
  await expect(page.locator('[data-link-id="leaf"]')).toHaveCount(3);
  await page.getByRole('button', { name: /Ta bort Inre upprepning nr 2/ }).first().click();
  await expect(page.locator('[data-link-id="leaf"]')).toHaveCount(2);
  // quantity with a unit choice, integer options, initial date option, reference as text
  await page.getByRole('textbox', { name: 'Vikt' }).fill('72,5');
  await page.getByRole('combobox', { name: 'Enhet' }).selectOption({ label: 'gram' });
  await expect(page.getByTestId('questionnaire-response')).toContainText('"code": "g"');
  await page.getByRole('radio', { name: '2', exact: true }).check();
  await expect(page.getByTestId('questionnaire-response')).toContainText('"valueInteger": 2');
  await expect(page.getByRole('radio', { name: '2026-02-01' })).toBeChecked();
  await page.getByRole('textbox', { name: 'Vem remitterade dig?' }).fill('Dr Andersson');
  await expect(page.getByTestId('questionnaire-response')).toContainText('"display": "Dr Andersson"');
  await expect(page.getByRole('textbox', { name: 'Skrivskyddad' })).toHaveValue('förifylld');
  await expectNoAxeViolations(page, 'edge cases');
  expect(consoleErrors).toEqual([]);
});

test('options, texts and checks that follow the answers: answerExpression, toggled options, cqf-expression, targetConstraint', async ({ page, consoleErrors }) => {
  const form = readFileSync(resolve(__dirname, '../fixtures/forms/sdc-dynamic.json'));
  await page.route((url) => url.pathname === '/sdc-dynamic.json', (r) => r.fulfill({ body: form, contentType: 'application/json' }));
  await page.goto(preview('/sdc-dynamic.json'));
  await expect(page.getByTestId('unsupported-features')).not.toContainText('answerExpression');
  const besvar = page.locator('[data-link-id="besvar"]');
  // answerExpression: the medicines written above are the options
  await expect(besvar).toContainText('Svarsalternativen visas när du har svarat på frågorna ovan.');
  await page.locator('[data-link-id="lakemedel"] input').first().fill('Alvedon');
  await page.getByRole('button', { name: 'Lägg till ett svar till' }).first().click();
  await page.locator('[data-link-id="lakemedel"] input').nth(1).fill('Ipren');
  await page.locator('[data-link-id="lakemedel"] input').nth(1).blur();
  await expect(besvar.getByRole('radio')).toHaveCount(2);
  await besvar.getByRole('radio', { name: 'Ipren' }).check();
  await expect.poll(async () => meaning(await responseJson(page))).toContain('/besvar=valueString:"Ipren"');
  // the medicine is changed: the answer that named it goes
  await page.locator('[data-link-id="lakemedel"] input').nth(1).fill('Naproxen');
  await page.locator('[data-link-id="lakemedel"] input').nth(1).blur();
  await expect(besvar.getByRole('radio', { name: 'Naproxen' })).not.toBeChecked();
  await expect.poll(async () => meaning(await responseJson(page))).not.toContain('/besvar=valueString:"Ipren"');
  // cqf-expression: the question names the child
  await expect(page.getByRole('group', { name: 'Har barnet feber?' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Barnets förnamn' }).fill('Noah');
  await page.getByRole('textbox', { name: 'Barnets förnamn' }).blur();
  await expect(page.getByRole('group', { name: 'Har Noah feber?' })).toBeVisible();
  // answerOptionsToggleExpression: P-piller and Spiral only for someone who can be pregnant
  const skydd = page.getByRole('group', { name: 'Vilket skydd mot graviditet använder du?' });
  await expect(skydd.getByRole('checkbox')).toHaveCount(2);
  await page.getByRole('group', { name: 'Kan du vara gravid?' }).getByRole('radio', { name: 'Ja' }).check();
  await expect(skydd.getByRole('checkbox')).toHaveCount(4);
  await skydd.getByRole('checkbox', { name: 'Spiral' }).check();
  await page.getByRole('group', { name: 'Kan du vara gravid?' }).getByRole('radio', { name: 'Nej' }).check();
  await expect(skydd.getByRole('checkbox')).toHaveCount(2);
  await expect.poll(async () => JSON.stringify(await responseJson(page))).not.toContain('spiral');
  // targetConstraint: its Swedish message at the item, live as the other answer changes
  await page.getByRole('textbox', { name: 'Blodtryck, övertryck (mm Hg)' }).fill('80');
  await page.getByRole('textbox', { name: 'Blodtryck, undertryck (mm Hg)' }).fill('90');
  await page.getByRole('textbox', { name: 'Blodtryck, undertryck (mm Hg)' }).blur();
  const dia = page.locator('[data-link-id="diastoliskt"]');
  await expect(dia.locator('.q-error')).toHaveText('Undertrycket ska vara lägre än övertrycket.');
  await expect(page.getByRole('textbox', { name: 'Blodtryck, undertryck (mm Hg)' })).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page, 'expressions that decide options, texts and checks');
  await page.getByRole('textbox', { name: 'Blodtryck, övertryck (mm Hg)' }).fill('130');
  await page.getByRole('textbox', { name: 'Blodtryck, övertryck (mm Hg)' }).blur();
  await expect(dia.locator('.q-error')).toHaveText('');
  // a warning constraint is said at its item, and is not an error
  const sys = page.locator('[data-link-id="systoliskt"]');
  await page.getByRole('textbox', { name: 'Blodtryck, övertryck (mm Hg)' }).fill('190');
  await page.getByRole('textbox', { name: 'Blodtryck, övertryck (mm Hg)' }).blur();
  await expect(sys.locator('.q-warning')).toHaveText('Ett övertryck över 180 är mycket högt. Ring 1177 om du mår dåligt.');
  await expect(sys.locator('.q-error')).toHaveText('');
  await expect(page.getByRole('textbox', { name: 'Blodtryck, övertryck (mm Hg)' })).not.toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page, 'a warning constraint');
  expect(consoleErrors).toEqual([]);
});

test('a response that is not a QuestionnaireResponse is explained, the form still loads', async ({ page }) => {
  await serveForms(page);
  await page.goto(preview('/forms/lhcforms-phq9.json', '/forms/lhcforms-phq9.json'));
  await expect(page.getByRole('alert').filter({ hasText: 'inte ett QuestionnaireResponse utan Questionnaire' })).toBeVisible();
  await expect(page.getByTestId('questionnaire-response')).toContainText('QuestionnaireResponse');
});
