// The webview is the one place where code the extension does not fully control (a page rendering
// user-provided names with mermaid) talks to the extension host. Its Content-Security-Policy must
// keep anything but our own nonce'd script from running, and every message coming out of it must
// be checked: an unknown or malformed message is dropped (the panel logs it), never acted on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage, maxExportChars } from '../../../../src/shared/protocol';
import { contentSecurityPolicy, diagramHtml, newNonce } from '../../../../src/vscode/diagram/html';

test('the CSP allows no script but the nonce and the webview source, no fetch, no eval, no plugins', () => {
  const nonce = newNonce();
  const csp = contentSecurityPolicy('vscode-webview://abc', nonce);
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], [`'nonce-${nonce}'`, 'vscode-webview://abc']);
  assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline|\*|https?:/);
  assert.equal(directives['connect-src'], undefined, 'connect-src falls back to default-src none: no fetch');
  assert.equal(directives['object-src'], undefined);
  assert.equal(directives['frame-src'], undefined);
  // Nonces are long and never repeat.
  const nonces = new Set(Array.from({ length: 200 }, newNonce));
  assert.equal(nonces.size, 200);
  assert.ok([...nonces].every((n) => /^[A-Za-z0-9]{16,}$/.test(n)));
});

test('the page carries the CSP, and hostile title or URIs cannot break out of their attributes', () => {
  const html = diagramHtml({ cspSource: 'vscode-webview://abc', scriptUri: 'x" onload="alert(1)', nonce: 'N0NCE1234567890ab', title: '</title><script>alert(1)</script>' });
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-N0NCE1234567890ab'/);
  assert.equal((html.match(/<script/g) ?? []).length, 1, html);
  assert.doesNotMatch(html, /" onload="|<script>alert/);
  assert.match(html, /<script type="module" nonce="N0NCE1234567890ab"/);
});

test('every known message from the webview parses to exactly its typed shape, extra fields dropped', () => {
  const cases: [unknown, unknown][] = [
    [{ type: 'ready' }, { type: 'ready' }],
    [{ type: 'reveal', name: 'vpc-Atsushi', extra: '<script>' }, { type: 'reveal', name: 'vpc-Atsushi' }],
    [{ type: 'expand', name: 'public-subnet-1a-Atsushi' }, { type: 'expand', name: 'public-subnet-1a-Atsushi' }],
    [{ type: 'command', command: 'apply' }, { type: 'command', command: 'apply' }],
    [{ type: 'paths', paths: { inbound: true, reply: false, evil: 1 } }, { type: 'paths', paths: { inbound: true, reply: false } }],
    [{ type: 'step', step: 3 }, { type: 'step', step: 3 }],
    [{ type: 'step', step: null }, { type: 'step', step: null }],
    [{ type: 'exported', format: 'svg', data: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' }, { type: 'exported', format: 'svg', data: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' }],
    [{ type: 'exported', format: 'png', data: 'data:image/png;base64,iVBORw0KGgo=' }, { type: 'exported', format: 'png', data: 'data:image/png;base64,iVBORw0KGgo=' }],
    [{ type: 'rendered', ms: 12.5, nodes: 9 }, { type: 'rendered', ms: 12.5, nodes: 9 }],
    [{ type: 'renderError', message: 'Parse error' }, { type: 'renderError', message: 'Parse error' }],
  ];
  for (const [input, expected] of cases) assert.deepEqual(parseWebviewMessage(input), expected, JSON.stringify(input));
});

test('unknown and malformed messages from the webview are refused', () => {
  const polluted = JSON.parse('{"type":"ready","__proto__":{"polluted":true}}') as unknown;
  const refused: unknown[] = [
    undefined,
    null,
    0,
    'ready',
    ['ready'],
    {},
    { type: 'READY' },
    { type: 'runCommand', command: 'workbench.action.terminal.sendSequence' },
    { type: 'command', command: 'destroy' },
    { type: 'command', command: 'ec2Blueprint.destroy' },
    { type: 'command', command: ['apply'] },
    { type: 'command' },
    { type: 'reveal' },
    { type: 'reveal', name: '' },
    { type: 'reveal', name: 42 },
    { type: 'reveal', name: 'x'.repeat(256) },
    { type: 'reveal', name: { toString: () => 'vpc' } },
    { type: 'expand', name: null },
    { type: 'paths', paths: { inbound: 'yes', reply: true } },
    { type: 'paths', paths: null },
    { type: 'paths' },
    { type: 'step', step: -1 },
    { type: 'step', step: 1.5 },
    { type: 'step', step: 100 },
    { type: 'step', step: '3' },
    { type: 'step', step: Number.NaN },
    { type: 'exported', format: 'svg', data: '<script>alert(1)</script>' },
    { type: 'exported', format: 'svg', data: 'javascript:alert(1)' },
    { type: 'exported', format: 'png', data: 'data:text/html;base64,PHNjcmlwdD4=' },
    { type: 'exported', format: 'png', data: 'data:image/png;base64,AAA"><script>' },
    { type: 'exported', format: 'pdf', data: '%PDF' },
    { type: 'exported', format: 'svg', data: `<svg>${'x'.repeat(maxExportChars)}</svg>` },
    { type: 'rendered', ms: Infinity, nodes: 1 },
    { type: 'rendered', ms: 1, nodes: 1.5 },
    { type: 'renderError', message: 'x'.repeat(4097) },
    { type: 'renderError', message: 7 },
    { type: { toString: () => 'ready' } },
    { type: 'constructor' },
    { type: '__proto__' },
    { type: 'toString' },
  ];
  for (const message of refused) {
    const label = (() => {
      try {
        return JSON.stringify(message)?.slice(0, 120) ?? String(message);
      } catch {
        return String(message);
      }
    })();
    assert.equal(parseWebviewMessage(message), undefined, label);
  }
  // A message that tries to pollute prototypes parses to its plain shape and pollutes nothing.
  assert.deepEqual(parseWebviewMessage(polluted), { type: 'ready' });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('parsing a hostile message is quick: no regular expression blows up on a huge export', () => {
  const huge = [
    { type: 'exported', format: 'svg', data: ' '.repeat(maxExportChars - 10) + 'x' },
    { type: 'exported', format: 'svg', data: '<?xml' + 'a'.repeat(maxExportChars - 10) },
    { type: 'exported', format: 'png', data: 'data:image/png;base64,' + 'A'.repeat(maxExportChars - 40) + '!' },
  ];
  for (const message of huge) {
    const started = process.cpuUsage();
    assert.equal(parseWebviewMessage(message), undefined);
    const used = process.cpuUsage(started);
    assert.ok((used.user + used.system) / 1000 < 2000, `${(used.user + used.system) / 1000} ms of CPU`);
  }
});
