import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { AppError, errorBody } from './errors.ts';

/**
 * What the API takes before any route runs: bodies are JSON in UTF-8 only (no text/plain, which Fastify parses by
 * default, so body-less routes took it), and a route under /api that declares no query string takes none, as a
 * declared one takes only the parameters it names. Pages outside /api keep any query: links carry tracking
 * parameters.
 */
async function strictInputPlugin(fastify: FastifyInstance) {
  fastify.removeContentTypeParser('text/plain');

  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // The body is read as UTF-8; one declared in another charset would be read as something its sender did not mean.
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new AppError(415, 'unsupported_media_type', 'Send the body as application/json in UTF-8.'), undefined);
      return;
    }
    parseJson(request, body as string, done);
  });

  const noQuery = z.strictObject({});
  fastify.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.schema?.querystring) return;
    route.schema = { ...route.schema, querystring: noQuery };
  });
}

export default fp(strictInputPlugin, { name: 'strict-input' });

const securityHeaders = new WeakMap<FastifyInstance, Record<string, string>>();
// What a refusal must not copy from an ordinary response: these describe that response, not every one.
const ownHeaders = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'set-cookie', 'etag', 'vary', 'cache-control']);

/**
 * The security headers every response carries, for refusals made before Fastify's hooks run (a malformed URL, an
 * over-long parameter) or by node's parser itself (431, malformed HTTP). Taken once from a response of the app
 * (a 404 that touches no session), so they are exactly what security-headers.ts sets, whatever it sets.
 */
async function securityHeadersOf(app: FastifyInstance): Promise<Record<string, string>> {
  const known = securityHeaders.get(app);
  if (known) return known;
  const probe = await app.inject({ method: 'OPTIONS', url: '/' });
  const headers = Object.fromEntries(
    Object.entries(probe.headers)
      .filter(([name, value]) => !ownHeaders.has(name) && typeof value === 'string')
      .map(([name, value]) => [name, value as string]),
  );
  securityHeaders.set(app, headers);
  return headers;
}

const frameworkRefusals: Record<string, { status: number; message: string }> = {
  FST_ERR_BAD_URL: { status: 400, message: 'The URL is not validly encoded.' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, message: 'A part of the URL is too long.' },
};

/** Fastify's `frameworkErrors`: refusals decided by its router, before any hook, answered in the API's shape. */
export async function refuseFrameworkError(app: FastifyInstance, error: FastifyError, reply: FastifyReply) {
  const known = frameworkRefusals[error.code];
  if (!known) app.log.error({ err: error }, 'unhandled framework error');
  const refusal = known ?? { status: 500, message: 'Something went wrong on our side. Please try again.' };
  const code = known ? 'invalid_request' : 'internal_error';
  const body = JSON.stringify(errorBody(code, refusal.message));
  try {
    reply.raw.writeHead(refusal.status, {
      ...(await securityHeadersOf(app)),
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    reply.raw.end(body);
  } catch (failure) {
    // The headers could not be had (the app is closing) or the socket went away: nothing is left to answer.
    app.log.warn({ err: failure }, 'answering a framework refusal failed');
    reply.raw.destroy();
  }
}

/**
 * Fastify's `clientErrorHandler`: what node's HTTP parser refuses (headers too large, malformed HTTP, a request
 * that never finished arriving) is written on the socket by hand, as there is no request to reply to.
 */
export async function refuseClientError(app: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? { status: 431, message: 'The request headers are too large.' }
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? { status: 408, message: 'The request took too long to arrive.' }
        : { status: 400, message: 'The request is not valid HTTP.' };
  const headers = await securityHeadersOf(app).catch(() => ({}));
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody('invalid_request', refusal.message));
  const head = [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
