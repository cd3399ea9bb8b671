import { render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { signedInUser, startLiveTest, type LiveTest } from '../../app/feature-test-harness.tsx';
import { JobsPage, jobsLoader } from './jobs-page.tsx';
import { startJobTestServer, testJob, type JobTestServer } from './job-test-server.ts';

// The list of recent exports against a real HTTP server and a real WebSocket: each job links to its page with its
// status in words, and only the jobs still running follow their streams, moving without a reload.

const running = '0b6a2c1e-9999-4a1a-8a1a-0000000000b1';
const done = '0b6a2c1e-9999-4a1a-8a1a-0000000000b2';

let api: JobTestServer;
let live: LiveTest;

beforeAll(async () => {
  api = await startJobTestServer();
});

afterAll(() => api.close());

beforeEach(async () => {
  api.requests.length = 0;
  live = await startLiveTest();
  live.queryClient.setQueryData(sessionQueryOptions.queryKey, { user: signedInUser(), csrfToken: 'token' });
});

afterEach(() => live.stop());

function renderJobsPage() {
  const router = createMemoryRouter([{ path: '/jobs', loader: jobsLoader(live.queryClient), Component: JobsPage }], { initialEntries: ['/jobs'] });
  render(
    <live.Providers>
      <RouterProvider router={router} />
    </live.Providers>,
  );
}

const rows = () => within(screen.getByRole('list', { name: 'Exports' })).getAllByRole('listitem');
const rowTexts = () => rows().map((row) => [row.querySelector('.job-badge')?.textContent, row.querySelector('.job-card__progress')?.textContent]);

describe('JobsPage', () => {
  it('lists the recent exports with their status, each leading to its page; running ones move live', async () => {
    api.jobs = [
      testJob({ id: running, status: 'running', progress: { done: 100, total: 258 } }),
      testJob({ id: done, status: 'succeeded', progress: { done: 8, total: 8 }, resultUrl: `/api/exports/${done}/file`, finishedAt: new Date().toISOString() }),
    ];
    renderJobsPage();
    await screen.findByRole('heading', { level: 1, name: 'Exports' });
    expect(rowTexts()).toEqual([
      ['In progress', '100 of 258 snips'],
      ['Ready', '8 of 8 snips'],
    ]);
    expect(within(rows()[0]!).getByRole('link', { name: /^Export started/ }).getAttribute('href')).toBe(`/jobs/${running}`);
    expect(within(rows()[1]!).getByRole('link', { name: /^Export started/ }).getAttribute('href')).toBe(`/jobs/${done}`);

    // Only the running job is followed.
    const peer = await live.subscribed(`job:${running}`);
    peer.send({ v: 1, type: 'update', stream: `job:${running}`, seq: 5, state: { kind: 'job', status: 'running', progress: { done: 200, total: 258 } } });
    await vi.waitFor(() => expect(rowTexts()[0]).toEqual(['In progress', '200 of 258 snips']));

    api.jobs = [{ ...api.jobs[0]!, status: 'succeeded', progress: { done: 258, total: 258 }, resultUrl: `/api/exports/${running}/file` }, api.jobs[1]!];
    peer.send({ v: 1, type: 'update', stream: `job:${running}`, seq: 6, state: { kind: 'job', status: 'succeeded', progress: { done: 258, total: 258 } } });
    await vi.waitFor(() => expect(rowTexts()[0]).toEqual(['Ready', '258 of 258 snips']));
    // Read again once it finished, and no longer followed.
    await vi.waitFor(() => expect(api.requests).toEqual(['GET /api/jobs', 'GET /api/jobs']));
    await vi.waitFor(() => expect(peer.received.at(-1)).toEqual({ v: 1, type: 'unsubscribe', stream: `job:${running}` }));
  });

  it('says how to start one when there are none yet', async () => {
    api.jobs = [];
    renderJobsPage();
    expect(await screen.findByText('No exports yet')).toBeDefined();
    expect(screen.getByRole('link', { name: 'snips list' }).getAttribute('href')).toBe('/snips');
  });
});
