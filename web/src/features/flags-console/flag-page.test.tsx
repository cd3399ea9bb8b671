import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyTargeting } from '#shared/flags/targeting.ts';
import { ConfirmProvider } from '../../app/confirm-provider.tsx';
import { signedInUser } from '../../app/feature-test-harness.tsx';
import { createQueryClient } from '../../app/query-client.ts';
import { RouteErrorBoundary } from '../../app/route-error.tsx';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { flagConsoleKeys } from './flag-console-keys.ts';
import { startFlagConsoleTestServer, testFlag, type FlagConsoleTestServer } from './flag-console-test-server.ts';
import { FlagListPage, flagListLoader } from './flag-list-page.tsx';
import { FlagPage, flagLoader } from './flag-page.tsx';

// The flags console against a real HTTP server on loopback that answers like the BFF (flag-console-test-server.ts):
// a save states its blast radius in the confirm modal before it is sent, a concurrent change (409) keeps the
// person's edits and offers to re-apply them on the latest version, the controls offer only the declared type's
// values, a workspace owner sets only their own workspaces' overrides, and scheduling or reverting a ramp states its
// blast radius too.

const pm = { ...signedInUser('member'), name: 'Paula PM', isPm: true };
const owner = signedInUser('owner');
const acme = { id: owner.workspace.id, name: 'Acme' };
const globex = { id: '0b6a2c1e-bbbb-4a1a-8a1a-00000000000b', name: 'Globex' };
const alice = '0b6a2c1e-1111-4a1a-8a1a-0000000000a1';
const flagPath = '/api/admin/flags/snip-editor-layout';

let api: FlagConsoleTestServer;
let queryClient: QueryClient;

beforeAll(async () => {
  api = await startFlagConsoleTestServer();
});

afterAll(() => api.close());

beforeEach(() => {
  api.flags = [testFlag({ workspaces: [acme, globex] })];
  api.audit = {};
  api.nextRefusal = null;
  api.requests.length = 0;
  api.bodies.length = 0;
  queryClient = createQueryClient();
  queryClient.setQueryData(sessionQueryOptions.queryKey, { user: pm, csrfToken: 'token' });
});

afterEach(() => {
  cleanup();
  queryClient.clear();
});

async function renderConsole(path: string) {
  const router = createMemoryRouter(
    [
      {
        ErrorBoundary: RouteErrorBoundary,
        children: [
          { path: '/admin/flags', loader: flagListLoader(queryClient), Component: FlagListPage },
          { path: '/admin/flags/:key', loader: flagLoader(queryClient), Component: FlagPage },
        ],
      },
    ],
    { initialEntries: [path] },
  );
  render(
    <QueryClientProvider client={queryClient}>
      <ConfirmProvider>
        <RouterProvider router={router} />
      </ConfirmProvider>
    </QueryClientProvider>,
  );
  await screen.findByRole('heading', { level: 1 });
  return userEvent.setup();
}

const renderFlagPage = () => renderConsole('/admin/flags/snip-editor-layout');
const form = () => screen.getByRole('form', { name: 'Change who gets what' });
const field = (name: string | RegExp) => within(form()).getByLabelText(name) as HTMLInputElement | HTMLSelectElement;
const optionLabels = (select: HTMLElement) => [...(select as HTMLSelectElement).options].map((option) => option.textContent);
const saves = () => api.bodies.filter((entry) => entry.request === `PATCH ${flagPath}`).map((entry) => entry.body);
/** The text of what `control` is described by (its error and hint), as a screen reader reads it. */
const description = (control: HTMLElement) =>
  (control.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent)
    .join(' ');

async function saveWithReason(events: ReturnType<typeof userEvent.setup>, reason: string) {
  await events.clear(field('Reason for this change'));
  await events.type(field('Reason for this change'), reason);
  await events.click(within(form()).getByRole('button', { name: 'Save change…' }));
}

describe('saving a change', () => {
  it('states the blast radius in the confirm modal, and saves only once confirmed, with the reason, at the version it read', async () => {
    api.impact = { gains: [{ value: 'side-by-side', users: 1204, workspaces: 37 }] };
    const events = await renderFlagPage();
    await events.selectOptions(field('Everyone else gets'), 'side-by-side');
    await saveWithReason(events, 'Side by side tested well');

    const dialog = await screen.findByRole('alertdialog', { name: 'Save the change to snip-editor-layout?' });
    expect(dialog.textContent).toContain('Turns side-by-side on for 1,204 more users in 37 workspaces.');
    expect(dialog.textContent).toContain('Your reason: “Side by side tested well”');
    // The impact was asked about exactly what is about to be saved.
    expect(api.bodies).toEqual([{ request: `POST ${flagPath}/impact`, body: { targeting: { ...emptyTargeting(), default: 'side-by-side', rollout: { percent: 0, split: [] } } } }]);
    await events.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(saves()).toEqual([]);

    await events.click(within(form()).getByRole('button', { name: 'Save change…' }));
    await events.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Save change' }));
    await screen.findByText(/^Saved\./);
    expect(saves()).toEqual([{ version: 1, reason: 'Side by side tested well', targeting: { ...emptyTargeting(), default: 'side-by-side' } }]);
    // The page shows the saved flag: its summary, and the audit log with who, why and what.
    expect(screen.getByText('Default: side-by-side')).toBeDefined();
    const audit = screen.getByRole('list', { name: 'Audit log' });
    expect(within(audit).getByText('Paula PM')).toBeDefined();
    expect(within(audit).getByText('Why: Side by side tested well')).toBeDefined();
    expect(within(audit).getByText('Default: stacked (declared in the code) → side-by-side')).toBeDefined();
    expect((field('Reason for this change') as HTMLInputElement).value).toBe('');
  });

  it('asks for a reason before anything is sent, beside the field', async () => {
    const events = await renderFlagPage();
    await events.selectOptions(field('Everyone else gets'), 'side-by-side');
    await events.click(within(form()).getByRole('button', { name: 'Save change…' }));
    const reason = field('Reason for this change');
    expect(reason.getAttribute('aria-invalid')).toBe('true');
    expect(description(reason)).toContain('Say why, in a few words.');
    expect(document.activeElement).toBe(reason);
    expect(api.bodies).toEqual([]);
  });

  it('keeps the edits when someone else saved first, loads their version, and re-applies the edits on top of it', async () => {
    api.impact = { gains: [{ value: 'side-by-side', users: 3, workspaces: 1 }] };
    const events = await renderFlagPage();
    await events.selectOptions(field('Everyone else gets'), 'side-by-side');
    // Meanwhile another PM starts a rollout.
    api.changeElsewhere('snip-editor-layout', (targeting) => ({ ...targeting, rollout: { percent: 10, split: [{ value: 'side-by-side', weight: 100 }] } }), 'Peter PM');
    // A background refetch brings their version to the page; the form still saves against the one it was filled from.
    await queryClient.invalidateQueries({ queryKey: flagConsoleKeys.detail('snip-editor-layout') });
    await screen.findByText('Rollout: 10 % of users get side-by-side');
    await saveWithReason(events, 'Everyone side by side');
    await events.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Save change' }));

    const conflict = await screen.findByText('Someone else changed this flag since you opened it');
    const banner = conflict.closest('[role="alert"]') as HTMLElement;
    expect(within(banner).getByText('Rollout: no rollout → 10 % of users get side-by-side')).toBeDefined();
    expect(saves()).toEqual([{ version: 1, reason: 'Everyone side by side', targeting: { ...emptyTargeting(), default: 'side-by-side' } }]);
    // Their version is loaded (the summary and the audit log show it) and my edit is still in the form.
    expect(screen.getByText('Rollout: 10 % of users get side-by-side')).toBeDefined();
    expect(within(screen.getByRole('list', { name: 'Audit log' })).getByText('Peter PM')).toBeDefined();
    expect(field('Everyone else gets').value).toBe('side-by-side');
    expect(field('Percentage').value).toBe('0');

    await events.click(within(banner).getByRole('button', { name: 'Re-apply my edits' }));
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Change who gets what' }));
    expect(screen.getByText(/^Your edits are back, on top of the latest version/)).toBeDefined();
    expect(field('Everyone else gets').value).toBe('side-by-side');
    expect(field('Percentage').value).toBe('10');
    expect(field('side-by-side').value).toBe('100');
    expect(field('Reason for this change').value).toBe('Everyone side by side');

    await events.click(within(form()).getByRole('button', { name: 'Save change…' }));
    await events.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Save change' }));
    await screen.findByText(/^Saved\./);
    expect(saves()[1]).toEqual({
      version: 2,
      reason: 'Everyone side by side',
      targeting: { ...emptyTargeting(), default: 'side-by-side', rollout: { percent: 10, split: [{ value: 'side-by-side', weight: 100 }] } },
    });
  });

  it('shows a 400 from the API beside the field it names', async () => {
    // As the BFF refuses rules that do not fit the flag (its declaration may have changed since the page loaded).
    api.nextRefusal = {
      status: 400,
      code: 'invalid_targeting',
      message: 'Some rules do not fit this flag: rollout.percent.',
      details: { issues: [{ path: 'rollout.percent', message: 'Ramps own the rollout of this flag now.' }] },
    };
    const events = await renderFlagPage();
    await events.clear(field('Percentage'));
    await events.type(field('Percentage'), '5');
    await events.clear(field('stacked'));
    await events.type(field('stacked'), '100');
    await saveWithReason(events, 'Start small');
    await events.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Save change' }));
    await vi.waitFor(() => expect(field('Percentage').getAttribute('aria-invalid')).toBe('true'));
    expect(description(field('Percentage'))).toContain('Ramps own the rollout of this flag now.');
  });
});

describe('editing within the declared type', () => {
  it('offers only the declared variants, for the default and for every rule', async () => {
    const events = await renderFlagPage();
    expect(optionLabels(field('Everyone else gets'))).toEqual(['Declared default (stacked)', 'stacked', 'side-by-side']);
    const people = screen.getByRole('group', { name: 'Add a rule for a person' });
    expect(optionLabels(within(people).getByLabelText('Value'))).toEqual(['stacked', 'side-by-side']);
    // A product manager denies people and workspaces too.
    expect(within(people).getByRole('button', { name: 'Add deny' })).toBeDefined();
    expect(within(screen.getByRole('group', { name: 'Add a rule for a workspace' })).getByRole('button', { name: 'Add deny' })).toBeDefined();

    // Enter in the id field adds the rule (it does not save the form); the new rule offers the same union.
    await events.type(within(people).getByLabelText('User id'), `${alice}{Enter}`);
    expect(optionLabels(field(`Value for user ${alice}`))).toEqual(['stacked', 'side-by-side']);
    expect(api.bodies).toEqual([]);
    // Each variant has its weight in the split.
    expect(field('stacked').getAttribute('type')).toBe('number');
    expect(field('side-by-side').getAttribute('type')).toBe('number');
  });

  it('takes a number within the declared bounds only, and says why beside the field', async () => {
    api.flags = [
      testFlag({
        key: 'snips-page-size',
        declaration: { ...testFlag().declaration, type: 'integer', default: 20, min: 10, max: 100, variants: undefined },
      }),
    ];
    const events = await renderConsole('/admin/flags/snips-page-size');
    const size = field('Everyone else gets');
    expect(size.getAttribute('type')).toBe('number');
    expect([size.getAttribute('min'), size.getAttribute('max')]).toEqual(['10', '100']);
    await events.type(size, '5');
    await saveWithReason(events, 'Fewer per page');
    expect(size.getAttribute('aria-invalid')).toBe('true');
    expect(description(size)).toContain('This flag’s value is a whole number from 10 to 100.');
    expect(document.activeElement).toBe(size);
    expect(api.bodies).toEqual([]);
  });

  it('offers on and off for a boolean flag, and turning it off for everyone is a danger', async () => {
    api.flags = [
      testFlag({
        key: 'export-button',
        declaration: { ...testFlag().declaration, type: 'boolean', default: true, variants: undefined, unit: 'workspace' },
        workspaces: [acme],
      }),
    ];
    api.impact = { gains: [{ value: false, users: 25, workspaces: 2 }] };
    const events = await renderConsole('/admin/flags/export-button');
    expect(optionLabels(field('Everyone else gets'))).toEqual(['Declared default (on)', 'On (true)', 'Off (false)']);
    expect(optionLabels(field('Those in the rollout get'))).toEqual(['Not chosen yet (on once a rollout starts)', 'On (true)', 'Off (false)']);
    await events.click(field('Switch it off for everyone'));
    await saveWithReason(events, 'Exports are melting the database');
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain('Turns it off for 25 more users in 2 workspaces.');
    expect(dialog.classList.contains('confirm-dialog--danger')).toBe(true);
  });
});

describe('a workspace owner', () => {
  beforeEach(() => {
    queryClient.setQueryData(sessionQueryOptions.queryKey, { user: owner, csrfToken: 'token' });
    // As the API answers an owner (of Acme and Globex): their workspaces only, and only their workspaces' rules.
    api.flags = [
      testFlag({
        editable: 'own-workspaces',
        workspaces: [acme, globex],
        targeting: { ...emptyTargeting(), workspaces: { overrides: { [acme.id]: 'side-by-side' }, denies: [acme.id] } },
      }),
    ];
  });

  it('sees a note, and changes only the overrides of the workspaces they own', async () => {
    const events = await renderFlagPage();
    expect(screen.getByText('You can change only your workspaces’ rules')).toBeDefined();
    expect(within(form()).queryByLabelText('Percentage')).toBeNull();
    expect(within(form()).queryByLabelText('Everyone else gets')).toBeNull();
    expect(within(form()).queryByLabelText('Switch it off for everyone')).toBeNull();
    expect(screen.queryByRole('group', { name: 'Add a rule for a person' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Ramps' })).toBeNull();
    // Denies are for product managers: none shown, none to add or remove.
    expect(within(form()).queryByRole('heading', { name: 'Denied' })).toBeNull();
    expect(within(form()).queryByRole('button', { name: /deny/ })).toBeNull();

    const workspaces = screen.getByRole('group', { name: 'Add a rule for a workspace' });
    expect(optionLabels(within(workspaces).getByLabelText('Workspace'))).toEqual(['Acme', 'Globex']);
    await events.selectOptions(within(workspaces).getByLabelText('Workspace'), 'Globex');
    await events.click(within(workspaces).getByRole('button', { name: 'Add override' }));
    // Removing Acme's override: its button goes, focus goes on to the next Remove button (Globex's).
    await events.click(within(form()).getByRole('button', { name: 'Remove the override for Acme' }));
    expect(document.activeElement).toBe(within(form()).getByRole('button', { name: 'Remove the override for Globex' }));
    await saveWithReason(events, 'Globex tries the stacked layout');
    await events.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Save change' }));
    await screen.findByText(/^Saved\./);
    // Acme's deny goes back as it was.
    expect(saves()).toEqual([
      {
        version: 1,
        reason: 'Globex tries the stacked layout',
        targeting: { ...emptyTargeting(), workspaces: { overrides: { [globex.id]: 'stacked' }, denies: [acme.id] } },
      },
    ]);
  });
});

describe('the explainer', () => {
  it('says what a user gets, why, and which rule decided, in words', async () => {
    api.flags = [testFlag({ workspaces: [acme], targeting: { ...emptyTargeting(), rollout: { percent: 25, split: [{ value: 'side-by-side', weight: 100 }] } } })];
    api.explanation = { value: 'side-by-side', reason: 'rollout', rule: 'rollout', workspaceId: acme.id };
    const events = await renderFlagPage();
    const explainer = screen.getByRole('form', { name: 'Why does this user get this value?' });
    await events.click(within(explainer).getByRole('button', { name: 'Explain' }));
    const userId = within(explainer).getByLabelText('User id');
    expect(userId.getAttribute('aria-invalid')).toBe('true');
    expect(api.bodies).toEqual([]);

    await events.type(userId, alice);
    await events.selectOptions(within(explainer).getByLabelText('In workspace'), 'Acme');
    await events.click(within(explainer).getByRole('button', { name: 'Explain' }));
    expect((await screen.findByText(/^They get/)).textContent).toBe('They get side-by-side in Acme.');
    expect(screen.getByText('They are inside the 25 % rollout, counted person by person.')).toBeDefined();
    expect(api.bodies).toEqual([{ request: `POST ${flagPath}/explain`, body: { userId: alice, workspaceId: acme.id } }]);
  });
});

describe('ramps', () => {
  const readyToRamp = { ...emptyTargeting(), rollout: { percent: 0, split: [{ value: 'side-by-side', weight: 100 }] } };
  const reverts = () => api.bodies.filter((entry) => entry.request.endsWith('/revert')).map((entry) => entry.body);

  async function scheduleUsualRamp(events: ReturnType<typeof userEvent.setup>) {
    const rampForm = screen.getByRole('form', { name: 'Schedule a ramp' });
    await events.click(within(rampForm).getByRole('button', { name: 'Fill in 5 % now, 25 % in a day, 100 % in three days' }));
    await events.type(within(rampForm).getByLabelText('Reason for this ramp'), 'Roll side by side out');
    await events.click(within(rampForm).getByRole('button', { name: 'Schedule ramp…' }));
    await events.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Schedule ramp' }));
    await within(rampForm).findByText(/^Ramp scheduled\./);
  }

  it('schedules the usual ramp once confirmed, stating the blast radius of its last step, then cancels it with a reason and a confirmation', async () => {
    api.flags = [testFlag({ targeting: readyToRamp })];
    api.impact = { gains: [{ value: 'side-by-side', users: 1204, workspaces: 37 }] };
    const events = await renderFlagPage();
    const rampForm = screen.getByRole('form', { name: 'Schedule a ramp' });
    await events.click(within(rampForm).getByRole('button', { name: 'Fill in 5 % now, 25 % in a day, 100 % in three days' }));
    const percentages = ['Step 1: percentage', 'Step 2: percentage', 'Step 3: percentage'].map((label) => (within(rampForm).getByLabelText(label) as HTMLInputElement).value);
    expect(percentages).toEqual(['5', '25', '100']);
    await events.type(within(rampForm).getByLabelText('Reason for this ramp'), 'Roll side by side out');
    await events.click(within(rampForm).getByRole('button', { name: 'Schedule ramp…' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Schedule this ramp of snip-editor-layout?' });
    expect(within(dialog).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      '5 % now',
      expect.stringMatching(/^25 % on /),
      expect.stringMatching(/^100 % on /),
    ]);
    expect(dialog.textContent).toContain('Turns side-by-side on for 1,204 more users in 37 workspaces at 100 %.');
    // Counted for the targeting as it is, at the last step's percentage.
    expect(api.bodies).toEqual([{ request: `POST ${flagPath}/impact`, body: { targeting: { ...readyToRamp, rollout: { ...readyToRamp.rollout, percent: 100 } } } }]);
    // The API refuses it once (as it does a step that is already past), naming the step's field.
    api.nextRefusal = {
      status: 400,
      code: 'invalid_request',
      message: 'The ramp is invalid: steps.1.at.',
      details: { issues: [{ path: 'steps.1.at', message: 'A step cannot be in the past.' }] },
    };
    await events.click(within(dialog).getByRole('button', { name: 'Schedule ramp' }));
    await vi.waitFor(() => expect(description(within(rampForm).getByLabelText('Step 2: when'))).toContain('A step cannot be in the past.'));
    await events.click(within(rampForm).getByRole('button', { name: 'Schedule ramp…' }));
    await events.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Schedule ramp' }));
    await within(rampForm).findByText(/^Ramp scheduled\./);
    const scheduled = api.bodies.at(-1);
    const steps = (scheduled?.body as { steps: { percent: number; at: string }[] }).steps;
    expect(steps.map((step) => step.percent)).toEqual([5, 25, 100]);
    const day = 24 * 60 * 60 * 1000;
    expect(Date.parse(steps[1]!.at) - Date.parse(steps[0]!.at)).toBe(day);
    expect(Date.parse(steps[2]!.at) - Date.parse(steps[0]!.at)).toBe(3 * day);

    const ramp = screen.getByRole('list', { name: 'Ramps' }).querySelector('li')!;
    expect(within(ramp).getByText('Scheduled')).toBeDefined();
    expect(within(ramp).getAllByText(/^due/)).toHaveLength(3);
    await events.click(within(ramp).getByRole('button', { name: 'Cancel ramp 1' }));
    expect(description(within(ramp).getByLabelText('Reason to cancel or revert ramp 1'))).toContain('Say why, in a few words.');
    await events.type(within(ramp).getByLabelText('Reason to cancel or revert ramp 1'), 'Support tickets went up');
    await events.click(within(ramp).getByRole('button', { name: 'Cancel ramp 1' }));
    const cancelDialog = await screen.findByRole('alertdialog', { name: 'Cancel ramp 1?' });
    await events.click(within(cancelDialog).getByRole('button', { name: 'Cancel ramp' }));
    await vi.waitFor(() => expect(within(screen.getByRole('list', { name: 'Ramps' })).getByText('Cancelled')).toBeDefined());
    expect(api.bodies.at(-1)).toEqual({ request: `POST ${flagPath}/ramps/${api.flags[0]!.ramps[0]!.id}/cancel`, body: { reason: 'Support tickets went up' } });
    // Its Cancel button went with the scheduled status: focus is on the ramp's status, not lost.
    expect(document.activeElement?.textContent).toMatch(/^Ramp 1Cancelled/);
  });

  it('reverts with the blast radius of going back to before the ramp, at the version the page read', async () => {
    api.flags = [testFlag({ targeting: readyToRamp })];
    const events = await renderFlagPage();
    await scheduleUsualRamp(events);
    // Its first step is applied (by the ramp's job), unseen by the page: its version is behind now.
    api.changeElsewhere('snip-editor-layout', (targeting) => ({ ...targeting, rollout: { ...targeting.rollout, percent: 5 } }));
    api.impact = { gains: [{ value: 'stacked', users: 60, workspaces: 3 }] };
    api.bodies.length = 0;

    const ramp = () => screen.getByRole('list', { name: 'Ramps' }).querySelector('li')!;
    await events.type(within(ramp()).getByLabelText('Reason to cancel or revert ramp 1'), 'Side by side confuses people');
    await events.click(within(ramp()).getByRole('button', { name: 'Revert to before the ramp 1' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Revert to before ramp 1?' });
    expect(dialog.textContent).toMatch(/Restores the targeting of .+, just before this ramp began/);
    expect(dialog.textContent).toContain('Turns stacked on for 60 more users in 3 workspaces.');
    // Counted for the targeting the ramp started from (its entry in the audit log).
    expect(api.bodies).toEqual([{ request: `POST ${flagPath}/impact`, body: { targeting: readyToRamp } }]);
    await events.click(within(dialog).getByRole('button', { name: 'Revert' }));

    // The page read version 1; the step made it 2: refused, and the latest is loaded to check.
    await within(ramp()).findByText('Someone else changed this flag since you opened it. The latest version is loaded: check it and revert again.');
    await screen.findByText('Rollout: 5 % of users get side-by-side');
    expect(api.flags![0]!.targeting.rollout.percent).toBe(5);
    await events.click(within(ramp()).getByRole('button', { name: 'Revert to before the ramp 1' }));
    await events.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Revert' }));
    await vi.waitFor(() => expect(within(ramp()).getByText('Reverted')).toBeDefined());
    expect(reverts()).toEqual([
      { reason: 'Side by side confuses people', version: 1 },
      { reason: 'Side by side confuses people', version: 2 },
    ]);
    expect(api.flags![0]!.targeting).toEqual(readyToRamp);
    expect(screen.getByText('Rollout: no rollout yet (ready to serve side-by-side)')).toBeDefined();
  });

  it('schedules nothing while the rollout has nothing to roll out', async () => {
    const events = await renderFlagPage();
    const rampForm = screen.getByRole('form', { name: 'Schedule a ramp' });
    await events.click(within(rampForm).getByRole('button', { name: 'Fill in 5 % now, 25 % in a day, 100 % in three days' }));
    await events.type(within(rampForm).getByLabelText('Reason for this ramp'), 'Roll side by side out');
    await events.click(within(rampForm).getByRole('button', { name: 'Schedule ramp…' }));
    expect(document.activeElement?.textContent).toMatch(/^Choose what those in the rollout get/);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(api.bodies).toEqual([]);
  });
});

describe('the list', () => {
  it('shows every flag with its marks, targeting and reach, linked to its page', async () => {
    api.flags = [
      testFlag({ expired: true, reach: [{ value: 'stacked', users: 1204, workspaces: 37 }] }),
      testFlag({ key: 'old-search', orphaned: true, targeting: { ...emptyTargeting(), killed: true } }),
    ];
    await renderConsole('/admin/flags');
    const cards = within(screen.getByRole('list', { name: 'Flags' })).getAllByRole('listitem').filter((item) => item.classList.contains('flag-card'));
    expect(cards).toHaveLength(2);
    const [layout, orphan] = cards as [HTMLElement, HTMLElement];
    expect(within(layout).getByRole('link', { name: 'snip-editor-layout' }).getAttribute('href')).toBe('/admin/flags/snip-editor-layout');
    expect(within(layout).getByText('Expired')).toBeDefined();
    expect(layout.textContent).toContain('stacked: 1,204 users in 37 workspaces');
    expect(layout.textContent).toContain('Default: stacked (declared in the code)');
    expect(within(orphan).getByText('Orphaned')).toBeDefined();
    expect(within(orphan).getByText('Killed')).toBeDefined();
    expect(within(orphan).queryByText('Expired')).toBeNull();
  });

  it('is "not found" for someone who may not use the console', async () => {
    api.flags = null;
    queryClient.setQueryData(sessionQueryOptions.queryKey, { user: signedInUser('member'), csrfToken: 'token' });
    await renderConsole('/admin/flags');
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeDefined();
    cleanup();
    await renderConsole('/admin/flags/snip-editor-layout');
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeDefined();
  });
});
