import type { FastifyInstance } from 'fastify';

/** SIGTERM or SIGINT ends a process within this, even with requests or jobs stuck on a dependency that stopped answering. */
export const shutdownBoundMs = 9000;

/** On SIGTERM or SIGINT: close the app gracefully, and exit within the bound whatever is stuck. */
export function closeOnSignals(app: FastifyInstance, doing: string) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, doing);
      setTimeout(() => {
        app.log.error({ signal, afterMs: shutdownBoundMs }, 'shutdown did not finish in time; exiting');
        process.exit(1);
      }, shutdownBoundMs).unref();
      app.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
}
