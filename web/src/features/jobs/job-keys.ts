/**
 * Query keys of the jobs feature. A job's detail is keyed by its id alone (ids are unique); the list is keyed by the
 * workspace, because `GET /api/jobs` answers for the current one: switching workspaces reads a list of its own.
 * Invalidate `jobKeys.lists()` after anything that starts, cancels or finishes a job.
 */
export const jobKeys = {
  all: ['jobs'] as const,
  lists: () => [...jobKeys.all, 'list'] as const,
  list: (workspaceId: string) => [...jobKeys.lists(), workspaceId] as const,
  details: () => [...jobKeys.all, 'detail'] as const,
  detail: (id: string) => [...jobKeys.details(), id] as const,
};
