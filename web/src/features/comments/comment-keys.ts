/** Query keys of the comments feature: one list per snip. */
export const commentKeys = {
  all: ['comments'] as const,
  lists: () => [...commentKeys.all, 'list'] as const,
  list: (snipId: string) => [...commentKeys.lists(), snipId] as const,
};
