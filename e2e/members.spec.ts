import { exclusively } from './exclusive.ts';
import { demoUsers, expect, removeOutsiderIfMember, test } from './fixtures.ts';

test('the last owner of a workspace cannot step down', async ({ page, signInAs }) => {
  await signInAs('owner');
  await page.getByRole('link', { name: 'Members' }).click();
  const me = page.getByRole('row').filter({ hasText: 'owner@example.com' });
  const role = me.getByRole('combobox', { name: 'Role of Olivia Owner' });
  await expect(role).toHaveValue('owner');

  await role.selectOption('admin');
  await me.getByRole('button', { name: 'Change role of Olivia Owner' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Change role?' });
  await expect(dialog).toContainText('Make yourself an admin?');
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'A workspace needs at least one owner' })).toBeVisible();
  await expect(role).toHaveValue('owner');
});

test('an owner adds someone by email, changes their role and removes them, confirming each change', async ({ page, signInAs }) => {
  await signInAs('owner');
  await page.getByRole('link', { name: 'Members' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible();
  const email = page.getByLabel('Email', { exact: true });
  const add = page.getByRole('button', { name: 'Add member' });

  // Only existing accounts can be added.
  await email.fill('nobody-here@example.com');
  await add.click();
  await expect(page.getByRole('alert').filter({ hasText: 'No Snipdesk account uses that email address' })).toBeVisible();

  // The outsider's membership of Acme is shared by every test: one journey at a time changes it.
  await exclusively('acme-membership-of-outsider', async () => {
    const oscar = page.getByRole('row').filter({ hasText: demoUsers.outsider });
    const role = oscar.getByRole('combobox', { name: 'Role of Oscar Outsider' });
    try {
      await email.fill(demoUsers.outsider);
      await page.getByLabel('Role', { exact: true }).selectOption('viewer');
      await add.click();
      await expect(page.getByRole('status').filter({ hasText: 'Oscar Outsider was added as a viewer.' })).toBeVisible();
      await expect(role).toHaveValue('viewer');
      await expect(email).toHaveValue('');

      await email.fill(demoUsers.outsider);
      await add.click();
      await expect(page.getByRole('alert').filter({ hasText: 'already a member' })).toBeVisible();

      // A role change waits for confirmation, and can be called off.
      const roleDialog = page.getByRole('alertdialog', { name: 'Change role?' });
      await role.selectOption('member');
      await oscar.getByRole('button', { name: 'Change role of Oscar Outsider' }).click();
      await roleDialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(roleDialog).toBeHidden();
      await expect(role).toHaveValue('viewer');
      await role.selectOption('admin');
      await oscar.getByRole('button', { name: 'Change role of Oscar Outsider' }).click();
      await expect(roleDialog).toContainText('Make Oscar Outsider an admin?');
      await roleDialog.getByRole('button', { name: 'Change role' }).click();
      await expect(roleDialog).toBeHidden();
      await expect(role).toHaveValue('admin');
      await page.reload();
      await expect(role).toHaveValue('admin');

      // So does removing someone.
      await oscar.getByRole('button', { name: 'Remove Oscar Outsider' }).click();
      const removeDialog = page.getByRole('alertdialog', { name: 'Remove Oscar Outsider?' });
      await removeDialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(oscar).toHaveCount(1);
      await oscar.getByRole('button', { name: 'Remove Oscar Outsider' }).click();
      await removeDialog.getByRole('button', { name: 'Remove member' }).click();
      await expect(oscar).toHaveCount(0);
      await page.reload();
      await expect(page.getByRole('row').filter({ hasText: 'owner@example.com' })).toBeVisible();
      await expect(oscar).toHaveCount(0);
    } finally {
      await removeOutsiderIfMember(page);
    }
  });
});
