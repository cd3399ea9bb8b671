/** Query keys of the auth feature; `authKeys.all` clears everything the signed-in person could see of it. */
export const authKeys = {
  all: ['auth'] as const,
  session: () => [...authKeys.all, 'session'] as const,
};
