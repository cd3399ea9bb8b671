// What serving the SPA costs per request: the front door (`/`), a deep link (the history fallback, a path that
// matches no file), a fingerprinted asset and an unknown API path, each against a bare Fastify route that sends a
// body of the same size, measured in the same run with autocannon. Needs a build (`npm run build`).
//   npm run bench:spa
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { buildApp } from '../bff/src/app.ts';
import { loadConfig } from '../bff/src/config.ts';

const webDist = resolve(process.env.WEB_DIST ?? 'dist/web');
if (!existsSync(resolve(webDist, 'index.html'))) {
  console.error(`No build in ${webDist}: run \`npm run build\` first.`);
  process.exit(1);
}
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

async function requestsPerSecond(origin: string, path: string): Promise<number> {
  const result = await autocannon({ url: `${origin}${path}`, connections, duration: seconds });
  if (result.non2xx > 0 && !path.startsWith('/api/')) throw new Error(`${path} answered ${result.non2xx} non-2xx responses`);
  return result.requests.average;
}

const indexHtml = readFileSync(resolve(webDist, 'index.html'));
const bare = Fastify();
bare.get('/page', (_request, reply) => reply.type('text/html').send(indexHtml));
const bareOrigin = await bare.listen({ port: 0, host: '127.0.0.1' });

const app = await buildApp({
  config: loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'b'.repeat(32), LOG_LEVEL: 'silent', DATA_DIR: 'memory://', WEB_DIST: webDist, SEED_DEMO: 'never' }),
});
const origin = await app.listen({ port: 0, host: '127.0.0.1' });
const asset = (await readdir(resolve(webDist, 'assets'))).find((name) => name.endsWith('.css'))!;

const baseline = await requestsPerSecond(bareOrigin, '/page');
const rows: [string, number][] = [['bare Fastify route, same body (baseline)', baseline]];
for (const [name, path] of [
  ['GET / (the front door)', '/'],
  ['GET /snips/<id> (history fallback, a miss)', `/snips/${Date.now()}`],
  [`GET /assets/${asset} (a file)`, `/assets/${asset}`],
  ['GET /api/nothing (JSON 404)', '/api/nothing'],
] as const) {
  rows.push([name, await requestsPerSecond(origin, path)]);
}
await app.close();
await bare.close();

console.log(`\nRequests per second, ${connections} connections for ${seconds} s each`);
for (const [name, rate] of rows) {
  console.log(`${name.padEnd(58)} ${rate.toFixed(0).padStart(7)} req/s   ×${(rate / baseline).toFixed(2)} of baseline`);
}
process.exit(0);
