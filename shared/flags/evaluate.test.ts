import fc from 'fast-check';
import murmurhash from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { booleanFlag, integerFlag, variantFlag, type AnyFlagValue, type FlagDeclaration } from './declarations.ts';
import { compileTargeting, evaluateFlag, murmur3, rolloutBucket, rolloutThreshold, type Evaluation, type FlagContext } from './evaluate.ts';
import { emptyTargeting, flagTargetingSchema, targetingProblems, type FlagTargeting } from './targeting.ts';

describe('murmur3', () => {
  // Ian Boyd's vectors for MurmurHash3_x86_32, checked against SMHasher (https://stackoverflow.com/a/31929528),
  // as the Python binding of the reference C code tests them, with its own 'foo' (hajimes/mmh3, tests/test_mmh3.py).
  // The byte vectors that are valid UTF-8 are written as strings: murmur3 hashes a string's UTF-8 bytes.
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\0\0\0\0', 0, 0x2362f9de],
    ['\0\0\0', 0, 0x85f0b427],
    ['\0\0', 0, 0x30f4c306],
    ['\0', 0, 0x514e28b7],
    ['\x21\x43\x65', 0, 0x7e4a8634],
    ['\x21\x43', 0, 0xa0f7b07a],
    ['\x21', 0, 0x72661cf4],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['aaa', 0x9747b28c, 0x283e0130],
    ['aa', 0x9747b28c, 0x5d211726],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['abcd', 0x9747b28c, 0xf0478627],
    ['abc', 0x9747b28c, 0xc84a62dd],
    ['ab', 0x9747b28c, 0x74875592],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
    ['a'.repeat(256), 0x9747b28c, 0x37405bdc],
    ['abc', 0, 0xb3dd93fa],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 0, 0xee925b90],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['foo', 0, 4138058784],
  ])('hashes %j with seed %d to the reference value', (text, seed, expected) => {
    expect(murmur3(text, seed)).toBe(expected);
  });

  // The seed-0 table repeated across ports' test suites (the values match Appleby's reference C code), and seed 1,
  // which picks variants, from rangercyh/lua-murmurhash3's test.lua.
  it.each([
    ['test', 0, 0xba6bd213],
    ['Hello, world!', 0, 0xc0363e43],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['hello', 0, 0x248bfa47],
    ['hello', 1, 0xbb4abcad],
    ['hello, world', 1, 0x6f5cb2e9],
  ])('hashes %j with seed %d like every other implementation', (text, seed, expected) => {
    expect(murmur3(text, seed)).toBe(expected);
  });

  it('defaults to seed 0, the seed of rollout buckets', () => {
    expect(murmur3('Hello, world!')).toBe(0xc0363e43);
    expect(rolloutBucket('snip-editor-layout', 'user', 'u1')).toBe(murmur3('snip-editor-layout:user:u1', 0));
  });

  it('runs on a library that passes SMHasher’s own verification test for MurmurHash3_x86_32', () => {
    // SMHasher (aappleby/smhasher, src/main.cpp): hash the keys {}, {0}, {0,1}, … {0..254} with seeds 256 down to 1,
    // then hash the 256 little-endian results with seed 0; MurmurHash3_x86_32 must give 0xB0F57EE3. It covers every
    // tail length, every byte value and 256 seeds, which strings written as UTF-8 cannot reach.
    const key = new Uint8Array(256);
    const results = new DataView(new ArrayBuffer(256 * 4));
    for (let length = 0; length < 256; length++) {
      key[length] = length;
      results.setUint32(length * 4, murmurhash.v3(key.subarray(0, length), 256 - length), true);
    }
    expect(murmurhash.v3(new Uint8Array(results.buffer), 0)).toBe(0xb0f57ee3);
  });
});

const user = '5f0c6c1e-8d2b-4c1a-9a57-3e1f2d4b6a01';
const otherUser = '5f0c6c1e-8d2b-4c1a-9a57-3e1f2d4b6a02';
const workspace = '9d3e2a71-4b6c-4f08-8e15-7a2c9b0d1e01';
const member = { userId: user, workspaceId: workspace };

const fixture = { description: 'A flag of these tests.', owner: 'flags tests', client: true, propagation: 'live', permanent: true } as const;
// One value per rung, so each row shows which rung decided by its value as well as by its rule.
const layout = variantFlag({ ...fixture, variants: ['declared', 'targeted', 'user', 'workspace', 'rolled', 'forced'], default: 'declared', unit: 'user' });
const gate = booleanFlag({ ...fixture, default: true, unit: 'workspace' });
const pageSize = integerFlag({ ...fixture, min: 10, max: 100, default: 20, unit: 'user' });

type TargetingChanges = Partial<Omit<FlagTargeting, 'users' | 'workspaces'>> & {
  users?: Partial<FlagTargeting['users']>;
  workspaces?: Partial<FlagTargeting['workspaces']>;
};
const targetingWith = (changes: TargetingChanges = {}): FlagTargeting => {
  const empty = emptyTargeting();
  return { ...empty, ...changes, users: { ...empty.users, ...changes.users }, workspaces: { ...empty.workspaces, ...changes.workspaces } };
};
const everyoneGets = (value: AnyFlagValue) => ({ percent: 100, split: [{ value, weight: 100 }] });

// Each layer adds the next rung up the ladder to the ones below it, so every row proves that its rung beats the
// one right under it.
const layers = {
  targetingDefault: { default: 'targeted' },
  rollout: { default: 'targeted', rollout: everyoneGets('rolled') },
  workspaceOverride: { default: 'targeted', rollout: everyoneGets('rolled'), workspaces: { overrides: { [workspace]: 'workspace' } } },
  userOverride: {
    default: 'targeted',
    rollout: everyoneGets('rolled'),
    users: { overrides: { [user]: 'user' } },
    workspaces: { overrides: { [workspace]: 'workspace' } },
  },
  workspaceDeny: {
    default: 'targeted',
    rollout: everyoneGets('rolled'),
    users: { overrides: { [user]: 'user' } },
    workspaces: { overrides: { [workspace]: 'workspace' }, denies: [workspace] },
  },
  userDeny: {
    default: 'targeted',
    rollout: everyoneGets('rolled'),
    users: { overrides: { [user]: 'user' }, denies: [user] },
    workspaces: { overrides: { [workspace]: 'workspace' }, denies: [workspace] },
  },
} satisfies Record<string, TargetingChanges>;
const everyRung: TargetingChanges = { ...layers.userDeny, killed: true };

type Row = {
  name: string;
  declaration?: FlagDeclaration;
  targeting: FlagTargeting | undefined;
  context?: FlagContext;
  qaOverride?: AnyFlagValue;
  expected: Evaluation;
};
const precedence: Row[] = [
  { name: 'no stored targeting serves the declared default', targeting: undefined, expected: { value: 'declared', reason: 'default', rule: 'declared-default' } },
  { name: 'empty targeting serves the declared default', targeting: targetingWith(), expected: { value: 'declared', reason: 'default', rule: 'declared-default' } },
  {
    name: 'a targeting default beats the declared default',
    targeting: targetingWith(layers.targetingDefault),
    expected: { value: 'targeted', reason: 'default', rule: 'targeting-default' },
  },
  { name: 'rollout beats the default', targeting: targetingWith(layers.rollout), expected: { value: 'rolled', reason: 'rollout', rule: 'rollout' } },
  {
    name: 'a workspace override beats the rollout',
    targeting: targetingWith(layers.workspaceOverride),
    expected: { value: 'workspace', reason: 'override', rule: 'workspace-override' },
  },
  {
    name: 'a user override beats a workspace override',
    targeting: targetingWith(layers.userOverride),
    expected: { value: 'user', reason: 'override', rule: 'user-override' },
  },
  {
    name: 'a workspace deny beats a user override',
    targeting: targetingWith(layers.workspaceDeny),
    expected: { value: 'declared', reason: 'deny', rule: 'workspace-deny' },
  },
  { name: 'a user deny beats a workspace deny', targeting: targetingWith(layers.userDeny), expected: { value: 'declared', reason: 'deny', rule: 'user-deny' } },
  { name: 'the kill switch beats a user deny', targeting: targetingWith(everyRung), expected: { value: 'declared', reason: 'kill', rule: 'kill-switch' } },
  {
    name: 'a QA override beats the kill switch',
    targeting: targetingWith(everyRung),
    qaOverride: 'forced',
    expected: { value: 'forced', reason: 'qa-override', rule: 'qa-override' },
  },
  {
    name: 'a QA override applies with no stored targeting',
    targeting: undefined,
    qaOverride: 'forced',
    expected: { value: 'forced', reason: 'qa-override', rule: 'qa-override' },
  },
  {
    name: 'a user deny beats the same user’s override',
    targeting: targetingWith({ users: { overrides: { [user]: 'user' }, denies: [user] } }),
    expected: { value: 'declared', reason: 'deny', rule: 'user-deny' },
  },
  {
    name: 'a workspace deny beats the same workspace’s override',
    targeting: targetingWith({ workspaces: { overrides: { [workspace]: 'workspace' }, denies: [workspace] } }),
    expected: { value: 'declared', reason: 'deny', rule: 'workspace-deny' },
  },
  {
    name: 'a user override beats the rollout',
    targeting: targetingWith({ rollout: everyoneGets('rolled'), users: { overrides: { [user]: 'user' } } }),
    expected: { value: 'user', reason: 'override', rule: 'user-override' },
  },
  {
    name: 'kill serves the declared default, not the targeting default',
    declaration: pageSize,
    targeting: targetingWith({ killed: true, default: 50, rollout: everyoneGets(80) }),
    expected: { value: 20, reason: 'kill', rule: 'kill-switch' },
  },
  {
    name: 'kill serves false for a boolean, whatever its default',
    declaration: gate,
    targeting: targetingWith({ killed: true, default: true }),
    expected: { value: false, reason: 'kill', rule: 'kill-switch' },
  },
  {
    name: 'a deny serves false for a boolean',
    declaration: gate,
    targeting: targetingWith({ workspaces: { overrides: {}, denies: [workspace] } }),
    expected: { value: false, reason: 'deny', rule: 'workspace-deny' },
  },
  {
    name: 'rules for someone else do not apply',
    targeting: targetingWith({ ...layers.userDeny, rollout: { percent: 0, split: [{ value: 'rolled', weight: 100 }] } }),
    context: { userId: otherUser, workspaceId: null },
    expected: { value: 'targeted', reason: 'default', rule: 'targeting-default' },
  },
  {
    name: 'without a user, user rules and a user-unit rollout are skipped',
    targeting: targetingWith({ default: 'targeted', rollout: everyoneGets('rolled'), users: { overrides: { [user]: 'user' }, denies: [user] } }),
    context: { userId: null, workspaceId: workspace },
    expected: { value: 'targeted', reason: 'default', rule: 'targeting-default' },
  },
  {
    name: 'without a user, workspace rules still apply',
    targeting: targetingWith({ users: { overrides: {}, denies: [user] }, workspaces: { overrides: { [workspace]: 'workspace' } } }),
    context: { userId: null, workspaceId: workspace },
    expected: { value: 'workspace', reason: 'override', rule: 'workspace-override' },
  },
  {
    name: 'without a workspace, workspace rules are skipped and a user-unit rollout still applies',
    targeting: targetingWith({ rollout: everyoneGets('rolled'), workspaces: { overrides: { [workspace]: 'workspace' }, denies: [workspace] } }),
    context: { userId: user, workspaceId: null },
    expected: { value: 'rolled', reason: 'rollout', rule: 'rollout' },
  },
  {
    name: 'without a workspace, a workspace-unit rollout is skipped',
    declaration: gate,
    targeting: targetingWith({ default: false, rollout: everyoneGets(true) }),
    context: { userId: user, workspaceId: null },
    expected: { value: false, reason: 'default', rule: 'targeting-default' },
  },
  {
    name: 'an id named like an Object property finds no override',
    targeting: targetingWith({ users: { overrides: { [user]: 'user' } }, workspaces: { overrides: { [workspace]: 'workspace' } } }),
    context: { userId: 'constructor', workspaceId: '__proto__' },
    expected: { value: 'declared', reason: 'default', rule: 'declared-default' },
  },
  {
    name: 'signed out, only the kill switch and the defaults apply',
    targeting: targetingWith({ ...layers.userDeny, rollout: everyoneGets('rolled') }),
    context: { userId: null, workspaceId: null },
    expected: { value: 'targeted', reason: 'default', rule: 'targeting-default' },
  },
];

describe('evaluateFlag precedence', () => {
  it.each(precedence)('$name', ({ declaration = layout, targeting, context = member, qaOverride, expected }) => {
    // Only targeting the console could store: well-formed and fitting the flag.
    if (targeting) {
      expect(flagTargetingSchema.parse(targeting)).toEqual(targeting);
      expect(targetingProblems(declaration, targeting)).toEqual([]);
    }
    const compiled = targeting && compileTargeting(targeting);
    expect(evaluateFlag('test-flag', declaration, compiled, context, qaOverride)).toEqual(expected);
  });
});

describe('rollout', () => {
  const flagKey = fc.stringMatching(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  /** Percentages in thousandths, the resolution the schema allows. */
  const thousandths = fc.integer({ min: 0, max: 100_000 });
  const sortedThousandths = fc.tuple(thousandths, thousandths).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
  const variantSplit = fc.integer({ min: 0, max: 100 }).map((weight) => [
    { value: 'stacked', weight },
    { value: 'side-by-side', weight: 100 - weight },
  ]);
  const userGate = booleanFlag({ ...fixture, default: false, unit: 'user' });
  const userLayout = variantFlag({ ...fixture, variants: ['stacked', 'side-by-side'], default: 'stacked', unit: 'user' });
  const workspaceLayout = variantFlag({ ...fixture, variants: ['stacked', 'side-by-side'], default: 'stacked', unit: 'workspace' });

  const evaluateRollout = (
    key: string,
    declaration: FlagDeclaration,
    context: FlagContext,
    percent: number,
    split: FlagTargeting['rollout']['split'] = everyoneGets(true).split,
  ) => evaluateFlag(key, declaration, compileTargeting(targetingWith({ rollout: { percent, split } })), context);
  const alone = (userId: string): FlagContext => ({ userId, workspaceId: null });

  it('only adds units as the percentage grows', () => {
    fc.assert(
      fc.property(flagKey, fc.uuid(), sortedThousandths, (key, userId, [low, high]) => {
        if (evaluateRollout(key, userGate, alone(userId), low / 1000).reason === 'rollout') {
          expect(evaluateRollout(key, userGate, alone(userId), high / 1000).reason).toBe('rollout');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a unit’s variant as the percentage grows', () => {
    fc.assert(
      fc.property(flagKey, fc.uuid(), sortedThousandths, variantSplit, (key, userId, [low, high], split) => {
        const before = evaluateRollout(key, userLayout, alone(userId), low / 1000, split);
        if (before.reason === 'rollout') expect(evaluateRollout(key, userLayout, alone(userId), high / 1000, split)).toEqual(before);
      }),
      { numRuns: 2000 },
    );
  });

  it('flips a workspace-unit flag for the whole workspace together', () => {
    fc.assert(
      fc.property(flagKey, fc.uuid(), fc.uuid(), fc.uuid(), thousandths, variantSplit, (key, workspaceId, userA, userB, percent, split) => {
        expect(evaluateRollout(key, workspaceLayout, { userId: userA, workspaceId }, percent / 1000, split)).toEqual(
          evaluateRollout(key, workspaceLayout, { userId: userB, workspaceId }, percent / 1000, split),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('takes nobody at 0 % and everybody at 100 %', () => {
    expect(rolloutThreshold(0)).toBe(0);
    expect(rolloutThreshold(100)).toBe(2 ** 32);
    fc.assert(
      fc.property(flagKey, fc.uuid(), (key, userId) => {
        expect(evaluateRollout(key, userGate, alone(userId), 0).reason).toBe('default');
        expect(evaluateRollout(key, userGate, alone(userId), 100).reason).toBe('rollout');
      }),
      { numRuns: 2000 },
    );
  });

  it('moves in steps of 0.001 %', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), (n) => {
        expect(rolloutThreshold((n + 1) / 1000)).toBeGreaterThan(rolloutThreshold(n / 1000));
        expect(Math.abs(rolloutThreshold(n / 1000) - (n / 100_000) * 2 ** 32)).toBeLessThan(1);
      }),
    );
    // Every unit enters at its own 0.001 % step: out one step before it, in at it.
    fc.assert(
      fc.property(flagKey, fc.uuid(), (key, userId) => {
        const entry = Math.ceil(((rolloutBucket(key, 'user', userId) + 1) * 100_000) / 2 ** 32);
        expect(evaluateRollout(key, userGate, alone(userId), (entry - 1) / 1000).reason).toBe('default');
        expect(evaluateRollout(key, userGate, alone(userId), entry / 1000).reason).toBe('rollout');
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves out a unit whose bucket is exactly the threshold, the first bucket outside', () => {
    // Found by search: its bucket is the threshold of 36.784 %.
    const onTheEdge = '00000000-0000-4000-8000-000000008a31';
    expect(rolloutBucket('export-button', 'user', onTheEdge)).toBe(rolloutThreshold(36.784));
    expect(evaluateRollout('export-button', userGate, alone(onTheEdge), 36.784).reason).toBe('default');
    expect(evaluateRollout('export-button', userGate, alone(onTheEdge), 36.785).reason).toBe('rollout');
  });

  // Fixed seed: the same 100,000 ids on every run, so the bounds are checked, not sampled.
  const randomIds = fc.sample(fc.noBias(fc.uuid({ version: 4 })), { numRuns: 100_000, seed: 11 });
  // Ids that differ in a few characters only, the hardest case for a weak hash.
  const sequentialIds = Array.from({ length: 100_000 }, (_, index) => `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`);

  it.each([
    { kind: 'random', ids: randomIds },
    { kind: 'sequential', ids: sequentialIds },
  ])('puts 20 percent of 100,000 $kind ids in a 20 percent rollout, within 0.5 percent', ({ ids }) => {
    const inRollout = ids.filter((id) => evaluateRollout('export-button', userGate, alone(id), 20).reason === 'rollout').length;
    expect(inRollout).toBeGreaterThanOrEqual(19_500);
    expect(inRollout).toBeLessThanOrEqual(20_500);
  });

  it('splits variants 70/30 within 1 %, also among the units of a partial rollout', () => {
    const split = [
      { value: 'stacked', weight: 70 },
      { value: 'side-by-side', weight: 30 },
    ];
    const shares = (percent: number) => {
      const served = randomIds.map((id) => evaluateRollout('snip-editor-layout', userLayout, alone(id), percent, split)).filter((served) => served.reason === 'rollout');
      return split.map(({ value }) => served.filter((evaluation) => evaluation.value === value).length / served.length);
    };
    const [stacked = 0, sideBySide = 0] = shares(100);
    expect(Math.abs(stacked - 0.7)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(sideBySide - 0.3)).toBeLessThanOrEqual(0.01);
    // The split hashes with its own seed: with the bucket's hash, every unit under 20 % would get 'stacked'.
    const [stackedAt20 = 0, sideBySideAt20 = 0] = shares(20);
    expect(Math.abs(stackedAt20 - 0.7)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(sideBySideAt20 - 0.3)).toBeLessThanOrEqual(0.01);
  });
});
