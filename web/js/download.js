// A download of a file the server makes (a PDF report, an export): fetched first, so that a
// refusal ("not analysable yet", "no course yet") is said in words beside the button instead of a
// silent failed download (issue 12), then saved under `file`.
import {ApiError, errorText} from './api.js';
import {h} from './dom.js';
import {N_, t} from './i18n.js';

// The messages of each kind of file, whole sentences (word order differs between languages).
// `what` is this table's key as the callers write it in English ('report', 'diary file'), never
// a translated word; another `what` gets the sentence with the word put in.
const MESSAGES = {
  'report': {
    offline: N_('The report could not be downloaded: no connection to the server.'),
    refused: N_('The report could not be made: {reason}'),
  },
  'diary file': {
    offline: N_('The diary file could not be downloaded: no connection to the server.'),
    refused: N_('The diary file could not be made: {reason}'),
  },
  'export': {
    offline: N_('The export could not be downloaded: no connection to the server.'),
    refused: N_('The export could not be made: {reason}'),
  },
};

function offlineText(what) {
  return MESSAGES[what] ? t(MESSAGES[what].offline) :
                          t('The {what} could not be downloaded: no connection to the server.', {what: String(what)});
}

function refusedText(what, reason) {
  return MESSAGES[what] ? t(MESSAGES[what].refused, {reason}) :
                          t('The {what} could not be made: {reason}', {what: String(what), reason});
}

// `what` names the file in the messages ("report", "export"). Returns the link and its message line.
export function downloadLink({href, file, label, what}) {
  const status = h('p.error.small', {role: 'alert', 'data-report-error': ''});
  const link = h('a.button', {href, download: file}, label);
  link.addEventListener('click', async (ev) => {
    ev.preventDefault();
    status.textContent = '';
    let res;
    try {
      res = await fetch(link.getAttribute('href'), {credentials: 'same-origin'});
    } catch {
      status.textContent = offlineText(what);
      return;
    }
    if (!res.ok) {
      let body = null;
      try {
        body = await res.json();
      } catch {
        body = null;
      }
      status.textContent = refusedText(what, errorText(new ApiError(res.status, body)));
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', {href: url, download: file, hidden: ''});
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  });
  return h('span.report-link', link, status);
}
