/**
 * Files the tree offers to preview, by name (gzip-compressed too): Parquet, delimited text (.csv .tsv
 * .tab .psv .ssv .txt .dat .in), JSON Lines, and names without an extension (Hadoop's `part-00000`). The
 * bytes decide the format when read; the name is a hint.
 */
export const previewableFile = /(\.(parquet|parquet\.encrypted|csv|tsv|tab|psv|ssv|txt|dat|in|jsonl|ndjson|json)(\.(gz|gzip))?|(^|\/)[^/.]+)$/i;
