import { buildApp } from './app.ts';
import { loadConfigOrExit, shutdownBoundMs } from './config.ts';

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
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'stopping workers');
    // Whatever is stuck (a stalled database, a job that will not stop), the process ends within the bound.
    setTimeout(() => {
      app.log.error({ signal, afterMs: shutdownBoundMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, shutdownBoundMs).unref();
    app.close().then(() => process.exit(0), () => process.exit(1));
  });
}
await app.ready();
await app.jobs.startWorkers();
console.log(`Snipdesk workers are running (${config.jobWorkers} per job kind).`);
