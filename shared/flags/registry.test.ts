import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { fitsDeclaration, isExpired, type FlagDeclaration } from './declarations.ts';
import { flagRegistry } from './registry.ts';

const declarations: [string, FlagDeclaration][] = Object.entries(flagRegistry);

/** What the lifecycle rule reports: each temporary flag past its date, with whom to ask to remove it. */
const pastTheirExpiry = (registry: [string, FlagDeclaration][], today: Date) =>
  registry.filter(([, declaration]) => isExpired(declaration, today)).map(([key, { owner, expires }]) => `${key} (owner: ${owner}) expired on ${expires}`);

const common = { description: 'A flag of these tests.', owner: 'flags tests', unit: 'user', client: false, propagation: 'live' } as const;
const trial: FlagDeclaration = { ...common, type: 'boolean', default: false, expires: '2027-06-30' };
const killSwitch: FlagDeclaration = { ...common, type: 'boolean', default: true, permanent: true };

describe('the flag lifecycle', () => {
  it('has no temporary flag past its expiry date', () => {
    expect(pastTheirExpiry(declarations, new Date()), 'Remove these flags and the code that reads them, or agree a new date with their owner').toEqual([]);
  });

  it('names each expired flag, its owner and its date', () => {
    const registry: [string, FlagDeclaration][] = [
      ['new-trial', trial],
      ['old-trial', { ...trial, owner: 'editor team', expires: '2027-01-31' }],
      ['kill-switch', killSwitch],
    ];
    expect(pastTheirExpiry(registry, new Date('2027-01-31T12:00:00Z'))).toEqual([]);
    expect(pastTheirExpiry(registry, new Date('2027-02-01T00:00:00Z'))).toEqual(['old-trial (owner: editor team) expired on 2027-01-31']);
    expect(pastTheirExpiry(registry, new Date('2027-07-01T00:00:00Z'))).toEqual([
      'new-trial (owner: flags tests) expired on 2027-06-30',
      'old-trial (owner: editor team) expired on 2027-01-31',
    ]);
  });
});

describe('isExpired', () => {
  it('keeps a temporary flag through its expiry date (UTC)', () => {
    expect(isExpired(trial, new Date('2026-01-01T00:00:00Z'))).toBe(false);
    expect(isExpired(trial, new Date('2027-06-30T00:00:00Z'))).toBe(false);
    expect(isExpired(trial, new Date('2027-06-30T23:59:59.999Z'))).toBe(false);
  });

  it('expires it the day after', () => {
    expect(isExpired(trial, new Date('2027-07-01T00:00:00Z'))).toBe(true);
    expect(isExpired(trial, new Date('2030-01-01T00:00:00Z'))).toBe(true);
  });

  it('never expires a permanent flag', () => {
    expect(isExpired(killSwitch, new Date('9999-12-31T00:00:00Z'))).toBe(false);
  });
});

describe.each(declarations)('the declaration of %s', (key, declaration) => {
  it('has a kebab-case key, a description and an owner', () => {
    expect(key).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(declaration.description.trim()).not.toBe('');
    expect(declaration.owner.trim()).not.toBe('');
  });

  it('has a default that fits its type', () => {
    expect(fitsDeclaration(declaration, declaration.default)).toBe(true);
  });

  it('has bounds and variants that make sense', () => {
    if (declaration.type === 'integer') {
      expect(Number.isSafeInteger(declaration.min) && Number.isSafeInteger(declaration.max)).toBe(true);
      expect(declaration.min).toBeLessThanOrEqual(declaration.default);
      expect(declaration.default).toBeLessThanOrEqual(declaration.max);
    }
    if (declaration.type === 'variant') {
      expect(declaration.variants.length).toBeGreaterThanOrEqual(2);
      expect(new Set(declaration.variants).size).toBe(declaration.variants.length);
    }
  });

  it('is either temporary, with a real expiry date, or permanent', () => {
    expect('expires' in declaration !== 'permanent' in declaration).toBe(true);
    if (declaration.expires === undefined) {
      expect(declaration.permanent).toBe(true);
    } else {
      expect(declaration.expires).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // isExpired would never fire on a date it cannot read (2027-13-01), nor on time for one that rolls over (2027-02-30).
      const date = new Date(`${declaration.expires}T00:00:00Z`);
      expect(Number.isNaN(date.getTime())).toBe(false);
      expect(date.toISOString().slice(0, 10)).toBe(declaration.expires);
    }
  });
});

describe('registry.type-test.ts', () => {
  it('refuses each misuse with the error its comment names', () => {
    const typeTest = new URL('./registry.type-test.ts', import.meta.url).pathname;
    const text = ts.sys.readFile(typeTest) ?? '';
    const expected = text.split('\n').flatMap((line, index) => {
      const code = /@ts-expect-error (TS\d+):/.exec(line)?.[1];
      return code ? [{ line: index + 2, code }] : [];
    });
    expect(expected.length).toBeGreaterThan(0);

    // Without its directives the file must fail on exactly the lines they guarded, with exactly the named errors.
    const unguarded = text.replaceAll('@ts-expect-error', 'expected error');
    const { config } = ts.readConfigFile(new URL('../../tsconfig.json', import.meta.url).pathname, ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, new URL('../..', import.meta.url).pathname);
    const host = ts.createCompilerHost(options);
    const readSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, ...rest) =>
      fileName === typeTest ? ts.createSourceFile(fileName, unguarded, languageVersion) : readSourceFile(fileName, languageVersion, ...rest);
    const program = ts.createProgram([typeTest], { ...options, types: [], lib: ['lib.es2023.d.ts'] }, host);
    // This file's errors only: the modules it imports are checked by `tsc` with the project's full libraries.
    const found = ts.getPreEmitDiagnostics(program, program.getSourceFile(typeTest)).map((diagnostic) => ({
      line: diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0,
      code: `TS${diagnostic.code}`,
    }));
    expect(found).toEqual(expected);
  });
});
