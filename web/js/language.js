// The language picker (issue 15, item 6): the Account page's card and the login page's list. The
// choice is kept on this device (web/js/i18n.js) and the app is drawn again in that language.
import {h} from './dom.js';
import {chooseLanguage, language, LANGUAGES, t} from './i18n.js';

// A select of the languages, each named in its own language; `onchange` runs after the catalog
// has loaded.
export function languageSelect(id, onchange) {
  return h(
      'select', {
        id,
        onchange: async (e) => {
          await chooseLanguage(e.target.value);
          onchange();
        },
      },
      LANGUAGES.map((l) => h('option', {value: l.code, lang: l.code, selected: l.code === language()}, l.name)));
}

export function languageCard(redraw) {
  return h(
      'section.card.narrow', {'aria-labelledby': 'language-h'}, h('h2', {id: 'language-h'}, t('Language')),
      h('div.field',
        h('label',
          {for: 'language-choice'
          },
          t('Language of this app on this device')),
        languageSelect('language-choice', redraw)),
      h('p.muted', t('Dates and numbers follow the language: Danish and Norwegian write decimals with a comma.')));
}
