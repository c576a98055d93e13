import { ConnectionError } from '../../errors';

/**
 * Folders that are tables of a table format keep files of old versions beside the live ones: listing
 * their part files would show deleted and overwritten rows as if they were the table's. A Delta Lake
 * table's live files are read from its JSON log; formats whose state this reader cannot tell (Iceberg's
 * Avro manifests, Hudi's timeline, a Delta log that begins at a checkpoint, deletion vectors) are refused
 * with words, never shown as files.
 */

const deltaCommit = /_delta_log\/(\d{20})\.json$/;

/** What a folder's listing says about a table format in it (keys relative to the folder). */
export function tableFormatOf(relativeKeys: readonly string[]): 'delta' | 'iceberg' | 'hudi' | undefined {
  if (relativeKeys.some((k) => k.startsWith('_delta_log/'))) return 'delta';
  if (relativeKeys.some((k) => /^metadata\/[^/]*\.metadata\.json$/.test(k))) return 'iceberg';
  if (relativeKeys.some((k) => k.startsWith('.hoodie/'))) return 'hudi';
  return undefined;
}

/** The refusal for a table format whose live files cannot be told here. */
export function unreadableTable(format: 'iceberg' | 'hudi', where: string): ConnectionError {
  const name = format === 'iceberg' ? 'an Apache Iceberg table' : 'an Apache Hudi table';
  return new ConnectionError(
    'unsupported',
    `${where} is ${name}: its folders hold the files of every snapshot, deleted rows included, and which are live is kept in ${format === 'iceberg' ? 'Avro manifests' : 'its timeline'}, which previews do not read. Preview its data files one by one.`,
  );
}

/**
 * A Delta Lake table's live files (relative paths, decoded), replaying its JSON commits in order: each
 * `add` makes a file live, each `remove` takes it out. The log must begin at version 0: one cleaned up
 * down to a checkpoint is refused, as is a file with a deletion vector (rows deleted inside it).
 */
export async function deltaLiveFiles(
  relativeKeys: readonly string[],
  read: (relative: string) => Promise<string>,
  where: string,
): Promise<Set<string>> {
  const commits = relativeKeys
    .map((k) => ({ k, m: deltaCommit.exec(k) }))
    .filter((c): c is { k: string; m: RegExpExecArray } => c.m !== null && c.k === `_delta_log/${c.m[1]}.json`)
    .map((c) => ({ key: c.k, version: BigInt(c.m[1]) }))
    .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  if (commits.length === 0 || commits[0].version !== 0n) {
    throw new ConnectionError(
      'unsupported',
      `${where} is a Delta Lake table whose log ${commits.length ? `begins at version ${commits[0].version}` : 'has no JSON commits'} (a checkpoint): which files are live cannot be told from it here. Preview its part files one by one.`,
    );
  }
  const live = new Set<string>();
  for (const [i, commit] of commits.entries()) {
    if (commit.version !== BigInt(i))
      throw new ConnectionError(
        'unsupported',
        `${where}: its Delta log has no commit ${i}; the table cannot be read from it.`,
      );
    const text = await read(commit.key);
    for (const [n, line] of text.split('\n').entries()) {
      if (!line.trim()) continue;
      let action: {
        add?: { path?: unknown; deletionVector?: unknown };
        remove?: { path?: unknown };
        protocol?: { minReaderVersion?: unknown; readerFeatures?: unknown };
        metaData?: { configuration?: Record<string, unknown> };
      };
      try {
        action = JSON.parse(line) as typeof action;
      } catch {
        throw new ConnectionError(
          'unsupported',
          `${where}: line ${n + 1} of its Delta commit ${commit.version} is not JSON; the table cannot be read from its log.`,
        );
      }
      readable(action.protocol, action.metaData, where);
      if (action.add && typeof action.add.path === 'string') {
        if (action.add.deletionVector) {
          throw new ConnectionError(
            'unsupported',
            `${where} is a Delta Lake table with deletion vectors (rows deleted inside its files), which previews do not apply. Preview its part files one by one.`,
          );
        }
        live.add(decodePath(action.add.path));
      }
      if (action.remove && typeof action.remove.path === 'string') live.delete(decodePath(action.remove.path));
    }
  }
  return live;
}

/** Reader features whose files read as plain Parquet here (deletion vectors are refused file by file). */
const plainReaderFeatures = new Set(['deletionVectors', 'timestampNtz', 'v2Checkpoint', 'vacuumProtocolCheck']);

/**
 * A protocol or metadata action that changes what the Parquet files mean is refused: column mapping (the
 * files' column names are physical ids, the table's names and its partition values live in the log) and
 * any reader feature not known to read as plain files.
 */
function readable(
  protocol: { minReaderVersion?: unknown; readerFeatures?: unknown } | undefined,
  metaData: { configuration?: Record<string, unknown> } | undefined,
  where: string,
): void {
  const mode = metaData?.configuration?.['delta.columnMapping.mode'];
  const features = Array.isArray(protocol?.readerFeatures) ? (protocol.readerFeatures as unknown[]).map(String) : [];
  if ((mode !== undefined && mode !== 'none') || features.includes('columnMapping')) {
    throw new ConnectionError(
      'unsupported',
      `${where} is a Delta Lake table with column mapping: its files name columns by physical ids and keep partition values in the log, so previews would show other names than the table's. Preview its part files one by one.`,
    );
  }
  const unknown = features.filter((f) => !plainReaderFeatures.has(f) && f !== 'columnMapping');
  if (unknown.length) {
    throw new ConnectionError(
      'unsupported',
      `${where} is a Delta Lake table that needs reader features previews do not know (${unknown.join(', ')}).`,
    );
  }
}

/** A Delta action's path: a URI, relative to the table (percent-encoded). */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
