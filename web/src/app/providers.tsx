import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';

export interface ProvidersProps {
  queryClient: QueryClient;
  router: ReturnType<typeof createBrowserRouter>;
}

/** Everything the pages rely on from above. The confirm, realtime and flags providers will join here. */
export function Providers({ queryClient, router }: ProvidersProps) {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
