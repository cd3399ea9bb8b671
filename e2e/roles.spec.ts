import { expect, test } from './fixtures.ts';

// Seeded in Acme: "Find slow queries" is written by the owner, "Release checklist" by the member.

test('a viewer reads snips but is offered no way to write them', async ({ page, signInAs }) => {
  await signInAs('viewer');
  const list = page.getByRole('list', { name: 'Snips' });
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New snip' })).toHaveCount(0);

  await list.getByRole('link', { name: 'Find slow queries' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Find slow queries' })).toBeVisible();
  await expect(page.locator('pre > code')).toContainText('pg_stat_statements');
  await expect(page.getByRole('link', { name: 'Edit', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete', exact: true })).toHaveCount(0);

  // Typed into the address bar, the editor is not offered either.
  await page.goto(`${new URL(page.url()).pathname}/edit`);
  await expect(page.getByRole('heading', { name: /can.t edit this snip/ })).toBeVisible();
  await expect(page.getByLabel('Title')).toHaveCount(0);
  await page.goto('/snips/new');
  await expect(page.getByRole('heading', { name: /can.t write snips here/ })).toBeVisible();

  // The members page is readable, without any control to manage members.
  await page.getByRole('link', { name: 'Members' }).click();
  const owner = page.getByRole('row').filter({ hasText: 'owner@example.com' });
  await expect(owner.getByRole('cell', { name: 'Owner', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add member' })).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: /^Role of/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
});

test('a member is offered to edit their own snips only', async ({ page, signInAs }) => {
  await signInAs('member');
  const list = page.getByRole('list', { name: 'Snips' });

  await list.getByRole('link', { name: 'Find slow queries' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Find slow queries' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Edit', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete', exact: true })).toHaveCount(0);

  await page.getByRole('link', { name: 'All snips' }).click();
  await list.getByRole('link', { name: 'Release checklist' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Release checklist' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Edit', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete', exact: true })).toBeVisible();
});

test("an outsider who opens the address of another workspace's snip gets the not-found page", async ({ page, signInAs, signedInElsewhere }) => {
  await signInAs('member');
  await page.getByRole('list', { name: 'Snips' }).getByRole('link', { name: 'Find slow queries' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Find slow queries' })).toBeVisible();
  const address = new URL(page.url()).pathname;

  const outsider = await signedInElsewhere('outsider');
  await expect(outsider.getByRole('banner')).toContainText('Globex');
  await outsider.goto(address);
  await expect(outsider.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(outsider.getByText('pg_stat_statements')).toHaveCount(0);
  await expect(outsider.getByRole('button', { name: 'Sign out' })).toBeVisible();
});
