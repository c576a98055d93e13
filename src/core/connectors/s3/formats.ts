/** The file formats the S3 connector reads, by name (gzip-compressed too): one list for the spec and the driver. */
export const previewableFile = /\.(parquet|csv|tsv|tab|jsonl|ndjson|json)(\.(gz|gzip))?$/i;
