import { queryOptions, useSuspenseQuery, type QueryClient } from '@tanstack/react-query';
import { sessionStateSchema, type SessionState, type SessionUser } from '#shared/contracts/session.ts';
import { apiRequest } from '../../api/api-client.ts';
import { getSessionGate } from '../../api/session-gate.ts';
import { isSignedOutFlagSnapshot } from '../flags/flag-keys.ts';
import { authKeys } from './auth-keys.ts';

/**
 * GET /api/session: who is signed in (or null) and the CSRF token every unsafe request must carry.
 * The query waits while the session is expired (`needsSession`), so a background refetch cannot replace the
 * person with `null` and take the page they are working on away; `refreshSession` reads it regardless.
 */
export function fetchSession(signal?: AbortSignal, { needsSession = true }: { needsSession?: boolean } = {}): Promise<SessionState> {
  return apiRequest('/api/session', { schema: sessionStateSchema, signal, needsSession });
}

export const sessionQueryOptions = queryOptions({
  queryKey: authKeys.session(),
  queryFn: ({ signal }) => fetchSession(signal),
  // The session only changes when we sign in or out, and both write it into the cache themselves.
  staleTime: 5 * 60_000,
});

/**
 * Reads the session now, even while it is expired (for a fresh CSRF token, or after another tab signed in).
 * While expired and still signed out, it keeps the person in the cache and takes only the token: the pages on
 * screen stay as they were until someone signs in again.
 */
export async function refreshSession(queryClient: QueryClient): Promise<SessionState> {
  const session = await fetchSession(undefined, { needsSession: false });
  if (!session.user && getSessionGate().status === 'expired') {
    queryClient.setQueryData(sessionQueryOptions.queryKey, (cached) => (cached ? { ...cached, csrfToken: session.csrfToken } : session));
  } else {
    queryClient.setQueryData(sessionQueryOptions.queryKey, session);
  }
  return session;
}

/** Who this tab shows as signed in, from the cache: no request, null when nobody (or nothing is cached yet). */
export function cachedSessionUser(queryClient: QueryClient): SessionUser | null {
  return queryClient.getQueryData(sessionQueryOptions.queryKey)?.user ?? null;
}

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

/**
 * Drops everything cached outside `authKeys.all`: nothing read for one person may outlive their session in the tab.
 * The flags of someone signed out stay: read for nobody, they are what the sign-in page already shows under.
 * Call it once no mounted page shows that data any more, or the pages refetch it.
 */
export function forgetSignedInData(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: ({ queryKey }) => queryKey[0] !== authKeys.all[0] && !isSignedOutFlagSnapshot(queryKey) });
}
