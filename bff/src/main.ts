import { count } from 'drizzle-orm';
import { buildApp } from './app.ts';
import { loadConfigOrExit } from './config.ts';
import { users } from './db/schema.ts';
import { describeDemoAccounts, seedDemo } from './db/seed.ts';
import { closeOnSignals } from './shutdown.ts';

const config = loadConfigOrExit();

const app = await buildApp({ config });

// The embedded default is a try-it-now install: a fresh database gets the demo workspace.
const demo = app.dbMode === 'embedded' && config.seedDemo;
if (demo) {
  const [{ total } = { total: 0 }] = await app.db.select({ total: count() }).from(users);
  if (total === 0) await seedDemo(app.db);
}

closeOnSignals(app, 'shutting down');

if (config.jobWorkers > 0) await app.jobs.startWorkers();
const address = await app.listen({ port: config.port, host: config.host });
const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
const running = `\nSnipdesk is running at ${url} (${app.dbMode === 'embedded' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'})`;
// The sign-ins only where the demo workspace is seeded (with SEED_DEMO=never they would not work); one write, so
// whoever reads the output sees both or neither.
console.log(demo ? `${running}\n${describeDemoAccounts()}` : running);
