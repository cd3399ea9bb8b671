import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults for the embedded mode', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './.data',
      databaseUrl: undefined,
      redisUrl: undefined,
      sessionIdleSeconds: 1800,
      sessionAbsoluteSeconds: 43200,
      jobWorkers: 2,
      redisPrefix: 'snipdesk:',
      realtimeSweepSeconds: 15,
      env: 'development',
      trustProxy: false,
      logLevel: 'info',
      seedDemo: true,
      webDist: 'dist/web',
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ SESSION_IDLE_SECONDS: '-5' }, 'SESSION_IDLE_SECONDS'],
    [{ SESSION_ABSOLUTE_SECONDS: '60', SESSION_IDLE_SECONDS: '600' }, 'SESSION_ABSOLUTE_SECONDS'],
    [{ NODE_ENV: 'production' }, 'SESSION_SECRET'],
    [{ JOB_WORKERS: 'many' }, 'JOB_WORKERS'],
    [{ JOB_WORKERS: '-1' }, 'JOB_WORKERS'],
  ])('stops on %o, naming %s', (environment, variable) => {
    expect(() => loadConfig(environment)).toThrow(new RegExp(`^Invalid configuration:\\n  ${variable}:`));
  });

  it.each([
    ['true', 'any client could name its own IP in X-Forwarded-For'],
    ['0', 'a hop count is 1 to 10'],
    ['11', 'a hop count is 1 to 10'],
    ['10.0.0.0/33', 'not an IP address, CIDR range'],
    ['proxy.internal', 'not an IP address, CIDR range'],
    ['127.0.0.1,', 'not an IP address, CIDR range'],
  ])('refuses TRUST_PROXY=%s, saying why', (value, why) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/^Invalid configuration:\n {2}TRUST_PROXY: /);
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(why);
  });

  it('takes TRUST_PROXY as a hop count or the list of the proxies to trust: addresses, CIDR ranges or proxy-addr range names', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,::1, fd00::/8,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('accepts PostgreSQL and Redis URLs', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/snipdesk', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/snipdesk');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
  });
});
