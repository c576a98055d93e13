// The import graph of src, read with TypeScript's own pre-processor: no circle anywhere, and inside
// src/core every import points down its layers (the lint rules say the same per file; this sees the whole).
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const src = path.resolve(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Each file's relative imports, resolved to files (type-only imports too: a circle of types is still a circle). */
function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sources(src)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    edges.set(
      file,
      importedFiles
        .filter((i) => i.fileName.startsWith('.'))
        .flatMap((i) => {
          const base = path.resolve(path.dirname(file), i.fileName);
          const found = [`${base}.ts`, path.join(base, 'index.ts'), base].find(
            (c) => existsSync(c) && statSync(c).isFile(),
          );
          return found ? [found] : [];
        }),
    );
  }
  return edges;
}

/** Strongly connected components of more than one file (Tarjan). */
function circles(edges: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(path.relative(src, w));
      } while (w !== v);
      if (component.length > 1) out.push(component);
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** src/core's layers, bottom to top (as eslint.config.mjs and docs/ARCHITECTURE.md give them). */
const layers = [
  '(base)',
  'sql',
  'api',
  'results',
  'connectors',
  'services',
  'local',
  'sync',
  'hosted',
  'explorer',
  'query',
];
function rank(file: string): number | undefined {
  const rel = path.relative(path.join(src, 'core'), file);
  if (rel.startsWith('..')) return undefined;
  const top = rel.split(path.sep)[0];
  if (top.endsWith('.ts')) return 0;
  const at = layers.indexOf(top);
  assert.ok(at > 0, `src/core/${top} is in no layer: add it to the list (and to eslint.config.mjs)`);
  return top === 'query' ? layers.indexOf('explorer') : at;
}

describe('the import graph', () => {
  const edges = graph();

  it('has no circle anywhere in src', () => {
    assert.deepEqual(circles(edges), []);
  });

  it("points down core's layers: no import from a layer above", () => {
    const up: string[] = [];
    for (const [from, tos] of edges) {
      const a = rank(from);
      if (a === undefined) continue;
      for (const to of tos) {
        const b = rank(to);
        if (b !== undefined && b > a) up.push(`${path.relative(src, from)} -> ${path.relative(src, to)}`);
      }
    }
    assert.deepEqual(up, []);
  });

  it('sees what it checks: a circle and an arrow up are found when there are some', () => {
    const a = path.join(src, 'core', 'api', 'a.ts');
    const b = path.join(src, 'core', 'connectors', 'b.ts');
    const fake = new Map([
      [a, [b]],
      [b, [a]],
    ]);
    assert.equal(circles(fake).length, 1);
    assert.ok(rank(a)! < rank(b)!, 'api sits below connectors');
  });
});
