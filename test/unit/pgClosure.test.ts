import * as assert from 'node:assert/strict';
import { closureRefusal, maxObjects, maxRounds, type ReachedRow } from '../../src/core/connectors/postgres/closure';
import { readBody, references } from '../../src/core/connectors/postgres/references';
import { vettedVolatile } from '../../src/core/connectors/postgres/guard';

const proc = 1255;
const fn = (oid: number, name: string, extra: Partial<ReachedRow> = {}): ReachedRow => ({
  cls: proc,
  oid,
  pcls: 0,
  poid: 0,
  what: `function app.${name}()`,
  schema: 'app',
  name,
  volatile: 's',
  language: 'plpgsql',
  symbol: '',
  body: 'BEGIN RETURN 1; END',
  ...extra,
});

describe('PostgreSQL closure: what a statement reaches', () => {
  it('finds names, qualified names, call places and operator runs as the server lexes them', () => {
    const refs = references(
      `SELECT app."Fn"(x), 1 ### 2, a *-1, t.col, CAST(1 AS my_type), '###' /* #@# */ FROM "S".t`,
    );
    assert.ok(refs.calls.includes('Fn'));
    assert.ok(refs.calls.includes('col'), 'attribute notation is a call place');
    assert.ok(!refs.calls.includes('my_type'));
    assert.ok(refs.names.includes('my_type'));
    assert.deepEqual(
      refs.qualified.find((q) => q.name === 't'),
      { schema: 'S', name: 't' },
    );
    assert.ok(refs.operators.includes('###'));
    assert.ok(refs.operators.includes('*'), '*- is * then -');
    assert.ok(!refs.operators.includes('#@#'), 'operators in comments and strings are not operators');
  });

  it('reads a body for writes, dynamic SQL and transaction control, not for names in strings', () => {
    assert.equal(readBody(`BEGIN EXECUTE 'SELECT 1'; END`).writes, 'EXECUTE');
    assert.equal(readBody(`BEGIN DELETE FROM t; RETURN 1; END`).writes, 'DELETE');
    assert.equal(readBody(`BEGIN RAISE NOTICE 'DELETE everything'; RETURN "update"; END`).writes, undefined);
  });

  it('refuses a function in a language whose body cannot be read, whatever its label', async () => {
    const reason = await closureRefusal(
      'SELECT app.py()',
      async () => [fn(20000, 'py', { volatile: 'i', language: 'plpython3u', body: null })],
      vettedVolatile,
    );
    assert.match(reason ?? '', /app\.py\(\), written in plpython3u/);
  });

  it('trusts the label of C and internal functions, and judges pg_catalog by name', async () => {
    const c = fn(20001, 'geo', { language: 'c', body: null });
    const builtIn = fn(2000, 'random', { schema: 'pg_catalog', volatile: 'v', language: 'internal', body: null });
    assert.equal(
      await closureRefusal('SELECT app.geo(), random()', async () => [c, builtIn], vettedVolatile),
      undefined,
    );
    const xml = fn(2923, 'table_to_xml', { schema: 'pg_catalog', language: 'internal', body: null });
    assert.match(
      (await closureRefusal(`SELECT table_to_xml('v', true, false, '')`, async () => [xml], vettedVolatile)) ?? '',
      /runs SQL text/,
    );
    const rewrite = fn(3685, 'ts_rewrite', {
      schema: 'pg_catalog',
      language: 'internal',
      volatile: 's',
      symbol: 'tsquery_rewrite_query',
      body: null,
    });
    assert.match(
      (await closureRefusal(`SELECT ts_rewrite('a'::tsquery, 'SELECT 1')`, async () => [rewrite], vettedVolatile)) ??
        '',
      /ts_rewrite/,
    );
  });

  it('follows names a body mentions, round after round, and says so when calls nest deeper than it follows', async () => {
    let round = 0;
    const port = async (values: unknown[]): Promise<ReachedRow[]> => {
      const calls = values[4] as string[];
      round++;
      return calls
        .filter((n) => n.startsWith('f'))
        .map((n) => fn(30000 + round, n, { body: `BEGIN RETURN f${round}(); END` }));
    };
    const reason = await closureRefusal('SELECT f0()', port, vettedVolatile);
    assert.match(reason ?? '', new RegExp(`deeper than the ${maxRounds} levels`));
    assert.equal(round, maxRounds);
  });

  it('names the path from the statement to the call it refuses', async () => {
    let round = 0;
    const outer = fn(40000, 'outer', { body: 'SELECT app.inner()' });
    const inner = fn(40001, 'inner', { body: 'BEGIN PERFORM pg_terminate_backend(1); RETURN 1; END' });
    const kill = fn(2096, 'pg_terminate_backend', {
      schema: 'pg_catalog',
      volatile: 'v',
      language: 'internal',
      body: null,
      what: null,
    });
    const port = async (): Promise<ReachedRow[]> => [[outer], [inner], [kill]][round++] ?? [];
    const reason = await closureRefusal('SELECT app.outer()', port, vettedVolatile);
    assert.match(
      reason ?? '',
      /pg_terminate_backend\(\), a VOLATILE .*through function app\.outer\(\) → function app\.inner\(\)/,
    );
  });

  it('gives up, refusing, when a statement reaches more objects than it checks', async () => {
    const many = Array.from({ length: maxObjects + 1 }, (_, i) => ({
      ...fn(50000 + i, `n${i}`),
      cls: 1259,
      name: null,
    }));
    assert.match(
      (await closureRefusal('SELECT 1', async () => many, vettedVolatile)) ?? '',
      /more than 5000 catalog objects/,
    );
  });
});
