import type { Connection } from '../api/types';
import { ConnectionError } from '../errors';
import type { StoredConnection } from './connectionStore';
import { hasControlCharacters } from '../../shared/fieldValidation';

const maxNameLength = 200;

/** A connection name as stored: trimmed, not empty, not too long, no control characters. */
export function checkName(raw: string | undefined): string {
  const name = (raw ?? '').trim();
  if (name === '') throw new ConnectionError('invalid_config', 'A connection needs a name.', { field: 'name' });
  if (name.length > maxNameLength) {
    throw new ConnectionError('invalid_config', `A connection name can have at most ${maxNameLength} characters.`, {
      field: 'name',
    });
  }
  if (hasControlCharacters(name)) {
    throw new ConnectionError('invalid_config', 'A connection name cannot contain control characters.', {
      field: 'name',
    });
  }
  return name;
}

/** Names are unique without regard to case, within the records being written. */
export function assertNameFreeIn(
  records: readonly StoredConnection[],
  name: string,
  exceptId: string | undefined,
): void {
  const clash = records.find((r) => r.id !== exceptId && r.name.toLowerCase() === name.toLowerCase());
  if (clash) {
    throw new ConnectionError('name_taken', `A connection named "${clash.name}" already exists; choose another name.`, {
      field: 'name',
    });
  }
}

export function toConnection(record: StoredConnection): Connection {
  return { ...record, config: { ...record.config }, scope: 'user' };
}
