import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { sessionStateSchema, type SessionState, type SignInBody } from '#shared/contracts/session.ts';
import { apiRequest } from '../../api/api-client.ts';
import { sessionSignedIn } from '../../api/session-gate.ts';
import { cachedSessionUser, sessionQueryOptions } from './get-session.ts';
import { defaultLandingPath } from './sign-in-redirect.ts';
import { postSession } from './sign-in.ts';

/**
 * Signs in again after the session expired, in place: nothing on the page is reset.
 *
 * The same person: the new session (and its CSRF token) goes into the cache first, back in the workspace they
 * were working in (a sign-in starts in the home workspace), and then the gate lets the held requests go out
 * again. Someone else: the held work belonged to the previous person, so it is rejected and the app starts over
 * in the new person's workspace. Either way the other tabs follow (app/session-sync.ts).
 */
export function useSignInAgain() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: SignInBody) => signInAgain(queryClient, credentials),
    onSuccess: (next) => {
      // A full load: nothing of the previous person's may stay in this tab's memory.
      if (next === 'start-over') window.location.assign(defaultLandingPath);
    },
  });
}

/** What the tab does next: carry on where it was, or start over as someone else. */
export type SignInAgainResult = 'carry-on' | 'start-over';

export async function signInAgain(queryClient: QueryClient, credentials: SignInBody): Promise<SignInAgainResult> {
  const previous = cachedSessionUser(queryClient);
  let session = await postSession(credentials);
  const user = session.user;
  if (!user) throw new Error('Signing in answered without a user');

  if (previous?.id === user.id) {
    // The person stays on screen, as they were; only the token changes until the workspace is settled.
    queryClient.setQueryData(sessionQueryOptions.queryKey, (cached) => cached && { ...cached, csrfToken: session.csrfToken });
    if (user.workspace.id !== previous.workspace.id) {
      session = await putWorkspace(previous.workspace.id).catch(() => session);
    }
    queryClient.setQueryData(sessionQueryOptions.queryKey, session);
  }
  // Resumes the held requests for the same person, rejects them for anyone else.
  sessionSignedIn(user.id);
  return previous?.id === user.id ? 'carry-on' : 'start-over';
}

/** PUT /api/session/workspace, sent before the held requests resume (so it does not wait for them itself). */
function putWorkspace(workspaceId: string): Promise<SessionState> {
  return apiRequest('/api/session/workspace', {
    method: 'PUT',
    body: { workspaceId },
    schema: sessionStateSchema,
    needsSession: false,
  });
}
