import fc from 'fast-check';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiErrorSchema } from '#shared/contracts/errors.ts';
import { comments, exportFiles, jobs, memberships, notifications, snips, snipShares, users, workspaces } from './db/schema.ts';
import { startTestApp, type TestApp, type TestClient } from './test-app.ts';

// Every body, query and path parameter in the OpenAPI document, fed generated hostile strings (NUL, lone
// surrogates, direction marks, 100 KB, emoji) and numbers (negative, 2^31, 2^53, NaN as a string) by a signed-in
// owner: each answer is a 2xx or a 4xx in the error shape, never a 5xx, and a refusal writes no row.

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  required?: string[];
};
type Parameter = { in: 'path' | 'query' | 'header' | 'cookie'; name: string; schema: JsonSchema };
type Operation = { method: string; path: string; parameters: Parameter[]; body: JsonSchema | undefined };

let t: TestApp;
let owner: TestClient;
let operations: Operation[];
let knownIds: string[];

beforeAll(async () => {
  t = await startTestApp();
  owner = await t.signIn('owner@example.com');
  const snip = (await owner.request({ method: 'POST', url: '/api/snips', payload: { title: 'Target', body: 'x', language: 'plaintext' } })).json();
  const job = (await owner.request({ method: 'POST', url: '/api/exports', payload: {} })).json();
  const profile = (await owner.request({ url: '/api/me' })).json();
  const members = (await owner.request({ url: `/api/workspaces/${profile.currentWorkspaceId}/members` })).json();
  knownIds = [snip.id, job.id, profile.currentWorkspaceId, ...members.members.map((member: { userId: string }) => member.userId)];

  const document = t.app.swagger() as { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      // Signing out would leave the rest of the run unauthenticated: every request a 401, nothing left to prove.
      .filter(([method]) => !(path === '/api/session' && method === 'delete'))
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content['application/json']?.schema,
      })),
  );
});
afterAll(() => t.close());

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const withUnstorable = fc
  .tuple(fc.string({ maxLength: 8 }), fc.oneof(fc.constant('\u0000'), loneSurrogate), fc.string({ maxLength: 8 }))
  .map((parts) => parts.join(''));
const hostileString: fc.Arbitrary<string> = fc.oneof(
  withUnstorable,
  fc.constantFrom('\u0000', 'a\u0000b', '\u202eevil\u202c', '\u200f\u200e', '\u200b\u200d\ufeff', ' \t\n', '', '😀👍🏽', 'NaN', '-1', '2147483648', '9007199254740993', '1e309', '../../etc/passwd', "'; drop table snips; --", '%00', '__proto__'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('x', '😀', '\u0000', 'ש').map((unit) => unit.repeat(Math.ceil(100_000 / unit.length))),
);
const hostileNumber = fc.constantFrom(-1, 0, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1.5, 1e308);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, [], {}, 'NaN') },
);

/** A value the schema allows, so a request gets past its other fields and the hostile one is what is tried. */
function plausibleValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.filter((alternative) => alternative.type !== 'null').map(plausibleValue));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.format === 'uuid') return fc.constantFrom(...knownIds);
  if (schema.format === 'email') return fc.constantFrom('member@example.com', 'nobody@example.com');
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number') return fc.integer({ min: 1, max: 50 });
  if (type === 'boolean') return fc.boolean();
  if (type === 'array') return fc.array(plausibleValue(schema.items ?? {}), { maxLength: 3 });
  if (type === 'object') return objectValue(schema, undefined);
  return fc.constantFrom('debounce', 'Title', 'a-tag');
}

/** A value the schema allows but for one place in it, which holds a hostile value. */
function hostileWithin(schema: JsonSchema): fc.Arbitrary<unknown> {
  const alternatives = (schema.anyOf ?? schema.oneOf)?.filter((alternative) => alternative.type !== 'null');
  if (alternatives?.length) return fc.oneof(...alternatives.map(hostileWithin));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const names = Object.keys(schema.properties ?? {});
  if (type === 'object' && names.length > 0) {
    return fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...names).chain((name) => objectValue(schema, name)) },
      // A key the schema does not know, beside valid fields.
      { weight: 1, arbitrary: fc.tuple(objectValue(schema, undefined), fc.constantFrom('extra', 'authorId', '__proto__', 'constructor'), hostileValue).map(([object, key, value]) => {
        Object.defineProperty(object, key, { value, enumerable: true });
        return object;
      }) },
    );
  }
  if (type === 'array' && schema.items) {
    return fc.tuple(fc.array(plausibleValue(schema.items), { maxLength: 2 }), hostileWithin(schema.items)).map(([items, hostile]) => [...items, hostile]);
  }
  return hostileValue;
}

/** Required fields always, optional ones now and then; `hostile` names the one field that gets a hostile value. */
function objectValue(schema: JsonSchema, hostile: string | undefined): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    if (name === hostile) return hostileWithin(property).map((value) => [name, value] as const);
    const value = plausibleValue(property);
    return (required.has(name) ? value : fc.option(value, { nil: undefined })).map((chosen) => [name, chosen] as const);
  });
  return fc.tuple(...fields).map((entries) => Object.fromEntries(entries.filter(([, value]) => value !== undefined)));
}

/** Percent-encodes the UTF-8 bytes, as a client would send them (a lone surrogate becomes U+FFFD on the wire). */
const percentEncoded = (value: unknown) => [...Buffer.from(String(value))].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

/** A request to the operation with one hostile place: a path parameter, a query parameter, or somewhere in the body. */
const requestArbitrary = (operation: Operation) => {
  const inPath = operation.parameters.filter((parameter) => parameter.in === 'path');
  const inQuery = operation.parameters.filter((parameter) => parameter.in === 'query');
  const places = [...inPath, ...inQuery, ...(operation.body ? ['body' as const] : [])];
  // -1: every place plausible, and the query string carries a parameter the route does not know, or one twice.
  return fc.integer({ min: -1, max: places.length - 1 }).chain((target) =>
    fc
      .record({
        path: fc.tuple(...inPath.map((parameter) => (places[target] === parameter ? hostileWithin(parameter.schema) : plausibleValue(parameter.schema)))),
        query: fc.tuple(
          ...inQuery.map((parameter) => (places[target] === parameter ? hostileWithin(parameter.schema) : fc.option(plausibleValue(parameter.schema), { nil: undefined, freq: 1 }))),
        ),
        queryExtra: target === -1 ? fc.constantFrom('extra=1', ...inQuery.map((parameter) => `${parameter.name}=1&${parameter.name}=2`)) : fc.constant(undefined),
        body: !operation.body
          ? fc.constant(undefined)
          : places[target] === 'body'
            ? fc.oneof({ weight: 6, arbitrary: hostileWithin(operation.body) }, { weight: 1, arbitrary: hostileValue })
            : plausibleValue(operation.body),
      })
      .map(({ path, query, queryExtra, body }) => {
        let url = operation.path;
        inPath.forEach((parameter, index) => {
          url = url.replace(`{${parameter.name}}`, percentEncoded(path[index]));
        });
        const pairs = inQuery.flatMap((parameter, index) => (query[index] === undefined ? [] : [`${parameter.name}=${percentEncoded(query[index])}`]));
        if (queryExtra) pairs.push(queryExtra);
        if (pairs.length) url += `?${pairs.join('&')}`;
        return { method: operation.method, url, body };
      }),
  );
};

const rowCounts = () =>
  Promise.all(
    [snips, comments, snipShares, memberships, notifications, jobs, exportFiles, users, workspaces].map(async (table) => (await t.app.db.select({ count: count() }).from(table))[0]!.count),
  );

it('every schema in the OpenAPI document refuses hostile input with a 4xx in the error shape, writing nothing', async () => {
  expect(operations.length).toBeGreaterThan(15);
  // An operation is tried in proportion to the places it takes input in.
  const requests = fc.oneof(...operations.map((operation) => ({ weight: 1 + operation.parameters.length + (operation.body ? 3 : 0), arbitrary: requestArbitrary(operation) })));
  const statuses: number[] = [];
  /** 401s other than a failed sign-in (`invalid_credentials`, which the generated sign-ins mostly are). */
  const signedOut: string[] = [];
  await fc.assert(
    fc.asyncProperty(requests, async ({ method, url, body }) => {
      const before = await rowCounts();
      const response = await owner.request({
        method: method as 'GET',
        url,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 401) signedOut.push(`${method} ${url.slice(0, 200)}: ${response.json().error.code}`);
      expect(response.statusCode, `${method} ${url.slice(0, 200)} answered ${response.body.slice(0, 300)}`).toBeLessThan(500);
      if (response.statusCode >= 400) {
        expect(apiErrorSchema.safeParse(response.json()).success, response.body.slice(0, 300)).toBe(true);
        expect(await rowCounts(), `${method} ${url.slice(0, 200)} was refused but wrote`).toEqual(before);
      }
    }),
    { numRuns: 400 },
  );
  // The run proved something only if its requests reached the routes: the session lived throughout and
  // some generated values were taken (2xx), so refusals were the schemas' doing, not a lost fixture's.
  expect(signedOut.filter((answer) => !answer.endsWith('invalid_credentials'))).toEqual([]);
  expect(statuses.filter((status) => status < 300).length).toBeGreaterThan(0);
}, 120_000);
