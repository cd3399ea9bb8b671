import { data, type LoaderFunctionArgs } from 'react-router';
import { snipIdParamsSchema } from '#shared/contracts/snips.ts';

/** The `:id` of a snip route. Anything that is not a snip id is a page that does not exist: 404, no request. */
export function snipIdFrom(params: LoaderFunctionArgs['params']): string {
  const parsed = snipIdParamsSchema.safeParse(params);
  if (!parsed.success) throw data('Not found', { status: 404 });
  return parsed.data.id;
}
