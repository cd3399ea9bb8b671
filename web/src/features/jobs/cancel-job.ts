import { useMutation, useQueryClient } from '@tanstack/react-query';
import { jobSchema, type Job } from '#shared/contracts/jobs.ts';
import { apiRequest } from '../../api/api-client.ts';
import { isApiError } from '../../api/api-error.ts';
import { jobKeys } from './job-keys.ts';

/** POST /api/jobs/:id/cancel: 200 with the cancelled job; 409 job_finished when it finished first. */
export function postCancelJob(id: string): Promise<Job> {
  return apiRequest(`/api/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST', schema: jobSchema });
}

export function useCancelJob(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => postCancelJob(id),
    onSuccess: (job) => {
      queryClient.setQueryData(jobKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: jobKeys.lists(), refetchType: 'all' });
    },
    onError: (error) => {
      // It finished before the cancel arrived: read what it finished as (the stream is about to say so too).
      if (isApiError(error, 'job_finished')) void queryClient.invalidateQueries({ queryKey: jobKeys.detail(id), exact: true });
    },
  });
}
