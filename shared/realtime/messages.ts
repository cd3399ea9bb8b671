import { z } from 'zod';
import { jobProgressSchema, jobStatusSchema } from '../contracts/jobs.ts';

/**
 * The WebSocket protocol between the SPA and the BFF: one socket per tab, streams multiplexed over it.
 * Every message is versioned (`v`) so a tab still running yesterday's bundle is understood or told clearly.
 */
export const realtimeVersion = 1;

/**
 * A stream is a resource's live channel: `snip:<id>`, `workspace:<id>`, `user:<id>`, `job:<id>`, and `flags:<user id>`
 * (the flags resolved for that user; only they may follow it).
 */
export const streamKinds = ['user', 'workspace', 'snip', 'job', 'flags'] as const;
export type StreamKind = (typeof streamKinds)[number];
const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const streamNameSchema = z.string().regex(new RegExp(`^(${streamKinds.join('|')}):${uuid}$`), 'not a stream name');
export type StreamName = `${StreamKind}:${string}`;

export const streamName = (kind: StreamKind, id: string): StreamName => `${kind}:${id}`;
export function parseStreamName(stream: StreamName): { kind: StreamKind; id: string } {
  const [kind, id] = stream.split(':') as [StreamKind, string];
  return { kind, id };
}

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ v: z.literal(realtimeVersion), type: z.literal('subscribe'), stream: streamNameSchema }),
  z.strictObject({ v: z.literal(realtimeVersion), type: z.literal('unsubscribe'), stream: streamNameSchema }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/**
 * What a stream says. Small on purpose (ids, versions, counts): the SPA refetches the rest over HTTP,
 * through the same policy scopes as everything else.
 */
/** `snip:<id>`: the snip's version (refetch it when newer), its comment count (refetch comments when changed). */
export const snipStreamStateSchema = z.object({
  kind: z.literal('snip'),
  version: z.number().int(),
  comments: z.number().int(),
  deleted: z.boolean(),
});
/** `user:<id>`: the user's unread notifications. */
export const userStreamStateSchema = z.object({ kind: z.literal('user'), unread: z.number().int() });
/** `workspace:<id>`: something in the workspace's snips changed (added, edited, removed): refetch lists. */
export const workspaceStreamStateSchema = z.object({ kind: z.literal('workspace') });
/** `job:<id>`: where a background job is; the rest (error text, result link) is refetched when it finishes. */
export const jobStreamStateSchema = z.object({ kind: z.literal('job'), status: jobStatusSchema, progress: jobProgressSchema });
/** `flags:<user id>`: the flag targeting's revision; when it grows, refetch `/api/flags?atLeast=<revision>`. */
export const flagsStreamStateSchema = z.object({ kind: z.literal('flags'), revision: z.number().int() });
export const streamStateSchema = z.discriminatedUnion('kind', [
  snipStreamStateSchema,
  userStreamStateSchema,
  workspaceStreamStateSchema,
  jobStreamStateSchema,
  flagsStreamStateSchema,
]);
export type StreamState = z.infer<typeof streamStateSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  /** The current state, sent first on every subscribe; `seq` orders it with the updates that follow. */
  z.object({ v: z.literal(realtimeVersion), type: z.literal('snapshot'), stream: streamNameSchema, seq: z.number().int(), state: streamStateSchema }),
  /** A newer state. A client keeps the highest `seq` it has seen per stream and drops anything not newer. */
  z.object({ v: z.literal(realtimeVersion), type: z.literal('update'), stream: streamNameSchema, seq: z.number().int(), state: streamStateSchema }),
  /** Not found and not allowed look the same, so a stream name does not reveal whether its resource exists. */
  z.object({ v: z.literal(realtimeVersion), type: z.literal('denied'), stream: streamNameSchema }),
  /** Access ended while subscribed (role changed, member removed, snip made private). */
  z.object({ v: z.literal(realtimeVersion), type: z.literal('ended'), stream: streamNameSchema }),
  /** Who is viewing the resource right now, on any instance (snip streams). Latest wins; no sequence needed. */
  z.object({
    v: z.literal(realtimeVersion),
    type: z.literal('presence'),
    stream: streamNameSchema,
    viewers: z.array(z.object({ id: z.uuid(), name: z.string() })),
  }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Close codes (4000–4999 are the application's own). */
export const closeCodes = {
  /** The session ended (expired, signed out, revoked): show the session-expiry banner, do not reconnect. */
  sessionEnded: 4401,
  /** A frame that is not JSON or not a valid client message. */
  malformed: 4400,
  /** Too many messages too fast. */
  flooding: 4429,
  /** More sockets than the session or user may open (a race past the upgrade's 429): reconnect, with backoff. */
  tooManySockets: 1008,
  /** The server is going away (deploy, restart): reconnect, with backoff. */
  goingAway: 1001,
  /** Larger than `maxFrameBytes`; `ws` closes with this standard code itself. */
  tooLarge: 1009,
} as const;

/**
 * The reason sent with 4401: signed out (in this or another tab, so the tab should follow to the sign-in page) or
 * expired (show the banner and keep the page).
 */
export const sessionEndReasons = { signedOut: 'signed out', expired: 'session expired' } as const;
export type SessionEndReason = (typeof sessionEndReasons)[keyof typeof sessionEndReasons];

export const maxFrameBytes = 64 * 1024;
