import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { openDatabase, type Database, type DatabaseHandle, type DatabaseMode, type JobQueueConnection } from '../db/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    dbMode: DatabaseMode;
    jobQueueConnection: JobQueueConnection;
    withSchemaLock: DatabaseHandle['withSchemaLock'];
  }
}

/** Opens PGlite or PostgreSQL as the config says, applies pending migrations, and closes it with the app. */
async function databasePlugin(fastify: FastifyInstance) {
  const handle = await openDatabase(fastify.config);
  fastify.addHook('onClose', () => handle.close());
  await handle.migrate();
  fastify.decorate('db', handle.db);
  fastify.decorate('dbMode', handle.mode);
  fastify.decorate<JobQueueConnection>('jobQueueConnection', handle.jobQueueConnection);
  fastify.decorate('withSchemaLock', handle.withSchemaLock);
}

export default fp(databasePlugin, { name: 'database', dependencies: ['config'] });
