// Writes into package.json what its contributions list from the connectors' specs: the editor
// language ids whose SQL runs (menus and the Ctrl+Enter binding). `npm run contributes`; the unit test
// test/unit/contributes.test.ts fails, naming this command, when package.json is behind.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConnectorRegistry } from '../src/core/connectors/registry';

export const packageJsonPath = path.join(__dirname, '..', 'package.json');

/** The `when` clause part that matches the SQL editors' language ids. */
export function sqlEditorClause(registry = new ConnectorRegistry()): string {
  return `editorLangId =~ /^(${registry.sqlLanguages().join('|')})$/`;
}

/** package.json's text with every SQL-editor clause as the specs say. */
export function withContributes(text: string, registry = new ConnectorRegistry()): string {
  const clause = JSON.stringify(sqlEditorClause(registry)).slice(1, -1);
  return text.replace(/editorLangId =~ \/\^\([^)]*\)\$\//g, clause);
}

if (require.main === module) {
  const before = readFileSync(packageJsonPath, 'utf8');
  const after = withContributes(before);
  if (after !== before) writeFileSync(packageJsonPath, after);
  console.log(after === before ? 'package.json is up to date' : 'package.json updated');
}
