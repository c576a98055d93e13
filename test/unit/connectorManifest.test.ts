import { wholePreview, wholeTestQuery } from '../support/whole';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { connectorManifest } from '../../src/core/connectors/manifest';
import { levelLook } from '../../src/core/connectors/levels';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { displayQualifiedName } from '../../src/core/connectors/sql/dialects';
import { loadChildren } from '../../src/core/explorer/loaders';
import type { ExplorerNode, ItemNode, MessageNode } from '../../src/core/explorer/nodes';
import { prepareStatement } from '../../src/core/query/prepare';
import { checkInput } from '../../src/shared/fieldValidation';
import { sqlEditorClause } from '../../scripts/contributes';
import { connectorManifest as testManifest } from '../support/connectors/manifest';
import { seenStatements } from '../support/connectors/test-warehouse/driver';
import { dialectOf } from '../support/dialects';
import { makeHarness } from '../support/harness';

const name = (n: ExplorerNode): string =>
  n.kind === 'connection' ? n.connection.name : n.kind === 'message' ? n.text : n.kind === 'loadMore' ? 'more' : n.name;

/**
 * The test-only warehouse (test/support/connectors/test-warehouse: its spec, dialect and driver) is added to
 * the product's manifest by one line (test/support/connectors/manifest.ts). Everything below sees it
 * with its own words and its own SQL, though no file of the product names it.
 */
describe('a connector is its folder plus one manifest line, with its own dialect and level names', () => {
  const registry = new ConnectorRegistry(testManifest);

  it('appears in the form, with its own fields checked by the shared rules', () => {
    const choice = registry.formChoices().find((c) => c.type === 'test-warehouse');
    assert.ok(choice, 'the form does not offer the new connector');
    assert.equal(choice.label, 'Test Warehouse');
    assert.deepEqual(
      choice.fields.map((f) => f.name),
      ['project', 'token'],
    );
    assert.match(checkInput(choice.fields[0], '') ?? '', /required/i);
  });

  it('is browsed in the tree in its own words: projects, datasets, tables, columns', async () => {
    const h = await makeHarness({ registry });
    try {
      const created = await h.save(
        { name: 'Warehouse', type: 'test-warehouse', config: { project: 'acme' } },
        { token: 'good' },
      );
      assert.equal(
        (
          await h.api.testConnection({
            type: 'test-warehouse',
            config: { project: 'acme' },
            credentialId: created.credentialId,
          })
        ).ok,
        true,
      );
      const path: ItemNode[] = [];
      let node: ExplorerNode | undefined;
      for (const wanted of ['Warehouse', 'acme', 'sales', 'orders', 'id']) {
        const children = await loadChildren(h.api, registry, node, { pageSize: 100 });
        node = children.find((n) => name(n) === wanted);
        assert.ok(node, `${wanted} not among ${children.map(name).join(', ')}`);
        if (node.kind !== 'connection') path.push(node as ItemNode);
      }
      // The words and icons the tree shows come from the spec's looks; the rest are the common ones.
      assert.deepEqual(
        path.map((n) => `${n.kind} ${n.word} ${n.icon}`),
        ['catalog Project project', 'schema Dataset layers', 'table Table table', 'column Column symbol-field'],
      );
      const tables = await loadChildren(h.api, registry, path[1], { pageSize: 100 });
      const shown = Object.fromEntries(
        tables.map((t) => (t.kind === 'table' ? [t.name, `${t.icon}${t.view ? ' view' : ''}`] : [t.id, t.kind])),
      );
      assert.deepEqual(shown, { orders: 'table', 'order lines': 'eye view', orders_2024: 'history' });
      // Empty and failed listings say what is missing in the connector's words.
      const datasets = await loadChildren(h.api, registry, path[0], { pageSize: 100 });
      const empty = datasets.find((n) => name(n) === 'empty')!;
      assert.deepEqual((await loadChildren(h.api, registry, empty, { pageSize: 100 })).map(name), ['No tables']);
      await h.save({ name: 'Locked', type: 'test-warehouse', config: { project: 'no-datasets' } }, { token: 'good' });
      const locked = (await loadChildren(h.api, registry, undefined, { pageSize: 100 })).find(
        (n) => name(n) === 'Locked',
      );
      const [project] = await loadChildren(h.api, registry, locked, { pageSize: 100 });
      const [failure] = await loadChildren(h.api, registry, project, { pageSize: 100 });
      assert.match((failure as MessageNode).text, /^Could not list datasets: .*not listed for this token/);
    } finally {
      await h.api.dispose();
    }
  });

  it('runs test queries in its own dialect: its lexer splits them, its list refuses its own functions', async () => {
    const dialect = registry.dialect('test-warehouse');
    assert.equal(dialect.name, 'Warehouse SQL');
    const at = (text: string) => prepareStatement(text, { start: text.length, end: text.length }, dialect);
    // `#` starts a comment in this dialect: its `;` does not end a statement (PostgreSQL's lexer splits there).
    const commented = '# note; not a statement\nSELECT 1';
    assert.equal(at(commented).sql, commented);
    assert.notEqual(
      prepareStatement(commented, { start: commented.length, end: commented.length }, dialectOf('postgres')).sql,
      commented,
    );
    // A scripting block holds its semicolons; a double-quoted text is a string, not a name.
    assert.equal(at('BEGIN SELECT 1; SELECT 2; END').sql, 'BEGIN SELECT 1; SELECT 2; END');
    assert.deepEqual(at('SELECT "a;b", `odd;name` FROM t'), {
      ok: true,
      sql: 'SELECT "a;b", `odd;name` FROM t',
      start: 0,
      end: 31,
    });
    // Its own list of functions with effects, however the call is spelled.
    for (const sql of [
      'SELECT EXTERNAL_QUERY("conn", "DELETE FROM t")',
      'SELECT `external_query`("c", "x")',
      'SELECT ml.predict(1)',
    ]) {
      const p = at(sql);
      assert.equal(p.ok, false, sql);
      assert.match(!p.ok ? p.reason : '', /acts outside the transaction/, sql);
    }
    // What PostgreSQL reads (SHOW, TABLE) is not this dialect's.
    assert.match(at('SHOW TABLES').ok ? '' : (at('SHOW TABLES') as { reason: string }).reason, /SHOW can change data/);
    assert.equal(displayQualifiedName(dialect, 'sales', 'order lines'), 'sales.`order lines`');
    // The connection picker asks for a default dataset, in the spec's word.
    assert.equal(levelLook(registry.find('test-warehouse'), 'schema').label, 'Dataset');
    // Its editors' language is among those Run Selection serves, and package.json's menus would list it.
    assert.ok(registry.sqlLanguages().includes('warehouse-sql'));
    assert.match(sqlEditorClause(registry), /\|warehouse-sql\|?/);
    const h = await makeHarness({ registry });
    try {
      const { id } = await h.api.createConnection({ name: 'W', type: 'test-warehouse', config: { project: 'acme' } });
      const before = seenStatements.length;
      const result = await wholeTestQuery(h.api, { connectionId: id, sql: 'SELECT 1 # the answer', limit: 5 });
      assert.deepEqual(result.rows, [['1']]);
      assert.equal(seenStatements.at(-1)?.limit, 5);
      await assert.rejects(
        wholeTestQuery(h.api, { connectionId: id, sql: 'SELECT external_query("c", "drop table t")' }),
        /external_query/,
      );
      assert.equal(seenStatements.length, before + 1, 'the refused statement never reached the driver');
      // Preview comes from the same primitive, with the connector's own preview statement.
      const preview = await wholePreview(h.api, id, {
        catalog: 'acme',
        schema: 'sales',
        table: 'order lines',
        limit: 3,
      });
      assert.deepEqual(preview.rows, [['1']]);
      assert.equal(seenStatements.at(-1)?.sql, 'SELECT * FROM `acme`.`sales`.`order lines`');
    } finally {
      await h.api.dispose();
    }
  });
});

describe("no file of the product names a connector type outside that connector's folder", () => {
  const types = testManifest.map((s) => s.type);
  const root = path.resolve(__dirname, '..', '..');
  const quoted = new RegExp(`(['"\`])(${types.map((t) => t.replace(/[-]/g, '\\-')).join('|')})\\1`, 'g');

  function offenders(files: string[]): string[] {
    const found: string[] = [];
    for (const rel of files) {
      const own = /^src\/core\/connectors\/([^/]+)\//.exec(rel)?.[1];
      for (const m of readFileSync(path.join(root, rel), 'utf8').matchAll(quoted))
        if (m[2] !== own) found.push(`${rel}: ${m[0]}`);
    }
    return found;
  }

  function sources(dir: string): string[] {
    return readdirSync(path.join(root, dir)).flatMap((entry) => {
      const rel = `${dir}/${entry}`;
      return statSync(path.join(root, rel)).isDirectory()
        ? sources(rel)
        : /\.(ts|js|mjs|cjs|html|css)$/.test(entry)
          ? [rel]
          : [];
    });
  }

  it('holds for every source file, the build script and the shipped manifest (which only imports specs)', () => {
    assert.deepEqual(offenders([...sources('src'), 'esbuild.js']), []);
    assert.ok(
      connectorManifest.every(
        (s) => !readFileSync(path.join(root, 'src/core/connectors/manifest.ts'), 'utf8').includes(`'${s.type}'`),
      ),
      'the manifest names a type instead of importing its spec',
    );
  });

  it("holds for package.json's contributions, apart from editor language ids written from the specs", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: unknown };
    const clause = sqlEditorClause(new ConnectorRegistry());
    const text = JSON.stringify(pkg.contributes).split(JSON.stringify(clause).slice(1, -1)).join('');
    assert.deepEqual(
      [...text.matchAll(quoted)].map((m) => m[0]),
      [],
    );
    assert.ok(
      JSON.stringify(pkg.contributes).includes(JSON.stringify(clause).slice(1, -1)),
      'package.json is behind the specs: run npm run contributes',
    );
  });

  it('catches a type named where it does not belong (the check itself works)', () => {
    assert.equal([..."const t = 'postgres';".matchAll(quoted)].length, 1);
    assert.equal([...'if (x === "test-warehouse")'.matchAll(quoted)].length, 1);
    assert.equal([..."const t = 'postgresql';".matchAll(quoted)].length, 0);
  });
});
