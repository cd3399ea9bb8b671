import net from 'node:net';

export type TcpProxy = {
  port: number;
  /** Connections the proxy holds from the app's side, stalled ones included. */
  connectionCount(): number;
  /** The same URL with its host and port replaced by the proxy's. */
  urlThrough(url: string): string;
  /** The database goes away: open connections are reset and new ones refused. */
  cut(): Promise<void>;
  /** The network goes silent: connections are accepted, and nothing is forwarded either way. */
  stall(): void;
  /** Back to normal; bytes held during a stall flow again. */
  restore(): Promise<void>;
  close(): Promise<void>;
};

type Link = { client: net.Socket; upstream: net.Socket | undefined };

/** A TCP proxy between the app and its database, so a test can make a real outage without touching PostgreSQL. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'open' | 'stalled' | 'cut' = 'open';
  const links = new Set<Link>();

  function forward(from: net.Socket, to: net.Socket) {
    from.on('data', (chunk) => {
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (mode === 'open') from.resume();
    });
    from.on('close', () => to.destroy());
    from.on('error', () => to.destroy());
  }

  function connectUpstream(link: Link) {
    const upstream = net.connect(target.port, target.host);
    link.upstream = upstream;
    forward(link.client, upstream);
    forward(upstream, link.client);
  }

  const server = net.createServer((client) => {
    const link: Link = { client, upstream: undefined };
    links.add(link);
    client.on('close', () => links.delete(link));
    client.on('error', () => {});
    if (mode === 'stalled') client.pause();
    else connectUpstream(link);
  });

  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  await listen(0);
  const { port } = server.address() as net.AddressInfo;

  return {
    port,
    connectionCount: () => links.size,
    urlThrough(url) {
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(port);
      return proxied.toString();
    },
    async cut() {
      mode = 'cut';
      // Not listening refuses new connections (ECONNREFUSED), as a stopped server does.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const { client, upstream } of links) {
        client.resetAndDestroy();
        upstream?.destroy();
      }
      await closed;
    },
    stall() {
      mode = 'stalled';
      for (const { client, upstream } of links) {
        client.pause();
        upstream?.pause();
      }
    },
    async restore() {
      if (mode === 'cut') await listen(port);
      mode = 'open';
      for (const link of links) {
        if (!link.upstream) connectUpstream(link);
        link.client.resume();
        link.upstream?.resume();
      }
    },
    async close() {
      const closed = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      for (const { client, upstream } of links) {
        client.destroy();
        upstream?.destroy();
      }
      await closed;
    },
  };
}
