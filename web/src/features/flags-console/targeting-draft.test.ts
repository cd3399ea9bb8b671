import { describe, expect, it } from 'vitest';
import { emptyTargeting, type FlagTargeting } from '#shared/flags/targeting.ts';
import { testFlag } from './flag-console-test-server.ts';
import { draftFromTargeting, reapplyEdits, sameDraft, targetingFromDraft } from './targeting-draft.ts';

const layout = testFlag().declaration;
const pageSize = { ...layout, type: 'integer' as const, default: 20, min: 10, max: 100, variants: undefined };
const alice = '0b6a2c1e-1111-4a1a-8a1a-000000000001';
const bob = '0b6a2c1e-1111-4a1a-8a1a-000000000002';
const acme = '0b6a2c1e-aaaa-4a1a-8a1a-00000000000a';
const targetingWith = (change: (targeting: FlagTargeting) => void): FlagTargeting => {
  const next = emptyTargeting();
  change(next);
  return next;
};

describe('a draft of a targeting', () => {
  it('stands for the targeting it was made from, and is not an edit until something changes', () => {
    const targeting = targetingWith((t) => {
      t.rollout = { percent: 12.345, split: [{ value: 'side-by-side', weight: 60 }, { value: 'stacked', weight: 40 }] };
      t.users.overrides[alice] = 'side-by-side';
      t.workspaces.denies.push(acme);
    });
    const draft = draftFromTargeting(layout, targeting);
    expect(sameDraft(draft, draftFromTargeting(layout, targeting))).toBe(true);
    // Exactly the same, the split in its stored order too: a save that changed nothing else changes nothing else.
    expect(targetingFromDraft(layout, draft)).toEqual({ targeting, issues: [] });
    expect(sameDraft({ ...draft, percent: '13' }, draft)).toBe(false);
  });

  it('stores no rollout value nobody picked, and serves the suggested one once a rollout starts', () => {
    const exportButton = { ...layout, type: 'boolean' as const, default: true, variants: undefined };
    const draft = draftFromTargeting(exportButton, emptyTargeting());
    expect(targetingFromDraft(exportButton, draft).targeting?.rollout).toEqual({ percent: 0, split: [] });
    expect(targetingFromDraft(exportButton, { ...draft, percent: '5' }).targeting?.rollout).toEqual({ percent: 5, split: [{ value: true, weight: 100 }] });
    expect(targetingFromDraft(exportButton, { ...draft, rolloutValue: 'false' }).targeting?.rollout).toEqual({ percent: 0, split: [{ value: false, weight: 100 }] });
  });

  it('refuses what does not fit the declared type, with the API’s paths and words', () => {
    const draft = draftFromTargeting(pageSize, emptyTargeting());
    expect(targetingFromDraft(pageSize, { ...draft, default: '5' }).issues).toEqual([{ path: 'default', message: 'This flag’s value is a whole number from 10 to 100.' }]);
    expect(targetingFromDraft(pageSize, { ...draft, default: '12.5' }).issues).toEqual([{ path: 'default', message: 'This flag’s value is a whole number from 10 to 100.' }]);
    expect(targetingFromDraft(pageSize, { ...draft, percent: '' }).issues).toEqual([{ path: 'rollout.percent', message: 'A percentage is between 0 and 100.' }]);
    expect(targetingFromDraft(pageSize, { ...draft, percent: '10.0001' }).issues).toEqual([{ path: 'rollout.percent', message: 'A percentage has at most three decimals.' }]);
    expect(targetingFromDraft(pageSize, { ...draft, percent: '10.001' }).issues).toEqual([]);
    const variants = draftFromTargeting(layout, emptyTargeting());
    expect(targetingFromDraft(layout, { ...variants, percent: '5', weights: [
          { variant: 'stacked', weight: '50' },
          { variant: 'side-by-side', weight: '40' },
        ] }).issues).toEqual([
      { path: 'rollout.split', message: 'The split’s weights add up to 100.' },
    ]);
    expect(targetingFromDraft(layout, { ...variants, users: { overrides: [{ id: alice, value: 'grid' }], denies: [] } }).issues).toEqual([
      { path: `users.overrides.${alice}`, message: 'This flag’s value is one of stacked, side-by-side.' },
    ]);
  });
});

describe('reapplyEdits', () => {
  it('keeps every part I changed and takes theirs for the rest, rule by rule', () => {
    const base = targetingWith((t) => {
      t.users.overrides[alice] = 'stacked';
      t.users.denies.push(bob);
    });
    const mine = targetingWith((t) => {
      t.default = 'side-by-side';
      t.users.overrides[alice] = 'side-by-side';
    });
    const theirs = targetingWith((t) => {
      t.rollout = { percent: 10, split: [{ value: 'side-by-side', weight: 100 }] };
      t.users.overrides[alice] = 'stacked';
      t.users.denies.push(bob);
      t.workspaces.overrides[acme] = 'stacked';
    });
    expect(reapplyEdits(base, mine, theirs)).toEqual(
      targetingWith((t) => {
        t.default = 'side-by-side';
        t.rollout = { percent: 10, split: [{ value: 'side-by-side', weight: 100 }] };
        t.users.overrides[alice] = 'side-by-side';
        t.workspaces.overrides[acme] = 'stacked';
      }),
    );
  });
});
