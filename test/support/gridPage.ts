/**
 * The results grid's built bundle in a plain Chromium page, with a stand-in for the extension host
 * inside the page: it answers the grid's window requests with generated rows. Used by the grid
 * benchmarks, which measure the page alone (first paint, heap), apart from VS Code's own costs.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { mkdtempSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../scripts/vscode/codeServer';

const root = path.resolve(__dirname, '..', '..');

/** Runs in the page before the bundle: the fake host. Rows are made on request, never kept. */
const hostScript = `
window.__sent = [];
window.__state = undefined;
window.__result = { rows: 0, cols: 20 };
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__host(m),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
window.__post = (m) => window.postMessage(m, '*');
const makeRows = (offset, count) => {
  const { rows, cols } = window.__result;
  const out = [];
  for (let r = offset; r < Math.min(rows, offset + count); r++) {
    const row = [];
    for (let c = 0; c < cols; c++) row.push(c === 0 ? r : c === 1 ? 'name ' + r : c === 2 ? null : 'value ' + r + '/' + c);
    out.push(row);
  }
  return out;
};
window.__host = (m) => {
  window.__sent.push(m.type);
  if (m.type !== 'window') return;
  const rows = makeRows(m.offset, m.count);
  setTimeout(() => window.__post({ type: 'rows', generation: m.generation, requestId: m.requestId, offset: m.offset, rows }), 0);
};
const columnsOf = (cols) => Array.from({ length: cols }, (_, c) => ({ name: 'col_' + c, type: c === 0 ? 'int4' : 'text', kind: c === 0 ? 'number' : 'text' }));
/** As the extension does when a run begins: the source, then "running" with no rows yet. */
window.__start = (generation) => {
  window.__post({ type: 'start', generation, source: { kind: 'query', connectionId: 'c', connectionName: 'bench', sql: 'select *' }, limit: 1000000, canSort: false });
  window.__post({ type: 'progress', generation, phase: 'running', columns: [], rowCount: 0, truncated: false });
};
/**
 * Makes the result the next __result call delivers. The extension host holds a result's rows in its
 * own process; here they are built ahead, so that the page is not charged for making them.
 */
window.__prepare = (rows, cols) => {
  window.__result = { rows, cols };
  window.__ready = { columns: columnsOf(cols), first: makeRows(0, 200) };
};
/** The result arrives, as from the extension: its columns and size, and with them the first window. */
window.__deliver = (generation) => {
  const { rows } = window.__result;
  window.__post({ type: 'progress', generation, phase: 'done', columns: window.__ready.columns, rowCount: rows, truncated: false, executionMs: 1 });
  window.__post({ type: 'rows', generation, requestId: 0, offset: 0, rows: window.__ready.first });
};
/** A whole run at once: start, result and first window. */
window.__show = (generation, rows, cols) => {
  window.__prepare(rows, cols);
  window.__start(generation);
  window.__deliver(generation);
};
`;

export interface GridPage {
  page: Page;
  close(): Promise<void>;
}

export async function openGridPage(): Promise<GridPage> {
  const bundle = readFileSync(path.join(root, 'dist', 'webview', 'results.js'));
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<style>body{--vscode-font-family:sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace;--vscode-editor-font-size:13px;
--vscode-foreground:#ccc;--vscode-editor-background:#1e1e1e;--vscode-descriptionForeground:#999;--vscode-editor-selectionBackground:#264f78;
--vscode-focusBorder:#007fd4;--vscode-editorWidget-border:#333;--vscode-panel-border:#444;--vscode-disabledForeground:#777;}</style>
<script>${hostScript}</script></head><body><main id="root"></main><script type="module" src="/results.js"></script></body></html>`;
  const server: Server = createServer((req, res) => {
    if (req.url === '/results.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundle);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const context: BrowserContext = await launchBrowser(mkdtempSync(path.join(tmpdir(), 'planasonix-grid-')));
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(`window.__sent.includes('ready')`);
  return {
    page,
    close: async () => {
      await context.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
