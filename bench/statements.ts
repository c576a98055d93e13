/** Statement detection in a big SQL file (`npm run bench -- statements`). */
import { performance } from 'node:perf_hooks';
import { ConnectorRegistry } from '../src/core/connectors/registry';
import { splitStatements, statementAt } from '../src/core/sql/statements';
import { bench, median } from './common';

/**
 * Finding the statement under the cursor in a 10,000-statement file of mixed, tricky SQL, in every
 * dialect (goal ≤ 20 ms each): `statement_detect_10k_statements_ms_<dialect>`.
 */
export function statementFigures(): void {
  const registry = new ConnectorRegistry();
  for (const dialect of ['postgres', 'mysql', 'sqlite', 'snowflake', 'databricks']) {
    const rules = registry.dialect(dialect);
    const block = [
      '-- report; by region',
      "select region, sum(amount) as total, 'a;b' as note",
      // Each dialect's own quoting: PostgreSQL's dollar quotes, MySQL's and Spark's backquotes, strings with escapes.
      dialect === 'postgres'
        ? 'from "sales; 2025" s join $q$ x; y $q$ on true'
        : dialect === 'mysql' || dialect === 'databricks'
          ? "from `sales; 2025` s join 'x; \\' y' t on true"
          : dialect === 'snowflake'
            ? "from \"sales; 2025\" s join 'x; \\' y' t on true"
            : "from [sales; 2025] s join 'x; y' t on true",
      "where s.day > now() - interval '7 days'; /* done; */",
    ];
    const lines: string[] = [];
    for (let n = 0; n < 10_000; n++) lines.push(...block);
    const sql = lines.join('\n');
    const statementCount = splitStatements(sql, rules).length;
    if (statementCount !== 10_000) throw new Error(`${dialect}: expected 10,000 statements, found ${statementCount}`);
    // The cursor at the end of the file: every statement before it has to be found.
    const offset = sql.length;
    for (let i = 0; i < 5; i++) statementAt(sql, offset, rules);
    const samples: number[] = [];
    for (let i = 0; i < 31; i++) {
      const start = performance.now();
      const found = statementAt(sql, offset, rules);
      samples.push(performance.now() - start);
      if (!found) throw new Error('no statement found');
    }
    bench(`statement_detect_10k_statements_ms_${dialect}`, Number(median(samples).toFixed(1)), 'ms');
    if (dialect === 'postgres') bench('statement_detect_file_kb', Math.round(sql.length / 1024), 'KB');
  }
}
