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

/**
 * The delimiter, preamble and comment lines of a delimited sample, as DuckDB's sniffer chooses them: a
 * candidate is a delimiter and a first record from which every record (comment lines aside) splits into
 * the same number of fields, two or more; the records before it are a preamble only where each has fewer
 * fields than the table (a title, a note). The candidate with the most such records wins, then the one with
 * more fields, then the fewer skipped lines, then the earlier delimiter; with none, the file is one column.
 * Delimiters DuckDB does not try (`^ : ~`) must hold from the first record; a space only where the name
 * says so (`.ssv`): a file of words is one column, not a table split at its spaces.
 */
export function sniffLayout(text: string, hint?: string): Omit<CsvDialect, 'header'> {
  let best: { delimiter: string; rows: number; fields: number; skip: number; line: number; comment: boolean } | undefined;
  for (const delimiter of hint ? [hint] : candidateDelimiters.filter((d) => d !== ' ')) {
    const shapes = records(text, delimiter, 500).filter((r) => !r.blank);
    const hasComments = shapes.some((r) => r.text.startsWith('#'));
    for (const comment of hasComments ? [false, true] : [false]) {
      const rows = comment ? shapes.filter((r) => !r.text.startsWith('#')) : shapes;
      for (let skip = 0; skip < Math.min(rows.length, 20); skip++) {
        const fields = rows[skip]!.fields;
        if (fields < 2 && !hint) continue;
        if (skip > 0 && (!dialectDelimiters.includes(delimiter) || rows.slice(0, skip).some((r) => r.fields >= fields))) continue;
        if (!rows.slice(skip).every((r) => r.fields === fields)) continue;
        const count = rows.length - skip;
        if (count < 2 && rows.length > 1 && !hint) continue;
        const better = !best || count > best.rows || (count === best.rows && (fields > best.fields || (fields === best.fields && skip < best.skip)));
        if (better) best = { delimiter, rows: count, fields, skip, line: rows[skip]!.line, comment };
        break; // the first first-record that works is this delimiter's best
      }
    }
  }
  // One column: split at a character the text does not hold (the parser needs a delimiter).
  if (!best)
    return { delimiter: hint ?? ['\x1f', '\x1e', '\0'].find((c) => !text.includes(c)) ?? '\x1f', skipLines: firstContentLine(text), spacesBeforeQuotes: false };
  const spacesBeforeQuotes = best.delimiter !== ' ' && new RegExp(`(^|[${escapeClass(best.delimiter)}\\r\\n]) +"`).test(text);
  return { delimiter: best.delimiter, skipLines: best.line, ...(best.comment ? { comment: '#' } : {}), spacesBeforeQuotes };
}

/** The delimiters DuckDB's sniffer tries: the only ones a preamble may be skipped for. */
const dialectDelimiters = [',', '\t', ';', '|'];

function firstContentLine(text: string): number {
  const lines = text.split(/\r\n|\n|\r/);
  const at = lines.findIndex((l) => l.trim() !== '');
  return Math.max(0, at);
}

const escapeClass = (c: string): string => c.replace(/[\\\]^-]/g, '\\$&');
