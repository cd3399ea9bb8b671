import type { SnipFilters } from './snip-filters.ts';

/** Query keys of the snips feature. Invalidate `snipKeys.lists()` after any write that changes a list row. */
export const snipKeys = {
  all: ['snips'] as const,
  lists: () => [...snipKeys.all, 'list'] as const,
  /** One key per page size and filter combination, so every search keeps its own pages and cursor. */
  list: (params: { limit: number } & SnipFilters) => [...snipKeys.lists(), params] as const,
  details: () => [...snipKeys.all, 'detail'] as const,
  detail: (id: string) => [...snipKeys.details(), id] as const,
  /** Who is viewing a snip right now: pushed by its stream, never fetched (see snip-viewers.ts). */
  viewers: (id: string) => [...snipKeys.all, 'viewers', id] as const,
  /** Who a snip is shared with (only for those who may share it); invalidate after sharing or revoking. */
  shares: (id: string) => [...snipKeys.all, 'shares', id] as const,
  /** What a public link shows; invalidate after a write that may revoke or change it. */
  publicSnips: () => [...snipKeys.all, 'public'] as const,
  publicSnip: (slug: string) => [...snipKeys.publicSnips(), slug] as const,
};
