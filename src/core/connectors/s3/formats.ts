/** The file formats the S3 connector reads, by the names that suggest them (gzip-compressed too): one table. */
const extensions = {
  parquet: ['parquet', 'parquet.encrypted'],
  tsv: ['tsv', 'tab'],
  csv: ['csv', 'psv', 'ssv', 'txt', 'dat', 'in'],
  jsonl: ['jsonl', 'ndjson', 'json'],
} as const;

type NamedFormat = keyof typeof extensions;

const escaped = (ext: string): string => ext.replace(/\./g, '\\.');
const byFormat = Object.entries(extensions).map(([format, exts]) => ({
  format: format as NamedFormat,
  pattern: new RegExp(`\\.(${exts.map(escaped).join('|')})$`, 'i'),
}));

/** The format a name suggests (the bytes decide when the file is read: a name is a hint). */
export function formatByName(path: string): NamedFormat | undefined {
  const name = path.replace(/\.(gz|gzip)$/i, '');
  return byFormat.find((f) => f.pattern.test(name))?.format;
}

/**
 * Files the tree offers to preview: every name above, and names without an extension (Hadoop's
 * `part-00000`), whose bytes say what they are.
 */
export const previewableFile = new RegExp(
  `(\\.(${Object.values(extensions).flat().map(escaped).join('|')})(\\.(gz|gzip))?|(^|/)[^/.]+)$`,
  'i',
);
