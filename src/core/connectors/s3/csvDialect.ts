/** How a delimited file is written, as sniffed from its first bytes. */
export interface CsvDialect {
  delimiter: string;
  /** Raw lines before the first record (a preamble: titles, notes, blank lines). */
  skipLines: number;
  /** Lines starting with this are comments, skipped. */
  comment?: string;
  /** Whether the first record names the columns. */
  header: boolean;
  /** Spaces before an opening quote (`1, "a, b"`) are dropped, so the quote opens the field. */
  spacesBeforeQuotes: boolean;
}

/** Delimiters tried, in order of preference where two split the sample equally well. */
export const candidateDelimiters = [',', '\t', ';', '|', '^', ':', '~', ' '];

/**
 * Drops the spaces between a field's start and its opening quote, chunk by chunk (state is kept across
 * calls): `1, "a, b"` reads as `1,"a, b"`, as DuckDB and Python's csv module (skipinitialspace) read it.
 */
export class SpacesBeforeQuotes {
  private quoted = false;
  private atStart = true;
  private pending = '';

  constructor(private readonly delimiter: string) {}

  push(text: string): string {
    let out = '';
    for (const c of text) {
      if (this.quoted) {
        out += c;
        if (c === '"') this.quoted = false;
        continue;
      }
      if (this.atStart && c === ' ') {
        this.pending += c;
        continue;
      }
      if (c === '"') {
        if (!this.atStart) out += this.pending;
        out += c;
        this.pending = '';
        this.quoted = true;
        this.atStart = false;
        continue;
      }
      out += this.pending + c;
      this.pending = '';
      this.atStart = c === this.delimiter || c === '\n' || c === '\r';
    }
    return out;
  }

  end(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }
}

interface RecordShape {
  /** The raw line the record starts on (0-based). */
  line: number;
  fields: number;
  text: string;
  blank: boolean;
}

/** Records of a sample split by a delimiter with quotes respected (a quoted line break stays in its field). */
function records(text: string, delimiter: string, max: number): RecordShape[] {
  const out: RecordShape[] = [];
  let line = 0;
  let start = 0;
  let startLine = 0;
  let fields = 1;
  let quoted = false;
  let atStart = true;
  const close = (end: number): void => {
    const raw = text.slice(start, end);
    out.push({ line: startLine, fields, text: raw, blank: raw.trim() === '' });
  };
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') i++;
      else if (c === '"') quoted = false;
      else if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
      continue;
    }
    if (c === '"' && atStart) {
      quoted = true;
      atStart = false;
    } else if (c === delimiter) {
      fields++;
      atStart = true;
    } else if (c === '\n' || c === '\r') {
      close(i);
      if (c === '\r' && text[i + 1] === '\n') i++;
      line++;
      start = i + 1;
      startLine = line;
      fields = 1;
      atStart = true;
    } else if (c !== ' ' || delimiter === ' ') {
      atStart = false;
    }
  }
  if (start < text.length && out.length < max) close(text.length);
  return out;
}

/** The field count most records have, and how many have it. */
function mode(shapes: RecordShape[]): { fields: number; count: number } {
  const counts = new Map<number, number>();
  for (const r of shapes) counts.set(r.fields, (counts.get(r.fields) ?? 0) + 1);
  let best = { fields: 1, count: 0 };
  for (const [fields, count] of counts) if (count > best.count || (count === best.count && fields > best.fields)) best = { fields, count };
  return best;
}

/**
 * The delimiter, preamble and comment lines of a delimited sample: the delimiter that splits the most
 * records into the same number (two or more) of fields, preferring the earlier candidate on a tie; the
 * records before the first of that shape are a preamble; lines starting with `#` of another shape are
 * comments.
 */
export function sniffLayout(text: string, hint?: string): Omit<CsvDialect, 'header'> {
  let best: { delimiter: string; count: number; fields: number; shapes: RecordShape[] } | undefined;
  for (const delimiter of hint ? [hint] : candidateDelimiters) {
    const shapes = records(text, delimiter, 500).filter((r) => !r.blank);
    const { fields, count } = mode(shapes.filter((r) => !r.text.startsWith('#')));
    if (fields < 2 && !hint) continue;
    if (!best || count > best.count) best = { delimiter, count, fields, shapes };
  }
  if (!best) return { delimiter: hint ?? ',', skipLines: firstContentLine(text), spacesBeforeQuotes: false };
  const first = best.shapes.find((r) => r.fields === best.fields && !r.text.startsWith('#'));
  const after = best.shapes.filter((r) => r.line > (first?.line ?? 0));
  const comment = after.some((r) => r.text.startsWith('#') && r.fields !== best.fields) ? '#' : undefined;
  const spacesBeforeQuotes = best.delimiter !== ' ' && new RegExp(`(^|[${escapeClass(best.delimiter)}\\r\\n]) +"`).test(text);
  return { delimiter: best.delimiter, skipLines: first?.line ?? 0, ...(comment ? { comment } : {}), spacesBeforeQuotes };
}

function firstContentLine(text: string): number {
  const lines = text.split(/\r\n|\n|\r/);
  const at = lines.findIndex((l) => l.trim() !== '');
  return Math.max(0, at);
}

const escapeClass = (c: string): string => c.replace(/[\\\]^-]/g, '\\$&');
