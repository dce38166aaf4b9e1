import { runSpec, PHONE_390, DESKTOP } from '../harness.mjs';

// The progress chart's marks and the tables as cards on phones (issue 15, item 7): the baseline before LDN and the evaluation window
// shaded, the first dose as a line, each said in words under the chart with the dates of the
// server's analysis; checked on the canvas itself (the shaded days have another colour than the
// days around them) at 390 and 1280 px, in the light and the dark theme.
runSpec('chart_marks', async (t) => {
  const { check, newPage, login, audit, shot, apiAs } = t;

  // The most frequent colour of a canvas column at CSS pixel x, over the plot's height.
  async function columnColour(page, x, y0, y1) {
    return page.evaluate(({ x, y0, y1 }) => {
      const canvas = document.querySelector('.chart canvas');
      const r = window.devicePixelRatio || 1;
      const data = canvas.getContext('2d').getImageData(Math.round(x * r), Math.round(y0 * r), 1, Math.max(1, Math.round((y1 - y0) * r))).data;
      const counts = new Map();
      for (let i = 0; i < data.length; i += 4) {
        const key = `${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`;
        counts.set(key, (counts.get(key) || 0) + 1);
      }
      return [...counts].sort((a, b) => b[1] - a[1])[0][0];
    }, { x, y0, y1 });
  }

  for (const [viewport, label] of [[PHONE_390, 'phone'], [DESKTOP, 'desktop']]) {
    for (const scheme of ['light', 'dark']) {
      const { context, page } = await newPage(viewport, { colorScheme: scheme });
      await login(page, 'patient');
      await page.goto('/#/progress');
      await page.locator('.chart canvas').first().waitFor();
      await page.waitForFunction(() => document.querySelector('.chart') && document.querySelector('.chart').dataset.marks);
      const me = (await apiAs(page, 'GET', '/me')).json;
      const analysis = (await apiAs(page, 'GET', `/patients/${me.patient_id}/analysis`)).json;
      const primary = analysis.windows.find((w) => w.label === analysis.primary_window);
      const words = Object.fromEntries(await page.locator('ul.chart-marks li').evaluateAll((els) => els.map((e) => [e.dataset.mark, e.textContent])));
      const day = (d) => new Date(`${d}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
      check(words.baseline && words.baseline.includes(day(analysis.baseline.first)) && words.baseline.includes(day(analysis.baseline.last)),
        `${label}/${scheme}: the baseline is named with the analysis's dates (${words.baseline})`);
      check(words.start && words.start.includes(day(analysis.first_dose)), `${label}/${scheme}: the first dose is named (${words.start})`);
      check(primary && words.window && words.window.includes(day(primary.first)) && words.window.includes(day(primary.last)),
        `${label}/${scheme}: the evaluation window is the analysis's primary window (${words.window})`);
      const placed = JSON.parse(await page.locator('.chart').getAttribute('data-marks'));
      const at = Object.fromEntries(placed.map((m) => [m.kind, m]));
      check(at.baseline && at.start && at.window && at.baseline.x1 <= at.start.x1 && at.start.x1 <= at.window.x0 + 1,
        `${label}/${scheme}: on the chart, baseline, first dose and window come in that order (${placed.map((m) => `${m.kind} ${Math.round(m.x0)}-${Math.round(m.x1)}`).join(', ')})`);
      const box = await page.locator('.chart canvas').first().boundingBox();
      const plotTop = 10;
      const plotBottom = at.baseline.y * 2 - plotTop;  // y is the middle of the plot area
      const base = await columnColour(page, (at.baseline.x0 + at.baseline.x1) / 2, plotTop, plotBottom);
      const win = await columnColour(page, (at.window.x0 + at.window.x1) / 2, plotTop, plotBottom);
      const gap = at.window.x0 - at.start.x1 > 8 ? await columnColour(page, (at.start.x1 + at.window.x0) / 2, plotTop, plotBottom) : null;
      check(gap && base !== gap && win !== gap && base !== win,
        `${label}/${scheme}: the canvas shades the baseline (${base}) and the window (${win}) apart from the days between (${gap}) (canvas ${Math.round(box.width)} px)`);
      // Tables become cards on a phone (issue 15, item 7): the 14-day table and the evidence's trials.
      if (scheme === 'light') {
        await page.locator('details summary', { hasText: 'The last 14 days as a table' }).click();
        const layout = async (selector) => page.evaluate((sel) => {
          const table = document.querySelector(sel);
          const wrap = table.closest('.tablewrap');
          return { row: getComputedStyle(table.querySelector('tbody tr')).display, overflow: wrap.scrollWidth - wrap.clientWidth,
            label: getComputedStyle(table.querySelector('tbody td'), '::before').content };
        }, selector);
        const diary = await layout('details table');
        const cards = label === 'phone';
        check(cards ? diary.row === 'block' && diary.overflow <= 0 && diary.label.includes('Pain') : diary.row === 'table-row',
          `${label}: the 14-day table is ${cards ? 'a card per day, each value named, no sideways scroll' : 'a table'} (row ${diary.row}, overflow ${diary.overflow}, ${diary.label})`);
        await page.goto('/#/evidence');
        await page.getByRole('heading', { name: 'Trials in fibromyalgia' }).waitFor();
        const trials = await layout('section table');
        check(cards ? trials.row === 'block' && trials.overflow <= 0 && trials.label.includes('Design') : trials.row === 'table-row',
          `${label}: the trials are ${cards ? 'cards, each field named, no sideways scroll' : 'a table'} (row ${trials.row}, overflow ${trials.overflow})`);
        await shot(page, 'evidence-trials', label);
        await page.goto('/#/progress');
        await page.locator('.chart canvas').first().waitFor();
      }
      await audit(page, `progress with marks, ${label}, ${scheme}`);
      await shot(page, `chart-marks-${scheme}`, label);
      check(page.errors.length === 0, `${label}/${scheme}: no script or CSP error ${page.errors.join('; ')}`);
      await context.close();
    }
  }
});
