import type { QueryClient } from '@tanstack/react-query';
import { Outlet, type RouteObject } from 'react-router';
import type { ClientFlag, FlagSnapshot } from '#shared/contracts/flags.ts';
import { flagRegistry, type ClientFlagKey, type ClientFlagValues } from '#shared/flags/registry.ts';
import { serveTestApi, type TestApi } from '../../app/feature-test-harness.tsx';
import { FlagsProvider, flagsLoader } from '../../app/flags-provider.tsx';
import { LoadingState } from '../../ui/loading-state.tsx';

/**
 * For the web tests of what reads flags: the snapshot GET /api/flags answers, and the test's routes under a root
 * route like router.tsx's (the snapshot loaded before anything renders, the provider above the pages). Not part of
 * the app: only tests import it, so the registry's values (server-only keys among them) stay out of the bundle.
 */

const clientKeys = (Object.keys(flagRegistry) as (keyof typeof flagRegistry)[]).filter(
  (key): key is ClientFlagKey => flagRegistry[key].client,
);

/** Every client flag at its declared default, but for `values` (served as overrides), as the BFF would answer. */
export function testFlagSnapshot(values: Partial<ClientFlagValues> = {}, revision = 1): FlagSnapshot {
  const flags: Record<string, ClientFlag> = {};
  for (const key of clientKeys) {
    const { default: declared, propagation } = flagRegistry[key];
    const value = values[key];
    flags[key] =
      value === undefined
        ? { value: declared, reason: 'default', rule: 'declared-default', propagation }
        : { value, reason: 'override', rule: 'user-override', propagation };
  }
  return { revision, flags };
}

/** A real local server answering GET /api/flags with whatever `snapshot()` returns at the time (404 to anything else). */
export function serveFlagSnapshot(snapshot: () => FlagSnapshot): Promise<TestApi> {
  return serveTestApi((request, response) => {
    if (new URL(request.url!, 'http://localhost').pathname !== '/api/flags') return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(snapshot()));
  });
}

export function underFlagsRoot(queryClient: QueryClient, routes: RouteObject[]): RouteObject[] {
  return [
    { loader: flagsLoader(queryClient), shouldRevalidate: () => true, HydrateFallback: LoadingState, Component: FlagsRoot, children: routes },
  ];
}

function FlagsRoot() {
  return (
    <FlagsProvider>
      <Outlet />
    </FlagsProvider>
  );
}
