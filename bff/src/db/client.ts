import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema.ts';

/** The one database type features see; PGlite and PostgreSQL both satisfy it. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseMode = 'embedded' | 'postgres';

/** How pg-boss reaches the same database: its own pool on PostgreSQL, the one PGlite connection when embedded. */
export type JobQueueConnection = { connectionString: string } | { db: { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } };

export type DatabaseHandle = {
  db: Database;
  mode: DatabaseMode;
  jobQueueConnection: JobQueueConnection;
  /** Applies the committed SQL migrations that have not run yet. Safe to call from several processes at once. */
  migrate(): Promise<void>;
  /**
   * Runs schema work (migrations, the job queue's set-up) one process at a time: instances starting together on one
   * PostgreSQL would otherwise deadlock creating the same tables.
   */
  withSchemaLock<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
/** Any constant works; it only has to be the same in every process that migrates this database. */
const schemaLockKey = 0x5a1bde5c;

/** PostgreSQL when a URL is given, else PGlite persisted in `dataDir` (`memory://` keeps it in memory). */
export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir: string }): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(options.dataDir);
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite({ client, schema });
  return {
    db,
    mode: 'embedded',
    jobQueueConnection: {
      db: {
        // pg-boss sends its schema and migrations as several statements without parameters: `exec` runs those.
        async executeSql(text, values) {
          if (values && values.length > 0) return client.query(text, values);
          const results = await client.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        },
      },
    },
    // One process owns a PGlite directory, so no lock is needed.
    migrate: () => migratePglite(db, { migrationsFolder }),
    withSchemaLock: (work) => work(),
    close: () => client.close(),
  };
}

function openPostgres(url: string): DatabaseHandle {
  const client = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzlePostgres({ client, schema });
  async function withSchemaLock<T>(work: () => Promise<T>): Promise<T> {
    const lock = await client.reserve();
    try {
      await lock`select pg_advisory_lock(${schemaLockKey})`;
      return await work();
    } finally {
      await lock`select pg_advisory_unlock(${schemaLockKey})`;
      lock.release();
    }
  }
  return {
    db,
    mode: 'postgres',
    jobQueueConnection: { connectionString: url },
    // Several instances may start together; the advisory lock lets one migrate while the others wait.
    migrate: () => withSchemaLock(() => migratePostgres(db, { migrationsFolder })),
    withSchemaLock,
    close: () => client.end({ timeout: 5 }),
  };
}
