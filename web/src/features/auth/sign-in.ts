import { useMutation, useQueryClient } from '@tanstack/react-query';
import { sessionStateSchema, type SessionState, type SignInBody } from '#shared/contracts/session.ts';
import { apiRequest } from '../../api/api-client.ts';
import { sessionSignedIn } from '../../api/session-gate.ts';
import { authKeys } from './auth-keys.ts';
import { forgetSignedInData } from './get-session.ts';

/** POST /api/session: 200 with the new session state (a new CSRF token), 401 invalid_credentials, 429 rate_limited. */
export function postSession(body: SignInBody): Promise<SessionState> {
  // Goes out while the session is expired: it is how the session comes back.
  return apiRequest('/api/session', { method: 'POST', body, schema: sessionStateSchema, needsSession: false });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: postSession,
    onSuccess: (session) => {
      // Nothing cached for whoever used this tab before may leak into the new session.
      forgetSignedInData(queryClient);
      queryClient.setQueryData(authKeys.session(), session);
      // Other tabs follow (see app/session-sync.ts).
      if (session.user) sessionSignedIn(session.user.id);
    },
  });
}
