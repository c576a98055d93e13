import { isSafeNumber, parse } from 'lossless-json';

/** A number with 16 or more significant digits: JSON.parse may round it. */
const longNumber = /-?(?:\d\.?){16,}(?:[eE][+-]?\d+)?/g;

const safe = (token: string): boolean => isSafeNumber(token.replace(/\.$/, ''));

/**
 * A JSON body as the server sent it: an integer beyond 2^53 or a decimal with more digits than a double
 * holds (a BIGINT id, a NUMERIC(38,10) amount) is kept as its exact text, never rounded, so that it is
 * shown as the database's own client shows it. Bodies without such numbers (nearly all) take JSON.parse.
 * Used for bodies that carry values from a database (previews, test queries); lists of connections
 * hold no such numbers and are parsed with JSON.parse alone.
 */
export function parseJson(text: string): unknown {
  // 16 significant digits have 8 in a row on one side of the point: most bodies stop at this quick test.
  if (!/\d{8}/.test(text)) return JSON.parse(text) as unknown;
  const candidates = text.match(longNumber);
  if (!candidates || candidates.every(safe)) return JSON.parse(text) as unknown;
  return parse(text, null, (value: string) => (isSafeNumber(value) ? Number(value) : value));
}
