import { expect, vi } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '#shared/realtime/messages.ts';

/**
 * For the web tests of live updates: a WebSocket server on loopback standing in for the BFF's gateway. It records
 * what each connection sends and lets the test script what the server says and how it closes (1006, 1001, 4401…),
 * so the connection is tested against a real socket, not a mock. Not part of the app: only tests import it.
 */

export interface Peer {
  socket: ServerSocket;
  received: ClientMessage[];
  send(message: ServerMessage | string): void;
}

export interface ScriptedServer {
  url: string;
  peers: Peer[];
  /** Upgrades answer 401 while true, as the gateway does for a session that is gone. */
  refuse: boolean;
  /** When each upgrade was asked for (refused ones too), in ms since the epoch. */
  attempts: number[];
  /** The `index`-th connection (0-based), once it has arrived. */
  peer(index: number): Promise<Peer>;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const server: ScriptedServer = {
    url: '',
    peers: [],
    refuse: false,
    attempts: [],
    async peer(index) {
      await vi.waitFor(() => expect(server.peers.length).toBeGreaterThan(index));
      return server.peers[index]!;
    },
    close: async () => {},
  };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (_info, done) => {
      server.attempts.push(Date.now());
      done(!server.refuse, 401);
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  wss.on('connection', (socket) => {
    const peer: Peer = {
      socket,
      received: [],
      send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    };
    socket.on('message', (data) => peer.received.push(JSON.parse(data.toString()) as ClientMessage));
    server.peers.push(peer);
  });
  const address = wss.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  server.url = `ws://127.0.0.1:${address.port}/ws`;
  server.close = () =>
    new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => resolve());
    });
  return server;
}
