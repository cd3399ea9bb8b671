import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { startFailoverProxy, type FailoverProxy } from './failover-proxy.ts';
import { commentBodies, createSnip, expect, liveIndicator, markDocument, type SavedSnip, test, uniqueTitle, viewersAre } from './fixtures.ts';

// One deployment of two BFF instances (one PostgreSQL database, one Redis) behind a load balancer, seen from real
// browsers: a change made through one instance reaches a page connected to the other, and when an instance crashes
// its pages reconnect to the other by themselves and catch up on what changed while they had no socket. Its
// instances run no jobs, so a job waits in the queue for as long as a test likes (to cancel it for real) until the
// test starts a worker process.
// The suite's own server runs on an embedded database in one process; this spec starts a deployment of its own.

const serverUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = 'redis://127.0.0.1:6379';

/** Why the services this spec needs cannot be used, or undefined when they can. */
async function unavailableServices(): Promise<string | undefined> {
  // No short connect timeouts: a service that is not running refuses at once, and one slow to answer on a busy
  // machine is running, so the spec must not skip itself for it.
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (error) {
    return `PostgreSQL is not reachable at ${serverUrl} (${String(error)})`;
  } finally {
    await sql.end({ timeout: 1 });
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // The connection's own error says why (ECONNREFUSED…); the rejected command only says it was closed.
  let cause: unknown;
  redis.on('error', (error) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    return `Redis is not reachable at ${redisUrl} (${String(cause ?? error)})`;
  } finally {
    redis.disconnect();
  }
  return undefined;
}

const unavailable = await unavailableServices();
test.skip(unavailable !== undefined, `Two instances need PostgreSQL and Redis: ${unavailable}`);
// Every test starts a deployment of its own (two instances; one test a worker process too), and a process takes as
// long to start as the machine is busy: the spec waits for what each prints once ready, bounded only by this budget.
test.slow(true, 'each test starts BFF processes of its own');

const repositoryRoot = resolve(import.meta.dirname, '..');

interface Instance {
  origin: string;
  /** What the process printed, for the report of a failed test. */
  output(): string;
  /** SIGKILL: a real crash, no shutdown hooks, no goodbye; resolves once the process is gone. */
  crash(): Promise<void>;
}

interface Deployment {
  a: Instance;
  b: Instance;
  proxy: FailoverProxy;
  /** What every process of this deployment is started with. */
  environment: Record<string, string>;
}

interface Process {
  child: ChildProcess;
  /** What the process printed so far, stdout and stderr together. */
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs a script of the BFF like `npm start` does (`node --import tsx`), with only the environment given. */
function run(script: string, environment: Record<string, string>): Process {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/**
 * Resolves with the first match of `pattern` in what the process printed: the line it prints once it is ready. No
 * timeout of its own: how long a start takes depends on the machine, so only the test's timeout bounds it; a process
 * that exits first fails the wait at once, with its output.
 */
function printed({ child, output, exited }: Process, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((found, failed) => {
    const check = () => {
      const match = pattern.exec(output());
      if (!match) return;
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      found(match);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    check();
    void exited.then((code) => failed(new Error(`the process exited (${code}) before printing ${pattern}:\n${output()}`)));
  });
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
/** Every process this worker started, even one whose start-up failed half-way: none may outlive its test. */
const started = new Set<ChildProcess>();

async function killStarted() {
  const exits = [...started].map((child) => new Promise<void>((gone) => {
    if (!alive(child)) return gone();
    child.once('exit', () => gone());
    child.kill('SIGKILL');
  }));
  started.clear();
  await Promise.all(exits);
}

async function startInstance(environment: Record<string, string>): Promise<Instance> {
  // PORT=0: the OS picks a free port, so parallel runs and specs never collide; main.ts prints the one it got.
  const instance = run('bff/src/main.ts', { ...environment, HOST: '127.0.0.1', PORT: '0' });
  const { child, output, exited } = instance;
  started.add(child);
  const [, port] = await printed(instance, /running at http:\/\/[^:\s]+:(\d+)/);
  const origin = `http://127.0.0.1:${port}`;
  // main.ts prints that line once it listens, connected to its database: the first health check answers.
  expect((await fetch(`${origin}/api/health`)).status).toBe(200);
  return {
    origin,
    output,
    async crash() {
      if (alive(child)) child.kill('SIGKILL');
      await exited;
    },
  };
}

let admin: postgres.Sql | undefined;
let databaseName: string | undefined;
let databaseUrl: string | undefined;
let deployment: Deployment | undefined;

test.beforeAll(async () => {
  // A database of this worker's own: the spec never sees (or changes) another run's data.
  databaseName = `snipdesk_e2e_${randomBytes(6).toString('hex')}`;
  admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${databaseName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();
  // Main only seeds the embedded database; `npm run db:seed` migrates and seeds any other.
  const seed = run('bff/src/db/seed-command.ts', { DATABASE_URL: databaseUrl });
  started.add(seed.child);
  const code = await seed.exited;
  if (code !== 0) throw new Error(`seeding ${databaseName} failed (${code}):\n${seed.output()}`);
});

test.afterAll(async () => {
  await killStarted();
  if (admin && databaseName) await admin.unsafe(`drop database if exists ${databaseName} with (force)`);
  await admin?.end();
});

test.beforeEach(async () => {
  // Playwright's webServer builds the SPA before any spec runs (into its WEB_DIST); both instances serve that build.
  const webDist = resolve(repositoryRoot, test.info().config.webServer?.env?.WEB_DIST ?? 'dist/web');
  expect(existsSync(resolve(webDist, 'index.html')), `the SPA build in ${webDist}`).toBe(true);
  const shared = {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl!,
    REDIS_URL: redisUrl,
    // Each test is a deployment of its own on the shared Redis: its instances hear each other and nobody else.
    REDIS_PREFIX: `snipdesk_e2e_${randomBytes(6).toString('hex')}:`,
    // One secret, so a CSRF token minted by one instance is accepted by the other.
    SESSION_SECRET: randomBytes(32).toString('hex'),
    SEED_DEMO: 'never',
    WEB_DIST: webDist,
    // The instances run no jobs: a job waits until a test starts a worker process (`npm run worker`) of its own.
    JOB_WORKERS: '0',
  };
  // One after the other: the first start on a fresh database creates pg-boss's queues, and two starts racing to do
  // that can deadlock; that race is not what this spec is about.
  const a = await startInstance(shared);
  const b = await startInstance(shared);
  const proxy = await startFailoverProxy({ primary: Number(new URL(a.origin).port), secondary: Number(new URL(b.origin).port) });
  deployment = { a, b, proxy, environment: shared };
});

test.afterEach(async () => {
  const testInfo = test.info();
  if (deployment && testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach('instance-a.log', { body: deployment.a.output(), contentType: 'text/plain' });
    await testInfo.attach('instance-b.log', { body: deployment.b.output(), contentType: 'text/plain' });
  }
  await deployment?.proxy.close();
  deployment = undefined;
  await killStarted();
});

async function openSnip(page: Page, snip: SavedSnip) {
  await page.goto(`/snips/${snip.id}`);
  await expect(page.getByRole('heading', { level: 1, name: snip.title })).toBeVisible();
  await expect(liveIndicator(page)).toHaveText('Live updates on');
}

async function comment(page: Page, body: string, countAfter: number) {
  await page.getByLabel('Add a comment').fill(body);
  await page.getByRole('button', { name: 'Comment' }).click();
  await expect(commentBodies(page)).toHaveCount(countAfter);
}

test('a comment posted through one instance shows live in a browser connected to the other', async ({ signedInElsewhere }) => {
  const { b, proxy } = deployment!;
  // The owner's browser knows only the load balancer's origin, which sends everything to A while A lives.
  const owner = await signedInElsewhere('owner', proxy.origin);
  const member = await signedInElsewhere('member', b.origin);
  const snip = await createSnip(owner, uniqueTitle('Across instances'));
  await openSnip(owner, snip);
  await expect(owner.getByText('No comments yet.')).toBeVisible();
  const stillTheSameDocument = await markDocument(owner);
  await openSnip(member, snip);

  // Presence crosses instances too: each page shows the viewer whose socket is on the other instance.
  await viewersAre(owner, ['Max Member']);
  await viewersAre(member, ['Olivia Owner']);

  await comment(member, 'Posted through B.', 1);
  await expect(commentBodies(owner)).toHaveText([/Max Member.*Posted through B\./]);
  expect(await stillTheSameDocument()).toBe(true);
  // Nothing of the owner's went to B: the comment crossed from B to A's socket through Redis.
  expect(proxy.routed).toMatchObject({ secondary: 0 });
  expect(proxy.routed.primary).toBeGreaterThan(0);
});

test('a crashed instance’s browser reconnects to the other by itself and shows what changed meanwhile', async ({ signedInElsewhere }) => {
  const { a, b, proxy } = deployment!;
  const owner = await signedInElsewhere('owner', proxy.origin);
  const member = await signedInElsewhere('member', b.origin);
  const snip = await createSnip(member, uniqueTitle('Failover'));
  await openSnip(owner, snip);
  await expect(owner.getByText('No comments yet.')).toBeVisible();
  const stillTheSameDocument = await markDocument(owner);
  expect(proxy.routed).toMatchObject({ secondary: 0 });

  // The load balancer holds new connections for a moment, as one does until its health check notices; so what
  // follows certainly happens while the owner's tab has no socket at all.
  proxy.hold();
  await a.crash();
  await expect(liveIndicator(owner)).toHaveText('Reconnecting…');

  await member.goto(`/snips/${snip.id}/edit`);
  await member.getByLabel('Title').fill(`${snip.title} (saved while A was down)`);
  await member.getByRole('button', { name: 'Save changes' }).click();
  await expect(member.getByRole('heading', { level: 1, name: `${snip.title} (saved while A was down)` })).toBeVisible();
  await comment(member, 'Written while A was down.', 1);
  // The owner's page still shows the old state: with no socket, it has no way to hear of the new one.
  await expect(owner.getByRole('heading', { level: 1, name: snip.title })).toBeVisible();
  await expect(owner.getByText('No comments yet.')).toBeVisible();

  proxy.release();
  // The tab's own reconnect lands on B, whose fresh snapshot brings the latest state.
  await expect(liveIndicator(owner)).toHaveText('Live updates on');
  await expect(owner.getByRole('heading', { level: 1, name: `${snip.title} (saved while A was down)` })).toBeVisible();
  await expect(commentBodies(owner)).toHaveText([/Max Member.*Written while A was down\./]);
  expect(proxy.routed.secondary).toBeGreaterThan(0);
  expect(await stillTheSameDocument()).toBe(true);

  // The session and its CSRF token, both from A, are good on B: the owner carries on, and it shows live on B.
  await comment(owner, 'Still here, through B.', 2);
  await expect(commentBodies(member)).toHaveText([/Written while A was down\./, /Olivia Owner.*Still here, through B\./]);
  expect(await stillTheSameDocument()).toBe(true);
});

test('a job waits for a worker: cancelled and tried again in the browser, it finishes live once a worker process starts', async ({ signedInElsewhere }) => {
  const { proxy, environment } = deployment!;
  const member = await signedInElsewhere('member', proxy.origin);
  const status = member.getByRole('status').filter({ hasText: 'Status:' });
  await member.goto('/snips?language=markdown');
  await member.getByRole('button', { name: 'Export' }).click();
  await expect(member).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  const firstJob = member.url();
  await expect(status).toHaveText('Status: Waiting to start');
  const stillTheSameDocument = await markDocument(member);

  await member.getByRole('button', { name: 'Cancel', exact: true }).click();
  await member.getByRole('alertdialog', { name: 'Cancel this export?' }).getByRole('button', { name: 'Cancel export' }).click();
  await expect(status).toHaveText('Status: Cancelled');
  await member.getByRole('button', { name: 'Try again' }).click();
  await expect(member).not.toHaveURL(firstJob);
  await expect(status).toHaveText('Status: Waiting to start');

  // A worker in a process of its own takes the job; its progress reaches the page through Redis and instance A.
  const worker = run('bff/src/worker.ts', { ...environment, JOB_WORKERS: '1' });
  started.add(worker.child);
  // Starting a process takes what the machine gives it; only once its workers poll does the job's own time begin.
  await printed(worker, /workers are running/);
  // What is left is short and does not grow with the machine's load the way a start does: the worker's first poll
  // (at once; the cancelled job's delivery, if it comes first, is dropped, and the next poll follows within a second)
  // and an export of a few snips, so the suite's expect timeout bounds it.
  await expect(status).toHaveText('Status: Ready');
  const download = member.waitForEvent('download');
  await member.getByRole('link', { name: 'Download' }).click();
  const file = JSON.parse(await readFile(await (await download).path(), 'utf8')) as { snips: { language: string }[] };
  expect(file.snips.length).toBeGreaterThan(0);
  expect(new Set(file.snips.map((snip) => snip.language))).toEqual(new Set(['markdown']));
  expect(await stillTheSameDocument()).toBe(true);
  // The first job stayed cancelled: nothing ran it after the fact.
  await member.goto(firstJob);
  await expect(status).toHaveText('Status: Cancelled');
});
