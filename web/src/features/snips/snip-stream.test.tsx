import { renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Snip } from '#shared/contracts/snips.ts';
import type { ServerMessage } from '#shared/realtime/messages.ts';
import type { Peer } from '../../app/realtime-test-server.ts';
import { startLiveTest, type LiveTest } from '../../app/feature-test-harness.tsx';
import { snipQueryOptions } from './get-snip.ts';
import { snipKeys } from './snip-keys.ts';
import { useSnipStream } from './snip-stream.ts';

// What a snip's live stream does to the react-query cache: it only ever invalidates, so the snip is read again
// over HTTP, and only when the stream says something the cache does not know yet.

const id = '0b6a2c1e-cccc-4a1a-8a1a-0000000000a1';
const stream = `snip:${id}` as const;
let live: LiveTest;

beforeEach(async () => {
  live = await startLiveTest();
  live.queryClient.setQueryData(snipQueryOptions(id).queryKey, { id, title: 'Cached', version: 2 } as Snip);
  live.queryClient.setQueryData(snipKeys.list({ limit: 20 }), { pages: [], pageParams: [] });
});

afterEach(() => live.stop());

async function followed(): Promise<Peer> {
  renderHook(() => useSnipStream(id), { wrapper: live.Providers });
  return live.subscribed(stream);
}

const invalidated = () => ({
  snip: live.queryClient.getQueryState(snipKeys.detail(id))?.isInvalidated,
  list: live.queryClient.getQueryState(snipKeys.list({ limit: 20 }))?.isInvalidated,
});
const state = (version: number, deleted = false) => ({ kind: 'snip' as const, version, comments: 0, deleted });
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('useSnipStream', () => {
  it('leaves the cache alone while the stream says the version it already has', async () => {
    const server0 = await followed();
    server0.send({ v: 1, type: 'snapshot', stream, seq: 2, state: state(2) });
    server0.send({ v: 1, type: 'update', stream, seq: 3, state: { ...state(2), comments: 1 } });
    server0.send({ v: 1, type: 'presence', stream, viewers: [] });
    await settle();
    expect(invalidated()).toEqual({ snip: false, list: false });
  });

  it('invalidates the snip and the lists when a newer version is saved', async () => {
    const server0 = await followed();
    server0.send({ v: 1, type: 'snapshot', stream, seq: 2, state: state(2) });
    server0.send({ v: 1, type: 'update', stream, seq: 3, state: state(3) });
    await vi.waitFor(() => expect(invalidated()).toEqual({ snip: true, list: true }));
  });

  it.each<[string, ServerMessage]>([
    ['deleted', { v: 1, type: 'update', stream, seq: 3, state: state(2, true) }],
    ['ended', { v: 1, type: 'ended', stream }],
    ['denied', { v: 1, type: 'denied', stream }],
  ])('invalidates when the snip is %s, so the read answers what is left of it', async (_name, message) => {
    const server0 = await followed();
    server0.send(message);
    await vi.waitFor(() => expect(invalidated()).toEqual({ snip: true, list: true }));
  });
});
