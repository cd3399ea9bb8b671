import { demoUsers, expect, test } from './fixtures.ts';

test('a signed-out visitor is asked to sign in and lands where they were going', async ({ page, signInPage }) => {
  await page.goto('/snips/new');
  await expect(page).toHaveURL(/\/sign-in\?returnTo=%2Fsnips%2Fnew$/);
  await expect(signInPage.heading).toBeVisible();

  await signInPage.submitCredentials(demoUsers.member, 'not-the-password');
  await expect(page.getByRole('alert')).toContainText('do not match');
  await expect(page).toHaveURL(/\/sign-in/);

  await signInPage.submitCredentials(demoUsers.member);
  await expect(page).toHaveURL(/\/snips\/new$/);
  await expect(page.getByRole('heading', { name: 'New snip' })).toBeVisible();
});
