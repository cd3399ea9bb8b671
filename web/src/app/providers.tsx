import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { ConfirmProvider } from './confirm-provider.tsx';
import type { RealtimeConnection } from './realtime-connection.ts';
import { RealtimeProvider } from './realtime-provider.tsx';
import { SessionExpiry } from './session-expiry.tsx';

export interface ProvidersProps {
  queryClient: QueryClient;
  router: ReturnType<typeof createBrowserRouter>;
  /** The tab's one WebSocket, already tied to the session (app/realtime-session.ts). */
  realtime: RealtimeConnection;
}

/**
 * Everything the pages rely on from above. The flags are provided by the root route instead (router.tsx): they
 * follow the router's navigations and are loaded by its loader.
 */
export function Providers({ queryClient, router, realtime }: ProvidersProps) {
  return (
    <QueryClientProvider client={queryClient}>
      <RealtimeProvider connection={realtime}>
        <ConfirmProvider>
          <RouterProvider router={router} />
          {/* Beside the router, not inside it: the session coming and going never remounts the page. */}
          <SessionExpiry />
        </ConfirmProvider>
      </RealtimeProvider>
    </QueryClientProvider>
  );
}
