import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { errorBody } from './errors.ts';

const apiPath = /^\/(api|ws)(\/|\?|$)/;
// Vite's output for the pages; a missing file here is a stale or mistyped asset URL, never a page.
const assetPath = /^\/assets(\/|\?|$)/;

/**
 * Serves the built SPA: each file of the build at its path, and index.html at `/`, `/index.html` and every other
 * GET or HEAD outside /api, /ws and /assets (history fallback), so the front door, deep links such as /snips/123 and
 * a reload all open the app, which routes on the client.
 *
 * The build is read once, at start-up: its file list becomes one route per file (`wildcard: false`) and index.html
 * is held in memory. A path that matches no file is then answered without touching the disk; a wildcard route
 * would stat the path and list its directory on every miss (a directory path answered 403). The price: a build
 * made while the server runs is served after a restart (`npm start` builds first).
 */
async function spaPlugin(fastify: FastifyInstance) {
  const root = resolve(fastify.config.webDist);
  const indexFile = resolve(root, 'index.html');
  const sendIndex = existsSync(indexFile) ? await serveBuild(fastify, root, readFileSync(indexFile)) : undefined;

  fastify.setNotFoundHandler((request, reply) => {
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !apiPath.test(request.url) && !assetPath.test(request.url);
    if (sendIndex && isPage) return sendIndex(request, reply);
    return reply.code(404).send(errorBody('not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });
}

async function serveBuild(fastify: FastifyInstance, root: string, indexHtml: Buffer) {
  await fastify.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    // The in-memory copy answers for index.html, with its own validator.
    globIgnore: ['index.html'],
    // Vite fingerprints asset names, so they may be cached for good; other files must be revalidated.
    setHeaders: (res, path) => {
      res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  const indexTag = `"${createHash('sha256').update(indexHtml).digest('base64url').slice(0, 22)}"`;
  const sendIndex = (request: FastifyRequest, reply: FastifyReply) => {
    // no-cache: a browser revalidates on every visit, so a deploy is picked up at once; the ETag makes that a 304.
    reply.header('cache-control', 'no-cache').header('etag', indexTag);
    const candidates = request.headers['if-none-match']?.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    if (candidates?.includes(indexTag) || candidates?.includes('*')) return reply.code(304).send();
    return reply.type('text/html; charset=utf-8').send(indexHtml);
  };
  // Pages, not API: kept out of the OpenAPI document, as the static files are.
  for (const path of ['/', '/index.html']) fastify.get(path, { schema: { hide: true } }, sendIndex);
  return sendIndex;
}

export default fp(spaPlugin, { name: 'spa', dependencies: ['config'] });
