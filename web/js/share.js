// Share your report for an appointment (issue 15, item 4): the patient makes a read-only link to
// their report that works for 1, 7 or 30 days, gives it to a doctor elsewhere, and can stop it at
// any time. The link is shown once (the server keeps only a hash); every opening is recorded
// (docs/api.md "Share links"; docs/web.md).
import {actingOn, del, errorText, get, post} from './api.js';
import {h, mount, uid} from './dom.js';
import {language, N_, t} from './i18n.js';
import {formatInstant} from './time.js';

const CHOICES = [[1, N_('1 day')], [7, N_('7 days')], [30, N_('30 days')]];

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
                                                                  }, t(text)))));
  const makeButton = h('button.primary', {type: 'button'}, t('Make a link'));

  const act = actingOn(error);

  async function refresh() {
    const {links} = await get(base);
    if (!links.length) {
      mount(list, h('p.muted', t('You have not shared your report yet.')));
      return;
    }
    mount(
        list, h('h3', t('Links you made')),
        h('ul.records.share-links',
          links.map(
              (l) => h(
                  'li.record', {'data-link': String(l.id)},
                  h('span', t('Made {date}.', {date: formatInstant(l.created_at, tz)}), ' ',
                    l.revoked_at ? t('Stopped {date}.', {date: formatInstant(l.revoked_at, tz)}) :
                        l.live   ? h('strong', t('Works until {date}.', {date: formatInstant(l.expires_at, tz)})) :
                                   t('Ended {date}.', {date: formatInstant(l.expires_at, tz)})),
                  l.live ? h('button', {
                    type: 'button',
                    'aria-label': t('Stop sharing: the link made {date}', {date: formatInstant(l.created_at, tz)}),
                    onclick: act(async () => {
                      await del(`${base}/${l.id}`);
                      mount(made, h('p.saved', {role: 'status'}, t('Stopped. That link no longer opens your report.')));
                      await refresh();
                    }),
                  },
                             t('Stop sharing')) :
                           null))));
  }

  makeButton.addEventListener(
      'click', act(async () => {
        const days = Number((inputs.find((i) => i.checked) || inputs[1]).value);
        // The report speaks the app's language (a Danish link stays Danish).
        const link = await post(base, {days, language: language()});
        const summaryUrl = `${link.url}${link.url.includes('?') ? '&' : '?'}scope=summary`;
        mount(
            made,
            h('p.ok-text',
              t('Your link works until {date}. Give it to the doctor you see:',
                {date: formatInstant(link.expires_at, tz)})),
            linkRow('share-url', t('Link to your report'), link.url),
            linkRow('share-summary-url', t('Link to a one-page summary of it'), summaryUrl),
            h('p.hint', t('This is the only time the link is shown. Anyone with it can read your report until then.')));
        await refresh();
      }));

  // One link shown once: its text to copy, a copy button and a button that opens it.
  function linkRow(id, label, url) {
    const input = h('input', {id, readOnly: true, value: url, spellcheck: 'false'});
    const copied = h('span.hint', {'aria-live': 'polite'});
    return h(
        'div.share-link',
        h('label',
          {for: id
          },
          label),
        input,
        h('div.actions',
          h('button', {
            type: 'button',
            'aria-label': `${t('Copy the link')} (${label})`,
            onclick: async () => {
              try {
                await navigator.clipboard.writeText(url);
                copied.textContent = t('Copied.');
              } catch {
                input.select();
                copied.textContent = t('Select the link and copy it.');
              }
            },
          },
            t('Copy the link')),
          h('a.button', {href: url, target: '_blank', rel: 'noopener', 'aria-label': `${t('Open it')} (${label})`},
            t('Open it')),
          copied));
  }

  const card = h(
      'section.card', {'aria-labelledby': 'share-h', id: 'share-card'},
      h('h2', {id: 'share-h'}, t('Share your report for an appointment')),
      h('p',
        t('Make a link that shows your report (read only) to a doctor you see elsewhere. It stops by itself, and you can stop it sooner.')),
      h('fieldset.share-days', h('legend', t('How long should the link work?')), picks), makeButton, made, error, list,
      h('details.why', h('summary', t('Where does this come from?')),
        h('p.source',
          t('The report is the one your clinician sees at a visit. Only you can make a link; your care team can see that you did, and each time your report is opened through it is recorded.')),
        h('p.source',
          t('The one-page summary holds the report\'s first part: the verdict and what it cannot tell, the key figures and the chart. It names what only the full report has.'))));
  refresh().catch((err) => {
    error.textContent = errorText(err);
  });
  return card;
}
