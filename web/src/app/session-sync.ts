import type { QueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  getSessionGate,
  markSessionExpired,
  onSessionEvent,
  sessionSignedIn,
  sessionSignedOut,
} from '../api/session-gate.ts';
import { cachedSessionUser, forgetSignedInData, markSignedOut, refreshSession } from '../features/auth/get-session.ts';

/**
 * Keeps every tab of this browser in step about the session, over a BroadcastChannel. The tabs share the
 * session cookie, so what one tab learns is true for all of them:
 * - one tab sees the session expire: every tab shows the banner and holds its requests;
 * - someone signs in (the dialog or the sign-in page): the same person's tabs resume their held work with a
 *   fresh CSRF token, tabs that showed somebody else start over, signed-out tabs move on from the sign-in page;
 * - someone signs out: every tab drops its held work and goes to the sign-in page.
 * Only what this tab saw itself is posted (the gate says where an event came from), so nothing echoes back.
 */

export const sessionChannelName = 'snipdesk-session';

/** The messages on the channel; anything else that arrives there is ignored. */
const sessionMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('expired'), userId: z.string().nullable() }),
  z.object({ type: z.literal('signed-in'), userId: z.string() }),
  z.object({ type: z.literal('signed-out') }),
]);
export type SessionMessage = z.infer<typeof sessionMessageSchema>;

/** What only the app shell can do: move the router, or load the page anew. */
export interface SessionSyncActions {
  /** Signed out in another tab: go to the sign-in page (resolves once the signed-in pages are gone). */
  leaveForSignIn(): Promise<void>;
  /** Someone else signed in in another tab: this tab's pages and data belong to another person; start over. */
  startOver(): void;
  /** Signed in in another tab while this one shows nobody (the sign-in page): let the route move on. */
  revalidate(): void;
}

/** Starts listening and posting; returns the function that stops both. Without BroadcastChannel, tabs stay apart. */
export function connectSessionAcrossTabs(queryClient: QueryClient, actions: SessionSyncActions): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(sessionChannelName);

  const stopPosting = onSessionEvent((event, origin) => {
    if (origin !== 'this-tab') return;
    const message: SessionMessage = event;
    channel.postMessage(message);
  });
  channel.onmessage = (message: MessageEvent<unknown>) => {
    const parsed = sessionMessageSchema.safeParse(message.data);
    if (parsed.success) void receive(queryClient, actions, parsed.data);
  };

  return () => {
    stopPosting();
    channel.close();
  };
}

async function receive(queryClient: QueryClient, actions: SessionSyncActions, message: SessionMessage): Promise<void> {
  const shownUserId = cachedSessionUser(queryClient)?.id ?? null;
  switch (message.type) {
    case 'expired': {
      // A tab showing nobody, or someone else, has nothing of that session to hold.
      if (shownUserId !== null && (message.userId === null || message.userId === shownUserId)) {
        markSessionExpired({ origin: 'other-tab' });
      }
      return;
    }
    case 'signed-in': {
      const gate = getSessionGate();
      if (gate.status === 'expired' ? gate.userId !== message.userId : shownUserId !== null && shownUserId !== message.userId) {
        sessionSignedIn(message.userId, { origin: 'other-tab' });
        actions.startOver();
        return;
      }
      if (shownUserId === null) {
        actions.revalidate();
        return;
      }
      // The same person, in a new session: its CSRF token must be in the cache before held requests resume.
      await refreshSession(queryClient).catch(() => {
        // Unreachable for a moment: the resumed requests fetch a fresh token when the old one is refused.
      });
      sessionSignedIn(message.userId, { origin: 'other-tab' });
      return;
    }
    case 'signed-out': {
      sessionSignedOut({ origin: 'other-tab' });
      if (shownUserId === null) return;
      markSignedOut(queryClient);
      await actions.leaveForSignIn();
      // Only once the signed-in pages are gone: removing their data earlier would make them refetch it.
      forgetSignedInData(queryClient);
      return;
    }
  }
}
