// The diagram's speed: the host building the picture's message, then in headless Chromium (the built
// webview, the panel's CSP) the full render time at the tutorial, 50, 200 and 500 resources, and the time from a status update message to the
// repainted node. Medians, with ratios against a baseline measured in the same run (a one-box
// picture). For comparison, mermaid (its default dagre layout, the devDependency the tests use) draws
// the same picture's mermaid text in the same run; the previous renderer, mermaid with the ELK layout,
// is in README's table. For each picture: edge crossings and edges drawn through a component box.
// Goals: the tutorial within 0.3 s, 500 resources within 3 s.
//   node scripts/bench-diagram.mjs [--runs N] [--no-mermaid]      (needs `npm run build` first)
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { require as tsxRequire } from 'tsx/cjs/api';
import { summary, row } from './bench-lib.mjs';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const withMermaid = !process.argv.includes('--no-mermaid');
const load = (path) => tsxRequire(path, import.meta.url);
const { startDiagramHarness, openMermaidPage, repoRoot } = load('../test/harness/diagram-page.ts');
const { validateBlueprint } = load('../src/core/validate.ts');
const { components } = load('../src/core/model.ts');
const { nodeId } = load('../src/core/diagram.ts');
const { diagramMessage } = load('../src/vscode/diagram/message.ts');
const { largeBlueprint, tutorialText } = load('../test/unit/builders.ts');
const { readPicture, edgeQuality } = load('../test/harness/diagram-geometry.ts');

const blueprintOf = (text) => validateBlueprint(text).blueprint;
const message = (bp, extra = {}) =>
  diagramMessage({ blueprint: bp, uri: 'file:///bench.blueprint.yaml', title: 'bench', step: null, paths: { inbound: false, reply: false }, ...extra });

// The webview's JavaScript, as the package ships it (run after `npm run build`; minified in a production build).
const webview = join(repoRoot, 'dist', 'webview');
const js = readdirSync(webview).filter((f) => f.endsWith('.js'));
const bytes = js.reduce((s, f) => s + statSync(join(webview, f)).size, 0);
const gzipped = js.reduce((s, f) => s + gzipSync(readFileSync(join(webview, f))).length, 0);
console.log(`webview JavaScript: ${(bytes / 1e6).toFixed(2)} MB, ${(gzipped / 1e6).toFixed(2)} MB gzipped (${js.length} file${js.length > 1 ? 's' : ''})`);

const harness = await startDiagramHarness();
try {
  const page = await harness.open();
  const mermaidPage = withMermaid ? await openMermaidPage(harness.browser) : undefined;
  const tutorial = blueprintOf(tutorialText);
  const baselinePicture = { ...message(tutorial), picture: { boxes: [{ id: 'a', name: 'baseline', kind: 'note', title: 'baseline', lines: [], classes: [] }], edges: [] }, nodes: [], edges: [], steps: [] };
  await page.render(baselinePicture);

  /** Wall time from posting a picture to the webview's "rendered". */
  async function timeRender(picture, n = runs) {
    const times = [];
    for (let i = 0; i < n; i++) {
      await page.render(baselinePicture);
      const started = performance.now();
      await page.render(picture, 120_000);
      times.push(performance.now() - started);
    }
    return summary(times);
  }
  async function timeMermaid(text, n) {
    const times = [];
    for (let i = 0; i < n; i++) times.push((await mermaidPage.render(text)).ms);
    return summary(times);
  }

  const baseline = await timeRender(baselinePicture);
  console.log(row('baseline: one-box picture', baseline));

  const cases = [
    ['tutorial', tutorial],
    ['50', blueprintOf(largeBlueprint(50))],
    ['200', blueprintOf(largeBlueprint(200))],
    ['500', blueprintOf(largeBlueprint(500))],
  ];
  for (const [label, bp] of cases) {
    const count = components(bp).length;
    // The host's part: the picture's model and the message (blueprint → boxes, words, mermaid text).
    const hostTimes = [];
    let picture;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      picture = message(bp, { collapse: 'never' });
      hostTimes.push(performance.now() - started);
    }
    console.log(row(`host: the message, ${count} resources (${label})`, summary(hostTimes), baseline));
    const n = count > 300 ? Math.min(runs, 3) : runs;
    const full = await timeRender(picture, n);
    const edges = edgeQuality(await readPicture(page.page));
    console.log(row(`full render, ${count} resources (${label})`, full, baseline));
    console.log(`${''.padEnd(48)} edge crossings ${edges.crossings}, edges through boxes ${edges.throughBoxes}`);
    if (mermaidPage) {
      const m = await timeMermaid(picture.mermaid, count > 300 ? 1 : Math.min(runs, 3));
      console.log(row(`  mermaid (dagre) on the same text, ${count}`, m, baseline) + `  (ours ×${(full.median / m.median).toFixed(2)} of it)`);
    }
    if (count > 150) {
      const collapsed = await timeRender(message(bp));
      console.log(row(`as shown (collapsed per subnet), ${count} resources`, collapsed, baseline));
    }
  }
  const paths = await timeRender(message(tutorial, { paths: { inbound: true, reply: true } }));
  console.log(row('tutorial with both traffic paths', paths, baseline));
  console.log(`${''.padEnd(48)} edge crossings and through boxes: ${JSON.stringify(edgeQuality(await readPicture(page.page)))}`);

  // An engine event: the host posts a `status` message; time until the node shows it, painted.
  await page.render(message(tutorial));
  const sg = tutorial.securityGroups[0].name;
  const id = nodeId(sg);
  const restyle = [];
  for (let i = 0; i < runs * 4; i++) {
    const status = i % 2 === 0 ? 'created' : 'in-progress';
    const ms = await page.page.evaluate(`(async () => {
      const started = performance.now();
      window.postMessage({ type: 'status', changes: [{ id: ${JSON.stringify(id)}, name: ${JSON.stringify(sg)}, status: '${status}' }] }, '*');
      const node = () => document.querySelector('[data-node-id=${JSON.stringify(id)}]');
      while (node().getAttribute('data-status') !== '${status}') await new Promise((r) => setTimeout(r, 0));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - started;
    })()`);
    restyle.push(ms);
  }
  console.log(row('status message → repainted node (instant restyle)', summary(restyle), baseline));
  const now = new Date().toISOString();
  const created = { version: 1, stack: tutorial.stack, region: tutorial.region, updatedAt: now, resources: { [sg]: { kind: 'securityGroup', id: 'sg-0bench', attributes: {}, createdAt: now, updatedAt: now } } };
  const followUp = await timeRender(message(tutorial, { state: created }));
  console.log(row('then the full picture with the new label', followUp, baseline));
  await mermaidPage?.close();
  await page.close();
} finally {
  await harness.close();
}
