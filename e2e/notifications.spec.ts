import type { Page } from '@playwright/test';
import { exclusively } from './exclusive.ts';
import { bell, bellNamed, createSnip, csrfTokenOf, expect, type SavedSnip, test, uniqueTitle, unreadOf } from './fixtures.ts';

// The bell: what it says, live, and what its panel lets someone do with it.

async function comment(page: Page, snip: SavedSnip, body: string): Promise<void> {
  const response = await page.request.post(`/api/snips/${snip.id}/comments`, {
    headers: { 'x-csrf-token': await csrfTokenOf(page.request) },
    data: { body },
  });
  expect(response.status()).toBe(201);
}

async function makePrivate(page: Page, snip: SavedSnip): Promise<void> {
  const response = await page.request.patch(`/api/snips/${snip.id}`, {
    headers: { 'x-csrf-token': await csrfTokenOf(page.request) },
    data: { visibility: 'private', version: snip.version },
  });
  expect(response.status()).toBe(200);
}

test('the bell counts a new comment live, opens a panel the keyboard can leave, and marks everything read', async ({
  page,
  signInAs,
  signedInElsewhere,
}) => {
  await signInAs('member');
  const snip = await createSnip(page, uniqueTitle('Bell'));
  const pm = await signedInElsewhere('pm');
  // The member's unread count is shared with every other test that comments on the member's snips.
  await exclusively('notifications-of-member', async () => {
    const before = await unreadOf(page);
    await expect(bell(page)).toHaveAccessibleName(bellNamed(before));

    await comment(pm, snip, 'Nice one.');
    await expect(bell(page)).toHaveAccessibleName(bellNamed(before + 1));

    await bell(page).focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await expect(panel).toBeFocused();
    await expect(bell(page)).toHaveAttribute('aria-expanded', 'true');
    await expect(panel.getByRole('link', { name: `Unread: Pat Product commented on “${snip.title}”` })).toHaveAttribute('href', `/snips/${snip.id}`);
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    await expect(bell(page)).toBeFocused();
    await expect(bell(page)).toHaveAttribute('aria-expanded', 'false');

    await bell(page).click();
    await panel.getByRole('button', { name: 'Mark all read' }).click();
    await expect(bell(page)).toHaveAccessibleName('Notifications');
    await expect(panel.getByRole('link', { name: `Pat Product commented on “${snip.title}”` })).toBeVisible();
    await expect(panel.getByRole('link', { name: /^Unread:/ })).toHaveCount(0);
    await expect(panel.getByRole('button', { name: 'Mark all read' })).toBeDisabled();
  });
});

test('a notification about a snip the reader can no longer see names no title and leads nowhere', async ({ page, signInAs, signedInElsewhere }) => {
  await signInAs('pm');
  const member = await signedInElsewhere('member');
  const snip = await createSnip(member, uniqueTitle('Going private'));
  // The PM joins the conversation, so the member's reply notifies them; then the snip goes private.
  // Commenting on the member's snip moves the member's unread count, which the test above counts.
  await exclusively('notifications-of-member', () => comment(page, snip, 'First!'));
  await comment(member, snip, 'Thanks.');
  await makePrivate(member, snip);

  await page.goto('/snips');
  await bell(page).click();
  const panel = page.getByRole('dialog', { name: 'Notifications' });
  await expect(panel.getByRole('button', { name: /Max Member commented on a snip you can no longer see/ }).first()).toBeVisible();
  await expect(panel.getByText(snip.title)).toHaveCount(0);
});
