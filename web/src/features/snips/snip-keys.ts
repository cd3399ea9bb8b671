/** Query keys of the snips feature. Invalidate `snipKeys.lists()` after any write that changes a list row. */
export const snipKeys = {
  all: ['snips'] as const,
  lists: () => [...snipKeys.all, 'list'] as const,
  list: (params: { limit: number }) => [...snipKeys.lists(), params] as const,
  details: () => [...snipKeys.all, 'detail'] as const,
  detail: (id: string) => [...snipKeys.details(), id] as const,
};
