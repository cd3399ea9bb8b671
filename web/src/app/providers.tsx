import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { ConfirmProvider } from './confirm-provider.tsx';
import { SessionExpiry } from './session-expiry.tsx';

export interface ProvidersProps {
  queryClient: QueryClient;
  router: ReturnType<typeof createBrowserRouter>;
}

/** Everything the pages rely on from above. The realtime and flags providers will join here. */
export function Providers({ queryClient, router }: ProvidersProps) {
  return (
    <QueryClientProvider client={queryClient}>
      <ConfirmProvider>
        <RouterProvider router={router} />
        {/* Beside the router, not inside it: the session coming and going never remounts the page. */}
        <SessionExpiry />
      </ConfirmProvider>
    </QueryClientProvider>
  );
}
