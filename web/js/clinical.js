// What several views derive from API records: the current course, the step of a date, the
// liquid strength that turns mg into mL, and the 0-10 scale control.
import { h, uid } from './dom.js';
import {formatNumber} from './i18n.js';

// The course a patient is on: active first, then paused, then planned; the newest of them. A
// discarded course (issue 12: a planned course given up) is never the current one.
export function currentCourse(allCourses) {
  const courses = allCourses.filter((c) => !(c.interlocks && c.interlocks.discarded));
  for (const status of ['active', 'paused', 'planned']) {
    const c = courses.filter((x) => x.status === status).sort((a, b) => b.id - a.id)[0];
    if (c) return c;
  }
  return courses.slice().sort((a, b) => b.id - a.id)[0] || null;
}

export function planOf(course) { return course && course.plan && course.plan.plan; }

export function stepOn(plan, date) {
  if (!plan) return null;
  let found = null;
  for (const s of plan.steps) if (s.start <= date && (!s.end || s.end >= date)) found = s;
  return found;
}

export function nextStep(plan, date) {
  if (!plan) return null;
  return plan.steps.find((s) => s.start > date) || null;
}

// The newest liquid prescription of the course that is not cancelled: {strength_mg (per mL), rx}.
export function liquidOf(prescriptions, courseId) {
  const rx = prescriptions
    .filter((p) => p.course_id === courseId && p.status !== 'cancelled' && p.formulation && p.formulation.form === 'liquid')
    .sort((a, b) => b.id - a.id)[0];
  return rx ? { strength_mg: rx.formulation.strength_mg, rx } : null;
}

// Amounts by the locale: "4.5 mg" in English, "4,5 mg" in Danish and Norwegian.
export function mg(x) { return `${formatNumber(Number(x), {maximumFractionDigits: 3})} mg`; }

export function ml(doseMg, strengthMgPerMl) {
  return `${formatNumber(Math.round((doseMg / strengthMgPerMl) * 100) / 100, {maximumFractionDigits: 3})} mL`;
}

// A 0..max scale as a row of large radio buttons inside a fieldset; `value` preselects.
// Returns {el, get(), set(v)}.
export function scale(name, legend, { min = 0, max = 10, value = null, low = '', high = '', hint = '' } = {}) {
  const group = uid('g');
  const inputs = [];
  const boxes = [];
  for (let v = min; v <= max; v += 1) {
    const id = `${group}-${v}`;
    const input = h('input.sr', { type: 'radio', name: group, id, value: String(v), 'data-item': name });
    if (value === v) input.checked = true;
    inputs.push(input);
    boxes.push(h('span.scale-opt', input, h('label', { for: id }, String(v))));
  }
  const anchors = (low || high) ? h('div.anchors', { 'aria-hidden': 'true' }, h('span', `${min} ${low}`), h('span', `${max} ${high}`)) : null;
  const el = h('fieldset.scale', { 'data-scale': name },
    h('legend', legend, low || high ? h('span.sr', ` (${min} = ${low}, ${max} = ${high})`) : null),
    hint ? h('p.hint', hint) : null,
    h('div.scale-row', boxes),
    anchors);
  return {
    el,
    get() { const c = inputs.find((i) => i.checked); return c ? Number(c.value) : null; },
    set(v) { for (const i of inputs) i.checked = Number(i.value) === v; },
  };
}
