import { describe, expect, it } from 'vitest';
import { booleanFlag, integerFlag, variantFlag } from './declarations.ts';
import { flagRegistry } from './registry.ts';
import { emptyTargeting, flagTargetingSchema, targetingProblems, type FlagTargeting } from './targeting.ts';

const user = '5f0c6c1e-8d2b-4c1a-9a57-3e1f2d4b6a01';
const workspace = '9d3e2a71-4b6c-4f08-8e15-7a2c9b0d1e01';

const fixture = { description: 'A flag of these tests.', owner: 'flags tests', client: true, propagation: 'live', permanent: true } as const;
const layout = variantFlag({ ...fixture, variants: ['stacked', 'side-by-side'], default: 'stacked', unit: 'user' });
const pageSize = integerFlag({ ...fixture, min: 10, max: 100, default: 20, unit: 'user' });
const gate = booleanFlag({ ...fixture, default: false, unit: 'workspace' });

const withRollout = (percent: number, split: FlagTargeting['rollout']['split'] = []): FlagTargeting => ({ ...emptyTargeting(), rollout: { percent, split } });

describe('flagTargetingSchema', () => {
  it('accepts the empty targeting every flag starts with', () => {
    expect(flagTargetingSchema.parse(emptyTargeting())).toEqual(emptyTargeting());
  });

  it('accepts a targeting with every rule in use', () => {
    const full: FlagTargeting = {
      killed: true,
      default: 'side-by-side',
      rollout: { percent: 12.345, split: [{ value: 'side-by-side', weight: 100 }] },
      salt: 'reshuffled-2026',
      users: { overrides: { [user]: 'side-by-side' }, denies: [user] },
      workspaces: { overrides: { [workspace]: 'stacked' }, denies: [workspace] },
    };
    expect(flagTargetingSchema.parse(full)).toEqual(full);
  });

  it.each([
    ['at the top', { ...emptyTargeting(), enabled: true }],
    ['in the rollout', { ...emptyTargeting(), rollout: { percent: 0, split: [], sticky: true } }],
    ['in a split entry', { ...emptyTargeting(), rollout: { percent: 10, split: [{ value: true, weight: 100, note: 'x' }] } }],
    ['in the users’ rules', { ...emptyTargeting(), users: { overrides: {}, denies: [], allows: [] } }],
    ['in the workspaces’ rules', { ...emptyTargeting(), workspaces: { overrides: {}, denies: [], allows: [] } }],
  ])('refuses an unknown key %s', (_, targeting) => {
    expect(flagTargetingSchema.safeParse(targeting).success).toBe(false);
  });

  it.each([0, 0.001, 12.345, 33.333, 99.999, 100])('accepts a rollout of %d percent (at most three decimals)', (percent) => {
    expect(flagTargetingSchema.safeParse(withRollout(percent)).success).toBe(true);
  });

  it.each([
    [12.3456, 'three decimals'],
    [0.0001, 'three decimals'],
    [-0.001, 'between 0 and 100'],
    [100.001, 'between 0 and 100'],
  ])('refuses a rollout of %d percent', (percent, message) => {
    const result = flagTargetingSchema.safeParse(withRollout(percent));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join(' ')).toContain(message);
    expect(result.error?.issues.every((issue) => issue.path.join('.') === 'rollout.percent')).toBe(true);
  });

  it.each([
    ['a rule for an id that is not a uuid', { ...emptyTargeting(), users: { overrides: { 'not-a-uuid': true }, denies: [] } }],
    ['a deny for an id that is not a uuid', { ...emptyTargeting(), workspaces: { overrides: {}, denies: ['42'] } }],
    ['a fractional value', { ...emptyTargeting(), default: 20.5 }],
    ['an object as a value', { ...emptyTargeting(), default: { on: true } }],
    ['a split weight above 100', withRollout(10, [{ value: true, weight: 101 }])],
    ['an empty salt', { ...emptyTargeting(), salt: '' }],
    ['a percentage that is not a number', withRollout(Number.NaN)],
    ['an infinite percentage', withRollout(Number.POSITIVE_INFINITY)],
  ])('refuses %s', (_, targeting) => {
    expect(flagTargetingSchema.safeParse(targeting).success).toBe(false);
  });
});

describe('targetingProblems', () => {
  it('finds nothing wrong with a targeting that fits its flag', () => {
    expect(
      targetingProblems(layout, {
        ...withRollout(50, [
          { value: 'stacked', weight: 30 },
          { value: 'side-by-side', weight: 70 },
        ]),
        default: 'side-by-side',
        users: { overrides: { [user]: 'stacked' }, denies: [] },
        workspaces: { overrides: { [workspace]: 'side-by-side' }, denies: [] },
      }),
    ).toEqual([]);
    expect(targetingProblems(pageSize, { ...withRollout(5, [{ value: 100, weight: 100 }]), default: 10 })).toEqual([]);
    expect(targetingProblems(gate, { ...withRollout(100, [{ value: true, weight: 100 }]), default: false })).toEqual([]);
  });

  it('finds nothing wrong with the empty targeting of any declared flag', () => {
    for (const declaration of Object.values(flagRegistry)) expect(targetingProblems(declaration, emptyTargeting())).toEqual([]);
  });

  it('names every place a variant outside the union is used', () => {
    const problems = targetingProblems(layout, {
      ...withRollout(10, [{ value: 'grid', weight: 100 }]),
      default: 'wide',
      users: { overrides: { [user]: 'Stacked' }, denies: [] },
      workspaces: { overrides: { [workspace]: true }, denies: [] },
    });
    expect(problems.map((problem) => problem.path)).toEqual(['default', 'rollout.split.0.value', `users.overrides.${user}`, `workspaces.overrides.${workspace}`]);
    expect(problems[0]?.message).toBe('This flag’s value is one of stacked, side-by-side.');
  });

  it.each([
    ['a number below the minimum', 9],
    ['a number above the maximum', 101],
    ['a string', '20'],
    ['a boolean', true],
  ])('refuses %s as an integer flag’s value', (_, value) => {
    const problems = targetingProblems(pageSize, { ...emptyTargeting(), default: value as number });
    expect(problems).toEqual([{ path: 'default', message: 'This flag’s value is a whole number from 10 to 100.' }]);
  });

  it.each([
    ['the string "true"', 'true'],
    ['a number', 1],
  ])('refuses %s as a boolean flag’s value', (_, value) => {
    expect(targetingProblems(gate, { ...emptyTargeting(), users: { overrides: { [user]: value }, denies: [] } })).toEqual([
      { path: `users.overrides.${user}`, message: 'This flag’s value is true or false.' },
    ]);
  });

  it.each([
    ['add up to less than 100', [{ value: 'stacked', weight: 60 }, { value: 'side-by-side', weight: 30 }]],
    ['add up to more than 100', [{ value: 'stacked', weight: 80 }, { value: 'side-by-side', weight: 30 }]],
    ['are missing', []],
  ])('refuses a rollout whose split weights %s', (_, split) => {
    expect(targetingProblems(layout, withRollout(25, split))).toEqual([{ path: 'rollout.split', message: 'The split’s weights add up to 100.' }]);
  });

  it('lets a split wait, unbalanced, while the rollout is at 0 %', () => {
    expect(targetingProblems(layout, withRollout(0, [{ value: 'side-by-side', weight: 50 }]))).toEqual([]);
  });

  it('refuses a split that names a value twice', () => {
    const split = [
      { value: 'side-by-side', weight: 50 },
      { value: 'side-by-side', weight: 50 },
    ];
    expect(targetingProblems(layout, withRollout(25, split))).toEqual([{ path: 'rollout.split', message: 'Each value appears once in the split.' }]);
  });
});
