import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { cleanup } from '@testing-library/react';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReactNode } from 'react';
import { expect, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { SessionUser, WorkspaceRole } from '#shared/contracts/session.ts';
import type { StreamName } from '#shared/realtime/messages.ts';
import { configureApiClient } from '../api/api-client.ts';
import { createQueryClient } from './query-client.ts';
import { createRealtimeConnection, type RealtimeConnection } from './realtime-connection.ts';
import { RealtimeProvider } from './realtime-provider.tsx';
import { startScriptedServer, type Peer, type ScriptedServer } from './realtime-test-server.ts';

/**
 * For the web tests of the features: the real things their components run against (an HTTP server answering as
 * the BFF does, a WebSocket standing in for the gateway), set up the same way in every test file. Not part of the
 * app: only tests import it.
 */

/** Olivia, signed in to Acme as `role`. */
export function signedInUser(role: WorkspaceRole = 'owner'): SessionUser {
  return {
    id: '0b6a2c1e-1111-4a1a-8a1a-000000000001',
    email: 'olivia@example.com',
    name: 'Olivia Owner',
    isPm: false,
    workspace: { id: '0b6a2c1e-aaaa-4a1a-8a1a-00000000000a', name: 'Acme', role },
  };
}

export interface TestApi {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves `handle` on loopback and makes the test page live on its origin (the SPA calls its own origin with
 * relative paths), with the fetch client configured as start-up configures it, a fixed CSRF token included.
 */
export async function serveTestApi(handle: RequestListener): Promise<TestApi> {
  const http = createServer(handle);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
  configureApiClient({ csrfToken: () => Promise.resolve('token'), onUnauthorized: () => {} });
  return { origin, close: () => new Promise<void>((resolve) => http.close(() => resolve())) };
}

/**
 * Live updates for one test: a scripted WebSocket server (app/realtime-test-server.ts), the tab's connection to it,
 * and a fresh query client, with `Providers` to put both above what the test renders. Start one in `beforeEach`
 * and stop it in `afterEach`.
 */
export interface LiveTest {
  readonly ws: ScriptedServer;
  readonly connection: RealtimeConnection;
  readonly queryClient: QueryClient;
  readonly Providers: (props: { children: ReactNode }) => ReactNode;
  /** The tab's socket, once it has subscribed to `stream` and to nothing else. */
  subscribed(stream: StreamName): Promise<Peer>;
  /** Unmounts what the test rendered, then closes the connection and the server and empties the cache. */
  stop(): Promise<void>;
}

export async function startLiveTest(): Promise<LiveTest> {
  const ws = await startScriptedServer();
  const connection = createRealtimeConnection({ url: ws.url, WebSocket: NodeWebSocket as unknown as typeof globalThis.WebSocket, network: null, lingerMs: 0 });
  connection.connect();
  const queryClient = createQueryClient();
  return {
    ws,
    connection,
    queryClient,
    Providers: ({ children }) => (
      <QueryClientProvider client={queryClient}>
        <RealtimeProvider connection={connection}>{children}</RealtimeProvider>
      </QueryClientProvider>
    ),
    async subscribed(stream) {
      await vi.waitFor(() => expect(ws.peers[0]?.received).toEqual([{ v: 1, type: 'subscribe', stream }]));
      return ws.peers[0]!;
    },
    async stop() {
      cleanup();
      connection.dispose();
      queryClient.clear();
      await ws.close();
    },
  };
}
