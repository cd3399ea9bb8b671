import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { bell, csrfTokenOf, expect, markDocument, test } from './fixtures.ts';

// Exporting snips as a background job: the list's filters decide what the file holds, the job's page shows its
// progress live and offers the file, and the bell says, live, that the export is ready.
//
// The exports run as the product manager: nobody else's test creates Markdown snips or counts the PM's unread
// notifications, so the file's content and the bell's panel are the PM's and this test's alone. Each run finds
// its own job by id, so repeats and parallel workers do not read each other's exports.
//
// Cancelling from the page is not exercised here: a demo export finishes in milliseconds, before a click could
// land, so whether the cancel or the finish wins would be a race. The page's cancel and retry are proven in
// web/src/features/jobs/job-page.test.tsx; here the API's answers to both for a finished job are checked.

const jobStatus = (page: Page) => page.getByText(/^Status:/);
const jobUrl = /\/jobs\/([0-9a-f-]{36})$/;

/** What the downloaded file holds, as far as this test looks at it (the contract is exportFileSchema). */
interface ExportFile {
  format: string;
  version: number;
  workspace: { name: string };
  snips: { title: string; language: string; author: { name: string } }[];
}

test('a filtered export runs in the background, shows its progress live, and its file holds what the filters select', async ({ page, signInAs }) => {
  await signInAs('pm');
  await page.goto('/snips');
  const list = page.getByRole('list', { name: 'Snips' });
  await page.getByLabel('Language', { exact: true }).selectOption({ label: 'Markdown' });
  await expect(page).toHaveURL(/\/snips\?language=markdown$/);
  await expect(list.getByRole('link', { name: 'Release checklist' })).toBeVisible();
  await expect(list.getByRole('link', { name: 'Tail the app logs' })).toHaveCount(0);

  const stillTheSameDocument = await markDocument(page);
  await page.getByRole('button', { name: 'Export' }).click();

  // The job's page, without a reload; the export reaches "Ready" from its stream.
  await expect(page).toHaveURL(jobUrl);
  const jobId = jobUrl.exec(new URL(page.url()).pathname)![1]!;
  await expect(page.getByRole('heading', { level: 1, name: 'Export' })).toBeVisible();
  await expect(jobStatus(page)).toHaveText('Status: Ready');
  const progress = page.getByRole('progressbar', { name: 'Export progress' });
  const total = Number(await progress.getAttribute('aria-valuemax'));
  expect(total).toBeGreaterThanOrEqual(2);
  await expect(progress).toHaveAttribute('aria-valuenow', String(total));
  await expect(page.getByText(`${total} of ${total} snips`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  expect(await stillTheSameDocument()).toBe(true);

  // The file: the Markdown snips the PM can see, their own private roadmap included, and nothing else.
  const download = page.getByRole('link', { name: 'Download' });
  await expect(download).toHaveAttribute('href', `/api/exports/${jobId}/file`);
  const downloaded = page.waitForEvent('download');
  await download.click();
  const file = await downloaded;
  expect(file.suggestedFilename()).toMatch(/^acme-snips-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(await readFile((await file.path())!, 'utf8')) as ExportFile;
  expect(exported).toMatchObject({ format: 'snipdesk-export', version: 1, workspace: { name: 'Acme' } });
  expect(exported.snips).toHaveLength(total);
  expect(exported.snips.every((snip) => snip.language === 'markdown')).toBe(true);
  expect(exported.snips.map((snip) => snip.title)).toEqual(expect.arrayContaining(['Release checklist', 'Roadmap notes']));

  // The bell heard of it while the page stayed: its panel leads to the job's page.
  await page.getByRole('link', { name: '← All exports' }).click();
  await expect(page).toHaveURL(/\/jobs$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Exports' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Exports' }).locator(`a[href="/jobs/${jobId}"]`)).toBeVisible();
  await bell(page).click();
  const panel = page.getByRole('dialog', { name: 'Notifications' });
  const notification = panel.locator(`a[href="/jobs/${jobId}"]`);
  await expect(notification).toHaveAccessibleName(/^Unread: Your export is ready/);
  await notification.click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
  await expect(jobStatus(page)).toHaveText('Status: Ready');
  await expect(panel).toHaveCount(0);
  expect(await stillTheSameDocument()).toBe(true);

  // A finished job can be neither cancelled nor retried; the API says why.
  const headers = { 'x-csrf-token': await csrfTokenOf(page.request) };
  const cancel = await page.request.post(`/api/jobs/${jobId}/cancel`, { headers });
  expect(cancel.status()).toBe(409);
  expect(((await cancel.json()) as { error: { code: string } }).error.code).toBe('job_finished');
  const retry = await page.request.post(`/api/jobs/${jobId}/retry`, { headers });
  expect(retry.status()).toBe(409);
  expect(((await retry.json()) as { error: { code: string } }).error.code).toBe('job_not_retryable');
});

test('someone else’s export is not found, and neither is its file', async ({ page, signInAs, signedInElsewhere }) => {
  await signInAs('pm');
  const response = await page.request.post('/api/exports', {
    headers: { 'x-csrf-token': await csrfTokenOf(page.request) },
    data: { filters: { language: 'markdown' } },
  });
  expect(response.status()).toBe(202);
  const { id } = (await response.json()) as { id: string };

  // The file is there for its owner, so a 404 for anyone else is the policy's answer, not a file not written yet.
  await expect.poll(async () => (await page.request.get(`/api/exports/${id}/file`)).status()).toBe(200);

  const member = await signedInElsewhere('member');
  await member.goto(`/jobs/${id}`);
  await expect(member.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  expect((await member.request.get(`/api/exports/${id}/file`)).status()).toBe(404);
});
