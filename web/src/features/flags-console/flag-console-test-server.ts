import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  createRampBodySchema,
  explainFlagBodySchema,
  flagImpactBodySchema,
  rampActionBodySchema,
  revertRampBodySchema,
  updateFlagBodySchema,
  type AdminFlagDetail,
  type FlagAuditEntry,
  type FlagExplanation,
  type FlagImpact,
} from '#shared/contracts/flags.ts';
import { emptyTargeting } from '#shared/flags/targeting.ts';
import { serveTestApi } from '../../app/feature-test-harness.tsx';

/**
 * For the web tests of the flags console: a tiny HTTP server on loopback that answers the console's API as the BFF
 * does, so the pages are tested against real requests, not a mocked fetch. It checks every body with the contract's
 * own schemas (a 400 like the BFF's), checks the version of a save, a ramp and a revert (409 flag_changed), keeps an
 * audit log, and holds ramps (a revert restores the targeting from before the ramp). What the impact and the explainer
 * answer is the test's to set. Not part of the app: only tests import it.
 */
export interface FlagConsoleTestServer {
  /** The flags as the reader may see them; null when the reader may not use the console (404 on every route). */
  flags: AdminFlagDetail[] | null;
  /** Each flag's audit log, newest first. */
  audit: Record<string, FlagAuditEntry[]>;
  /** What POST …/impact answers. */
  impact: FlagImpact;
  /** What POST …/explain answers. */
  explanation: FlagExplanation;
  /** Answers the next save or ramp with this instead: a refusal the form cannot foresee. */
  nextRefusal: { status: number; code: string; message: string; details?: unknown } | null;
  /** Every request, as `METHOD /path`. */
  readonly requests: string[];
  /** The bodies of the unsafe requests, in order, with their `METHOD /path`. */
  readonly bodies: { request: string; body: unknown }[];
  /** Someone else's save, as the BFF would record it: the flag's targeting changes and its version grows. */
  changeElsewhere(key: string, change: (targeting: AdminFlagDetail['targeting']) => AdminFlagDetail['targeting'], by?: string): void;
  close(): Promise<void>;
}

export const paula = { id: '0b6a2c1e-2222-4a1a-8a1a-000000000002', name: 'Paula PM' };

export function testFlag(overrides: Partial<AdminFlagDetail> = {}): AdminFlagDetail {
  return {
    key: 'snip-editor-layout',
    declaration: {
      type: 'variant',
      description: 'The snip editor’s layout.',
      owner: 'editor team',
      unit: 'user',
      client: true,
      propagation: 'next-navigation',
      default: 'stacked',
      variants: ['stacked', 'side-by-side'],
      expires: '2027-06-30',
      permanent: false,
    },
    orphaned: false,
    expired: false,
    version: 1,
    targeting: emptyTargeting(),
    reach: [{ value: 'stacked', users: 1310, workspaces: 40 }],
    editable: 'all',
    updatedAt: new Date().toISOString(),
    ramps: [],
    workspaces: [],
    ...overrides,
  };
}

export async function startFlagConsoleTestServer(): Promise<FlagConsoleTestServer> {
  const server: FlagConsoleTestServer = {
    flags: [],
    audit: {},
    impact: { gains: [] },
    explanation: { value: false, reason: 'default', rule: 'declared-default', workspaceId: null },
    nextRefusal: null,
    requests: [],
    bodies: [],
    changeElsewhere(key, change, by = 'Someone Else') {
      const flag = server.flags?.find((candidate) => candidate.key === key);
      if (!flag) throw new Error(`no flag ${key}`);
      record(flag, { kind: 'change', reason: 'Changed elsewhere', actor: { id: randomUUID(), name: by } }, change(structuredClone(flag.targeting)));
    },
    close: async () => {},
  };
  /** Each ramp's targeting from before it began, by ramp id: what a revert restores. */
  const targetingBefore = new Map<string, AdminFlagDetail['targeting']>();

  /**
   * An entry in the flag's audit log, at `at`. With `after`, a write of the targeting: the version grows, as the
   * BFF's does (scheduling or cancelling a ramp writes none).
   */
  function record(flag: AdminFlagDetail, entry: Pick<FlagAuditEntry, 'kind' | 'reason' | 'actor'>, after?: AdminFlagDetail['targeting'], at = new Date()) {
    (server.audit[flag.key] ??= []).unshift({ id: randomUUID(), at: at.toISOString(), before: flag.targeting, after: after ?? flag.targeting, ...entry });
    if (!after) return;
    flag.targeting = after;
    flag.version += 1;
  }

  function send(res: ServerResponse, status: number, body?: unknown) {
    if (body === undefined) return res.writeHead(status).end();
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
  const fail = (res: ServerResponse, status: number, code: string, message: string, details?: unknown) =>
    send(res, status, { error: { code, message, ...(details !== undefined && { details }) } });

  /** The body checked with the contract's schema, or a 400 already sent (undefined). */
  function parse<T>(res: ServerResponse, schema: z.ZodType<T>, body: unknown): T | undefined {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((issue) => ({ location: 'body', path: issue.path.join('.'), message: issue.message }));
    fail(res, 400, 'invalid_request', 'The request has invalid fields.', { issues });
    return undefined;
  }

  /** Whether the test's next refusal answered this request. */
  function refused(res: ServerResponse): boolean {
    const refusal = server.nextRefusal;
    if (!refusal) return false;
    server.nextRefusal = null;
    fail(res, refusal.status, refusal.code, refusal.message, refusal.details);
    return true;
  }

  function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const request = `${method} ${path}`;
    server.requests.push(request);
    const body: unknown = text ? JSON.parse(text) : undefined;
    if (method !== 'GET') server.bodies.push({ request, body });
    const flags = server.flags;
    if (!flags) return fail(res, 404, 'not_found', 'Not found.');
    if (request === 'GET /api/admin/flags') return send(res, 200, { flags: flags.map(({ ramps: _ramps, workspaces: _workspaces, ...flag }) => flag) });
    const match = /^\/api\/admin\/flags\/([^/]+)(?:\/(audit|impact|explain|ramps)(?:\/([^/]+)\/(cancel|revert))?)?$/.exec(path);
    const flag = flags.find((candidate) => candidate.key === decodeURIComponent(match?.[1] ?? ''));
    if (!match || !flag) return fail(res, 404, 'not_found', 'Not found.');
    const [, , part, rampId, rampAction] = match;
    const conflict = () => fail(res, 409, 'flag_changed', 'This flag was changed since you read it.');

    if (method === 'GET' && !part) return send(res, 200, flag);
    if (method === 'GET' && part === 'audit') return send(res, 200, { items: server.audit[flag.key] ?? [] });
    if (method === 'POST' && part === 'impact') return parse(res, flagImpactBodySchema, body) && send(res, 200, server.impact);
    if (method === 'POST' && part === 'explain') return parse(res, explainFlagBodySchema, body) && send(res, 200, server.explanation);
    if (method === 'PATCH' && !part) {
      const update = parse(res, updateFlagBodySchema, body);
      if (!update || refused(res)) return;
      if (update.version !== flag.version) return conflict();
      record(flag, { kind: 'change', reason: update.reason, actor: paula }, update.targeting);
      return send(res, 200, flag);
    }
    if (method === 'POST' && part === 'ramps' && !rampId) {
      const ramp = parse(res, createRampBodySchema, body);
      if (!ramp || refused(res)) return;
      if (ramp.version !== flag.version) return conflict();
      // One clock reading for the ramp and its audit entry, as the BFF's one transaction has.
      const now = new Date();
      const id = randomUUID();
      flag.ramps = [
        { id, status: 'scheduled', createdAt: now.toISOString(), createdBy: paula, steps: ramp.steps.map((step) => ({ ...step, appliedAt: null })) },
        ...flag.ramps,
      ];
      targetingBefore.set(id, flag.targeting);
      record(flag, { kind: 'ramp-scheduled', reason: ramp.reason, actor: paula }, undefined, now);
      return send(res, 201, flag);
    }
    const ramp = flag.ramps.find((candidate) => candidate.id === rampId);
    if (method === 'POST' && ramp && rampAction === 'cancel') {
      const action = parse(res, rampActionBodySchema, body);
      if (!action) return;
      ramp.status = 'cancelled';
      record(flag, { kind: 'ramp-cancelled', reason: action.reason, actor: paula });
      return send(res, 200, flag);
    }
    if (method === 'POST' && ramp && rampAction === 'revert') {
      const action = parse(res, revertRampBodySchema, body);
      if (!action) return;
      if (action.version !== flag.version) return conflict();
      for (const other of flag.ramps) if (other.status === 'scheduled') other.status = 'cancelled';
      ramp.status = 'reverted';
      record(flag, { kind: 'ramp-reverted', reason: action.reason, actor: paula }, targetingBefore.get(ramp.id));
      return send(res, 200, flag);
    }
    return fail(res, 404, 'not_found', 'Not found.');
  }

  server.close = (
    await serveTestApi((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => handle(req, res, text));
    })
  ).close;
  return server;
}
