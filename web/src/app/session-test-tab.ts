import type { QueryClient } from '@tanstack/react-query';
import { createMemoryRouter } from 'react-router';
import type { SessionTestServer } from '../api/session-test-server.ts';
import { alice } from '../api/session-test-server.ts';
import { sessionQueryOptions } from '../features/auth/get-session.ts';
import { connectApiToSession } from './api-session.ts';
import { createQueryClient } from './query-client.ts';

/**
 * For tests: a tab signed in as alice on the session test server, its fetch client connected to the session as
 * main.tsx connects it, with the session already read. Requests made so far are forgotten.
 */
export async function openSignedInTab(server: SessionTestServer): Promise<{ queryClient: QueryClient; disconnect: () => void }> {
  server.requests.length = 0;
  server.signIn(alice);
  const queryClient = createQueryClient();
  const disconnect = connectApiToSession(queryClient, createMemoryRouter([{ path: '*', Component: () => null }]));
  await queryClient.fetchQuery(sessionQueryOptions);
  server.requests.length = 0;
  return { queryClient, disconnect };
}
