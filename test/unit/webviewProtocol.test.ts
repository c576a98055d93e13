import * as assert from 'node:assert/strict';
import { buildWebviewHtml } from '../../src/host/webviews/webviewHtml';
import { checkField, checkInput } from '../../src/shared/fieldValidation';
import { isFormToHost } from '../../src/shared/protocol/connectionForm';

describe('webview shell', () => {
  const parts = () => ({
    cspSource: 'https://*.vscode-cdn.net',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/connectionForm.js',
    codiconUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/codicon.css',
  });

  it('allows only its own nonce-bearing script and nothing by default', () => {
    const p = parts();
    const html = buildWebviewHtml(p);
    const nonce = /<script[^>]*nonce="([^"]+)"/.exec(html)![1];
    const csp = /content="([^"]+)"/.exec(html)![1];
    assert.match(csp, /^default-src 'none';/);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'$`));
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    const scripts = html.match(/<script[^>]*>/g)!;
    assert.equal(scripts.length, 1);
    assert.ok(scripts[0].includes(p.scriptUri));
  });

  it('makes its own nonce on every load: 144 random bits, never the same twice', () => {
    const nonces = Array.from({ length: 200 }, () => /nonce="([^"]+)"/.exec(buildWebviewHtml(parts()))![1]);
    assert.equal(new Set(nonces).size, nonces.length);
    for (const n of nonces) assert.equal(Buffer.from(n, 'base64').length, 18, n);
  });
});

describe('connection form protocol', () => {
  const draft = {
    type: 'postgres',
    name: 'x',
    values: { host: 'h', showSystemSchemas: false },
    secrets: { password: 'p' },
  };

  it('accepts the messages the form sends', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'cancel' },
      { type: 'pickFile', field: 'path' },
      { type: 'test', requestId: 1, draft },
      { type: 'save', requestId: 2, draft },
      { type: 'cancelTest', requestId: 1 },
    ]) {
      assert.ok(isFormToHost(m), JSON.stringify(m));
    }
  });

  it('drops anything else: unknown types, missing ids, secrets that are not text, values that are objects', () => {
    for (const m of [
      null,
      'ready',
      { type: 'drop-tables' },
      { type: 'test', draft },
      { type: 'save', requestId: '1', draft },
      { type: 'test', requestId: 1, draft: { ...draft, secrets: { password: 1 } } },
      { type: 'test', requestId: 1, draft: { ...draft, values: { host: { toString: 'x' } } } },
      { type: 'pickFile' },
      { type: 'cancelTest' },
      { type: 'cancelTest', requestId: 'all' },
    ]) {
      assert.equal(isFormToHost(m), false, JSON.stringify(m));
    }
  });
});

describe('field rules shared by core and the form', () => {
  const port = { name: 'port', label: 'Port', kind: 'number' as const, required: true, min: 1, max: 65535 };
  const url = { name: 'endpoint', label: 'Endpoint', kind: 'url' as const };

  it('checks numbers, ranges and URL shapes with messages that name the field', () => {
    assert.deepEqual(checkField(port, '5432'), { ok: true, value: 5432 });
    assert.equal(checkInput(port, '70000'), 'Port must be between 1 and 65535, not 70000.');
    assert.equal(checkInput(port, '54.3'), 'Port must be a whole number, not "54.3".');
    assert.equal(checkInput(port, ''), 'Port is required.');
    assert.equal(checkInput({ ...port, default: 5432 }, ''), undefined);
    assert.equal(checkInput(url, 'https://s3.example.com'), undefined);
    assert.match(checkInput(url, 'ftp://x') ?? '', /must be an http\(s\) URL/);
    assert.match(checkInput(url, 'not a url') ?? '', /must be an http\(s\) URL/);
  });
});
