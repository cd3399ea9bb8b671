/**
 * Starts the BFF for the e2e suite on a fresh embedded database: the data directory is wiped first, so the
 * BFF seeds the demo workspaces and accounts again and every run starts from the same state.
 * Runs the BFF as a child process (the suite treats it as a black box) and stops it with this process.
 * NODE_ENV=test turns on the test-only controls (POST /api/test-only/session/expire), so a spec can end a
 * session mid-flow; they do not exist in any other mode.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const port = process.env.PORT ?? '4173';
// One directory per port, so two runs on one machine (E2E_PORT) do not wipe each other's database.
const dataDir = resolve(`.data-e2e-${port}`);
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });

const bff = spawn(process.execPath, ['--import', 'tsx', 'bff/src/main.ts'], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test', PORT: port, DATA_DIR: dataDir },
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => bff.kill(signal));
}
bff.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
