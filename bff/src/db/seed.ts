import type { WorkspaceRole } from '#shared/contracts/session.ts';
import type { SnipLanguage, SnipVisibility } from '#shared/contracts/snips.ts';
import { hashPassword } from '../features/auth/password.ts';
import { newPublicSlug } from '../features/snips/queries.ts';
import type { Database } from './client.ts';
import { memberships, qaRoles, snips, users, workspaces } from './schema.ts';

export const demoPassword = 'demo-password';

// Fixed ids make the seed idempotent: running it again inserts nothing new.
const acmeId = '00000000-0000-4000-8000-00000000ac01';
const globexId = '00000000-0000-4000-8000-00000000910b';

type DemoAccount = { id: string; email: string; name: string; isPm: boolean; workspaceId: string; role: WorkspaceRole };

export const demoAccounts: readonly DemoAccount[] = [
  { id: '00000000-0000-4000-8000-000000000001', email: 'owner@example.com', name: 'Olivia Owner', isPm: false, workspaceId: acmeId, role: 'owner' },
  { id: '00000000-0000-4000-8000-000000000002', email: 'member@example.com', name: 'Max Member', isPm: false, workspaceId: acmeId, role: 'member' },
  { id: '00000000-0000-4000-8000-000000000003', email: 'viewer@example.com', name: 'Vera Viewer', isPm: false, workspaceId: acmeId, role: 'viewer' },
  { id: '00000000-0000-4000-8000-000000000004', email: 'pm@example.com', name: 'Pat Product', isPm: true, workspaceId: acmeId, role: 'member' },
  { id: '00000000-0000-4000-8000-000000000005', email: 'outsider@example.com', name: 'Oscar Outsider', isPm: false, workspaceId: globexId, role: 'owner' },
  { id: '00000000-0000-4000-8000-000000000006', email: 'qa@example.com', name: 'Quinn QA', isPm: false, workspaceId: acmeId, role: 'member' },
];

const [owner, member, , pm, outsider, qa] = demoAccounts as [DemoAccount, DemoAccount, DemoAccount, DemoAccount, DemoAccount, DemoAccount];

/** Accounts with the QA role: they may force flag values for their own session, whatever NODE_ENV is. */
const qaTesters: readonly DemoAccount[] = [qa];

/** Memberships beyond each account's home workspace: the owner of Acme also works in Globex, to show switching. */
const extraMemberships: { userId: string; workspaceId: string; role: WorkspaceRole }[] = [
  { userId: owner.id, workspaceId: globexId, role: 'member' },
];

type DemoSnip = { title: string; language: SnipLanguage; visibility: SnipVisibility; tags: string[]; author: DemoAccount; body: string };

const demoSnips: DemoSnip[] = [
  { title: 'Debounce a function', language: 'typescript', visibility: 'workspace', tags: ['frontend', 'timing'], author: owner,
    body: 'export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {\n  let timer: ReturnType<typeof setTimeout> | undefined;\n  return (...args: A) => {\n    clearTimeout(timer);\n    timer = setTimeout(() => fn(...args), ms);\n  };\n}\n' },
  { title: 'Find slow queries', language: 'sql', visibility: 'workspace', tags: ['postgres', 'performance'], author: owner,
    body: 'select query, calls, mean_exec_time\nfrom pg_stat_statements\norder by mean_exec_time desc\nlimit 20;\n' },
  { title: 'Release checklist', language: 'markdown', visibility: 'workspace', tags: ['process'], author: member,
    body: '- [ ] changelog updated\n- [ ] migrations reviewed (expand, then contract)\n- [ ] feature flags for risky paths\n- [ ] rollback plan written\n' },
  { title: 'Retry with exponential backoff', language: 'python', visibility: 'public', tags: ['resilience'], author: member,
    body: 'import random, time\n\ndef retry(fn, attempts=5, base=0.1):\n    for attempt in range(attempts):\n        try:\n            return fn()\n        except Exception:\n            if attempt == attempts - 1:\n                raise\n            time.sleep(base * 2 ** attempt * random.uniform(0.5, 1.5))\n' },
  { title: 'My scratchpad', language: 'plaintext', visibility: 'private', tags: [], author: member,
    body: 'Ideas for the next sprint: faster imports, nicer empty states.\n' },
  { title: 'Graceful shutdown in Go', language: 'go', visibility: 'workspace', tags: ['backend'], author: owner,
    body: 'ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)\ndefer stop()\n<-ctx.Done()\nsrv.Shutdown(context.Background())\n' },
  { title: 'Rust: read a file to string', language: 'rust', visibility: 'public', tags: ['io'], author: owner,
    body: 'let text = std::fs::read_to_string("notes.txt")?;\n' },
  { title: 'Tail the app logs', language: 'shell', visibility: 'workspace', tags: ['ops'], author: pm,
    body: 'journalctl -u snipdesk -f --since "10 min ago"\n' },
  { title: 'Roadmap notes', language: 'markdown', visibility: 'private', tags: ['planning'], author: pm,
    body: '## Q1\n- bulk import\n- live notifications\n' },
  { title: 'Feature flag payload', language: 'json', visibility: 'workspace', tags: ['flags'], author: pm,
    body: '{\n  "key": "new-editor",\n  "rollout": 25,\n  "owner": "pm@example.com"\n}\n' },
  { title: 'Globex deploy config', language: 'yaml', visibility: 'workspace', tags: ['ops'], author: outsider,
    body: 'replicas: 3\nimage: globex/api:1.4.2\n' },
  { title: 'Globex secret plan', language: 'plaintext', visibility: 'private', tags: [], author: outsider,
    body: 'Only Oscar may read this.\n' },
];

const demoSnipId = (index: number) => `00000000-0000-4000-8000-${(0x5000 + index).toString(16).padStart(12, '0')}`;

/** Creates the demo workspaces, accounts and snips; idempotent, so it can run against any database. */
export async function seedDemo(db: Database, now: Date = new Date()): Promise<void> {
  // Every demo account has the same password, so one hash serves all and seeding stays fast.
  const passwordHash = await hashPassword(demoPassword);
  await db.transaction(async (tx) => {
    await tx.insert(workspaces).values([{ id: acmeId, name: 'Acme' }, { id: globexId, name: 'Globex' }]).onConflictDoNothing();
    await tx
      .insert(users)
      .values(demoAccounts.map(({ id, email, name, isPm }) => ({ id, email, name, isPm, passwordHash })))
      .onConflictDoNothing();
    await tx
      .insert(memberships)
      .values([
        ...demoAccounts.map(({ id, workspaceId, role }) => ({ userId: id, workspaceId, role, createdAt: new Date(now.getTime() - 86_400_000) })),
        ...extraMemberships.map((membership) => ({ ...membership, createdAt: now })),
      ])
      .onConflictDoNothing();
    await tx.insert(qaRoles).values(qaTesters.map(({ id }) => ({ userId: id }))).onConflictDoNothing();
    await tx
      .insert(snips)
      .values(
        demoSnips.map((snip, index) => {
          // Spread over the last days so "newest first" has something to order.
          const at = new Date(now.getTime() - (demoSnips.length - index) * 3_600_000);
          return {
            id: demoSnipId(index),
            workspaceId: snip.author.workspaceId,
            authorId: snip.author.id,
            title: snip.title,
            body: snip.body,
            language: snip.language,
            tags: snip.tags,
            visibility: snip.visibility,
            publicSlug: snip.visibility === 'public' ? newPublicSlug() : null,
            createdAt: at,
            updatedAt: at,
          };
        }),
      )
      .onConflictDoNothing();
  });
}

export function describeDemoAccounts(): string {
  const rows = demoAccounts.map(
    (account) =>
      `  ${account.email.padEnd(22)} ${account.role.padEnd(7)} in ${account.workspaceId === acmeId ? 'Acme' : 'Globex'}${account.isPm ? ' (+ PM role)' : ''}${qaTesters.includes(account) ? ' (+ QA role)' : ''}`,
  );
  return `Demo sign-ins (password "${demoPassword}"):\n${rows.join('\n')}\n  (owner@example.com is also a member of Globex: switch workspaces in the header)`;
}
