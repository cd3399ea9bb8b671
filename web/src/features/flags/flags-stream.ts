import { hashKey, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { FlagSnapshot } from '#shared/contracts/flags.ts';
import { streamName } from '#shared/realtime/messages.ts';
import { useStream } from '../../app/realtime-provider.tsx';
import { flagKeys } from './flag-keys.ts';
import { flagSnapshotQueryOptions, type FlagScope } from './get-flags.ts';

/**
 * Follows a flip. The `flags:<user id>` stream carries the targeting's revision only; when it is newer than the
 * cached snapshot's, the snapshot is read again with `atLeast`, so the BFF instance that answers has heard of the
 * change too. After a reconnect the stream's fresh snapshot brings the revision, so a flip made while the socket was
 * down is caught up the same way. Null (signed out) follows nothing.
 */
export function useFlagsStream(userId: string | null, scope: FlagScope): void {
  const queryClient = useQueryClient();
  useStream(userId === null ? null : streamName('flags', userId), (message) => {
    if (message.type !== 'snapshot' && message.type !== 'update') return;
    if (message.state.kind !== 'flags') return;
    catchUpFlags(queryClient, scope, message.state.revision).catch(() => {
      // Overtaken by a newer flip's read (which cancelled this one), or unreachable after the client's retries: the
      // next flip, or the stream's snapshot after a reconnect, tries again.
    });
  });
}

/** Reads the scope's snapshot again when it is older than `revision`. */
async function catchUpFlags(queryClient: QueryClient, scope: FlagScope, revision: number): Promise<void> {
  const options = flagSnapshotQueryOptions(scope, revision);
  // The scope's first read may be on its way (just signed in, or switched), with a loader waiting for it: waited for
  // too, never cancelled.
  const known = queryClient.getQueryData(options.queryKey) ?? (await queryClient.ensureQueryData(options));
  if (known.revision >= revision) return;
  // Snapshots of other scopes (the workspace before a switch) are as old: dropped, they are read again when needed
  // rather than shown as they were.
  const currentHash = hashKey(options.queryKey);
  queryClient.removeQueries({
    queryKey: flagKeys.snapshots(),
    predicate: (query) => {
      const snapshot = query.state.data as FlagSnapshot | undefined;
      return query.queryHash !== currentHash && snapshot !== undefined && snapshot.revision < revision;
    },
  });
  // A refetch on its way may have been answered before the change. Cancelling it costs nobody anything: with a
  // snapshot in the cache, loaders take that one and wait for no refetch.
  await queryClient.cancelQueries({ queryKey: options.queryKey, exact: true });
  await queryClient.fetchQuery({ ...options, staleTime: 0 });
}
