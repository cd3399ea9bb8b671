import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Architectural rule: code that reads a scoped table (from / update / delete) goes through that table's policy
 * scope in the same query. Inserts create rows and need no scope. The exemptions below are the only places that
 * may read around a scope, each for a stated reason.
 */
const scopes: Record<string, string | string[]> = {
  snips: 'snipsVisibleTo',
  // The flags console reads them through its own scope: everything for a product manager, an owner's own workspaces.
  workspaces: ['workspacesVisibleTo', 'flagWorkspacesVisibleTo'],
  memberships: ['membershipsVisibleTo', 'flagMembershipsVisibleTo'],
  comments: 'commentsVisibleTo',
  notifications: 'notificationsVisibleTo',
  snipShares: 'snipSharesVisibleTo',
  jobs: 'jobsVisibleTo',
  // A file is its job's: it is read joined to the job, through the job scope.
  exportFiles: 'jobsVisibleTo',
};

const exemptions: Record<string, { tables: string[]; why: string }> = {
  'plugins/session.ts': { tables: ['workspaces', 'memberships'], why: 'derives the actor itself: from the session, or the workspaces a new session may start in' },
  'features/snips/policy.ts': { tables: ['snips', 'snipShares'], why: 'defines the scopes; the snip scope reads the viewer’s own shares' },
  'features/workspaces/policy.ts': { tables: ['workspaces', 'memberships'], why: 'defines the scopes' },
  'features/jobs/policy.ts': { tables: ['jobs'], why: 'defines the scope' },
  'features/jobs/job-lifecycle.ts': { tables: ['jobs'], why: 'the worker acts on the job it was handed, by id, to learn whose it is' },
  'features/flags-console/policy.ts': { tables: ['memberships'], why: 'defines the console scope: the workspaces the actor owns, from their own memberships' },
  'db/seed.ts': { tables: ['snips', 'workspaces', 'memberships'], why: 'writes demo data, reads nothing out' },
};

const sourceRoot = join(import.meta.dirname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && path !== join(sourceRoot, 'test-app.ts') ? [path] : [];
  });
}

/** Every unscoped read of a scoped table in one file: `table (line)`. */
export function unscopedReads(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  // Local functions and conditions built on a scope count as the scope (e.g. `visibleInCurrentWorkspace`).
  const scopeHelpers = new Map<string, Set<string>>();
  const visitHelpers = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) || ts.isFunctionDeclaration(node)) {
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : undefined;
      const body = node.getText(source);
      for (const [table, scope] of Object.entries(scopes).flatMap(([table, names]) => [names].flat().map((scope) => [table, scope] as const))) {
        if (name && name !== scope && body.includes(`${scope}(`) && !/\.(from|update|delete)\(/.test(body)) {
          scopeHelpers.set(table, (scopeHelpers.get(table) ?? new Set()).add(name));
        }
      }
    }
    ts.forEachChild(node, visitHelpers);
  };
  visitHelpers(source);

  const findings: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['from', 'update', 'delete'].includes(node.expression.name.text) &&
      node.arguments.length === 1 &&
      ts.isIdentifier(node.arguments[0]!) &&
      scopes[node.arguments[0]!.text]
    ) {
      const table = node.arguments[0]!.text;
      // The whole query is the outermost expression this call is part of.
      let query: ts.Node = node;
      while (ts.isPropertyAccessExpression(query.parent) || ts.isCallExpression(query.parent) || ts.isAwaitExpression(query.parent)) query = query.parent;
      const text = query.getText(source);
      const helpers = [...(scopeHelpers.get(table) ?? [])];
      if (![scopes[table]!].flat().some((scope) => text.includes(`${scope}(`)) && !helpers.some((name) => new RegExp(`\\b${name}\\b`).test(text))) {
        findings.push(`${table} (line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const [table] of Object.entries(scopes)) {
    // Raw SQL, written out (under the table's SQL name: snipShares is snip_shares) or interpolated into a sql`` template.
    const sqlName = table.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    if (new RegExp(`\\b(from|update|join)\\s+("?${sqlName}"?\\b|\\$\\{${table}\\})`, 'i').test(text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''))) {
      findings.push(`${table} (raw SQL)`);
    }
  }
  return findings;
}

describe('policy scopes', () => {
  it('catches an unscoped read, and accepts a scoped one', () => {
    expect(unscopedReads('x.ts', 'export const all = (db) => db.select().from(snips).where(eq(snips.id, id));')).toEqual(['snips (line 1)']);
    expect(unscopedReads('x.ts', 'export const gone = (db) => db.delete(snips).where(eq(snips.id, id));')).toEqual(['snips (line 1)']);
    expect(unscopedReads('x.ts', 'const rows = await db.execute(sql`select * from snips`);')).toEqual(['snips (raw SQL)']);
    expect(unscopedReads('x.ts', 'const n = sql`(select count(*) from ${comments} where x)`;')).toEqual(['comments (raw SQL)']);
    expect(unscopedReads('x.ts', 'const rows = await db.execute(sql`select user_id from snip_shares`);')).toEqual(['snipShares (raw SQL)']);
    expect(unscopedReads('x.ts', 'export const all = (db) => db.select().from(snipShares).where(eq(snipShares.snipId, id));')).toEqual(['snipShares (line 1)']);
    expect(unscopedReads('x.ts', 'export const mine = (db, a) => db.select().from(snips).where(and(snipsVisibleTo(a), eq(snips.id, id)));')).toEqual([]);
    expect(unscopedReads('x.ts', 'const scoped = (a) => and(snipsVisibleTo(a), x);\nexport const f = (db, a) => db.select().from(snips).where(scoped(a));')).toEqual([]);
    expect(unscopedReads('x.ts', 'const mine = and(membershipsVisibleTo(a), x);\nawait tx.delete(memberships).where(mine);')).toEqual([]);
    expect(unscopedReads('x.ts', 'export const pairs = (db, s) => db.select().from(memberships).where(flagMembershipsVisibleTo(s));')).toEqual([]);
    expect(unscopedReads('x.ts', 'const other = and(eq(memberships.userId, u), x);\nawait tx.delete(memberships).where(other);')).toEqual(['memberships (line 2)']);
  });

  it('every route, job and query in the BFF reads scoped tables through their scope', () => {
    const offenders = sourceFiles(sourceRoot).flatMap((path) => {
      const file = relative(sourceRoot, path);
      const exempt = exemptions[file]?.tables ?? [];
      return unscopedReads(file, readFileSync(path, 'utf8'))
        .filter((finding) => !exempt.includes(finding.split(' ')[0]!))
        .map((finding) => `${file}: ${finding}`);
    });
    expect(offenders).toEqual([]);
  });
});
