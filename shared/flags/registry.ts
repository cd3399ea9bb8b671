import { snipLimits } from '../contracts/snips.ts';
import { booleanFlag, integerFlag, variantFlag, type FlagDeclaration, type FlagValueOf } from './declarations.ts';

/**
 * Every feature flag, declared once. A key not declared here does not compile anywhere (`request.flags.get`,
 * `useFlag`, the QA fixture), and neither does a variant compared with a value outside its union.
 *
 * The SPA imports this file for its types only (`import type`): the bundle must not carry server-only keys, and
 * a test scans it for them.
 */
export const flagRegistry = {
  'snip-editor-layout': variantFlag({
    description: 'The snip editor’s layout: the body stacked under the fields, or beside them on wide screens.',
    owner: 'editor team',
    variants: ['stacked', 'side-by-side'],
    default: 'stacked',
    unit: 'user',
    client: true,
    propagation: 'next-navigation',
    expires: '2027-06-30',
  }),
  'snips-page-size': integerFlag({
    description: 'How many snips the list loads per page.',
    owner: 'snips team',
    min: 10,
    max: snipLimits.pageSizeMax,
    default: snipLimits.pageSizeDefault,
    unit: 'user',
    client: true,
    propagation: 'next-navigation',
    expires: '2027-06-30',
  }),
  'export-button': booleanFlag({
    description: 'Exports: the Export button in the list, and POST /api/exports. Gated per workspace.',
    owner: 'jobs team',
    default: true,
    unit: 'workspace',
    client: true,
    propagation: 'live',
    expires: '2027-03-31',
  }),
  'live-presence': booleanFlag({
    description: 'Kill switch for live presence (who else is viewing a snip). Turn off to shed realtime load.',
    owner: 'platform team',
    default: true,
    unit: 'workspace',
    client: true,
    propagation: 'live',
    permanent: true,
  }),
  'export-read-batch-size': integerFlag({
    description: 'How many snips an export job reads per query. Server-only: tunes database load under exports.',
    owner: 'platform team',
    min: 5,
    max: 500,
    default: 25,
    unit: 'workspace',
    client: false,
    propagation: 'next-navigation',
    permanent: true,
  }),
} as const satisfies Record<string, FlagDeclaration>;

export type FlagRegistry = typeof flagRegistry;
export type FlagKey = keyof FlagRegistry;
export type FlagValue<K extends FlagKey> = FlagValueOf<FlagRegistry[K]>;
export type FlagValues = { [K in FlagKey]: FlagValue<K> };
/** The flags the SPA may see. */
export type ClientFlagKey = { [K in FlagKey]: FlagRegistry[K]['client'] extends true ? K : never }[FlagKey];
export type ClientFlagValues = { [K in ClientFlagKey]: FlagValue<K> };
