// Reminders in the phone's calendar (issue 15, item 2a): the patient makes a secret link to their
// reminders (bedtime dose, diary, questionnaires) and subscribes to it in their calendar app, which
// then reminds them with no ldn app open and follows the plan when it changes. The server keeps
// only a hash of the link; making a new one or stopping it ends the old one (docs/web.md).
import {actingOn, del, errorText, get, post} from './api.js';
import {h, mount} from './dom.js';
import {language, N_, t} from './i18n.js';
import {formatInstant} from './time.js';

// The texts of the feed itself, which the server writes in the language the link is made in
// (src/server/calendar_feed.cpp, catalogs.h), listed here for the catalog check.
export const FEED_TEXTS = [
  N_('LDN reminders'),
  N_('LDN {dose} mg at bedtime'),
  N_('LDN {dose} mg in the morning'),
  N_('Take {dose} mg of LDN (naltrexone) at bedtime, as your plan says.'),
  N_('Take {dose} mg of LDN (naltrexone) in the morning, as your plan says.'),
  N_('This dose runs until {date}.'),
  N_('LDN diary: how was today?'),
  N_('Open ldn and fill in today\'s diary: pain, fatigue, sleep and your dose. It takes about 30 seconds.'),
  N_('{title} is due'),
  N_('{title} is due today'),
  N_('Open ldn and answer the {title} under Questionnaires.'),
  N_('PGIC question (how you have changed)'),
  N_('FIQR questionnaire'),
  N_('LDN trial: start pack {pack}'),
  N_('Period {period} of {periods} of your blinded trial begins today: take your capsules from pack {pack} from tonight.'),
  N_('Start pack {pack} today'),
];

// The Account page's card for patient `patientId` (time zone `tz` for the date shown).
export function calendarCard(patientId, tz) {
  const base = `/patients/${patientId}/calendar-token`;
  const body = h('div');
  const error = h('p.error', {role: 'alert'});
  const card = h(
      'section.card.narrow', {'aria-labelledby': 'calendar-h', id: 'calendar-card'},
      h('h2', {id: 'calendar-h'}, t('Reminders in your phone\'s calendar')),
      h('p',
        t('Your calendar app can remind you to take your LDN at bedtime (22:00), to fill in your diary (20:00) and when a questionnaire is due. It follows your plan when your clinic changes it.')),
      body, error);

  const act = actingOn(error);

  function showLink(made) {
    const copyState = h('span.hint', {'aria-live': 'polite'});
    const input = h('input', {id: 'calendar-url', readOnly: true, value: made.url, spellcheck: 'false'});
    mount(
        body, h('p.ok-text', t('Your calendar link is ready. Open it on your phone to add the reminders:')),
        h('p', h('a.button.primary', {href: made.webcal_url, id: 'calendar-subscribe'}, t('Add to my calendar'))),
        h('details', h('summary', t('On a computer, or in Google Calendar')),
          h('p', t('Copy this link and add it in your calendar as a calendar "from URL" (a subscription):')),
          h('label',
            { for: 'calendar-url'
            },
            t('Your calendar link')),
          input,
          h('p',
            h('button', {
              type: 'button',
              onclick: async () => {
                input.select();
                try {
                  await navigator.clipboard.writeText(made.url);
                  copyState.textContent = t('Copied.');
                } catch {
                  copyState.textContent = t('Select the link and copy it.');
                }
              },
            },
              t('Copy the link')),
            ' ', copyState)),
        h('p.hint',
          t('Keep this link to yourself: anyone who has it can see your reminders (not your diary). If you shared it by mistake, stop it below and make a new one.')),
        stopButton());
  }

  function stopButton() {
    return h(
        'button', {
          type: 'button',
          id: 'calendar-stop',
          onclick: act(async () => {
            await del(base);
            await load(t('Your calendar link is stopped. Your calendar app will show no more ldn reminders.'));
          }),
        },
        t('Stop my calendar link'));
  }

  function makeButton(label) {
    return h(
        'button.primary', {
          type: 'button',
          id: 'calendar-make',
          // The feed speaks the app's language (a Danish link stays Danish).
          onclick: act(async () => showLink(await post(base, {language: language()}))),
        },
        label);
  }

  async function load(note) {
    const state = await get(base);
    const lines = [];
    if (note) lines.push(h('p.ok-text', {role: 'status'}, note));
    if (state.exists) {
      lines.push(
          h('p',
            state.created_by_role === 'clinician' ?
                t('You have a calendar link, made {date} with your clinic.',
                  {date: formatInstant(state.created_at, tz)}) :
                t('You have a calendar link, made {date}.', {date: formatInstant(state.created_at, tz)})),
          h('p.hint',
            t('For your safety the link is shown only when it is made. Make a new one to add it to another calendar: the old one stops.')),
          // The feed's language is fixed in the link (?lang=), not followed from the app's.
          h('p.hint',
            t('The reminders are in the language the link was made in. If you change the language of the app, make a new link to have them in that language too.')),
          h('p', makeButton(t('Make a new calendar link')), ' ', stopButton()));
    } else {
      lines.push(makeButton(t('Make my calendar link')));
    }
    mount(body, ...lines);
  }

  load().catch((err) => {
    error.textContent = errorText(err);
  });
  return card;
}
