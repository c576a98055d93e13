import type { ConnectionConfig, SecretValues } from '../api/types';
import { ConnectionError } from '../errors';
import { checkField } from '../../shared/fieldValidation';
import type { ConfigField, ConnectorSpec } from './types';

/** Field values after defaults, checked against the spec. Throws invalid_config naming the field. */
export function normalizeConfig(spec: ConnectorSpec, input: ConnectionConfig): ConnectionConfig {
  const known = new Map(spec.fields.map((f) => [f.name, f]));
  for (const key of Object.keys(input)) {
    const field = known.get(key);
    if (!field) {
      throw new ConnectionError('invalid_config', `Unknown setting "${key}" for a ${spec.label} connection.`, {
        field: key,
      });
    }
    if (field.secret) {
      throw new ConnectionError(
        'invalid_config',
        `"${field.label}" is a secret and cannot be kept in the connection settings; it belongs in the credential.`,
        {
          field: key,
        },
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
      throw new ConnectionError('invalid_config', `"${key}" is not a secret of a ${spec.label} connection.`, {
        field: key,
      });
    }
  }
}

export function isVisible(field: ConfigField, config: ConnectionConfig): boolean {
  if (!field.visibleWhen) return true;
  const other = config[field.visibleWhen.field];
  return typeof other === 'string' && field.visibleWhen.values.includes(other);
}

function coerce(field: ConfigField, value: string | number | boolean): string | number | boolean {
  const result = checkField(field, value);
  if (!result.ok) throw new ConnectionError('invalid_config', result.message, { field: field.name });
  return result.value;
}
