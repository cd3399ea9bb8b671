import { isIP } from 'node:net';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveSeconds = z.coerce.number().int().positive();

/** Range names that @fastify/proxy-addr (Fastify's `trustProxy`) understands besides addresses and CIDR ranges. */
const proxyRangeNames = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (proxyRangeNames.includes(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (version === 4 ? 32 : 128);
  return version === 4 && isIP(range) === 4;
}

/**
 * `false`, the number of proxies in front of the app, or the proxies whose X-Forwarded-* to believe. Not `true`: the
 * left-most X-Forwarded-For is whatever the client wrote, so rotating it would escape the per-IP sign-in limits.
 */
const trustedProxies = z
  .string()
  .default('false')
  .transform((value, context): false | number | string[] => {
    if (value === 'false') return false;
    const refuse = (message: string) => {
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    const instead = "give the number of proxies in front of the app, or list their addresses or CIDR ranges (e.g. 10.0.0.0/8,::1 or loopback)";
    if (value === 'true') return refuse(`true is refused: any client could name its own IP in X-Forwarded-For; ${instead}`);
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      return hops >= 1 && hops <= 10 ? hops : refuse('a hop count is 1 to 10 (the proxies in front of the app)');
    }
    const entries = value.split(',').map((entry) => entry.trim());
    const wrong = entries.find((entry) => !isProxyAddress(entry));
    if (wrong !== undefined) {
      return refuse(`"${wrong}" is not an IP address, CIDR range or one of ${proxyRangeNames.join(', ')}`);
    }
    return entries;
  });

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_SECONDS: positiveSeconds.default(1800),
  SESSION_ABSOLUTE_SECONDS: positiveSeconds.default(43200),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  TRUST_PROXY: trustedProxies,
  WEB_DIST: z.string().min(1).default('dist/web'),
  REDIS_PREFIX: z.string().min(1).max(100).default('snipdesk:'),
  REALTIME_SWEEP_SECONDS: z.coerce.number().int().positive().max(3600).default(15),
  REALTIME_SOCKETS_PER_SESSION: z.coerce.number().int().positive().max(1000).default(10),
  REALTIME_SOCKETS_PER_USER: z.coerce.number().int().positive().max(1000).default(30),
  JOB_WORKERS: z.coerce.number().int().min(0).max(32).default(2),
  JOB_LEASE_SECONDS: z.coerce.number().int().min(3).max(3600).default(45),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /**
   * How long a query may wait for a connection, and run; also the connect timeout. Past it the request answers 503
   * (README, "When the database is down").
   */
  databaseTimeoutMs: number;
  /** How often the WebSocket gateway pings its sockets and closes those whose session has ended. */
  realtimeSweepSeconds: number;
  /** Open WebSockets allowed per session and per user, on each instance; one more answers 429. */
  realtimeSocketsPerSession: number;
  realtimeSocketsPerUser: number;
  /** How many background jobs this process runs at once; 0 leaves them to other processes (`npm run worker`). */
  jobWorkers: number;
  /**
   * How long a running job's delivery holds it without renewing (renewals come every third of it): a job whose worker
   * died is retried soon after this. Use the same value in every process of a deployment.
   */
  jobLeaseSeconds: number;
  /** Put before every Redis key and channel, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  sessionSecret: string;
  sessionIdleSeconds: number;
  sessionAbsoluteSeconds: number;
  logLevel: string;
  seedDemo: boolean;
  /**
   * The reverse proxies whose X-Forwarded-* give the client IP and https (sign-in limits, `__Host-` Secure cookies):
   * how many stand in front of the app, or their addresses and CIDR ranges; false: none, the socket is the client.
   */
  trustProxy: false | number | string[];
  /** Largest request body accepted, in bytes; larger ones answer 413. */
  bodyLimitBytes: number;
  /** Directory of the built SPA; served with history fallback when it exists. */
  webDist: string;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The development secret is only acceptable where no one else can reach the server. */
const developmentSecret = 'snipdesk-development-secret-not-for-production';

/** Reads the environment once; a bad or missing value stops start-up naming the variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const values = parsed.data;
  if (values.NODE_ENV === 'production' && !values.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: required when NODE_ENV=production');
  }
  if (values.SESSION_ABSOLUTE_SECONDS < values.SESSION_IDLE_SECONDS) {
    throw new ConfigError(
      'Invalid configuration:\n  SESSION_ABSOLUTE_SECONDS: must not be shorter than SESSION_IDLE_SECONDS',
    );
  }
  return {
    env: values.NODE_ENV,
    port: values.PORT,
    host: values.HOST,
    dataDir: values.DATA_DIR,
    databaseUrl: values.DATABASE_URL,
    databaseTimeoutMs: values.DATABASE_TIMEOUT_MS,
    redisUrl: values.REDIS_URL,
    redisPrefix: values.REDIS_PREFIX,
    realtimeSweepSeconds: values.REALTIME_SWEEP_SECONDS,
    realtimeSocketsPerSession: values.REALTIME_SOCKETS_PER_SESSION,
    realtimeSocketsPerUser: values.REALTIME_SOCKETS_PER_USER,
    jobWorkers: values.JOB_WORKERS,
    jobLeaseSeconds: values.JOB_LEASE_SECONDS,
    sessionSecret: values.SESSION_SECRET ?? developmentSecret,
    sessionIdleSeconds: values.SESSION_IDLE_SECONDS,
    sessionAbsoluteSeconds: values.SESSION_ABSOLUTE_SECONDS,
    logLevel: values.LOG_LEVEL,
    seedDemo: values.SEED_DEMO === 'auto',
    trustProxy: values.TRUST_PROXY,
    bodyLimitBytes: 512 * 1024,
    webDist: values.WEB_DIST,
  };
}

/** For the process entry points: a bad configuration prints what is wrong and exits 1, without a stack trace. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
