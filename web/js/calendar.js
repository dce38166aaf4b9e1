// Reminders in the phone's calendar (issue 15, item 2a): the patient makes a secret link to their
// reminders (bedtime dose, diary, questionnaires) and subscribes to it in their calendar app, which
// then reminds them with no ldn app open and follows the plan when it changes. The server keeps
// only a hash of the link; making a new one or stopping it ends the old one (docs/web.md).
import {del, errorText, get, post} from './api.js';
import {h, mount} from './dom.js';
import {formatInstant} from './time.js';

// The Account page's card for patient `patientId` (time zone `tz` for the date shown).
export function calendarCard(patientId, tz) {
  const base = `/patients/${patientId}/calendar-token`;
  const body = h('div');
  const error = h('p.error', {role: 'alert'});
  const card =
      h('section.card.narrow', {'aria-labelledby': 'calendar-h', id: 'calendar-card'},
        h('h2', {id: 'calendar-h'}, 'Reminders in your phone\'s calendar'),
        h('p',
          'Your calendar app can remind you to take your LDN at bedtime (22:00), to fill in your diary ' +
              '(20:00) and when a questionnaire is due. It follows your plan when your clinic changes it.'),
        body, error);

  const act = (fn) => async () => {
    error.textContent = '';
    try {
      await fn();
    } catch (err) {
      error.textContent = errorText(err);
    }
  };

  function showLink(made) {
    const copyState = h('span.hint', {'aria-live': 'polite'});
    const input = h('input', {id: 'calendar-url', readOnly: true, value: made.url, spellcheck: 'false'});
    mount(
        body, h('p.ok-text', 'Your calendar link is ready. Open it on your phone to add the reminders:'),
        h('p', h('a.button.primary', {href: made.webcal_url, id: 'calendar-subscribe'}, 'Add to my calendar')),
        h('details', h('summary', 'On a computer, or in Google Calendar'),
          h('p', 'Copy this link and add it in your calendar as a calendar "from URL" (a subscription):'),
          h('label',
            { for: 'calendar-url'
            },
            'Your calendar link'),
          input,
          h('p',
            h('button', {
              type: 'button',
              onclick: async () => {
                input.select();
                try {
                  await navigator.clipboard.writeText(made.url);
                  copyState.textContent = 'Copied.';
                } catch {
                  copyState.textContent = 'Select the link and copy it.';
                }
              },
            },
              'Copy the link'),
            ' ', copyState)),
        h('p.hint',
          'Keep this link to yourself: anyone who has it can see your reminders (not your diary). ' +
              'If you shared it by mistake, stop it below and make a new one.'),
        stopButton());
  }

  function stopButton() {
    return h(
        'button', {
          type: 'button',
          id: 'calendar-stop',
          onclick: act(async () => {
            await del(base);
            await load('Your calendar link is stopped. Your calendar app will show no more ldn reminders.');
          }),
        },
        'Stop my calendar link');
  }

  function makeButton(label) {
    return h(
        'button.primary', {
          type: 'button',
          id: 'calendar-make',
          onclick: act(async () => showLink(await post(base))),
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
            `You have a calendar link, made ${formatInstant(state.created_at, tz)}` +
                `${state.created_by_role === 'clinician' ? ' with your clinic' : ''}.`),
          h('p.hint',
            'For your safety the link is shown only when it is made. Make a new one to add it to ' +
                'another calendar: the old one stops.'),
          h('p', makeButton('Make a new calendar link'), ' ', stopButton()));
    } else {
      lines.push(makeButton('Make my calendar link'));
    }
    mount(body, ...lines);
  }

  load().catch((err) => {
    error.textContent = errorText(err);
  });
  return card;
}
