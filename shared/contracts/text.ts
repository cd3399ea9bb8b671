import { z } from 'zod';

// With the u flag a surrogate pair is one code point, so \p{Cs} matches only a lone half (a cut emoji).
const loneSurrogate = /\p{Cs}/u;
// Whitespace, zero-width, direction marks and control characters: a text made only of them looks empty.
const visibleCharacter = /[^\p{White_Space}\p{Cf}\p{Cc}]/u;

export const unstorableTextMessage = 'This text holds a character that cannot be saved (a NUL, or half of an emoji).';

/**
 * A string without NUL, which a PostgreSQL text cannot hold, or half of a surrogate pair, which is no character at
 * all: every text a person or a client sends is one, so such input is a field's 400, never a failed query.
 */
export const storableText = (params?: { error: string }) =>
  z.string(params).refine((text) => !text.includes('\u0000') && !loneSurrogate.test(text), unstorableTextMessage);

/** Whether a person would see anything: a title of zero-width spaces is as empty as no title. */
export const hasVisibleCharacter = (text: string) => visibleCharacter.test(text);

/** The largest value of a PostgreSQL `integer`, the type of counters such as a snip's version. */
export const postgresIntegerMax = 2_147_483_647;
