/**
 * What the registry's types refuse, checked by `tsc` (`npm run typecheck`): each line under a `@ts-expect-error`
 * must fail to compile, or the check fails. The code after it is the error the line must fail with, which
 * registry.test.ts verifies. Nothing here runs; the name keeps vitest from collecting it.
 */
import { variantFlag } from './declarations.ts';
import type { ClientFlagKey, ClientFlagValues, FlagKey, FlagValue, FlagValues } from './registry.ts';

/** The shape of every typed reader: `request.flags.get`, `useFlag`. */
declare const get: <K extends FlagKey>(key: K) => FlagValue<K>;

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// Each declared flag reads as its declared type, not as a wider one.
export const layoutIsItsUnion: Equals<FlagValue<'snip-editor-layout'>, 'stacked' | 'side-by-side'> = true;
export const pageSizeIsANumber: Equals<FlagValue<'snips-page-size'>, number> = true;
export const exportButtonIsABoolean: Equals<FlagValue<'export-button'>, boolean> = true;
export const sideBySide = get('snip-editor-layout') === 'side-by-side';
export const pageSize: number = get('snips-page-size') + 1;
export const presence: boolean = get('live-presence');
export const clientKey: ClientFlagKey = 'export-button';
export const values: Pick<FlagValues, 'export-read-batch-size' | 'snip-editor-layout'> = { 'export-read-batch-size': 25, 'snip-editor-layout': 'stacked' };
export const declaration = variantFlag({
  description: 'A declaration that compiles.',
  owner: 'flags tests',
  variants: ['one', 'two'],
  default: 'two',
  unit: 'user',
  client: true,
  propagation: 'live',
  permanent: true,
});

// @ts-expect-error TS2345: a key that is not declared
get('snip-editor-layouts');

// @ts-expect-error TS2345: any string is not a key
get('export-button' as string);

// @ts-expect-error TS2367: 'grid' is not one of the layout's variants
export const grid = get('snip-editor-layout') === 'grid';

// @ts-expect-error TS2367: a boolean flag is never a string
export const enabled = get('export-button') === 'true';

// @ts-expect-error TS2322: an integer flag's value is a number
export const size: FlagValue<'snips-page-size'> = '20';

// @ts-expect-error TS2322: a server-only flag is not a client key
export const serverOnly: ClientFlagKey = 'export-read-batch-size';

// @ts-expect-error TS2339: nor part of the client snapshot
export const batchSize: ClientFlagValues['export-read-batch-size'] = 25;

export const outsideItsVariants = variantFlag({
  description: 'A declaration whose default is not a variant.',
  owner: 'flags tests',
  variants: ['one', 'two'],
  // @ts-expect-error TS2322: the default must be one of the variants
  default: 'not-a-variant',
  unit: 'user',
  client: true,
  propagation: 'live',
  permanent: true,
});
