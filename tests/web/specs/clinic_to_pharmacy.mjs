import { runSpec, PHONE, DESKTOP, heading, localDate } from '../harness.mjs';

// A clinician screens, plans, prescribes and adjusts; the pharmacist verifies and computes the worksheet.
runSpec('clinic_to_pharmacy', async (t) => {
  const { check, newPage, login, visit, audit, shot, base, shots } = t;

  async function clinicianToPharmacist() {
    let rxId;
    {
      const { context, page } = await newPage(DESKTOP);
      await login(page, 'clinician');
      // A severe adverse event flags the patient on the panel (a cookie session's write needs its CSRF token).
      const csrf = (await context.cookies()).find((c) => c.name === 'ldn_csrf').value;
      const ae = await page.request.post('/api/v1/patients/3/adverse-events', { headers: { 'X-CSRF-Token': csrf },
        data: { onset_date: localDate('Australia/Sydney', -1), description: 'fainted', severity: 'severe' } });
      check(ae.status() === 201, `a severe adverse event is recorded (${ae.status()})`);
      await page.reload();  // the panel was rendered at login, before the event
      // The server's flag (docs/safety.md): red, with the severity and the description.
      const sam = page.locator('tr', { hasText: 'Sam Sample' }).filter({ hasText: 'fainted' });
      await sam.waitFor();
      check((await sam.locator('.flag.red', { hasText: /Adverse event from .* \(severe\): "fainted"/ }).count()) === 1, 'the panel flags the patient with a severe adverse event, in red');
      check((await page.locator('tbody tr').first().locator('.flag.red').count()) > 0, 'patients with red flags come first');
      await shot(page, 'clinician-panel-flagged', 'desktop');
      await page.goto('/#/patient/2/new-course');
      await page.getByRole('button', { name: 'Run the screening' }).click();
      await page.getByText(/Verdict:/).waitFor();
      const verdict = await page.locator('.verdict').textContent();
      check(verdict === 'eligible', `the screening of Alex Example is eligible (got ${verdict})`);
      await page.getByRole('button', { name: 'Continue to the plan' }).click();
      await page.getByRole('heading', { name: 'Protocol plan' }).waitFor();
      await page.getByText(/First dose from/).waitFor();  // the course gate's proposal (docs/safety.md)
      await audit(page, 'clinician-new-course (plan)');
      await shot(page, 'clinician-new-course-plan', 'desktop');
      await page.getByRole('button', { name: 'Create the plan' }).click();
      await page.getByRole('heading', { name: 'Prescription' }).waitFor();
      // The order goes to the demo pharmacy; the prescriber signs it with their password (issue 13).
      await page.getByLabel('Pharmacy', { exact: true }).selectOption({ label: 'Demo Pharmacy, Apotekergata 1, 0180 Oslo' });
      await audit(page, 'clinician-new-course (prescription)');
      await page.getByRole('button', { name: 'Create the order' }).click();
      const draft = page.getByRole('heading', { name: /Prescription #\d+: draft/ });
      await draft.waitFor();
      rxId = Number((await draft.textContent()).match(/#(\d+)/)[1]);
      await page.getByLabel('Your password, to sign this prescription').fill('ldn-demo-clinician');
      await page.getByRole('button', { name: `Sign prescription #${rxId}` }).click();
      await page.getByText(/sent to Demo Pharmacy/).first().waitFor();
      await shot(page, 'clinician-new-course-sent', 'desktop');
      check(true, 'the clinician screened, planned and prescribed');
      // A plan adjustment with its reason.
      await page.goto('/#/patient/2');
      await page.locator('summary', { hasText: 'Adjust the plan' }).click();
      await page.getByLabel('Reason (kept with the adjustment)').fill('E2E: vivid dreams for a week');
      await page.getByLabel('Event').selectOption('sleep_side_effects');
      await page.locator('form button[type="submit"]', { hasText: 'Adjust the plan' }).click();
      await page.getByText(/E2E: vivid dreams for a week/).first().waitFor();
      check(true, 'the clinician adjusted the plan and the reason is listed');
      // The response report as PDF, from the link on the patient's page.
      const href = await page.getByRole('link', { name: /response report \(PDF\)/ }).getAttribute('href');
      const pdf = await page.request.get(href);
      const bytes = await pdf.body();
      check(pdf.status() === 200 && pdf.headers()['content-type'] === 'application/pdf' && bytes.subarray(0, 5).toString() === '%PDF-',
        `the response report downloads as a PDF (${pdf.status()}, ${bytes.length} bytes)`);
      await context.close();
    }
    {
      const { context, page } = await newPage(DESKTOP);
      await login(page, 'pharmacist');
      await page.goto('/#/rx');
      const row = page.locator(`tr[data-rx="${rxId}"]`);
      await row.waitFor();
      check(await row.count() === 1, 'the pharmacist sees the new prescription');
      check((await row.textContent()).includes('issued'), 'the new prescription is issued');
      await row.getByRole('button', { name: /Verify/ }).click();
      await page.locator(`tr[data-rx="${rxId}"]`).filter({ hasText: 'verified' }).waitFor();
      await page.locator(`tr[data-rx="${rxId}"]`).getByRole('link', { name: /Worksheet/ }).click();
      await page.getByRole('button', { name: 'Compute the worksheet' }).click();
      await page.getByRole('heading', { name: /Compounding record/i }).waitFor();
      const bud = await page.locator('.worksheet section').filter({ hasText: 'Beyond-use date' }).locator('.big').textContent();
      check(/^\d{4}-\d{2}-\d{2} \(\d+ days\)$/.test(bud), `the worksheet shows a beyond-use date (${bud})`);
      // The label is printed from a released batch (issue 14; web_pharmacy_record), not from a worksheet.
      const forLine = await page.locator('p', { hasText: /^For / }).first().textContent();
      check(forLine.includes('Alex Example'), `the worksheet is for the patient (${forLine})`);
      check(await page.getByRole('heading', { name: 'Record this batch' }).count() === 1, 'the worksheet offers to record the batch');
      await context.close();
    }
  }

  await clinicianToPharmacist();
});
