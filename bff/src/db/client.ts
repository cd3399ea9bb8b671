import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres, { type Sql, type TransactionSql } from 'postgres';
import * as schema from './schema.ts';
import { DatabaseUnavailableError } from './unavailable.ts';

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
  withSchemaLock<T>(work: (schemaDb: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

/** Connections each process keeps to PostgreSQL. */
export const postgresPoolSize = 10;

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
/** Any constant works; it only has to be the same in every process that migrates this database. */
const schemaLockKey = 0x5a1bde5c;

/**
 * PostgreSQL when a URL is given, else PGlite persisted in `dataDir` (`memory://` keeps it in memory).
 * `databaseTimeoutMs` bounds every wait on the database (README, "When the database is down").
 */
export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir: string; databaseTimeoutMs: number }): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.databaseTimeoutMs);
  return openPglite(options.dataDir, options.databaseTimeoutMs);
}

/**
 * Runs `work` through `acquire`, which calls it once a connection is free, unless `waitMs` pass first: then the caller
 * gets a DatabaseUnavailableError at once, and the work, when its turn comes, throws instead of running.
 */
function withinWait<A extends unknown[], T>(
  waitMs: number,
  acquire: (guarded: (...args: A) => Promise<T>) => Promise<T>,
  work: (...args: A) => Promise<T>,
): Promise<T> {
  let state: 'waiting' | 'running' | 'abandoned' = 'waiting';
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (state !== 'waiting') return;
      state = 'abandoned';
      reject(new DatabaseUnavailableError(`No database connection was free within ${waitMs} ms.`));
    }, waitMs);
    acquire(async (...args) => {
      if (state === 'abandoned') throw new DatabaseUnavailableError('Gave up waiting for a database connection.');
      state = 'running';
      clearTimeout(timer);
      return work(...args);
    }).then(resolve, (error: unknown) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * PGlite runs one statement or transaction at a time and queues the rest without limit, so a request behind a long
 * transaction would wait as long as it lasts. Every query, exec and transaction takes the one connection through
 * `_runExclusiveTransaction`: here that wait is bounded.
 */
class PGliteWithBoundedWait extends PGlite {
  readonly #waitMs: number;

  constructor(dataDir: string, waitMs: number) {
    super(dataDir);
    this.#waitMs = waitMs;
  }

  override _runExclusiveTransaction<T>(work: () => Promise<T>): Promise<T> {
    return withinWait(this.#waitMs, (guarded) => super._runExclusiveTransaction(guarded), work);
  }
}

async function openPglite(dataDir: string, timeoutMs: number): Promise<DatabaseHandle> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const client = new PGliteWithBoundedWait(dataDir, timeoutMs);
  await client.waitReady;
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
    withSchemaLock: (work) => work(db),
    close: () => client.close(),
  };
}

/**
 * A connection whose server stops answering (a stalled network, a frozen host) would hold its query forever:
 * postgres.js has no reply timeout, and statement_timeout needs a server that still talks. So the pool's sockets are
 * our own, destroyed once something sent has gone unanswered for `silenceMs`; an idle connection is left alone.
 * (postgres.js takes a socket factory, its documented `socket` option; with TLS it wraps the socket and this watch ends.)
 */
function watchedSocket(options: { host: string[]; port: number[]; path: string | false }, silenceMs: number): net.Socket {
  const socket = options.path ? net.connect(options.path) : net.connect(options.port[0]!, options.host[0]!);
  let writtenWhenLastHeard = 0;
  socket.on('data', () => {
    writtenWhenLastHeard = socket.bytesWritten;
  });
  socket.setTimeout(silenceMs, () => {
    if (socket.bytesWritten > writtenWhenLastHeard) socket.destroy(new DatabaseUnavailableError(`PostgreSQL did not answer within ${silenceMs} ms.`));
  });
  // postgres.js takes a close after an error to mean the error already failed its queries, but one can be sent in
  // between (a reset connection not yet seen closed) and would wait forever. Failing whatever is still pending when
  // the socket closes ends that wait; with nothing pending it changes nothing. (Registered before postgres.js's own.)
  socket.on('close', () => socket.emit('error', new DatabaseUnavailableError('The connection to PostgreSQL closed.')));
  return socket;
}

/**
 * postgres.js has no bound on waiting for a free connection when all of them are busy or stuck. A query still
 * waiting at the deadline is taken out of the queue with the driver's own `cancel()` (one already sent is bounded by
 * statement_timeout and the socket's watch instead: its cancel would need a working server); a transaction still
 * waiting to begin gives up, and rolls back unrun if its turn comes later.
 */
function withPoolWaitBound(client: Sql, waitMs: number): Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (...args: Parameters<Sql['unsafe']>) => {
          const query = target.unsafe(...args);
          const timer = setTimeout(() => {
            // `state` is set when a connection takes the query; before that, cancelling only drops it from the queue.
            if ((query as unknown as { state: unknown }).state === null) void query.cancel();
          }, waitMs);
          query.then(() => clearTimeout(timer), () => clearTimeout(timer));
          return query;
        };
      }
      if (property === 'begin') {
        return (...args: unknown[]) => {
          const work = args.pop() as (tx: TransactionSql) => Promise<unknown>;
          return withinWait(waitMs, (guarded) => target.begin(...(args as [string]), guarded), work);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

function openPostgres(url: string, timeoutMs: number): DatabaseHandle {
  const seconds = timeoutMs / 1000;
  const client = postgres(url, {
    max: postgresPoolSize,
    onnotice: () => {},
    connect_timeout: seconds,
    // The default back-off grows to 20 s between reconnects after failures: the first requests after an outage would
    // wait it out. Requests pace the attempts anyway (a connection is only opened for a query).
    backoff: () => 0.05,
    socket: (options: { host: string[]; port: number[]; path: string | false }) => watchedSocket(options, timeoutMs + 500),
    connection: {
      // The server's own bounds, which also end work a client has gone away from: a statement, and a transaction
      // left open and idle (its locks released).
      statement_timeout: timeoutMs,
      idle_in_transaction_session_timeout: timeoutMs * 10,
    },
  } as postgres.Options<Record<string, postgres.PostgresType>>);
  const db = drizzlePostgres({ client: withPoolWaitBound(client, timeoutMs), schema });

  /** Schema work waits on a lock and runs long DDL: its own connections, without the bounds meant for requests. */
  async function withSchemaLock<T>(work: (schemaDb: Database) => Promise<T>): Promise<T> {
    const schemaClient = postgres(url, { max: 2, onnotice: () => {} });
    try {
      const lock = await schemaClient.reserve();
      try {
        await lock`select pg_advisory_lock(${schemaLockKey})`;
        return await work(drizzlePostgres({ client: schemaClient, schema }));
      } finally {
        await lock`select pg_advisory_unlock(${schemaLockKey})`;
        lock.release();
      }
    } finally {
      await schemaClient.end({ timeout: 5 });
    }
  }
  return {
    db,
    mode: 'postgres',
    jobQueueConnection: { connectionString: url },
    // Several instances may start together; the advisory lock lets one migrate while the others wait.
    migrate: () => withSchemaLock((schemaDb) => migratePostgres(schemaDb as Parameters<typeof migratePostgres>[0], { migrationsFolder })),
    withSchemaLock,
    // In-flight queries get a moment to finish; a stalled connection is not waited for long.
    close: () => client.end({ timeout: 2 }),
  };
}
