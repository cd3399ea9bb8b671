import { describeError, isApiError } from '../../api/api-error.ts';

/** What went wrong with adding, changing or removing a member, in words that say what to do next. */
export function describeMembershipError(error: unknown, action: 'add' | 'change'): string {
  if (isApiError(error, 'last_owner')) return 'A workspace needs at least one owner. Make someone else an owner first.';
  if (isApiError(error, 'already_member')) return 'That person is already a member of this workspace.';
  if (isApiError(error, 'not_found')) {
    return action === 'add'
      ? 'No Snipdesk account uses that email address. They need an account before they can join.'
      : 'That person is no longer a member of this workspace.';
  }
  // The server says which rule refused it ("Only an owner can make or unmake owners."): more useful than a generic line.
  if (isApiError(error, 'forbidden') && error.message) return error.message;
  return describeError(error);
}
