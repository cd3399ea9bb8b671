import type { Page } from '@playwright/test';
import { createSnip, demoPassword, demoUsers, expect, expiredBanner, expireSession, signIn, SignInPage, test, uniqueTitle } from './fixtures.ts';

// Two tabs of one browser: two pages in the same context share the session cookie and the BroadcastChannel.

/** Tab A on the list showing a fresh snip, tab B on the list too; the session then expires under both. */
async function twoTabsThenExpiry(page: Page) {
  await signIn(page, 'member');
  const snip = await createSnip(page, uniqueTitle('Tabs'), 'Opened from a list.');
  const tabA = page;
  await tabA.goto('/snips');
  await expect(tabA.getByRole('link', { name: snip.title })).toBeVisible();
  const tabB = await page.context().newPage();
  await tabB.goto('/snips');
  await expect(tabB.getByRole('heading', { level: 1, name: 'Snips' })).toBeVisible();

  await expireSession(tabA);
  // Tab A asks for something: opening the snip needs its data, the request meets the expired session.
  await tabA.getByRole('link', { name: snip.title }).click();
  await expect(expiredBanner(tabA)).toBeVisible();
  await expect(expiredBanner(tabB)).toBeVisible();
  // A's navigation waits for the session instead of failing: still on the list.
  await expect(tabA).toHaveURL(/\/snips$/);
  return { tabA, tabB, snip };
}

test('an expiry seen in one tab shows the banner in all; signing in again in another tab clears it everywhere', async ({ page }) => {
  const { tabA, tabB, snip } = await twoTabsThenExpiry(page);

  await expiredBanner(tabB).getByRole('button', { name: 'Sign in' }).click();
  const dialog = tabB.getByRole('dialog', { name: 'Sign in again' });
  await expect(dialog.getByLabel('Email')).toHaveValue(demoUsers.member);
  await dialog.getByLabel('Password').fill(demoPassword);
  await dialog.getByRole('button', { name: 'Sign in' }).click();

  await expect(expiredBanner(tabB)).toHaveCount(0);
  await expect(expiredBanner(tabA)).toHaveCount(0);
  // Tab A's held navigation finishes by itself.
  await expect(tabA.getByRole('heading', { level: 1, name: snip.title })).toBeVisible();
  await expect(tabA).toHaveURL(new RegExp(`/snips/${snip.id}$`));
});

test('signing in on the sign-in page of another tab clears the banner too', async ({ page }) => {
  const { tabA, tabB, snip } = await twoTabsThenExpiry(page);

  // Tab B loads anew: signed out on the server, it lands on the sign-in page.
  await tabB.goto('/snips');
  const signInPage = new SignInPage(tabB);
  await expect(signInPage.heading).toBeVisible();
  await signInPage.submitCredentials(demoUsers.member);
  await expect(tabB).toHaveURL(/\/snips$/);

  await expect(expiredBanner(tabA)).toHaveCount(0);
  await expect(tabA.getByRole('heading', { level: 1, name: snip.title })).toBeVisible();
});

test('signing out in one tab sends the other to the sign-in page', async ({ page }) => {
  await signIn(page, 'member');
  const tabB = await page.context().newPage();
  await tabB.goto('/snips');
  await expect(tabB.getByRole('button', { name: 'Sign out' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(tabB).toHaveURL(/\/sign-in$/);
  await expect(new SignInPage(tabB).heading).toBeVisible();
});
