import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveSeconds = z.coerce.number().int().positive();

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_SECONDS: positiveSeconds.default(1800),
  SESSION_ABSOLUTE_SECONDS: positiveSeconds.default(43200),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  WEB_DIST: z.string().min(1).default('dist/web'),
  REDIS_PREFIX: z.string().min(1).max(100).default('snipdesk:'),
  REALTIME_SWEEP_SECONDS: z.coerce.number().int().positive().max(3600).default(15),
  JOB_WORKERS: z.coerce.number().int().min(0).max(32).default(2),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** How often the WebSocket gateway pings its sockets and closes those whose session has ended. */
  realtimeSweepSeconds: number;
  /** How many background jobs this process runs at once; 0 leaves them to other processes (`npm run worker`). */
  jobWorkers: number;
  /** Put before every Redis key and channel, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  sessionSecret: string;
  sessionIdleSeconds: number;
  sessionAbsoluteSeconds: number;
  logLevel: string;
  seedDemo: boolean;
  /** Behind a reverse proxy, take the client IP and https from X-Forwarded-* (rate limits, Secure cookies). */
  trustProxy: boolean;
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
    redisUrl: values.REDIS_URL,
    redisPrefix: values.REDIS_PREFIX,
    realtimeSweepSeconds: values.REALTIME_SWEEP_SECONDS,
    jobWorkers: values.JOB_WORKERS,
    sessionSecret: values.SESSION_SECRET ?? developmentSecret,
    sessionIdleSeconds: values.SESSION_IDLE_SECONDS,
    sessionAbsoluteSeconds: values.SESSION_ABSOLUTE_SECONDS,
    logLevel: values.LOG_LEVEL,
    seedDemo: values.SEED_DEMO === 'auto',
    trustProxy: values.TRUST_PROXY === 'true',
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
