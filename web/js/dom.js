// A very small view layer: h() builds elements, mount() replaces a container's children.
// Text is always set as text (never innerHTML), so nothing from the API can inject markup.
import {t} from './i18n.js';

// h('button.primary', {onclick, type: 'submit'}, 'Save', child...)
// Attributes: on* are listeners; `class`, `for`, `aria-*`, `data-*` are attributes; boolean
// false/null/undefined values are left out.
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = [el.className, v].filter(Boolean).join(' ');
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function mount(container, ...children) {
  container.replaceChildren();
  append(container, children);
}

let idCounter = 0;
export function uid(prefix = 'f') {
  idCounter += 1;
  return `${prefix}${idCounter}`;
}

// A labelled form field: label above, control, optional hint tied by aria-describedby.
export function field(label, control, hint) {
  const id = control.id || (control.id = uid());
  const hintEl = hint ? h('p.hint', { id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div.field', h('label', { for: id }, label), control, hintEl);
}

// A source citation, shown small under a number (staff pages).
export function source(text) { return h('p.source', h('span.source-tag', `${t('Source:')} `), text); }

// "Where does this come from?": sources out of the way until asked for (what patients see:
// plain language on the page, the citations behind this disclosure). Strings become p.source.
export function whereFrom(...children) {
  return h(
      'details.why', h('summary', t('Where does this come from?')),
      ...children.map((c) => (typeof c === 'string' ? h('p.source', c) : c)));
}

// A table that becomes cards on narrow screens (table.stack: each cell shows its column's name).
// rows: [{attrs, cells: [content of each column]}]; `caption` names it for screen readers.
export function stackTable(caption, columns, rows) {
  return h(
      'div.tablewrap', scrollAttrs(caption),
      h('table.stack', h('caption.sr', caption), h('thead', h('tr', columns.map((c) => h('th', {scope: 'col'}, c)))),
        h('tbody',
          rows.map(({attrs,
                     cells}) => h('tr', attrs || null, cells.map((c, i) => h('td', {'data-label': columns[i]}, c)))))));
}

// Attributes of a box that scrolls sideways (wide tables on phones): keyboard-focusable, a region
// with a name of its own (names must differ between regions of one page).
let scrollCounter = 0;
export function scrollAttrs(label = t('Table')) {
  scrollCounter += 1;
  return {
    tabindex: '0',
    role: 'region',
    'aria-label': t('{label} {n} (scrolls sideways on small screens)', {label, n: String(scrollCounter)}),
  };
}
