// The Japanese bundle really reaches what a beginner reads: validation messages, the traffic path
// sentences, the diagram's labels and the CLI's output under LANG=ja_JP.UTF-8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { validateBlueprint } from '../../../src/core/validate';
import { analyzeReach } from '../../../src/core/reach';
import { verdictText } from '../../../src/core/reach-output';
import { buildDiagram } from '../../../src/core/diagram';
import { tutorialSteps } from '../../../src/core/diagram-steps';
import type { Blueprint } from '../../../src/core/schema';
import { englishWebviewStrings } from '../../../src/shared/protocol';
import { webviewStrings } from '../../../src/vscode/diagram/webview-strings';
import { positionOf, tutorialText, tutorialWith } from '../builders';

const root = join(__dirname, '..', '..', '..');
const japanese = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.ja.json'), 'utf8')) as Record<string, string>;
const inJapanese = <T>(run: () => T): T => {
  l10n.config({ contents: japanese });
  try {
    return run();
  } finally {
    l10n.config({ contents: {} });
  }
};
const kana = /[\u3040-\u30ff]/;
const blueprintOf = (text: string): Blueprint => {
  const result = validateBlueprint(text);
  assert.ok(result.blueprint, JSON.stringify(result.diagnostics));
  return result.blueprint;
};

// A CIDR that cannot be, and an address AWS reserves: errors a beginner can make while copying the tutorial.
const badText = tutorialWith(['cidr: 10.0.1.0/24', 'cidr: 10.0.1.0/33'], ['privateIp: 10.0.1.11', 'privateIp: 10.0.1.1']);

test('validation messages come out in Japanese, at the same place as the English ones', () => {
  const english = validateBlueprint(badText).diagnostics;
  const ja = inJapanese(() => validateBlueprint(badText).diagnostics);
  assert.ok(ja.length > 0);
  assert.deepEqual(ja.map((d) => [d.code, d.severity, d.line, d.column]), english.map((d) => [d.code, d.severity, d.line, d.column]));
  const cidr = ja.find((d) => d.code === 'invalid-cidr');
  assert.ok(cidr, JSON.stringify(ja));
  assert.equal(cidr.message, '「10.0.1.0/33」は CIDR ブロックではありません。10.0.0.0/16 のように、アドレス、スラッシュ、プレフィックス長の順に書いてください。');
  const warning = inJapanese(() => validateBlueprint(tutorialText).diagnostics).find((d) => d.code === 'ssh-open-to-world');
  assert.match(warning?.message ?? '', /^SSH \(ポート 22\) がインターネット上の誰にでも \(0\.0\.0\.0\/0\) 公開されています。/);
  for (const d of ja) assert.match(d.message, kana, `not Japanese: ${d.message}`);
});

test('the traffic path of the tutorial reads in Japanese: the way in, the way back and why the reply passes', () => {
  const bp = blueprintOf(tutorialText);
  const lines = inJapanese(() => verdictText(analyzeReach(bp)));
  const text = lines.join('\n');
  assert.match(lines[0]!, /ec2-wp-RHEL8 への TCP 22 \(SSH\): 到達可能$/);
  assert.match(text, /行き \(入ってくる通信\):/);
  assert.match(text, /帰り道 \(応答\):/);
  assert.match(text, /インターネットゲートウェイ igw-Atsushi +vpc-Atsushi にアタッチ: インターネットからの入り口/);
  assert.match(text, /ステートフル: 受け入れた接続への応答は、アウトバウンドルールがなくても出ていきます/);
  assert.match(text, /ec2-user としてログインします/);
  // No English sentence slipped through: every hop detail has Japanese in it.
  const hopLines = lines.filter((l) => /^ +\d+\./.test(l));
  assert.ok(hopLines.length >= 10);
  for (const l of hopLines) assert.match(l, kana, `not Japanese: ${l}`);
});

test('a blocked path explains the reason in Japanese', () => {
  const bp = blueprintOf(tutorialWith(['    routes:\n      - { destination: 0.0.0.0/0, target: igw-Atsushi }\n', '    routes: []\n']));
  const verdict = inJapanese(() => analyzeReach(bp));
  assert.equal(verdict.reachable, false);
  assert.match(verdict.reason ?? '', kana);
  assert.match(verdict.reason ?? '', /ルートテーブル「rtb-public-Atsushi」/);
});

test('the diagram labels and tutorial step titles are Japanese', () => {
  const bp = blueprintOf(tutorialText);
  const { mermaid, nodes } = inJapanese(() => buildDiagram(bp));
  assert.match(mermaid, /あなたの PC/);
  assert.match(mermaid, /🌐 インターネット/);
  assert.match(mermaid, /<br\/>セキュリティグループ · /);
  assert.match(mermaid, /ネットワークインターフェイス<br\/>/);
  assert.match(mermaid, /VPC とインターネットの間の扉/);
  assert.match(mermaid, /○ 予定/);
  const titles = new Map(nodes.map((n) => [n.name, n.title]));
  assert.equal(titles.get('seg-g_wp_Atsushi'), 'セキュリティグループ');
  assert.equal(titles.get('key-wp-RHEL'), 'キーペア');
  const steps = inJapanese(() => tutorialSteps(bp).map((s) => s.title));
  assert.deepEqual(steps, ['最終形', 'パート 1: VPC、サブネット、インターネットゲートウェイ、ルートテーブル', '+ セキュリティグループ', '+ ネットワークインターフェイス', '+ Elastic IP', '+ キーペアと EC2 インスタンス']);
  // And back in English once the Japanese bundle is gone.
  assert.match(buildDiagram(bp).mermaid, /Your PC/);
});

test('the diagram webview gets its toolbar and legend words from the host, in Japanese', () => {
  assert.deepEqual(webviewStrings(), englishWebviewStrings, 'in English the host sends what the webview shows by default');
  const ja = inJapanese(() => webviewStrings());
  assert.equal(ja.apply, '適用');
  assert.equal(ja.inboundPath, '行きの経路');
  assert.equal(ja.live, 'ライブ (現在の状態)');
  assert.equal(ja.blockedAt, '{0} でブロック: {1}', 'the placeholders stay for the webview to fill in');
  for (const [key, value] of Object.entries(ja)) assert.notEqual(value, englishWebviewStrings[key as keyof typeof ja], `${key} is not translated`);
});

const cli = join(root, 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'ec2bp-ja-'));
const badFile = join(dir, 'bad.blueprint.yaml');
writeFileSync(badFile, badText);
function runCli(args: string[], env: Record<string, string>) {
  assert.ok(existsSync(cli), `${cli} is missing: run "npm run build" first`);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LANG|LANGUAGE|LC_ALL|LC_MESSAGES)$/.test(k)));
  return spawnSync(process.execPath, [cli, ...args], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 60_000 });
}

test('the CLI under LANG=ja_JP.UTF-8 prints Japanese diagnostics at the same positions', () => {
  const r = runCli(['validate', badFile], { LANG: 'ja_JP.UTF-8' });
  assert.equal(r.status, 1, r.stderr);
  const at = positionOf(badText, '10.0.1.0/33');
  assert.ok(r.stdout.includes(`${badFile}:${at.line}:${at.column}: error invalid-cidr: 「10.0.1.0/33」は CIDR ブロックではありません。`), r.stdout);
  assert.match(r.stderr, /エラー \d+ 件、警告 \d+ 件。/);
  const ok = runCli(['validate', join(root, 'examples', 'tutorial.blueprint.yaml')], { LANG: 'ja_JP.UTF-8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /SSH \(ポート 22\) がインターネット上の誰にでも/);
  assert.match(ok.stderr, /は有効です \(警告 1 件\)。/);
});

test('the CLI language: LC_ALL over LANG, --lang over both, English otherwise', () => {
  assert.match(runCli(['validate', badFile], { LANG: 'en_US.UTF-8', LC_ALL: 'ja_JP.UTF-8' }).stdout, /CIDR ブロックではありません/);
  assert.match(runCli(['validate', badFile, '--lang', 'en'], { LANG: 'ja_JP.UTF-8' }).stdout, /is not a CIDR block/);
  assert.match(runCli(['validate', badFile, '--lang', 'ja'], { LANG: 'en_US.UTF-8' }).stdout, /CIDR ブロックではありません/);
  assert.match(runCli(['validate', badFile], { LANG: 'C.UTF-8' }).stdout, /is not a CIDR block/);
  const help = runCli(['--help'], { LANG: 'ja_JP.UTF-8' });
  assert.match(help.stdout + help.stderr, /AWS を呼び出さずにブループリントを確認します/);
});
