import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { FlagSnapshot } from '#shared/contracts/flags.ts';
import { signedInUser, startLiveTest, type LiveTest, type TestApi } from '../../app/feature-test-harness.tsx';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { serveFlagSnapshot, testFlagSnapshot, underFlagsRoot } from './flags-test-root.tsx';
import { useFlag } from './use-flag.ts';

// `useFlag` against a real HTTP server answering GET /api/flags: each client flag's value, typed by the registry;
// a server-only key, an undeclared one, or a value outside a flag's type does not compile (checked by `tsc`).

let served: FlagSnapshot;
let api: TestApi;
let live: LiveTest;

beforeAll(async () => {
  api = await serveFlagSnapshot(() => served);
});

afterAll(() => api.close());

beforeEach(async () => {
  live = await startLiveTest();
  live.queryClient.setQueryData(sessionQueryOptions.queryKey, { user: signedInUser(), csrfToken: 'token' });
});

afterEach(() => live.stop());

function Values() {
  const values = {
    layout: useFlag('snip-editor-layout'),
    pageSize: useFlag('snips-page-size'),
    exportButton: useFlag('export-button'),
    livePresence: useFlag('live-presence'),
  };
  return <pre>{JSON.stringify(values)}</pre>;
}

async function renderedValues(): Promise<unknown> {
  const router = createMemoryRouter(underFlagsRoot(live.queryClient, [{ path: '/', Component: Values }]));
  render(
    <live.Providers>
      <RouterProvider router={router} />
    </live.Providers>,
  );
  return JSON.parse((await screen.findByText(/^\{/)).textContent!);
}

describe('useFlag', () => {
  it('reads each client flag’s value from the snapshot, with its own type', async () => {
    served = testFlagSnapshot({ 'snip-editor-layout': 'side-by-side', 'snips-page-size': 50, 'export-button': false });
    expect(await renderedValues()).toEqual({ layout: 'side-by-side', pageSize: 50, exportButton: false, livePresence: true });
  });

  it('reads the declared defaults when nothing targets the person', async () => {
    served = testFlagSnapshot();
    expect(await renderedValues()).toEqual({ layout: 'stacked', pageSize: 20, exportButton: true, livePresence: true });
  });

  it('is typed by the registry: client flags only, each with its own type', () => {
    expectTypeOf<ReturnType<typeof useFlag<'snip-editor-layout'>>>().toEqualTypeOf<'stacked' | 'side-by-side'>();
    expectTypeOf<ReturnType<typeof useFlag<'snips-page-size'>>>().toEqualTypeOf<number>();
    expectTypeOf<ReturnType<typeof useFlag<'export-button'>>>().toEqualTypeOf<boolean>();

    // Never called: each line is an error for `tsc` without its @ts-expect-error, which fails when it is not one.
    function MisusesFlags() {
      // @ts-expect-error: a server-only flag never reaches the SPA
      useFlag('export-read-batch-size');
      // @ts-expect-error: not declared
      useFlag('dark-mode');
      // @ts-expect-error: not one of the layout's variants
      return useFlag('snip-editor-layout') === 'grid';
    }
    expect(MisusesFlags).toBeTypeOf('function');
  });
});
