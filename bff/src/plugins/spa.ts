import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { errorBody } from './errors.ts';

/**
 * Serves the built SPA with history fallback: any GET that is not an API call and not a file gets index.html,
 * so deep links such as /snips/123 work on reload. API paths that match nothing get the JSON 404.
 */
async function spaPlugin(fastify: FastifyInstance) {
  const root = resolve(fastify.config.webDist);
  const hasSpa = existsSync(resolve(root, 'index.html'));
  if (hasSpa) {
    await fastify.register(fastifyStatic, {
      root,
      // Looked up per request, so a rebuild while the server runs serves the new assets; misses fall through below.
      index: false,
      // Vite fingerprints asset names, so they may be cached for good; index.html must always be revalidated.
      setHeaders: (res, path) => {
        res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  fastify.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url === '/api' || request.url.startsWith('/ws');
    if (hasSpa && !isApi && (request.method === 'GET' || request.method === 'HEAD')) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send(errorBody('not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });
}

export default fp(spaPlugin, { name: 'spa', dependencies: ['config'] });
