import type { QueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { data, Link, useParams, type LoaderFunctionArgs } from 'react-router';
import { jobParamsSchema, type Job } from '#shared/contracts/jobs.ts';
import { describeError } from '../../api/api-error.ts';
import { useConfirm } from '../../app/confirm-provider.tsx';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { ProgressBar } from '../../ui/progress-bar.tsx';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { requireUser } from '../auth/sign-in-redirect.ts';
import { useCancelJob } from './cancel-job.ts';
import { jobQueryOptions, useJob } from './get-job.ts';
import { canCancelJob, canRetryJob, describeJobProgress, describeJobStop, jobKindLabels, jobStatusLabels } from './job-status.ts';
import { useJobStream } from './job-stream.ts';
import { useRetryJob } from './retry-job.ts';
import './jobs.css';

/** The `:id` of a job route. Anything that is not a job id is a page that does not exist: 404, no request. */
function jobIdFrom(params: LoaderFunctionArgs['params']): string {
  const parsed = jobParamsSchema.safeParse(params);
  if (!parsed.success) throw data('Not found', { status: 404 });
  return parsed.data.id;
}

export function jobLoader(queryClient: QueryClient) {
  return async ({ request, params }: LoaderFunctionArgs) => {
    const id = jobIdFrom(params);
    await requireUser(queryClient, request);
    await queryClient.ensureQueryData(jobQueryOptions(id));
    return null;
  };
}

export function JobPage() {
  const id = useParams().id ?? '';
  // A retry opens another job on this same route: a fresh page, with no cancel or retry of the old one pending.
  return <JobDetail key={id} id={id} />;
}

/**
 * One background job: its status in words, a progress bar that moves live (from the job's stream, through the
 * query cache), and what can be done with it: cancel it while it runs, download what it made, or try it again.
 */
function JobDetail({ id }: { id: string }) {
  const job = useJob(id);
  useJobStream(id);
  const confirm = useConfirm();
  const cancel = useCancelJob(id);
  const retry = useRetryJob(id);
  const statusRef = useRef<HTMLParagraphElement>(null);
  const label = jobKindLabels[job.kind];
  const status = jobStatusLabels[job.status];
  const error = cancel.error ?? retry.error;

  async function askToCancel() {
    const confirmed = await confirm({
      title: 'Cancel this export?',
      body: 'It stops where it is and makes no file. You can try it again afterwards.',
      confirmLabel: 'Cancel export',
      cancelLabel: 'Keep exporting',
      tone: 'danger',
    });
    // The Cancel button goes away with the running job: focus moves to what happened instead of to nowhere.
    if (confirmed) cancel.mutate(undefined, { onSettled: () => statusRef.current?.focus() });
  }

  return (
    <article className="page page--narrow job-page">
      <title>{`${label}: ${status} · Snipdesk`}</title>
      <p className="breadcrumb">
        <Link to="/jobs">← All exports</Link>
      </p>
      <header className="page__header">
        <div>
          <h1>{label}</h1>
          <p className="page__lead">
            Started <RelativeTime iso={job.createdAt} />
            {job.finishedAt && (
              <>
                , finished <RelativeTime iso={job.finishedAt} />
              </>
            )}
          </p>
        </div>
        <div className="page__actions">
          {canCancelJob(job.status) && (
            <Button variant="danger" onClick={() => void askToCancel()} pending={cancel.isPending}>
              Cancel
            </Button>
          )}
          {job.status === 'succeeded' && job.resultUrl && (
            // The BFF serves the file as an attachment; `download` says so to the browser before it asks.
            <a className="button button--primary" href={job.resultUrl} download>
              Download
            </a>
          )}
        </div>
      </header>

      <section className="job-progress" aria-label={`${label} status`}>
        <p ref={statusRef} className={`job-status job-status--${job.status}`} role="status" tabIndex={-1}>
          Status: <strong>{status}</strong>
        </p>
        <ProgressBar label={`${label} progress`} value={job.progress.total === null ? null : job.progress.done} max={job.progress.total} valueText={describeJobProgress(job)} />
      </section>

      {error && <Banner tone="error">{describeError(error)}</Banner>}
      <JobOutcome job={job} onRetry={() => retry.mutate()} retrying={retry.isPending} />
    </article>
  );
}

function JobOutcome({ job, onRetry, retrying }: { job: Job; onRetry: () => void; retrying: boolean }) {
  if (job.status === 'succeeded') {
    return (
      <Banner tone="success" title="Your export is ready">
        <p>The file holds the snips you could see that matched your filters when it ran, as JSON.</p>
      </Banner>
    );
  }
  const stop = describeJobStop(job);
  if (!stop || !canRetryJob(job.status)) return null;
  return (
    <Banner
      tone={job.status === 'failed' ? 'error' : 'info'}
      title={job.status === 'failed' ? 'This export failed' : 'This export was cancelled'}
      actions={
        <Button variant="primary" onClick={onRetry} pending={retrying}>
          Try again
        </Button>
      }
    >
      <p>{stop}</p>
    </Banner>
  );
}
