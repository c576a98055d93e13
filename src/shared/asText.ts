/**
 * A value from a driver, a server or a file as text: a string as it is; a number, boolean or bigint in
 * its usual form; a symbol or function by its description; anything else (an object, an array) as JSON;
 * null and undefined as the fallback. Never "[object Object]".
 */
export function asText(value: unknown, fallback = ''): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return value.toString();
    case 'symbol':
      return value.description ?? '';
    case 'function':
      return value.name;
    case 'undefined':
      return fallback;
    case 'object':
      return value === null ? fallback : (JSON.stringify(value) ?? fallback);
  }
}
