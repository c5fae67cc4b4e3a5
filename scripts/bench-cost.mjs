// What the price costs the plan: `plan` of the tutorial with every EC2 call and every Price List
// call held back a fixed latency (a faraway region; the price list answers from us-east-1), three
// ways in the same run: without prices (the baseline), with a cold price cache, with a warm one.
// The prices are asked beside the look at what exists, so a cold cache may add at most one round
// of parallel calls (one latency) and a warm one none. Reported: each median, and the difference
// from the baseline in rounds (difference ÷ latency); also the Price List calls of a warm plan (0).
//
//   npm run bench:cost                      (builds first)
//   node scripts/bench-cost.mjs [--latency 150] [--runs 5]
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summary, row } from './bench-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const latencyMs = arg('latency', 150);
const runs = arg('runs', 5);

const enginePath = path.join(root, 'dist', 'engine.js');
if (!existsSync(enginePath)) {
  console.error('dist/engine.js is missing: run `npm run build` first (or `npm run bench:cost`, which does).');
  process.exit(2);
}
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCH';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const cacheDir = mkdtempSync(path.join(tmpdir(), 'ec2bp-bench-cost-'));
process.env.EC2BP_CACHE_DIR = cacheDir;

const { tsImport } = await import('tsx/esm/api');
const load = (file) => tsImport(pathToFileURL(path.join(root, file)).href, import.meta.url);
const motoHarness = await load('test/harness/moto.ts');
const { startFaultProxy } = await load('test/harness/fault-proxy.ts');
const { startPriceList } = await load('test/harness/price-list.ts');
const moto = await motoHarness.startMoto({ log: (line) => console.error(`[moto] ${line}`) });
// The test proxy gives images the billing details AWS gives (the instance's price needs them).
const ec2 = await startFaultProxy(moto.endpoint, { delayMs: latencyMs });
const prices = await startPriceList({ delayMs: latencyMs });
process.env.AWS_ENDPOINT_URL_PRICING = prices.endpoint;
const { engine } = createRequire(import.meta.url)(enginePath);

const blueprint = path.join(root, 'examples', 'tutorial.blueprint.yaml');
const text = readFileSync(blueprint, 'utf8');
const statePath = path.join(cacheDir, 'none.state.json');

async function planOnce(withPrices, cold) {
  if (cold) rmSync(path.join(cacheDir, 'prices'), { recursive: true, force: true });
  const before = prices.calls.length;
  const t0 = performance.now();
  const plan = await engine.plan({ path: blueprint, text }, { endpoint: ec2.endpoint, statePath, prices: withPrices });
  const wall = performance.now() - t0;
  if (process.env.EC2BP_BENCH_VERBOSE) console.error(`  price calls at ${prices.calls.slice(before).map((c) => `${(c.at - t0).toFixed(0)} ms (${c.filters.productFamily ?? c.serviceCode})`).join(', ')}; plan ${wall.toFixed(0)} ms`);
  if (withPrices && !plan.cost?.items.length) throw new Error(`the plan has no prices: ${JSON.stringify(plan.cost?.unknown)}`);
  return { wall, priceCalls: prices.calls.length - before };
}

try {
  await planOnce(false, false); // warm up the emulator and the SDK
  const measure = async (withPrices, cold) => {
    const out = [];
    for (let i = 0; i < runs; i++) out.push(await planOnce(withPrices, cold));
    return out;
  };
  const baseline = await measure(false, false);
  const cold = await measure(true, true);
  const warm = await measure(true, false);
  const base = summary(baseline.map((r) => r.wall));
  const coldS = summary(cold.map((r) => r.wall));
  const warmS = summary(warm.map((r) => r.wall));
  const rounds = (s) => ((s.median - base.median) / latencyMs).toFixed(2);
  console.log(`plan of the tutorial, ${latencyMs} ms on every EC2 and Price List call, ${runs} runs each`);
  console.log(row('plan without prices (baseline)', base));
  console.log(row('plan, cold price cache', coldS, base) + `  +${rounds(coldS)} rounds (goal ≤ 1), ${cold[0].priceCalls} Price List calls`);
  console.log(row('plan, warm price cache', warmS, base) + `  +${rounds(warmS)} rounds (goal ≈ 0), ${Math.max(...warm.map((r) => r.priceCalls))} Price List calls`);
} finally {
  await prices.stop();
  await ec2.stop();
  await moto.stop();
  rmSync(cacheDir, { recursive: true, force: true });
}
