import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { flagSnapshotSchema, type FlagSnapshot } from '#shared/contracts/flags.ts';
import type { SessionUser } from '#shared/contracts/session.ts';
import type { ClientFlagKey, ClientFlagValues } from '#shared/flags/registry.ts';
import { apiRequest } from '../../api/api-client.ts';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { flagValue } from './applied-flags.ts';
import { flagKeys } from './flag-keys.ts';

/** Whom the BFF resolves the flags for: the session's user in their current workspace, or nobody. */
export interface FlagScope {
  userId: string | null;
  workspaceId: string | null;
}

export const flagScopeOf = (user: SessionUser | null): FlagScope => ({ userId: user?.id ?? null, workspaceId: user?.workspace.id ?? null });
export const sameFlagScope = (a: FlagScope, b: FlagScope) => a.userId === b.userId && a.workspaceId === b.workspaceId;

/**
 * GET /api/flags: the `client` flags resolved for the session (signed out: for nobody), with the targeting's
 * revision. `atLeast` (a revision the flags stream announced) makes a BFF instance that has not heard of that
 * change yet read the targeting again before answering.
 */
export function fetchFlagSnapshot(atLeast?: number, signal?: AbortSignal): Promise<FlagSnapshot> {
  return apiRequest('/api/flags', { query: { atLeast }, schema: flagSnapshotSchema, signal });
}

/**
 * The snapshot never goes stale by time: the flags stream says when it changed (flags-stream.ts), and a change of
 * session or workspace is a new scope, hence a new query.
 */
export function flagSnapshotQueryOptions(scope: FlagScope, atLeast?: number) {
  return queryOptions({
    queryKey: flagKeys.snapshot(scope),
    queryFn: ({ signal }) => fetchFlagSnapshot(atLeast, signal),
    staleTime: Infinity,
  });
}

/** The snapshot for whoever is signed in now, from the cache or the BFF: for loaders, which run before any render. */
export async function ensureFlagSnapshot(queryClient: QueryClient): Promise<FlagSnapshot> {
  const { user } = await queryClient.ensureQueryData(sessionQueryOptions);
  return queryClient.ensureQueryData(flagSnapshotQueryOptions(flagScopeOf(user)));
}

/**
 * A flag's current value, for a loader that prefetches what its page will read with `useFlag`. A navigation to
 * another route applies every waiting value, so the loader and the page agree; on a revalidation of the same route
 * (new filters in the address) a `next-navigation` value may still be waiting, and the page then asks for its own
 * data with the value it shows, which costs one request more and shows nothing wrong.
 */
export async function loadFlag<K extends ClientFlagKey>(queryClient: QueryClient, key: K): Promise<ClientFlagValues[K]> {
  return flagValue((await ensureFlagSnapshot(queryClient)).flags, key);
}
