import { exclusively } from './exclusive.ts';
import { bell, bellNamed, commentBodies, createSnip, expect, markDocument, test, uniqueTitle, unreadOf, viewersAre, viewingNow } from './fixtures.ts';

// Talking about a snip live: two people on the same snip see each other there, a comment shows up on the other's
// page without a reload, and the snip's author hears of it on the bell at once.

test('a comment shows on everyone’s open snip page and on the author’s bell, live', async ({ page, signInAs, signedInElsewhere }) => {
  await signInAs('owner');
  const snip = await createSnip(page, uniqueTitle('Talk'));
  const member = await signedInElsewhere('member');
  await page.goto(`/snips/${snip.id}`);
  await member.goto(`/snips/${snip.id}`);
  await expect(page.getByRole('heading', { level: 1, name: snip.title })).toBeVisible();
  await expect(page.getByText('No comments yet.')).toBeVisible();

  // Each sees the other, and not themselves.
  await viewersAre(page, ['Max Member']);
  await viewersAre(member, ['Olivia Owner']);

  const stillTheSameDocument = await markDocument(page);
  // The owner's unread count is shared with every other test that comments on the owner's snips.
  await exclusively('notifications-of-owner', async () => {
    const before = await unreadOf(page);
    await expect(bell(page)).toHaveAccessibleName(bellNamed(before));

    await member.getByLabel('Add a comment').fill('Why a 300 ms delay?\nFeels slow on mobile.');
    await member.getByRole('button', { name: 'Comment' }).click();
    await expect(commentBodies(member)).toHaveCount(1);
    await expect(member.getByLabel('Add a comment')).toHaveValue('');

    // On the owner's page, without a reload: the comment, line breaks kept, and one more on the bell.
    await expect(commentBodies(page)).toHaveCount(1);
    await expect(commentBodies(page).first()).toContainText('Max Member');
    await expect(commentBodies(page).first().locator('.comment__body')).toHaveText('Why a 300 ms delay?\nFeels slow on mobile.');
    await expect(bell(page)).toHaveAccessibleName(bellNamed(before + 1));
    expect(await stillTheSameDocument()).toBe(true);

    // The owner moves on; the member sees them leave.
    await page.getByRole('link', { name: '← All snips' }).click();
    await expect(page).toHaveURL(/\/snips$/);
    await expect(viewingNow(member)).toHaveCount(0);

    await bell(page).click();
    await expect(bell(page)).toHaveAttribute('aria-expanded', 'true');
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    const notification = panel.getByRole('link', { name: `Unread: Max Member commented on “${snip.title}”` });
    await expect(notification).toBeVisible();
    await notification.click();

    await expect(page).toHaveURL(new RegExp(`/snips/${snip.id}$`));
    await expect(panel).toHaveCount(0);
    await expect(bell(page)).toHaveAccessibleName(bellNamed(before));
    expect(await stillTheSameDocument()).toBe(true);
    await bell(page).click();
    await expect(panel.getByRole('link', { name: `Max Member commented on “${snip.title}”` })).toBeVisible();
  });
});

test('viewers read the comments live but get no form', async ({ page, signInAs, signedInElsewhere }) => {
  await signInAs('viewer');
  const member = await signedInElsewhere('member');
  const snip = await createSnip(member, uniqueTitle('Read only'));
  await page.goto(`/snips/${snip.id}`);
  await expect(page.getByRole('heading', { level: 1, name: snip.title })).toBeVisible();
  await expect(page.getByText('No comments yet.')).toBeVisible();
  await expect(page.getByLabel('Add a comment')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Comment' })).toHaveCount(0);

  await member.goto(`/snips/${snip.id}`);
  await viewersAre(member, ['Vera Viewer']);
  await member.getByLabel('Add a comment').fill('For the record.');
  await member.getByRole('button', { name: 'Comment' }).click();
  await expect(commentBodies(page)).toHaveText([/Max Member.*For the record\./]);
});
