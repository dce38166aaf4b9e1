// What each patient tracks in the daily diary (issue 15, item 1; docs/api.md, "What each patient
// tracks"): the settings of GET/PUT P/diary-settings, the patient's "Choose what you track" panel
// (reached from Today) and the clinician's "Diary items" card of the chart. The core items (pain,
// fatigue, waking unrefreshed) and the dose are always asked; the other six are asked when tracked,
// which the clinician chooses; the patient adds their own items (0-10, yes/no or a number) and
// stops asking them, never deletes them, so no saved day loses its meaning. The diary form's
// controls of these items are in web/js/patient.js (diaryForm).
import {ApiError, errorText, get, put} from './api.js';
import {h, source, uid} from './dom.js';
import {N_, pick, t} from './i18n.js';
import {itemInfo, ITEMS, loadItems} from './items.js';
import {formatInstant} from './time.js';

// The kinds of an own item, as the patient reads them (catalog keys: shown with t()).
export const KINDS = [['scale', N_('0 to 10')], ['yes_no', N_('Yes or no')], ['number', N_('A number')]];
const MAX_CUSTOM = 20;

const labelOf = (key) => pick(itemInfo(key) || {label: key}, 'label');

// The server's message as a sentence: a capital first and a full stop.
function sentence(text) {
  const s = text.trim();
  if (!s) return s;
  const stop = /[.!?]$/.test(s) ? '' : '.';  // (kept out of the template: clang-format splits a regex there)
  return `${s[0].toUpperCase()}${s.slice(1)}${stop}`;
}

// What an own item asks for, in words: "0 to 10", "yes or no", "a number of glasses".
export function kindText(item) {
  if (item.kind === 'scale') return t('0 to 10');
  if (item.kind === 'yes_no') return t('yes or no');
  return item.unit ? t('a number of {unit}', {unit: item.unit}) : t('a number');
}

// The settings the server gives before any were saved (version 0): every non-core item tracked,
// no own items. Used when they cannot be read (offline with no copy on the device).
function defaultSettings() {
  const core = ITEMS.filter((k) => (itemInfo(k) || {}).core);
  return {
    version: 0,
    core,
    tracked: ITEMS.filter((k) => !core.includes(k)),
    custom: [],
    updated_at: null,
    updated_by_role: null,
    unavailable: true
  };
}

// GET P/diary-settings; with no connection and no stored copy (or a server without the route),
// the defaults, marked `unavailable` (the diary still works; the panel says it cannot change them).
export async function loadDiarySettings(patientId) {
  try {
    return await get(`/patients/${patientId}/diary-settings`);
  } catch (err) {
    if (!(err instanceof ApiError) || (err.code !== 'network' && err.status !== 404)) throw err;
    await loadItems();
    return defaultSettings();
  }
}

// PUT P/diary-settings, conditional on the version read (a stale one is 409).
function saveSettings(patientId, settings, tracked, custom) {
  return put(`/patients/${patientId}/diary-settings`, {tracked, custom}, {'If-Match': `"${settings.version}"`});
}

// An own item's key from its label: a-z, 0-9 and _, starting with a letter, at most 32, not one of
// `taken` ("Glasses of water" -> "glasses_of_water"; a second "Headache" -> "headache_2").
export function keyFromLabel(label, taken) {
  const letters = {'æ': 'ae', 'ø': 'o', 'œ': 'oe', 'ß': 'ss', 'ł': 'l', 'đ': 'd', 'þ': 'th'};
  let key = label.toLowerCase()
                .normalize('NFD')
                .replace(/[\u0300-\u036f]/g, '')
                .replace(/[æøœßłđþ]/g, (c) => letters[c])
                .replace(/[^a-z0-9]+/g, '_')
                .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(key)) key = key ? `item_${key}` : 'item';
  key = key.slice(0, 32).replace(/_+$/, '');
  let out = key;
  for (let n = 2; taken.has(out); n += 1) {
    const suffix = `_${n}`;
    out = `${key.slice(0, 32 - suffix.length).replace(/_+$/, '')}${suffix}`;
  }
  return out;
}

// ---- The patient: "Choose what you track" -------------------------------------------------------

// The panel, shown in place of the diary (patient.js dayPage). `onClose(settings)` gets the
// settings as last saved, so the diary shows a new item at once without losing its answers.
export function trackingPanel({patientId, settings, onClose}) {
  let current = settings;
  const status = h('p.saved', {role: 'status'});
  const listError = h('p.error', {role: 'alert'});
  const ownList = h('div');
  const clinicianList = h('div');

  const close = () => onClose(current);

  // Writes `custom` (tracked sent back as read: the patient cannot change it). A 409 (changed on
  // another device or by the clinic meanwhile) reloads the list and says so.
  async function write(custom, done) {
    try {
      current = await saveSettings(patientId, current, current.tracked, custom);
      render();
      status.textContent = done;
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        current = await loadDiarySettings(patientId);
        render();
        throw new ApiError(409, {
          error: {
            message: t(
                'Your list was changed meanwhile (on another device or by your clinic). Here it is as saved now: please try again.')
          }
        });
      }
      throw err;
    }
  }

  function render() {
    const tracked = new Set(current.tracked);
    const others = ITEMS.filter((k) => !current.core.includes(k));
    clinicianList.replaceChildren(
        h('ul.track-list',
          others.map(
              (k) =>
                  h('li', {'data-item': k}, h('span.track-name', labelOf(k)),
                    h('span.track-state', tracked.has(k) ? t('asked') : t('not asked'))))));
    ownList.replaceChildren(
        current.custom.length ? h('ul.track-list.own', current.custom.map(ownRow)) :
                                h('p', t('None yet. Add one below: anything you want to follow day by day.')));
  }

  // One own item: its name, how it is answered, whether it is asked, and "Stop asking" / "Ask
  // again" (saved at once; the focus stays on the item's button).
  function ownRow(c, i) {
    const toggle = async (e) => {
      listError.textContent = '';
      status.textContent = '';
      e.target.disabled = true;
      const custom = current.custom.map((x, j) => (j === i ? {...x, retired: !x.retired} : x));
      try {
        await write(
            custom,
            c.retired ?
                t('{label} is asked again from now on.', {label: c.label}) :
                t('{label} is no longer asked. The days you answered it keep their answers.', {label: c.label}));
        const again = ownList.querySelector(`li[data-custom="${c.key}"] button`);
        if (again) again.focus();
      } catch (err) {
        listError.textContent = sentence(errorText(err));
        e.target.disabled = false;
      }
    };
    return h(
        'li', {'data-custom': c.key},
        h('span.track-name', c.label,
          h('span.track-sub', h('span.track-kind', kindText(c)), ' · ',
            h('span.track-state', c.retired ? t('not asked any more') : t('asked')))),
        h('button.track-toggle', {
          type: 'button',
          'aria-label': c.retired ? t('Ask again: {label}', {label: c.label}) :
                                    t('Stop asking: {label}', {label: c.label}),
          onclick: toggle
        },
          c.retired ? t('Ask again') : t('Stop asking')));
  }

  // Add your own item: a name, how it is answered, and a unit for a number.
  const name = h('input', {type: 'text', id: uid('own'), autocomplete: 'off', maxlength: '60'});
  const nameError = h('p.error.field-error', {id: `${name.id}-error`, role: 'alert'});
  name.addEventListener('input', () => {
    nameError.textContent = '';
    name.removeAttribute('aria-invalid');
  });
  name.setAttribute('aria-describedby', `${name.id}-hint ${nameError.id}`);
  const kindGroup = uid('kind');
  const kindInputs = KINDS.map(
      ([v], i) => h('input.sr', {type: 'radio', name: kindGroup, id: `${kindGroup}-${v}`, value: v, checked: i === 0}));
  const kindError = h('p.error.field-error', {role: 'alert'});
  const unit = h('input', {type: 'text', id: uid('unit'), autocomplete: 'off', maxlength: '20'});
  const unitError = h('p.error.field-error', {id: `${unit.id}-error`, role: 'alert'});
  unit.setAttribute('aria-describedby', `${unit.id}-hint ${unitError.id}`);
  const unitField =
      h('div.field',
        h('label',
          {for: unit.id
          },
          t('Unit (optional)')),
        h('p.hint', {id: `${unit.id}-hint`}, t('For example: glasses, minutes, steps.')), unit, unitError);
  const kind = () => (kindInputs.find((i) => i.checked) || kindInputs[0]).value;
  const showUnit = () => {
    unitField.hidden = kind() !== 'number';
  };
  showUnit();
  const addError = h('p.error', {role: 'alert'});
  const clearErrors = () => {
    for (const e of [nameError, kindError, unitError, addError]) e.textContent = '';
    name.removeAttribute('aria-invalid');
    unit.removeAttribute('aria-invalid');
  };
  const fieldError = (which, text) => {
    if (which === 'name') {
      nameError.textContent = text;
      name.setAttribute('aria-invalid', 'true');
      name.focus();
    } else if (which === 'unit') {
      unitError.textContent = text;
      unit.setAttribute('aria-invalid', 'true');
      unit.focus();
    } else if (which === 'kind') {
      kindError.textContent = text;
    } else {
      addError.textContent = text;
    }
  };
  const addForm =
      h('form.add-own', {
        'aria-labelledby': 'add-own-h',
        onsubmit: async (e) => {
          e.preventDefault();
          clearErrors();
          status.textContent = '';
          const label = name.value.trim().replace(/\s+/g, ' ');
          const k = kind();
          const u = k === 'number' ? unit.value.trim() : '';
          if (!label) return fieldError('name', t('Give your item a name, for example "Headache".'));
          if (label.length > 60) return fieldError('name', t('Keep the name to {n} characters or fewer.', {n: 60}));
          if (u.length > 20) return fieldError('unit', t('Keep the unit to {n} characters or fewer.', {n: 20}));
          if (current.custom.length >= MAX_CUSTOM) {
            return fieldError(
                null,
                t('You can have up to {n} own items. Stop asking one you no longer need, then add it.',
                  {n: MAX_CUSTOM}));
          }
          const item =
              {key: keyFromLabel(label, new Set(current.custom.map((c) => c.key))), label, kind: k, retired: false};
          if (k === 'number') item.unit = u;
          const at = current.custom.length;
          const button = e.target.querySelector('button[type="submit"]');
          button.disabled = true;
          try {
            await write([...current.custom, item], t('Added: {label}. Your diary asks it from today.', {label}));
            name.value = '';
            unit.value = '';
          } catch (err) {
            // The server names the field: custom[i].label, custom[i].unit, custom[i].kind or custom.
            const m = err.field ? /^custom\[(\d+)\]\.([a-z_]+)$/.exec(err.field) : null;
            let text = sentence(errorText(err));
            if (m && Number(m[1]) === at) {
              // A name the patient already has, no longer asked: "Ask again" brings it back.
              const same = current.custom.find((c) => c.retired && c.label.toLowerCase() === label.toLowerCase());
              if (m[2] === 'label' && same) text += ` ${t('It is no longer asked: choose "Ask again" above.')}`;
              fieldError(m[2] === 'unit' ? 'unit' : m[2] === 'kind' ? 'kind' : 'name', text);
            } else {
              fieldError(null, text);
            }
          } finally {
            button.disabled = false;
          }
          return undefined;
        },
      },
        h('h2', {id: 'add-own-h'}, t('Add your own item')),
        h('div.field',
          h('label',
            {for: name.id
            },
            t('Name')),
          h('p.hint', {id: `${name.id}-hint`}, t('What you want to follow, for example: Headache, Glasses of water.')),
          name, nameError),
        h('fieldset.own-kind', h('legend', t('How do you answer it?')),
          h('div.picks',
            KINDS.map(
                ([v, text], i) =>
                    h('span.pick', kindInputs[i],
                      h('label',
                        {for: kindInputs[i].id
                        },
                        t(text))))),
          kindError),
        unitField, addError, h('button.primary', {type: 'submit'}, t('Add this item')));
  addForm.addEventListener('change', showUnit);

  render();
  const unavailable = settings.unavailable ?
      h('p.error', {role: 'alert'},
        t('Your choices cannot be read right now. You can change them when you are back online.')) :
      null;
  const heading = h('h1', {tabindex: '-1', id: 'track-h'}, t('Choose what you track'));
  const panel = h(
      'div.track-panel', {role: 'region', 'aria-labelledby': 'track-h'}, heading,
      h('p',
        t('Your diary always asks a few questions. Your clinician chooses the others with you, and you can add your own.')),
      h('div.actions', h('button.back', {type: 'button', onclick: close}, t('Back to the diary'))), unavailable,
      h('section.card', {'aria-labelledby': 'always-h'}, h('h2', {id: 'always-h'}, t('Always asked')),
        h('ul.track-list',
          [
            ...current.core.map(
                (k) =>
                    h('li', {'data-item': k}, h('span.track-name', labelOf(k)),
                      h('span.track-state', t('always asked')))),
            h('li', h('span.track-name', t('Your LDN dose')), h('span.track-state', t('always asked')))
          ]),
        h('p.hint', t('These are asked every day: they show whether LDN helps you.'))),
      h('section.card', {'aria-labelledby': 'chosen-h'}, h('h2', {id: 'chosen-h'}, t('Chosen with your clinician')),
        h('p.hint', t('To change which of these are asked, ask your clinician.')), clinicianList),
      h('section.card', {'aria-labelledby': 'own-h'}, h('h2', {id: 'own-h'}, t('Your own items')),
        h('p.hint', t('Only for you and your clinician; not part of the LDN analysis.')), ownList, listError, status),
      settings.unavailable ? null : h('section.card', addForm),
      h('div.actions', h('button.primary.wide', {type: 'button', onclick: close}, t('Done: back to the diary'))));
  panel.focusHeading = () => heading.focus();
  return panel;
}

// ---- The clinician: the chart's "Diary items" card ----------------------------------------------

// Which of the non-core items the patient is asked (checkboxes; the core fixed and ticked), the
// patient's own items (read only), and Save (PUT with If-Match: a 409 reloads and says so).
export function diaryItemsCard(patientId) {
  const body = h('div', h('p.muted', t('Loading the diary items…')));
  const card = h(
      'section.card', {'aria-labelledby': 'ditems-h', id: 'diary-items-card'},
      h('h2', {id: 'ditems-h'}, t('Diary items')), body,
      source(t(
          'the items and which are core: data/diary_items.json; stored per patient (docs/api.md, "What each patient tracks"). Own items are never part of the LDN analysis.')));

  // `note`: what just happened (saved; or, with `warn`, changed by someone else meanwhile).
  function show(settings, note, warn) {
    const tracked = new Set(settings.tracked);
    const boxes = new Map();
    const row = (key, attrs, text) => {
      const input = h('input', {type: 'checkbox', id: uid('track'), value: key, ...attrs});
      return [
        input,
        h('div.choice.block', {'data-item': key}, input,
          h('label',
            {for: input.id
            },
            text))
      ];
    };
    const coreRows = settings.core.map(
        (k) => row(k, {checked: true, disabled: true}, t('{item} (always asked)', {item: labelOf(k)}))[1]);
    const otherRows = ITEMS.filter((k) => !settings.core.includes(k)).map((k) => {
      const [input, el] = row(k, {checked: tracked.has(k)}, labelOf(k));
      boxes.set(k, input);
      return el;
    });
    const error = h('p.error', {role: 'alert'});
    const saved = h(warn ? 'p.error' : 'p.saved', {role: warn ? 'alert' : 'status'}, note || '');
    const save = h('button.primary', {type: 'submit'}, t('Save the diary items'));
    const when = settings.updated_at ? formatInstant(settings.updated_at, 'UTC') : '';
    const changed = !settings.updated_at       ? t('Not changed yet: the patient is asked every item.') :
        settings.updated_by_role === 'patient' ? t('Last changed {date} UTC by the patient.', {date: when}) :
                                                 t('Last changed {date} UTC by the clinic.', {date: when});
    body.replaceChildren(h(
        'form.diary-items', {
          onsubmit: async (e) => {
            e.preventDefault();
            error.textContent = '';
            saved.textContent = '';
            save.disabled = true;
            const want = ITEMS.filter((k) => boxes.has(k) && boxes.get(k).checked);
            try {
              show(await saveSettings(patientId, settings, want, settings.custom), t('Diary items saved.'));
            } catch (err) {
              try {
                if (!(err instanceof ApiError) || err.status !== 409) throw err;
                show(
                    await get(`/patients/${patientId}/diary-settings`),
                    t('Someone else (the patient or a colleague) changed these meanwhile. They are shown as saved now: make your change again.'),
                    true);
              } catch (failed) {
                error.textContent = failed.field ? `${failed.message} (${failed.field})` : failed.message;
                save.disabled = false;
              }
            }
          },
        },
        h('fieldset', h('legend', t('Asked every day, on the first screen')), coreRows),
        h('fieldset', h('legend', t('Asked in "More about today" (tick to ask)')), otherRows),
        h('h3', t('The patient\'s own items')),
        settings.custom.length ? h('ul.records',
                                   settings.custom.map(
                                       (c) =>
                                           h('li.record', {'data-custom': c.key}, h('strong', c.label),
                                             ` · ${kindText(c)} · `, c.retired ? t('no longer asked') : t('asked')))) :
                                 h('p', t('None.')),
        h('p.small.muted', changed), error, saved, save));
  }

  Promise.all([get(`/patients/${patientId}/diary-settings`), loadItems()])
      .then(([settings]) => show(settings))
      .catch((err) => body.replaceChildren(h('p.error', err.field ? `${err.message} (${err.field})` : err.message)));
  return card;
}
