import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { jobSchema, type Job } from '#shared/contracts/jobs.ts';
import { apiRequest } from '../../api/api-client.ts';
import { jobKeys } from './job-keys.ts';

/**
 * POST /api/jobs/:id/retry: 202 with a new job that has the same input (the failed or cancelled one stays as it
 * was); 409 job_not_retryable for a job that is queued, running or succeeded.
 */
export function postRetryJob(id: string): Promise<Job> {
  return apiRequest(`/api/jobs/${encodeURIComponent(id)}/retry`, { method: 'POST', schema: jobSchema });
}

/** Tries a failed or cancelled job again, then opens the new job's page. */
export function useRetryJob(id: string) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => postRetryJob(id),
    onSuccess: async (job) => {
      queryClient.setQueryData(jobKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: jobKeys.lists(), refetchType: 'all' });
      await navigate(`/jobs/${job.id}`);
    },
  });
}
