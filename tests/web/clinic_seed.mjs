// A patient of the demo clinic on a stable dose with a signed order of capsules, made through the API
// as the clinic makes them (the kits and trial specs start from here): the patient in the "Demo clinic"
// care team, an active ldnrt-standard course that began `courseStartDay` days from today (the
// screening and baseline findings overridden with reasons), the demographics a prescription needs,
// and a signed order of `strengthMg` capsules routed to the Demo Pharmacy.
// `apiAs` and `check` are the spec's (harness.mjs); `doc` is the clinician's logged-in page.
export async function patientWithCapsuleOrder({ apiAs, check }, doc, { name, timeZone, courseStart, dateOfBirth, address,
  strengthMg = 4.5 }) {
  const teams = await apiAs(doc, 'GET', '/care-teams');
  const teamId = teams.json.care_teams.find((x) => x.name === 'Demo clinic').id;
  let r = await apiAs(doc, 'POST', '/patients', { display_name: name, time_zone: timeZone, care_team_id: teamId });
  const pid = r.json.id;
  const overrides = [{ code: 'screening.missing', reason: 'Screened at the visit; see the consultation note.' },
    { code: 'start.before_baseline', reason: 'Baseline diary kept on paper before the app.' }];
  r = await apiAs(doc, 'POST', `/patients/${pid}/courses`, { protocol: 'ldnrt-standard', start: courseStart, overrides });
  const courseId = r.json.id;
  await apiAs(doc, 'PUT', `/patients/${pid}/courses/${courseId}/status`, { status: 'active', overrides });
  await apiAs(doc, 'PATCH', `/patients/${pid}`, { date_of_birth: dateOfBirth, address, jurisdiction: 'NO' });
  const pharmacy = (await apiAs(doc, 'GET', '/pharmacies')).json.pharmacies.find((p) => p.name === 'Demo Pharmacy');
  // The order is made by the caller's `order()` when it must come later (after a page shows its absence).
  const order = async () => {
    const made = await apiAs(doc, 'POST', `/patients/${pid}/prescriptions`, { course_id: courseId, pharmacy_id: pharmacy.id,
      formulation: { form: 'capsule', strength_mg: strengthMg } });
    check(made.status === 201, `a ${strengthMg} mg capsule order (${made.status})`);
    const signed = await apiAs(doc, 'POST', `/patients/${pid}/prescriptions/${made.json.id}/sign`, { password: 'ldn-demo-clinician' });
    check(signed.status === 200, `the prescriber signs it (${signed.status})`);
    return { rxId: made.json.id, ordered: made.json.formulation.quantity };
  };
  return { pid, courseId, pharmacy, order };
}
