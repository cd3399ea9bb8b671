import { demoUsers, expect, test, unknownEmail } from './fixtures.ts';

test('a signed-out visitor is asked to sign in and lands where they were going', async ({ page, signInPage }) => {
  await page.goto('/snips/new');
  await expect(page).toHaveURL(/\/sign-in\?returnTo=%2Fsnips%2Fnew$/);
  await expect(signInPage.heading).toBeVisible();

  await signInPage.submitCredentials(unknownEmail(), 'not-the-password');
  await expect(page.getByRole('alert')).toContainText('do not match');
  await expect(page).toHaveURL(/\/sign-in/);

  await signInPage.submitCredentials(demoUsers.member);
  await expect(page).toHaveURL(/\/snips\/new$/);
  await expect(page.getByRole('heading', { name: 'New snip' })).toBeVisible();
});

test('an address the browser lets through but Snipdesk cannot use is explained in a sentence', async ({ page, signInPage }) => {
  await signInPage.goto();
  // A valid address to an <input type="email">, not to the API, which wants a domain with a dot.
  await signInPage.submitCredentials('someone@localhost');
  await expect(page.getByRole('alert')).toHaveText('Enter an email address, like name@example.com.');
});

test('after too many failed attempts the page says how long to wait, in minutes', async ({ page, signInPage }) => {
  // Each attempt also spends one of the 50 failures per 15 minutes the whole run has from its one IP.
  const email = unknownEmail();
  await signInPage.goto();
  for (let attempt = 1; attempt <= 5; attempt++) {
    const answered = page.waitForResponse((response) => response.url().endsWith('/api/session') && response.request().method() === 'POST');
    await signInPage.submitCredentials(email, 'not-the-password');
    expect((await answered).status()).toBe(401);
  }
  await signInPage.submitCredentials(email, 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('Too many failed sign-in attempts. Try again in 15 minutes.');
});
