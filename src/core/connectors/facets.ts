import { ConnectionError } from '../errors';

/** A session's facet (SQL or storage), or an error naming what the connector lacks. */
export function requireFacet<F>(facet: F | undefined, what: string): F {
  if (!facet) throw new ConnectionError('unsupported', `This connector has no ${what} side.`);
  return facet;
}

/** An optional method of a facet, or an error naming what the connector cannot do. */
export function requireMethod<O extends object, K extends keyof O>(owner: O, key: K, what: string): NonNullable<O[K]> {
  const method = owner[key];
  if (!method) throw new ConnectionError('unsupported', `This connector cannot list ${what}.`);
  return method;
}
