// Fan-out latency of the realtime gateway: 1,000 subscribed sockets, one publish delivered to all of them.
// Baseline: one instance with the in-process channel layer. Compared: two instances sharing Redis, half the sockets
// on each, publishing through one. Printed as p50/p99 per scenario and as ratios to the baseline of the same run.
//   npm run bench:realtime                       (baseline only: embedded PGlite, in-process channels)
//   DATABASE_URL=postgres://… REDIS_URL=redis://… npm run bench:realtime   (baseline and two instances via Redis)
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import WebSocket from 'ws';
import { buildApp } from '../bff/src/app.ts';
import { loadConfig } from '../bff/src/config.ts';
import { seedDemo } from '../bff/src/db/seed.ts';
import { sessionCookie } from '../bff/src/plugins/session.ts';
import type { FastifyInstance } from 'fastify';

const sockets = Number(process.env.BENCH_SOCKETS ?? 1000);
const publishes = Number(process.env.BENCH_PUBLISHES ?? 30);

type Instance = { app: FastifyInstance; origin: string };

async function startInstances(count: number, shared: { databaseUrl?: string; redisUrl?: string }): Promise<Instance[]> {
  const prefix = `snipdesk_bench_${randomBytes(4).toString('hex')}:`;
  const instances: Instance[] = [];
  for (let i = 0; i < count; i++) {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: 'memory://',
      ...(shared.databaseUrl ? { DATABASE_URL: shared.databaseUrl } : {}),
      ...(shared.redisUrl ? { REDIS_URL: shared.redisUrl, REDIS_PREFIX: prefix } : {}),
    });
    const app = await buildApp({ config });
    await app.ready();
    if (i === 0) await seedDemo(app.db);
    instances.push({ app, origin: await app.listen({ port: 0, host: '127.0.0.1' }) });
  }
  return instances;
}

async function signIn(origin: string): Promise<{ cookie: string; csrf: string }> {
  const first = await fetch(`${origin}/api/session`);
  const presession = first.headers.getSetCookie()[0]!.split(';')[0]!;
  const { csrfToken } = await first.json();
  const response = await fetch(`${origin}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: presession, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ email: 'owner@example.com', password: 'demo-password' }),
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith(sessionCookie))!.split(';')[0]!;
  return { cookie: session, csrf: (await response.json()).csrfToken };
}

async function measure(instances: Instance[]): Promise<number[]> {
  const [publisher] = instances;
  const { cookie, csrf } = await signIn(publisher!.origin);
  const created = await fetch(`${publisher!.origin}/api/snips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
    body: JSON.stringify({ title: 'Bench', body: 'x', language: 'go' }),
  });
  const stream = `snip:${(await created.json()).id}`;
  const received = new Map<number, number[]>();
  const clients: WebSocket[] = [];
  let subscribed = 0;
  await new Promise<void>((resolve, reject) => {
    for (let i = 0; i < sockets; i++) {
      const { origin } = instances[i % instances.length]!;
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { origin, cookie } });
      clients.push(ws);
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ v: 1, type: 'subscribe', stream })));
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString());
        if (message.type === 'snapshot' && ++subscribed === sockets) resolve();
        if (message.type === 'update') received.get(message.seq)?.push(performance.now());
      });
    }
  });
  const latencies: number[] = [];
  for (let n = 0; n < publishes; n++) {
    const seq = 1000 + n;
    received.set(seq, []);
    const sentAt = performance.now();
    await publisher!.app.realtime.publish(stream as `snip:${string}`, { seq, state: { kind: 'snip', version: seq, comments: 0, deleted: false } });
    while (received.get(seq)!.length < sockets) await new Promise((resolve) => setTimeout(resolve, 1));
    latencies.push(...received.get(seq)!.map((at) => at - sentAt));
  }
  for (const ws of clients) ws.terminate();
  return latencies.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function scenario(name: string, count: number, shared: { databaseUrl?: string; redisUrl?: string }) {
  const instances = await startInstances(count, shared);
  try {
    const latencies = await measure(instances);
    return { name, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    for (const { app } of instances.reverse()) await app.close();
  }
}

async function withDatabase<T>(serverUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `snipdesk_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const results = [await scenario('1 instance, in-process channels (baseline)', 1, {})];
const { DATABASE_URL, REDIS_URL } = process.env;
if (DATABASE_URL && REDIS_URL) {
  results.push(await withDatabase(DATABASE_URL, (databaseUrl) => scenario('1 instance, Redis channel layer', 1, { databaseUrl, redisUrl: REDIS_URL })));
  results.push(await withDatabase(DATABASE_URL, (databaseUrl) => scenario('2 instances, Redis fan-out', 2, { databaseUrl, redisUrl: REDIS_URL })));
} else {
  console.log('(set DATABASE_URL and REDIS_URL to compare with Redis and two instances)');
}

const [baseline] = results;
console.log(`\nFan-out of one publish to ${sockets} subscribed sockets, ${publishes} publishes each (delivery latency, ms)`);
for (const result of results) {
  console.log(
    `${result.name.padEnd(46)} p50 ${result.p50.toFixed(2).padStart(7)}  p99 ${result.p99.toFixed(2).padStart(7)}` +
      `   ×${(result.p50 / baseline!.p50).toFixed(2)} p50, ×${(result.p99 / baseline!.p99).toFixed(2)} p99 vs baseline`,
  );
}
process.exit(0);
