import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
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
    streams: () => emitter.eventNames().map(String),
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
 * Past this a Redis command gives up: a Redis that accepts connections but does not answer must not hold a request.
 * A Redis that is down refuses commands at once (no offline queue), so this bounds only the stalled case.
 */
const redisCommandTimeoutMs = 500;
const redisFirstConnectionWaitMs = 2000;

/**
 * Redis pub/sub: one connection publishes, one listens. Each Redis channel is subscribed once per process,
 * however many local sockets follow the stream, and dropped when the last one leaves.
 *
 * Redis down does not slow anyone or silence this process: commands fail fast, a subscribe still registers locally
 * and resolves, and a publication that cannot travel through Redis (or that this process could not hear back, not
 * being subscribed on Redis at the moment) is delivered to this process's own listeners directly. On every
 * (re)connect the listener subscribes again to every stream followed here. A listener may then hear a publication
 * twice (once directly, once through Redis): listeners are idempotent (states carry a sequence number).
 */
export function createRedisChannels(url: string, prefix: string, log: Pick<FastifyBaseLogger, 'warn'>): ChannelLayer {
  const failFast = { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: redisCommandTimeoutMs };
  const publisher = new Redis(url, failFast);
  // Resubscribing is done below, for every stream followed now, not only those whose subscribe once succeeded.
  const subscriber = new Redis(url, { ...failFast, autoResubscribe: false });
  const local = createLocalFanOut();
  /** Whether the listener holds every followed stream on Redis, so this process hears its own publications back. */
  let listening = false;
  for (const connection of [publisher, subscriber]) {
    connection.on('error', (error) => log.warn({ err: error }, 'redis channel layer'));
  }
  // Only the first connection is waited for, briefly, so that what start-up publishes and subscribes goes through
  // Redis; a Redis down at start-up costs that wait once, then nothing waits on it.
  const firstConnection = Promise.race([
    Promise.all([publisher, subscriber].map((connection) => new Promise((resolve) => connection.once('ready', resolve)))),
    delay(redisFirstConnectionWaitMs, undefined, { ref: false }),
  ]);
  const subscribeOnRedis = async (streams: string[]) => {
    if (streams.length === 0 || subscriber.status !== 'ready') return;
    try {
      await subscriber.subscribe(...streams.map((stream) => prefix + stream));
    } catch (error) {
      // The connection looks up but did not answer: start it over, and the reconnect subscribes to everything again.
      log.warn({ err: error }, 'redis channel subscribe failed; reconnecting');
      listening = false;
      subscriber.disconnect(true);
      throw error;
    }
  };
  subscriber.on('ready', () => {
    subscribeOnRedis(local.streams()).then(
      () => {
        listening = subscriber.status === 'ready';
      },
      () => {},
    );
  });
  subscriber.on('close', () => {
    listening = false;
  });
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
      const payload = JSON.stringify(message);
      const deliverHere = () => setImmediate(() => local.deliver(stream, payload));
      await firstConnection;
      const heardBack = listening;
      if (!heardBack) deliverHere();
      try {
        await publisher.publish(prefix + stream, payload);
      } catch (error) {
        if (heardBack) deliverHere();
        throw error;
      }
    },
    async subscribe(stream, listener) {
      const first = !local.has(stream);
      const stop = local.add(stream, listener);
      // Not on Redis yet (down, or the subscribe failed): the next reconnect subscribes it.
      if (first) await firstConnection.then(() => subscribeOnRedis([stream])).catch(() => {});
      return async () => {
        stop();
        if (!local.has(stream) && subscriber.status === 'ready') await subscriber.unsubscribe(prefix + stream).catch(() => {});
      };
    },
    async close() {
      local.clear();
      // quit() says goodbye to a live Redis; a connection that is down or reconnecting is just dropped.
      await Promise.allSettled([publisher, subscriber].map((connection) => (connection.status === 'ready' ? connection.quit() : connection.disconnect())));
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
