/**
 * Checks one connection setting against its field description. Shared by core (which enforces it)
 * and the connection form webview (which shows it inline), so both apply the same rules.
 * No Node, DOM or VS Code dependencies.
 */
export interface FieldRules {
  name: string;
  label: string;
  kind: 'string' | 'number' | 'boolean' | 'enum' | 'file' | 'secret' | 'url';
  required?: boolean;
  default?: string | number | boolean;
  min?: number;
  max?: number;
  options?: readonly { value: string }[];
}

export type FieldCheck = { ok: true; value: string | number | boolean } | { ok: false; message: string };

export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

export function checkField(field: FieldRules, value: string | number | boolean): FieldCheck {
  switch (field.kind) {
    case 'number': {
      const n = typeof value === 'number' ? value : String(value).trim() === '' ? NaN : Number(String(value).trim());
      if (!Number.isInteger(n))
        return { ok: false, message: `${field.label} must be a whole number, not "${String(value)}".` };
      if ((field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max)) {
        return {
          ok: false,
          message: `${field.label} must be between ${field.min ?? '-∞'} and ${field.max ?? '∞'}, not ${n}.`,
        };
      }
      return { ok: true, value: n };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
      return { ok: false, message: `${field.label} must be true or false.` };
    case 'enum': {
      const s = String(value);
      if (!field.options?.some((o) => o.value === s)) {
        return {
          ok: false,
          message: `${field.label} must be one of ${field.options?.map((o) => o.value).join(', ') ?? ''}, not "${s}".`,
        };
      }
      return { ok: true, value: s };
    }
    case 'string':
    case 'secret':
    case 'file':
    case 'url': {
      if (typeof value !== 'string') return { ok: false, message: `${field.label} must be text.` };
      const s = value.trim();
      if (hasControlCharacters(s)) return { ok: false, message: `${field.label} contains control characters.` };
      if (field.kind === 'url' && s !== '') {
        let url: URL | undefined;
        try {
          url = new URL(s);
        } catch {
          url = undefined;
        }
        if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
          return { ok: false, message: `${field.label} must be an http(s) URL such as https://example.com.` };
        }
      }
      return { ok: true, value: s };
    }
  }
}

/** A value typed in a form: empty means "not set", which only a required field without default refuses. */
export function checkInput(field: FieldRules, raw: string | boolean): string | undefined {
  if (typeof raw === 'string' && raw.trim() === '') {
    return field.required && field.default === undefined ? `${field.label} is required.` : undefined;
  }
  const result = checkField(field, raw);
  return result.ok ? undefined : result.message;
}
