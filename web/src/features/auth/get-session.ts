import { queryOptions, useSuspenseQuery, type QueryClient } from '@tanstack/react-query';
import { sessionStateSchema, type SessionState } from '#shared/contracts/session.ts';
import { apiRequest } from '../../api/api-client.ts';
import { authKeys } from './auth-keys.ts';

/** GET /api/session: who is signed in (or null) and the CSRF token every unsafe request must carry. */
export function fetchSession(signal?: AbortSignal): Promise<SessionState> {
  return apiRequest('/api/session', { schema: sessionStateSchema, signal });
}

export const sessionQueryOptions = queryOptions({
  queryKey: authKeys.session(),
  queryFn: ({ signal }) => fetchSession(signal),
  // The session only changes when we sign in or out, and both write it into the cache themselves.
  staleTime: 5 * 60_000,
});

export function useSession(): SessionState {
  return useSuspenseQuery(sessionQueryOptions).data;
}

/**
 * Forget who is signed in without dropping the query (mounted components keep rendering, signed out).
 * Route guards then redirect to sign-in, whose loader fetches the session again for a fresh CSRF token.
 */
export function markSignedOut(queryClient: QueryClient): void {
  queryClient.setQueryData(authKeys.session(), (session) => session && { ...session, user: null });
}
