// The pictures of the Getting Started walkthrough, drawn by the product's own diagram webview (the
// built dist/webview bundle in headless Chromium, fed the same `diagram` message the panel sends):
// the tutorial's picture after each step, and the traffic paths, in English (media/walkthrough/)
// and in Japanese (media/walkthrough/ja/, labels and toolbar from l10n/bundle.l10n.ja.json); then
// part two's private subnet (examples/private-subnet.blueprint.yaml), without and with its paths
// (both SSH legs and the way out through the NAT gateway: what `ec2-blueprint diagram
// examples/private-subnet.blueprint.yaml --png OUT --paths` draws, at the walkthrough's size).
//
//   npm run build && node --import tsx scripts/walkthrough-images.ts [NAME…]   (e.g. private private-paths; default all)
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { repoRoot, startDiagramHarness } from '../test/harness/diagram-page';
import { validateBlueprint } from '../src/core/validate';
import { tutorialSteps } from '../src/core/diagram-steps';
import { diagramOverlay } from '../src/core/reach-overlay';
import { diagramMessage } from '../src/vscode/diagram/message';

const tutorialText = readFileSync(join(repoRoot, 'examples', 'tutorial.blueprint.yaml'), 'utf8');
const privateText = readFileSync(join(repoRoot, 'examples', 'private-subnet.blueprint.yaml'), 'utf8');
const wanted = new Set(process.argv.slice(2));
const japanese = JSON.parse(readFileSync(join(repoRoot, 'l10n', 'bundle.l10n.ja.json'), 'utf8')) as Record<string, string>;

async function main(): Promise<void> {
  const harness = await startDiagramHarness();
  try {
    for (const [language, folder] of [['en', 'media/walkthrough'], ['ja', 'media/walkthrough/ja']] as const) {
      l10n.config({ contents: language === 'ja' ? japanese : {} });
      // Validated again per language: findings and labels are made in the language configured.
      const tutorial = validateBlueprint(tutorialText).blueprint!;
      const chapterTwo = validateBlueprint(privateText).blueprint!;
      const out = join(repoRoot, folder);
      mkdirSync(out, { recursive: true });
      const page = await harness.open({ width: 1400, height: 1000 });
      try {
        const message = (extra: Partial<Parameters<typeof diagramMessage>[0]>) =>
          diagramMessage({ blueprint: tutorial, uri: 'file:///work/tutorial.blueprint.yaml', title: 'tutorial.blueprint.yaml', step: null, paths: { inbound: false, reply: false }, ...extra });
        const save = async (name: string) => {
          await page.page.click('#fit');
          if (wanted.size && !wanted.has(name)) return;
          await page.page.screenshot({ path: join(out, `${name}.png`) });
          process.stderr.write(`${folder}/${name}.png\n`);
        };
        for (const step of tutorialSteps(tutorial)) {
          await page.render(message({ step: step.index }));
          await save(`step-${step.index}`);
        }
        // The numbered hops are listed under the picture: room for the whole list.
        await page.page.setViewportSize({ width: 1400, height: 1320 });
        await page.render(message({ paths: { inbound: true, reply: true } }));
        await save('paths');
        await page.page.setViewportSize({ width: 1400, height: 1000 });
        const second = (paths: boolean) =>
          diagramMessage({
            blueprint: chapterTwo,
            uri: 'file:///work/private-subnet.blueprint.yaml',
            title: 'private-subnet.blueprint.yaml',
            step: null,
            paths: { inbound: paths, reply: paths },
            ...(paths ? { overlay: diagramOverlay(chapterTwo) } : {}),
          });
        await page.render(second(false));
        await save('private');
        // Two legs, the reply and the way out: 23 numbered arrows, whose list needs more height.
        await page.page.setViewportSize({ width: 1400, height: 1480 });
        await page.render(second(true));
        await save('private-paths');
        if (page.errors.length) throw new Error(`the webview reported errors: ${page.errors.join('; ')}`);
      } finally {
        await page.close();
      }
    }
  } finally {
    await harness.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
