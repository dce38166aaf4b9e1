import { runSpec, PHONE_390, DESKTOP } from '../harness.mjs';
import { join } from 'node:path';

// The patient's tab bar (issue 15, item 7): on a phone, four pages and "More" at the bottom of the
// screen reach every page of the patient's menu with targets of at least 44 px; the top links give
// way to it. At 200% text nothing is lost (no sideways scroll, every tab and menu entry in view).
// Desktops and staff keep the links at the top.
const PATIENT_PAGES = [
  ['Today', '#/today', /^Today/], ['Past days', '#/history', /^Past days/], ['My plan', '#/plan', /^My plan/],
  ['Progress', '#/progress', /^My progress/], ['Questionnaires', '#/questionnaires', /^Questionnaires/],
  ['Messages', '#/messages', /./], ['Evidence', '#/evidence', /^What the evidence says/],
  ['Account', '#/account', /^Your account/],
];

runSpec('tab_bar', async (t) => {
  const { check, newPage, login, audit, shot, shots, settle } = t;
  const tabs = (page) => page.locator('nav#tabs');

  // Goes to each of the patient's pages through the tab bar alone; returns the labels reached.
  async function everyPageThroughTheBar(page, label) {
    const reached = [];
    for (const [name, hash, h1] of PATIENT_PAGES) {
      const direct = tabs(page).locator('.tabrow a.tab', { hasText: name });
      if (await direct.count()) {
        await direct.click();
      } else {
        await tabs(page).getByRole('button', { name: 'More' }).click();
        const menu = tabs(page).locator('#more-menu');
        await menu.waitFor();
        const box = await menu.boundingBox();
        const vp = page.viewportSize();
        check(box && box.y >= 0 && box.x >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5,
          `${label}: the "More" menu is wholly on the screen (${box ? `${Math.round(box.x)},${Math.round(box.y)} ${Math.round(box.width)}x${Math.round(box.height)}` : 'none'})`);
        await menu.getByRole('link', { name }).click();
      }
      await page.waitForFunction((want) => location.hash === want, hash);
      await page.getByRole('heading', { level: 1, name: h1 }).first().waitFor();
      const current = await tabs(page).evaluate((nav) => {
        const tab = nav.querySelector('.tabrow [aria-current="page"], .tabrow [data-current="true"]');
        return tab ? tab.textContent : null;
      });
      await settle(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(overflow <= 0, `${label}: ${name} fits the screen's width (overflow ${overflow} px)`);
      const expected = (await direct.count()) ? name : 'More';
      check(current && current.endsWith(expected), `${label}: on ${name}, the tab bar marks "${expected}" (${current})`);
      reached.push(name);
    }
    return reached;
  }

  // A phone, 390 x 844.
  {
    const { context, page } = await newPage(PHONE_390);
    await login(page, 'patient');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    const bar = await tabs(page).boundingBox();
    check(bar && Math.abs(bar.y + bar.height - 844) < 1 && bar.width >= 389,
      `the tab bar sits at the bottom of the screen across its width (top ${bar && Math.round(bar.y)}, height ${bar && Math.round(bar.height)})`);
    check(!(await page.locator('#nav .navlinks').isVisible()), 'the links at the top give way to the tab bar');
    const sizes = await tabs(page).locator('.tabrow .tab').evaluateAll((els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { name: e.textContent, w: r.width, h: r.height };
    }));
    check(sizes.length === 5 && sizes.every((s) => s.w >= 44 && s.h >= 44),
      `five tabs, each at least 44 x 44 px (${sizes.map((s) => `${s.name} ${Math.round(s.w)}x${Math.round(s.h)}`).join(', ')})`);
    const reached = await everyPageThroughTheBar(page, 'phone');
    check(reached.length === PATIENT_PAGES.length, `every page of the patient's menu is reached from the tab bar (${reached.join(', ')})`);

    await tabs(page).getByRole('button', { name: 'More' }).click();
    const more = tabs(page).getByRole('button', { name: 'More' });
    check(await more.getAttribute('aria-expanded') === 'true', 'the "More" button says that its menu is open');
    const menuSizes = await tabs(page).locator('#more-menu a').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    check(menuSizes.length === 4 && menuSizes.every((hgt) => hgt >= 44), `the menu's four entries are at least 44 px tall (${menuSizes.map(Math.round).join(', ')})`);
    await audit(page, 'tab bar, menu open');
    await page.screenshot({ path: join(shots, 'tab-bar-more-phone-390.png') });
    await page.keyboard.press('Escape');
    check(await tabs(page).locator('#more-menu').isHidden() && await more.getAttribute('aria-expanded') === 'false'
      && await page.evaluate(() => document.activeElement.textContent.endsWith('More')),
      'Escape closes the menu and gives the focus back to "More"');

    await more.click();
    await page.locator('main h1').first().click();
    check(await tabs(page).locator('#more-menu').isHidden() && await more.getAttribute('aria-expanded') === 'false',
      'a tap outside the bar closes the menu');

    // The last thing on a long page is not hidden behind the bar: scrolled to the end, the
    // "Report a problem" link is above it.
    await tabs(page).locator('.tabrow a.tab', { hasText: 'Today' }).click();
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const last = await page.getByRole('link', { name: 'Report a problem to your care team' }).boundingBox();
    const barNow = await tabs(page).boundingBox();
    check(last && barNow && last.y + last.height <= barNow.y,
      `scrolled to the end, the page's last link is above the tab bar (link bottom ${last && Math.round(last.y + last.height)}, bar top ${barNow && Math.round(barNow.y)})`);
    await page.screenshot({ path: join(shots, 'tab-bar-today-phone-390.png') });
    await context.close();
  }

  // 200% text on the phone: the root font size doubled, 36 px instead of 18 (what a browser's text
  // size setting of 200% does: app.css sizes the root in % of the browser's default).
  {
    const { context, page } = await newPage(PHONE_390);
    await context.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => { document.documentElement.style.fontSize = '225%'; });
    });
    await login(page, 'patient');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    check(size === 36, `the text is at 200% (root font ${size} px, 18 px by default)`);
    const reached = await everyPageThroughTheBar(page, '200% text');
    check(reached.length === PATIENT_PAGES.length, `at 200% text every page is still reached from the tab bar (${reached.length} of ${PATIENT_PAGES.length})`);
    const clipped = await tabs(page).locator('.tab').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
    check(clipped.length === 0, `at 200% text no tab's label is cut off (${clipped.join(', ') || 'none'})`);
    await tabs(page).locator('.tabrow a.tab', { hasText: 'Today' }).click();
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    await shot(page, 'tab-bar-today-200pct', 'phone-390');
    await page.screenshot({ path: join(shots, 'tab-bar-today-200pct-screen-phone-390.png') });
    await context.close();
  }

  // A desktop, and a clinician on a phone: the links stay at the top; no tab bar.
  {
    const { context, page } = await newPage(DESKTOP);
    await login(page, 'patient');
    await page.getByRole('heading', { name: 'How was your day?' }).waitFor();
    check(await tabs(page).isHidden() && await page.locator('#nav .navlinks').isVisible(), 'at 1280 px the patient has the links at the top and no tab bar');
    await context.close();
  }
  {
    const { context, page } = await newPage(PHONE_390);
    await login(page, 'clinician');
    await page.getByRole('link', { name: 'Pat Demo' }).waitFor();
    check(await tabs(page).isHidden() && await page.locator('#nav .navlinks').isVisible(), 'a clinician on a phone keeps the links at the top (the tab bar is the patient\'s)');
    await context.close();
  }
});
