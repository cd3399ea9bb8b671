import { useQueryClient } from '@tanstack/react-query';
import type { JobList } from '#shared/contracts/jobs.ts';
import { streamName } from '#shared/realtime/messages.ts';
import { useStream } from '../../app/realtime-provider.tsx';
import { jobQueryOptions } from './get-job.ts';
import { jobKeys } from './job-keys.ts';
import { isJobFinished } from './job-status.ts';

/**
 * Keeps a job current while it runs. The `job:<id>` stream carries the job's status and progress, which go straight
 * into the react-query cache (the job's own query, and its row in any cached list): no store of their own, so the
 * job page and the list re-render from the cache as the numbers move. What the stream does not carry (the error
 * text, the result link, when it finished) is read again over HTTP once the job has finished, and the lists with it.
 * A stream that is denied or ends (not the reader's job, or no longer) reads the job again, which then answers 404.
 */
export function useJobStream(id: string | null): void {
  const queryClient = useQueryClient();
  useStream(id === null ? null : streamName('job', id), (message) => {
    if (id === null) return;
    const { queryKey } = jobQueryOptions(id);
    switch (message.type) {
      case 'snapshot':
      case 'update': {
        const { state } = message;
        if (state.kind !== 'job') return;
        const live = { status: state.status, progress: state.progress };
        const cached = queryClient.getQueryData(queryKey);
        if (cached) queryClient.setQueryData(queryKey, { ...cached, ...live });
        queryClient.setQueriesData<JobList>({ queryKey: jobKeys.lists() }, (list) =>
          list?.items.some((job) => job.id === id) ? { items: list.items.map((job) => (job.id === id ? { ...job, ...live } : job)) } : list,
        );
        // Finished now, and the cache has not read the finished job yet (it read it before, or never).
        if (isJobFinished(state.status) && (!cached || cached.status !== state.status || cached.finishedAt === null)) {
          void queryClient.invalidateQueries({ queryKey, exact: true });
          void queryClient.invalidateQueries({ queryKey: jobKeys.lists() });
        }
        return;
      }
      case 'denied':
      case 'ended':
        void queryClient.invalidateQueries({ queryKey, exact: true });
        void queryClient.invalidateQueries({ queryKey: jobKeys.lists() });
        return;
      default:
        return;
    }
  });
}
