import { expect, test } from './fixtures.ts';

test('the owner switches to Globex, sees its snips, and switches back to Acme', async ({ page, signInAs }) => {
  await signInAs('owner');
  const workspace = page.getByRole('combobox', { name: 'Workspace' });
  const list = page.getByRole('list', { name: 'Snips' });
  await expect(workspace.locator('option:checked')).toHaveText('Acme');

  // Switching from a snip's page lands on the new workspace's list, not on a snip it cannot see.
  await list.getByRole('link', { name: 'Find slow queries' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Find slow queries' })).toBeVisible();
  await workspace.selectOption({ label: 'Globex' });
  await page.getByRole('button', { name: 'Switch to Globex' }).click();
  await expect(page).toHaveURL(/\/snips$/);
  await expect(list.getByRole('link', { name: 'Globex deploy config' })).toBeVisible();
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toHaveCount(0);

  // The session is in Globex now, for the server too; the owner of Acme is a member there.
  await page.reload();
  await expect(workspace.locator('option:checked')).toHaveText('Globex');
  await page.getByRole('link', { name: 'Members' }).click();
  const oscar = page.getByRole('row').filter({ hasText: 'outsider@example.com' });
  await expect(oscar.getByRole('cell', { name: 'Owner', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add member' })).toHaveCount(0);

  await workspace.selectOption({ label: 'Acme' });
  await page.getByRole('button', { name: 'Switch to Acme' }).click();
  await expect(page).toHaveURL(/\/snips$/);
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toBeVisible();
  await expect(list.getByRole('link', { name: 'Globex deploy config' })).toHaveCount(0);
  await expect(workspace.locator('option:checked')).toHaveText('Acme');
});

test('someone in one workspace sees its name and no switcher', async ({ page, signInAs }) => {
  await signInAs('member');
  await expect(page.getByRole('banner')).toContainText('Acme');
  await expect(page.getByRole('combobox', { name: 'Workspace' })).toHaveCount(0);
});
