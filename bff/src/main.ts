import { count } from 'drizzle-orm';
import { buildApp } from './app.ts';
import { loadConfigOrExit, shutdownBoundMs } from './config.ts';
import { users } from './db/schema.ts';
import { describeDemoAccounts, seedDemo } from './db/seed.ts';

const config = loadConfigOrExit();

const app = await buildApp({ config });

// The embedded default is a try-it-now install: a fresh database gets the demo workspace.
const demo = app.dbMode === 'embedded' && config.seedDemo;
if (demo) {
  const [{ total } = { total: 0 }] = await app.db.select({ total: count() }).from(users);
  if (total === 0) await seedDemo(app.db);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'shutting down');
    // Whatever is stuck (a stalled database, a job that will not stop), the process ends within the bound.
    setTimeout(() => {
      app.log.error({ signal, afterMs: shutdownBoundMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, shutdownBoundMs).unref();
    app.close().then(() => process.exit(0), () => process.exit(1));
  });
}

if (config.jobWorkers > 0) await app.jobs.startWorkers();
const address = await app.listen({ port: config.port, host: config.host });
const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
const running = `\nSnipdesk is running at ${url} (${app.dbMode === 'embedded' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'})`;
// The sign-ins only where the demo workspace is seeded (with SEED_DEMO=never they would not work); one write, so
// whoever reads the output sees both or neither.
console.log(demo ? `${running}\n${describeDemoAccounts()}` : running);
