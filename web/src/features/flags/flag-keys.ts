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
