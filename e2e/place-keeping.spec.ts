import type { Page } from '@playwright/test';
import { createSnip, csrfTokenOf, expect, test, uniqueTitle } from './fixtures.ts';

/** Long enough that a snip's page, and the list of them, scroll well past one screen. */
const longBody = Array.from({ length: 80 }, (_, line) => `line ${line + 1}`).join('\n');

const scrollY = (page: Page) => page.evaluate(() => window.scrollY);
const snipList = (page: Page) => page.getByRole('list', { name: 'Snips' });

test('a snip opened from far down the list opens at its top, and Back returns to the same place, also after "Load more"', async ({
  page,
  signInAs,
}) => {
  await signInAs('member');
  // A word of their own, so that the list shows these snips only, whatever other tests write meanwhile.
  const word = uniqueTitle('placekeeping').replace(/\W+/g, '');
  const titles: string[] = [];
  for (let index = 1; index <= 25; index += 1) titles.push((await createSnip(page, `${word} number ${index}`, longBody)).title);

  await page.goto(`/snips?q=${word}`);
  await expect(snipList(page).getByRole('listitem')).toHaveCount(20);
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(snipList(page).getByRole('listitem')).toHaveCount(25);
  // Focus moves on to the first snip of the page just loaded (the button went away with the last page).
  await expect(snipList(page).getByRole('link', { name: titles[4], exact: true })).toBeFocused();

  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const oldest = snipList(page).getByRole('link', { name: titles[0], exact: true });
  await expect(oldest).toBeInViewport();
  const listScroll = await scrollY(page);
  const oldestTop = (await oldest.boundingBox())?.y;
  expect(listScroll).toBeGreaterThan(0);

  await oldest.click();
  const heading = page.getByRole('heading', { level: 1, name: titles[0] });
  await expect(heading).toBeFocused();
  expect(await scrollY(page)).toBe(0);
  await expect(heading).toBeInViewport();

  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/snips\\?q=${word}$`));
  await expect(snipList(page).getByRole('listitem')).toHaveCount(25);
  await expect.poll(() => scrollY(page)).toBe(listScroll);
  await expect(oldest).toBeInViewport();
  expect((await oldest.boundingBox())?.y).toBe(oldestTop);
  await expect(page.getByRole('heading', { level: 1, name: 'Snips' })).toBeFocused();
});

test('after Create and after Save the snip shows from its top, focus on its title', async ({ page, signInAs }) => {
  const title = uniqueTitle('Place kept');
  await signInAs('member');
  await page.getByRole('link', { name: 'New snip' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New snip' })).toBeFocused();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Body').fill(longBody);
  const create = page.getByRole('button', { name: 'Create snip' });
  await create.scrollIntoViewIfNeeded();
  expect(await scrollY(page)).toBeGreaterThan(0);
  await create.click();

  const heading = page.getByRole('heading', { level: 1, name: title });
  await expect(heading).toBeFocused();
  const snipPath = new URL(page.url()).pathname;
  try {
    expect(await scrollY(page)).toBe(0);
    await expect(page.getByRole('button', { name: 'Delete', exact: true })).toBeInViewport();

    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Edit snip' })).toBeFocused();
    await page.getByLabel('Title').fill(`${title} (edited)`);
    const save = page.getByRole('button', { name: 'Save changes' });
    await save.scrollIntoViewIfNeeded();
    expect(await scrollY(page)).toBeGreaterThan(0);
    await save.click();

    await expect(page.getByRole('heading', { level: 1, name: `${title} (edited)` })).toBeFocused();
    expect(await scrollY(page)).toBe(0);
    await expect(page.getByRole('button', { name: 'Delete', exact: true })).toBeInViewport();
  } finally {
    await page.request.delete(`/api${snipPath}`, { headers: { 'x-csrf-token': await csrfTokenOf(page.request) } });
  }
});

test('moving between pages with the header links puts focus on each page’s heading', async ({ page, signInAs }) => {
  await signInAs('owner');
  await expect(page.getByRole('heading', { level: 1, name: 'Snips' })).toBeFocused();
  await page.getByRole('link', { name: 'Members' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeFocused();
  await page.getByRole('link', { name: 'Exports' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Exports' })).toBeFocused();
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeFocused();
});
