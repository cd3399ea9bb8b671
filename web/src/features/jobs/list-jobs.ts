import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { jobListSchema, type Job, type JobList } from '#shared/contracts/jobs.ts';
import { apiRequest } from '../../api/api-client.ts';
import { jobKeys } from './job-keys.ts';

/** GET /api/jobs: the signed-in person's 20 newest jobs in the current workspace, newest first. */
export function fetchJobList(signal?: AbortSignal): Promise<JobList> {
  return apiRequest('/api/jobs', { schema: jobListSchema, signal });
}

/** `workspaceId` is the session's current workspace: the list answers for it, so it is part of the key. */
export function jobListQueryOptions(workspaceId: string) {
  return queryOptions({
    queryKey: jobKeys.list(workspaceId),
    queryFn: ({ signal }) => fetchJobList(signal),
  });
}

export function useJobList(workspaceId: string): Job[] {
  return useSuspenseQuery(jobListQueryOptions(workspaceId)).data.items;
}
