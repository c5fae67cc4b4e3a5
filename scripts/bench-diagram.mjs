// The diagram's speed in headless Chromium (the built webview, the panel's CSP): full render time
// at 10, 50, 200 and 500 resources, and the time from a status update message to the repainted
// node. Medians, with ratios against a baseline measured in the same run (a one-node picture).
// Each size is also drawn with mermaid's default dagre layout (the layout before ELK, in the same
// run and bundle) for comparison; and for each picture, edge crossings and edges drawn through a
// component box. Goals: the tutorial within 0.3 s, 500 resources within 3 s.
//   node scripts/bench-diagram.mjs [--runs N]      (needs `npm run build` first)
import { require as tsxRequire } from 'tsx/cjs/api';
import { summary, row } from './bench-lib.mjs';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const load = (path) => tsxRequire(path, import.meta.url);
const { startDiagramHarness } = load('../test/harness/diagram-page.ts');
const { validateBlueprint } = load('../src/core/validate.ts');
const { components } = load('../src/core/model.ts');
const { nodeId } = load('../src/core/diagram.ts');
const { diagramMessage } = load('../src/vscode/diagram/message.ts');
const { largeBlueprint, tutorialText } = load('../test/unit/builders.ts');
const { readPicture, edgeQuality } = load('../test/harness/diagram-geometry.ts');
/** The same picture laid out by mermaid's default dagre instead of ELK (front matter wins). */
const withDagre = (picture) => ({ ...picture, mermaid: `---\nconfig:\n  layout: dagre\n---\n${picture.mermaid}` });

const blueprintOf = (text) => validateBlueprint(text).blueprint;
const message = (bp, extra = {}) =>
  diagramMessage({ blueprint: bp, uri: 'file:///bench.blueprint.yaml', title: 'bench', step: null, paths: { inbound: false, reply: false }, ...extra });

const harness = await startDiagramHarness();
try {
  const page = await harness.open();
  const baselinePicture = { ...message(blueprintOf(tutorialText)), mermaid: 'flowchart TB\n  a["baseline"]\n', nodes: [], edges: [], steps: [] };
  // Warm up: the first picture loads mermaid's chunks.
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

  const baseline = await timeRender(baselinePicture);
  console.log(row('baseline: one-node picture', baseline));

  const cases = [
    ['tutorial', blueprintOf(tutorialText)],
    ['50', blueprintOf(largeBlueprint(50))],
    ['200', blueprintOf(largeBlueprint(200))],
    ['500', blueprintOf(largeBlueprint(500))],
  ];
  for (const [label, bp] of cases) {
    const count = components(bp).length;
    const picture = message(bp, { collapse: 'never' });
    const n = count > 300 ? Math.min(runs, 3) : runs;
    const dagre = await timeRender(withDagre(picture), n);
    const dagreEdges = edgeQuality(await readPicture(page.page));
    const full = await timeRender(picture, n);
    const elkEdges = edgeQuality(await readPicture(page.page));
    console.log(row(`full render, ${count} resources (${label}), dagre`, dagre, baseline));
    console.log(`${''.padEnd(48)} edge crossings ${dagreEdges.crossings}, edges through boxes ${dagreEdges.throughBoxes}`);
    console.log(row(`full render, ${count} resources (${label}), ELK`, full, baseline) + `  ×${(full.median / dagre.median).toFixed(2)} of dagre`);
    console.log(`${''.padEnd(48)} edge crossings ${elkEdges.crossings}, edges through boxes ${elkEdges.throughBoxes}`);
    if (count > 150) {
      const collapsed = await timeRender(message(bp));
      console.log(row(`as shown (collapsed per subnet), ${count} resources`, collapsed, baseline));
    }
  }
  const paths = await timeRender(message(blueprintOf(tutorialText), { paths: { inbound: true, reply: true } }));
  console.log(row('tutorial with both traffic paths', paths, baseline));

  // An engine event: the host posts a `status` message; time until the node shows it, painted.
  const tutorial = blueprintOf(tutorialText);
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
  await page.close();
} finally {
  await harness.close();
}
