import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

export type ChannelListener = (message: unknown) => void;

/**
 * Publish/subscribe by stream name, across every BFF instance and worker. Messages are small JSON values (ids,
 * versions, progress numbers): a subscriber refetches what it needs. Delivery is at most once; clients recover
 * anything missed from the snapshot they get on (re)subscribe.
 */
export interface ChannelLayer {
  publish(stream: string, message: unknown): Promise<void>;
  /** Resolves once the subscription is live; the function it returns ends it. */
  subscribe(stream: string, listener: ChannelListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    channels: ChannelLayer;
  }
}

/** The listeners of this process by stream; each gets its own parsed copy, so none can change another's. */
function createLocalFanOut() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    add(stream: string, listener: ChannelListener) {
      const parse = (payload: string) => listener(JSON.parse(payload));
      emitter.on(stream, parse);
      return () => emitter.off(stream, parse);
    },
    has: (stream: string) => emitter.listenerCount(stream) > 0,
    deliver: (stream: string, payload: string) => emitter.emit(stream, payload),
    clear: () => emitter.removeAllListeners(),
  };
}

/** One process: an event emitter, delivering asynchronously like the Redis layer does. */
export function createInProcessChannels(): ChannelLayer {
  const local = createLocalFanOut();
  return {
    async publish(stream, message) {
      const payload = JSON.stringify(message);
      setImmediate(() => local.deliver(stream, payload));
    },
    async subscribe(stream, listener) {
      const stop = local.add(stream, listener);
      return async () => {
        stop();
      };
    },
    async close() {
      local.clear();
    },
  };
}

/**
 * Redis pub/sub: one connection publishes, one listens. Each Redis channel is subscribed once per process,
 * however many local sockets follow the stream, and dropped when the last one leaves.
 */
export function createRedisChannels(url: string, prefix: string, log: Pick<FastifyBaseLogger, 'warn'>): ChannelLayer {
  const publisher = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  const local = createLocalFanOut();
  for (const connection of [publisher, subscriber]) {
    connection.on('error', (error) => log.warn({ err: error }, 'redis channel layer'));
  }
  subscriber.on('message', (channel: string, payload: string) => {
    if (!channel.startsWith(prefix)) return;
    try {
      local.deliver(channel.slice(prefix.length), payload);
    } catch (error) {
      log.warn({ err: error, channel }, 'a channel listener failed');
    }
  });

  return {
    async publish(stream, message) {
      await publisher.publish(prefix + stream, JSON.stringify(message));
    },
    async subscribe(stream, listener) {
      const first = !local.has(stream);
      const stop = local.add(stream, listener);
      if (first) await subscriber.subscribe(prefix + stream);
      return async () => {
        stop();
        if (!local.has(stream)) await subscriber.unsubscribe(prefix + stream).catch(() => {});
      };
    },
    async close() {
      local.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}

async function channelsPlugin(fastify: FastifyInstance) {
  const { redisUrl, redisPrefix } = fastify.config;
  const channels = redisUrl ? createRedisChannels(redisUrl, redisPrefix, fastify.log) : createInProcessChannels();
  fastify.decorate('channels', channels);
  fastify.addHook('onClose', () => channels.close());
}

export default fp(channelsPlugin, { name: 'channels', dependencies: ['config'] });
