/** Query keys of the notifications feature (the bell). Invalidate `notificationKeys.all` when the workspace changes. */
export const notificationKeys = {
  all: ['notifications'] as const,
  list: () => [...notificationKeys.all, 'list'] as const,
};
