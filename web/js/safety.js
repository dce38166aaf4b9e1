// The safety interlocks on the web (issue 12, docs/safety.md). The server decides -- the course
// gate, the dose check, the red-flag matching, the flags -- and these helpers only show what it
// said: the patient's guidance after a worrying report, the baseline before the first dose, a dose
// amount as typed on a phone, and the clinician's flags.
import {h, source, uid} from './dom.js';
import {language, N_, pick, t} from './i18n.js';
import {SIDE_EFFECTS} from './kb.js';
import {daysBetween, formatDate, formatLongDate} from './time.js';

// A dose amount as people type it: "4.5", "4,5" (a decimal comma is a decimal point, never a
// thousands separator: LDN doses are a few milligrams), "4.5 mg". At most three decimals (one
// microgram). Returns {value} or {error} in plain words.
export function parseDoseMg(text) {
  const typed = String(text || '').trim().replace(/\s*mg$/i, '').trim();
  if (!typed) return {error: t('Enter the amount you took, in mg.')};
  if (/[.,].*[.,]/.test(typed))
    return {error: t('"{text}" has more than one decimal mark: write it like 4.5 or 4,5.', {text: String(text)})};
  const m = /^(\d{1,3})(?:[.,](\d{1,3}))?$/.exec(typed);
  if (!m) return {error: t('"{text}" is not an amount in mg: write it like 4.5 or 4,5.', {text: String(text)})};
  const value = Number(`${m[1]}.${m[2] || '0'}`);
  if (!(value > 0)) return {error: t('The amount must be above 0 mg.')};
  return { value };
}

// The clock time of a planned dose ("bedtime" -> "22:00"), from the times the server sends with
// the course (course.interlocks.dose_times, the calendar's times: docs/titration.md).
export function plannedTime(step, course) {
  const times = course && course.interlocks && course.interlocks.dose_times;
  if (!step || !times) return null;
  return times[step.time] || null;
}

// The server's reasons (red_flags.cpp AssessReport) are English; in another language each is said
// again from what it names: the side effect's label from data/side_effects.json, the words the
// patient wrote that matched (their own language), the adverse event's grade.
const ADVERSE = [N_('Life-threatening adverse event'), N_('Serious adverse event'), N_('Severe adverse event')];
function reasonText(reason, safety) {
  if (language() === 'en') return reason;
  if (ADVERSE.includes(reason)) return t(reason);
  const severe = 'Severe side effect: ';
  if (reason.startsWith(severe)) {
    const label = reason.slice(severe.length);
    const entry = SIDE_EFFECTS.entries.find((e) => e.label === label);
    return t('Severe side effect: {name}', {name: entry ? pick(entry, 'label') : label});
  }
  const wrote = 'You wrote about ';
  if (reason.startsWith(wrote)) {
    const match = (safety.matches || []).find((m) => m.label === reason.slice(wrote.length));
    if (match) return t('You wrote: "{words}"', {words: match.matched});
  }
  return h('span', {lang: 'en'}, reason);
}

// The guidance a patient sees at once after saving a severe or worrying report
// (`safety` of the diary or adverse-event answer; red_flags.h SafetyAssessmentToJson). The
// guidance is shown in the app's language with that country's numbers (data/red_flags.json).
export function guidanceCard(safety) {
  if (!safety || safety.level === 'none') return null;
  const emergency = safety.level === 'emergency';
  const id = uid('guidance');
  return h(
      'section.card.alert', {class: emergency ? 'emergency' : null, role: 'alert', 'aria-labelledby': id},
      h('h2', {id}, emergency ? t('Please act now') : t('Please contact your clinician today')),
      h('p', t('You told us:')), h('ul', (safety.reasons || []).map((r) => h('li', reasonText(r, safety)))),
      (safety.guidance ||
       []).map((g) => h('div.guidance', {'data-guidance': g.id}, h('h3', pick(g, 'title')), h('p', pick(g, 'text')))),
      h('p.small', t('Your care team sees this report in ldn too, but do not wait for them to reply.')),
      h('details.where', h('summary', t('Where does this come from?')),
        h('ul', (safety.guidance || []).map((g) => h('li.small', `${pick(g, 'title')}: ${pick(g, 'source')}`)))));
}

// The baseline of a planned course, for the patient: keep the diary for N days before the first
// dose, and answer the FIQR. Null when the course has no baseline to show.
export function baselineCard(course, today) {
  const b = course && course.interlocks && course.interlocks.baseline;
  if (!b) return null;
  const days = b.days_required;
  const left = daysBetween(today, b.first_dose);
  return h(
      'section.card.baseline', {'aria-labelledby': 'baseline-h'},
      h('h2', {id: 'baseline-h'}, t('Baseline: keep your diary for {n} days before your first dose', {n: days})),
      h('p.big',
        left > 0 ? t('First dose: {date} (in {n} days)', {date: formatLongDate(b.first_dose), n: left}) :
                   t('First dose: {date}', {date: formatLongDate(b.first_dose)})),
      h('p',
        b.under_way ? t('Your baseline runs from {from} to {to}. Days with a pain rating so far: {recorded} of {days}.',
                        {from: formatDate(b.from), to: formatDate(b.to), recorded: b.days_recorded, days}) :
                      t('Your baseline starts on {date}: from then, fill in your diary every day.',
                        {date: formatLongDate(b.from)})),
      h('p',
        t('These days show how you are before LDN, so that later we can tell whether it helps you. Take no LDN before your first dose.')),
      b.fiqr_due ? fiqrDue() :
                   (b.fiqr_date ?
                        h('p.muted', t('Baseline questionnaire answered on {date}.', {date: formatDate(b.fiqr_date)})) :
                        null),
      h('details.where', h('summary', t('Where does this come from?')), h('p.small', b.source)));
}

// "Baseline questionnaire (FIQR) is due: answer it before your first dose." with the link where
// the sentence puts {link} (word order differs between languages).
function fiqrDue() {
  const [before, after = ''] = t('Baseline questionnaire (FIQR) is due: {link}.').split('{link}');
  return h('p', h('strong', before), h('a', {href: '#/questionnaires'}, t('answer it before your first dose')), after);
}

// One flag as a badge (panel) -- red or amber, with its message.
export function flagBadge(flag) {
  return h('span.flag', { class: flag.level === 'red' ? 'red' : null, 'data-code': flag.code, title: flag.source || null },
    flag.message);
}

// The flags of the panel: only those not acknowledged; "No flags" otherwise.
export function flagBadges(flags) {
  const open = (flags || []).filter((f) => !f.acknowledged);
  return open.length ? open.map(flagBadge) : h('span.flag.none', t('No flags'));
}

// Red first, then the number of flags: the panel's order.
export function flagRank(flags) {
  const open = (flags || []).filter((f) => !f.acknowledged);
  return open.filter((f) => f.level === 'red').length * 100 + open.length;
}
