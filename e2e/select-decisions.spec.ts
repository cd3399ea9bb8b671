import type { Request } from '@playwright/test';
import { expect, test } from './fixtures.ts';

// A closed native select changes its value on every ↑/↓ (Chromium on Linux and Windows): looking through the
// options with the keyboard must not act. Only Enter, or the button beside the select, does (WCAG 3.2.2).

test('looking through the workspaces with the arrow keys switches nothing until Enter', async ({ page, signInAs }) => {
  await signInAs('owner');
  const switches: Request[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT' && request.url().endsWith('/api/session/workspace')) switches.push(request);
  });
  const workspace = page.getByRole('combobox', { name: 'Workspace' });
  const list = page.getByRole('list', { name: 'Snips' });
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toBeVisible();

  await workspace.focus();
  await page.keyboard.press('ArrowDown');
  await expect(workspace.locator('option:checked')).toHaveText('Globex');
  const switchButton = page.getByRole('button', { name: 'Switch to Globex' });
  await expect(switchButton).toBeVisible();
  // Escape puts it back.
  await page.keyboard.press('Escape');
  await expect(workspace.locator('option:checked')).toHaveText('Acme');
  await expect(switchButton).toBeHidden();

  await page.keyboard.press('ArrowDown');
  await expect(switchButton).toBeVisible();
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toBeVisible();
  expect(switches).toHaveLength(0);

  await page.keyboard.press('Enter');
  await expect(list.getByRole('link', { name: 'Globex deploy config' })).toBeVisible();
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toHaveCount(0);
  expect(switches).toHaveLength(1);
  await expect(workspace).toBeFocused();

  // With the mouse: pick, then press Switch.
  await workspace.selectOption({ label: 'Acme' });
  await expect(list.getByRole('link', { name: 'Globex deploy config' })).toBeVisible();
  await page.getByRole('button', { name: 'Switch to Acme' }).click();
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toBeVisible();
  await expect(workspace.locator('option:checked')).toHaveText('Acme');
  await expect(workspace).toBeFocused();
});

test('looking through a member’s roles with the arrow keys asks nothing until Enter', async ({ page, signInAs }) => {
  await signInAs('owner');
  await page.getByRole('link', { name: 'Members' }).click();
  const role = page.getByRole('combobox', { name: 'Role of Vera Viewer' });
  const change = page.getByRole('button', { name: 'Change role of Vera Viewer' });
  const dialog = page.getByRole('alertdialog', { name: 'Change role?' });
  await expect(role).toHaveValue('viewer');

  await role.focus();
  await page.keyboard.press('ArrowUp');
  await expect(role).toHaveValue('member');
  await expect(change).toBeVisible();
  await page.keyboard.press('ArrowUp');
  await expect(role).toHaveValue('admin');
  await expect(dialog).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(role).toHaveValue('viewer');
  await expect(change).toBeHidden();

  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(dialog).toContainText('Make Vera Viewer a member?');
  // Called off: nothing changes, and focus is back on the role.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(role).toHaveValue('viewer');
  await expect(change).toBeHidden();
  await expect(role).toBeFocused();
});
