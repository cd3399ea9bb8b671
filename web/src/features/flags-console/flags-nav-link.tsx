import { NavLink } from 'react-router';
import type { SessionUser } from '#shared/contracts/session.ts';
import { useMemberships } from '../workspaces/list-memberships.ts';

/**
 * "Flags" in the header, for those the console opens to (the BFF's rule): product managers, and the owner of any
 * workspace, whichever one is current. Everyone else would get its 404.
 */
export function FlagsNavLink({ user }: { user: SessionUser }) {
  const memberships = useMemberships();
  if (!user.isPm && !memberships.some((membership) => membership.role === 'owner')) return null;
  return (
    <NavLink to="/admin/flags" className="app-nav__link">
      Flags
    </NavLink>
  );
}
