import { buildApp } from './app.ts';
import { loadConfigOrExit } from './config.ts';
import { closeOnSignals } from './shutdown.ts';

/**
 * Runs background jobs only, beside BFF instances on the same PostgreSQL and Redis (`npm run worker`). It is the same
 * app, so jobs find every feature's handlers and publish progress through the same channel layer; it just takes no
 * HTTP traffic. With the embedded database the server runs the workers itself: PGlite belongs to one process.
 */
const config = loadConfigOrExit();
if (!config.databaseUrl || config.jobWorkers === 0) {
  console.error('npm run worker needs DATABASE_URL and JOB_WORKERS > 0: with the embedded database, `npm start` runs the workers itself.');
  process.exit(1);
}

const app = await buildApp({ config });
closeOnSignals(app, 'stopping workers');
await app.ready();
await app.jobs.startWorkers();
console.log(`Snipdesk workers are running (${config.jobWorkers} per job kind).`);
