import type { ClientFlagValues } from '#shared/flags/registry.ts';

declare global {
  /** The client flags' declared defaults, put in by the build (vite.config.ts `define`). */
  const __CLIENT_FLAG_DEFAULTS__: ClientFlagValues;
}
