import type { Page } from '@playwright/test';
import { createSnip, demoPassword, expect, expiredBanner, expireSession, liveIndicator, markDocument, type SavedSnip, test, uniqueTitle } from './fixtures.ts';

// Live updates over the tab's WebSocket: what someone saves shows up on the pages of everyone looking at it,
// without a reload; an ended session shows the banner by itself, with nobody doing anything.

/** Edits the title in the editor and saves, as a person does. */
async function saveTitleThroughEditor(page: Page, snip: SavedSnip, title: string): Promise<void> {
  await page.goto(`/snips/${snip.id}/edit`);
  await expect(page.getByRole('heading', { name: 'Edit snip' })).toBeVisible();
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

test('an edit saved by someone else shows on an open snip page without a reload', async ({ page, signInAs, signedInElsewhere }) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Live'), 'Watched live.');
  const owner = await signedInElsewhere('owner');
  await owner.goto(`/snips/${snip.id}`);
  await expect(owner.getByRole('heading', { level: 1, name: snip.title })).toBeVisible();
  await expect(liveIndicator(owner)).toHaveText('Live updates on');
  const stillTheSameDocument = await markDocument(owner);
  const urlBefore = owner.url();

  await saveTitleThroughEditor(page, snip, `${snip.title} (edited by member)`);

  await expect(owner.getByRole('heading', { level: 1, name: `${snip.title} (edited by member)` })).toBeVisible();
  expect(owner.url()).toBe(urlBefore);
  expect(await stillTheSameDocument()).toBe(true);
});

test('a snip someone else adds or removes shows in an open list without a reload', async ({ page, signInAs, signedInElsewhere }) => {
  await signInAs('member');
  await page.goto('/snips');
  await expect(liveIndicator(page)).toHaveText('Live updates on');
  const stillTheSameDocument = await markDocument(page);
  const owner = await signedInElsewhere('owner');
  const snip = await createSnip(owner, uniqueTitle('Listed live'), 'Appears by itself.');
  await expect(page.getByRole('link', { name: snip.title })).toBeVisible();
  await owner.goto(`/snips/${snip.id}`);
  await owner.getByRole('button', { name: 'Delete', exact: true }).click();
  await owner.getByRole('alertdialog', { name: 'Delete this snip?' }).getByRole('button', { name: 'Delete snip' }).click();
  await expect(page.getByRole('link', { name: snip.title })).toHaveCount(0);
  expect(await stillTheSameDocument()).toBe(true);
});

test('a snip edited in one tab updates in another tab of the same browser', async ({ page, signInAs }) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Tabs live'), 'Watched live.');
  await page.goto(`/snips/${snip.id}`);
  await expect(liveIndicator(page)).toHaveText('Live updates on');
  const stillTheSameDocument = await markDocument(page);

  const otherTab = await page.context().newPage();
  await saveTitleThroughEditor(otherTab, snip, `${snip.title} (other tab)`);

  await expect(page.getByRole('heading', { level: 1, name: `${snip.title} (other tab)` })).toBeVisible();
  expect(await stillTheSameDocument()).toBe(true);
});

test('someone else saving while you edit keeps your input and tells you; their delete is shown on the snip page', async ({
  page,
  signInAs,
  signedInElsewhere,
}) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Concurrent'), 'Watched live.');
  const owner = await signedInElsewhere('owner');
  await owner.goto(`/snips/${snip.id}/edit`);
  await expect(liveIndicator(owner)).toHaveText('Live updates on');
  await owner.getByLabel('Title').fill('The owner’s unsaved title');
  await owner.getByLabel('Body').fill('The owner’s unsaved body.');

  await saveTitleThroughEditor(page, snip, `${snip.title} (member saved first)`);

  const notice = owner.getByRole('status').filter({ hasText: 'Someone saved a newer version' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Your edits are kept');
  await expect(owner.getByLabel('Title')).toHaveValue('The owner’s unsaved title');
  await expect(owner.getByLabel('Body')).toHaveValue('The owner’s unsaved body.');
  // Saving still meets the conflict, which offers the way out; the notice gives way to it.
  await owner.getByRole('button', { name: 'Save changes' }).click();
  await expect(owner.getByRole('button', { name: 'Discard my changes and load the latest' })).toBeVisible();
  await expect(notice).toHaveCount(0);

  // Now the owner reads the snip, and the member deletes it.
  await owner.goto(`/snips/${snip.id}`);
  await expect(owner.getByRole('heading', { level: 1, name: `${snip.title} (member saved first)` })).toBeVisible();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('alertdialog', { name: 'Delete this snip?' }).getByRole('button', { name: 'Delete snip' }).click();
  await expect(page).toHaveURL(/\/snips$/);

  await expect(owner.getByRole('status').filter({ hasText: 'This snip was deleted' })).toBeVisible();
  // What the owner was reading stays, without the actions that no longer apply.
  await expect(owner.getByRole('heading', { level: 1, name: `${snip.title} (member saved first)` })).toBeVisible();
  await expect(owner.getByRole('link', { name: 'Edit', exact: true })).toHaveCount(0);
});

test('an ended session shows the banner by itself, with no request and no reload, and live updates resume after signing in again', async ({
  page,
  signInAs,
  signedInElsewhere,
}) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Expiry live'), 'Watched live.');
  await page.goto(`/snips/${snip.id}`);
  await expect(liveIndicator(page)).toHaveText('Live updates on');
  // Everything the page loads by itself comes first (the share panel reads the members, its select draws a chevron):
  // from here on, any request would be the page reacting to the expiry.
  await expect(page.getByLabel('Share with')).toBeVisible();
  await page.waitForLoadState('networkidle');
  const stillTheSameDocument = await markDocument(page);
  const urlBefore = page.url();
  const pageRequests: string[] = [];
  page.on('request', (request) => pageRequests.push(request.url()));

  await expireSession(page);

  // The gateway closes the socket with 4401: the banner comes without the page asking for anything.
  await expect(expiredBanner(page)).toBeVisible();
  await expect(liveIndicator(page)).toHaveText('Offline — live updates paused');
  expect(pageRequests).toEqual([]);
  expect(page.url()).toBe(urlBefore);
  expect(await stillTheSameDocument()).toBe(true);

  await expiredBanner(page).getByRole('button', { name: 'Sign in' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sign in again' });
  await dialog.getByLabel('Password').fill(demoPassword);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(expiredBanner(page)).toHaveCount(0);
  await expect(liveIndicator(page)).toHaveText('Live updates on');

  // The new socket follows the snip again.
  const owner = await signedInElsewhere('owner');
  await saveTitleThroughEditor(owner, snip, `${snip.title} (after signing in again)`);
  await expect(page.getByRole('heading', { level: 1, name: `${snip.title} (after signing in again)` })).toBeVisible();
  expect(await stillTheSameDocument()).toBe(true);
});
