// Responsiveness of the embedded database during an export: one snip read over HTTP again and again, one request
// after another, first with nothing else running (the baseline), then while an export of 5,000 snips runs in the
// same process. Printed as p50/p99 of the read and as ratios to the baseline of the same run.
//   npm run bench:export          (embedded PGlite, in-process channels, workers in the server process)
import WebSocket from 'ws';
import { buildApp } from '../bff/src/app.ts';
import { loadConfig } from '../bff/src/config.ts';
import { snips } from '../bff/src/db/schema.ts';
import { demoAccounts, seedDemo } from '../bff/src/db/seed.ts';
import { sessionCookie } from '../bff/src/plugins/session.ts';

const exportedSnips = Number(process.env.BENCH_SNIPS ?? 5000);
const baselineReads = Number(process.env.BENCH_READS ?? 300);
const owner = demoAccounts[0]!;
// About a kilobyte of code per snip, with the quotes and line breaks that JSON has to escape.
const body = Array.from({ length: 24 }, (_, line) => `  const value${line} = "line ${line}"; // keep\n`).join('');

const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: 'memory://' }) });
await app.ready();
await seedDemo(app.db);
const rows = Array.from({ length: exportedSnips }, (_, i) => ({
  workspaceId: owner.workspaceId, authorId: owner.id, title: `Bulk ${i}`, body, language: 'typescript' as const, visibility: 'workspace' as const,
}));
for (let i = 0; i < rows.length; i += 500) await app.db.insert(snips).values(rows.slice(i, i + 500));
const origin = await app.listen({ port: 0, host: '127.0.0.1' });

const first = await fetch(`${origin}/api/session`);
const { csrfToken } = await first.json();
const signedIn = await fetch(`${origin}/api/session`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', cookie: first.headers.getSetCookie()[0]!.split(';')[0]!, 'x-csrf-token': csrfToken },
  body: JSON.stringify({ email: owner.email, password: 'demo-password' }),
});
const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith(sessionCookie))!.split(';')[0]!;
const csrf = (await signedIn.json()).csrfToken;
const snipId = (await (await fetch(`${origin}/api/snips?limit=1`, { headers: { cookie } })).json()).items[0].id;

async function read(): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${origin}/api/snips/${snipId}`, { headers: { cookie } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET /api/snips/:id answered ${response.status}`);
  return performance.now() - started;
}

const baseline: number[] = [];
for (let i = 0; i < baselineReads; i++) baseline.push(await read());

const job = await (
  await fetch(`${origin}/api/exports`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: '{}' })
).json();
const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { origin, cookie } });
let finished = false;
const succeeded = new Promise<void>((resolve) => {
  ws.on('open', () => ws.send(JSON.stringify({ v: 1, type: 'subscribe', stream: `job:${job.id}` })));
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.state?.status === 'succeeded') resolve();
  });
});
void succeeded.then(() => (finished = true));
await new Promise((resolve) => ws.once('message', resolve));

const exportStarted = performance.now();
await app.jobs.startWorkers();
const during: number[] = [];
while (!finished) during.push(await read());
const exportSeconds = (performance.now() - exportStarted) / 1000;
ws.close();
await app.close();

const percentile = (values: number[], p: number) => {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const [p50, p99] = [percentile(baseline, 50), percentile(baseline, 99)];
const row = (label: string, values: number[], note = '') => {
  const [a, b] = [percentile(values, 50), percentile(values, 99)];
  console.log(
    `${label.padEnd(44)} p50 ${a.toFixed(2).padStart(7)}  p99 ${b.toFixed(2).padStart(7)}   ×${(a / p50).toFixed(2)} p50, ×${(b / p99).toFixed(2)} p99 vs baseline${note}`,
  );
};
console.log(`GET /api/snips/:id, one request after another, ${exportedSnips + 8} snips in the workspace (latency, ms)`);
row('no export running (baseline)', baseline, ` (${baseline.length} reads)`);
row(`during an export of ${exportedSnips + 8} snips`, during, ` (${during.length} reads, max ${Math.max(...during).toFixed(0)}; the export took ${exportSeconds.toFixed(1)} s)`);
