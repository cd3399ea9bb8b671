import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import postgres from 'postgres';
import { expect } from 'vitest';
import { csrfHeader } from '#shared/contracts/session.ts';
import { buildApp, type AppOptions } from './app.ts';
import type { Clock } from './clock.ts';
import { loadConfig, type Config } from './config.ts';
import { demoPassword, seedDemo } from './db/seed.ts';
import { sessionCookie } from './plugins/session.ts';

/** A clock that only moves when a test says so. */
export function testClock(start = new Date('2026-01-05T09:00:00.000Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(seconds: number) {
      now += seconds * 1000;
    },
  } satisfies Clock & Record<string, unknown>;
}

/**
 * A fresh database for one test app: in-memory PGlite by default, or a new PostgreSQL database on the server that
 * DATABASE_URL names (created here, dropped on close), so the same tests prove both modes. REDIS_URL likewise
 * switches the channel layer to Redis.
 */
export async function freshDatabase(): Promise<{ databaseUrl: string | undefined; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { databaseUrl: undefined, drop: async () => {} };
  const name = `snipdesk_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export type TestApp = {
  app: FastifyInstance;
  clock: ReturnType<typeof testClock>;
  config: Config;
  /** Listens on a free loopback port; resolves with its origin, for real HTTP and WebSocket clients. */
  listen(): Promise<string>;
  /** A browser-like client: keeps cookies and sends the CSRF token on unsafe requests. */
  client(): TestClient;
  signIn(email: string): Promise<TestClient>;
  close(): Promise<void>;
};

export async function startTestApp(
  options: {
    environment?: Record<string, string>;
    beforeReady?: (app: FastifyInstance) => void;
    /** A second instance of that app's deployment: same database, same Redis prefix, its own process state. */
    instanceOf?: TestApp;
    /** Flags declared besides (or instead of) the registry's: another deploy's code. */
    flagDeclarations?: AppOptions['flagDeclarations'];
  } = {},
): Promise<TestApp> {
  const { instanceOf } = options;
  const database = instanceOf ? { databaseUrl: instanceOf.config.databaseUrl, drop: async () => {} } : await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: 'memory://',
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    // Redis is shared by every test file running at once: each app gets its own key and channel prefix.
    ...(process.env.REDIS_URL
      ? { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: instanceOf?.config.redisPrefix ?? `snipdesk_test_${randomBytes(6).toString('hex')}:` }
      : {}),
    ...options.environment,
  });
  const clock = instanceOf?.clock ?? testClock();
  const app = await buildApp({ config, clock, ...(options.flagDeclarations ? { flagDeclarations: options.flagDeclarations } : {}) });
  options.beforeReady?.(app);
  await app.ready();
  await seedDemo(app.db, clock.now());
  return {
    app,
    clock,
    config,
    client: () => new TestClient(app),
    listen: () => app.listen({ port: 0, host: '127.0.0.1' }),
    async signIn(email: string) {
      const client = new TestClient(app);
      const response = await client.signIn(email);
      if (response.statusCode !== 200) throw new Error(`sign-in as ${email} failed: ${response.body}`);
      return client;
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export type InstanceProcess = {
  /** `http://127.0.0.1:<port>`, for real HTTP and WebSocket clients; empty for a worker, which takes no HTTP. */
  origin: string;
  /** SIGKILL: no shutdown hooks, no goodbye on the channels, sockets dropped by the kernel. Resolves once it is gone. */
  crash(): Promise<void>;
  /** SIGTERM, as a deploy stops a process. Resolves once it has exited. */
  stop(): Promise<void>;
};

/**
 * Another process of that app's deployment, started as deployed: an instance (`bff/src/main.ts`) or a worker
 * (`bff/src/worker.ts`), for what an in-process app cannot show, such as a crash or workers elsewhere. Same database,
 * Redis prefix and session secret as the app. Needs PostgreSQL and Redis: PGlite and the in-process channel layer
 * live inside one process.
 */
export async function spawnInstanceOf(
  instanceOf: { config: Pick<Config, 'databaseUrl' | 'redisUrl' | 'redisPrefix' | 'sessionSecret'> },
  environment: Record<string, string> = {},
  entry: 'main.ts' | 'worker.ts' = 'main.ts',
): Promise<InstanceProcess> {
  const { databaseUrl, redisUrl, redisPrefix, sessionSecret } = instanceOf.config;
  if (!databaseUrl || !redisUrl) throw new Error('another process of the deployment needs DATABASE_URL and REDIS_URL');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', `bff/src/${entry}`], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      SESSION_SECRET: sessionSecret,
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  // PORT=0 lets the OS pick the port, so parallel test files never collide; main.ts prints the one it got.
  const started = entry === 'main.ts' ? /running at http:\/\/[^:\s]+:(\d+)/ : /workers are running/;
  const port = await new Promise<string | undefined>((resolve, reject) => {
    // A start that hangs must not leave the process behind: the caller has nothing to kill yet.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const running = started.exec(output);
      if (!running) return;
      clearTimeout(timer);
      resolve(running[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited before it was running:\n${output}`));
    });
  });
  return {
    origin: port ? `http://127.0.0.1:${port}` : '',
    async crash() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export class TestClient {
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;
  private readonly app: FastifyInstance;

  constructor(app: FastifyInstance) {
    this.app = app;
  }

  async request(options: InjectOptions & { url: string }): Promise<LightMyRequestResponse> {
    const method = (options.method ?? 'GET').toUpperCase();
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(method);
    if (unsafe && this.csrfToken === undefined) await this.refreshSession();
    const response = await this.app.inject({
      ...options,
      headers: {
        ...(unsafe && this.csrfToken ? { [csrfHeader]: this.csrfToken } : {}),
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...options.headers,
      },
    });
    for (const cookie of response.cookies) {
      if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() <= Date.now())) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  async refreshSession() {
    const response = await this.request({ url: '/api/session' });
    this.csrfToken = response.json().csrfToken;
    return response;
  }

  async signIn(email: string, password = demoPassword) {
    const response = await this.request({ method: 'POST', url: '/api/session', payload: { email, password } });
    if (response.statusCode === 200) this.csrfToken = response.json().csrfToken;
    return response;
  }
}

/** Signs in over real HTTP, as a browser does (pre-session cookie, CSRF token); resolves with the session cookie. */
export async function signInOverHttp(origin: string, email: string): Promise<string> {
  const session = await fetch(`${origin}/api/session`);
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const signIn = await fetch(`${origin}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [csrfHeader]: csrfToken, cookie: session.headers.getSetCookie()[0]!.split(';')[0]! },
    body: JSON.stringify({ email, password: demoPassword }),
  });
  expect(signIn.status).toBe(200);
  const cookie = signIn.headers.getSetCookie().find((value) => value.startsWith(`${sessionCookie}=`));
  return cookie!.split(';')[0]!;
}
