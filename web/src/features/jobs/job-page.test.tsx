import { render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobStatus } from '#shared/contracts/jobs.ts';
import { ConfirmProvider } from '../../app/confirm-provider.tsx';
import type { Peer } from '../../app/realtime-test-server.ts';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { signedInUser, startLiveTest, type LiveTest } from '../../app/feature-test-harness.tsx';
import { JobPage, jobLoader } from './job-page.tsx';
import { startJobTestServer, testJob, type JobTestServer } from './job-test-server.ts';

// The job page against a real HTTP server (the jobs API) and a real WebSocket (the `job:<id>` stream): progress
// moves from the stream without a request per step, the finished job is read once for its result link, and cancel
// (through the confirm modal) and retry go through the API, with its errors shown.

const id = '0b6a2c1e-9999-4a1a-8a1a-0000000000b1';
const retriedId = '0b6a2c1e-9999-4a1a-8a1a-0000000000b2';
const stream = `job:${id}` as const;

let api: JobTestServer;
let live: LiveTest;

beforeAll(async () => {
  api = await startJobTestServer();
});

afterAll(() => api.close());

beforeEach(async () => {
  api.requests.length = 0;
  api.nextJobId = retriedId;
  live = await startLiveTest();
  live.queryClient.setQueryData(sessionQueryOptions.queryKey, { user: signedInUser(), csrfToken: 'token' });
});

afterEach(() => live.stop());

async function renderJobPage(): Promise<{ peer: Peer; router: ReturnType<typeof createMemoryRouter> }> {
  const router = createMemoryRouter([{ path: '/jobs/:id', loader: jobLoader(live.queryClient), Component: JobPage }], { initialEntries: [`/jobs/${id}`] });
  render(
    <live.Providers>
      <ConfirmProvider>
        <RouterProvider router={router} />
      </ConfirmProvider>
    </live.Providers>,
  );
  await screen.findByRole('heading', { level: 1, name: 'Export' });
  return { peer: await live.subscribed(stream), router };
}

const progressBar = () => screen.getByRole('progressbar', { name: 'Export progress' });
const statusText = () => screen.getByText(/^Status:/).textContent;
const state = (status: JobStatus, done: number, total: number | null) => ({ kind: 'job' as const, status, progress: { done, total } });

describe('JobPage', () => {
  it('moves the progress bar live from the stream, then offers the file once the export is ready', async () => {
    api.jobs = [testJob({ id })];
    const { peer } = await renderJobPage();
    // Queued: no total yet, so the bar is indeterminate (no value), and says so in words.
    expect(progressBar().getAttribute('aria-valuenow')).toBeNull();
    expect(progressBar().getAttribute('aria-valuetext')).toBe('Waiting to start…');
    expect(statusText()).toBe('Status: Waiting to start');
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeDefined();

    peer.send({ v: 1, type: 'snapshot', stream, seq: 1, state: state('queued', 0, null) });
    peer.send({ v: 1, type: 'update', stream, seq: 2, state: state('running', 0, null) });
    await vi.waitFor(() => expect(progressBar().getAttribute('aria-valuetext')).toBe('Counting snips…'));
    peer.send({ v: 1, type: 'update', stream, seq: 3, state: state('running', 120, 258) });
    await vi.waitFor(() => expect(progressBar().getAttribute('aria-valuenow')).toBe('120'));
    expect(progressBar().getAttribute('aria-valuemax')).toBe('258');
    expect(screen.getByText('120 of 258 snips')).toBeDefined();
    expect(statusText()).toBe('Status: In progress');

    // The worker finishes; the stream says so, and the page reads the job once for its result link.
    const resultUrl = `/api/exports/${id}/file`;
    api.jobs = [testJob({ id, status: 'succeeded', progress: { done: 258, total: 258 }, resultUrl, finishedAt: new Date().toISOString() })];
    peer.send({ v: 1, type: 'update', stream, seq: 4, state: state('succeeded', 258, 258) });
    const download = await screen.findByRole('link', { name: 'Download' });
    expect(download.getAttribute('href')).toBe(resultUrl);
    expect(download.hasAttribute('download')).toBe(true);
    expect(statusText()).toBe('Status: Ready');
    expect(progressBar().getAttribute('aria-valuenow')).toBe('258');
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    // The first load and the read after it finished: every step in between came from the stream.
    expect(api.requests).toEqual([`GET /api/jobs/${id}`, `GET /api/jobs/${id}`]);
  });

  it('cancels only once confirmed in the modal, then tries again as a new job and opens it', async () => {
    api.jobs = [testJob({ id, status: 'running', progress: { done: 100, total: 258 } })];
    const { router } = await renderJobPage();
    const person = userEvent.setup();

    await person.click(screen.getByRole('button', { name: 'Cancel' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Cancel this export?' });
    await person.click(within(dialog).getByRole('button', { name: 'Keep exporting' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(api.requests).toEqual([`GET /api/jobs/${id}`]);

    await person.click(screen.getByRole('button', { name: 'Cancel' }));
    await person.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Cancel export' }));
    await vi.waitFor(() => expect(statusText()).toBe('Status: Cancelled'));
    expect(api.requests).toEqual([`GET /api/jobs/${id}`, `POST /api/jobs/${id}/cancel`]);
    // The Cancel button went away with the running job; focus is on what happened, not lost.
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    await vi.waitFor(() => expect(document.activeElement?.textContent).toBe('Status: Cancelled'));
    expect(screen.getByText('This export was cancelled before it finished.')).toBeDefined();

    await person.click(screen.getByRole('button', { name: 'Try again' }));
    await vi.waitFor(() => expect(router.state.location.pathname).toBe(`/jobs/${retriedId}`));
    await vi.waitFor(() => expect(statusText()).toBe('Status: Waiting to start'));
    expect(api.requests).toEqual([`GET /api/jobs/${id}`, `POST /api/jobs/${id}/cancel`, `POST /api/jobs/${id}/retry`]);
  });

  it('shows why a job failed, with a way to try it again', async () => {
    api.jobs = [testJob({ id, status: 'failed', error: 'This export would hold 20000 snips. Narrow it with filters.', finishedAt: new Date().toISOString() })];
    await renderJobPage();
    const failure = screen.getByRole('alert');
    expect(within(failure).getByText('This export failed')).toBeDefined();
    expect(within(failure).getByText('This export would hold 20000 snips. Narrow it with filters.')).toBeDefined();
    expect(within(failure).getByRole('button', { name: 'Try again' })).toBeDefined();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Download' })).toBeNull();
  });

  it('says what the API answers when a cancel comes too late, and shows how the job really ended', async () => {
    // The page shows it running, but it finishes meanwhile: the cancel answers 409, and the job is read again.
    api.jobs = [testJob({ id, status: 'running', progress: { done: 1, total: 2 } })];
    await renderJobPage();
    api.jobs = [testJob({ id, status: 'succeeded', progress: { done: 2, total: 2 }, resultUrl: `/api/exports/${id}/file`, finishedAt: new Date().toISOString() })];
    const person = userEvent.setup();
    await person.click(screen.getByRole('button', { name: 'Cancel' }));
    await person.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Cancel export' }));
    expect((await screen.findByRole('alert')).textContent).toBe('This job has already finished.');
    await vi.waitFor(() => expect(statusText()).toBe('Status: Ready'));
    expect(screen.getByRole('link', { name: 'Download' })).toBeDefined();
  });
});
