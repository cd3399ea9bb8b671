import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { fitsDeclaration, type AnyFlagValue, type FlagDeclaration } from '#shared/flags/declarations.ts';
import { compileTargeting, evaluateFlag, type CompiledTargeting, type Evaluation, type FlagContext } from '#shared/flags/evaluate.ts';
import { flagRegistry, type FlagKey, type FlagValue } from '#shared/flags/registry.ts';
import { emptyTargeting, servableTargeting, targetingProblems, type FlagTargeting } from '#shared/flags/targeting.ts';
import type { Database } from '../db/client.ts';
import { featureFlags, qaRoles } from '../db/schema.ts';
import { cookieNameFor, type Actor } from './session.ts';

/** Flags resolved for one actor: lazily, each key at most once per reader (per request, per job run). */
export interface FlagReader {
  get<K extends FlagKey>(key: K): FlagValue<K>;
  evaluate<K extends FlagKey>(key: K): Evaluation<FlagValue<K>>;
}

/** Values forced for one session by a QA override, each checked against its flag's declaration. */
export type QaOverrides = Readonly<Record<string, AnyFlagValue>>;

declare module 'fastify' {
  interface FastifyInstance {
    flags: {
      /** The declarations this app resolves against: the registry (a benchmark passes a larger one). */
      declarations: Readonly<Record<string, FlagDeclaration>>;
      /**
       * Resolution for someone other than the request's actor: a job's actor, a socket's. `qaOverrides` only when the
       * caller has verified them (the QA routes answering with the values they just set).
       */
      for(context: FlagContext, qaOverrides?: QaOverrides): FlagReader;
      /** This instance's copy of a flag's targeting (undefined: never targeted, or not declared). */
      targeting(key: string): CompiledTargeting | undefined;
      /** Grows with every targeting change anywhere (the sum of the flags' versions). */
      revision(): number;
      /**
       * Call after a committed targeting change: every instance reads the flag's targeting again (through the
       * channel layer) and tells its open tabs (the `flags` stream). Never throws: the change is committed, so it is
       * announced even when this instance cannot read it now (logged; the periodic revision check reads it later).
       */
      changed(key: string): Promise<void>;
      /**
       * Reads again the targeting that changed, unless this instance knows a higher revision than `atLeast`: a tab
       * told of a change by one instance may ask another that has not heard of it yet. An equal revision is not
       * enough: revisions are sums of versions, so two instances that each heard of a different change report the
       * same one.
       */
      catchUp(atLeast: number): Promise<void>;
      /** Whether this user may force flag values for their own session: anyone when NODE_ENV=test, else the QA role. */
      mayForce(userId: string): Promise<boolean>;
    };
  }
  interface FastifyRequest {
    /** The request's actor's flags (signed out: resolved for nobody), with any verified QA override. */
    flags: FlagReader;
  }
}

export type FlagsOptions = { declarations?: Readonly<Record<string, FlagDeclaration>> };

/** Channel-layer stream on which a committed targeting change is announced: `{ key }`. */
const flagsChangedStream = 'control:flags';
/**
 * How often each instance compares its revision with the database's: a change whose announcement was lost (Redis
 * down) is picked up this late at worst. One small query per instance, never one per request.
 */
const revisionCheckMs = 30_000;
/**
 * A flag this code does not declare is marked orphaned only once no instance has declared it (at its start) for this
 * long. In a rolling deploy an instance of the old release may still start (a crash-restart) after the new release's
 * first ones: it must leave alone the flags only the new release declares, declared minutes before.
 */
const orphanAfterMs = 60 * 60 * 1000;

/** The QA override's cookie (`__Host-` over https, like the session's): see `signQaOverride`. */
export const qaFlagsCookie = 'snipdesk_qa_flags';
export const qaFlagsCookieFor = (request: FastifyRequest) => cookieNameFor(request, qaFlagsCookie);

const qaSignature = (secret: string, payload: string) => createHmac('sha256', secret).update(`qa-flags:${payload}`).digest();

/**
 * The cookie value forcing `flags` for one session: base64url JSON `{ s: session id hash, f: values }`, a dot, and
 * its HMAC-SHA256 with the session secret. Bound to the session, so a copy in another session is worthless.
 */
export function signQaOverride(secret: string, sessionIdHash: string, flags: QaOverrides): string {
  const payload = Buffer.from(JSON.stringify({ s: sessionIdHash, f: flags })).toString('base64url');
  return `${payload}.${qaSignature(secret, payload).toString('base64url')}`;
}

/**
 * The values a QA cookie forces for this session: undefined when the signature is wrong or the cookie belongs to
 * another session. Values that do not fit their flag's declaration (any more) are left out.
 */
function readQaOverride(
  secret: string,
  cookie: string,
  sessionIdHash: string,
  declarations: Readonly<Record<string, FlagDeclaration>>,
): QaOverrides | undefined {
  const [payload = '', signature = '', ...rest] = cookie.split('.');
  const sent = Buffer.from(signature, 'base64url');
  const expected = qaSignature(secret, payload);
  if (rest.length > 0 || sent.length !== expected.length || !timingSafeEqual(sent, expected)) return undefined;
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(payload, 'base64url').toString());
  } catch {
    return undefined;
  }
  const { s, f } = (content ?? {}) as { s?: unknown; f?: unknown };
  if (s !== sessionIdHash || typeof f !== 'object' || f === null) return undefined;
  return Object.fromEntries(
    Object.entries(f).filter(([key, value]) => Object.hasOwn(declarations, key) && fitsDeclaration(declarations[key]!, value)),
  );
}

/** A declaration as stored: with when an instance last declared it, at its start (ISO 8601, UTC). */
type StoredDeclaration = FlagDeclaration & { declaredAt: string };

/**
 * Copies every declaration into `feature_flags`, stamped with this start's time: a new flag starts with empty
 * targeting; a known one gets its declaration updated and is no longer orphaned, its targeting untouched. A flag gone
 * from the code is kept, and marked orphaned only when no start declared it within `orphanAfterMs`; the price: one
 * removed less than an hour after such a start (a quick redeploy, a restart) is marked by a later start, at the next
 * deploy at worst. Instances starting together take turns (the schema lock).
 */
async function syncDeclarations(db: Database, declarations: Readonly<Record<string, FlagDeclaration>>, now: Date) {
  const keys = Object.keys(declarations);
  const declaredAt = now.toISOString();
  const stamped = (declaration: FlagDeclaration): StoredDeclaration => ({ ...declaration, declaredAt });
  await db
    .insert(featureFlags)
    .values(keys.map((key) => ({ key, declaration: stamped(declarations[key]!), targeting: emptyTargeting() })))
    .onConflictDoUpdate({ target: featureFlags.key, set: { declaration: sql`excluded.declaration`, orphaned: false } });
  // ISO 8601 in UTC sorts as time does; a row never stamped (stored before stamps) counts as declared long ago.
  const declaredSince = new Date(now.getTime() - orphanAfterMs).toISOString();
  await db
    .update(featureFlags)
    .set({ orphaned: true })
    .where(
      and(
        notInArray(featureFlags.key, keys),
        eq(featureFlags.orphaned, false),
        sql`coalesce(${featureFlags.declaration}->>'declaredAt', '') < ${declaredSince}`,
      ),
    );
}

/** The targeting a flag serves: what of the stored one fits its declaration (logged when something does not). */
function compiledServable(key: string, declaration: FlagDeclaration, stored: unknown, log: FastifyInstance['log']): CompiledTargeting | undefined {
  const servable = servableTargeting(declaration, stored);
  if (!servable) {
    log.error({ flag: key }, 'stored flag targeting is unreadable: serving the declared default');
    return undefined;
  }
  // Readable, so it has the targeting's shape.
  const problems = targetingProblems(declaration, stored as FlagTargeting);
  if (problems.length > 0) log.warn({ flag: key, problems }, 'stored flag targeting does not fit the declaration: serving what fits');
  return compileTargeting(servable);
}

export const flagContextOf = (actor: Actor | null): FlagContext => ({ userId: actor?.userId ?? null, workspaceId: actor?.workspaceId ?? null });

/**
 * The flags runtime. Declarations are synced into the database at start-up; every flag's targeting is then held in
 * memory, so resolving flags never reads the database. A change is announced on the channel layer, and each instance
 * reads that one flag again and tells its open tabs.
 */
async function flagsPlugin(fastify: FastifyInstance, options: FlagsOptions) {
  const { db, channels, config, clock, log } = fastify;
  const declarations: Readonly<Record<string, FlagDeclaration>> = options.declarations ?? flagRegistry;
  const missing = Object.keys(flagRegistry).filter((key) => !Object.hasOwn(declarations, key));
  if (missing.length > 0) throw new Error(`Flag declarations must include every flag of the registry; missing: ${missing.join(', ')}`);

  // Instances starting together (or an old and a new deploy) take turns, like the schema's own changes.
  await fastify.withSchemaLock((schemaDb) => syncDeclarations(schemaDb, declarations, clock.now()));

  /** Every row's version (orphaned ones too: the revision is the table's), and the targeting of declared flags. */
  const versions = new Map<string, number>();
  const targetings = new Map<string, CompiledTargeting>();
  const revision = () => {
    let sum = 0;
    for (const version of versions.values()) sum += version;
    return sum;
  };

  /** Swaps in rows newer than what this instance holds; says whether any was. */
  function swapIn(rows: { key: string; version: number; targeting: unknown }[]): boolean {
    let swapped = false;
    for (const row of rows) {
      if ((versions.get(row.key) ?? 0) >= row.version) continue;
      const declaration = declarations[row.key];
      if (declaration) {
        const servable = compiledServable(row.key, declaration, row.targeting, log);
        if (servable) targetings.set(row.key, servable);
        else targetings.delete(row.key);
      }
      versions.set(row.key, row.version);
      swapped = true;
    }
    return swapped;
  }

  const readRows = (keys?: string[]) =>
    db
      .select({ key: featureFlags.key, version: featureFlags.version, targeting: featureFlags.targeting })
      .from(featureFlags)
      .where(keys && inArray(featureFlags.key, keys));

  /**
   * The open tabs of this instance learn the new revision (each refetches its flags), and the gateway's presence
   * follows the `live-presence` kill switch again.
   */
  async function tellTabs() {
    // Announcements can arrive while the app is still starting, before the gateway exists: no tab is open then.
    if (!fastify.hasDecorator('realtime')) return;
    await Promise.all([fastify.realtime.refreshLocal('flags', { seq: revision() }), fastify.realtime.recheckPresence()]);
  }

  async function reload(key: string) {
    if (swapIn(await readRows([key]))) await tellTabs();
  }

  /** Reads the versions, then the targeting of the flags whose version moved. */
  async function readChanged() {
    const current = await db.select({ key: featureFlags.key, version: featureFlags.version }).from(featureFlags);
    const moved = current.filter((row) => (versions.get(row.key) ?? 0) < row.version).map((row) => row.key);
    if (moved.length > 0 && swapIn(await readRows(moved))) await tellTabs();
  }

  // One read at a time; a caller arriving while one runs gets the next one, which starts after it arrived.
  let reading: Promise<void> | undefined;
  let nextReading: Promise<void> | undefined;
  function refresh(): Promise<void> {
    if (!reading) {
      reading = readChanged().finally(() => {
        reading = undefined;
      });
      return reading;
    }
    nextReading ??= reading
      .catch(() => undefined)
      .then(() => {
        nextReading = undefined;
        return refresh();
      });
    return nextReading;
  }

  // Listen first, then read: a change committed in between is heard, not lost.
  const stopListening = await channels.subscribe(flagsChangedStream, (message) => {
    const { key } = (message ?? {}) as { key?: unknown };
    if (typeof key !== 'string') return;
    reload(key).catch((error) => log.warn({ err: error, flag: key }, 'reloading a changed flag failed'));
  });
  swapIn(await readRows());

  const timer = setInterval(() => {
    refresh().catch((error) => log.warn({ err: error }, 'checking the flags revision failed'));
  }, revisionCheckMs);
  timer.unref();
  fastify.addHook('onClose', async () => {
    clearInterval(timer);
    await stopListening();
  });

  function readerFor(context: FlagContext, qaOverrides?: QaOverrides): FlagReader {
    const evaluated = new Map<string, Evaluation>();
    const evaluate = (key: string): Evaluation => {
      const known = evaluated.get(key);
      if (known) return known;
      const declaration = declarations[key];
      if (!declaration) throw new Error(`The flag "${key}" is not declared.`);
      const forced = qaOverrides && Object.hasOwn(qaOverrides, key) ? qaOverrides[key] : undefined;
      const evaluation = evaluateFlag(key, declaration, targetings.get(key), context, forced);
      evaluated.set(key, evaluation);
      return evaluation;
    };
    return {
      evaluate: <K extends FlagKey>(key: K) => evaluate(key) as Evaluation<FlagValue<K>>,
      get: <K extends FlagKey>(key: K) => evaluate(key).value as FlagValue<K>,
    };
  }

  const mayForce = async (userId: string) =>
    config.env === 'test' || (await db.select({ userId: qaRoles.userId }).from(qaRoles).where(eq(qaRoles.userId, userId))).length > 0;

  fastify.decorate('flags', {
    declarations,
    for: readerFor,
    targeting: (key: string) => targetings.get(key),
    revision,
    async changed(key: string) {
      // This instance first, so the writer's next request already sees the change; then every other one.
      await reload(key).catch((error) => log.warn({ err: error, flag: key }, 'reloading a changed flag failed'));
      await channels.publish(flagsChangedStream, { key }).catch((error) => log.warn({ err: error, flag: key }, 'announcing a flag change failed'));
    },
    async catchUp(atLeast: number) {
      if (revision() <= atLeast) await refresh();
    },
    mayForce,
  });

  // A QA override costs a lookup only on the requests that carry one.
  const qaOverrides = new WeakMap<FastifyRequest, QaOverrides>();
  fastify.addHook('onRequest', async (request) => {
    if (!request.actor || !request.sessionIdHash) return;
    const cookie = request.cookies[qaFlagsCookieFor(request)];
    if (!cookie) return;
    const forced = readQaOverride(config.sessionSecret, cookie, request.sessionIdHash, declarations);
    if (forced && (await mayForce(request.actor.userId))) qaOverrides.set(request, forced);
  });

  const readers = new WeakMap<FastifyRequest, FlagReader>();
  fastify.decorateRequest('flags', {
    getter(this: FastifyRequest) {
      let reader = readers.get(this);
      if (!reader) {
        reader = readerFor(flagContextOf(this.actor), qaOverrides.get(this));
        readers.set(this, reader);
      }
      return reader;
    },
  });
}

export default fp(flagsPlugin, { name: 'flags', dependencies: ['config', 'database', 'channels', 'session'] });
