// The staff console at the project's own size (a phone in 'phone', a tablet in 'tablet'; the
// other specs use a desktop for staff, see STAFF_DESKTOP): every page fits the screen and no
// element covers a link, button or field, in the test font and again with WCAG 2.1's text
// spacing (SC 1.4.12) in a wide monospace font, so the layout does not depend on which fonts a
// machine has; axe finds nothing; a case is picked with a tap.
import {
  test,
  expect,
  clickUncovered,
  sendColdForMyself,
  expectNoAxeViolations,
  expectNothingCovered,
  loginAndGo,
  pickCase,
  useWideText,
} from './fixtures';

const ANNA = '198001139297';

test('the staff console fits this screen in any font and a case is picked with a tap', async ({ page, browser }) => {
  test.slow();
  await loginAndGo(page, ANNA, '/arenden');
  const origin = new URL(page.url()).origin;
  const id = await sendColdForMyself(page, origin, `staff-layout-${test.info().project.name}`, {
    description: 'Hosta och feber sedan tre dagar, värre på nätterna. Ingen andnöd i vila.',
  });

  const pages = ['/staff', `/staff/cases/${id}`, '/staff/sms', '/staff/besok', '/staff/e-arenden', '/staff/inkorg'];
  for (const wide of [false, true]) {
    // the project's own viewport (phone or tablet); inline style needs the CSP bypassed
    const context = await browser.newContext({ baseURL: origin, bypassCSP: wide });
    const staff = await context.newPage();
    const open = async (path: string) => {
      await staff.goto(path);
      if (wide) await useWideText(staff);
      const label = `${path}${wide ? ' (text spacing, wide font)' : ''}`;
      await expectNothingCovered(staff, label);
      if (!wide) await expectNoAxeViolations(staff, label);
    };
    await open('/staff');
    await staff.getByLabel('Person').selectOption('lena');
    await clickUncovered(staff.getByRole('button', { name: 'Logga in' }));
    await expect(staff.locator('h1')).toHaveText('Kö');
    for (const path of pages) await open(path);
    if (wide) {
      // the tap lands on the button in the wide font too
      await staff.goto('/staff');
      await useWideText(staff);
      await pickCase(staff, id);
    }
    await context.close();
  }
});
