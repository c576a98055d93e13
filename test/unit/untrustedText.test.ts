import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CredentialStore, targetChanges, targetFingerprint } from '../../src/core/local/credentials';

import { hasInvisible, visibleText } from '../../src/shared/visibleText';
import { MemorySecretVault } from '../support/doubles';

// The host helper imports vscode; its pure parts are checked through the same functions it uses.
// (The real rendering is checked in real VS Code by the e2e tier.)
function inertInMessage(text: string): string {
  return visibleText(text).replace(/\]\s*\(/g, '] (');
}

/** VS Code's own notification link syntax (vs/base/common/linkedText.ts). */
const linkSyntax = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

describe('untrusted text is shown, never applied', () => {
  it('shows bidirectional overrides, isolates and zero-width characters by code point', () => {
    assert.equal(visibleText('admin\u202Etxt.exe'), 'admin‹U+202E›txt.exe');
    assert.equal(visibleText('a\u200Bb\u2066c\u2069\uFEFF'), 'a‹U+200B›b‹U+2066›c‹U+2069›‹U+FEFF›');
    assert.equal(visibleText('bell\u0007'), 'bell‹U+0007›');
    assert.equal(hasInvisible('plain'), false);
    assert.equal(hasInvisible('x\u202Ey'), true);
    assert.equal(hasInvisible('x\u202Ey'), true, 'a second call answers the same (no regex state)');
  });

  it('leaves ordinary text alone: tabs, line breaks, accents, CJK, emoji with joiners and variation selectors', () => {
    for (const text of ['a\tb\nc', 'naïve ünïcødé 表', '👩‍💻 ❤️', 'Ελληνικά', 'עברית ومعها'])
      assert.equal(visibleText(text), text);
  });

  it('breaks every link VS Code would render, however written', () => {
    const hostile = [
      '[Click to fix](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)',
      '[a](https://evil.example) and [b](file:///etc/passwd)',
      '[x] (command:y) [z](command:w "title")',
      '[spaced]   (command:x)',
    ];
    for (const text of hostile) {
      linkSyntax.lastIndex = 0;
      assert.equal(linkSyntax.test(inertInMessage(text)), false, inertInMessage(text));
      assert.ok(
        inertInMessage(text).includes('command:') ||
          inertInMessage(text).includes('http') ||
          inertInMessage(text).includes('file:'),
      );
    }
  });
});

describe('a saved secret is bound to the target it was entered for', () => {
  const target = { type: 'postgres', config: { host: 'db.internal', port: 5432, user: 'reader', sslMode: 'require' } };

  it('fingerprints the whole non-secret config, whatever the key order', () => {
    assert.equal(
      targetFingerprint(target),
      targetFingerprint({
        type: 'postgres',
        config: { sslMode: 'require', user: 'reader', port: 5432, host: 'db.internal' },
      }),
    );
    assert.notEqual(
      targetFingerprint(target),
      targetFingerprint({ ...target, config: { ...target.config, host: 'evil.example' } }),
    );
    assert.notEqual(
      targetFingerprint(target),
      targetFingerprint({ ...target, config: { ...target.config, sslMode: 'disable' } }),
    );
    assert.notEqual(targetFingerprint(target), targetFingerprint({ ...target, type: 'mysql' }));
  });

  it('says what changed, key by key', () => {
    const moved = { type: 'postgres', config: { host: 'evil.example', port: 5432, user: 'reader' } };
    assert.deepEqual(targetChanges(target, moved), [
      { key: 'host', from: 'db.internal', to: 'evil.example' },
      { key: 'sslMode', from: 'require', to: '(not set)' },
    ]);
  });

  it('stores the target beside the secrets, reads entries written before targets were kept, and keeps the target on a secret-only write', async () => {
    const vault = new MemorySecretVault();
    const store = new CredentialStore(vault);
    await vault.store('planasonix.credential.old', JSON.stringify({ password: 'p1' }));
    assert.deepEqual(await store.entry('old'), { secrets: { password: 'p1' }, legacy: true });
    await store.write('new', { password: 'p2' }, target);
    assert.deepEqual(await store.entry('new'), { secrets: { password: 'p2' }, target });
    await store.write('new', { password: 'p3' });
    assert.deepEqual(await store.entry('new'), { secrets: { password: 'p3' }, target });
    const raw = (await vault.get('planasonix.credential.new')) ?? '';
    assert.ok(
      !raw.includes(createHash('sha256').update('p3').digest('hex')),
      'secrets are stored as given, no derived copies',
    );
  });
});

describe('the grid shows invisible characters in cells and headers', () => {
  it('draws a bidi override in a cell by code point, in its text and its tooltip', async () => {
    const { display } = await import('../../src/webview/results/gridModel');
    const shown = display('invoice\u202Efdp.exe\nline two', 'text');
    assert.equal(shown.text, 'invoice‹U+202E›fdp.exe↵line two');
    assert.equal(shown.title, 'invoice‹U+202E›fdp.exe\nline two');
    assert.equal(display({ t: 'json', text: '{"a":"\u200B"}', length: 9 }, 'json').text, '{"a":"‹U+200B›"}');
  });
});
