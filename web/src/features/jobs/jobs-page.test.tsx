import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { SessionUser } from '#shared/contracts/session.ts';
import { configureApiClient } from '../../api/api-client.ts';
import { createQueryClient } from '../../app/query-client.ts';
import { createRealtimeConnection, type RealtimeConnection } from '../../app/realtime-connection.ts';
import { RealtimeProvider } from '../../app/realtime-provider.tsx';
import { startScriptedServer, type ScriptedServer } from '../../app/realtime-test-server.ts';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { JobsPage, jobsLoader } from './jobs-page.tsx';
import { startJobTestServer, testJob, type JobTestServer } from './job-test-server.ts';

// The list of recent exports against a real HTTP server and a real WebSocket: each job links to its page with its
// status in words, and only the jobs still running follow their streams, moving without a reload.

const running = '0b6a2c1e-9999-4a1a-8a1a-0000000000b1';
const done = '0b6a2c1e-9999-4a1a-8a1a-0000000000b2';
const user: SessionUser = {
  id: '0b6a2c1e-1111-4a1a-8a1a-000000000001',
  email: 'olivia@example.com',
  name: 'Olivia Owner',
  isPm: false,
  workspace: { id: '0b6a2c1e-aaaa-4a1a-8a1a-00000000000a', name: 'Acme', role: 'owner' },
};

let api: JobTestServer;
let ws: ScriptedServer;
let connection: RealtimeConnection;
let queryClient: QueryClient;

beforeAll(async () => {
  api = await startJobTestServer();
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${api.origin}/jobs`);
  configureApiClient({ csrfToken: () => Promise.resolve('token'), onUnauthorized: () => {} });
});

afterAll(() => api.close());

beforeEach(async () => {
  api.requests.length = 0;
  ws = await startScriptedServer();
  connection = createRealtimeConnection({ url: ws.url, WebSocket: NodeWebSocket as unknown as typeof globalThis.WebSocket, network: null, lingerMs: 0 });
  connection.connect();
  queryClient = createQueryClient();
  queryClient.setQueryData(sessionQueryOptions.queryKey, { user, csrfToken: 'token' });
});

afterEach(async () => {
  cleanup();
  connection.dispose();
  queryClient.clear();
  await ws.close();
});

function renderJobsPage() {
  const router = createMemoryRouter([{ path: '/jobs', loader: jobsLoader(queryClient), Component: JobsPage }], { initialEntries: ['/jobs'] });
  render(
    <QueryClientProvider client={queryClient}>
      <RealtimeProvider connection={connection}>
        <RouterProvider router={router} />
      </RealtimeProvider>
    </QueryClientProvider>,
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
    await vi.waitFor(() => expect(ws.peers[0]?.received).toEqual([{ v: 1, type: 'subscribe', stream: `job:${running}` }]));
    const peer = ws.peers[0]!;
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
