import { createContext, use, useEffect, useEffectEvent, useSyncExternalStore, type ReactNode } from 'react';
import type { StreamName } from '#shared/realtime/messages.ts';
import type { RealtimeConnection, RealtimeStatus, StreamMessage } from './realtime-connection.ts';

const RealtimeContext = createContext<RealtimeConnection | null>(null);

/** Hands the tab's one connection (created with the session wiring in main.tsx) to the components below. */
export function RealtimeProvider({ connection, children }: { connection: RealtimeConnection; children: ReactNode }) {
  return <RealtimeContext value={connection}>{children}</RealtimeContext>;
}

function useRealtimeConnection(): RealtimeConnection {
  const connection = use(RealtimeContext);
  if (!connection) throw new Error('Live updates need a <RealtimeProvider> above them (see app/providers.tsx)');
  return connection;
}

export function useRealtimeStatus(): RealtimeStatus {
  const connection = useRealtimeConnection();
  return useSyncExternalStore(connection.subscribeToStatus, connection.getStatus, connection.getStatus);
}

/**
 * Follows `stream` while the component is mounted (null: none). `onMessage` hears the stream's current state
 * first, then each newer one, or that the stream is denied or ended. Streams carry versions, not data: the
 * handler feeds the react-query cache (invalidates, so the data is read again over HTTP through the policy
 * scopes), never a store of its own. The latest `onMessage` is used, so it need not be memoised.
 */
export function useStream(stream: StreamName | null, onMessage: (message: StreamMessage) => void): void {
  const connection = useRealtimeConnection();
  const handle = useEffectEvent(onMessage);
  useEffect(() => {
    if (stream === null) return;
    // Subscribing to an external system, which is what effects are for; the data itself is fetched by queries.
    return connection.subscribe(stream, (message) => handle(message));
  }, [connection, stream]);
}
