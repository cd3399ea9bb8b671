import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { csrfHeader } from '#shared/contracts/session.ts';
import { AppError } from './errors.ts';
import { cookieNameFor, cookieOptionsFor, sessionCookie } from './session.ts';

declare module 'fastify' {
  interface FastifyInstance {
    csrf: {
      /** The token for this request's session (or pre-session), creating the pre-session cookie if needed. */
      tokenFor(request: FastifyRequest, reply: FastifyReply): string;
      /** The token for a session that was just started, whose cookie the request does not carry yet. */
      tokenForSession(rawSessionId: string): string;
    };
  }
}

/** Signed-out visitors get a pre-session cookie, so the sign-in form is protected too (no login CSRF). */
export const preSessionCookie = 'snipdesk_presession';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function csrfPlugin(fastify: FastifyInstance) {
  // The token is derived, not stored: an HMAC of the cookie it is bound to. A new session means a new token.
  const tokenForKey = (key: string) =>
    createHmac('sha256', fastify.config.sessionSecret).update(`csrf:${key}`).digest('base64url');
  const bindingKey = (request: FastifyRequest) =>
    request.cookies[cookieNameFor(request, sessionCookie)] ?? request.cookies[cookieNameFor(request, preSessionCookie)];

  fastify.decorate('csrf', {
    tokenFor(request: FastifyRequest, reply: FastifyReply) {
      let key = bindingKey(request);
      if (!key) {
        key = randomBytes(32).toString('base64url');
        reply.setCookie(cookieNameFor(request, preSessionCookie), key, cookieOptionsFor(request));
      }
      return tokenForKey(key);
    },
    tokenForSession: tokenForKey,
  });

  fastify.addHook('onRequest', async (request) => {
    if (!unsafeMethods.has(request.method)) return;
    if (request.headers['sec-fetch-site'] === 'cross-site') {
      throw new AppError(403, 'csrf_failed', 'Cross-site requests are not allowed.');
    }
    const origin = request.headers.origin;
    if (origin && !isSameOrigin(origin, request)) {
      throw new AppError(403, 'csrf_failed', 'The request came from another origin.');
    }
    const key = bindingKey(request);
    const sent = request.headers[csrfHeader];
    if (!key || typeof sent !== 'string' || !constantTimeEqual(sent, tokenForKey(key))) {
      throw new AppError(403, 'csrf_failed', 'The CSRF token is missing or wrong; reload the page and try again.');
    }
  });
}

/** Whether an Origin header names this server, as the request reached it (scheme included). */
export function isSameOrigin(origin: string, request: FastifyRequest): boolean {
  try {
    // Scheme, host and port, through URL on both sides, so a default port written out ("host:80") still matches.
    return new URL(origin).origin === new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return false;
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export default fp(csrfPlugin, { name: 'csrf', dependencies: ['config', 'session'] });
