import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { sessionStateSchema, type SessionState } from '#shared/contracts/session.ts';
import type { SwitchWorkspaceBody } from '#shared/contracts/workspaces.ts';
import { apiRequest } from '../../api/api-client.ts';
import { removeQueriesOnceUnobserved } from '../../app/query-client.ts';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { jobKeys } from '../jobs/job-keys.ts';
import { notificationKeys } from '../notifications/notification-keys.ts';
import { snipKeys } from '../snips/snip-keys.ts';
import { membershipsQueryOptions } from './list-memberships.ts';
import { workspaceKeys } from './workspace-keys.ts';

/** PUT /api/session/workspace: 200 with the session, now in that workspace; 404 when not a member of it. */
export function putSessionWorkspace(body: SwitchWorkspaceBody): Promise<SessionState> {
  return apiRequest('/api/session/workspace', { method: 'PUT', body, schema: sessionStateSchema });
}

/**
 * Makes another workspace the current one, then starts over on its snips list. Everything cached was read in the
 * old workspace: the lists go before the navigation (the list page must load the new workspace's), a snip once the
 * page showing it is gone (a mounted snip page would refetch its snip straight into a 404; it also stops following
 * its stream while this runs, see snip-page.tsx).
 */
export function useSwitchWorkspace() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationKey: workspaceKeys.switching(),
    mutationFn: (workspaceId: string) => putSessionWorkspace({ workspaceId }),
    onSuccess: async (session) => {
      await queryClient.cancelQueries({ queryKey: snipKeys.all });
      queryClient.setQueryData(sessionQueryOptions.queryKey, session);
      queryClient.removeQueries({ queryKey: snipKeys.lists() });
      removeQueriesOnceUnobserved(queryClient, snipKeys.details());
      await navigate('/snips');
      // Jobs are seen from the workspace they ran in: the old workspace's are not found from the new one.
      queryClient.removeQueries({ queryKey: jobKeys.all });
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.members() });
      // A notification names its snip only while it is visible in the current workspace.
      void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
      if (session.user) {
        const workspaceId = session.user.workspace.id;
        queryClient.setQueryData(membershipsQueryOptions.queryKey, (profile) => profile && { ...profile, currentWorkspaceId: workspaceId });
      }
    },
    // A 404 means the list of workspaces was out of date (removed from one meanwhile): read it again.
    onError: () => queryClient.invalidateQueries({ queryKey: workspaceKeys.memberships() }),
  });
}
