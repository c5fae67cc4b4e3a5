import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { positionOf, tutorialPath, tutorialText, tutorialWith } from '../../builders';
import { runCli } from '../../run-cli';

const run = (args: string[]) => runCli(args);

const dir = mkdtempSync(join(tmpdir(), 'ec2bp-cli-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

test('validate of the tutorial exits 0 and warns about world-open SSH at the source of the port 22 rule', async () => {
  const r = await run(['validate', tutorialPath]);
  assert.equal(r.code, 0);
  const at = positionOf(tutorialText, '0.0.0.0/0, description: SSH');
  assert.equal(r.stdout, `${tutorialPath}:${at.line}:${at.column}: warning ssh-open-to-world: ${r.stdout.split('ssh-open-to-world: ')[1]}`);
  assert.match(r.stdout, /SSH \(port 22\) is open to anyone/);
});

test('validate --json prints exactly one array of diagnostics with the contract keys', async () => {
  const path = file('bad.blueprint.yaml', tutorialWith(['privateIp: 10.0.1.11', 'privateIp: 10.0.1.1']));
  const r = await run(['validate', path, '--json']);
  assert.equal(r.code, 1);
  const parsed = JSON.parse(r.stdout) as Record<string, unknown>[];
  const reserved = parsed.find((d) => d.code === 'ip-reserved');
  assert.ok(reserved);
  assert.deepEqual(Object.keys(reserved).sort(), ['code', 'column', 'endColumn', 'endLine', 'line', 'message', 'severity']);
  assert.equal(reserved.line, positionOf(tutorialText, '10.0.1.11').line);
});

const hostile: [string, string | Buffer, number][] = [
  ['an empty file', '', 1],
  ['a YAML list', '- vpc\n- subnet\n', 1],
  ['a lone scalar', 'hello\n', 1],
  ['binary junk', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), 1],
  ['10 MB of text', 'x'.repeat(10 * 1024 * 1024), 1],
  ['a billion laughs', 'version: 1\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n', 1],
  ['deep nesting', 'vpc: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n', 1],
  ['a tab-indented file', 'version: 1\nvpc:\n\tname: x\n', 1],
];
for (const [name, content, line] of hostile) {
  test(`validate of ${name} exits 1 with a finding and no stack trace`, async () => {
    const path = file(`${name.replace(/\W+/g, '-')}.blueprint.yaml`, content);
    const started = Date.now();
    const r = await run(['validate', path, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const diagnostics = JSON.parse(r.stdout) as { line: number; code: string; severity: string }[];
    assert.ok(diagnostics.some((d) => d.severity === 'error' && d.line >= line), JSON.stringify(diagnostics));
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at .*:\d+:\d+\)/);
    assert.ok(Date.now() - started < 20_000);
  });
}

test('usage errors exit 2: unknown flag, missing argument, unknown command', async () => {
  assert.equal((await run(['validate', tutorialPath, '--nope'])).code, 2);
  assert.equal((await run(['validate'])).code, 2);
  assert.equal((await run(['frobnicate'])).code, 2);
  assert.equal((await run(['validate', join(dir, 'missing.yaml')])).code, 2);
});
