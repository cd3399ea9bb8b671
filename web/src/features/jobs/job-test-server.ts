import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Job } from '#shared/contracts/jobs.ts';
import { serveTestApi } from '../../app/feature-test-harness.tsx';

/**
 * For the web tests of the job pages: a tiny HTTP server on loopback that answers the jobs API as the BFF does
 * (GET /api/jobs and /api/jobs/:id, cancel with 409 job_finished, retry with 409 job_not_retryable), so the pages
 * are tested against real requests, not a mocked fetch; the test page lives on its origin (`serveTestApi`). The
 * test changes `jobs` to move a job along, the way the worker would. Not part of the app: only tests import it.
 */
export interface JobTestServer {
  /** The jobs it knows, newest first, as GET /api/jobs lists them. */
  jobs: Job[];
  /** Every request, as `METHOD /path`. */
  readonly requests: string[];
  /** The id the next retry gives its new job. */
  nextJobId: string;
  close(): Promise<void>;
}

export function testJob(overrides: Partial<Job> & Pick<Job, 'id'>): Job {
  return {
    kind: 'export',
    status: 'queued',
    progress: { done: 0, total: null },
    error: null,
    resultUrl: null,
    createdAt: new Date().toISOString(),
    finishedAt: null,
    ...overrides,
  };
}

export async function startJobTestServer(): Promise<JobTestServer> {
  const server: JobTestServer = { jobs: [], requests: [], nextJobId: '', close: async () => {} };

  function send(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
  const fail = (res: ServerResponse, status: number, code: string, message: string) => send(res, status, { error: { code, message } });

  function handle(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    server.requests.push(`${method} ${path}`);
    if (method === 'GET' && path === '/api/jobs') return send(res, 200, { items: server.jobs });
    const match = /^\/api\/jobs\/([^/]+)(?:\/(cancel|retry))?$/.exec(path);
    const job = server.jobs.find((candidate) => candidate.id === match?.[1]);
    if (!match || !job) return fail(res, 404, 'not_found', 'The job was not found.');
    const replace = (next: Job) => {
      server.jobs = server.jobs.map((candidate) => (candidate.id === next.id ? next : candidate));
      return next;
    };
    if (method === 'GET' && !match[2]) return send(res, 200, job);
    if (method === 'POST' && match[2] === 'cancel') {
      if (job.status !== 'queued' && job.status !== 'running') return fail(res, 409, 'job_finished', 'This job has already finished.');
      return send(res, 200, replace({ ...job, status: 'cancelled', finishedAt: new Date().toISOString() }));
    }
    if (method === 'POST' && match[2] === 'retry') {
      if (job.status !== 'failed' && job.status !== 'cancelled') {
        return fail(res, 409, 'job_not_retryable', 'Only a failed or cancelled job can be tried again.');
      }
      const again = testJob({ id: server.nextJobId });
      server.jobs = [again, ...server.jobs];
      return send(res, 202, again);
    }
    return fail(res, 404, 'not_found', 'Not found.');
  }

  server.close = (await serveTestApi(handle)).close;
  return server;
}
