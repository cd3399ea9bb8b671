import type { Page } from '@playwright/test';
import { createSnip, expect, test, uniqueTitle } from './fixtures.ts';

// Reading a snip whose lines are wider than the screen: the code is a region the keyboard reaches and scrolls,
// or its lines wrap, as the reader chooses; the choice stays for the next snip.

const longLinesBody = `const greeting = ${JSON.stringify('hello, '.repeat(60))};\nconsole.log(greeting);`;

const code = (page: Page) => page.getByRole('region', { name: 'Code' });
const wrapLines = (page: Page) => page.getByRole('checkbox', { name: 'Wrap lines' });
/** How far the code can scroll sideways: 0 when every line fits. */
const sidewaysOverflow = (page: Page) => code(page).evaluate((region) => region.scrollWidth - region.clientWidth);

test('a reader tabs to a snip’s code, scrolls its long lines with the arrow keys, or wraps them', async ({ page, signInAs }) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Long lines'), longLinesBody);
  await page.goto(`/snips/${snip.id}`);
  await expect(code(page)).toContainText('console.log(greeting);');
  await expect(wrapLines(page)).not.toBeChecked();
  expect(await sidewaysOverflow(page)).toBeGreaterThan(0);

  await wrapLines(page).focus();
  await page.keyboard.press('Tab');
  await expect(code(page)).toBeFocused();
  await expect(code(page)).toHaveCSS('outline-style', 'solid');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => code(page).evaluate((region) => region.scrollLeft)).toBeGreaterThan(0);

  await page.keyboard.press('Shift+Tab');
  await expect(wrapLines(page)).toBeFocused();
  await page.keyboard.press('Space');
  await expect(wrapLines(page)).toBeChecked();
  await expect.poll(() => sidewaysOverflow(page)).toBe(0);

  // Remembered on this device: the next snip opens wrapped too.
  const next = await createSnip(page, uniqueTitle('More long lines'), longLinesBody);
  await page.goto(`/snips/${next.id}`);
  await expect(page.getByRole('heading', { level: 1, name: next.title })).toBeVisible();
  await expect(wrapLines(page)).toBeChecked();
  expect(await sidewaysOverflow(page)).toBe(0);
});

test('the public page of a snip lets the keyboard reach and scroll its code too', async ({ page, browser, baseURL, signInAs }) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Public long lines'), longLinesBody, 'public');

  const signedOut = await browser.newContext({ baseURL });
  try {
    const reader = await signedOut.newPage();
    await reader.goto(`/s/${snip.publicSlug}`);
    await expect(reader.getByRole('heading', { level: 1, name: snip.title })).toBeVisible();
    await wrapLines(reader).focus();
    await reader.keyboard.press('Tab');
    await expect(code(reader)).toBeFocused();
    await reader.keyboard.press('ArrowRight');
    await expect.poll(() => code(reader).evaluate((region) => region.scrollLeft)).toBeGreaterThan(0);
  } finally {
    await signedOut.close();
  }
});
