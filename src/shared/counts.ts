/** A count as English reads it: "1 row", "2 rows", "1,000 files" (digits grouped, singular for one). */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}
