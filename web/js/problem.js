// "Report a problem" (issue 12, docs/safety.md): a patient reports a side effect or a serious
// event outside the daily diary (POST /patients/{id}/adverse-events). The server judges it -- a
// severe or life-threatening one, one that needed hospital care, or words from the red-flag
// vocabulary (data/red_flags.json) -- and answers with the guidance shown here at once; the
// clinician gets a red flag until it is acknowledged. Nothing here decides what is worrying.
import {ApiError, errorText, get, post} from './api.js';
import {say, session, setTitle} from './app.js';
import {currentCourse} from './clinical.js';
import {field, h, uid} from './dom.js';
import {N_, pick, t} from './i18n.js';
import {guidanceCard} from './safety.js';
import {todayIn} from './time.js';

const SEVERITIES = [
  ['mild', N_('Mild: I notice it, but it does not get in my way')],
  ['moderate', N_('Moderate: it gets in the way of my usual activities')],
  ['severe', N_('Severe: I cannot do my usual activities')],
  ['life_threatening', N_('Life-threatening: I needed urgent help')],
];

export async function reportProblem(main) {
  setTitle(t('Report a problem'));
  const pid = session.me.patient_id;
  const tz = (session.patient && session.patient.time_zone) || 'UTC';
  const today = todayIn(tz);
  const courses = await get(`/patients/${pid}/courses`).catch(() => ({ courses: [] }));
  const course = currentCourse(courses.courses || []);
  // The emergency signs as data/red_flags.json says them (GET /safety/red-flags), never a copy.
  const vocabulary = await get('/safety/red-flags').catch(() => null);
  const emergency = vocabulary && (vocabulary.guidance || []).find((g) => g.id === 'emergency');

  const what = h('textarea', { rows: '4', maxlength: '2000', required: true });
  const onset = h('input', { type: 'date', value: today, max: today, required: true });
  const group = uid('sev');
  const radios = SEVERITIES.map(([value, label], i) => {
    const id = `${group}-${i}`;
    return h(
        'span.choice.block', h('input', {type: 'radio', name: group, id, value, required: i === 0 ? true : null}),
        h('label', { for: id
        }, t(label)));
  });
  const seriousId = uid('serious');
  const serious = h('input', { type: 'checkbox', id: seriousId });
  const error = h('p.error', { role: 'alert' });
  const result = h('div.problem-result');
  const submit = h('button.primary', {type: 'submit'}, t('Send the report'));

  const form = h(
      'form.problem', {
        onsubmit: async (ev) => {
          ev.preventDefault();
          error.textContent = '';
          const checked = radios.map((r) => r.querySelector('input')).find((i) => i.checked);
          if (!what.value.trim()) {
            error.textContent = t('Please say what happened.');
            what.focus();
            return;
          }
          if (!checked) {
            error.textContent = t('Please choose how bad it is.');
            return;
          }
          const body = {
            onset_date: onset.value,
            description: what.value.trim(),
            severity: checked.value,
            serious: serious.checked
          };
          if (course && course.status !== 'planned') body.course_id = course.id;
          submit.disabled = true;
          try {
            const saved = await post(`/patients/${pid}/adverse-events`, body);
            const card = guidanceCard(saved.safety);
            const thanks = h('p.saved', t('Your report is saved. Your care team sees it in ldn.'));
            result.replaceChildren(...[card, thanks].filter(Boolean));
            say(card ? t('Your report is saved. Please read the guidance below.') : t('Your report is saved.'),
                card ? 'warn' : 'ok');
            form.reset();
            onset.value = today;
            if (card) {
              card.setAttribute('tabindex', '-1');
              card.focus();
            }
          } catch (err) {
            error.textContent = err instanceof ApiError && err.code === 'network' ?
                t('Not sent: there is no connection. If this is an emergency, call your local emergency number now; otherwise contact your clinician.') :
                errorText(err);
          } finally {
            submit.disabled = false;
          }
        },
      },
      field(
          t('What happened?'), what, t('In your own words: what you felt or noticed, and anything you did about it.')),
      field(t('When did it start?'), onset), h('fieldset', h('legend', t('How bad is it?')), radios),
      h('span.choice.block', serious, h('label', { for: seriousId
        }, t('It needed a hospital stay or emergency care'))), error, submit);

  main.replaceChildren(
      h('h1', t('Report a problem')),
      h('section.card.alert.emergency', {'aria-labelledby': 'problem-emergency'},
        h('h2', {id: 'problem-emergency'}, t('In an emergency, do not wait for ldn')),
        h('p',
          emergency ? pick(emergency, 'text') :
                      t('If you think your life may be at risk, call your local emergency number now.')),
        emergency ?
            h('details.where', h('summary', t('Where does this come from?')), h('p.small', pick(emergency, 'source'))) :
            null),
      h('section.card', h('h2', t('Tell your care team')),
        h('p',
          t('For a side effect or a health problem that worries you, between visits. Your daily diary is still the place for the side effects you rate every day.')),
        form),
      result);
}
