import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    clock: Clock;
  }
}

async function configPlugin(fastify: FastifyInstance, options: { config: Config; clock: Clock }) {
  fastify.decorate('config', options.config);
  fastify.decorate('clock', options.clock);
}

export default fp(configPlugin, { name: 'config' });
