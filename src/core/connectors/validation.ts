import type { ConnectionConfig, SecretValues } from '../api/types';
import { ConnectionError } from '../errors';
import type { ConfigField, ConnectorSpec } from './types';

/** Field values after defaults, checked against the spec. Throws invalid_config naming the field. */
export function normalizeConfig(spec: ConnectorSpec, input: ConnectionConfig): ConnectionConfig {
  const known = new Map(spec.fields.map((f) => [f.name, f]));
  for (const key of Object.keys(input)) {
    const field = known.get(key);
    if (!field) {
      throw new ConnectionError('invalid_config', `Unknown setting "${key}" for a ${spec.label} connection.`, { field: key });
    }
    if (field.secret) {
      throw new ConnectionError(
        'invalid_config',
        `"${field.label}" is a secret and cannot be kept in the connection settings; it belongs in the credential.`,
        { field: key },
      );
    }
  }
  const out: ConnectionConfig = {};
  for (const field of spec.fields) {
    if (field.secret) continue;
    const raw = input[field.name];
    const value = raw === undefined || raw === '' ? field.default : raw;
    if (value === undefined) {
      if (field.required && isVisible(field, out)) {
        throw new ConnectionError('invalid_config', `${field.label} is required.`, { field: field.name });
      }
      continue;
    }
    out[field.name] = coerce(field, value);
  }
  return out;
}

export function checkSecrets(spec: ConnectorSpec, secrets: SecretValues): void {
  const secretFields = new Set(spec.fields.filter((f) => f.secret).map((f) => f.name));
  for (const key of Object.keys(secrets)) {
    if (!secretFields.has(key)) {
      throw new ConnectionError('invalid_config', `"${key}" is not a secret of a ${spec.label} connection.`, { field: key });
    }
  }
}

/** True when the text holds a character below U+0020 (newline, tab, NUL...). */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

/** Checks one typed value the way normalizeConfig would; the message names the field. */
export function validateFieldInput(field: ConfigField, raw: string): string | undefined {
  if (raw.trim() === '') {
    return field.required && field.default === undefined ? `${field.label} is required.` : undefined;
  }
  try {
    coerce(field, raw);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function isVisible(field: ConfigField, config: ConnectionConfig): boolean {
  if (!field.visibleWhen) return true;
  const other = config[field.visibleWhen.field];
  return typeof other === 'string' && field.visibleWhen.values.includes(other);
}

function coerce(field: ConfigField, value: string | number | boolean): string | number | boolean {
  switch (field.kind) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (!Number.isInteger(n)) {
        throw new ConnectionError('invalid_config', `${field.label} must be a whole number, not "${String(value)}".`, { field: field.name });
      }
      if ((field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max)) {
        throw new ConnectionError(
          'invalid_config',
          `${field.label} must be between ${field.min ?? '-∞'} and ${field.max ?? '∞'}, not ${n}.`,
          { field: field.name },
        );
      }
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new ConnectionError('invalid_config', `${field.label} must be true or false.`, { field: field.name });
    case 'enum': {
      const s = String(value);
      if (!field.options?.some((o) => o.value === s)) {
        const allowed = field.options?.map((o) => o.value).join(', ') ?? '';
        throw new ConnectionError('invalid_config', `${field.label} must be one of ${allowed}, not "${s}".`, { field: field.name });
      }
      return s;
    }
    default: {
      if (typeof value !== 'string') {
        throw new ConnectionError('invalid_config', `${field.label} must be text.`, { field: field.name });
      }
      const s = value.trim();
      if (hasControlCharacters(s)) {
        throw new ConnectionError('invalid_config', `${field.label} contains control characters.`, { field: field.name });
      }
      return s;
    }
  }
}
