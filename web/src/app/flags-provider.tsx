import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import { createContext, use, useMemo, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import type { FlagSnapshot } from '#shared/contracts/flags.ts';
import { useSession } from '../features/auth/get-session.ts';
import { applyFlags, type AppliedFlags } from '../features/flags/applied-flags.ts';
import { useFlagsStream } from '../features/flags/flags-stream.ts';
import { ensureFlagSnapshot, flagScopeOf, flagSnapshotQueryOptions, sameFlagScope, type FlagScope } from '../features/flags/get-flags.ts';

/**
 * The root route's loader: the flag snapshot of whoever is signed in is in the cache before anything renders, so a
 * flag's default never paints when the flag is on (the root's HydrateFallback shows meanwhile). The root route runs
 * it on every navigation too (router.tsx): free when the snapshot is cached, and after a sign-in, a sign-out or a
 * switch of workspace it reads the new scope's snapshot before the next page renders.
 */
export function flagsLoader(queryClient: QueryClient) {
  return async () => {
    await ensureFlagSnapshot(queryClient);
    return null;
  };
}

const FlagsContext = createContext<AppliedFlags | null>(null);

/** The snapshot the pages were given at the last route change, and where and for whom that was. */
interface AtNavigation {
  pathname: string;
  scope: FlagScope;
  snapshot: FlagSnapshot;
}

/**
 * Hands the applied flags (features/flags/applied-flags.ts) to the pages, and follows the flags stream. It sits in
 * the root route, inside the router (it follows the location) and below the root loader (the snapshot is there).
 *
 * The latest snapshot is the react-query cache's. The one thing kept beside it is the snapshot as it was at the last
 * route change, because that is what `next-navigation` flags keep showing until the next one: once the cache holds
 * a newer snapshot, nothing else remembers the older values. It is React state derived during render from the
 * location and the cache (the documented way to keep information from previous renders), not a store of its own.
 * A change of route applies what waits; so does a change of who is signed in or of workspace, which always comes
 * with a navigation of its own.
 */
export function FlagsProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const scope = flagScopeOf(user);
  // Another scope's snapshot (just signed in or switched) is read in the background, while the previous one stays.
  const { data, isPlaceholderData } = useQuery({ ...flagSnapshotQueryOptions(scope), placeholderData: keepPreviousData });
  const fresh = isPlaceholderData ? undefined : data;
  const { pathname } = useLocation();
  const [atNavigation, setAtNavigation] = useState<AtNavigation>(() => {
    if (!fresh) throw new Error('No flag snapshot: the root route’s loader (flagsLoader) loads it before anything renders');
    return { pathname, scope, snapshot: fresh };
  });
  if (fresh && (pathname !== atNavigation.pathname || !sameFlagScope(scope, atNavigation.scope))) {
    setAtNavigation({ pathname, scope, snapshot: fresh });
  }
  // Without data only when reading another scope's snapshot failed: what the page had stays.
  const latest = data ?? atNavigation.snapshot;
  const applied = useMemo(() => applyFlags(latest, atNavigation.snapshot), [latest, atNavigation.snapshot]);
  useFlagsStream(user?.id ?? null, scope);
  return <FlagsContext value={applied}>{children}</FlagsContext>;
}

export function useAppliedFlags(): AppliedFlags {
  const flags = use(FlagsContext);
  if (!flags) throw new Error('Flags need a <FlagsProvider> above them (the root route, see router.tsx)');
  return flags;
}
