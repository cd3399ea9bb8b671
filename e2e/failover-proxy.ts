import { createServer, connect, type Socket } from 'node:net';

export interface FailoverProxy {
  /** `http://127.0.0.1:<port>`: the one origin the browser knows, as behind a load balancer. */
  origin: string;
  /** How many connections went to each instance so far. */
  routed: { primary: number; secondary: number };
  /**
   * New connections wait (accepted, not forwarded) until `release()`: the moment a load balancer takes to notice
   * that an instance is gone. A test uses it to change data while the browser certainly has no socket.
   */
  hold(): void;
  /** Forwards the connections that waited, and every new one, again. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback in front of two BFF instances: each new connection goes to the primary while it accepts
 * connections, else to the secondary. It passes bytes through untouched (the Host header too), so the instances see
 * the proxy's origin, as they would behind a real load balancer, and cookies belong to that one origin. When either
 * side of a connection goes away the other is dropped too, so a crashed instance drops its clients' sockets.
 */
export async function startFailoverProxy(ports: { primary: number; secondary: number }): Promise<FailoverProxy> {
  const open = new Set<Socket>();
  const routed = { primary: 0, secondary: 0 };
  let held: Socket[] | null = null;

  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    // A reset from either side is how connections end here; the pairing below drops the other side.
    socket.on('error', () => {});
    return socket;
  };

  function pair(client: Socket, upstream: Socket) {
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      from.pipe(to);
      from.once('close', () => to.destroy());
    }
  }

  function forward(client: Socket) {
    if (client.destroyed) return;
    const primary = track(connect(ports.primary, '127.0.0.1'));
    let connected = false;
    primary.once('connect', () => {
      connected = true;
      routed.primary += 1;
      pair(client, primary);
    });
    primary.once('error', () => {
      if (connected) return;
      // Refused: the primary is down, so this connection (its request still unread) goes to the secondary.
      const secondary = track(connect(ports.secondary, '127.0.0.1'));
      secondary.once('connect', () => {
        routed.secondary += 1;
        pair(client, secondary);
      });
      secondary.once('error', () => client.destroy());
    });
  }

  const server = createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    if (held) held.push(client);
    else forward(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');

  return {
    origin: `http://127.0.0.1:${address.port}`,
    routed,
    hold() {
      held ??= [];
    },
    release() {
      const waiting = held ?? [];
      held = null;
      for (const client of waiting) forward(client);
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
