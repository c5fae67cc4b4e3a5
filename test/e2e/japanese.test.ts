// The display language set to Japanese in a real VS Code workbench (code-server driven in
// Chromium, the extension loaded from this folder): the command palette lists the extension's
// commands with their Japanese titles (package.nls.ja.json), a malformed blueprint shows its
// diagnostic in Japanese in the Problems panel (l10n/bundle.l10n.ja.json through the validator
// bundle), and the Getting Started walkthrough shows its Japanese steps and ticks the VPC step off
// once "Blueprint: VPC を作成" has created the VPC in the emulator.
//
// VS Code offers a display language only when a language pack for it is registered; the
// Marketplace's pack cannot be downloaded here, so the harness registers a minimal local pack
// (test/harness/workbench.ts registerLanguagePack) and starts the server with --locale ja.
// Screenshots go to .test-artifacts/e2e-ja/.
//
// Run: node scripts/test.mjs e2e test/e2e/japanese.test.ts
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openWorkbenchPage, startWorkbench, type Workbench } from '../harness/workbench';
import { resetEmulator, testEndpoint } from '../harness/moto';

const repoRoot = path.resolve(__dirname, '..', '..');
const artifacts = path.join(repoRoot, '.test-artifacts', 'e2e-ja');
const tutorialText = fs.readFileSync(path.join(repoRoot, 'examples', 'tutorial.blueprint.yaml'), 'utf8');

let scratch: string;
let workbench: Workbench | undefined;
let browser: Browser | undefined;
let page: Page;

before(async () => {
  assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js is missing: run "npm run build" first');
  await resetEmulator(testEndpoint());
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-e2e-ja-'));
  const workspace = path.join(scratch, 'workspace');
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'tutorial.blueprint.yaml'), tutorialText);
  // A slip while copying the tutorial: a prefix length no IPv4 block has.
  fs.writeFileSync(path.join(workspace, 'bad.blueprint.yaml'), tutorialText.replace('cidr: 10.0.1.0/24', 'cidr: 10.0.1.0/33'));
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'ec2Blueprint.endpoint': testEndpoint(), 'ec2Blueprint.keyDirectory': path.join(scratch, 'keys') }, null, 2));
  workbench = await startWorkbench({ folder: workspace, extensionDevelopmentPath: repoRoot, locale: 'ja' });
  ({ browser, page } = await openWorkbenchPage(workbench.url, { viewport: { width: 1400, height: 900 } }));
});

after(async () => {
  await browser?.close().catch(() => {});
  await workbench?.stop().catch(() => {});
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

/** Polls until `probe` gives a value; the failure shows what `describe` says. */
async function waitForValue<T>(what: string, probe: () => Promise<T | undefined>, describe: () => Promise<string>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${await describe()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`) });

/** The rows the command palette lists for `text`, once `expected` is among them (extensions register seconds after the workbench is drawn). */
async function paletteRows(text: string, expected: string, timeoutMs = 60_000): Promise<string[]> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${text}`);
    try {
      await rows.filter({ hasText: expected }).first().waitFor({ state: 'visible', timeout: 3_000 });
      return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`"${expected}" never appeared in the command palette for "${text}"`, { cause: e });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function runPaletteCommand(title: string): Promise<void> {
  await paletteRows(title, title);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.filter({ hasText: title }).first().click();
}

/** Opens a file of the workspace by clicking it in the Explorer (Escape first: nothing modal in the way). */
async function openFile(name: string): Promise<void> {
  await page.keyboard.press('Escape');
  const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: new RegExp(`^${name.replace(/\./g, '\\.')}`) }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
  await page.locator('.tabs-container .tab.active').filter({ hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
}

/** With two blueprints in the folder a command may ask which one ("どのブループリントですか?", itself a Japanese quick pick): the tutorial's. */
async function answerBlueprintPick(): Promise<void> {
  const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'tutorial.blueprint.yaml' }).first();
  const placeholder = page.locator('.quick-input-widget .quick-input-box input[placeholder="どのブループリントですか?"]');
  try {
    await placeholder.waitFor({ state: 'visible', timeout: 3_000 });
  } catch {
    return; // it acted on the active editor
  }
  await pick.click();
}

test('the command palette lists the Blueprint commands with their Japanese titles', async () => {
  // The palette draws only the rows in view, so each title is typed.
  const titles = ['ブループリントを検証', 'チュートリアルから新しいブループリントを作成…', 'VPC を作成', 'サブネットを作成', 'インターネットゲートウェイを作成', 'ルートテーブルを作成', 'セキュリティグループを作成', 'ネットワークインターフェイスを作成', 'Elastic IP を割り当てて関連付け', 'キーペアを作成', 'インスタンスを起動', '通信経路を表示', 'インスタンスに SSH 接続'];
  for (const [i, title] of titles.entries()) {
    const found = await paletteRows(title, `Blueprint: ${title}`, i === 0 ? 60_000 : 15_000);
    assert.ok(found.some((r) => r.startsWith(`Blueprint: ${title}`)), `${title}: ${found.join(' | ')}`);
    if (i === 0) await shot('01-palette');
    await page.keyboard.press('Escape');
  }
  const all = await paletteRows('Blueprint', 'Blueprint: ');
  await shot('01-palette-blueprint');
  assert.ok(all.every((r) => !r.startsWith('Blueprint: Create ')), `an English title is first: ${all.join(' | ')}`);
  await page.keyboard.press('Escape');
});

test('a malformed blueprint shows its diagnostic in Japanese in the Problems panel', async () => {
  await openFile('bad.blueprint.yaml');
  await page.keyboard.press('Control+Shift+M');
  const message = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'CIDR ブロックではありません' }).first();
  await message.waitFor({ state: 'visible', timeout: 60_000 });
  const text = (await message.innerText()).replace(/\s+/g, ' ');
  await shot('02-problems');
  assert.match(text, /「10\.0\.1\.0\/33」は CIDR ブロックではありません。10\.0\.0\.0\/16 のように、アドレス、スラッシュ、プレフィックス長の順に書いてください。/);
  // The tutorial's open SSH is a warning in Japanese too (the validator also runs on the open file only, so open it).
});

/** Opens the walkthrough from "Welcome: Open Walkthrough..." (the Get Started page's list). */
async function openWalkthrough(): Promise<void> {
  await runPaletteCommand('Welcome: Open Walkthrough...');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'はじめての EC2 インスタンス' }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
  await page.locator('.getting-started-step .step-title', { hasText: 'VPC を作成する' }).first().waitFor({ state: 'visible', timeout: 30_000 });
}

const stepNamed = (title: string) => page.locator('.getting-started-step').filter({ has: page.locator('.step-title', { hasText: new RegExp(`^${title}$`) }) }).first();
const isChecked = async (title: string) => (await stepNamed(title).locator('.codicon-getting-started-step-checked').count()) > 0;

test('the walkthrough shows its Japanese steps and ticks the VPC step once the VPC exists', async () => {
  await openWalkthrough();
  const titles = (await page.locator('.getting-started-step .step-title').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  assert.deepEqual(titles, [
    'チュートリアルのブループリントから始める',
    'VPC を作成する',
    'サブネットを作成する',
    'インターネットゲートウェイを作成する',
    'ルートテーブルを作成する',
    'セキュリティグループを作成する',
    'ネットワークインターフェイスを作成する',
    'Elastic IP を割り当てる',
    'キーペアを作成する',
    'EC2 インスタンスを起動する',
    '通信経路を見る',
    'SSH で接続する',
    '次の章: サーバーが自分でセットアップする (WordPress)',
    '第 2 部: アプリケーションをプライベートサブネットに置く',
    'NAT ゲートウェイ: 外への出口 (時間単位で課金)',
    '踏み台を経由して SSH で接続する',
  ]);
  assert.equal(await isChecked('VPC を作成する'), false, 'the VPC step is not complete before the VPC exists');
  // The picture beside the steps is the diagram drawn in Japanese (package.nls.ja.json points at media/walkthrough/ja/).
  const picture = page.locator('.getting-started-media img').first();
  const src = await waitForValue('the walkthrough picture', async () => {
    // VS Code sets srcset (1.5x) with the path URI-encoded.
    const value = decodeURIComponent((await picture.getAttribute('srcset').catch(() => null)) ?? (await picture.getAttribute('src').catch(() => null)) ?? '');
    return /walkthrough/.test(value) && (await picture.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0)) ? value : undefined;
  }, async () => picture.evaluate((img) => (img as unknown as { outerHTML: string }).outerHTML).catch((e) => String(e)));
  assert.match(src, /media\/walkthrough\/ja\/step-0\.png/);
  await shot('03-walkthrough');

  // Create the VPC of the tutorial's blueprint from the palette, by its Japanese title, against the emulator.
  await openFile('tutorial.blueprint.yaml');
  await runPaletteCommand('Blueprint: VPC を作成');
  await answerBlueprintPick();
  await openWalkthrough();
  const deadline = Date.now() + 60_000;
  while (!(await isChecked('VPC を作成する'))) {
    if (Date.now() > deadline) {
      await shot('FAILED-walkthrough');
      throw new Error('the VPC step never completed after "Blueprint: VPC を作成"');
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stepNamed('VPC を作成する').scrollIntoViewIfNeeded();
  await shot('04-walkthrough-vpc-done');
  assert.equal(await isChecked('サブネットを作成する'), false, 'only the VPC step is complete');
});

test('the plan opened beside the blueprint gives the engine\'s reasons in Japanese (the engine bundle follows the display language)', async () => {
  await openFile('tutorial.blueprint.yaml');
  await runPaletteCommand('Blueprint: プラン (変更内容を表示)');
  await answerBlueprintPick();
  // The plan is a markdown document in an editor: its lines are in the editor's DOM.
  const lines = page.locator('.monaco-editor .view-lines');
  const text = await waitForValue(
    'the plan document',
    async () => {
      // Long lines wrap in the editor: the text is read with the wraps taken out.
      const all = (await lines.allInnerTexts()).join('').replace(/\u00a0/g, ' ').replace(/\n/g, '');
      return all.includes('のプラン') && all.includes('まだ存在しません。') ? all : undefined;
    },
    async () => {
      await shot('FAILED-plan');
      return (await lines.allInnerTexts()).join('\n---\n').slice(0, 2000);
    },
    60_000,
  );
  await shot('05-plan');
  assert.match(text, /# tutorial\.blueprint\.yaml のプラン/);
  assert.match(text, /作成 \d、更新 0、置き換え 0、削除 0、変更なし \d。/);
  assert.doesNotMatch(text, /It does not exist yet/);
});
