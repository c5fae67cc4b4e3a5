// Hostile input: the tutorial blueprint mutated thousands of ways by a seeded PRNG (deleted keys,
// wrong types, huge numbers, unicode, anchors and aliases, billion laughs, deep nesting, 10 MB
// strings, broken text). Whatever comes in, validation answers with findings, never a crash or a
// hang; every finding has a 1-based place and a code; the CLI exits 0 or 1 with one JSON document;
// and `apply` of an invalid blueprint sends nothing anywhere.
//
// A failure prints the seed and the case number: EC2BP_FUZZ_SEED=<seed> reruns the same cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parse, stringify } from 'yaml';
import { validateBlueprint } from '../../../src/core/validate';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/command';
import { tutorialText } from '../builders';

const seed = Number(process.env.EC2BP_FUZZ_SEED ?? 20260611);
const cases = Number(process.env.EC2BP_FUZZ_CASES ?? 2000);

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(start: number) {
  let state = start >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const unicodeSamples = [
  'ヴイピーシー',
  'vpc-😀-🚀',
  '\u202Egnp.exe', // right-to-left override
  'a\u200Bb\u200Dc\uFEFF', // zero-width characters
  'e\u0301\u0301\u0301\u0301', // stacked combining marks
  '\uD800', // a lone surrogate
  '\u0000nul',
  'line\nbreak',
  '"quoted" \'single\' `back`',
  '${HOME} $(rm -rf /) `id`',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  'Ω≈ç√∫˜µ≤≥÷',
  '𝕍ℙℂ',
  ' ',
  '',
];

const wrongValues: unknown[] = [
  0,
  -1,
  1,
  22.5,
  65536,
  2 ** 31,
  2 ** 53 + 1,
  Number.MAX_SAFE_INTEGER,
  1e308,
  -1e308,
  Infinity,
  -Infinity,
  NaN,
  true,
  false,
  null,
  '',
  '10.0.0.0/33',
  '999.999.999.999/8',
  '10.0.0.0',
  '0.0.0.0/0',
  '::/0',
  'tcp',
  '22-21',
  '0-65535',
  'ap-northeast-1z',
  'us-east-1',
  [],
  {},
  [1, 2, 3],
  { name: 'x' },
  { cidr: '10.0.0.0/16' },
  ['public-subnet-1a-Atsushi', 'public-subnet-1a-Atsushi'],
  'igw-Atsushi',
  'vpc-Atsushi',
  'seg-g_wp_Atsushi',
  'rhel-8',
  'ami-00000000',
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every container path in the tree, and every leaf path. */
function paths(root: Json): { containers: (string | number)[][]; all: (string | number)[][] } {
  const containers: (string | number)[][] = [];
  const all: (string | number)[][] = [];
  const walk = (node: Json, path: (string | number)[]) => {
    if (path.length > 0) all.push(path);
    if (Array.isArray(node)) {
      containers.push(path);
      node.forEach((child, i) => walk(child, [...path, i]));
    } else if (node && typeof node === 'object') {
      containers.push(path);
      for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
    }
  };
  walk(root, []);
  return { containers, all };
}

function parentOf(root: Json, path: (string | number)[]): { parent: Json; key: string | number } | undefined {
  let node: Json = root;
  for (const step of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, Json>)[step] as Json;
  }
  if (node === null || typeof node !== 'object') return undefined;
  return { parent: node, key: path[path.length - 1]! };
}

function valueAt(root: Json, path: (string | number)[]): Json | undefined {
  let node: Json = root;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, Json>)[step] as Json;
  }
  return node;
}

/** Mutations of the parsed tree; each returns a short label. */
const treeMutations: ((doc: Json, rng: Rng) => string)[] = [
  function deleteKey(doc, rng) {
    const path = rng.pick(paths(doc).all);
    const at = parentOf(doc, path);
    if (!at) return 'noop';
    if (Array.isArray(at.parent)) at.parent.splice(Number(at.key), 1);
    else delete (at.parent as Record<string, Json>)[at.key];
    return `delete ${path.join('.')}`;
  },
  function wrongType(doc, rng) {
    const path = rng.pick(paths(doc).all);
    const at = parentOf(doc, path);
    if (!at) return 'noop';
    const value = structuredClone(rng.pick(wrongValues)) as Json;
    (at.parent as Record<string | number, Json>)[at.key] = value;
    return `set ${path.join('.')}=${JSON.stringify(value)}`;
  },
  function unicode(doc, rng) {
    const path = rng.pick(paths(doc).all);
    const at = parentOf(doc, path);
    if (!at) return 'noop';
    const value = rng.pick(unicodeSamples) + (rng.chance(0.5) ? String(valueAt(doc, path)) : '');
    (at.parent as Record<string | number, Json>)[at.key] = value;
    return `unicode ${path.join('.')}`;
  },
  function unicodeKey(doc, rng) {
    const container = rng.pick(paths(doc).containers);
    const node = valueAt(doc, container);
    if (!node || typeof node !== 'object' || Array.isArray(node)) return 'noop';
    node[rng.pick(unicodeSamples) || 'k'] = rng.pick(['x', 1, null]) as Json;
    return `unicode key at ${container.join('.')}`;
  },
  function duplicateListItem(doc, rng) {
    const lists = paths(doc).containers.filter((p) => Array.isArray(valueAt(doc, p)) && (valueAt(doc, p) as Json[]).length > 0);
    if (lists.length === 0) return 'noop';
    const path = rng.pick(lists);
    const list = valueAt(doc, path) as Json[];
    list.push(structuredClone(rng.pick(list)));
    return `duplicate item in ${path.join('.')}`;
  },
  function manyItems(doc, rng) {
    const lists = paths(doc).containers.filter((p) => Array.isArray(valueAt(doc, p)) && (valueAt(doc, p) as Json[]).length > 0);
    if (lists.length === 0) return 'noop';
    const path = rng.pick(lists);
    const list = valueAt(doc, path) as Json[];
    const item = list[0]!;
    const n = rng.pick([20, 100]);
    for (let i = 0; i < n; i++) {
      const copy = structuredClone(item);
      if (copy && typeof copy === 'object' && !Array.isArray(copy) && typeof copy.name === 'string') copy.name = `${copy.name}-${i}`;
      list.push(copy);
    }
    return `${n} more items in ${path.join('.')}`;
  },
  function unknownKey(doc, rng) {
    const maps = paths(doc).containers.filter((p) => {
      const v = valueAt(doc, p);
      return v && typeof v === 'object' && !Array.isArray(v);
    });
    const path = rng.pick(maps);
    const node = valueAt(doc, path) as Record<string, Json>;
    const keys = Object.keys(node);
    const base = keys.length > 0 ? rng.pick(keys) : 'name';
    const typo = rng.pick([base + 's', base.slice(1), base.toUpperCase(), `${base}_`, 'extra', '__proto__', 'constructor', 'toString', '<<']);
    node[typo] = rng.pick(['x', 1, [], {}]) as Json;
    return `unknown key ${typo} at ${path.join('.')}`;
  },
  function renameKey(doc, rng) {
    const maps = paths(doc).containers.filter((p) => {
      const v = valueAt(doc, p);
      return v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0;
    });
    const path = rng.pick(maps);
    const node = valueAt(doc, path) as Record<string, Json>;
    const key = rng.pick(Object.keys(node));
    const value = node[key]!;
    delete node[key];
    node[key.replace(/[aeiou]/, '') || `${key}x`] = value;
    return `rename ${path.join('.')}.${key}`;
  },
  function emptyContainer(doc, rng) {
    const path = rng.pick(paths(doc).containers.filter((p) => p.length > 0));
    const at = parentOf(doc, path);
    if (!at) return 'noop';
    (at.parent as Record<string | number, Json>)[at.key] = Array.isArray(valueAt(doc, path)) ? [] : {};
    return `empty ${path.join('.')}`;
  },
  function swapValues(doc, rng) {
    const all = paths(doc).all;
    const a = rng.pick(all);
    const b = rng.pick(all);
    const pa = parentOf(doc, a);
    const pb = parentOf(doc, b);
    if (!pa || !pb || a.join('.').startsWith(b.join('.')) || b.join('.').startsWith(a.join('.'))) return 'noop';
    const va = structuredClone(valueAt(doc, a)!);
    const vb = structuredClone(valueAt(doc, b)!);
    (pa.parent as Record<string | number, Json>)[pa.key] = vb;
    (pb.parent as Record<string | number, Json>)[pb.key] = va;
    return `swap ${a.join('.')} ${b.join('.')}`;
  },
  function longString(doc, rng) {
    const path = rng.pick(paths(doc).all);
    const at = parentOf(doc, path);
    if (!at) return 'noop';
    const length = rng.pick([256, 4096, 20_000]);
    (at.parent as Record<string | number, Json>)[at.key] = rng.pick(['a', 'é', '😀', '0']).repeat(length);
    return `long string (${length}) at ${path.join('.')}`;
  },
  function deepValue(doc, rng) {
    const path = rng.pick(paths(doc).all);
    const at = parentOf(doc, path);
    if (!at) return 'noop';
    let value: Json = 'leaf';
    const depth = rng.pick([10, 63, 65, 200]);
    for (let i = 0; i < depth; i++) value = rng.chance(0.5) ? [value] : { k: value };
    (at.parent as Record<string | number, Json>)[at.key] = value;
    return `nesting ${depth} at ${path.join('.')}`;
  },
];

/** Mutations of the text itself; each returns the new text. */
const textMutations: ((text: string, rng: Rng) => string)[] = [
  (text, rng) => {
    const lines = text.split('\n');
    lines.splice(rng.int(lines.length), 1);
    return lines.join('\n');
  },
  (text, rng) => {
    const lines = text.split('\n');
    const i = rng.int(lines.length);
    lines.splice(i, 0, lines[i]!);
    return lines.join('\n');
  },
  (text, rng) => {
    const lines = text.split('\n');
    const i = rng.int(lines.length);
    lines[i] = rng.pick(['', ' ', '  ', '\t', '   ', '      ']) + lines[i]!.trimStart();
    return lines.join('\n');
  },
  (text, rng) => text.slice(0, rng.int(text.length)),
  (text, rng) => {
    const at = rng.int(text.length);
    const junk = rng.pick([':', '- ', '[', ']', '{', '}', '&a ', '*a', '*nope', '!!binary ', '!!js/function ', '!custom ', '? ', '|', '>', '%', '@', '`', '#', '"', "'", '\t', '\r', '\u0000', '\u0007', '\uFFFE', '\uD83D', '<<: *a\n', '---\n', '...\n', '\u2028', '\x1b[31m']);
    return text.slice(0, at) + junk + text.slice(at);
  },
  (text, rng) => {
    const at = rng.int(text.length);
    const bytes = Array.from({ length: 1 + rng.int(64) }, () => String.fromCharCode(rng.int(0x10000))).join('');
    return text.slice(0, at) + bytes + text.slice(at + rng.int(8));
  },
  (text, rng) => {
    // Swap two lines.
    const lines = text.split('\n');
    const a = rng.int(lines.length);
    const b = rng.int(lines.length);
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
    return lines.join('\n');
  },
  (text) => text.replace(/\n/g, '\r\n'),
  (text) => '\uFEFF' + text,
  (text, rng) => rng.pick(['%YAML 1.1\n---\n', '%YAML 1.2\n---\n', '--- !!map\n', '%TAG ! tag:example.com,2000:\n---\n']) + text,
  (text) => `${text}\n---\nversion: 1\n`,
  (text, rng) => {
    // Anchor one value and alias it somewhere else.
    const lines = text.split('\n');
    const valued = lines.map((l, i) => [l, i] as const).filter(([l]) => /:\s+\S/.test(l) && !l.trimStart().startsWith('#'));
    if (valued.length < 2) return text;
    const [from, fi] = rng.pick(valued);
    const [to, ti] = rng.pick(valued);
    lines[fi] = from.replace(/:\s+/, ': &anchor ');
    lines[ti] = to.replace(/:\s+.*$/, ': *anchor');
    return lines.join('\n');
  },
];

/** Fixed hostile cases, each run once besides the random ones. */
function specialCases(): [string, string][] {
  const laugh = (levels: number, width: number) => {
    const lines = ['version: 1', 'stack: laughs', 'region: ap-northeast-1', `l0: &l0 "${'lol'.repeat(4)}"`];
    for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: width }, () => `*l${i - 1}`).join(', ')}]`);
    lines.push(`vpc: { name: *l${levels}, cidr: 10.0.0.0/16 }`);
    return lines.join('\n') + '\n';
  };
  const tenMb = 'x'.repeat(10 * 1024 * 1024);
  return [
    ['billion laughs (9 levels of 10)', laugh(9, 10)],
    ['billion laughs (30 levels of 2)', laugh(30, 2)],
    ['an alias inside its own anchor', 'version: 1\na: &a [*a]\n'],
    ['an undefined alias', tutorialText.replace('cidr: 10.0.0.0/16', 'cidr: *nowhere')],
    ['legitimate alias reuse', tutorialText.replace('    ingress:\n', '    ingress: &rules\n') + 'x-extra: *rules\n'],
    ['a merge key', tutorialText.replace('vpc:\n  name: vpc-Atsushi', 'base: &b { name: vpc-Atsushi }\nvpc:\n  <<: *b')],
    ['flow nesting 20 000 deep', 'vpc: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n'],
    ['block nesting 5 000 deep', Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n'],
    ['a 10 MB string value', tutorialText.replace('name: vpc-Atsushi', `name: ${tenMb}`)],
    ['a 10 MB comment', `# ${tenMb}\n${tutorialText}`],
    ['a 1.9 MB string just under the size limit', tutorialText.replace('name: vpc-Atsushi', `name: ${'y'.repeat(1_900_000)}`)],
    ['a huge integer', tutorialText.replace('sizeGiB: 30', `sizeGiB: ${'9'.repeat(5000)}`)],
    ['a huge port', tutorialText.replace('port: 22,', `port: ${'9'.repeat(400)},`)],
    ['negative zero and exponents', tutorialText.replace('sizeGiB: 30', 'sizeGiB: -0.0e+2')],
    ['.inf and .nan', tutorialText.replace('sizeGiB: 30', 'sizeGiB: .inf').replace('port: 80,', 'port: .nan,')],
    ['hex and octal numbers', tutorialText.replace('sizeGiB: 30', 'sizeGiB: 0x1E').replace('port: 80,', 'port: 0o120,')],
    ['binary and timestamp tags', tutorialText.replace('name: vpc-Atsushi', 'name: !!binary aGVsbG8=').replace('stack: wp-atsushi', 'stack: !!timestamp 2001-12-14')],
    ['an unknown tag', tutorialText.replace('name: igw-Atsushi', 'name: !!js/function "function(){}"')],
    ['NUL bytes', tutorialText.replace('vpc-Atsushi', 'vpc-\u0000Atsushi')],
    ['only a BOM', '\uFEFF'],
    ['only comments', '# nothing\n# here\n'],
    ['many documents', Array.from({ length: 1000 }, () => 'version: 1').join('\n---\n')],
    ['a key 100 000 characters long', `${'k'.repeat(100_000)}: 1\n`],
    ['Windows line endings', tutorialText.replace(/\n/g, '\r\n')],
    ['old Mac line endings', tutorialText.replace(/\n/g, '\r')],
    ['__proto__ keys', tutorialText + '__proto__: { polluted: true }\nconstructor: { prototype: { polluted: true } }\n'],
  ];
}

interface Checked {
  label: string;
  errors: number;
  ms: number;
  /** What is wrong with the answer (empty when it is right). */
  problems: string[];
}

/** Validates one input and lists what is wrong with the answer instead of stopping at the first
 * problem, so one run shows every kind of failure. */
function check(label: string, text: string): Checked {
  const problems: string[] = [];
  // CPU time, not wall time: the machines running this are often busy with other work.
  const started = process.cpuUsage();
  const cpuMs = () => {
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  };
  let result: ReturnType<typeof validateBlueprint>;
  try {
    result = validateBlueprint(text);
  } catch (error) {
    return { label, errors: 0, ms: cpuMs(), problems: [`threw: ${String((error as Error).stack ?? error).slice(0, 400)}`] };
  }
  const ms = cpuMs();
  const expect = (ok: unknown, what: string) => {
    if (!ok) problems.push(what);
  };
  expect(Array.isArray(result.diagnostics), 'no diagnostics list');
  for (const d of result.diagnostics) {
    const where = `${d.code}@${d.line}:${d.column}`;
    expect(d.severity === 'error' || d.severity === 'warning', `${where}: severity ${String(d.severity)}`);
    expect(typeof d.code === 'string' && /^[a-z][a-z0-9-]*$/.test(d.code), `${where}: code ${JSON.stringify(d.code)}`);
    expect(typeof d.message === 'string' && d.message.trim().length > 0, `${where}: empty message`);
    expect(Number.isInteger(d.line) && d.line >= 1, `${where}: line ${d.line}`);
    expect(Number.isInteger(d.column) && d.column >= 1, `${where}: column ${d.column}`);
    expect(Number.isInteger(d.endLine) && d.endLine >= d.line, `${where}: endLine ${d.endLine}`);
    expect(Number.isInteger(d.endColumn) && d.endColumn >= 1 && (d.endLine > d.line || d.endColumn >= d.column), `${where}: endColumn ${d.endColumn}`);
    // A message quoting a megabyte of the input back floods the Problems panel and the terminal.
    expect(typeof d.message !== 'string' || d.message.length <= 2000, `${where}: a message of ${d.message?.length} characters (it quotes the input whole)`);
  }
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors === 0) expect(result.blueprint, 'no errors but no blueprint either');
  else expect(result.blueprint === undefined, 'errors but a blueprint was returned');
  expect(!Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), 'Object.prototype was polluted');
  return { label, errors, ms, problems };
}

/** Errors found for an input, computed once per input for every test below. */
const errorCount = new Map<string, number>();
function errorsOf(c: { label: string; text: string }): number {
  let n = errorCount.get(c.label);
  if (n === undefined) {
    n = validateBlueprint(c.text).diagnostics.filter((d) => d.severity === 'error').length;
    errorCount.set(c.label, n);
  }
  return n;
}

function mutate(rng: Rng, base: Json): { label: string; text: string } {
  const labels: string[] = [];
  let text: string;
  if (rng.chance(0.6)) {
    const doc = structuredClone(base);
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) labels.push(rng.pick(treeMutations)(doc, rng));
    // JSON is YAML too (flow style): it takes other paths through the parser.
    if (rng.chance(0.4)) {
      text = JSON.stringify(doc, null, rng.chance(0.5) ? 2 : undefined);
      labels.push('as JSON');
    } else {
      text = stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
    }
  } else {
    text = tutorialText;
  }
  if (rng.chance(0.5)) {
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) {
      const m = rng.int(textMutations.length);
      text = textMutations[m]!(text, rng);
      labels.push(`text#${m}`);
    }
  }
  return { label: labels.join('; ') || 'unchanged', text };
}

/** Builds the cases once: the same for every test in this file. */
const buildStarted = Date.now();
const built = (() => {
  const rng = prng(seed);
  const base = parse(tutorialText) as Json;
  const list: { label: string; text: string }[] = specialCases().map(([label, text]) => ({ label, text }));
  for (let i = 0; i < cases; i++) {
    const m = mutate(rng, base);
    list.push({ label: `seed ${seed} case ${i}: ${m.label}`, text: m.text });
  }
  return list;
})();
const buildSeconds = ((Date.now() - buildStarted) / 1000).toFixed(1);

test(`validation survives ${cases} seeded mutations and the fixed hostile cases, every finding placed and coded`, { timeout: 120_000 }, () => {
  const started = Date.now();
  const results = built.map((c) => check(c.label, c.text));
  for (const r of results) errorCount.set(r.label, r.errors);
  const slowest = results.reduce((a, b) => (b.ms > a.ms ? b : a));
  const rejected = results.filter((r) => r.errors > 0).length;
  const accepted = results.length - rejected;
  process.stderr.write(
    `fuzz: ${results.length} inputs (seed ${seed}, built in ${buildSeconds} s) validated in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      `${rejected} rejected, ${accepted} accepted; slowest ${slowest.ms.toFixed(0)} ms of CPU (${slowest.label.slice(0, 80)})\n`,
  );
  // Every kind of problem, with up to three inputs that show it.
  const byKind = new Map<string, string[]>();
  for (const r of results) {
    for (const problem of r.problems) {
      const kind = problem.replace(/^[a-z0-9-]+@\d+:\d+: /, '').replace(/\d+/g, 'N').slice(0, 120);
      const list = byKind.get(kind) ?? [];
      if (list.length < 3) list.push(`${r.label.slice(0, 160)} → ${problem.slice(0, 200)}`);
      byKind.set(kind, list);
    }
  }
  const slow = results.filter((r) => r.ms > 3000);
  const report = [
    ...[...byKind].map(([kind, examples]) => `${kind}\n    ${examples.join('\n    ')}`),
    ...slow.map((r) => `slow (a hang while typing): ${r.ms.toFixed(0)} ms of CPU for ${r.label.slice(0, 160)}`),
  ];
  assert.deepEqual(report, [], `${report.length} kind(s) of problem:\n${report.join('\n')}`);
  // The mutations must really exercise the rejection paths, and some survive as valid blueprints.
  assert.ok(rejected > cases * 0.5, `only ${rejected} of ${results.length} rejected`);
  assert.ok(accepted > 10, `only ${accepted} accepted`);
  for (const label of ['billion laughs (9 levels of 10)', 'billion laughs (30 levels of 2)', 'flow nesting 20 000 deep', 'block nesting 5 000 deep', 'a 10 MB string value', 'a 10 MB comment', 'an undefined alias']) {
    assert.ok(results.find((r) => r.label === label)!.errors > 0, `${label} was accepted`);
  }
});

/** Inputs that crashed or hung a process when first tried: each runs in a child process of its own
 * with a time limit, so a crash or a hang fails this test with its name instead of taking the
 * whole file down. They are what a user can type into the editor, where validation runs on every
 * keystroke in the extension host: a crash there takes every extension down with it. */
const pathological: [string, string][] = [
  ['deep flow nesting, four files of 50 000 levels in a row', `for (const n of [50000, 50000, 50000, 50000]) validateBlueprint('vpc: ' + '['.repeat(n) + ']'.repeat(n) + '\\n');`],
  ['deep flow mappings, four files of 20 000 levels in a row', `for (let i = 0; i < 4; i++) validateBlueprint('vpc: ' + '{a: '.repeat(20000) + '1' + '}'.repeat(20000) + '\\n');`],
  ['compact block sequences 20 000 deep', `validateBlueprint('vpc: ' + '- '.repeat(20000) + 'x\\n');`],
  ['100 000 unknown keys (1 MB, under the size limit)', `validateBlueprint(tutorial + Array.from({ length: 100000 }, (_, i) => 'k' + i + ': ' + i).join('\\n') + '\\n');`],
  ['5 000 subnets with overlapping CIDRs', `validateBlueprint(tutorial.replace('subnets:\\n', 'subnets:\\n' + Array.from({ length: 5000 }, (_, i) => '  - { name: s' + i + ', cidr: 10.0.' + (i % 256) + '.0/24, availabilityZone: ap-northeast-1a }').join('\\n') + '\\n'));`],
];

/** Runs one probe in a child process; resolves with what went wrong, or undefined. */
function probe(label: string, body: string): Promise<string | undefined> {
  const script = join(dir, `probe-${label.replace(/\W+/g, '-')}.ts`);
  const validatePath = JSON.stringify(resolve(__dirname, '../../../src/core/validate.ts'));
  const tutorialFile = JSON.stringify(resolve(__dirname, '../../../examples/tutorial.blueprint.yaml'));
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs';\nimport { validateBlueprint } from ${validatePath};\nconst tutorial = readFileSync(${tutorialFile}, 'utf8');\nvoid tutorial;\nconst started = process.cpuUsage();\n${body}\nconst used = process.cpuUsage(started);\nprocess.stdout.write('done in ' + Math.round((used.user + used.system) / 1000) + ' ms');\n`,
  );
  const started = Date.now();
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const why = (stderr ?? '').split('\n').filter((l) => l.trim() && !/^\s*\d+: 0x|^\s*$|Last few GCs|^\[\d+:0x/.test(l)).slice(0, 4).join(' | ');
      if (error && (error as { killed?: boolean }).killed) return done(`${label}: still running after ${seconds} s (a hang for the user)`);
      if (error) return done(`${label}: the process died (${(error as { signal?: string }).signal ?? `exit ${(error as { code?: number }).code}`}) after ${seconds} s: ${why}`);
      const cpu = /^done in (\d+) ms$/.exec(stdout);
      if (!cpu) return done(`${label}: unexpected output ${stdout.slice(0, 200)}`);
      if (Number(cpu[1]) > 5000) return done(`${label}: ${cpu[1]} ms of CPU (a hang while typing)`);
      done(undefined);
    });
  });
}

test('pathological inputs, each in a process of its own: no crash, none takes more than 5 s of CPU', { timeout: 150_000 }, async () => {
  const failures = (await Promise.all(pathological.map(([label, body]) => probe(label, body)))).filter((f) => f !== undefined);
  assert.deepEqual(failures, [], failures.join('\n'));
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    interactive: false,
    confirm: async () => false,
    env: { LANG: 'en_US.UTF-8', ...env },
    cwd: process.cwd(),
  };
  return main(args, io).then((code) => ({ code, stdout: out.join('\n'), stderr: err.join('\n') }));
}

const dir = mkdtempSync(join(tmpdir(), 'ec2bp-fuzz-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('the CLI validates a sample of the mutations in-process: exit 0 or 1, one JSON document, no stack trace', { timeout: 120_000 }, async () => {
  const rng = prng(seed ^ 0x5eed);
  const sample = [...built.slice(0, specialCases().length), ...Array.from({ length: 120 }, () => rng.pick(built))];
  for (const [i, c] of sample.entries()) {
    const file = join(dir, `case-${i}.blueprint.yaml`);
    writeFileSync(file, c.text);
    const r = await cli(['validate', file, '--json']);
    // The CLI drops one leading byte-order mark, as editors do.
    const expected = errorsOf({ label: `${c.label} (BOM dropped)`, text: c.text.replace(/^\uFEFF/, '') }) > 0 ? 1 : 0;
    assert.equal(r.code, expected, `${c.label}: exit ${r.code}\n${r.stderr.slice(0, 500)}`);
    let parsed: unknown;
    assert.doesNotThrow(() => (parsed = JSON.parse(r.stdout)), `${c.label}: stdout is not one JSON document: ${r.stdout.slice(0, 200)}`);
    assert.ok(Array.isArray(parsed), c.label);
    for (const d of parsed as { line: number; code: string }[]) {
      assert.ok(d.line >= 1 && typeof d.code === 'string' && d.code.length > 0, `${c.label}: ${JSON.stringify(d)}`);
    }
    assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at .*:\d+:\d+\)?/, `${c.label}: a stack trace`);
    rmSync(file);
  }
});

/** An HTTP server that records every request: an EC2 endpoint that must never be called. */
async function recorder() {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${body.slice(0, 200)}`);
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('this endpoint must not be called');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('apply of an invalid blueprint exits 1 and sends not a single request to AWS', { timeout: 60_000 }, async () => {
  const aws = await recorder();
  const keyDir = mkdtempSync(join(dir, 'keys-'));
  // Whatever endpoint the SDK might pick up by itself points at the recorder too.
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ENDPOINT_URL_EC2: aws.url, AWS_ENDPOINT_URL: aws.url, AWS_ACCESS_KEY_ID: 'AKIDFUZZ', AWS_SECRET_ACCESS_KEY: 'fuzz', AWS_EC2_METADATA_DISABLED: 'true' });
  try {
    const rng = prng(seed ^ 0xa11);
    const invalid = built.filter((c) => c.text.length < 200_000 && errorsOf(c) > 0);
    const sample = [
      ...['billion laughs (9 levels of 10)', 'an undefined alias', 'a huge port', 'flow nesting 20 000 deep'].map((label) => built.find((c) => c.label === label)!),
      ...Array.from({ length: 12 }, () => rng.pick(invalid)),
    ];
    for (const [i, c] of sample.entries()) {
      const file = join(dir, `apply-${i}.blueprint.yaml`);
      writeFileSync(file, c.text);
      for (const args of [
        ['apply', file, '--endpoint', aws.url, '--key-dir', keyDir, '--json'],
        ['apply', file, '--endpoint', aws.url, '--key-dir', keyDir],
      ]) {
        const r = await cli(args, { AWS_ENDPOINT_URL_EC2: aws.url });
        assert.equal(r.code, 1, `${c.label}: apply exited ${r.code} (expected 1, invalid blueprint)\n${r.stderr.slice(0, 600)}`);
        if (args.includes('--json')) assert.doesNotThrow(() => JSON.parse(r.stdout), `${c.label}: --json stdout is not one JSON document`);
        assert.deepEqual(aws.seen, [], `${c.label}: requests reached the endpoint`);
      }
      // No state file and no key file appear for an invalid blueprint.
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith(`apply-${i}.`) && f !== `apply-${i}.blueprint.yaml`), [], `${c.label}: files were written`);
      assert.deepEqual(readdirSync(keyDir), [], `${c.label}: a key file was written`);
    }
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await aws.close();
  }
});
