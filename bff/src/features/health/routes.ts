import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthSchema } from '#shared/contracts/health.ts';
import { AppError } from '../../plugins/errors.ts';

const healthRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/health', { schema: { response: { 200: healthSchema } } }, async (request) => {
    try {
      await fastify.db.execute(sql`select 1`);
    } catch (error) {
      request.log.error({ err: error }, 'health check: database unreachable');
      throw new AppError(503, 'service_unavailable', 'The database is not reachable.');
    }
    return { status: 'ok' as const, database: 'ok' as const, mode: fastify.dbMode };
  });
};

export default healthRoutes;
