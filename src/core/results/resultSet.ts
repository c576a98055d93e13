import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CellValue, ResultSink, StreamStats } from '../api/types';
import { ConnectionError, errorMessage } from '../errors';

export type ResultPhase = 'running' | 'done' | 'failed' | 'cancelled';

export interface ResultSetOptions {
  /** Folder for the spool file; a private temp folder by default. */
  dir?: string;
  /** Rows kept in memory before the result moves to disk. */
  memoryRows?: number;
  /** Rows per block of the on-disk index. */
  blockRows?: number;
  /** Decoded blocks kept in memory. */
  cacheBlocks?: number;
}

const bytesKey = '\u0000b';

function encodeRow(row: CellValue[]): string {
  return JSON.stringify(row, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    // Buffer.toJSON has run by now; look at the original value.
    if (raw instanceof Uint8Array)
      return { [bytesKey]: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    return value;
  });
}

function decodeRow(line: string): CellValue[] {
  return JSON.parse(line, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const b = (value as Record<string, unknown>)[bytesKey];
      if (typeof b === 'string' && Object.keys(value).length === 1) return new Uint8Array(Buffer.from(b, 'base64'));
    }
    return value;
  }) as CellValue[];
}

let spoolDir: Promise<string> | undefined;

/** One private folder (mode 0700) per process for spool files; removed by removeSpoolFolder on exit. */
function defaultSpoolDir(): Promise<string> {
  spoolDir ??= fs.mkdtemp(path.join(os.tmpdir(), 'planasonix-results-'));
  return spoolDir;
}

/**
 * Removes spool folders that a crashed or killed VS Code left behind: those not touched for maxAgeMs
 * (a week by default; a live window's folder changes whenever a result comes or goes).
 */
export async function sweepStaleSpoolFolders(maxAgeMs = 7 * 24 * 3600_000, root = os.tmpdir()): Promise<number> {
  let removed = 0;
  const own = spoolDir ? path.basename(await spoolDir) : undefined;
  for (const name of await fs.readdir(root).catch(() => [] as string[])) {
    if (!name.startsWith('planasonix-results-') || name === own) continue;
    const dir = path.join(root, name);
    const st = await fs.stat(dir).catch(() => undefined);
    if (!st?.isDirectory() || Date.now() - st.mtimeMs < maxAgeMs) continue;
    await fs.rm(dir, { recursive: true, force: true }).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

export async function removeSpoolFolder(): Promise<void> {
  const dir = spoolDir;
  spoolDir = undefined;
  if (dir) await fs.rm(await dir, { recursive: true, force: true }).catch(() => undefined);
}

/**
 * A query result as it streams in, readable by row window at any time. Small results stay in memory;
 * past `memoryRows` rows everything goes to a spool file on disk (one JSON line per row, with a byte
 * index per block of rows), and reads decode only the blocks they touch, through a small LRU. So a
 * million-row result costs the extension host a few hundred kilobytes, not the result's size.
 */
export class ResultSet implements ResultSink {
  columns: string[] = [];
  columnTypes: string[] = [];
  phase: ResultPhase = 'running';
  stats: StreamStats | undefined;
  error: unknown;

  private memory: CellValue[][] | undefined = [];
  private file: fs.FileHandle | undefined;
  private filePath: string | undefined;
  private readonly blockOffsets: number[] = [];
  private bytes = 0;
  private count = 0;
  private readonly cache = new Map<number, CellValue[][]>();
  private readonly listeners = new Set<() => void>();
  private writing: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly memoryRows: number;
  private readonly blockRows: number;
  private readonly cacheBlocks: number;

  constructor(private readonly options: ResultSetOptions = {}) {
    this.memoryRows = options.memoryRows ?? 5000;
    this.blockRows = options.blockRows ?? 256;
    this.cacheBlocks = options.cacheBlocks ?? 16;
  }

  /** Rows received so far. */
  get rowCount(): number {
    return this.count;
  }

  /** Whether rows went to disk; for tests and diagnostics. */
  get spooled(): boolean {
    return this.file !== undefined;
  }

  /** Called on every change of rows or phase. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(columns: string[], columnTypes: string[]): void {
    this.columns = columns;
    this.columnTypes = columnTypes;
    this.emit();
  }

  rows(batch: CellValue[][]): Promise<void> {
    if (this.disposed) return Promise.reject(new ConnectionError('cancelled', 'The result was closed.'));
    // Writes are chained so that rows land in order, and the driver waits for the disk.
    this.writing = this.writing.then(() => this.append(batch));
    return this.writing.then(() => this.emit());
  }

  /** Follows a stream to its end and records how it ended. */
  async track(run: Promise<StreamStats>): Promise<void> {
    try {
      const stats = await run;
      await this.writing;
      this.stats = stats;
      this.phase = 'done';
    } catch (error) {
      await this.writing.catch(() => undefined);
      this.error = error;
      this.phase = ConnectionError.is(error, 'cancelled') ? 'cancelled' : 'failed';
    }
    this.emit();
  }

  /** Rows [offset, offset + count), cut to what has arrived. */
  async window(offset: number, count: number): Promise<CellValue[][]> {
    const end = Math.min(this.count, offset + count);
    if (offset >= end) return [];
    if (this.memory) return this.memory.slice(offset, end);
    const out: CellValue[][] = [];
    for (let b = Math.floor(offset / this.blockRows); b * this.blockRows < end; b++) {
      const rows = await this.block(b);
      const base = b * this.blockRows;
      for (let i = Math.max(offset, base); i < Math.min(end, base + rows.length); i++) out.push(rows[i - base]);
    }
    return out;
  }

  /** Every row in order, in batches, for export; reads past the cache so it is not flushed. */
  async *batches(size = 1000): AsyncGenerator<CellValue[][]> {
    for (let offset = 0; offset < this.count; offset += size) {
      if (this.memory) {
        yield this.memory.slice(offset, offset + size);
        continue;
      }
      const end = Math.min(this.count, offset + size);
      const out: CellValue[][] = [];
      for (let b = Math.floor(offset / this.blockRows); b * this.blockRows < end; b++) {
        const rows = this.cache.get(b) ?? (await this.readBlock(b));
        const base = b * this.blockRows;
        for (let i = Math.max(offset, base); i < Math.min(end, base + rows.length); i++) out.push(rows[i - base]);
      }
      yield out;
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.listeners.clear();
    this.cache.clear();
    this.memory = [];
    await this.writing.catch(() => undefined);
    const file = this.file;
    this.file = undefined;
    await file?.close().catch(() => undefined);
    if (this.filePath) await fs.rm(this.filePath, { force: true }).catch(() => undefined);
  }

  private emit(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private async append(batch: CellValue[][]): Promise<void> {
    if (this.disposed || batch.length === 0) return;
    if (this.memory) {
      if (this.memory.length + batch.length <= this.memoryRows) {
        for (const r of batch) this.memory.push(r);
        this.count += batch.length;
        return;
      }
      await this.openSpool();
      const held = this.memory;
      this.memory = undefined;
      await this.writeRows(held, 0);
    }
    await this.writeRows(batch, this.count);
    this.count += batch.length;
  }

  private async openSpool(): Promise<void> {
    const dir = this.options.dir ?? (await defaultSpoolDir());
    this.filePath = path.join(dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
    try {
      this.file = await fs.open(this.filePath, 'wx+', 0o600);
    } catch (error) {
      throw new ConnectionError('internal', `Could not write the result to disk: ${errorMessage(error)}`);
    }
  }

  /** Appends rows numbered from `first`, noting where each block starts. */
  private async writeRows(rows: CellValue[][], first: number): Promise<void> {
    const parts: Buffer[] = [];
    const starts: number[] = [];
    let at = this.bytes;
    rows.forEach((row, i) => {
      if ((first + i) % this.blockRows === 0) starts.push(at);
      const line = Buffer.from(`${encodeRow(row)}\n`, 'utf8');
      parts.push(line);
      at += line.length;
    });
    const data = Buffer.concat(parts);
    await this.file!.write(data, 0, data.length, this.bytes);
    // Readers see the new bytes and blocks only once they are on disk.
    this.bytes += data.length;
    for (const s of starts) this.blockOffsets.push(s);
  }

  private async block(index: number): Promise<CellValue[][]> {
    const cached = this.cache.get(index);
    if (cached) {
      this.cache.delete(index);
      this.cache.set(index, cached);
      return cached;
    }
    const rows = await this.readBlock(index);
    // A block still filling is not cached: more of its rows may arrive.
    if (rows.length === this.blockRows) {
      this.cache.set(index, rows);
      while (this.cache.size > this.cacheBlocks) this.cache.delete(this.cache.keys().next().value!);
    }
    return rows;
  }

  private async readBlock(index: number): Promise<CellValue[][]> {
    const start = this.blockOffsets[index];
    if (start === undefined || !this.file) return [];
    const end = this.blockOffsets[index + 1] ?? this.bytes;
    const buffer = Buffer.alloc(end - start);
    await this.file.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    const rows: CellValue[][] = [];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      rows.push(decodeRow(text.slice(from, nl)));
      from = nl + 1;
    }
    return rows;
  }
}
