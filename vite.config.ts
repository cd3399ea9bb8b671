import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { flagRegistry } from './shared/flags/registry.ts';

/**
 * The declared defaults of the client flags, built into the bundle: what a tab shows for a flag the BFF it reached
 * does not send (an instance of the previous release, during a deploy). Client flags only: server-only keys must
 * never reach the browser.
 */
const clientFlagDefaults = Object.fromEntries(
  Object.entries(flagRegistry)
    .filter(([, declaration]) => declaration.client)
    .map(([key, declaration]) => [key, declaration.default]),
);

const bffOrigin = `http://127.0.0.1:${process.env.PORT ?? '3000'}`;

export default defineConfig({
  root: 'web',
  plugins: [react()],
  define: { __CLIENT_FLAG_DEFAULTS__: JSON.stringify(clientFlagDefaults) },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: bffOrigin },
      '/ws': { target: bffOrigin, ws: true },
    },
  },
  test: {
    root: '.',
    projects: [
      {
        extends: true,
        test: {
          name: 'bff',
          include: ['bff/**/*.test.ts', 'shared/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'web',
          include: ['web/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
        },
      },
    ],
  },
});
