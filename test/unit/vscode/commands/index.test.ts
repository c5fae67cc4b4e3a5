// The command table, the id union and package.json's contributions must agree: a command in the
// palette that nothing registers fails silently for the user, and a registered command without a
// contribution never reaches the palette.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandTable } from '../../../../src/vscode/commands/index';
import { commandIds } from '../../../../src/vscode/commands/ids';

const root = path.join(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
const contributed: { command: string; title: string; category?: string }[] = manifest.contributes.commands;
const resolve = (text: string | undefined) => (text && /^%.+%$/.test(text) ? nls[text.slice(1, -1)] : text);

test('every command in the table is contributed in package.json', () => {
  const inManifest = new Set(contributed.map((c) => c.command));
  const missing = commandTable.map((e) => e.id).filter((id) => !inManifest.has(id));
  assert.deepEqual(missing, [], 'registered but not in contributes.commands');
});

test('every contributed command has a row in the table', () => {
  const inTable = new Set(commandTable.map((e) => e.id));
  const missing = contributed.map((c) => c.command).filter((id) => !inTable.has(id as never));
  assert.deepEqual(missing, [], 'in contributes.commands but registered by nothing (add a row to src/vscode/commands/index.ts)');
});

test('the id union lists exactly the table, each id once', () => {
  const ids = commandTable.map((e) => e.id);
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'ids registered twice');
  assert.deepEqual([...ids].sort(), [...commandIds].sort());
});

test('every command is in the category "Blueprint" and has an English title', () => {
  for (const c of contributed) {
    assert.ok(c.command.startsWith('ec2Blueprint.'), `${c.command} lacks the ec2Blueprint. prefix`);
    assert.equal(resolve(c.category), 'Blueprint', `${c.command} category`);
    const title = resolve(c.title);
    assert.ok(title && title.length > 0 && !title.startsWith('%'), `${c.command} title ${c.title} has no entry in package.nls.json`);
  }
});

test('every %key% in the manifest has an English string', () => {
  const keys = [...JSON.stringify(manifest).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
  assert.deepEqual(keys.filter((k) => !(k in nls)), []);
});

test('menus and views name only contributed commands', () => {
  const inManifest = new Set(contributed.map((c) => c.command));
  const menuCommands = Object.values(manifest.contributes.menus as Record<string, { command: string }[]>).flat().map((m) => m.command);
  assert.deepEqual(menuCommands.filter((c) => !inManifest.has(c)), []);
});

test('the tutorial steps have their palette titles', () => {
  const titles = new Set(contributed.map((c) => resolve(c.title)));
  for (const title of ['Apply All', 'Apply Component…', 'Create VPC', 'Create Security Group', 'Allocate and Associate Elastic IP', 'Launch Instance', 'Show Diagram', 'Show Traffic Path', 'SSH to Instance', 'Copy SSH Command', 'Add to SSH Config', 'Open in Remote-SSH', 'Select AWS Profile', 'Use Local Sandbox Endpoint', 'Stop Instance', 'Start Instance']) {
    assert.ok(titles.has(title), `no command titled "${title}"`);
  }
});
