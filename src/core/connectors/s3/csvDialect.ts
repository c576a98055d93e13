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
  /** The quote character (`"` or `'`, doubled inside a quoted field), or '' where quotes are plain text. */
  quote: string;
  /** One column: a blank line is a row (NULL), as DuckDB reads it. */
  oneColumn?: boolean;
}

/** Quote characters tried, in order of preference; '' reads quotes as text. */
const candidateQuotes = ['"', "'", ''];

/** Delimiters tried, in order of preference where two split the sample equally well. */
export const candidateDelimiters = [',', '\t', ';', '|', '^', ':', '~', ' '];

/**
 * Drops the spaces between a field's start and its opening quote, chunk by chunk (state is kept across
 * calls): `1, "a, b"` reads as `1,"a, b"`, as DuckDB and Python's csv module (skipinitialspace) read it.
 * csv-parse splits such a field (adaltas/node-csv-parse#138, closed with `trim`, which would also trim
 * spaces the data keeps, ` plain` here): this stage in front of it is the wrapper.
 */
export class SpacesBeforeQuotes {
  private quoted = false;
  private atStart = true;
  private pending = '';

  constructor(
    private readonly delimiter: string,
    private readonly quote = '"',
  ) {}

  push(text: string): string {
    let out = '';
    for (const c of text) {
      if (this.quoted) {
        out += c;
        if (c === this.quote) this.quoted = false;
        continue;
      }
      if (this.atStart && c === ' ') {
        this.pending += c;
        continue;
      }
      if (c === this.quote) {
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
  /** It ends with a delimiter (an empty last field many writers add to every data row). */
  trailing: boolean;
}

/** Records of a sample split by a delimiter with quotes respected (a quoted line break stays in its field). */
function records(text: string, delimiter: string, max: number, quote = '"'): RecordShape[] {
  const out: RecordShape[] = [];
  let line = 0;
  let start = 0;
  let startLine = 0;
  let fields = 1;
  let quoted = false;
  let atStart = true;
  let last = '';
  const close = (end: number): void => {
    const raw = text.slice(start, end);
    out.push({
      line: startLine,
      fields,
      text: raw,
      blank: raw.trim() === '',
      trailing: fields > 1 && last === delimiter,
    });
  };
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text[i];
    if (quoted) {
      last = c;
      if (c === quote && text[i + 1] === quote) i++;
      else if (c === quote) quoted = false;
      else if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
      continue;
    }
    if (c !== '\n' && c !== '\r') last = c;
    if (quote && c === quote && atStart) {
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
      last = '';
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
  type Candidate = {
    delimiter: string;
    quote: string;
    rows: number;
    fields: number;
    skip: number;
    line: number;
    comment: boolean;
    rank: number;
  };
  let best: Candidate | undefined;
  const consider = (c: Candidate): void => {
    // More alike records first; then the preferred quote (a quoted reading over a quote-less one); then
    // more fields; then fewer skipped lines (the first delimiter found keeps a full tie).
    // A preamble's lines count as explained: a table under a title is not outdone by reading it all as one column.
    const [mine, theirs] = [c.rows + c.skip, best ? best.rows + best.skip : -1];
    const better =
      !best ||
      mine > theirs ||
      (mine === theirs &&
        (c.rank < best.rank ||
          (c.rank === best.rank && (c.fields > best.fields || (c.fields === best.fields && c.skip < best.skip)))));
    if (better) best = c;
  };
  const quoted = text.includes('"');
  // '"' always (a quote may come after the sample); "'" where the text has one; none only where '"' is
  // there but may not pair (quotes read as text).
  const quotes = candidateQuotes.filter((q) => q === '"' || (q === "'" && text.includes(q)) || (q === '' && quoted));
  for (const [rank, quote] of quotes.entries()) {
    let oneColumn: Candidate | undefined;
    for (const delimiter of hint ? [hint] : candidateDelimiters.filter((d) => d !== ' ')) {
      const shapes = records(text, delimiter, 500, quote).filter((r) => !r.blank);
      const hasComments = shapes.some((r) => r.text.startsWith('#'));
      for (const comment of hasComments ? [false, true] : [false]) {
        const rows = comment ? shapes.filter((r) => !r.text.startsWith('#')) : shapes;
        // The quote read as one column (every record one field), where records are whole quoted fields.
        if (
          !hint &&
          quote &&
          !comment &&
          !oneColumn &&
          rows.every((r) => r.fields === 1) &&
          rows.some((r) => r.text.trimStart().startsWith(quote)) &&
          rows.every((r) => !r.text.includes(quote) || enclosed(r.text.trim(), quote))
        )
          oneColumn = {
            delimiter: '',
            quote,
            rows: rows.length,
            fields: 1,
            skip: 0,
            line: rows[0]?.line ?? 0,
            comment,
            rank,
          };
        for (let skip = 0; skip < Math.min(rows.length, 20); skip++) {
          const fields = rows[skip].fields;
          if (fields < 2 && !hint) continue;
          if (
            skip > 0 &&
            (!dialectDelimiters.includes(delimiter) || rows.slice(0, skip).some((r) => r.fields >= fields))
          )
            continue;
          // A row with one more, empty, last field than the first record is alike (a trailing delimiter).
          if (!rows.slice(skip).every((r) => r.fields === fields || (r.trailing && r.fields === fields + 1))) continue;
          const count = rows.length - skip;
          if (count < 2 && rows.length > 1 && !hint) continue;
          consider({ delimiter, quote, rows: count, fields, skip, line: rows[skip].line, comment, rank });
          break; // the first first-record that works is this delimiter's best
        }
      }
    }
    if (oneColumn) consider(oneColumn);
  }
  const chosen = best;
  // One column: split at a character the text does not hold (the parser needs a delimiter).
  if (!chosen || chosen.delimiter === '') {
    const delimiter = hint ?? ['\x1f', '\x1e', '\0'].find((c) => !text.includes(c)) ?? '\x1f';
    return {
      delimiter,
      quote: chosen?.quote ?? '"',
      skipLines: firstContentLine(text),
      spacesBeforeQuotes: false,
      oneColumn: !hint,
    };
  }
  const spacesBeforeQuotes =
    chosen.quote !== '' &&
    chosen.delimiter !== ' ' &&
    new RegExp(`(^|[${escapeClass(chosen.delimiter)}\\r\\n]) +${escapeClass(chosen.quote)}`).test(text);
  return {
    delimiter: chosen.delimiter,
    quote: chosen.quote,
    skipLines: chosen.line,
    ...(chosen.comment ? { comment: '#' } : {}),
    spacesBeforeQuotes,
  };
}

/** Whether text is one field wholly enclosed in quotes (inner quotes doubled). */
function enclosed(text: string, quote: string): boolean {
  if (text.length < 2 || !text.startsWith(quote) || !text.endsWith(quote)) return false;
  return !text
    .slice(1, -1)
    .split(quote + quote)
    .join('')
    .includes(quote);
}

/** The delimiters DuckDB's sniffer tries: the only ones a preamble may be skipped for. */
const dialectDelimiters = [',', '\t', ';', '|'];

function firstContentLine(text: string): number {
  const lines = text.split(/\r\n|\n|\r/);
  const at = lines.findIndex((l) => l.trim() !== '');
  return Math.max(0, at);
}

const escapeClass = (c: string): string => c.replace(/[\\\]^-]/g, '\\$&');

/** The parser's options for a dialect (the schema's sample and the preview's stream read alike). */
export function parseOptions(dialect: Omit<CsvDialect, 'header'>): {
  delimiter: string;
  quote: string | false;
  escape?: string;
  relax_column_count: true;
  relax_quotes: true;
  skip_empty_lines: boolean;
  bom: true;
  comment?: string;
  comment_no_infix?: true;
} {
  return {
    delimiter: dialect.delimiter,
    // A quote inside a quoted field is doubled, whichever character quotes.
    ...(dialect.quote ? { quote: dialect.quote, escape: dialect.quote } : { quote: false }),
    relax_column_count: true,
    relax_quotes: true,
    // In one column a blank line is a row (NULL), as DuckDB reads it; elsewhere it is skipped.
    skip_empty_lines: !dialect.oneColumn,
    bom: true,
    ...(dialect.comment ? { comment: dialect.comment, comment_no_infix: true } : {}),
  };
}
