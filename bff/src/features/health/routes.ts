import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthSchema } from '#shared/contracts/health.ts';
import { AppError } from '../../plugins/errors.ts';

/** Load balancers give a health check about a second; the database's own bounds can take longer than that. */
const healthBoundMs = 800;

const healthRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/health', { schema: { response: { 200: healthSchema } } }, async (request) => {
    // Settles with the failure, or undefined when the database answered; a late answer is simply dropped.
    const probe = fastify.db.execute(sql`select 1`).then(
      () => undefined,
      (error: unknown) => error,
    );
    const giveUp = new AbortController();
    const late = delay(healthBoundMs, `no answer within ${healthBoundMs} ms`, { ref: false, signal: giveUp.signal }).catch(() => undefined);
    const failure = await Promise.race([probe, late]);
    giveUp.abort();
    if (failure !== undefined) {
      request.log.error({ err: failure }, 'health check: database unreachable');
      throw new AppError(503, 'service_unavailable', 'The database is not reachable.', { headers: { 'retry-after': '2' } });
    }
    return { status: 'ok' as const, database: 'ok' as const, mode: fastify.dbMode };
  });
};

export default healthRoutes;
