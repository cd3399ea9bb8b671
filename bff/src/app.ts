import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FlagDeclaration } from '#shared/flags/declarations.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import authRoutes from './features/auth/routes.ts';
import commentRoutes from './features/comments/routes.ts';
import exportRoutes from './features/exports/routes.ts';
import flagsConsoleRoutes from './features/flags-console/routes.ts';
import flagRoutes from './features/flags/routes.ts';
import healthRoutes from './features/health/routes.ts';
import jobRoutes from './features/jobs/routes.ts';
import notificationRoutes from './features/notifications/routes.ts';
import publicSnipRoutes from './features/snips/public-routes.ts';
import snipRoutes from './features/snips/routes.ts';
import testControlRoutes from './features/test-controls/routes.ts';
import workspaceRoutes from './features/workspaces/routes.ts';
import channelsPlugin from './plugins/channels.ts';
import configPlugin from './plugins/config.ts';
import csrfPlugin from './plugins/csrf.ts';
import databasePlugin from './plugins/database.ts';
import errorsPlugin, { serializeError } from './plugins/errors.ts';
import flagsPlugin from './plugins/flags.ts';
import idempotencyPlugin from './plugins/idempotency.ts';
import jobsPlugin from './plugins/jobs.ts';
import openapiPlugin from './plugins/openapi.ts';
import realtimePlugin from './plugins/realtime.ts';
import securityHeadersPlugin from './plugins/security-headers.ts';
import sessionPlugin from './plugins/session.ts';
import spaPlugin from './plugins/spa.ts';
import strictInputPlugin, { refuseClientError, refuseFrameworkError } from './plugins/strict-input.ts';

export type AppOptions = {
  config: Config;
  clock?: Clock;
  /** The flags to resolve against: the registry by default; a benchmark adds synthetic ones to it. */
  flagDeclarations?: Readonly<Record<string, FlagDeclaration>>;
};

/** The whole BFF as one Fastify instance: infrastructure plugins first, then one encapsulated plugin per feature. */
export async function buildApp({ config, clock = systemClock, flagDeclarations }: AppOptions): Promise<FastifyInstance> {
  const trustedProxies = config.trustProxy;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
      serializers: { err: serializeError },
    },
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => void refuseFrameworkError(app, error, reply),
    clientErrorHandler: (error: Error, socket: Socket) => void refuseClientError(app, error, socket),
    bodyLimit: config.bodyLimitBytes,
    // Fastify trusts nothing for a number (a count cannot tell the proxy from a client that reaches the app
    // directly); a hop count here is the operator saying the app is reachable only through that many proxies.
    trustProxy: typeof trustedProxies === 'number' ? (_address: string, hop: number) => hop < trustedProxies : trustedProxies,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(configPlugin, { config, clock });
  await app.register(errorsPlugin);
  await app.register(strictInputPlugin);
  await app.register(securityHeadersPlugin);
  await app.register(openapiPlugin);
  await app.register(databasePlugin);
  await app.register(channelsPlugin);
  await app.register(sessionPlugin);
  await app.register(csrfPlugin);
  await app.register(idempotencyPlugin);
  // Before the gateway: presence asks the `live-presence` flag.
  await app.register(flagsPlugin, flagDeclarations ? { declarations: flagDeclarations } : {});
  await app.register(realtimePlugin);
  await app.register(jobsPlugin);

  await app.register(healthRoutes, { prefix: '/api' });
  await app.register(authRoutes, { prefix: '/api' });
  await app.register(snipRoutes, { prefix: '/api' });
  await app.register(publicSnipRoutes, { prefix: '/api' });
  await app.register(workspaceRoutes, { prefix: '/api' });
  await app.register(commentRoutes, { prefix: '/api' });
  await app.register(notificationRoutes, { prefix: '/api' });
  await app.register(jobRoutes, { prefix: '/api' });
  await app.register(exportRoutes, { prefix: '/api' });
  await app.register(flagRoutes, { prefix: '/api' });
  await app.register(flagsConsoleRoutes, { prefix: '/api' });
  if (config.env === 'test') await app.register(testControlRoutes, { prefix: '/api' });

  await app.register(spaPlugin);
  return app;
}
