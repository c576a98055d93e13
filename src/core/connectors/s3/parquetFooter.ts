import { parquetMetadataAsync, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { ConnectionError } from '../../errors';
import { countLeaves, footerFault } from './parquet';

/** The first read of a Parquet file: its last 64 KiB hold the footer of typical files. */
export const footerFetchBytes = 64 * 1024;
/** A footer larger than this is refused rather than read (real files' footers are kilobytes to a few MB). */
export const maxFooterBytes = 16 * 1024 * 1024;

/**
 * A Parquet file of `size` bytes as ranged reads, and its footer: one read of the file's end for a
 * typical file. Refused with words, naming the file (`where`): empty, too short, encrypted, not
 * Parquet, a footer larger than the file or than the bound, or damaged.
 */
export async function openParquetFile(
  size: number,
  range: (start: number, end: number) => Promise<ArrayBuffer>,
  where: string,
): Promise<{ file: AsyncBuffer; metadata: FileMetaData }> {
  if (size === 0) throw new ConnectionError('unsupported', `${where} is empty (0 bytes): it has no schema.`);
  if (size < 12) throw new ConnectionError('unsupported', `${where} is ${size} bytes: too short to be a Parquet file.`);
  // One ranged read of the file's end: the footer of a typical file is inside it.
  const tailStart = Math.max(0, size - footerFetchBytes);
  const tail = await range(tailStart, size);
  const view = new DataView(tail);
  const magic = view.getUint32(tail.byteLength - 4, true);
  if (magic === 0x45524150)
    throw new ConnectionError(
      'unsupported',
      `${where} is an encrypted Parquet file (PARE): its footer cannot be read without the key.`,
    );
  if (magic !== 0x31524150) {
    const head = new TextDecoder().decode(tail.slice(0, Math.min(64, tail.byteLength)));
    const hint = tailStart === 0 && /^[\x20-\x7e\t\r\n]*$/.test(head) ? ' It looks like text (CSV or JSON?).' : '';
    throw new ConnectionError('unsupported', `${where} is not a Parquet file: it does not end with PAR1.${hint}`);
  }
  const footer = view.getUint32(tail.byteLength - 8, true);
  if (footer + 8 > size)
    throw new ConnectionError(
      'unsupported',
      `${where}: its footer says ${footer} bytes, more than the file; the file is corrupt.`,
    );
  if (footer + 8 > maxFooterBytes)
    throw new ConnectionError(
      'unsupported',
      `${where}: its footer is ${(footer / 1024 / 1024).toFixed(1)} MB; not read.`,
    );
  const file: AsyncBuffer = {
    byteLength: size,
    // Served from the read above where it can be; a larger footer costs one more ranged read.
    slice: (start, end = size) =>
      start >= tailStart ? tail.slice(start - tailStart, end - tailStart) : range(start, end),
  };
  const metadata = await parquetMetadataAsync(file, { initialFetchSize: size - tailStart });
  let fault: string | undefined;
  try {
    fault = footerFault(metadata, countLeaves(parquetSchema(metadata)), size - 8 - footer);
  } catch {
    fault = 'its schema does not form a tree';
  }
  if (fault)
    throw new ConnectionError('unsupported', `${where}: its footer is damaged (${fault}); the file cannot be read.`);
  return { file, metadata };
}
