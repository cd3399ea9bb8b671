import { expect, test, uniqueTitle } from './fixtures.ts';

test('a member writes a snip, finds it in the list, edits it, deletes it and signs out', async ({ page, signInAs }) => {
  const title = uniqueTitle('Retry with backoff');
  const editedTitle = `${title} (edited)`;

  await signInAs('member');
  await expect(page).toHaveURL(/\/snips$/);
  const header = page.getByRole('banner');
  await expect(header).toContainText('Acme');
  await expect(header).toContainText('member@example.com');

  // Create
  await page.getByRole('link', { name: 'New snip' }).click();
  await expect(page.getByRole('heading', { name: 'New snip' })).toBeVisible();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Language').selectOption({ label: 'TypeScript' });
  await page.getByLabel('Visibility').selectOption('workspace');
  await page.getByLabel('Tags').fill('E2E, resilience');
  await page.getByLabel('Body').fill('export async function retry() {\n  return 42;\n}');
  await page.getByRole('button', { name: 'Create snip' }).click();

  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.locator('pre > code')).toHaveText('export async function retry() {\n  return 42;\n}');

  // Listed
  await page.getByRole('link', { name: 'All snips' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Snips' })).toBeVisible();
  const row = page.getByRole('list', { name: 'Snips' }).getByRole('listitem').filter({ hasText: title });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('TypeScript');
  await expect(row).toContainText('Workspace');
  await expect(row.getByRole('list', { name: 'Tags' })).toContainText('e2e');

  // Open and edit
  await row.getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Edit snip' })).toBeVisible();
  await expect(page.getByLabel('Title')).toHaveValue(title);
  await page.getByLabel('Title').fill(editedTitle);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 1, name: editedTitle })).toBeVisible();

  // Delete asks first, in the confirm modal; cancelling keeps the snip.
  const deleteButton = page.getByRole('button', { name: 'Delete', exact: true });
  const dialog = page.getByRole('alertdialog', { name: 'Delete this snip?' });
  await deleteButton.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(deleteButton).toBeFocused();
  await expect(page.getByRole('heading', { level: 1, name: editedTitle })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: editedTitle })).toBeVisible();

  await deleteButton.click();
  await dialog.getByRole('button', { name: 'Delete snip' }).click();
  await expect(page).toHaveURL(/\/snips$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Snips' })).toBeVisible();
  await expect(page.getByRole('link', { name: editedTitle })).toHaveCount(0);

  // Sign out
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Snipdesk' })).toBeVisible();
  await page.goto('/snips');
  await expect(page).toHaveURL(/\/sign-in\?returnTo=%2Fsnips$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Snipdesk' })).toBeVisible();
});

test('a snip that does not exist shows the not-found page inside the workspace', async ({ page, signInAs }) => {
  await signInAs('member');
  await page.goto('/snips/00000000-0000-4000-8000-000000000000');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
