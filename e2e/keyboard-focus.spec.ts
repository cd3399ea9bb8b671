import { exclusively } from './exclusive.ts';
import { demoUsers, expect, removeOutsiderIfMember, test, unknownEmail } from './fixtures.ts';

test('a keyboard user skips past the header straight to the page', async ({ page, signInAs }) => {
  await signInAs('owner');
  await page.goto('/snips');
  await expect(page.getByRole('heading', { level: 1, name: 'Snips' })).toBeVisible();

  await page.keyboard.press('Tab');
  const skipLink = page.getByRole('link', { name: 'Skip to content' });
  await expect(skipLink).toBeFocused();
  await expect(skipLink).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  await expect(page).toHaveURL(/\/snips$/);
  // The next stop is the page's first control, not the header's first link.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Export' })).toBeFocused();
});

test('a failed sign-in puts focus on what went wrong', async ({ signInPage, page }) => {
  await signInPage.goto();
  await signInPage.email.fill(unknownEmail());
  await signInPage.password.fill('not-the-password');
  await signInPage.password.press('Enter');
  const focused = page.locator(':focus');
  await expect(focused.getByRole('alert')).toHaveText('That email and password do not match an account.');

  // Again after the next failure, once focus has moved on to the form.
  await signInPage.password.fill('still-not-the-password');
  await signInPage.submit.click();
  await expect(focused.getByRole('alert')).toBeVisible();
});

test.describe('at 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the sticky header never covers the field that takes focus', async ({ page, signInAs }) => {
    await signInAs('member');
    await page.getByRole('link', { name: 'New snip' }).click();
    const create = page.getByRole('button', { name: 'Create snip' });
    await create.scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await create.click();

    const title = page.getByLabel('Title');
    await expect(title).toBeFocused();
    const header = await page.getByRole('banner').boundingBox();
    const field = await title.boundingBox();
    expect(field!.y).toBeGreaterThanOrEqual(header!.y + header!.height);
  });
});

test('an owner adds someone, then removes them: the notice goes with the next action, focus goes on to the next row', async ({
  page,
  signInAs,
}) => {
  await signInAs('owner');
  await page.getByRole('link', { name: 'Members' }).click();
  // The outsider's membership of Acme is shared by every test: one journey at a time changes it.
  await exclusively('acme-membership-of-outsider', async () => {
    try {
      await page.getByLabel('Email', { exact: true }).fill(demoUsers.outsider);
      await page.getByLabel('Role', { exact: true }).selectOption('viewer');
      await page.getByRole('button', { name: 'Add member' }).click();
      const added = page.getByRole('status').filter({ hasText: 'Oscar Outsider was added as a viewer.' });
      await expect(added).toBeVisible();

      const oscar = page.getByRole('row').filter({ hasText: demoUsers.outsider });
      await oscar.getByRole('button', { name: 'Remove Oscar Outsider' }).click();
      await expect(added).toBeHidden();
      await page.getByRole('alertdialog', { name: 'Remove Oscar Outsider?' }).getByRole('button', { name: 'Remove member' }).click();
      await expect(oscar).toHaveCount(0);
      // Viewers are listed by name: Vera Viewer came right after Oscar Outsider.
      await expect(page.getByRole('rowheader', { name: 'Vera Viewer' })).toBeFocused();
    } finally {
      await removeOutsiderIfMember(page);
    }
  });
});
