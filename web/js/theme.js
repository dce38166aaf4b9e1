// Light or dark (issue 15, item 7): the system's choice (CSS prefers-color-scheme) unless the user
// picks one on the Account page; the pick is kept on this device (it is no health data).
import {h} from './dom.js';
import {N_, t} from './i18n.js';

const KEY = 'ldn.theme';
const CHOICES = [['system', N_('As my device (system setting)')], ['light', N_('Light')], ['dark', N_('Dark')]];

export function applyStoredTheme() {
  const theme = localStorage.getItem(KEY);
  if (theme === 'light' || theme === 'dark')
    document.documentElement.dataset.theme = theme;
  else
    delete document.documentElement.dataset.theme;
}

// The Account page's card: three radio buttons, applied at once.
export function themeCard() {
  const current = localStorage.getItem(KEY) || 'system';
  const group = 'theme-choice';
  return h(
      'section.card.narrow', {'aria-labelledby': 'theme-h'}, h('h2', {id: 'theme-h'}, t('Appearance')),
      h('fieldset', h('legend', t('Colours: dark mode is easier on eyes sensitive to light')),
        CHOICES.map(([value, label]) => {
          const id = `${group}-${value}`;
          return h(
              'div.choice.block', h('input', {
                type: 'radio',
                name: group,
                id,
                value,
                checked: current === value,
                onchange: () => {
                  if (value === 'system')
                    localStorage.removeItem(KEY);
                  else
                    localStorage.setItem(KEY, value);
                  applyStoredTheme();
                },
              }),
              h('label', { for: id
              }, t(label)));
        })));
}
