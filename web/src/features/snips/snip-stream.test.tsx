import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { Snip } from '#shared/contracts/snips.ts';
import type { ServerMessage } from '#shared/realtime/messages.ts';
import { createQueryClient } from '../../app/query-client.ts';
import { createRealtimeConnection, type RealtimeConnection } from '../../app/realtime-connection.ts';
import { RealtimeProvider } from '../../app/realtime-provider.tsx';
import { startScriptedServer, type Peer, type ScriptedServer } from '../../app/realtime-test-server.ts';
import { snipQueryOptions } from './get-snip.ts';
import { snipKeys } from './snip-keys.ts';
import { useSnipStream } from './snip-stream.ts';

// What a snip's live stream does to the react-query cache: it only ever invalidates, so the snip is read again
// over HTTP, and only when the stream says something the cache does not know yet.

const id = '0b6a2c1e-cccc-4a1a-8a1a-0000000000a1';
const stream = `snip:${id}` as const;
let server: ScriptedServer;
let connection: RealtimeConnection;
let queryClient: QueryClient;

beforeEach(async () => {
  server = await startScriptedServer();
  connection = createRealtimeConnection({ url: server.url, WebSocket: NodeWebSocket as unknown as typeof globalThis.WebSocket, network: null, lingerMs: 0 });
  connection.connect();
  queryClient = createQueryClient();
  queryClient.setQueryData(snipQueryOptions(id).queryKey, { id, title: 'Cached', version: 2 } as Snip);
  queryClient.setQueryData(snipKeys.list({ limit: 20 }), { pages: [], pageParams: [] });
});

afterEach(async () => {
  connection.dispose();
  queryClient.clear();
  await server.close();
});

function wrapper({ children }: { children: ReactNode }) {
  return (
    <QueryClientProvider client={queryClient}>
      <RealtimeProvider connection={connection}>{children}</RealtimeProvider>
    </QueryClientProvider>
  );
}

async function followed(): Promise<Peer> {
  renderHook(() => useSnipStream(id), { wrapper });
  await vi.waitFor(() => expect(server.peers[0]?.received).toEqual([{ v: 1, type: 'subscribe', stream }]));
  return server.peers[0]!;
}

const invalidated = () => ({
  snip: queryClient.getQueryState(snipKeys.detail(id))?.isInvalidated,
  list: queryClient.getQueryState(snipKeys.list({ limit: 20 }))?.isInvalidated,
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
