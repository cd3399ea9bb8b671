import type { FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** Builds the OpenAPI document from the same zod schemas that validate the routes, and serves it. */
async function openapiPlugin(fastify: FastifyInstance) {
  await fastify.register(fastifySwagger, {
    openapi: {
      info: { title: 'Snipdesk API', version: '1.0.0', description: 'The backend-for-frontend of the Snipdesk SPA.' },
    },
    transform: jsonSchemaTransform,
  });
  fastify.get('/api/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());
}

export default fp(openapiPlugin, { name: 'openapi' });
