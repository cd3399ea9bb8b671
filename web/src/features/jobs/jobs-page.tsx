import type { QueryClient } from '@tanstack/react-query';
import { Link, type LoaderFunctionArgs } from 'react-router';
import type { Job } from '#shared/contracts/jobs.ts';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { useSession } from '../auth/get-session.ts';
import { requireUser } from '../auth/sign-in-redirect.ts';
import { jobListQueryOptions, useJobList } from './list-jobs.ts';
import { describeJobProgress, isJobFinished, jobKindLabels, jobStatusLabels } from './job-status.ts';
import { useJobStream } from './job-stream.ts';
import './jobs.css';

export function jobsLoader(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    const user = await requireUser(queryClient, request);
    await queryClient.ensureQueryData(jobListQueryOptions(user.workspace.id));
    return null;
  };
}

export function JobsPage() {
  // Null for a moment while signing out: the page is on its way out, and has nothing to ask the server for.
  const { user } = useSession();
  if (!user) return null;
  return <RecentJobs key={user.workspace.id} workspaceId={user.workspace.id} />;
}

/** The signed-in person's recent exports in this workspace; the ones still running move live. */
function RecentJobs({ workspaceId }: { workspaceId: string }) {
  const jobs = useJobList(workspaceId);
  return (
    <section className="page">
      <title>Exports · Snipdesk</title>
      <header className="page__header">
        <div>
          <h1>Exports</h1>
          <p className="page__lead">
            Your latest exports in this workspace. Start one from the <Link to="/snips">snips list</Link>: it exports what the filters there select.
          </p>
        </div>
      </header>
      {jobs.length === 0 ? (
        <div className="empty-state">
          <p className="empty-state__title">No exports yet</p>
          <p>Choose some filters on the snips list and press Export: the file shows up here when it is ready.</p>
        </div>
      ) : (
        <ul className="job-list" aria-label="Exports">
          {jobs.map((job) => (
            <JobRow key={job.id} job={job} />
          ))}
        </ul>
      )}
    </section>
  );
}

function JobRow({ job }: { job: Job }) {
  // Only a job that is still going has anything to say; a finished one stops following its stream.
  useJobStream(isJobFinished(job.status) ? null : job.id);
  const label = jobKindLabels[job.kind];
  return (
    <li className="job-card">
      <Link className="job-card__title" to={`/jobs/${job.id}`}>
        {label} started <RelativeTime iso={job.createdAt} />
      </Link>
      <span className={`job-badge job-badge--${job.status}`}>{jobStatusLabels[job.status]}</span>
      <span className="job-card__progress">{describeJobProgress(job)}</span>
    </li>
  );
}
