import { expect, test } from './fixtures.ts';

test('a member searches and filters snips, and the filters live in the address', async ({ page, signInAs }) => {
  await signInAs('member');
  const list = page.getByRole('list', { name: 'Snips' });
  const search = page.getByRole('searchbox', { name: 'Search' });

  // Typing applies once it pauses; a word also matches as a prefix.
  await search.fill('backo');
  await expect(page).toHaveURL(/\/snips\?q=backo$/);
  await expect(list.getByRole('link', { name: 'Retry with exponential backoff' })).toBeVisible();
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toHaveCount(0);

  // A reload keeps the search.
  await page.reload();
  await expect(search).toHaveValue('backo');
  await expect(list.getByRole('link', { name: 'Retry with exponential backoff' })).toBeVisible();

  await search.fill('');
  await expect(page).toHaveURL(/\/snips$/);
  await page.getByLabel('Author').selectOption({ label: 'Olivia Owner' });
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toBeVisible();
  await expect(list.getByRole('link', { name: 'Release checklist' })).toHaveCount(0);

  await page.getByLabel('Language', { exact: true }).selectOption({ label: 'SQL' });
  await expect(page).toHaveURL(/language=sql/);
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toBeVisible();
  await expect(list.getByRole('link', { name: 'Debounce a function' })).toHaveCount(0);

  // Back undoes the last choice, and the bar follows.
  await page.goBack();
  await expect(page.getByLabel('Language', { exact: true })).toHaveValue('');
  await expect(list.getByRole('link', { name: 'Debounce a function' })).toBeVisible();

  await page.getByLabel('Tag', { exact: true }).fill('Postgres');
  await expect(page).toHaveURL(/tag=postgres/);
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toBeVisible();
  await expect(list.getByRole('link', { name: 'Debounce a function' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/snips$/);
  await page.getByLabel('Visibility').selectOption('private');
  await expect(list.getByRole('link', { name: 'My scratchpad' })).toBeVisible();
  await expect(list.getByRole('link', { name: 'Find slow queries' })).toHaveCount(0);

  // Nothing found is said so, with a way out.
  await search.fill('zzyzx nothing matches this');
  await expect(page.getByText('No snips match')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/snips$/);
  await expect(search).toHaveValue('');
  await expect(list.getByRole('link', { name: 'Release checklist' })).toBeVisible();
});
