import { expect, test, uniqueTitle } from './fixtures.ts';

test('a public link reads signed out, and stops working once the snip is no longer public', async ({
  page,
  context,
  browser,
  signInAs,
}) => {
  const title = uniqueTitle('Shared retry helper');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signInAs('member');

  await page.getByRole('link', { name: 'New snip' }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Language').selectOption('python');
  await page.getByLabel('Visibility').selectOption('public');
  await page.getByLabel('Tags').fill('sharing');
  await page.getByLabel('Body').fill('print("shared with the world")');
  await page.getByRole('button', { name: 'Create snip' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  const link = page.getByRole('textbox', { name: 'Public link' });
  await expect(link).toHaveValue(/^http:\/\/[^/]+\/s\/[A-Za-z0-9_-]{16,}$/);
  const address = await link.inputValue();
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Copied', { exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(address);

  // A browser that never signed in.
  const anonymousContext = await browser.newContext();
  try {
    const anonymous = await anonymousContext.newPage();
    await anonymous.goto(address);
    await expect(anonymous.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await expect(anonymous.locator('pre > code')).toHaveText('print("shared with the world")');
    await expect(anonymous.getByText('Shared from Acme on Snipdesk')).toBeVisible();
    await expect(anonymous.getByText(/by Max Member/)).toBeVisible();
    await expect(anonymous.getByRole('link', { name: 'Sign in' })).toBeVisible();

    // Made private: the link is revoked at once.
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Visibility').selectOption('private');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Public link' })).toHaveCount(0);
    await anonymous.reload();
    await expect(anonymous.getByRole('heading', { name: 'This link does not exist or is no longer shared' })).toBeVisible();
    await expect(anonymous.getByText('shared with the world')).toHaveCount(0);

    // Public again: a new link; the old one stays dead.
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Visibility').selectOption('public');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(link).toHaveValue(/\/s\/[A-Za-z0-9_-]{16,}$/);
    const newAddress = await link.inputValue();
    expect(newAddress).not.toBe(address);
    await anonymous.goto(newAddress);
    await expect(anonymous.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await anonymous.goto(address);
    await expect(anonymous.getByRole('heading', { name: 'This link does not exist or is no longer shared' })).toBeVisible();
  } finally {
    await anonymousContext.close();
  }

  // Leave nothing behind for the other journeys.
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('alertdialog', { name: 'Delete this snip?' }).getByRole('button', { name: 'Delete snip' }).click();
  await expect(page).toHaveURL(/\/snips$/);
});

test('someone signed in elsewhere reads a public link too, and can open Snipdesk from it', async ({ page, signInAs, signedInElsewhere }) => {
  await signInAs('member');
  await page.getByRole('list', { name: 'Snips' }).getByRole('link', { name: 'Retry with exponential backoff' }).click();
  const address = await page.getByRole('textbox', { name: 'Public link' }).inputValue();

  const outsider = await signedInElsewhere('outsider');
  await outsider.goto(address);
  await expect(outsider.getByRole('heading', { level: 1, name: 'Retry with exponential backoff' })).toBeVisible();
  await expect(outsider.getByText('Shared from Acme on Snipdesk')).toBeVisible();
  await outsider.getByRole('link', { name: 'Open Snipdesk' }).click();
  await expect(outsider).toHaveURL(/\/snips$/);
  await expect(outsider.getByRole('banner')).toContainText('Globex');
});

test('an address that was never shared shows the public not-found page, signed out', async ({ page, signInPage }) => {
  await page.goto('/s/this-slug-was-never-handed-out');
  await expect(page.getByRole('heading', { name: 'This link does not exist or is no longer shared' })).toBeVisible();
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(signInPage.heading).toBeVisible();
});
