/** A JSON object: not null, not an array (the one test for it, shared by the host, core and the webviews). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
