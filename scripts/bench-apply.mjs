// How close does apply come to the fastest possible? A small proxy in front of the EC2 emulator
// adds a fixed latency to every call (as a faraway region would), then apply runs the tutorial
// stack and a generated 60-resource stack, with the default parallelism and with --parallelism 1.
//
// The bound: apply cannot finish before its longest chain of calls has been made one after the
// other. Each action's own chain is counted in the --parallelism 1 run (one action at a time, so
// every request the proxy sees belongs to the action running then), the plan's reads (all kinds
// listed at once) are one more link, and the longest path through the dependency graph times the
// latency is the bound. Reported: wall time ÷ bound (goal: ≤ 1.15). The emulator's own time per
// call is printed beside it: it is part of every wall time and of no bound.
//
// Then the private-subnet example with AWS's two long waits played by the test's fault proxy
// (test/harness/fault-proxy.ts) in front of the same latency: the NAT gateway `pending` and each
// instance's status checks `initializing` for --wait seconds (AWS: minutes each). Apply waits for
// them side by side, so its bound is one wait plus the calls (the same apply measured with no wait
// played, in the same run); the sum of the waits plus the calls is what waiting one after the other
// would take. Reported: wall time ÷ each.
//
//   npm run bench:apply                      (builds first)
//   node scripts/bench-apply.mjs [--latency 250] [--runs 3] [--wait 30] [--private-only]
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summary } from './bench-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const latencyMs = arg('latency', 250);
const runs = arg('runs', 3);
const waitMs = arg('wait', 30) * 1000;
const privateOnly = process.argv.includes('--private-only');

const enginePath = path.join(root, 'dist', 'engine.js');
if (!existsSync(enginePath)) {
  console.error('dist/engine.js is missing: run `npm run build` first (or `npm run bench:apply`, which does).');
  process.exit(2);
}
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCH';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= '1';
const { engine } = createRequire(import.meta.url)(enginePath);

/** Forwards every request to `target` after `delayMs`, counting them. */
function latencyProxy(target, delayMs) {
  let requests = 0;
  const arrivals = [];
  const service = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests++;
      arrivals.push({ at: performance.now(), action: /(?:^|&)Action=(\w+)/.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? '' });
      setTimeout(() => {
        const sent = performance.now();
        const out = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers, agent }, (answer) => {
          service.push(performance.now() - sent);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.on('error', (error) => {
          res.writeHead(502);
          res.end(String(error));
        });
        out.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        endpoint: `http://127.0.0.1:${server.address().port}`,
        requests: () => requests,
        arrivals,
        service,
        close: () => new Promise((done) => { agent.destroy(); server.close(() => done()); }),
      }),
    ),
  );
}

/** 60 resources: a VPC and its gateway, 8 subnets in 3 zones, 2 route tables, 8 security groups,
 * 2 network ACLs, 12 interfaces with 12 Elastic IPs, 2 key pairs and 12 instances. */
function sixtyResourceStack() {
  const zones = ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d'];
  const y = [];
  y.push('version: 1', 'stack: bench-sixty', 'region: ap-northeast-1', 'vpc: { name: vpc-bench, cidr: 10.0.0.0/16 }', 'internetGateway: { name: igw-bench }', 'subnets:');
  for (let i = 0; i < 8; i++) y.push(`  - { name: subnet-${i}, cidr: 10.0.${i}.0/24, availabilityZone: ${zones[i % 3]} }`);
  y.push('routeTables:');
  for (let r = 0; r < 2; r++) y.push(`  - name: rtb-${r}`, '    routes: [{ destination: 0.0.0.0/0, target: igw-bench }]', `    subnets: [${[0, 1, 2, 3].map((i) => `subnet-${r * 4 + i}`).join(', ')}]`);
  y.push('securityGroups:');
  for (let g = 0; g < 8; g++) {
    y.push(`  - name: group-${g}`, `    description: group ${g}`, '    ingress:', '      - { protocol: tcp, port: 22, source: 10.0.0.0/16 }', `      - { protocol: tcp, port: ${8000 + g}, source: 0.0.0.0/0 }`);
  }
  y.push('networkAcls:');
  for (let a = 0; a < 2; a++) {
    y.push(`  - name: acl-${a}`, `    subnets: [${[0, 1, 2, 3].map((i) => `subnet-${a * 4 + i}`).join(', ')}]`);
    y.push('    inbound:', '      - { rule: 100, action: allow, protocol: all, source: 0.0.0.0/0 }', '    outbound:', '      - { rule: 100, action: allow, protocol: all, destination: 0.0.0.0/0 }');
  }
  y.push('networkInterfaces:');
  for (let n = 0; n < 12; n++) y.push(`  - { name: eni-${n}, subnet: subnet-${n % 8}, privateIp: 10.0.${n % 8}.${20 + n}, securityGroups: [group-${n % 8}] }`);
  y.push('elasticIps:');
  for (let n = 0; n < 12; n++) y.push(`  - { name: eip-${n}, networkBorderGroup: ap-northeast-1, networkInterface: eni-${n} }`);
  y.push('keyPairs:', '  - { name: key-bench-0 }', '  - { name: key-bench-1 }');
  y.push('instances:');
  for (let n = 0; n < 12; n++) y.push(`  - { name: ec2-${n}, image: rhel-8, instanceType: t2.micro, networkInterface: eni-${n}, rootVolume: { sizeGiB: 10 }, keyPair: key-bench-${n % 2} }`);
  return y.join('\n') + '\n';
}

async function applyOnce(moto, proxy, text, parallelism, preflight = true) {
  await moto.reset();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-apply-'));
  try {
    const file = path.join(dir, 'bench.blueprint.yaml');
    writeFileSync(file, text);
    const t0 = performance.now();
    const marks = { plan: 0, started: new Map(), done: new Map() };
    let actions = [];
    const before = proxy.requests();
    const beforeArrivals = proxy.arrivals.length;
    const result = await engine.apply(
      { path: file, text },
      {
        endpoint: proxy.endpoint,
        keyDir: path.join(dir, 'keys'),
        parallelism,
        preflight,
        onEvent(e) {
          const now = performance.now() - t0;
          if (e.type === 'plan') {
            marks.plan = now;
            actions = e.plan.actions;
          } else if (e.type === 'started') marks.started.set(e.name, now);
          else if (e.type === 'done') marks.done.set(e.name, now);
        },
      },
    );
    const wall = performance.now() - t0;
    if (!result.ok) throw new Error(`apply failed: ${JSON.stringify(result.failures)}`);
    // The requests that arrived while each action ran (exact when one action runs at a time).
    // The image lookup is started at the beginning, beside the network: on no action's chain.
    const arrivals = proxy.arrivals.slice(beforeArrivals).filter((a) => a.action !== 'DescribeImages').map((a) => a.at - t0);
    const links = new Map(actions.map((a) => [a.name, arrivals.filter((t) => t >= marks.started.get(a.name) && t <= marks.done.get(a.name)).length]));
    return { wall, actions, links, calls: result.calls, requests: proxy.requests() - before };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Calls made one after the other on the longest path: the plan's one round of reads, then the
 * actions' own calls along the dependency graph. */
function criticalChain(actions, links) {
  const byName = new Map(actions.map((a) => [a.name, a]));
  const memo = new Map();
  const depth = (name) => {
    if (memo.has(name)) return memo.get(name);
    const value = links.get(name) + Math.max(0, ...byName.get(name).dependsOn.filter((d) => byName.has(d)).map(depth));
    memo.set(name, value);
    return value;
  };
  return 1 + Math.max(...actions.map((a) => depth(a.name)));
}

const { tsImport } = await import('tsx/esm/api');
const harness = await tsImport(pathToFileURL(path.join(root, 'test/harness/moto.ts')).href, import.meta.url);
const { startFaultProxy } = await tsImport(pathToFileURL(path.join(root, 'test/harness/fault-proxy.ts')).href, import.meta.url);
const moto = await harness.startMoto({ log: (line) => console.error(`[moto] ${line}`) });
const proxy = await latencyProxy(moto.endpoint, latencyMs);
const direct = await latencyProxy(moto.endpoint, 0);
// AWS's long waits, in front of the latency (the latency proxy still sees and counts every call).
const waits = await startFaultProxy(proxy.endpoint, { natPendingMs: waitMs, statusChecksMs: waitMs });
const waiting = { ...proxy, endpoint: waits.endpoint };
try {
  // The generated stack's 12 Elastic IPs are over AWS's default quota of 5 (the preflight says so
  // and stops): it is measured without the preflight; the tutorial both ways, below.
  const stacks = [
    ['tutorial (9 resources)', readFileSync(path.join(root, 'examples', 'tutorial.blueprint.yaml'), 'utf8'), true],
    ['generated (60 resources)', sixtyResourceStack(), false],
  ];
  console.log(`apply with ${latencyMs} ms added to every EC2 call; median of ${runs} runs\n`);
  for (const [label, text, preflight] of privateOnly ? [] : stacks) {
    const serial = [];
    for (let i = 0; i < runs; i++) serial.push(await applyOnce(moto, proxy, text, 1, preflight));
    // With the preflight, one round of parallel calls more before the first change.
    const chain = criticalChain(serial[0].actions, serial[0].links) + (preflight ? 1 : 0);
    const bound = chain * latencyMs;
    const parallel = [];
    const serviceFrom = proxy.service.length;
    for (let i = 0; i < runs; i++) parallel.push(await applyOnce(moto, proxy, text, 10, preflight));
    const emulatorMs = summary(proxy.service.slice(serviceFrom)).median;
    for (const [parallelism, results] of [[10, parallel], [1, serial]]) {
      const wall = summary(results.map((r) => r.wall));
      const ratio = wall.median / bound;
      console.log(
        `${label.padEnd(26)} --parallelism ${String(parallelism).padEnd(3)} ${(wall.median / 1000).toFixed(2).padStart(6)} s   ×${ratio.toFixed(2)} of the bound` +
          (parallelism === 10 ? (ratio <= 1.15 ? '  (goal ≤ 1.15 met)' : '  (goal ≤ 1.15 not met)') : ''),
      );
    }
    const parallelWall = summary(parallel.map((r) => r.wall)).median;
    // The same apply with no latency added: what the emulator alone needs (it answers one request
    // at a time, so a big stack is limited by it, not by the depth of the graph).
    const bare = [];
    for (let i = 0; i < runs; i++) bare.push(await applyOnce(moto, direct, text, 10, preflight));
    const bareWall = summary(bare.map((r) => r.wall)).median;
    if (preflight) {
      // The preflight's price: one round of parallel calls before the first change.
      const without = [];
      for (let i = 0; i < runs; i++) without.push(await applyOnce(moto, proxy, text, 10, false));
      const withoutWall = summary(without.map((r) => r.wall)).median;
      const extra = parallelWall - withoutWall;
      console.log(
        `${label.padEnd(26)} --parallelism 10 with the preflight ${(parallelWall / 1000).toFixed(2)} s, without (--no-preflight) ${(withoutWall / 1000).toFixed(2)} s: ` +
          `+${(extra / 1000).toFixed(2)} s = ${(extra / latencyMs).toFixed(2)} × the ${latencyMs} ms of one round (goal ≤ 1 round + the emulator's own pace); ` +
          `${parallel[0].calls.read - without[0].calls.read} more reads (DryRuns included), ${parallel[0].calls.mutating - without[0].calls.mutating} more changes`,
      );
    }
    console.log(
      `${''.padEnd(26)} bound ${(bound / 1000).toFixed(2)} s = ${chain} calls deep × ${latencyMs} ms; ${serial[0].calls.mutating} mutating + ${serial[0].calls.read} read calls in all\n` +
        `${''.padEnd(26)} the emulator itself takes ${emulatorMs.toFixed(0)} ms a call (median, on top of the latency); counting it in the bound: ` +
        `×${(parallelWall / (chain * (latencyMs + emulatorMs))).toFixed(2)} with --parallelism 10\n` +
        `${''.padEnd(26)} the same apply with no latency added: ${(bareWall / 1000).toFixed(2)} s (the emulator's own pace)\n`,
    );
  }
  const privateText = readFileSync(path.join(root, 'examples', 'private-subnet.blueprint.yaml'), 'utf8');
  const label = 'private subnet (12 resources)';
  const bare = [];
  for (let i = 0; i < runs; i++) bare.push(await applyOnce(moto, proxy, privateText, 10));
  const slow = [];
  for (let i = 0; i < runs; i++) slow.push(await applyOnce(moto, waiting, privateText, 10));
  const callsWall = summary(bare.map((r) => r.wall)).median;
  const wall = summary(slow.map((r) => r.wall)).median;
  const bound = waitMs + callsWall;
  const sum = 2 * waitMs + callsWall;
  console.log(
    `${label.padEnd(26)} NAT gateway pending and status checks initializing ${waitMs / 1000} s each: ${(wall / 1000).toFixed(2)} s\n` +
      `${''.padEnd(26)} ×${(wall / bound).toFixed(2)} of the bound ${(bound / 1000).toFixed(2)} s = one wait + the calls (the same apply with no wait: ${(callsWall / 1000).toFixed(2)} s)\n` +
      `${''.padEnd(26)} ×${(wall / sum).toFixed(2)} of ${(sum / 1000).toFixed(2)} s = both waits one after the other + the calls ` +
      `(the overshoot over the bound is the polling: every 5 s for the NAT gateway, 5–15 s for the status checks)\n`,
  );
} finally {
  await waits.stop();
  await proxy.close();
  await direct.close();
  await moto.stop();
}
