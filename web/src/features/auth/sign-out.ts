import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { apiRequest } from '../../api/api-client.ts';
import { sessionSignedOut } from '../../api/session-gate.ts';
import { forgetSignedInData, markSignedOut } from './get-session.ts';

/** DELETE /api/session: 204. The CSRF token dies with the session; the sign-in page fetches a fresh one. */
export function deleteSession(): Promise<void> {
  return apiRequest('/api/session', { method: 'DELETE', needsSession: false });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: deleteSession,
    onSuccess: async () => {
      // Work still waiting for an expired session is dropped, and the other tabs sign out too.
      sessionSignedOut();
      markSignedOut(queryClient);
      await navigate('/sign-in', { replace: true });
      // Only once the signed-in pages are gone: removing their data earlier would make them refetch it.
      forgetSignedInData(queryClient);
    },
  });
}
