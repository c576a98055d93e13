/** The Connections API's storage types: object listings, file schemas, object bytes. */
import type { ColumnInfo } from './columns';

export interface FilesQuery {
  /** extension: which bucket, for a connection that lists several (otherwise its own). */
  bucket?: string;
  prefix?: string;
  delimiter?: string;
  pageToken?: string;
}

export interface FileObject {
  key: string;
  size: number;
  lastModified: string;
}

export interface FilesResponse {
  prefix: string;
  objects: FileObject[];
  commonPrefixes: string[];
  nextPageToken?: string;
}

export interface CloudSchemaQuery {
  /** extension: which bucket, for a connection that lists several (otherwise its own). */
  bucket?: string;
  path: string;
  /** extension: the object's size when the caller knows it from a listing (saves a HEAD request). */
  size?: number;
}

/** extension: the start of an object's bytes, and its whole size. */
export interface ObjectContent {
  bytes: Uint8Array;
  size: number;
}

export interface CloudSchemaResponse {
  path: string;
  format: string;
  columns: ColumnInfo[];
}
