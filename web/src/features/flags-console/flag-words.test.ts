import { describe, expect, it } from 'vitest';
import { emptyTargeting, type FlagTargeting } from '#shared/flags/targeting.ts';
import { testFlag } from './flag-console-test-server.ts';
import { describeBlastRadius, describeChanges, describeRule, describeTargeting, describeValues } from './flag-words.ts';

const layout = testFlag().declaration;
const exportButton = { ...layout, type: 'boolean' as const, default: true, variants: undefined, unit: 'workspace' as const };
const acme = '0b6a2c1e-aaaa-4a1a-8a1a-00000000000a';
const user = '0b6a2c1e-1111-4a1a-8a1a-000000000001';
const names = (id: string) => (id === acme ? 'Acme' : id);
const targetingWith = (change: (targeting: FlagTargeting) => void): FlagTargeting => {
  const next = emptyTargeting();
  change(next);
  return next;
};

describe('describeBlastRadius', () => {
  it('says who newly gets which value, with the numbers formatted', () => {
    expect(describeBlastRadius({ gains: [{ value: 'side-by-side', users: 1204, workspaces: 37 }] })).toBe(
      'Turns side-by-side on for 1,204 more users in 37 workspaces.',
    );
    expect(describeBlastRadius({ gains: [{ value: true, users: 1, workspaces: 1 }] })).toBe('Turns it on for 1 more user in 1 workspace.');
    expect(describeBlastRadius({ gains: [{ value: false, users: 12, workspaces: 2 }] })).toBe('Turns it off for 12 more users in 2 workspaces.');
    expect(describeBlastRadius({ gains: [{ value: 50, users: 3, workspaces: 1 }] })).toBe('Sets it to 50 for 3 more users in 1 workspace.');
  });

  it("says so when the change moves no one", () => {
    expect(describeBlastRadius({ gains: [] })).toBe("Changes no one's value.");
    expect(describeBlastRadius({ gains: [{ value: 'stacked', users: 0, workspaces: 0 }] })).toBe("Changes no one's value.");
  });

  it('says at which percentage, for a ramp', () => {
    expect(describeBlastRadius({ gains: [{ value: 'side-by-side', users: 1204, workspaces: 37 }] }, 100)).toBe(
      'Turns side-by-side on for 1,204 more users in 37 workspaces at 100 %.',
    );
    expect(describeBlastRadius({ gains: [] }, 12.5)).toBe("Changes no one's value at 12.5 %.");
  });
});

describe('describeValues', () => {
  it('says a boolean is on or off and formats numbers, as the console says every value', () => {
    expect(describeValues(exportButton)).toBe('on or off');
    expect(describeValues(layout)).toBe('stacked or side-by-side');
    expect(describeValues({ ...layout, type: 'integer', min: 10, max: 1000, variants: undefined })).toBe('a whole number from 10 to 1,000');
  });
});

describe('describeChanges', () => {
  it('names each rule that changed, a workspace by its name', () => {
    const before = targetingWith((t) => {
      t.users.overrides[user] = 'stacked';
    });
    const after = targetingWith((t) => {
      t.killed = true;
      t.default = 'side-by-side';
      t.rollout = { percent: 25, split: [{ value: 'side-by-side', weight: 100 }] };
      t.users.overrides[user] = 'side-by-side';
      t.workspaces.denies.push(acme);
    });
    expect(describeChanges(layout, before, after, names)).toEqual([
      'Kill switch turned on',
      'Workspace Acme denied',
      `User ${user}: override stacked → side-by-side`,
      'Rollout: no rollout → 25 % of users get side-by-side',
      'Default: stacked (declared in the code) → side-by-side',
    ]);
    expect(describeChanges(layout, after, before, names)).toEqual([
      'Kill switch turned off',
      'Workspace Acme no longer denied',
      `User ${user}: override side-by-side → stacked`,
      'Rollout: 25 % of users get side-by-side → no rollout',
      'Default: side-by-side → stacked (declared in the code)',
    ]);
    expect(describeChanges(layout, before, before, names)).toEqual(['No change to who gets what']);
    // A split chosen at 0 %, ready for a ramp, is a change too.
    const ready = targetingWith((t) => {
      t.rollout.split = [{ value: 'side-by-side', weight: 100 }];
    });
    expect(describeChanges(layout, before, { ...ready, users: before.users }, names)).toEqual(['Rollout: no rollout → no rollout yet (ready to serve side-by-side)']);
  });
});

describe('describeTargeting', () => {
  it('sums a targeting up from the top of the ladder, booleans as on and off', () => {
    const killed = targetingWith((t) => {
      t.killed = true;
      t.workspaces.overrides[acme] = false;
      t.rollout = { percent: 12.5, split: [{ value: true, weight: 100 }] };
    });
    expect(describeTargeting({ declaration: exportButton, targeting: killed })).toEqual([
      'Killed: everyone gets off',
      'Overrides for 1 workspace',
      'Rollout: 12.5 % of workspaces get on',
      'Default: on (declared in the code)',
    ]);
  });
});

describe('describeRule', () => {
  it('puts the deciding rule in words', () => {
    const rollout = targetingWith((t) => {
      t.rollout = { percent: 25, split: [{ value: 'side-by-side', weight: 100 }] };
    });
    const explain = (rule: string) => describeRule(layout, rollout, { value: 'side-by-side', reason: 'rollout', rule, workspaceId: acme }, names);
    expect(explain('rollout')).toBe('They are inside the 25 % rollout, counted person by person.');
    expect(explain('workspace-deny')).toBe('Everyone in their workspace Acme is denied this flag, so they get its off value.');
    expect(explain('declared-default')).toBe('No rule applies to them: they get the default declared in the code.');
    expect(describeRule(exportButton, rollout, { value: true, reason: 'rollout', rule: 'rollout', workspaceId: acme }, names)).toBe(
      'Their workspace Acme is inside the 25 % rollout, counted by workspace.',
    );
  });
});
