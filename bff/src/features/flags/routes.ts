import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { flagSnapshotQuerySchema, flagSnapshotSchema, qaFlagsBodySchema, type FlagSnapshot } from '#shared/contracts/flags.ts';
import { describeFlagType, fitsDeclaration } from '#shared/flags/declarations.ts';
import type { FlagKey } from '#shared/flags/registry.ts';
import { AppError } from '../../plugins/errors.ts';
import { flagContextOf, qaFlagsCookieFor, signQaOverride, type FlagReader, type QaOverrides } from '../../plugins/flags.ts';
import { actorOf, cookieOptionsFor } from '../../plugins/session.ts';

/** The `client` flags as resolved by `reader`, with the revision they were resolved at. */
function clientSnapshot(fastify: FastifyInstance, reader: FlagReader): FlagSnapshot {
  const flags: FlagSnapshot['flags'] = {};
  for (const [key, declaration] of Object.entries(fastify.flags.declarations)) {
    // Server-only flags never leave the BFF.
    if (!declaration.client) continue;
    // Declared keys only: the registry's, or (in a benchmark) synthetic ones the reader resolves all the same.
    flags[key] = { ...reader.evaluate(key as FlagKey), propagation: declaration.propagation };
  }
  return { revision: fastify.flags.revision(), flags };
}

/**
 * The flags the SPA reads (`GET /api/flags`, signed out too), their live stream (`flags:<own user id>`), and the QA
 * override of one session's flags (`PUT`/`DELETE /api/qa/flags`).
 */
const flagRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { config } = fastify;

  // Only the user themselves follows their flags: the state says no more than the revision.
  fastify.realtime.defineStream('flags', async (actor, id) => {
    if (actor.userId !== id) return undefined;
    const revision = fastify.flags.revision();
    return { seq: revision, state: { kind: 'flags', revision } };
  });

  fastify.get(
    '/flags',
    { schema: { querystring: flagSnapshotQuerySchema, response: { 200: flagSnapshotSchema } } },
    async (request, reply) => {
      const { atLeast } = request.query;
      if (atLeast !== undefined) await fastify.flags.catchUp(atLeast);
      // Per person and changing at any moment: a cache may keep it only to revalidate.
      reply.header('cache-control', 'private, no-cache');
      return clientSnapshot(fastify, request.flags);
    },
  );

  /** Forcing values is for tests and QA: for anyone else these routes answer as if they did not exist. */
  const requireForcer = async (request: FastifyRequest) => {
    if (await fastify.flags.mayForce(actorOf(request).userId)) return;
    throw new AppError(404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`);
  };
  const answerWith = (request: FastifyRequest, reply: FastifyReply, forced: QaOverrides | undefined) => {
    reply.header('cache-control', 'no-store');
    return clientSnapshot(fastify, fastify.flags.for(flagContextOf(request.actor), forced));
  };

  // The body is the whole override: it replaces any set before. Every key must be declared and every value fit.
  fastify.put(
    '/qa/flags',
    { onRequest: [fastify.requireActor, requireForcer], schema: { body: qaFlagsBodySchema, response: { 200: flagSnapshotSchema } } },
    async (request, reply) => {
      const { declarations } = fastify.flags;
      const issues = Object.entries(request.body.flags).flatMap(([key, value]) => {
        const path = `flags.${key}`;
        const declaration = Object.hasOwn(declarations, key) ? declarations[key] : undefined;
        if (!declaration) return [{ location: 'body', path, message: `There is no flag called “${key}”.` }];
        if (!fitsDeclaration(declaration, value)) return [{ location: 'body', path, message: `This flag’s value is ${describeFlagType(declaration)}.` }];
        return [];
      });
      if (issues.length > 0) {
        throw new AppError(400, 'invalid_request', `The request is invalid: ${issues.map((issue) => issue.path).join(', ')}.`, { details: { issues } });
      }
      const forced = request.body.flags;
      reply.setCookie(qaFlagsCookieFor(request), signQaOverride(config.sessionSecret, request.sessionIdHash!, forced), cookieOptionsFor(request));
      return answerWith(request, reply, forced);
    },
  );

  fastify.delete(
    '/qa/flags',
    { onRequest: [fastify.requireActor, requireForcer], schema: { response: { 200: flagSnapshotSchema } } },
    async (request, reply) => {
      reply.clearCookie(qaFlagsCookieFor(request), cookieOptionsFor(request));
      return answerWith(request, reply, undefined);
    },
  );
};

export default flagRoutes;
