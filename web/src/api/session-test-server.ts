import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SessionUser } from '#shared/contracts/session.ts';

/**
 * For the web tests of session expiry: a tiny HTTP server on loopback that behaves like the BFF where it matters
 * (sessions that expire, CSRF tokens bound to the session, 401 `session_expired` vs `unauthenticated`,
 * Idempotency-Key replays on PATCH), so the fetch client is tested against real requests, not a mocked fetch.
 * Not part of the app: only tests import it.
 */

export const alice: SessionUser = {
  id: '0b6a2c1e-1111-4a1a-8a1a-000000000001',
  email: 'alice@example.com',
  name: 'Alice',
  isPm: false,
  workspace: { id: '0b6a2c1e-aaaa-4a1a-8a1a-00000000000a', name: 'Acme', role: 'member' },
};
export const bob: SessionUser = {
  id: '0b6a2c1e-2222-4a1a-8a1a-000000000002',
  email: 'bob@example.com',
  name: 'Bob',
  isPm: false,
  workspace: { id: '0b6a2c1e-bbbb-4a1a-8a1a-00000000000b', name: 'Globex', role: 'owner' },
};
export const rightPassword = 'right-password';

export interface SeenRequest {
  method: string;
  path: string;
  csrf: string | undefined;
  idempotencyKey: string | undefined;
  body: string;
  status: number;
}

export interface TestNote {
  id: string;
  title: string;
  version: number;
}

export interface SessionTestServer {
  readonly origin: string;
  readonly requests: SeenRequest[];
  readonly note: TestNote;
  /** Starts a session for `user` directly, as if they had signed in earlier. */
  signIn(user: SessionUser): void;
  /** Ends the current session as a sign-out elsewhere does: its requests now answer `unauthenticated`. */
  signOut(): void;
  /** Ends the current session the way idle or absolute expiry does: its cookie now answers `session_expired`. */
  expire(): void;
  requestsTo(method: string, path: string): SeenRequest[];
  close(): Promise<void>;
}

interface Session {
  number: number;
  user: SessionUser;
  expired: boolean;
}

export async function startSessionTestServer(): Promise<SessionTestServer> {
  const requests: SeenRequest[] = [];
  const note: TestNote = { id: '0b6a2c1e-cccc-4a1a-8a1a-0000000000c1', title: 'First title', version: 1 };
  const replays = new Map<string, { status: number; body: unknown }>();
  let session: Session | null = null;
  let sessions = 0;

  // Bound to the session's cookie, as the BFF's token is: an expired session keeps its token until a sign-in.
  const csrfToken = () => (session ? `csrf-${session.number}` : 'csrf-pre-session');

  function send(res: ServerResponse, seen: SeenRequest, status: number, body?: unknown) {
    seen.status = status;
    if (body === undefined) {
      res.writeHead(status);
      res.end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
  const fail = (res: ServerResponse, seen: SeenRequest, status: number, code: string) =>
    send(res, seen, status, { error: { code, message: `server says ${code}` } });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const method = req.method ?? 'GET';
    const seen: SeenRequest = {
      method,
      path: url.pathname,
      csrf: header('x-csrf-token'),
      idempotencyKey: header('idempotency-key'),
      body: Buffer.concat(chunks).toString('utf8'),
      status: 0,
    };
    requests.push(seen);
    const body = seen.body ? (JSON.parse(seen.body) as Record<string, unknown>) : {};

    if (method !== 'GET' && seen.csrf !== csrfToken()) return fail(res, seen, 403, 'csrf_failed');
    const state = () => ({ user: session && !session.expired ? session.user : null, csrfToken: csrfToken() });

    if (url.pathname === '/api/session') {
      if (method === 'GET') return send(res, seen, 200, state());
      if (method === 'DELETE') {
        session = null;
        return send(res, seen, 204);
      }
      const user = [alice, bob].find((candidate) => candidate.email === body.email);
      if (!user || body.password !== rightPassword) return fail(res, seen, 401, 'invalid_credentials');
      session = { number: ++sessions, user: { ...user }, expired: false };
      return send(res, seen, 200, state());
    }

    if (!session) return fail(res, seen, 401, 'unauthenticated');
    if (session.expired) return fail(res, seen, 401, 'session_expired');

    if (url.pathname === '/api/session/workspace' && method === 'PUT') {
      const workspace = [alice, bob].find((user) => user.workspace.id === body.workspaceId)?.workspace;
      if (!workspace) return fail(res, seen, 404, 'not_found');
      session.user = { ...session.user, workspace };
      return send(res, seen, 200, state());
    }
    if (url.pathname === `/api/notes/${note.id}`) {
      if (method === 'GET') return send(res, seen, 200, note);
      if (method === 'PATCH') {
        const key = seen.idempotencyKey && `${session.user.id}:${seen.idempotencyKey}`;
        const replay = key ? replays.get(key) : undefined;
        if (replay) return send(res, seen, replay.status, replay.body);
        note.title = String(body.title);
        note.version += 1;
        if (key) replays.set(key, { status: 200, body: { ...note } });
        return send(res, seen, 200, note);
      }
    }
    return fail(res, seen, 404, 'not_found');
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    note,
    signIn(user) {
      session = { number: ++sessions, user: { ...user }, expired: false };
    },
    signOut() {
      session = null;
    },
    expire() {
      if (session) session.expired = true;
    },
    requestsTo: (method, path) => requests.filter((request) => request.method === method && request.path === path),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Starts the server and puts the test page on its origin: the SPA calls its own origin with relative paths. */
export async function startOnPageOrigin(): Promise<SessionTestServer> {
  const server = await startSessionTestServer();
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.origin}/notes`);
  return server;
}
