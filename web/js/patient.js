// The patient's pages: today's entry, past days, my plan, progress, questionnaires.
import {ApiError, clientId, errorText, get, post} from './api.js';
import {route, say, session, setTitle} from './app.js';
import {currentCourse, liquidOf, mg, ml, nextStep, planOf, scale, stepOn} from './clinical.js';
import {loadDiarySettings, trackingPanel} from './diary_settings.js';
import {field, h, mount, stackTable, uid, whereFrom} from './dom.js';
import {downloadLink} from './download.js';
import {formatNumber, instrumentNote, language, N_, pick, serverText, serverTextIsTranslated, t} from './i18n.js';
import {itemInfo, ITEMS, itemsSourcePlain, lifestyleFactors, lifestyleInfo, loadItems, scaleVersion} from './items.js';
import {SIDE_EFFECTS} from './kb.js';
import {sendOrQueue} from './offline.js';
import {baselineCard, guidanceCard, parseDoseMg, plannedTime} from './safety.js';
import {addDays, daysBetween, formatDate, formatInstant, formatLongDate, nowTimeIn, todayIn} from './time.js';

// The diary items come from the server (data/diary_items.json, web/js/items.js).
export {itemInfo, ITEMS, loadItems};

const SEVERITY = [[1, N_('mild')], [2, N_('moderate')], [3, N_('severe')]];

function pid() { return session.me.patient_id; }
function tz() { return (session.patient && session.patient.time_zone) || 'UTC'; }

function tzNote() { return h('p.muted.small', t('Dates and times are in your time zone, {zone}.', {zone: tz()})); }

// A translated sentence with elements in it: each {name} of the text becomes nodes[name] (a
// source's English text marked lang="en", say). The text is the catalog's, asked for without vars.
function withNodes(text, nodes) {
  return text.split(/\{(\w+)\}/).map((part, i) => (i % 2 ? nodes[part] : part)).filter((x) => x !== '');
}

// Text from the server or a citation, in English whatever the app's language.
function english(text) { return h('span', {lang: 'en'}, text); }

// Course, plan and prescriptions of the patient, loaded together.
export async function loadTreatment(patientId) {
  const [courses, rx] = await Promise.all([
    get(`/patients/${patientId}/courses`),
    get(`/patients/${patientId}/prescriptions`),
  ]);
  const course = currentCourse(courses.courses);
  return {
    course,
    plan: planOf(course),
    prescriptions: rx.prescriptions,
    liquid: course ? liquidOf(rx.prescriptions, course.id) : null
  };
}

// A step's time of day ("bedtime" or "morning", the server's words) as the patient reads it.
const STEP_TIME = {
  bedtime: N_('bedtime'),
  morning: N_('morning')
};
function stepTime(time) { return STEP_TIME[time] ? t(STEP_TIME[time]) : time; }
function atStepTime(time) {
  if (time === 'bedtime') return t('at bedtime');
  if (time === 'morning') return t('at morning');
  return t('at {time}', {time});
}

function doseLine(step, liquid) {
  if (!step) return t('No dose planned for this day.');
  if (liquid) {
    return t('{dose} = {volume} of the {strength}/mL liquid, {when}', {
      dose: mg(step.dose_mg),
      volume: ml(step.dose_mg, liquid.strength_mg),
      strength: mg(liquid.strength_mg),
      when: atStepTime(step.time)
    });
  }
  return t('{dose}, {when}', {dose: mg(step.dose_mg), when: atStepTime(step.time)});
}

// The plan's notes carry their sources, "(clinical-facts.md section 1)", "Source: ...": on the page
// the patient reads them without those; the full notes sit behind the disclosure.
// The texts the server writes to explain a plan (src/clinical/titration/plan.cpp and adjust.cpp,
// `for_patient`), listed here for the catalog check; serverText() shows them.
export const PLAN_TEXTS = [
  N_('Your LDN is a liquid with {strength} mg in each mL: measure each dose in mL with an oral syringe, as the table shows.'),
  N_('Some doses are less than {ml} mL, which is hard to measure exactly with a syringe: ask your pharmacist for advice.'),
  N_('You take LDN in the morning. This is common advice for sleep problems or vivid dreams on LDN, though no study has compared times of day.'),
  N_('You take LDN at bedtime, as the people in the studies did. If you sleep badly or have vivid dreams, ask your clinician about taking it in the morning instead.'),
  N_('You take the same dose, {dose} mg, every day.'),
  N_('Your dose starts at {start} mg and rises step by step to {dose} mg, from {date}. Going up slowly gives your body time to get used to LDN.'),
  N_('Give it time: whether LDN helps you is judged after 8 to 12 weeks on your final dose, between {from} and {to}. Keep filling in your diary until then.'),
  N_('The studies behind this plan do not give its exact steps: these steps are ldn\'s reconstruction, and your clinician chose them.'),
  N_('Your clinician set your highest dose at {dose} mg.'),
  N_('Your final dose, {dose} mg, is above the usual LDN range of up to {usual} mg; your clinician confirmed it.'),
  N_('Your doses are stopped for now: do not take LDN until your clinician tells you to start again.'),
  N_('Because of side effects, your dose was lowered and climbs back slowly to {dose} mg. If the side effects come back, tell your clinician.'),
  N_('After the break in your doses, you start again at a lower dose and climb back slowly to {dose} mg.'),
  N_('After the break in your doses, you start again at the dose you took before.'),
];

function withoutFileNames(text) {
  return text.replace(/\s*Source: .*$/s, '').replace(/\s*\([^()]*\b[\w/-]+\.(?:md|json)\b[^()]*\)/g, '');
}

function planSource(treat) {
  const parts = [];
  if (treat.plan) {
    parts.push(h('p.source', withNodes(t('Your clinician\'s plan, made with the protocol "{protocol}" ({source}).'), {
                   protocol: english(treat.plan.protocol_name || treat.plan.protocol),
                   source: english(treat.plan.source)
                 })));
  }
  if (treat.liquid) {
    parts.push(t(
        'The amount in mL comes from prescription #{id}: {strength} per mL, made by {pharmacy}.',
        {id: String(treat.liquid.rx.id), strength: mg(treat.liquid.strength_mg), pharmacy: treat.liquid.rx.pharmacy}));
  }
  return parts;
}

// ---- Today and past days ------------------------------------------------------------------------

export async function today(main) { return dayPage(main, todayIn(tz()), true); }

export async function day(main, date) { return dayPage(main, date, false); }

async function dayPage(main, date, isToday) {
  const localToday = todayIn(tz());
  if (date > localToday) {
    mount(
        main,
        h('div.card', h('h1', t('That day has not come yet')), h('p', h('a', {href: '#/today'}, t('Go to today')))));
    return;
  }
  setTitle(isToday ? t('Today') : formatDate(date));
  const p = pid();
  const yesterdayDate = addDays(date, -1);
  const [treat, existing, yesterday, doses, schedule, settings, notice, trials] = await Promise.all([
    loadTreatment(p),
    getEntry(p, date),
    getEntry(p, yesterdayDate),
    get(`/patients/${p}/doses?from=${yesterdayDate}&to=${date}`).catch(() => ({doses: []})),
    isToday ? get(`/patients/${p}/questionnaires/schedule`).catch(() => null) : null,
    loadDiarySettings(p),
    isToday ? get(`/patients/${p}/plan-notice`).catch(() => null) : null,
    isToday ? get(`/patients/${p}/trials`).catch(() => null) : null,
    loadItems(),
  ]);
  // The answer of a trial that ended in the last 90 days, when no other trial runs.
  const latest = trials && trials.trials.length ? trials.trials[0] : null;
  const trialAnswer = latest && latest.status === 'ended' && latest.ended_at &&
          daysBetween(latest.ended_at.slice(0, 10), localToday) <= 90 ?
      await get(`/patients/${p}/trials/${latest.id}/analysis`).catch(() => null) :
      null;
  const step = stepOn(treat.plan, date);
  const next = nextStep(treat.plan, date);
  const lastOf = (d) => (doses.doses || []).filter((x) => x.date === d).slice(-1)[0] || null;
  const lastDose = lastOf(date);
  const yesterdayDose = lastOf(yesterdayDate);

  // The dose of the day in full; the diary's first screen says it in one line (diaryForm).
  const doseCard =
      h('section.card.dose', {'aria-labelledby': 'dose-h'},
        h('h2', {id: 'dose-h'}, isToday ? t('Today\'s dose') : t('Dose on {date}', {date: formatDate(date)})),
        h('p.big', doseLine(step, treat.liquid)),
        next ? h('p', t('Next step: {dose} from {date}.', {dose: mg(next.dose_mg), date: formatLongDate(next.start)})) :
               null,
        treat.plan ? whereFrom(...planSource(treat)) : null);

  // "Choose what you track" takes the diary's place and gives it back with the items as saved, the
  // answers given so far kept (the form is set aside, not rebuilt).
  const chooseTracking = (current) => {
    const page = [...main.children];
    for (const el of page) el.classList.add('set-aside');
    const panel = trackingPanel({
      patientId: p,
      settings: current,
      onClose: (saved) => {
        panel.remove();
        for (const el of page) el.classList.remove('set-aside');
        form.applySettings(saved);
      },
    });
    main.append(panel);
    window.scrollTo(0, 0);
    panel.focusHeading();
  };
  const form = diaryForm({
    patientId: p,
    date,
    existing,
    yesterday,
    yesterdayDose,
    step,
    course: treat.course,
    lastDose,
    settings,
    chooseTracking
  });

  // The diary comes first, so that a day's core answers and Save fit one phone screen (issue 15,
  // item 1); what is due, the dose in full and the time zone follow it.
  mount(
      main,
      isToday ? h('h1.dayhead', `${t('Today')} `, h('span.dayhead-date', formatDate(date))) :
                h('h1', formatLongDate(date)),
      planChangedBanner(p, notice),
      treat.course && treat.course.status === 'planned' ? baselineCard(treat.course, localToday) : null, form,
      dueBanner(schedule), doseCard, trialCard(p, trials, localToday), trialAnswerCard(trialAnswer), problemLink(),
      tzNote());
}

// A running blinded trial (issue 16, item 4; docs/nof1.md "In the clinic"): which pack the capsules
// come from today and from when the next one, and near the end of each period its two questions
// (which the patient thinks they took, and the PGIC). The dates and packs are the server's.
function trialCard(patientId, trials, today) {
  const trial = trials && trials.trials.find((x) => x.status === 'started');
  if (!trial || !trial.schedule) return null;
  const periods = trial.schedule;
  const current = periods.find((s) => s.first_day <= today && today <= s.last_day);
  const next = periods.find((s) => s.first_day > today);
  const answered = new Set(trial.answers.map((a) => a.period));
  const open = periods.find((s) => s.answer_from <= today && !answered.has(s.period));
  const parts = [h('h2', {id: 'trial-h'}, t('Your blinded trial'))];
  if (current) {
    parts.push(
        h('p.big', {'data-pack': current.pack_code},
          t('Take your capsules from pack {pack} until {date}.',
            {pack: current.pack_code, date: formatLongDate(current.last_day)})),
        h('p', t('Period {period} of {periods}.', {period: current.period, periods: periods.length})));
    if (next)
      parts.push(
          h('p', t('Next: pack {pack} from {date}.', {pack: next.pack_code, date: formatLongDate(next.first_day)})));
  } else if (next) {
    parts.push(
        h('p.big',
          t('Your trial starts on {date} with pack {pack}.',
            {date: formatLongDate(next.first_day), pack: next.pack_code})));
  } else {
    parts.push(
        h('p', t('The trial periods are over. Keep your diary; your clinic will go through the results with you.')));
  }
  if (open) parts.push(trialQuestions(patientId, trial, open));
  parts.push(whereFrom(t(
      'Neither you nor your clinic knows which pack holds LDN and which holds placebo: the pharmacy keeps the key until the end. Keep filling in your diary as usual.')));
  return h('section.card', {'data-trial-card': '', 'aria-labelledby': 'trial-h'}, parts);
}

// The answer of an ended trial, in plain words (the letter to the patient; issue 16 item 6): what
// the rule agreed before the start says, the averages on LDN and on placebo, and which pack held
// LDN. The statistics stay with the clinic.
function trialAnswerCard(answer) {
  if (!answer || !answer.analysis) return null;
  const a = answer.analysis;
  const r = a.primary.analysis;
  const outcome = pick(itemInfo(a.primary.outcome), 'label') || a.primary.outcome;
  const parts = [h('h2', {id: 'trial-answer-h'}, t('The answer of your blinded trial'))];
  if (!r) {
    parts.push(h('p', t('Your trial has ended, but there were too few diary days to answer the question.')));
  } else {
    const said = {
      continue: N_(
          'In your trial, {outcome} was better in the periods on LDN than on placebo, by enough to matter. The rule you and your clinic agreed before the start says: continue LDN.'),
      stop: N_(
          'In your trial, LDN did no better than placebo for {outcome}. The rule you and your clinic agreed before the start says: stop LDN.'),
      uncertain: N_('Your trial could not tell clearly whether LDN helps {outcome} more than placebo.'),
    }[r.decision];
    parts.push(h('p', {'data-answer': r.decision}, h('strong', t(said, {outcome: outcome.toLowerCase()}))));
    const mean = (arm) => {
      const v =
          r.periods
              .filter((x) => x.treatment === (arm === 'ldn' ? 'B' : 'A') && x.mean !== null && x.mean !== undefined)
              .map((x) => x.mean);
      return v.length ? formatNumber(v.reduce((x, y) => x + y, 0) / v.length, {maximumFractionDigits: 1}) : '–';
    };
    parts.push(
        h('p',
          t('On average {outcome} was {ldn} on LDN and {placebo} on placebo (0 to 10).',
            {outcome: outcome.toLowerCase(), ldn: mean('ldn'), placebo: mean('placebo')})));
  }
  const packs = (answer.schedule || []).filter((s, i) => a.arms[i] === 'ldn').map((s) => s.pack_code);
  if (packs.length)
    parts.push(h('p', {'data-ldn-packs': ''}, t('The packs with LDN were: {packs}.', {packs: packs.join(', ')})));
  parts.push(h('p', t('Talk it through with your clinic before you change anything.')));
  parts.push(h('div', {'data-trial-letter': ''}, downloadLink({
                 href: `/api/v1/patients/${answer.patient_id}/trials/${answer.id}/letter.pdf${reportLang('?')}`,
                 file: `ldn-trial-letter-${answer.id}.pdf`,
                 label: t('My letter with the answer (PDF)'),
                 what: 'report',
               })));
  parts.push(whereFrom(t(
      'You and your clinic agreed how the answer would be decided before the trial began, and the pharmacy kept which pack was which until the end. Days at the start of each period were left out, so that the previous period had worn off.')));
  return h('section.card', {'data-trial-answer': '', 'aria-labelledby': 'trial-answer-h'}, parts);
}

function trialQuestions(patientId, trial, period) {
  const radios = (name, options) => options.map(([value, label]) => {
    const id = `${name}-${value}`;
    return h('span.choice.block', h('input', {type: 'radio', name, id, value}), h('label', {for: id
             }, label));
  });
  const guessName = uid('guess');
  const pgicName = uid('tpgic');
  const error = h('p.error', {role: 'alert'});
  const note = instrumentNote();
  const picked = (name) => {
    const c = document.querySelector(`input[name="${name}"]:checked`);
    return c ? c.value : null;
  };
  return h(
      'form', {
        'data-trial-questions': String(period.period),
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          const guess = picked(guessName);
          const pgic = picked(pgicName);
          if (!guess) {
            error.textContent = t('Please answer the questions first.');
            return;
          }
          try {
            await post(
                `/patients/${patientId}/trials/${trial.id}/periods/${period.period}/answer`,
                {guess, pgic: pgic ? Number(pgic) : null});
            say(t('Thank you: your answers for period {period} are saved.', {period: period.period}), 'ok');
            route();
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
      h('h3', t('End of period {period}: two questions', {period: period.period})),
      h('fieldset', h('legend', t('Which do you think you took in this period?')),
        radios(guessName, [['ldn', t('LDN')], ['placebo', t('Placebo')], ['dont_know', t('I don\'t know')]])),
      note ? h('p.hint.instrument-note', note) : null,
      // The PGIC's words stay in English (no validated translation in ldn), as on Questionnaires.
      h('fieldset', {lang: 'en'},
        h('legend', 'Since the start of this period, how would you describe the change in your overall status?'),
        radios(pgicName, PGIC.map((label, i) => [String(i + 1), `${i + 1}. ${label}`]))),
      error, h('button.primary', {type: 'submit'}, t('Save my answers')));
}

// "Your plan changed" (issue 15, item 2c): what the clinic changed since the patient last said
// "Got it", from today on (GET plan-notice; server/plan_notice.h). It stays on Today until
// acknowledged; the server refuses an acknowledgment of a plan that changed again meanwhile.
function planChangedBanner(patientId, notice) {
  if (!notice || !notice.changed) return null;
  const mgOf = (ug) => mg(ug / 1000);
  // The time and the days of a change are whole phrases, each translated as one, that the
  // sentences below take as placeholders.
  const when = (w) => (w === 'morning' ? t('in the morning') : t('at bedtime'));
  const today = todayIn(tz());
  const span = (c) => {
    const fromToday = c.from === today;
    if (!c.to) return fromToday ? t('from today') : t('from {date}', {date: formatLongDate(c.from)});
    if (c.to === c.from) return fromToday ? t('on today') : t('on {date}', {date: formatLongDate(c.from)});
    return fromToday ? t('from today to {to}', {to: formatLongDate(c.to)}) :
                       t('from {from} to {to}', {from: formatLongDate(c.from), to: formatLongDate(c.to)});
  };
  const statusSentence = {
    active: N_('Your treatment is going again.'),
    paused: N_('Your treatment is paused.'),
    completed: N_('Your treatment is completed.'),
    stopped: N_('Your treatment is stopped.'),
    planned: N_('Your treatment is planned.')
  };
  const sentence = (c) => {
    switch (c.kind) {
      case 'dose':
        return t(
            'Your dose {span}: {dose} {when} (it was {was}).',
            {span: span(c), dose: mgOf(c.now_ug), when: when(c.now), was: c.was_ug ? mgOf(c.was_ug) : t('none')});
      case 'stop': return t('No dose {span} (it was {was}).', {span: span(c), was: mgOf(c.was_ug)});
      case 'time':
        return t('Take your dose {when} {span} (it was {was}).', {when: when(c.now), span: span(c), was: when(c.was)});
      case 'new_course':
        return c.from ? t('A new treatment plan, starting {date}.', {date: formatLongDate(c.from)}) :
                        t('A new treatment plan.');
      case 'status':
        if (!c.now) return t('Your treatment plan has ended.');
        return statusSentence[c.now] ? t(statusSentence[c.now]) : t('Your treatment is {status}.', {status: c.now});
      default: return english(c.text);
    }
  };
  const status = h('p.small', {role: 'status'});
  const button = h('button.primary', {type: 'button'}, t('Got it'));
  const card = h(
      'section.card.plan-changed', {id: 'plan-changed', 'aria-labelledby': 'plan-changed-h'},
      h('h2', {id: 'plan-changed-h'}, t('Your plan changed')), h('ul', notice.changes.map((c) => h('li', sentence(c)))),
      h('p.small',
        t('Your clinic changed it. "Today\'s dose" below follows the new plan; ask your clinic if anything is unclear.')),
      button, status);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await post(`/patients/${patientId}/plan-notice/acknowledge`, {snapshot_id: notice.snapshot_id});
      card.replaceChildren(h('p', {role: 'status'}, t('Noted. Your plan is shown below.')));
    } catch (err) {
      button.disabled = false;
      status.textContent = err instanceof ApiError && err.status === 409 ?
          t('Your plan changed again just now. Reload the page to see the latest, then tap "Got it".') :
          errorText(err);
    }
  });
  return card;
}

// Today's "due" banner (issue 15, item 2c): the questionnaires due by the server's schedule
// (data/interlocks.json; the same rule as the Questionnaires page and the clinician's inbox).
function dueBanner(schedule) {
  if (!schedule) return null;
  const isDue = (k) => !!(schedule[k] && schedule[k].due);
  const fiqr = isDue('fiqr');
  const pgic = isDue('pgic');
  if (!fiqr && !pgic) return null;
  const text = fiqr && pgic ?
      t('Due now: the FIQR questionnaire (about 3 minutes) and the PGIC question (1 question).') :
      fiqr ? t('Due now: the FIQR questionnaire (about 3 minutes).') :
             t('Due now: the PGIC question (1 question).');
  return h(
      'p.due-banner', {role: 'status', id: 'due-banner'}, h('span', text),
      h('a.button', {href: '#/questionnaires'}, t('Answer now')));
}

// Between diary days: a side effect or a serious event told to the care team (web/js/problem.js).
function problemLink() {
  return h(
      'p.problem-link', `${t('Something worrying happened?')} `,
      h('a', {href: '#/problem'}, t('Report a problem to your care team')), '.');
}

async function getEntry(patientId, date) {
  try {
    return await get(`/patients/${patientId}/diary/${date}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    // Offline with no copy of that day on the device: the form starts empty (web/sw.js).
    if (err instanceof ApiError && err.code === 'network') return null;
    throw err;
  }
}

// The diary form of one day (issue 15, item 1). The first screen holds the core: the items the
// server marks core (data/diary_items.json: pain, fatigue, waking unrefreshed) and the dose, with
// "Same as yesterday" and a Save that stays in view; the other items the patient tracks (chosen
// with the clinician: `settings`, GET P/diary-settings), their own items, side effects, medicines
// and the note are one tap away. Items not answered are left out of the entry; an item no longer
// asked keeps the value this day already has (shown, and sent back unless changed). Every item's
// question and anchors are the server's (loadItems() before calling); 0 is the best end of every
// scale. form.applySettings(settings) shows the own items as newly saved.
export function diaryForm(
    {patientId, date, existing, yesterday, yesterdayDose, step, course, lastDose, settings, chooseTracking}) {
  const items = (existing && existing.items) || {};
  let tracking = settings || {core: [], tracked: ITEMS, custom: []};
  const tracked = new Set(tracking.tracked);
  const asked = (key) => !!(itemInfo(key) || {}).core || tracked.has(key);
  const scales = ITEMS.filter(asked).map((key) => {
    const info = itemInfo(key) || {label: key, question: key, anchor_0: '', anchor_10: ''};
    return [
      key,
      scale(
          key, [h('span.item-label', pick(info, 'label')), ' ', h('span.item-q', pick(info, 'question'))],
          {value: items[key] ?? null, low: pick(info, 'anchor_0'), high: pick(info, 'anchor_10')}),
      !!info.core
    ];
  });
  // What this day already holds of items no longer asked: shown (read only) and sent back unchanged.
  const keptItems = ITEMS.filter((key) => !asked(key) && items[key] !== undefined);
  const core = scales.filter(([, , isCore]) => isCore);
  const others = scales.filter(([, , isCore]) => !isCore);

  // Dose taken: the last line of the first screen. The amount and time show once "Yes" is chosen.
  const doseName = uid('dose');
  const taken = lastDose ? (lastDose.taken ? 'yes' : 'no') : null;
  const doseRadios = [['yes', N_('Yes')], ['no', N_('No')], ['later', N_('Not yet')]].map(([v, label]) => {
    const id = `${doseName}-${v}`;
    return h(
        'span.pick', h('input.sr', {
          type: 'radio',
          name: doseName,
          id,
          value: v,
          checked: taken === v || (!taken && v === 'later'),
          onchange: showDoseDetails
        }),
        h('label', { for: id
        }, t(label)));
  });
  // Text, not a number field: "4,5" (a decimal comma) is 4.5 mg, never 45 (safety.js parseDoseMg).
  const doseMg = h('input', {
    type: 'text',
    id: uid('mg'),
    inputmode: 'decimal',
    autocomplete: 'off',
    value: String(lastDose && lastDose.taken ? lastDose.dose_mg : (step ? step.dose_mg : ''))
  });
  // A past day defaults to the planned time of the dose, today to the time now.
  const pastDay = date < todayIn(tz());
  const doseTime = h('input', {
    type: 'time',
    id: uid('time'),
    value: (lastDose && lastDose.time) || (pastDay && plannedTime(step, course)) || nowTimeIn(tz())
  });
  const doseDetails = h('div.row.dose-details', field(t('Amount (mg)'), doseMg), field(t('Time'), doseTime));
  const doseBox =
      h('fieldset.box.dose-q',
        h('legend',
          step ? t('Did you take your {dose} dose?', {dose: mg(step.dose_mg)}) : t('Did you take your LDN dose?')),
        step ? null : h('p.muted.small.plan-line', t('No dose is planned for this day.')), h('div.picks', doseRadios),
        doseDetails);
  function doseChoice() { return (doseBox.querySelector(`input[name="${doseName}"]:checked`) || {}).value; }
  function showDoseDetails() { doseDetails.hidden = doseChoice() !== 'yes'; }
  showDoseDetails();

  // Side effects: a chip each; a pressed chip asks for its severity.
  const chosen = new Map((items.side_effects || []).map((s) => [s.name, s.severity]));
  const chipArea = h('div.chips');
  const sevArea = h('div');
  function renderSideEffects() {
    chipArea.replaceChildren(...SIDE_EFFECTS.entries.map(
        (e) =>
            h('button.chip', {
              type: 'button',
              'aria-pressed': chosen.has(e.id) ? 'true' : 'false',
              onclick: () => {
                if (chosen.has(e.id))
                  chosen.delete(e.id);
                else
                  chosen.set(e.id, 1);
                renderSideEffects();
                countMore();
              },
            },
              pick(e, 'label'))));
    sevArea.replaceChildren(...[...chosen.keys()].map((name) => {
      const label = pick(SIDE_EFFECTS.entries.find((e) => e.id === name) || {label: name}, 'label');
      const group = uid('sev');
      return h(
          'fieldset.sev', h('legend', t('How bad: {effect}', {effect: label})),
          h('div.choices', SEVERITY.map(([v, text]) => {
            const id = `${group}-${v}`;
            return h(
                'span.choice', h('input', {
                  type: 'radio',
                  name: group,
                  id,
                  checked: chosen.get(name) === v,
                  onchange: () => chosen.set(name, v)
                }),
                h('label', { for: id
                }, t(text)));
          })));
    }));
  }
  renderSideEffects();
  const sideBox = h(
      'fieldset.box', h('legend', t('Side effects today (tap all that apply)')), chipArea, sevArea,
      whereFrom(t(
          'The list of side effects is the app\'s own (version {version}); the most common on LDN were vivid dreams and headache (Younger et al., Arthritis Rheum 2013;65:529).',
          {version: String(SIDE_EFFECTS.version)})));

  // Lifestyle factors (data/diary_items.json "lifestyle": hours of sleep, minutes of activity,
  // relaxation yes/no): the patient's own log, never part of the LDN analysis.
  const lifestyle = lifestyleFactors().map((f) => lifestyleControl(f, (items.lifestyle || {})[f.id]));
  const lifeBox = lifestyle.length ?
      h('fieldset.box.lifestyle', h('legend', t('Lifestyle (for you; not part of the LDN analysis)')),
        lifestyle.map((c) => c.el)) :
      null;

  // The patient's own items (GET P/diary-settings "custom"), those still asked; what this day
  // holds of one no longer asked (or one the settings on this device do not name) is kept as the
  // items above are.
  const dayCustom = items.custom || {};
  let own = [];
  let ownKept = {};
  const ownList = h('div.own-list');
  const keptBox = h('div.kept');
  const ownBox =
      h('fieldset.box.own-items', h('legend', t('Your own items (for you; not part of the LDN analysis)')), ownList,
        chooseTracking ? h('button.track-open', {type: 'button', onclick: () => chooseTracking(tracking)},
                           t('Choose what you track')) :
                         null);
  function renderOwn() {
    const typed = new Map(own.map((c) => [c.item.key, c.get()]));
    own = tracking.custom.filter((c) => !c.retired).map((c) => {
      const v = typed.has(c.key) ? typed.get(c.key) : dayCustom[c.key];
      return customControl(c, v && v.error ? undefined : v);
    });
    const asking = new Set(own.map((c) => c.item.key));
    ownKept = Object.fromEntries(Object.entries(dayCustom).filter(([k]) => !asking.has(k)));
    ownList.replaceChildren(...own.map((c) => c.el));
    if (!own.length) ownList.append(h('p.hint', t('None yet: add your own with "Choose what you track".')));
    const lines = [
      ...keptItems.map((k) => [`item-${k}`, pick(itemInfo(k) || {label: k}, 'label'), String(items[k])]),
      ...Object.entries(ownKept).map(
          ([k, v]) => [`custom-${k}`, (tracking.custom.find((c) => c.key === k) || {label: k}).label, customText(v)])
    ];
    keptBox.replaceChildren(
        ...(lines.length ?
                [
                  h('p.kept-title', t('No longer asked; kept with this day:')),
                  h('ul.kept-list', lines.map(([id, label, v]) => h('li', {'data-kept': id}, `${label}: ${v}`)))
                ] :
                []));
  }
  renderOwn();

  const rescue =
      h('input',
        {type: 'text', id: uid('rescue'), value: (items.rescue_medication || []).join(', '), autocomplete: 'off'});
  const note = h('textarea', {id: uid('note'), rows: '3'});
  note.value = items.note || '';

  // "More about today": what is answered in it shows on its summary, so nothing is hidden unseen.
  const moreCount = h('span.more-count');
  function countMore() {
    const n = others.filter(([, s]) => s.get() !== null).length + lifestyle.filter((c) => c.filled()).length +
        own.filter((c) => c.filled()).length + keptItems.length + Object.keys(ownKept).length + chosen.size +
        (rescue.value.trim() ? 1 : 0) + (note.value.trim() ? 1 : 0);
    moreCount.textContent = n ? ` ${t('({n} answered)', {n})}` : '';
  }
  const moreWhat = h('span.more-what');
  function describeMore() {
    moreWhat.textContent = [
      ...others.map(([k]) => pick(itemInfo(k) || {label: k}, 'label')),
      ...lifestyle.map((c) => pick(c.f, 'label').toLowerCase()), ...own.map((c) => c.item.label.toLowerCase()),
      t('side effects'), t('medicines'), t('a note')
    ].join(', ');
  }
  describeMore();
  const more =
      h('details.more-today', {
        id: 'more-today',
        open: others.some(([k]) => items[k] !== undefined) || chosen.size > 0 || !!items.note ||
            !!(items.rescue_medication || []).length || !!items.lifestyle || keptItems.length > 0 ||
            Object.keys(dayCustom).length > 0
      },
        h('summary', h('span.more-title', t('More about today')), moreCount, moreWhat), others.map(([, s]) => s.el),
        ownBox, keptBox, lifeBox, sideBox, field(t('Rescue or other medication today (separate with commas)'), rescue),
        field(t('Note (optional)'), note));
  more.addEventListener('change', countMore);
  more.addEventListener('input', countMore);
  countMore();

  const error = h('p.error', {role: 'alert'});
  const status = h('p.save-status', {'aria-live': 'polite'});
  const done = h('div');
  const submit = h('button.primary.wide', {type: 'submit'}, existing ? t('Save changes') : t('Save today\'s entry'));

  // "Same as yesterday" ("as the day before" on a past day): yesterday's answers, side effects,
  // medicines and lifestyle, and the dose taken or skipped as yesterday (the amount stays the
  // day's plan). Nothing is saved until Save.
  const sameAsYesterday = yesterday && !existing ? h('button.same', {
    type: 'button',
    onclick: () => {
      const y = yesterday.items || {};
      for (const [key, s] of scales)
        if (y[key] !== undefined) s.set(y[key]);
      chosen.clear();
      for (const se of y.side_effects || []) chosen.set(se.name, se.severity);
      renderSideEffects();
      rescue.value = (y.rescue_medication || []).join(', ');
      for (const c of lifestyle) c.set((y.lifestyle || {})[c.f.id]);
      for (const c of own) c.set((y.custom || {})[c.item.key]);
      if (yesterdayDose) {
        const want = yesterdayDose.taken ? 'yes' : 'no';
        for (const r of doseBox.querySelectorAll(`input[name="${doseName}"]`)) r.checked = r.value === want;
        showDoseDetails();
      }
      countMore();
      status.textContent = pastDay ? t('Filled in from the day before. Check, then save.') :
                                     t('Filled in from yesterday. Check, then save.');
    },
  },
                                                     pastDay ? t('Same as the day before') : t('Same as yesterday')) :
                                                   null;

  const form = h(
      'form.diary', {
        'aria-label': t('Diary for {date}', {date: formatLongDate(date)}),
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          status.textContent = '';
          done.replaceChildren();
          const entry = {};
          for (const [key, s] of scales) {
            const v = s.get();
            if (v !== null) entry[key] = v;
          }
          for (const key of keptItems) entry[key] = items[key];
          if (chosen.size) entry.side_effects = [...chosen].map(([name, severity]) => ({name, severity}));
          const meds = rescue.value.split(',').map((s) => s.trim()).filter(Boolean);
          if (meds.length) entry.rescue_medication = meds;
          if (note.value.trim()) entry.note = note.value.trim();
          const life = {};
          for (const c of lifestyle) {
            const v = c.get();
            if (v && v.error) {
              error.textContent = v.error;
              return;
            }
            if (v !== null) life[c.f.id] = v;
          }
          if (Object.keys(life).length) entry.lifestyle = life;
          const custom = {...ownKept};
          for (const c of own) {
            const v = c.get();
            if (v && v.error) {
              error.textContent = v.error;
              return;
            }
            if (v !== null) custom[c.item.key] = v;
          }
          if (Object.keys(custom).length) entry.custom = custom;
          if (!Object.keys(entry).length) {
            error.textContent = t('Answer at least one question before saving.');
            return;
          }
          const choice = doseChoice();
          const writes = [{
            method: 'PUT',
            path: `/patients/${patientId}/diary/${date}`,
            label: `diary ${date}`,
            // The scale the answers were given on: the server refuses a write without it, so an
            // out-of-date app can never store a reversed mood (docs/diary-format.md).
            body: {client_id: clientId('diary'), scale_version: scaleVersion(), items: entry},
          }];
          if (choice === 'yes' || choice === 'no') {
            const body = {date, taken: choice === 'yes', client_id: clientId('dose')};
            if (choice === 'yes') {
              const amount = parseDoseMg(doseMg.value);
              if (amount.error) {
                error.textContent = amount.error;
                return;
              }
              body.dose_mg = amount.value;
              if (doseTime.value) body.time = doseTime.value;
            }
            if (course) body.course_id = course.id;
            writes.push({method: 'POST', path: `/patients/${patientId}/doses`, label: `dose ${date}`, body});
          }
          submit.disabled = true;
          try {
            let queued = false;
            let safety = null;
            let doseCheck = null;
            for (const w of writes) {
              try {
                const sent = await sendOrQueue(w);
                queued = sent.queued || queued;
                if (sent.result && sent.result.safety) safety = sent.result.safety;
              } catch (err) {
                // The server checks a dose against the plan (docs/safety.md): the diary is saved, the
                // dose waits for the patient.
                if (w.method !== 'POST' || err.field !== 'dose_mg') throw err;
                doseCheck = offPlanPanel(err, w, () => {
                  doseCheck.remove();
                });
              }
            }
            const msg = queued ?
                t('Saved on this device. It will be sent automatically when you are back online.') :
                (doseCheck ? t('Your diary is saved. Your dose needs a check: see below.') : t('Saved. Thank you.'));
            say(msg, safety || doseCheck ? 'warn' : (queued ? 'warn' : 'ok'));
            status.replaceChildren(h('span.saved', msg), ' ', h('a', {href: '#/progress'}, t('See your progress')));
            done.replaceChildren(...[guidanceCard(safety), doseCheck].filter(Boolean));
            if (safety || doseCheck) {
              done.firstChild.setAttribute('tabindex', '-1');
              done.firstChild.focus();
            }
            if (sameAsYesterday) sameAsYesterday.remove();
            submit.textContent = t('Save changes');
          } catch (err) {
            error.textContent = errorText(err, (key, group) => {
              if (group === 'custom') return (tracking.custom.find((c) => c.key === key) || {label: key}).label;
              return pick(itemInfo(key) || lifestyleInfo(key), 'label') || undefined;
            });
          } finally {
            submit.disabled = false;
          }
        },
      },
      h('section.card.core', {'aria-labelledby': 'items-h'}, h('h2', {id: 'items-h'}, t('How was your day?')),
        core.map(([, s]) => s.el), doseBox),
      h('section.card.more-card', more,
        h('details.why', h('summary', t('Where does this come from?')),
          h('p.small',
            t('Questions and anchors: {source}. Every scale runs the same way, 0 = best and 10 = worst, as in the FIQR symptom questions (Bennett et al., Arthritis Res Ther 2009;11:R120). Pain, fatigue and waking unrefreshed come first because everyone rates them every day; which of the others you answer is chosen with your clinician, and you can add your own.',
              {source: itemsSourcePlain()})),
          h('ul.small',
            ITEMS.map((k) => h('li', `${pick(itemInfo(k) || {label: k}, 'label')}: `, english((itemInfo(k) || {
                                                                                                source: ''
                                                                                              }).source)))))),
      done, h('div.savebar', error, status, h('div.savebuttons', sameAsYesterday, submit)));
  // The own items as saved in "Choose what you track": a new one is asked at once, a retired one
  // leaves (unless this day has a value of it); the answers given so far stay.
  form.applySettings = (saved) => {
    tracking = saved;
    renderOwn();
    describeMore();
    countMore();
    more.open = true;
    ownBox.scrollIntoView({block: 'start'});
    const back = ownBox.querySelector('button.track-open');
    if (back) back.focus({preventScroll: true});
  };
  return form;
}

// One lifestyle factor's control: a number field (a decimal comma is a decimal point: "7,5" hours
// is 7.5) or Yes / No (a second tap on the chosen answer clears it). get() is the value, null when
// empty, or {error} in plain words; the server checks the range and step (data/diary_items.json).
function lifestyleControl(f, value) {
  const control = f.kind === 'yes_no' ?
      yesNoControl({'data-life': f.id}, pick(f, 'question'), value) :
      numberControl({'data-life': f.id}, `${pick(f, 'question')} (${pick(f, 'unit')})`, value, {
        decimal: f.step < 1,
        bad:
            t('{label}: write a number of {unit}, for example {example}.',
              {label: pick(f, 'label'), unit: pick(f, 'unit'), example: f.step < 1 ? 7.5 : 30})
      });
  return {f, ...control};
}

// One of the patient's own items (diary settings "custom"): 0-10 as the other items' numbers, Yes /
// No as relaxation, or a number with its unit (a decimal comma read as a point). The server checks
// the value against the item's kind and names it (items.custom.<key>).
function customControl(item, value) {
  const v = value === null ? undefined : value;
  let control;
  if (item.kind === 'scale') {
    const s = scale(
        `custom-${item.key}`,
        [h('span.item-label', {'data-free-text': ''}, item.label), ' ', h('span.item-q', t('From 0 to 10'))],
        {value: v ?? null});
    s.el.removeAttribute('data-scale');
    s.el.dataset.custom = item.key;
    control = {el: s.el, get: s.get, filled: () => s.get() !== null, set: (x) => s.set(x ?? null)};
  } else if (item.kind === 'yes_no') {
    control = yesNoControl({'data-custom': item.key}, item.label, v);
  } else {
    control = numberControl({'data-custom': item.key}, item.unit ? `${item.label} (${item.unit})` : item.label, v, {
      decimal: true,
      bad: item.unit ? t('{label}: write a number of {unit}, for example {example}.',
                         {label: item.label, unit: item.unit, example: 5}) :
                       t('{label}: write a number, for example {example}.', {label: item.label, example: 5})
    });
  }
  return {item, ...control};
}

// An own item's value in words, for one whose settings are unknown on this device.
function customText(v) {
  if (v === true) return t('yes');
  if (v === false) return t('no');
  return typeof v === 'number' ? formatNumber(v, {maximumFractionDigits: 20, useGrouping: false}) : String(v);
}

// Yes / No as two large boxes; a second tap on the chosen answer clears it.
function yesNoControl(attrs, legend, value) {
  const name = uid('yn');
  const inputs = [];
  const picks = [['yes', N_('Yes')], ['no', N_('No')]].map(([v, label]) => {
    const id = `${name}-${v}`;
    const input = h('input.sr', {type: 'radio', name, id, value: v, checked: value === (v === 'yes')});
    inputs.push(input);
    return h('span.pick', input, h('label', {
      for: id,
      onclick: (e) => {
          if (!input.checked) return;
          e.preventDefault();
          input.checked = false;
          input.dispatchEvent(new Event('change', {bubbles: true}));
      },
             }, t(label)));
  });
  const el = h('fieldset.life', attrs, h('legend', legend), h('div.picks.two', picks));
  const get = () => {
    const c = inputs.find((i) => i.checked);
    return c ? c.value === 'yes' : null;
  };
  return {
    el,
    get,
    filled: () => get() !== null,
    set: (v) => {
      for (const i of inputs) i.checked = v !== undefined && v !== null && (i.value === 'yes') === v;
    }
  };
}

// A number as text ("4,5" is 4.5, never 45); `bad` is said for a word.
function numberControl(attrs, label, value, {decimal, bad}) {
  const input = h('input', {
    type: 'text',
    id: uid('num'),
    inputmode: decimal ? 'decimal' : 'numeric',
    autocomplete: 'off',
    value: value === undefined || value === null ? '' : String(value)
  });
  const el = h('div.field', attrs, h('label', {for: input.id
               }, label), input);
  const get = () => {
    const text = input.value.trim().replace(',', '.');
    if (!text) return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : {error: bad};
  };
  return {
    el,
    get,
    filled: () => !!input.value.trim(),
    set: (v) => {
      input.value = v === undefined || v === null ? '' : String(v);
    }
  };
}

// A dose the server did not take as entered: refused (400, plain words), or different from the
// plan (409): the patient confirms it with a reason, or corrects the amount.
function offPlanPanel(err, write, close) {
  if (err.status !== 409) {
    return h(
        'div.confirm', {role: 'alert'}, h('p.error', err.message),
        h('p', t('Correct the amount above and save again.')));
  }
  const reason = h('input', {type: 'text', id: uid('why'), autocomplete: 'off'});
  const problem = h('p.error', {role: 'alert'});
  const panel =
      h('div.confirm', {role: 'group', 'aria-label': t('Confirm your dose')}, h('p', err.message),
        field(t('Why is it different? (your clinician sees this)'), reason), problem,
        h('div.actions',
          h('button.primary', {
            type: 'button',
            onclick: async () => {
              problem.textContent = '';
              if (!reason.value.trim()) {
                problem.textContent = t('Say in a few words why the dose differs.');
                return;
              }
              try {
                await sendOrQueue({...write, body: {...write.body, off_plan_reason: reason.value.trim()}});
                panel.replaceChildren(
                    h('p.saved',
                      t('Dose saved: {dose}. It differs from your plan, so your clinician will see it.',
                        {dose: mg(write.body.dose_mg)})));
                say(t('Your dose is saved.'), 'ok');
              } catch (x) {
                problem.textContent = x.message;
              }
            },
          },
            t('Yes, I took {dose}', {dose: mg(write.body.dose_mg)})),
          h('button', {type: 'button', onclick: close}, t('No, I will correct the amount'))));
  return panel;
}

export async function history(main) {
  setTitle(t('Past days'));
  const p = pid();
  const localToday = todayIn(tz());
  const from = addDays(localToday, -27);
  const [diary] = await Promise.all([get(`/patients/${p}/diary?from=${from}&to=${localToday}`), loadItems()]);
  const short = (k) => pick(itemInfo(k) || {label: k}, 'label').toLowerCase();
  const byDate = new Map(diary.entries.map((e) => [e.date, e]));
  const rows = [];
  for (let d = localToday; d >= from; d = addDays(d, -1)) {
    const e = byDate.get(d);
    rows.push(
        h('li.dayrow', h('span.daydate', formatDate(d)),
          h('span.daysum',
            e ? ITEMS.slice(0, 3).map((k) => `${short(k)} ${e.items[k] ?? '–'}`).join(', ') : t('no entry')),
          h('a.button.secondary', {
            href: `#/day/${d}`,
            'aria-label': e ? t('Edit {date}', {date: formatLongDate(d)}) : t('Add {date}', {date: formatLongDate(d)})
          },
            e ? t('Edit') : t('Add'))));
  }
  mount(
      main, h('h1', t('Past days')), tzNote(),
      h('p', t('Edits keep the earlier version: your clinician can see what changed and when.')), h('ul.days', rows));
}

// ---- My plan ------------------------------------------------------------------------------------

export async function plan(main) {
  setTitle(t('My plan'));
  const treat = await loadTreatment(pid());
  const date = todayIn(tz());
  if (!treat.plan) {
    mount(
        main, h('h1', t('My plan')),
        h('div.card', h('p', t('You have no treatment plan yet. Your clinician makes it after a safety screening.'))),
        problemLink());
    return;
  }
  const step = stepOn(treat.plan, date);
  const next = nextStep(treat.plan, date);
  const adjustments =
      await get(`/patients/${pid()}/courses/${treat.course.id}/adjustments`).catch(() => ({adjustments: []}));
  // The plan's notes and warnings are the server's text, in English (marked so).
  const sourceText = (text) => h('p.source', {lang: 'en'}, text);
  mount(
      main, h('h1', t('My plan')), tzNote(),
      treat.course.status === 'planned' ? baselineCard(treat.course, date) : null,
      h('section.card.dose', h('h2', t('Today')), h('p.big', doseLine(step, treat.liquid)),
        next ? h('p', t('Next step: {dose}, from {date} (in {n} days).', {
                   dose: doseLine(next, treat.liquid),
                   date: formatLongDate(next.start),
                   n: daysBetween(date, next.start)
                 })) :
               h('p', t('You are on your target dose: no further steps are planned.')),
        whereFrom(...planSource(treat))),
      h('section.card', h('h2', t('All steps')),
        stackTable(
            t('Titration steps'), [t('From'), t('To'), t('Dose'), t('When')],
            treat.plan.steps.map(
                (s) => ({
                  attrs: {class: s === step ? 'current' : null},
                  cells: [
                    formatDate(s.start), s.end ? formatDate(s.end) : t('onwards'),
                    `${mg(s.dose_mg)}${treat.liquid ? ` (${ml(s.dose_mg, treat.liquid.strength_mg)})` : ''}`,
                    stepTime(s.time)
                  ],
                })))),
      h('section.card', h('h2', t('Why this plan')),
        // The plan explained for the patient (src/clinical/titration/plan.cpp, for_patient), in
        // the app's language; a plan stored before that existed shows the prescriber's notes.
        treat.plan.for_patient ?
            h('ul.why-plan',
              treat.plan.for_patient.map(
                  (m) => h('li', {lang: serverTextIsTranslated(m) ? null : 'en', 'data-key': m.key}, serverText(m)))) :
            h('ul', {lang: 'en'}, treat.plan.notes.map((n) => h('li', withoutFileNames(n)))),
        !treat.plan.for_patient && (treat.plan.warnings || []).length ?
            h('ul.warn', {lang: 'en'}, treat.plan.warnings.map((w) => h('li', withoutFileNames(w)))) :
            null,
        whereFrom(...treat.plan.notes.map(sourceText), ...(treat.plan.warnings || []).map(sourceText))),
      (adjustments.adjustments || []).length ? h('section.card', h('h2', t('Changes to the plan')),
                                                 h('ul',
                                                   adjustments.adjustments.map(
                                                       (a) =>
                                                           h('li', h('span', {'data-free-text': ''}, a.reason),
                                                             ` (${formatInstant(a.recorded_at, tz())})`)))) :
                                               null,
      problemLink());
}

// ---- Progress -----------------------------------------------------------------------------------

export async function progress(main) {
  setTitle(t('Progress'));
  const {progressPanel} = await import('./progress.js');
  mount(main, h('h1', t('My progress')), tzNote());
  const {shareCard} = await import('./share.js');
  main.append(await progressPanel(pid(), tz()), takeAway(), shareCard(pid(), tz()));
}

// The report in the app's language (the server writes it; English needs no query).
function reportLang(separator) { return language() === 'en' ? '' : `${separator}lang=${language()}`; }

// The patient's own copies (issue 15, item 4): the report and the diary to keep, to open in a
// spreadsheet or to bring to another clinic. Each download is recorded in the audit trail.
function takeAway() {
  const p = pid();
  const today = todayIn(tz());
  return h(
      'section.card', {'aria-labelledby': 'take-h'}, h('h2', {id: 'take-h'}, t('Take your data with you')),
      h('p',
        t('Download your own copy: the report your clinician sees, or your diary (your dose plan, the doses you logged, every day you answered and your questionnaires).')),
      h('div.actions.downloads', downloadLink({
          href: `/api/v1/patients/${p}/report.pdf${reportLang('?')}`,
          file: `ldn-report-${today}.pdf`,
          label: t('My report (PDF)'),
          what: 'report'
        }),
        downloadLink({
          href: `/api/v1/patients/${p}/report.pdf?scope=summary${reportLang('&')}`,
          file: `ldn-summary-${today}.pdf`,
          label: t('One-page summary for an appointment (PDF)'),
          what: 'report'
        }),
        downloadLink({
          href: `/api/v1/patients/${p}/export?format=csv`,
          file: `ldn-diary-${today}.csv`,
          label: t('My diary for a spreadsheet (CSV)'),
          what: 'diary file'
        }),
        downloadLink({
          href: `/api/v1/patients/${p}/export?format=json`,
          file: `ldn-diary-${today}.json`,
          label: t('My diary as data (JSON)'),
          what: 'diary file'
        })),
      h('details.why', h('summary', t('Where does this come from?')),
        h('p.source',
          t('The diary files follow the diary format that ldn documents and reads back; the report is the one your clinician sees at a visit, and the summary is a one-page version of it.'))));
}

// ---- Questionnaires -----------------------------------------------------------------------------

const FIQR_FUNCTION = [
  'Brush or comb your hair', 'Walk continuously for 20 minutes', 'Prepare a homemade meal',
  'Vacuum, scrub or sweep floors', 'Lift and carry a bag full of groceries', 'Climb one flight of stairs',
  'Change bed sheets', 'Sit in a chair for 45 minutes', 'Go shopping for groceries'
];
const FIQR_IMPACT = [
  'Fibromyalgia prevented me from accomplishing goals for the week',
  'I was completely overwhelmed by my fibromyalgia symptoms'
];
const FIQR_SYMPTOMS = [
  ['your level of pain', 'no pain', 'unbearable pain'], ['your level of energy', 'lots of energy', 'no energy'],
  ['your level of stiffness', 'no stiffness', 'severe stiffness'],
  ['the quality of your sleep', 'awoke well rested', 'awoke very tired'],
  ['your level of depression', 'no depression', 'very depressed'],
  ['your level of memory problems', 'good memory', 'very poor memory'],
  ['your level of anxiety', 'not anxious', 'very anxious'],
  ['your level of tenderness to touch', 'no tenderness', 'very tender'],
  ['your level of balance problems', 'no imbalance', 'severe imbalance'],
  ['your level of sensitivity to loud noises, bright lights, odours and cold', 'no sensitivity', 'extreme sensitivity']
];
const PGIC = [
  'Very much improved', 'Much improved', 'Minimally improved', 'No change', 'Minimally worse', 'Much worse',
  'Very much worse'
];

export async function questionnaires(main) {
  setTitle(t('Questionnaires'));
  const p = pid();
  const date = todayIn(tz());
  // When each is due is the server's rule (data/interlocks.json, docs/clinic.md "Tasks"): the
  // clinician's inbox reads the same one.
  const [inst, treat, schedule] = await Promise.all(
      [get(`/patients/${p}/instruments`), loadTreatment(p), get(`/patients/${p}/questionnaires/schedule`)]);
  const lastFiqr = schedule.fiqr.last;
  const lastPgic = schedule.pgic.last;
  // Before the first dose the baseline FIQR is due (the course's interlocks say so: docs/safety.md).
  const baseline = treat.course && treat.course.interlocks && treat.course.interlocks.baseline;
  const baselineDue = !!(baseline && baseline.fiqr_due);
  const fiqrDue = schedule.fiqr.due;
  const pgicDue = schedule.pgic.due;

  const dueText = (name, lastDate, due) =>
      h('p', due ? h('strong', t('{name} is due.', {name})) : t('{name} is not due.', {name}),
        ` ${lastDate ? t('Last answered: {date}.', {date: formatLongDate(lastDate)}) : t('Last answered: never.')}`);
  mount(
      main, h('h1', t('Questionnaires')), tzNote(),
      h('section.card', h('h2', t('When they are due')),
        baselineDue ? h('p', h('strong', t('Baseline FIQR is due: answer it before your first dose on {date}.', {
                                 date: formatLongDate(baseline.first_dose)
                               }))) :
                      null,
        dueText('FIQR', lastFiqr, fiqrDue), dueText('PGIC', lastPgic, pgicDue),
        whereFrom(t(
            'ldn asks every {n} days (a schedule of this app, not a published rule); the trials judged response at 8-12 weeks (Younger 2009, 2013; FINAL, Bruun et al. Lancet Rheumatol 2024).',
            {n: schedule.interval_days}))),
      fiqrForm(p, date, fiqrDue), pgicForm(p, date, pgicDue),
      h('section.card', h('h2', t('Your answers')),
        inst.instruments.length ?
            h('ul',
              inst.instruments.slice()
                  .sort((a, b) => (a.date < b.date ? 1 : -1))
                  .map((r) => h('li', `${formatDate(r.date)}: ${r.instrument.toUpperCase()} ${scoreText(r)}`))) :
            h('p', t('None yet.'))));
}

// The FIQR's severity bands (src/clinical/instruments/fiqr.cpp FiqrSeverityName; Salaffi 2021),
// in the app's language.
const FIQR_SEVERITY = {
  'remission': N_('remission'),
  'mild': N_('mild'),
  'moderate': N_('moderate'),
  'severe': N_('severe'),
  'very severe': N_('very severe'),
};

export function scoreText(r) {
  const s = r.scores || {};
  if (r.instrument === 'fiqr' && s.total !== undefined)
    return `${t('total {score} of 100', {score: Math.round(s.total * 10) / 10})}${
        s.severity ? ` (${FIQR_SEVERITY[s.severity] ? t(FIQR_SEVERITY[s.severity]) : s.severity})` : ''}`;
  if (r.instrument === 'pgic') return s.label || PGIC[(r.answers.pgic || 4) - 1].toLowerCase();
  return '';
}

function instrumentSubmit(p, instrument, date, answersFn, after) {
  return async (e) => {
    e.preventDefault();
    const form = e.target;
    const err = form.querySelector('.error');
    err.textContent = '';
    const answers = answersFn();
    if (!answers) {
      err.textContent = t('Please answer the questions first.');
      return;
    }
    try {
      const {queued} = await sendOrQueue({
        method: 'POST',
        path: `/patients/${p}/instruments`,
        label: `${instrument} ${date}`,
        body: {instrument, date, answers, client_id: clientId(instrument)}
      });
      say(queued ? t('Saved on this device; it will be sent when you are online.') :
                   t('Thank you: your answers are saved.'),
          queued ? 'warn' : 'ok');
      after(true);
    } catch (x) {
      err.textContent = errorText(x);
    }
  };
}

function fiqrForm(p, date, due) {
  const fn = FIQR_FUNCTION.map((q, i) => scale(`f${i}`, q, {low: 'no difficulty', high: 'very difficult'}));
  const im = FIQR_IMPACT.map((q, i) => scale(`i${i}`, q, {low: 'never', high: 'always'}));
  const sy = FIQR_SYMPTOMS.map(([q, lo, hi], i) => scale(`s${i}`, `Rate ${q}`, {low: lo, high: hi}));
  const note = instrumentNote();
  const answers = () => {
    const a = {function: fn.map((s) => s.get()), impact: im.map((s) => s.get()), symptoms: sy.map((s) => s.get())};
    return [...a.function, ...a.impact, ...a.symptoms].some((v) => v !== null) ? a : null;
  };
  const body = h(
      'form', {onsubmit: instrumentSubmit(p, 'fiqr', date, answers, route)},
      note ? h('p.hint.instrument-note', note) : null,
      // The instrument as a whole (its instruction, its parts' headings, its questions) stays in
      // English: a validated translation would translate them together.
      h('div', {lang: 'en'},
        h('p',
          'For each question, think about the past 7 days. If you did not do an activity, rate the last time you did.'),
        h('h3', 'Function: how hard was it to…'), fn.map((s) => s.el), h('h3', 'Overall'), im.map((s) => s.el),
        h('h3', 'Symptoms'), sy.map((s) => s.el)),
      whereFrom(t(
          'Revised Fibromyalgia Impact Questionnaire (FIQR), Bennett et al., Arthritis Res Ther 2009;11:R120; scored as its authors describe.')),
      h('p.error', {role: 'alert'}), h('button.primary', {type: 'submit'}, t('Save FIQR')));
  return h(
      'details.card', {open: due ? true : null},
      h('summary',
        h('h2.inline',
          due ? t('FIQR (21 questions, about 3 minutes): due') : t('FIQR (21 questions, about 3 minutes)'))),
      body);
}

function pgicForm(p, date, due) {
  const group = uid('pgic');
  const radios = PGIC.map((label, i) => {
    const id = `${group}-${i + 1}`;
    return h('span.choice.block', h('input', {type: 'radio', name: group, id, value: String(i + 1)}), h('label', { for: id
             }, `${i + 1}. ${label}`));
  });
  const answers = () => {
    const c = radios.map((r) => r.querySelector('input')).find((i) => i.checked);
    return c ? {pgic: Number(c.value)} : null;
  };
  const note = instrumentNote();
  const body = h(
      'form', {onsubmit: instrumentSubmit(p, 'pgic', date, answers, route)},
      note ? h('p.hint.instrument-note', note) : null,
      // The instrument's question and answers stay in English (no validated translation in ldn).
      h('fieldset', {lang: 'en'},
        h('legend', 'Since you started LDN, how would you describe the change in your overall status?'), radios),
      whereFrom(t(
          'Patient Global Impression of Change (PGIC), 7 points, public domain; "much improved" or better counts as a response (Dworkin et al., IMMPACT, J Pain 2008;9:105).')),
      h('p.error', {role: 'alert'}), h('button.primary', {type: 'submit'}, t('Save PGIC')));
  return h(
      'details.card', {open: due ? true : null},
      h('summary', h('h2.inline', due ? t('PGIC (1 question): due') : t('PGIC (1 question)'))), body);
}
