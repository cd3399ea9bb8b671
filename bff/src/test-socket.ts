import WebSocket from 'ws';
import type { ServerMessage } from '#shared/realtime/messages.ts';
import { sessionCookie } from './plugins/session.ts';
import type { TestClient } from './test-app.ts';

export type TestSocket = {
  ws: WebSocket;
  messages: ServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  next(match: (message: ServerMessage) => boolean): Promise<ServerMessage>;
};

/** A real WebSocket client on the BFF's `/ws`, signed in with a test client's session cookie. */
export function openSocket(origin: string, client: TestClient | null, headers: Record<string, string> = { origin }): Promise<TestSocket> {
  const cookie = client ? `${sessionCookie}=${client.cookies.get(sessionCookie)}` : undefined;
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { ...headers, ...(cookie ? { cookie } : {}) } });
  const messages: ServerMessage[] = [];
  const waiting: { match: (message: ServerMessage) => boolean; resolve: (message: ServerMessage) => void }[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    messages.push(message);
    for (const waiter of waiting.filter((w) => w.match(message))) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise<TestSocket>((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        closed,
        send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
        next: (match) => {
          const seen = messages.find(match);
          return seen ? Promise.resolve(seen) : new Promise((done) => waiting.push({ match, resolve: done }));
        },
      }),
    );
    ws.once('unexpected-response', (_request, response) => reject(Object.assign(new Error('refused'), { status: response.statusCode })));
    ws.once('error', reject);
  });
}

