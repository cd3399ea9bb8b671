// What flags cost. (1) Resolving every flag for one request, with 100 declared flags and 10,000 rules (overrides and
// denies) in the database: timed in-process per request, and as a route against an empty handler of the same app
// under autocannon, side by side in one run. (2) The time from a product manager's save (PATCH in the console API)
// to an open tab holding the new value (the `flags` stream's update, then `GET /api/flags?atLeast=…`), over 50 flips.
// On the embedded database unless DATABASE_URL (and REDIS_URL) are set.
//   npm run bench:flags
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { eq, sql } from 'drizzle-orm';
import WebSocket from 'ws';
import type { FlagDeclaration } from '../shared/flags/declarations.ts';
import type { FlagKey } from '../shared/flags/registry.ts';
import { flagRegistry } from '../shared/flags/registry.ts';
import { emptyTargeting, type FlagTargeting } from '../shared/flags/targeting.ts';
import { buildApp } from '../bff/src/app.ts';
import { loadConfig } from '../bff/src/config.ts';
import { featureFlags } from '../bff/src/db/schema.ts';
import { seedDemo } from '../bff/src/db/seed.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const declaredFlags = 100;
const rulesInTotal = 10_000;
const flips = 50;

/** The real flags, then synthetic ones of every type up to 100. */
const declarations: Record<string, FlagDeclaration> = { ...flagRegistry };
for (let i = Object.keys(declarations).length; i < declaredFlags; i++) {
  const common = { description: 'synthetic', owner: 'bench', unit: i % 2 ? 'user' : 'workspace', client: i % 3 !== 0, propagation: 'live', permanent: true } as const;
  declarations[`bench-flag-${i}`] =
    i % 3 === 0
      ? { ...common, type: 'boolean', default: false }
      : i % 3 === 1
        ? { ...common, type: 'variant', variants: ['a', 'b', 'c'], default: 'a' }
        : { ...common, type: 'integer', min: 0, max: 1000, default: 10 };
}
const keys = Object.keys(declarations);

const app = await buildApp({
  config: loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: 'b'.repeat(32),
    LOG_LEVEL: 'silent',
    DATA_DIR: 'memory://',
    SEED_DEMO: 'never',
    ...(process.env.DATABASE_URL && { DATABASE_URL: process.env.DATABASE_URL }),
    ...(process.env.REDIS_URL && { REDIS_URL: process.env.REDIS_URL }),
  }),
  flagDeclarations: declarations,
});
const people = Array.from({ length: 1000 }, () => randomUUID());
const workspaces = Array.from({ length: 100 }, () => randomUUID());
const pick = <T>(from: T[], n: number) => from[n % from.length]!;
let served = 0;
app.get('/bench/empty', async () => ({ ok: true }));
app.get('/bench/all-flags', async () => {
  served++;
  const reader = app.flags.for({ userId: pick(people, served), workspaceId: pick(workspaces, served * 7) });
  for (const key of keys) reader.evaluate(key as FlagKey);
  return { ok: true };
});
await app.ready();
await seedDemo(app.db);

// 100 rules per flag: overrides and denies for users and workspaces, some of them for the ids requests use. A third
// of the flags are in a partial rollout (each evaluation outside the rules hashes twice); the worst case, every flag
// in a partial rollout, is measured too.
const rulesPerFlag = rulesInTotal / declaredFlags;
const rolloutValue = (declaration: FlagDeclaration) => (declaration.type === 'boolean' ? true : declaration.type === 'variant' ? 'b' : 42);
async function writeTargeting(inRollout: (index: number) => boolean) {
  for (const [index, key] of keys.entries()) {
    const value = rolloutValue(declarations[key]!);
    const targeting: FlagTargeting = { ...emptyTargeting(), rollout: { percent: inRollout(index) ? 50 : 0, split: [{ value, weight: 100 }] } };
    for (let r = 0; r < rulesPerFlag; r++) {
      const id = r % 5 === 0 ? pick(people, r) : randomUUID();
      if (r % 4 === 0) targeting.users.denies.push(id);
      else if (r % 4 === 1) targeting.workspaces.overrides[r % 8 === 1 ? pick(workspaces, r) : randomUUID()] = value;
      else targeting.users.overrides[id] = value;
    }
    await app.db.update(featureFlags).set({ targeting, version: sql`${featureFlags.version} + 1` }).where(eq(featureFlags.key, key));
  }
  await app.flags.catchUp(Number.MAX_SAFE_INTEGER);
}

/** The resolution alone, in-process: µs to resolve every flag for one request. */
function microsPerRequest(): number {
  const rounds = 20_000;
  for (let n = 0; n < 2000; n++) for (const key of keys) app.flags.for({ userId: pick(people, n), workspaceId: pick(workspaces, n) }).evaluate(key as FlagKey);
  const startedAt = performance.now();
  for (let n = 0; n < rounds; n++) {
    const reader = app.flags.for({ userId: pick(people, n), workspaceId: pick(workspaces, n * 7) });
    for (const key of keys) reader.evaluate(key as FlagKey);
  }
  return ((performance.now() - startedAt) * 1000) / rounds;
}

await writeTargeting((index) => index % 3 === 0);
const origin = await app.listen({ port: 0, host: '127.0.0.1' });

// (1a) In-process.
const typicalMicros = microsPerRequest();
// (1b) Over HTTP, against an empty handler of the same app.
const rate = async (path: string) => (await autocannon({ url: `${origin}${path}`, connections, duration: seconds })).requests.average;
const emptyRate = await rate('/bench/empty');
const flagsRate = await rate('/bench/all-flags');
await writeTargeting(() => true);
const worstMicros = microsPerRequest();

// (2) Save to open tab.
async function signIn(email: string): Promise<{ cookie: string; csrf: string; userId: string }> {
  const first = await fetch(`${origin}/api/session`);
  const presession = first.headers.getSetCookie()[0]!.split(';')[0]!;
  const { csrfToken } = await first.json();
  const response = await fetch(`${origin}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: presession, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ email, password: 'demo-password' }),
  });
  const body = await response.json();
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => !c.endsWith('='))!;
  return { cookie, csrf: body.csrfToken, userId: body.user.id };
}
const pm = await signIn('pm@example.com');
const tab = await signIn('member@example.com');
const socket = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { origin, cookie: tab.cookie } });
let heardRevision = 0;
let heard: (() => void) | undefined;
await new Promise<void>((resolve, reject) => {
  socket.on('error', reject);
  socket.on('open', () => socket.send(JSON.stringify({ v: 1, type: 'subscribe', stream: `flags:${tab.userId}` })));
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.state?.kind !== 'flags') return;
    heardRevision = message.state.revision;
    if (message.type === 'snapshot') resolve();
    heard?.();
  });
});
const flagPath = `${origin}/api/admin/flags/snips-page-size`;
const latencies: number[] = [];
for (let n = 0; n < flips; n++) {
  const current = await (await fetch(flagPath, { headers: { cookie: pm.cookie } })).json();
  const pageSize = 10 + (n % 90);
  const targeting = { ...current.targeting, users: { ...current.targeting.users, overrides: { ...current.targeting.users.overrides, [tab.userId]: pageSize } } };
  const before = heardRevision;
  const savedAt = performance.now();
  const saved = await fetch(flagPath, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', cookie: pm.cookie, 'x-csrf-token': pm.csrf },
    body: JSON.stringify({ version: current.version, reason: `bench flip ${n}`, targeting }),
  });
  if (!saved.ok) throw new Error(`save answered ${saved.status}: ${await saved.text()}`);
  while (heardRevision <= before) await new Promise<void>((resolve) => (heard = resolve));
  const snapshot = await (await fetch(`${origin}/api/flags?atLeast=${heardRevision}`, { headers: { cookie: tab.cookie } })).json();
  if (snapshot.flags['snips-page-size'].value !== pageSize) throw new Error('the tab did not get the new value');
  latencies.push(performance.now() - savedAt);
}
socket.terminate();
await app.close();

latencies.sort((a, b) => a - b);
const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
console.log(`\nResolving all ${keys.length} flags (${rulesInTotal.toLocaleString('en')} rules) for one request`);
console.log(`  in-process, a third of the flags in a partial rollout: ${typicalMicros.toFixed(1)} µs per request (target: under 50 µs)`);
console.log(`  in-process, every flag in a partial rollout (worst case): ${worstMicros.toFixed(1)} µs per request`);
console.log(`  over HTTP (a third in rollout), ${connections} connections for ${seconds} s each:`);
console.log(`    empty handler (baseline)   ${emptyRate.toFixed(0).padStart(7)} req/s`);
console.log(`    resolve all flags          ${flagsRate.toFixed(0).padStart(7)} req/s   ×${(flagsRate / emptyRate).toFixed(2)} of baseline`);
console.log(`\nA PM's save to an open tab holding the new value, ${flips} flips (${process.env.REDIS_URL ? 'Redis' : 'in-process'} channel layer)`);
console.log(`  p50 ${percentile(50).toFixed(1)} ms   p99 ${percentile(99).toFixed(1)} ms   max ${latencies.at(-1)!.toFixed(1)} ms`);
process.exit(0);
