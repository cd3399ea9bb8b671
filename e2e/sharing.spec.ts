import { exclusively } from './exclusive.ts';
import { bell, bellNamed, createSnip, expect, test, uniqueTitle, unreadOf } from './fixtures.ts';

// Sharing a private snip with one person: they hear of it live, read it, and lose it the moment it is taken back.

test('a member shares a private snip with a viewer, who is told live, reads it, and loses it when it is taken back', async ({
  page,
  signInAs,
  signedInElsewhere,
}) => {
  await signInAs('member');
  const title = uniqueTitle('For Vera only');
  const snip = await createSnip(page, title, 'The plan, before anyone else sees it.', 'private');
  // The viewer is signed in elsewhere and looking at the list, not at the snip.
  const viewer = await signedInElsewhere('viewer');
  await page.goto(`/snips/${snip.id}`);
  const sharing = page.getByRole('region', { name: 'Sharing' });
  await expect(sharing.getByText('Nobody yet.')).toBeVisible();

  // Shares of the viewer's snips by other copies of this test move the viewer's bell too.
  await exclusively('notifications-of-viewer', async () => {
    const before = await unreadOf(viewer);
    await expect(bell(viewer)).toHaveAccessibleName(bellNamed(before));

    await sharing.getByLabel('Share with').selectOption({ label: 'Vera Viewer' });
    await sharing.getByRole('button', { name: 'Share' }).click();
    await expect(sharing.getByRole('list', { name: 'Shared with' }).getByRole('listitem')).toHaveText([/Vera Viewer/]);

    await expect(bell(viewer)).toHaveAccessibleName(bellNamed(before + 1));
    await bell(viewer).click();
    await viewer
      .getByRole('dialog', { name: 'Notifications' })
      .getByRole('link', { name: `Unread: Max Member shared “${title}” with you` })
      .click();
  });
  await expect(viewer.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(viewer.getByText('The plan, before anyone else sees it.')).toBeVisible();
  // Reading, not managing: the viewer gets no edit or share controls.
  await expect(viewer.getByRole('region', { name: 'Sharing' })).toHaveCount(0);
  await expect(viewer.getByRole('link', { name: 'Edit' })).toHaveCount(0);

  await sharing.getByRole('button', { name: 'Remove Vera Viewer' }).click();
  const question = page.getByRole('alertdialog', { name: 'Stop sharing with Vera Viewer?' });
  await expect(question).toContainText(`Vera Viewer will no longer be able to read “${title}”.`);
  await question.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(sharing.getByText('Nobody yet.')).toBeVisible();

  // The viewer's open page hears of it at once and says so, without taking the text they read off the screen.
  await expect(viewer.getByText('This snip was deleted')).toBeVisible();
  await expect(viewer.getByText('Or it is no longer shared with you.')).toBeVisible();
  await viewer.goto(`/snips/${snip.id}`);
  await expect(viewer.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await bell(viewer).click();
  const notifications = viewer.getByRole('dialog', { name: 'Notifications' });
  await expect(notifications.getByRole('button', { name: /Max Member shared a snip you can no longer see/ }).first()).toBeVisible();
  await expect(viewer.getByText(title)).toHaveCount(0);
});
