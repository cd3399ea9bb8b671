import type { QueryKey } from '@tanstack/react-query';
import type { FlagScope } from './get-flags.ts';

/**
 * Query keys of the flags feature. A snapshot is keyed by whom the BFF resolved it for (the session's user and
 * workspace): signing in or out, or switching workspaces, reads a snapshot of its own instead of showing the last
 * person's or workspace's flags.
 */
export const flagKeys = {
  all: ['flags'] as const,
  snapshots: () => [...flagKeys.all, 'snapshot'] as const,
  snapshot: (scope: FlagScope) => [...flagKeys.snapshots(), scope] as const,
};

/** Whether a query is the snapshot of someone signed out: read for nobody in particular. */
export const isSignedOutFlagSnapshot = (queryKey: QueryKey): boolean =>
  queryKey[0] === flagKeys.all[0] && queryKey[1] === 'snapshot' && (queryKey[2] as FlagScope | undefined)?.userId === null;
