import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { signInOverHttp } from './test-app.ts';

// These start the real entry points as a newcomer would, so they run on the embedded default only. Each one cold-starts
// Node, tsx and PGlite with its migrations, several seconds apiece on a busy machine: hence the longer time limits.
const dataDirs: string[] = [];
afterAll(async () => {
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function freshDataDir() {
  const dir = await mkdtemp(join(tmpdir(), 'snipdesk-main-'));
  dataDirs.push(dir);
  return dir;
}

/** What a process that has exited left in a PGlite data directory: migrations applied, users stored. */
async function contentsOf(dataDir: string) {
  const database = await PGlite.create(dataDir);
  try {
    const [migrations] = (await database.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations')).rows;
    const [users] = (await database.query<{ n: number }>('select count(*)::int as n from users')).rows;
    return { migrations: migrations!.n, users: users!.n };
  } finally {
    await database.close();
  }
}

const committedMigrations = async () =>
  (JSON.parse(await readFile(new URL('./db/migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] }).entries.length;

function run(script: string, environment: Record<string, string>, until?: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise<{ code: number | null; output: string; stop(): Promise<void> }>((resolve) => {
    const stop = () => new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) resolve({ code: null, output, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => resolve({ code, output, stop: async () => {} }));
  });
}

describe('npm start', () => {
  it('refuses to start on a bad variable, naming it', async () => {
    const result = await run('bff/src/main.ts', { PORT: 'eighty', DATA_DIR: await freshDataDir() });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/Invalid configuration:\n\s+PORT:/);
  });

  it('starts on a fresh embedded database, seeds the demo, prints the sign-ins and serves real HTTP', { timeout: 60_000 }, async () => {
    const server = await run('bff/src/main.ts', { PORT: '0', DATA_DIR: await freshDataDir() }, /owner@example\.com[\s\S]*outsider@example\.com/);
    try {
      expect(server.output).toContain('demo-password');
      const url = /running at (http:\/\/\S+)/.exec(server.output)![1]!;
      const health = await fetch(`${url}/api/health`);
      expect(await health.json()).toEqual({ status: 'ok', database: 'ok', mode: 'embedded' });
      await signInOverHttp(url, 'owner@example.com');
    } finally {
      await server.stop();
    }
  });

  it('keeps a fresh embedded database empty with SEED_DEMO=never', { timeout: 60_000 }, async () => {
    const dataDir = await freshDataDir();
    const server = await run('bff/src/main.ts', { PORT: '0', DATA_DIR: dataDir, SEED_DEMO: 'never' }, /running at http:\/\/\S+ \(/);
    try {
      const url = /running at (http:\/\/\S+)/.exec(server.output)![1]!;
      expect(await (await fetch(`${url}/api/health`)).json()).toMatchObject({ status: 'ok' });
      // No sign-ins are offered that would not work.
      expect(server.output).not.toContain('demo-password');
    } finally {
      await server.stop();
    }
    expect(await contentsOf(dataDir)).toEqual({ migrations: await committedMigrations(), users: 0 });
  });
});

describe('npm run db:migrate', () => {
  it('applies every migration to a fresh database, and runs again with none pending', { timeout: 60_000 }, async () => {
    const dataDir = await freshDataDir();
    for (let i = 0; i < 2; i++) {
      const result = await run('bff/src/db/migrate-command.ts', { DATA_DIR: dataDir });
      expect(result.code).toBe(0);
      expect(await contentsOf(dataDir)).toEqual({ migrations: await committedMigrations(), users: 0 });
    }
  });
});

describe('npm run db:seed', () => {
  it('seeds and can run again without changing anything', { timeout: 90_000 }, async () => {
    const dataDir = await freshDataDir();
    for (let i = 0; i < 2; i++) {
      const result = await run('bff/src/db/seed-command.ts', { DATA_DIR: dataDir });
      expect(result.code).toBe(0);
      expect(result.output).toContain('member@example.com');
    }
    const migrate = await run('bff/src/db/migrate-command.ts', { DATA_DIR: dataDir });
    expect(migrate.code).toBe(0);
  });
});
