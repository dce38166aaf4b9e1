// Share your report for an appointment (issue 15, item 4): the patient makes a read-only link to
// their report that works for 1, 7 or 30 days, gives it to a doctor elsewhere, and can stop it at
// any time. The link is shown once (the server keeps only a hash); every opening is recorded
// (docs/api.md "Share links"; docs/web.md).
import {actingOn, del, errorText, get, post} from './api.js';
import {h, mount, uid} from './dom.js';
import {formatInstant} from './time.js';

const CHOICES = [[1, '1 day'], [7, '7 days'], [30, '30 days']];

// The Progress page's card for patient `patientId` (dates in time zone `tz`).
export function shareCard(patientId, tz) {
  const base = `/patients/${patientId}/share-links`;
  const made = h('div', {'aria-live': 'polite'});
  const list = h('div');
  const error = h('p.error', {role: 'alert'});
  const group = uid('share-days');
  const inputs = CHOICES.map(
      ([days], i) =>
          h('input.sr', {type: 'radio', name: group, id: `${group}-${days}`, value: String(days), checked: i === 1}));
  const picks = h('div.picks', CHOICES.map(([days, text], i) => h('span.pick', inputs[i], h('label', {for: `${group}-${days}`
                                                                  }, text))));
  const makeButton = h('button.primary', {type: 'button'}, 'Make a link');

  const act = actingOn(error);

  async function refresh() {
    const {links} = await get(base);
    if (!links.length) {
      mount(list, h('p.muted', 'You have not shared your report yet.'));
      return;
    }
    mount(
        list, h('h3', 'Links you made'),
        h('ul.records.share-links',
          links.map(
              (l) =>
                  h('li.record', {'data-link': String(l.id)},
                    h('span', `Made ${formatInstant(l.created_at, tz)}. `,
                      l.revoked_at ? `Stopped ${formatInstant(l.revoked_at, tz)}.` :
                          l.live ? h('strong', `Works until ${formatInstant(l.expires_at, tz)}.`) :
                                   `Ended ${formatInstant(l.expires_at, tz)}.`),
                    l.live ? h('button', {
                      type: 'button',
                      'aria-label': `Stop sharing: the link made ${formatInstant(l.created_at, tz)}`,
                      onclick: act(async () => {
                        await del(`${base}/${l.id}`);
                        mount(made, h('p.saved', {role: 'status'}, 'Stopped. That link no longer opens your report.'));
                        await refresh();
                      }),
                    },
                               'Stop sharing') :
                             null))));
  }

  makeButton.addEventListener(
      'click', act(async () => {
        const days = Number((inputs.find((i) => i.checked) || inputs[1]).value);
        const link = await post(base, {days});
        const input = h('input', {id: 'share-url', readOnly: true, value: link.url, spellcheck: 'false'});
        const copied = h('span.hint', {'aria-live': 'polite'});
        mount(
            made,
            h('p.ok-text',
              `Your link works until ${formatInstant(link.expires_at, tz)}. Give it to the doctor you see:`),
            h('label',
              {for: 'share-url'
              },
              'Link to your report'),
            input,
            h('div.actions',
              h('button', {
                type: 'button',
                onclick: async () => {
                  try {
                    await navigator.clipboard.writeText(link.url);
                    copied.textContent = 'Copied.';
                  } catch {
                    input.select();
                    copied.textContent = 'Select the link and copy it.';
                  }
                },
              },
                'Copy the link'),
              h('a.button', {href: link.url, target: '_blank', rel: 'noopener'}, 'Open it'), copied),
            h('p.hint', 'This is the only time the link is shown. Anyone with it can read your report until then.'));
        await refresh();
      }));

  const card = h(
      'section.card', {'aria-labelledby': 'share-h', id: 'share-card'},
      h('h2', {id: 'share-h'}, 'Share your report for an appointment'),
      h('p',
        'Make a link that shows your report (read only) to a doctor you see elsewhere. It stops by itself, and you can stop it sooner.'),
      h('fieldset.share-days', h('legend', 'How long should the link work?'), picks), makeButton, made, error, list,
      h('details.why', h('summary', 'Where does this come from?'),
        h('p.source',
          'The report is the one your clinician sees at a visit. Only you can make a link; your care team can see that you did, and each time your report is opened through it is recorded.')));
  refresh().catch((err) => {
    error.textContent = errorText(err);
  });
  return card;
}
