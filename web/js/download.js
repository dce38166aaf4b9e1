// A download of a file the server makes (a PDF report, an export): fetched first, so that a
// refusal ("not analysable yet", "no course yet") is said in words beside the button instead of a
// silent failed download (issue 12), then saved under `file`.
import {ApiError, errorText} from './api.js';
import {h} from './dom.js';

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
      status.textContent = `The ${what} could not be downloaded: no connection to the server.`;
      return;
    }
    if (!res.ok) {
      let body = null;
      try {
        body = await res.json();
      } catch {
        body = null;
      }
      status.textContent = `The ${what} could not be made: ${errorText(new ApiError(res.status, body))}`;
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
