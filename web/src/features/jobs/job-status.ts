import { finishedJobStatuses, type Job, type JobKind, type JobProgress, type JobStatus } from '#shared/contracts/jobs.ts';

/** What a job is called on its page and in the list. */
export const jobKindLabels: Record<JobKind, string> = { export: 'Export' };

/** A job's status in words. */
export const jobStatusLabels: Record<JobStatus, string> = {
  queued: 'Waiting to start',
  running: 'In progress',
  succeeded: 'Ready',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function isJobFinished(status: JobStatus): boolean {
  return finishedJobStatuses.includes(status);
}

/** Only a job that has not finished can be cancelled (the API answers 409 job_finished otherwise). */
export function canCancelJob(status: JobStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** Only a failed or cancelled job can be tried again (the API answers 409 job_not_retryable otherwise). */
export function canRetryJob(status: JobStatus): boolean {
  return status === 'failed' || status === 'cancelled';
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * The progress of an export in words: "120 of 258 snips" once the job has counted its work, and what it is doing
 * before that (the total is null until then).
 */
export function describeJobProgress({ status, progress }: { status: JobStatus; progress: JobProgress }): string {
  if (progress.total === null) {
    if (status === 'queued') return 'Waiting to start…';
    if (status === 'running') return 'Counting snips…';
    return 'No snips exported';
  }
  return `${progress.done} of ${plural(progress.total, 'snip', 'snips')}`;
}

/** Why a job that did not succeed stopped, as the page says it. */
export function describeJobStop(job: Pick<Job, 'status' | 'error'>): string | null {
  if (job.status === 'failed') return job.error ?? 'Something went wrong while running this export.';
  if (job.status === 'cancelled') return 'This export was cancelled before it finished.';
  return null;
}
