// The researcher's pooled summary and the pooling of blinded N-of-1 trials (issue 16 item 7; the
// admin's page is admin.js).
import {errorText, get, post} from './api.js';
import {setTitle} from './app.js';
import {field, h, mount, source, stackTable, uid, whereFrom} from './dom.js';

function value(v) { return v === null ? 'fewer than 5 (suppressed)' : typeof v === 'object' ? JSON.stringify(v) : String(v); }

// Every leaf of the summary as [measure, value]; nested objects name their path ("a / b").
function rows(obj, prefix = '') {
  const out = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...rows(v, `${prefix}${k} / `));
    else
      out.push({cells: [`${prefix}${k}`.replace(/_/g, ' '), value(v)]});
  }
  return out;
}

const num = (x, digits = 2) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits).replace('-', '−'));
const interval = (s) => `${num(s.mean)} (${num(s.q025)} to ${num(s.q975)})`;

// A pooled result (analysis/nof1_pool.h PoolResultToJson) as a table of what it says.
function poolTable(caption, p) {
  const better = p.outcome_direction === 'higher_is_better' ? 'higher is better' : 'lower is better';
  return stackTable(caption, ['Measure', 'Value'], [
    {attrs: {'data-pool': 'trials'}, cells: ['Trials pooled', String(p.trials)]},
    {attrs: {'data-pool': 'mu'}, cells: [`Average effect, LDN − placebo (${better}), 95% interval`, interval(p.mu)]},
    {attrs: {'data-pool': 'p_mu'}, cells: ['P(the average favours LDN)', num(p.p_mu_b_better, 3)]},
    {cells: [`P(the average favours LDN by ≥ ${p.mcid} point)`, num(p.p_mu_b_better_by_mcid, 3)]},
    {attrs: {'data-pool': 'tau'}, cells: ['Between-patient SD (τ), 95% interval', interval(p.tau)]},
    {attrs: {'data-pool': 'new'}, cells: ['A new patient\'s effect, 95% interval', interval(p.new_patient)]},
    {
      attrs: {'data-pool': 'share'},
      cells: [
        `Expected share of patients LDN helps by ≥ ${p.mcid} point`,
        `${num(100 * p.p_new_patient_b_better_by_mcid, 0)}%`
      ]
    },
  ]);
}

// This clinic's ended trials, pooled by primary outcome (none shown below the disclosure threshold).
function clinicTrials(pool) {
  const parts = [h('h2', 'Blinded N-of-1 trials of this clinic, pooled')];
  if (!pool.outcomes.length) {
    parts.push(h('p', {'data-clinic-pool': 'none'}, 'No blinded trial has ended yet.'));
  }
  for (const o of pool.outcomes) {
    parts.push(h('h3', `${o.label} (primary outcome)`));
    parts.push(
        o.pool ?
            poolTable(`${o.label}: pooled trials`, o.pool) :
            h('p', {'data-clinic-pool': 'suppressed'},
              `Fewer than ${
                  pool.min_trials} ended trials with an analysis: not pooled, so that no single patient's result can be read from it.`));
  }
  if (pool.unreadable_trials) {
    parts.push(h(
        'p.error',
        `${pool.unreadable_trials} ended trial(s) could not be read and are not pooled: ask the administrator to check them.`));
  }
  return h('section.card', {'data-clinic-trials': ''}, parts);
}

// Trials from elsewhere (a published series, another clinic): CSV id,estimate,sd, pooled the same way.
function givenTrials() {
  const csv = h('textarea', {rows: 8, spellcheck: 'false'});
  csv.value = 'id,estimate,sd\n';
  const mcid = h('input', {type: 'number', min: '0.1', max: '10', step: '0.1', value: '1', inputmode: 'decimal'});
  const higher = h('input', {type: 'checkbox', id: uid('higher')});
  const error = h('p.error', {role: 'alert'});
  const out = h('div', {'data-given-pool': ''});
  return h(
      'section.card', h('h2', 'Pool trials from elsewhere'),
      h('p',
        'One line per trial: an id (no patient identifiers), the estimate of LDN − placebo in outcome points and its standard error (for a trial analysed by ldn: diff.mean and diff.sd).'),
      h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          out.replaceChildren();
          try {
            const r = await post(
                '/research/trials/pool', {csv: csv.value, mcid: Number(mcid.value), higher_is_better: higher.checked});
            out.append(
                poolTable('Pooled trials', r.pool),
                stackTable(
                    'Each trial, shrunken towards the average',
                    ['Trial', 'Estimate (SE)', 'Shrunken estimate (SD)', `P(LDN better by ≥ ${r.pool.mcid})`],
                    r.pool.per_trial.map(
                        (x) => ({
                          attrs: {'data-trial-row': x.id},
                          cells: [
                            x.id, `${num(x.estimate)} (${num(x.sd)})`,
                            `${num(x.shrunken_mean)} (${num(x.shrunken_sd)})`, num(x.p_b_better_by_mcid, 3)
                          ],
                        }))));
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
        field('Trials (CSV: id,estimate,sd)', csv), field('Smallest important difference (points)', mcid),
        h('div.choice.block', higher,
          h('label',
            {for: higher.id
            },
            'Higher is better on this outcome')),
        h('button.primary', {type: 'submit'}, 'Pool these trials'), error),
      out);
}

// A table of two columns that becomes cards on narrow screens (issue 15, item 7).
export async function research(main) {
  setTitle('Research');
  const [s, pool] = await Promise.all([get('/research/summary'), get('/research/trials/pool')]);
  mount(
      main, h('h1', 'Pooled outcomes'),
      h('p', 'De-identified counts across all patients. Any count below 5 is suppressed.'),
      h('section.card', stackTable('Research summary', ['Measure', 'Value'], rows(s))),
      source(
          'src/server/research_summary.h: IMMPACT responder classes (Dworkin, J Pain 2008;9:105) and Farrar two-point responders (Pain 2001;94:149).'),
      clinicTrials(pool), givenTrials(),
      whereFrom(source(
          'Bayesian hierarchical model with normal random effects on the trials\' differences, as Zucker et al. combined N-of-1 trials (J Clin Epidemiol 1997;50:401): d_i ~ N(θ_i, s_i²), θ_i ~ N(μ, τ²), μ ~ N(0, precision 10⁻⁶), τ ~ U(0, 5); computed exactly (docs/nof1.md, "Pooling").')));
}
