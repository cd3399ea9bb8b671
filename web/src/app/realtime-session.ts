import type { QueryClient } from '@tanstack/react-query';
import { sessionEndReasons } from '#shared/realtime/messages.ts';
import { getSessionGate, markSessionExpired, subscribeToSessionGate } from '../api/session-gate.ts';
import { authKeys } from '../features/auth/auth-keys.ts';
import { cachedSessionUser } from '../features/auth/get-session.ts';
import { fetchProfile } from '../features/workspaces/list-memberships.ts';
import { createRealtimeConnection, realtimeUrl, type RealtimeConnection, type RealtimeConnectionOptions } from './realtime-connection.ts';

/**
 * Ties the tab's WebSocket to the session, as `connectApiToSession` ties the fetch client to it:
 *
 * - someone is signed in and the session gate is active: connected;
 * - nobody is signed in: closed, and what the streams said is forgotten;
 * - the session ended: the gateway closes the socket with 4401, which (unless a sign-out or sign-in explains it
 *   within a moment) marks the session gate expired (the banner, held requests: api/session-gate.ts); an expiry
 *   the fetch client or another tab saw first closes the socket too.
 *   Nothing reconnects until the same person has signed in again; then the socket opens anew and every stream is
 *   subscribed again, and its fresh snapshot brings whatever changed meanwhile.
 *
 * Who is signed in comes from the session query in the cache and the gate, never from a request of its own.
 * Returns the connection (for the provider) and the function that disconnects it all.
 */
export function connectRealtimeToSession(
  queryClient: QueryClient,
  { sessionEndGraceMs = 1_000, ...options }: Partial<Omit<RealtimeConnectionOptions, 'onSessionEnded' | 'onConnectFailed'>> & { sessionEndGraceMs?: number } = {},
): { connection: RealtimeConnection; disconnect: () => void } {
  /**
   * Whose session the socket is for (null: nobody's), and its gate epoch: a new epoch is a new session cookie,
   * which needs a socket of its own.
   */
  let socketUserId: string | null = null;
  let socketEpoch = getSessionGate().epoch;
  let sessionEndTimer: ReturnType<typeof setTimeout> | undefined;

  const connection = createRealtimeConnection({
    url: realtimeUrl(window.location),
    ...options,
    onSessionEnded(reason) {
      const epoch = socketEpoch;
      clearTimeout(sessionEndTimer);
      // The server says it timed out or was expired: that is the banner's case, at once.
      if (reason === sessionEndReasons.expired) {
        markSessionExpired({ observedInEpoch: epoch });
        scheduleSync();
        return;
      }
      // Signed out, or replaced by a sign-in (here or in another tab): the tab hears of that itself a moment later
      // and moves on. Should it not (another device signed out), the socket's end still means the session is over.
      sessionEndTimer = setTimeout(() => {
        markSessionExpired({ observedInEpoch: epoch });
        scheduleSync();
      }, sessionEndGraceMs);
    },
    onConnectFailed() {
      // A refused upgrade cannot be told from a network failure. Ask over HTTP: the fetch client turns a 401 into
      // the banner (session_expired) or the sign-in page (unauthenticated), and the gate then pauses the socket.
      if (getSessionGate().status !== 'active' || !cachedSessionUser(queryClient)) return;
      fetchProfile().catch(() => {
        // Unreachable, or discarded by a sign-out: the connection keeps retrying either way.
      });
    },
  });

  function sync() {
    const user = cachedSessionUser(queryClient);
    const gate = getSessionGate();
    if (!user) {
      socketUserId = null;
      connection.disconnect('signed-out');
      return;
    }
    if (gate.status === 'expired') {
      connection.disconnect('paused');
      return;
    }
    if (user.id !== socketUserId || gate.epoch !== socketEpoch) {
      if (socketUserId !== null) connection.disconnect(user.id === socketUserId ? 'paused' : 'signed-out');
      socketUserId = user.id;
      socketEpoch = gate.epoch;
    }
    connection.connect();
  }

  // A sign-in changes the cache and the gate in one go (removeQueries, setQueryData, sessionSignedIn): look once,
  // after all of it, so the socket opens once, for the new session.
  let syncQueued = false;
  function scheduleSync() {
    if (syncQueued) return;
    syncQueued = true;
    queueMicrotask(() => {
      syncQueued = false;
      sync();
    });
  }

  const stopWatchingCache = queryClient.getQueryCache().subscribe((event) => {
    if (event.query.queryKey[0] === authKeys.all[0]) scheduleSync();
  });
  const stopWatchingGate = subscribeToSessionGate(scheduleSync);
  scheduleSync();

  return {
    connection,
    disconnect() {
      clearTimeout(sessionEndTimer);
      stopWatchingCache();
      stopWatchingGate();
      connection.dispose();
    },
  };
}
