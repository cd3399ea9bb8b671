import { renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job, JobList, JobStatus } from '#shared/contracts/jobs.ts';
import type { ServerMessage } from '#shared/realtime/messages.ts';
import type { Peer } from '../../app/realtime-test-server.ts';
import { startLiveTest, type LiveTest } from '../../app/feature-test-harness.tsx';
import { jobQueryOptions } from './get-job.ts';
import { jobKeys } from './job-keys.ts';
import { useJobStream } from './job-stream.ts';
import { testJob } from './job-test-server.ts';

// What a job's live stream does to the react-query cache: status and progress go straight into the cached job and
// its row in the lists (no second store, no request per step); once it has finished, the job and the lists are
// read again for what the stream does not carry (error text, result link).

const id = '0b6a2c1e-9999-4a1a-8a1a-0000000000b1';
const other = '0b6a2c1e-9999-4a1a-8a1a-0000000000b2';
const workspaceId = '0b6a2c1e-aaaa-4a1a-8a1a-00000000000a';
const stream = `job:${id}` as const;
const job = (overrides: Partial<Job> = {}): Job => testJob({ id, createdAt: '2026-01-05T10:00:00.000Z', ...overrides });

let live: LiveTest;

beforeEach(async () => {
  live = await startLiveTest();
});

afterEach(() => live.stop());

async function followed(jobId: string | null = id): Promise<Peer> {
  renderHook(() => useJobStream(jobId), { wrapper: live.Providers });
  return live.subscribed(stream);
}

const detail = () => live.queryClient.getQueryData(jobQueryOptions(id).queryKey);
const listed = () => live.queryClient.getQueryData<JobList>(jobKeys.list(workspaceId));
const invalidated = () => ({
  job: live.queryClient.getQueryState(jobKeys.detail(id))?.isInvalidated,
  list: live.queryClient.getQueryState(jobKeys.list(workspaceId))?.isInvalidated,
});
const update = (seq: number, status: JobStatus, done: number, total: number | null): ServerMessage => ({
  v: 1,
  type: seq === 1 ? 'snapshot' : 'update',
  stream,
  seq,
  state: { kind: 'job', status, progress: { done, total } },
});

describe('useJobStream', () => {
  beforeEach(() => {
    live.queryClient.setQueryData(jobKeys.detail(id), job());
    live.queryClient.setQueryData(jobKeys.list(workspaceId), { items: [job({ id: other, status: 'succeeded' }), job()] });
  });

  it('puts each step’s status and progress into the cached job and its list row, and reads nothing again', async () => {
    const peer = await followed();
    peer.send(update(1, 'queued', 0, null));
    peer.send(update(2, 'running', 0, null));
    peer.send(update(3, 'running', 100, 258));
    await vi.waitFor(() => expect(detail()).toEqual(job({ status: 'running', progress: { done: 100, total: 258 } })));
    expect(listed()?.items.map((item) => [item.id, item.status, item.progress.done])).toEqual([
      [other, 'succeeded', 0],
      [id, 'running', 100],
    ]);
    expect(invalidated()).toEqual({ job: false, list: false });
  });

  it('reads the job and the lists again once it has finished, for the result link the stream does not carry', async () => {
    const peer = await followed();
    peer.send(update(2, 'running', 200, 258));
    peer.send(update(3, 'succeeded', 258, 258));
    await vi.waitFor(() => expect(invalidated()).toEqual({ job: true, list: true }));
    expect(detail()).toMatchObject({ status: 'succeeded', progress: { done: 258, total: 258 } });
  });

  it('leaves a job it already read as finished alone when the snapshot says the same', async () => {
    const finished = job({ status: 'failed', error: 'Narrow it with filters.', finishedAt: '2026-01-05T10:00:01.000Z' });
    live.queryClient.setQueryData(jobKeys.detail(id), finished);
    const peer = await followed();
    peer.send(update(4, 'failed', 0, 20_000));
    await vi.waitFor(() => expect(detail()?.progress.total).toBe(20_000));
    expect(invalidated()).toEqual({ job: false, list: false });
    expect(detail()?.error).toBe('Narrow it with filters.');
  });

  it.each<[string, ServerMessage]>([
    ['denied', { v: 1, type: 'denied', stream }],
    ['ended', { v: 1, type: 'ended', stream }],
  ])('reads the job again when the stream is %s, so the page shows what the API says of it', async (_name, message) => {
    const peer = await followed();
    peer.send(message);
    await vi.waitFor(() => expect(invalidated()).toEqual({ job: true, list: true }));
  });

  it('follows nothing for a null id', async () => {
    // A list row of a finished job (null) beside one still running: only the running one is subscribed, and
    // messages arrive in order, so anything the null one had sent would have come first.
    renderHook(() => useJobStream(null), { wrapper: live.Providers });
    await followed();
  });
});
