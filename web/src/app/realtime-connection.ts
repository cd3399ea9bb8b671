import {
  closeCodes,
  realtimeVersion,
  serverMessageSchema,
  streamNameSchema,
  type ClientMessage,
  type ServerMessage,
  type StreamName,
} from '#shared/realtime/messages.ts';

/**
 * The tab's one WebSocket to the BFF (`/ws`), shared by every component that follows a stream.
 *
 * - Streams are ref-counted: the first listener of a stream subscribes on the server, the last one to leave
 *   unsubscribes (after `lingerMs`, so a page swapped for another on the same stream, or StrictMode's double
 *   effect, does not churn the server subscription). A listener joining a stream that already has a state is
 *   handed that state (and who is viewing, while the socket that said so is open), so every listener starts from
 *   the current state, even one that joins while the socket is down.
 * - Per stream it keeps the highest `seq` seen and drops anything not newer: updates are full (small) states, the
 *   newest wins, and a snapshot resent after a reconnect that says nothing new is not delivered again.
 * - Abnormal closes (network, 1001 going away, 1011, 4400, 4429, …) reconnect with exponential backoff and full
 *   jitter; on every (re)connect every stream with listeners is subscribed again, and the server answers with a
 *   fresh snapshot, so a change made while the socket was down is not missed.
 * - 4401 (the session ended) does not reconnect: the connection pauses and says so (`onSessionEnded`); whoever
 *   owns the session calls `connect()` once it is back (app/realtime-session.ts).
 *
 * It knows nothing of sessions, react-query or React: it is tested against a real WebSocket server.
 */

export type RealtimeStatus =
  /** Not wanted: nobody is signed in. */
  | 'idle'
  /** The first attempt after `connect()`. */
  | 'connecting'
  | 'live'
  /** Lost; trying again soon. */
  | 'reconnecting'
  /** Lost for a while, or the browser is offline; still trying, with longer waits. */
  | 'offline'
  /** The session ended (4401, or the app saw it end): waiting for the person to sign in again. */
  | 'paused';

/**
 * What a stream listener hears: the stream's snapshot and updates, or that it may not (or no longer) follow it,
 * and any other news the protocol carries about the stream (who is viewing it).
 */
export type StreamMessage = ServerMessage;
export type StreamListener = (message: StreamMessage) => void;

export interface RealtimeConnection {
  /** Opens the socket if it is not open or on its way. Idempotent: cheap to call on every session change. */
  connect(): void;
  /** Closes the socket and stops reconnecting. `signed-out` also forgets what the streams said. */
  disconnect(reason: 'signed-out' | 'paused'): void;
  /** Follows a stream; returns the function that stops following it. */
  subscribe(stream: StreamName, listener: StreamListener): () => void;
  getStatus(): RealtimeStatus;
  /** For `useSyncExternalStore`. */
  subscribeToStatus(listener: () => void): () => void;
  /** Disconnects and removes every listener it added to the page. */
  dispose(): void;
}

export interface RealtimeConnectionOptions {
  url: string;
  /** The WebSocket implementation: the browser's by default; tests pass `ws`'s. */
  WebSocket?: typeof globalThis.WebSocket;
  /** The server closed with 4401. The connection has paused itself and will not reconnect on its own. */
  /** `reason`: the close reason the server gave, `sessionEndReasons.expired` or `.signedOut`. */
  onSessionEnded?: (reason: string) => void;
  /**
   * An attempt failed before the socket opened. A refused upgrade (401: the session ended while the socket was
   * down) looks exactly like a network failure from here, so the owner may check the session over HTTP.
   * Called once per run of failures.
   */
  onConnectFailed?: () => void;
  /** Full jitter: the n-th retry waits a random time in [0, min(capMs, baseMs · 2ⁿ)). */
  backoff?: { baseMs: number; capMs: number };
  random?: () => number;
  /** A socket that stayed open this long counts as a success: the next failure starts the backoff over. */
  stableAfterMs?: number;
  /** After this many failures in a row the status says offline rather than reconnecting. */
  offlineAfterFailures?: number;
  /** How long a stream nobody follows any more stays subscribed, in case someone follows it again at once. */
  lingerMs?: number;
  /** Where `online` / `offline` events come from (the window); null to ignore them. */
  network?: Pick<Window, 'addEventListener' | 'removeEventListener'> | null;
  log?: Pick<Console, 'warn'>;
}

const defaultBackoff = { baseMs: 500, capMs: 15_000 };

/** Same host and port as the page: the Origin check of the gateway accepts nothing else, and cookies go along. */
export function realtimeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** The wait before the `failures`-th retry (0-based): full jitter, so a server restart is not met by a stampede. */
export function backoffDelay(failures: number, backoff = defaultBackoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** failures);
  return Math.floor(random() * ceiling);
}

interface Stream {
  listeners: Set<StreamListener>;
  /**
   * The last state (snapshot or update) or refusal (denied or ended) delivered, handed to listeners that join
   * later. Its `seq` is the highest delivered; a refusal means: not subscribed again until someone follows the
   * stream anew.
   */
  latest: StreamMessage | null;
  /** The last presence delivered on the current socket, handed to listeners that join later too. */
  presence: StreamMessage | null;
  /** A subscribe went out on the current socket. */
  subscribed: boolean;
  releaseTimer: ReturnType<typeof setTimeout> | null;
}

const lastSeq = ({ latest }: Stream) => (latest?.type === 'snapshot' || latest?.type === 'update' ? latest.seq : null);
const isRefused = ({ latest }: Stream) => latest?.type === 'denied' || latest?.type === 'ended';

const open = 1; // WebSocket.OPEN, the same for every implementation

export function createRealtimeConnection(options: RealtimeConnectionOptions): RealtimeConnection {
  const WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
  const backoff = options.backoff ?? defaultBackoff;
  const random = options.random ?? Math.random;
  const stableAfterMs = options.stableAfterMs ?? 10_000;
  const offlineAfterFailures = options.offlineAfterFailures ?? 3;
  const lingerMs = options.lingerMs ?? 1_000;
  const log = options.log ?? console;
  const network = options.network === undefined ? (typeof window === 'undefined' ? null : window) : options.network;

  const streams = new Map<StreamName, Stream>();
  const statusListeners = new Set<() => void>();
  let status: RealtimeStatus = 'idle';
  let socket: WebSocket | null = null;
  let openedAt: number | null = null;
  let failures = 0;
  let reportedFailure = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  function setStatus(next: RealtimeStatus) {
    if (next === status) return;
    status = next;
    for (const listener of [...statusListeners]) listener();
  }

  const browserOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;
  const waitingStatus = (): RealtimeStatus => (failures >= offlineAfterFailures || browserOffline() ? 'offline' : 'reconnecting');

  function send(message: ClientMessage): boolean {
    if (socket?.readyState !== open) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  function subscribeOnServer(name: StreamName, stream: Stream) {
    if (stream.subscribed || isRefused(stream)) return;
    stream.subscribed = send({ v: realtimeVersion, type: 'subscribe', stream: name });
  }

  function openSocket(nextStatus: RealtimeStatus) {
    clearRetry();
    setStatus(nextStatus);
    openedAt = null;
    let ws: WebSocket;
    try {
      ws = new WebSocketImpl(options.url);
    } catch (error) {
      log.warn('Live updates: could not open the WebSocket', error);
      socket = null;
      return closed(1006);
    }
    socket = ws;
    // Every handler checks that its socket is still the current one: a socket we let go of may still speak.
    ws.onopen = () => {
      if (socket !== ws) return;
      openedAt = Date.now();
      reportedFailure = false;
      setStatus('live');
      for (const [name, stream] of streams) {
        if (stream.listeners.size === 0) forget(name, stream);
        else subscribeOnServer(name, stream);
      }
    };
    ws.onmessage = (event: MessageEvent) => {
      if (socket === ws) receive(event.data);
    };
    ws.onclose = (event: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      closed(event.code, event.reason);
    };
    // An error is always followed by a close, which is where we act.
    ws.onerror = () => {};
  }

  /** The current socket is gone; `openedAt` still says whether it ever opened. */
  function closed(code: number, reason = '') {
    for (const stream of streams.values()) {
      stream.subscribed = false;
      stream.presence = null;
    }
    if (code === closeCodes.sessionEnded) {
      setStatus('paused');
      options.onSessionEnded?.(reason);
      return;
    }
    if (code === closeCodes.malformed || code === closeCodes.flooding || code === closeCodes.tooLarge) {
      // The server refused what this tab sent: a bug here, worth seeing in the console; retrying is still right.
      log.warn(`Live updates: the server closed the connection with ${code}; reconnecting`);
    }
    const stable = openedAt !== null && Date.now() - openedAt >= stableAfterMs;
    failures = stable ? 0 : failures + 1;
    if (openedAt === null && !reportedFailure) {
      reportedFailure = true;
      options.onConnectFailed?.();
    }
    // onConnectFailed may have paused or stopped the connection.
    if (status === 'idle' || status === 'paused') return;
    scheduleRetry();
  }

  function scheduleRetry() {
    clearRetry();
    // `failures` counts this loss too: the first retry after a stable connection waits up to baseMs.
    const delay = backoffDelay(Math.max(0, failures - 1), backoff, random);
    setStatus(waitingStatus());
    retryTimer = setTimeout(() => {
      retryTimer = null;
      openSocket(waitingStatus());
    }, delay);
  }

  function clearRetry() {
    if (retryTimer === null) return;
    clearTimeout(retryTimer);
    retryTimer = null;
  }

  function receive(data: unknown) {
    let message: StreamMessage;
    try {
      if (typeof data !== 'string') throw new Error('not a text frame');
      const parsed = serverMessageSchema.safeParse(JSON.parse(data));
      if (!parsed.success) throw parsed.error;
      message = parsed.data;
    } catch (error) {
      // A newer server may speak a newer protocol: drop what we do not understand rather than act on a guess.
      log.warn('Live updates: dropped a message that is not part of the protocol', error);
      return;
    }
    const name = message.stream as StreamName;
    const stream = streams.get(name);
    if (!stream) return;
    switch (message.type) {
      case 'snapshot':
      case 'update': {
        // Not newer than what we have: a repeat after a reconnect, or an update overtaken by a later one.
        const seq = lastSeq(stream);
        if (seq !== null && message.seq <= seq) return;
        stream.latest = message;
        break;
      }
      case 'denied':
      case 'ended':
        // The server dropped the subscription; a later subscription starts over with a snapshot of its own.
        stream.subscribed = false;
        stream.latest = message;
        stream.presence = null;
        break;
      case 'presence':
        // Side news about the stream (who is viewing it): the latest wins, and it is not the stream's state.
        stream.presence = message;
        break;
    }
    for (const listener of [...stream.listeners]) listener(message);
  }

  function forget(name: StreamName, stream: Stream) {
    if (stream.releaseTimer !== null) clearTimeout(stream.releaseTimer);
    streams.delete(name);
  }

  function release(name: StreamName, stream: Stream, listener: StreamListener) {
    if (!stream.listeners.delete(listener) || stream.listeners.size > 0) return;
    stream.releaseTimer = setTimeout(() => {
      stream.releaseTimer = null;
      if (stream.listeners.size > 0 || streams.get(name) !== stream) return;
      streams.delete(name);
      if (stream.subscribed) send({ v: realtimeVersion, type: 'unsubscribe', stream: name });
    }, lingerMs);
  }

  function subscribe(name: StreamName, listener: StreamListener): () => void {
    if (!streamNameSchema.safeParse(name).success) {
      // The server would close the whole socket (4400) for it: answer it here, as the server answers the unknown.
      log.warn(`Live updates: "${name}" is not a stream name`);
      queueMicrotask(() => listener({ v: realtimeVersion, type: 'denied', stream: name }));
      return () => {};
    }
    let stream = streams.get(name);
    if (!stream) {
      stream = { listeners: new Set(), latest: null, presence: null, subscribed: false, releaseTimer: null };
      streams.set(name, stream);
    }
    if (stream.releaseTimer !== null) {
      clearTimeout(stream.releaseTimer);
      stream.releaseTimer = null;
    }
    // Someone new follows a stream that was refused: ask again (access may have come back).
    if (stream.listeners.size === 0 && isRefused(stream)) stream.latest = null;
    const joined = stream;
    joined.listeners.add(listener);
    subscribeOnServer(name, joined);
    // What the others have heard, unless something newer reaches this listener first.
    const { latest, presence } = joined;
    if (latest || presence) {
      queueMicrotask(() => {
        if (!joined.listeners.has(listener)) return;
        if (latest && joined.latest === latest) listener(latest);
        if (presence && joined.presence === presence) listener(presence);
      });
    }
    return () => release(name, joined, listener);
  }

  function connect() {
    if (status !== 'idle' && status !== 'paused') return;
    failures = 0;
    reportedFailure = false;
    openSocket('connecting');
  }

  function disconnect(reason: 'signed-out' | 'paused') {
    clearRetry();
    const current = socket;
    socket = null;
    current?.close(1000, reason);
    for (const stream of streams.values()) {
      stream.subscribed = false;
      stream.presence = null;
      if (reason === 'signed-out') stream.latest = null;
    }
    setStatus(reason === 'paused' ? 'paused' : 'idle');
  }

  // Back online: try now instead of waiting out the backoff.
  const onOnline = () => {
    if (retryTimer === null) return;
    failures = 0;
    openSocket('reconnecting');
  };
  const onOffline = () => {
    if (status === 'reconnecting') setStatus('offline');
  };
  network?.addEventListener('online', onOnline);
  network?.addEventListener('offline', onOffline);

  return {
    connect,
    disconnect,
    subscribe,
    getStatus: () => status,
    subscribeToStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    dispose() {
      network?.removeEventListener('online', onOnline);
      network?.removeEventListener('offline', onOffline);
      disconnect('signed-out');
      for (const [name, stream] of streams) forget(name, stream);
      statusListeners.clear();
    },
  };
}
