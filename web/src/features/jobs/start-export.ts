import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { jobSchema, type CreateExportBody, type Job } from '#shared/contracts/jobs.ts';
import { apiRequest } from '../../api/api-client.ts';
import { jobKeys } from './job-keys.ts';

/** POST /api/exports: 202 with the queued job; 400 invalid_request names a filter the API does not accept. */
export function postExport(body: CreateExportBody): Promise<Job> {
  return apiRequest('/api/exports', { method: 'POST', body, schema: jobSchema });
}

/** Starts an export of what the filters select, then opens the job's page, where its progress shows live. */
export function useStartExport() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: postExport,
    onSuccess: async (job) => {
      // The job page opens on the job as the 202 described it; its stream takes over from there.
      queryClient.setQueryData(jobKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: jobKeys.lists(), refetchType: 'all' });
      await navigate(`/jobs/${job.id}`);
    },
  });
}
