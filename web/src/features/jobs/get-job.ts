import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { jobSchema, type Job } from '#shared/contracts/jobs.ts';
import { apiRequest } from '../../api/api-client.ts';
import { jobKeys } from './job-keys.ts';

/** GET /api/jobs/:id: 404 not_found when it is not the reader's job in the current workspace. */
export function fetchJob(id: string, signal?: AbortSignal): Promise<Job> {
  return apiRequest(`/api/jobs/${encodeURIComponent(id)}`, { schema: jobSchema, signal });
}

/**
 * While a job runs, its status and progress come from its stream (job-stream.ts) straight into this query's data;
 * the read over HTTP is for the first load and for what the stream does not carry (error text, result link).
 */
export function jobQueryOptions(id: string) {
  return queryOptions({
    queryKey: jobKeys.detail(id),
    queryFn: ({ signal }) => fetchJob(id, signal),
  });
}

export function useJob(id: string): Job {
  return useSuspenseQuery(jobQueryOptions(id)).data;
}
