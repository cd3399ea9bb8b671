import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import fp from 'fastify-plugin';
import type { RawData, WebSocket } from 'ws';
import {
  clientMessageSchema, closeCodes, maxFrameBytes, parseStreamName, realtimeVersion, sessionEndReasons,
  type ServerMessage, type SessionEndReason, type StreamKind, type StreamName, type StreamState,
} from '#shared/realtime/messages.ts';
import { isSameOrigin } from './csrf.ts';
import { AppError } from './errors.ts';
import { createPresence, type Viewer } from './presence.ts';
import { sessionEndedStream, type Actor } from './session.ts';

/** What a stream says now, with its per-resource sequence number. */
export type StreamSnapshot = { seq: number; state: StreamState };
/**
 * How a feature opens one kind of stream: the current snapshot if the actor may see the resource (through the
 * resource's policy scope), undefined otherwise. Not allowed and not found are the same answer.
 */
export type StreamSource = (actor: Actor, id: string) => Promise<StreamSnapshot | undefined>;
/**
 * A change to announce. With `state`, every subscriber gets that state. Without it, each subscriber's state is
 * read again through the stream's source, so it is authorized again: for changes to who may see the resource
 * (visibility), and for states that differ per reader.
 */
export type StreamPublication = { seq: number; state?: StreamState };

declare module 'fastify' {
  interface FastifyInstance {
    realtime: {
      /** `presence`: subscribers of this kind of stream are told who else is viewing it. */
      defineStream(kind: StreamKind, source: StreamSource, options?: { presence?: boolean }): void;
      /** Call after the change is committed, so nobody sees what was rolled back. Failures are logged, not thrown. */
      publish(stream: StreamName, publication: StreamPublication): Promise<void>;
      /** A user's memberships or roles changed: every instance re-checks that user's sockets at once. */
      accessChanged(userId: string): Promise<void>;
      /**
       * Delivers a publication to every socket of this instance that follows a stream of this kind, each re-reading
       * its own snapshot: for a change announced once for many streams (flag targeting), on every instance by itself.
       */
      refreshLocal(kind: StreamKind, publication: StreamPublication): Promise<void>;
      /**
       * Flag targeting changed on this instance: every local subscription with presence joins or leaves it as the
       * `live-presence` kill switch now says for its socket's actor. Failures are logged, not thrown.
       */
      recheckPresence(): Promise<void>;
      /** The periodic pass: pings, and closes sockets whose session has ended. Runs on a timer; tests call it too. */
      sweep(): Promise<void>;
    };
  }
}

const accessChangedStream = (userId: string) => `control:access-changed:${userId}`;
type Budget = { tokens: number; refilledAt: number };
/** Per socket: a burst of this many messages, refilled at `refillPerSecond`. Past it the socket is closed. */
const flood = { burst: 40, refillPerSecond: 10 };
/**
 * Per user, across all their sockets on this instance: room for every tab of a browser reconnecting and
 * resubscribing at once after a deploy, but not for many sockets each staying under its own budget.
 */
const userFlood = { burst: 200, refillPerSecond: 20 };

/** Takes one message from a budget refilled by the wall clock; false when it is spent. */
function spend(budget: Budget, { burst, refillPerSecond }: typeof flood, now: number): boolean {
  budget.tokens = Math.min(burst, budget.tokens + ((now - budget.refilledAt) / 1000) * refillPerSecond);
  budget.refilledAt = now;
  if (budget.tokens < 1) return false;
  budget.tokens -= 1;
  return true;
}

type Subscription = {
  stop: () => Promise<void>;
  /** Highest sequence number sent (or queued); null until the snapshot has been read and sent. */
  seq: number | null;
  /** An update that arrived while the snapshot was being read. */
  held: StreamPublication | undefined;
  /** Whether this subscription counts among the stream's viewers, and hears who else is viewing it. */
  present: boolean;
};

const hasSentState = (subscription: Subscription | undefined) => subscription !== undefined && subscription.seq !== null;

type Connection = {
  socket: WebSocket;
  sessionIdHash: string;
  actor: Actor;
  subscriptions: Map<StreamName, Subscription>;
  /**
   * The latest unsent message per stream (and per stream's presence): a slow client gets the newest state,
   * never a growing queue.
   */
  pending: Map<string, ServerMessage>;
  sending: boolean;
  budget: Budget;
  alive: boolean;
};

async function realtimePlugin(fastify: FastifyInstance) {
  const { channels, config } = fastify;
  const sources = new Map<StreamKind, StreamSource>();
  const withPresence = new Set<StreamKind>();
  const presence = createPresence({
    channels,
    // A quiet instance is forgotten after three missed heartbeats.
    staleAfterMs: config.realtimeSweepSeconds * 3000,
    onChange(stream, viewers) {
      for (const connection of connectionsWhere((c) => c.subscriptions.get(stream as StreamName)?.present === true)) {
        sendPresence(connection, stream as StreamName, viewers);
      }
    },
  });
  const connections = new Set<Connection>();
  /** Control subscriptions shared by the local sockets of one session or one user. */
  const controls = new Map<string, { count: number; stop: Promise<() => Promise<void>> }>();

  await fastify.register(fastifyWebsocket, {
    options: { maxPayload: maxFrameBytes },
    // "Going away" tells clients to reconnect, and so to land on another instance during a deploy or a crash-restart.
    preClose(done) {
      for (const client of this.websocketServer.clients) client.close(closeCodes.goingAway, 'server shutting down');
      this.websocketServer.close(() => done());
    },
  });
  // @fastify/websocket closes a refused upgrade's socket only if its own onRequest hook ran; a refusal by an earlier one
  // (the session's, when the database is down) would leave the socket open, and the server could never close.
  fastify.addHook('onResponse', async (request) => {
    if (request.ws === null && request.headers.upgrade) request.raw.socket?.destroy();
  });

  const holdControl = (stream: string, onMessage: (message: unknown) => void) => {
    const existing = controls.get(stream);
    if (existing) existing.count += 1;
    else controls.set(stream, { count: 1, stop: channels.subscribe(stream, onMessage) });
  };
  const releaseControl = async (stream: string) => {
    const control = controls.get(stream);
    if (!control || --control.count > 0) return;
    controls.delete(stream);
    await (await control.stop)();
  };

  const connectionsWhere = (match: (connection: Connection) => boolean) => [...connections].filter(match);

  function flush(connection: Connection) {
    const { socket } = connection;
    if (connection.sending || connection.pending.size === 0 || socket.readyState !== socket.OPEN) return;
    const batch = [...connection.pending.values()];
    connection.pending.clear();
    connection.sending = true;
    let outstanding = batch.length;
    // The next batch waits until this one is handed to the kernel: that is where coalescing happens.
    const sent = () => {
      if (--outstanding > 0) return;
      connection.sending = false;
      flush(connection);
    };
    for (const message of batch) socket.send(JSON.stringify(message), sent);
  }

  function sendState(connection: Connection, stream: StreamName, subscription: Subscription, snapshot: StreamSnapshot) {
    const type = hasSentState(subscription) ? 'update' : 'snapshot';
    subscription.seq = snapshot.seq;
    connection.pending.set(stream, { v: realtimeVersion, type, stream, seq: snapshot.seq, state: snapshot.state });
    flush(connection);
  }

  function sendPresence(connection: Connection, stream: StreamName, viewers: Viewer[]) {
    connection.pending.set(`${stream}#presence`, { v: realtimeVersion, type: 'presence', stream, viewers });
    flush(connection);
  }

  const hasPresence = (stream: StreamName) => withPresence.has(parseStreamName(stream).kind);

  function sendControl(connection: Connection, type: 'denied' | 'ended', stream: StreamName) {
    connection.pending.set(stream, { v: realtimeVersion, type, stream });
    flush(connection);
  }

  const snapshotFor = (actor: Actor, stream: StreamName) => {
    const { kind, id } = parseStreamName(stream);
    const source = sources.get(kind);
    return source ? source(actor, id) : Promise.resolve(undefined);
  };

  async function end(connection: Connection, stream: StreamName, notify: boolean) {
    const subscription = connection.subscriptions.get(stream);
    if (!subscription) return;
    connection.subscriptions.delete(stream);
    connection.pending.delete(stream);
    connection.pending.delete(`${stream}#presence`);
    await subscription.stop();
    if (subscription.present) await presence.leave(stream, connection.actor.userId);
    if (notify) sendControl(connection, 'ended', stream);
  }

  async function deliver(connection: Connection, stream: StreamName, publication: StreamPublication) {
    const subscription = connection.subscriptions.get(stream);
    if (!subscription) return;
    if (subscription.seq === null) {
      if (!subscription.held || publication.seq > subscription.held.seq) subscription.held = publication;
      return;
    }
    if (publication.seq <= subscription.seq) return;
    if (publication.state) return sendState(connection, stream, subscription, { seq: publication.seq, state: publication.state });
    const snapshot = await snapshotFor(connection.actor, stream);
    if (!snapshot) return end(connection, stream, true);
    if (connection.subscriptions.get(stream) !== subscription || subscription.seq === null) return;
    const seq = Math.max(snapshot.seq, publication.seq);
    if (seq > subscription.seq) sendState(connection, stream, subscription, { seq, state: snapshot.state });
  }

  /**
   * The `live-presence` kill switch, applied to one subscription: off for its socket's actor, they neither show among
   * the viewers nor hear of them; on, they do. Nothing to do when the subscription already agrees.
   */
  async function followPresenceSwitch(connection: Connection, stream: StreamName, subscription: Subscription) {
    const { userId, workspaceId, name } = connection.actor;
    const allowed = fastify.flags.for({ userId, workspaceId }).get('live-presence');
    if (allowed === subscription.present) return;
    // Set before waiting: a second pass meanwhile finds the subscription agreeing, and `end` knows whether to leave.
    subscription.present = allowed;
    if (!allowed) {
      connection.pending.delete(`${stream}#presence`);
      return presence.leave(stream, userId);
    }
    await presence.join(stream, { id: userId, name });
    if (subscription.present && connection.subscriptions.get(stream) === subscription) sendPresence(connection, stream, presence.viewers(stream));
  }

  async function subscribe(connection: Connection, stream: StreamName) {
    const existing = connection.subscriptions.get(stream);
    if (existing) await end(connection, stream, false);
    const subscription: Subscription = { stop: async () => {}, seq: null, held: undefined, present: false };
    connection.subscriptions.set(stream, subscription);
    // Listen first, then read: an update committed meanwhile is held, not lost.
    const stop = await channels.subscribe(stream, (message) => {
      // A state that could not be read (the database down, or closed under a late publication) is skipped: the next
      // publication or the client's next subscribe brings the socket up to date.
      deliver(connection, stream, message as StreamPublication).catch((error) => fastify.log.warn({ err: error, stream }, 'realtime delivery failed'));
    });
    subscription.stop = stop;
    // Unsubscribed (or closed) while the channel subscription was being set up: undo it now.
    if (connection.subscriptions.get(stream) !== subscription) return stop();
    const snapshot = await snapshotFor(connection.actor, stream);
    if (connection.subscriptions.get(stream) !== subscription) return;
    if (!snapshot) {
      await end(connection, stream, false);
      return sendControl(connection, 'denied', stream);
    }
    sendState(connection, stream, subscription, snapshot);
    const { held } = subscription;
    subscription.held = undefined;
    if (held && held.seq > snapshot.seq) await deliver(connection, stream, held);
    // Ended meanwhile (the held update found it no longer visible): it must not join the viewers.
    if (hasPresence(stream) && connection.subscriptions.get(stream) === subscription) await followPresenceSwitch(connection, stream, subscription);
  }

  /** Re-reads the actor behind a socket's session and ends the subscriptions it may no longer see. */
  async function recheck(connection: Connection) {
    const session = await fastify.sessions.resolve(connection.sessionIdHash);
    if (session.status !== 'active') return connection.socket.close(closeCodes.sessionEnded, sessionEndReasons.expired);
    connection.actor = session.actor;
    for (const stream of [...connection.subscriptions.keys()]) {
      if (!(await snapshotFor(connection.actor, stream))) await end(connection, stream, true);
    }
  }

  /** Per user: kept while full budgets may still be spent; the sweep forgets those of users with no socket here. */
  const userBudgets = new Map<string, Budget>();

  function allowMessage(connection: Connection): boolean {
    const now = Date.now();
    const { userId } = connection.actor;
    const userBudget = userBudgets.get(userId) ?? { tokens: userFlood.burst, refilledAt: now };
    userBudgets.set(userId, userBudget);
    return spend(connection.budget, flood, now) && spend(userBudget, userFlood, now);
  }

  async function receive(connection: Connection, data: RawData, isBinary: boolean) {
    const { socket } = connection;
    if (!allowMessage(connection)) return socket.close(closeCodes.flooding, 'too many messages');
    let message;
    try {
      if (isBinary) throw new Error('binary frame');
      message = clientMessageSchema.parse(JSON.parse(data.toString()));
    } catch {
      return socket.close(closeCodes.malformed, 'malformed message');
    }
    if (message.type === 'subscribe') await subscribe(connection, message.stream as StreamName);
    else await end(connection, message.stream as StreamName, false);
  }

  async function closed(connection: Connection) {
    connections.delete(connection);
    await Promise.allSettled([...connection.subscriptions.keys()].map((stream) => end(connection, stream, false)));
    await releaseControl(sessionEndedStream(connection.sessionIdHash));
    await releaseControl(accessChangedStream(connection.actor.userId));
  }

  // Browsers send cookies with cross-site WebSocket upgrades, and CORS does not apply: the Origin check is the guard.
  const checkOrigin = async (request: FastifyRequest) => {
    const origin = request.headers.origin;
    if (!origin || !isSameOrigin(origin, request)) {
      throw new AppError(403, 'forbidden', 'WebSocket connections are only accepted from Snipdesk itself.');
    }
  };

  /** The bound a new socket of this session would pass, if any. Counted on this instance only. */
  function socketBoundReached(sessionIdHash: string, userId: string) {
    const ofSession = connectionsWhere((c) => c.sessionIdHash === sessionIdHash).length;
    if (ofSession >= config.realtimeSocketsPerSession) return { limit: 'sockets_per_session', max: config.realtimeSocketsPerSession };
    const ofUser = connectionsWhere((c) => c.actor.userId === userId).length;
    if (ofUser >= config.realtimeSocketsPerUser) return { limit: 'sockets_per_user', max: config.realtimeSocketsPerUser };
    return undefined;
  }

  // Refused before the upgrade, not by closing an older socket: a tab that lost its place would reconnect and push
  // out the next, and the tabs would take turns forever. A refused tab retries with backoff and gets in once a
  // socket closes; a dead one is dropped by the sweep, hence Retry-After.
  const checkSocketBounds = async (request: FastifyRequest) => {
    const reached = socketBoundReached(request.sessionIdHash!, request.actor!.userId);
    if (!reached) return;
    throw new AppError(429, 'rate_limited', 'Too many live connections are open; close some tabs.', {
      details: reached,
      headers: { 'retry-after': String(config.realtimeSweepSeconds) },
    });
  };

  const routeHooks = { onRequest: [checkOrigin, fastify.requireActor, checkSocketBounds] };
  fastify.get('/ws', { websocket: true, ...routeHooks, schema: { hide: true } }, (socket, request) => {
    // Upgrades that passed the check together, before any of them was counted: the ones past the bound close at once.
    if (socketBoundReached(request.sessionIdHash!, request.actor!.userId)) {
      socket.close(closeCodes.tooManySockets, 'too many sockets');
      return;
    }
    const connection: Connection = {
      socket,
      sessionIdHash: request.sessionIdHash!,
      actor: request.actor!,
      subscriptions: new Map(),
      pending: new Map(),
      sending: false,
      budget: { tokens: flood.burst, refilledAt: Date.now() },
      alive: true,
    };
    connections.add(connection);
    // Handlers are attached before any await, so no early message is dropped.
    socket.on('message', (data, isBinary) => {
      receive(connection, data, isBinary).catch((error) => {
        request.log.error({ err: error }, 'websocket message failed');
        socket.close(1011, 'internal error');
      });
    });
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('close', () => void closed(connection));
    holdControl(sessionEndedStream(connection.sessionIdHash), (message) => {
      const { reason } = message as { reason: SessionEndReason };
      for (const other of connectionsWhere((c) => c.sessionIdHash === connection.sessionIdHash)) {
        other.socket.close(closeCodes.sessionEnded, reason);
      }
    });
    holdControl(accessChangedStream(connection.actor.userId), () => {
      for (const other of connectionsWhere((c) => c.actor.userId === connection.actor.userId)) {
        recheck(other).catch((error) => request.log.warn({ err: error }, 'realtime access recheck failed'));
      }
    });
  });

  async function closeEndedSessions() {
    const sessions = new Set([...connections].map((connection) => connection.sessionIdHash));
    for (const idHash of sessions) {
      const session = await fastify.sessions.resolve(idHash);
      if (session.status === 'active') continue;
      for (const connection of connectionsWhere((c) => c.sessionIdHash === idHash)) {
        connection.socket.close(closeCodes.sessionEnded, sessionEndReasons.expired);
      }
    }
  }

  async function sweep() {
    for (const connection of connections) {
      // No pong since the last ping: the peer is gone without saying so.
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
    for (const userId of userBudgets.keys()) {
      if (!connectionsWhere((c) => c.actor.userId === userId).length) userBudgets.delete(userId);
    }
    // The session check is what catches an end whose announcement was lost (Redis down): it never waits on Redis.
    await Promise.all([presence.heartbeat(), closeEndedSessions()]);
  }

  let sweeping = false;
  const timer = setInterval(() => {
    // Never two passes at once: one that was held up (a slow database) and the next would ping back to back, and
    // the second would cut every socket whose pong to the first had not arrived yet.
    if (sweeping) return;
    sweeping = true;
    sweep()
      .catch((error) => fastify.log.warn({ err: error }, 'realtime sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  }, config.realtimeSweepSeconds * 1000);
  timer.unref();

  fastify.addHook('onClose', async () => {
    clearInterval(timer);
    await presence.close();
  });

  fastify.decorate('realtime', {
    defineStream(kind: StreamKind, source: StreamSource, options: { presence?: boolean } = {}) {
      sources.set(kind, source);
      if (options.presence) withPresence.add(kind);
    },
    async publish(stream: StreamName, publication: StreamPublication) {
      await channels.publish(stream, publication).catch((error) => fastify.log.warn({ err: error, stream }, 'realtime publish failed'));
    },
    async accessChanged(userId: string) {
      await channels.publish(accessChangedStream(userId), { changed: true }).catch((error) => fastify.log.warn({ err: error }, 'realtime publish failed'));
    },
    async refreshLocal(kind: StreamKind, publication: StreamPublication) {
      const deliveries = [...connections].flatMap((connection) =>
        [...connection.subscriptions.keys()]
          .filter((stream) => parseStreamName(stream).kind === kind)
          .map((stream) => deliver(connection, stream, publication).catch((error) => fastify.log.warn({ err: error, stream }, 'realtime delivery failed'))),
      );
      await Promise.all(deliveries);
    },
    async recheckPresence() {
      // Subscriptions still reading their snapshot are left to `subscribe`, which applies the switch after it.
      const rechecks = [...connections].flatMap((connection) =>
        [...connection.subscriptions]
          .filter(([stream, subscription]) => subscription.seq !== null && hasPresence(stream))
          .map(([stream, subscription]) =>
            followPresenceSwitch(connection, stream, subscription).catch((error) => fastify.log.warn({ err: error, stream }, 'realtime presence recheck failed')),
          ),
      );
      await Promise.all(rechecks);
    },
    sweep,
  });
}

export default fp(realtimePlugin, { name: 'realtime', dependencies: ['config', 'channels', 'session', 'flags'] });
