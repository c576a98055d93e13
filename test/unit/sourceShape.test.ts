import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((entry) => {
    const rel = `${dir}/${entry}`;
    return statSync(path.join(root, rel)).isDirectory() ? sources(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

describe('the shape of the source (CONTRIBUTING)', () => {
  it('keeps every file under src at 400 lines or fewer, formatted at 120 columns', () => {
    const prettier = JSON.parse(readFileSync(path.join(root, '.prettierrc.json'), 'utf8')) as { printWidth: number };
    assert.equal(prettier.printWidth, 120);
    const long = sources('src')
      .map((file) => ({ file, lines: readFileSync(path.join(root, file), 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > 400)
      .map((f) => `${f.file}: ${f.lines} lines`);
    assert.deepEqual(long, [], 'split these by responsibility');
  });
});
