// Shared by the fault tests: run the built CLI as a child process (so it can be killed for real),
// and take an inventory of everything in the emulator to count duplicates, orphans and losses.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Tag,
} from '@aws-sdk/client-ec2';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_CREDENTIALS, TEST_REGION, testEndpoint } from '../harness/moto';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy';

export const root = resolve(dirname(__filename), '..', '..');
export const cliPath = join(root, 'dist', 'cli.js');
export const tutorialPath = join(root, 'examples', 'tutorial.blueprint.yaml');
export const tutorialStack = 'wp-atsushi';

/** The tutorial's components and their kinds: exactly one of each must exist after an apply. */
export const tutorialComponents: Record<string, string> = {
  'vpc-Atsushi': 'vpc',
  'public-subnet-1a-Atsushi': 'subnet',
  'igw-Atsushi': 'internetGateway',
  'rtb-public-Atsushi': 'routeTable',
  'seg-g_wp_Atsushi': 'securityGroup',
  'eni-wp-Atsushi': 'networkInterface',
  'eip-Atsushi': 'elasticIp',
  'key-wp-RHEL': 'keyPair',
  'ec2-wp-RHEL8': 'instance',
};

export function requireBuiltCli(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first (npm run test:faults does).`);
}

export interface Workspace {
  dir: string;
  blueprint: string;
  state: string;
  keyDir: string;
  remove(): void;
}

/** A fresh folder with a copy of the tutorial blueprint (and so its own state file) and a key folder. */
export function workspace(prefix = 'ec2bp-faults-', text?: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const blueprint = join(dir, 'tutorial.blueprint.yaml');
  if (text === undefined) copyFileSync(tutorialPath, blueprint);
  else writeFileSync(blueprint, text);
  const keyDir = join(dir, 'keys');
  mkdirSync(keyDir, { mode: 0o700 });
  return { dir, blueprint, state: join(dir, 'tutorial.blueprint.state.json'), keyDir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The environment of a CLI child: dummy credentials, the endpoint everywhere the SDK looks. */
export function cliEnv(endpoint: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: TEST_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_EC2: endpoint,
    ...extra,
  };
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'EC2BP_DEBUG']) if (!(name in extra)) delete env[name];
  return env;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed, when it is one JSON document. */
  json?: Record<string, unknown>;
}

export interface StartedCli {
  child: ChildProcess;
  done: Promise<CliRun>;
}

/** Starts `node dist/cli.js ARGS` and collects its output. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): StartedCli {
  const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<CliRun>((resolveRun) => {
    child.on('close', (code, signal) => {
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      resolveRun({ code, signal, stdout, stderr, ...(json ? { json } : {}) });
    });
  });
  return { child, done };
}

/** Runs the CLI to the end (or kills it after `timeoutMs`). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<CliRun> {
  const started = startCli(args, env);
  const timer = setTimeout(() => started.child.kill('SIGKILL'), timeoutMs);
  try {
    return await started.done;
  } finally {
    clearTimeout(timer);
  }
}

export function describeRun(run: CliRun): string {
  return `exit ${run.code}${run.signal ? ` (${run.signal})` : ''}\n--- stdout\n${run.stdout.slice(-1500)}\n--- stderr\n${run.stderr.slice(-3000)}`;
}

export function emulatorClient(endpoint: string): EC2Client {
  return new EC2Client({ endpoint, region: TEST_REGION, credentials: { ...TEST_CREDENTIALS }, maxAttempts: 5 });
}

export interface Item {
  kind: string;
  id: string;
  /** The blueprint:name tag, if any. */
  name?: string;
  stack?: string;
}

function tagOf(tags: Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/**
 * Everything the emulator holds that a blueprint could have made: every non-default VPC and what
 * is inside it (subnets, internet gateways attached to it, route tables but the main one, security
 * groups but the default one, network interfaces), every Elastic IP, every key pair, every instance
 * that is not terminated — tagged or not — plus anything anywhere tagged with a blueprint stack.
 */
export async function inventory(ec2: EC2Client): Promise<Item[]> {
  const items = new Map<string, Item>();
  const add = (kind: string, id: string | undefined, tags: Tag[] | undefined) => {
    if (!id) return;
    items.set(`${kind}|${id}`, { kind, id, name: tagOf(tags, 'blueprint:name'), stack: tagOf(tags, 'blueprint:stack') });
  };
  const vpcs = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? [];
  const ours = vpcs.filter((v) => !v.IsDefault);
  const vpcIds = new Set(ours.map((v) => v.VpcId!));
  for (const v of ours) add('vpc', v.VpcId, v.Tags);
  for (const s of (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? []) if (vpcIds.has(s.VpcId!) || tagOf(s.Tags, 'blueprint:stack')) add('subnet', s.SubnetId, s.Tags);
  for (const g of (await ec2.send(new DescribeInternetGatewaysCommand({}))).InternetGateways ?? []) {
    const attachedToOurs = (g.Attachments ?? []).some((a) => vpcIds.has(a.VpcId!));
    const attachedToDefault = (g.Attachments ?? []).some((a) => a.VpcId && !vpcIds.has(a.VpcId));
    // A detached gateway belongs to nobody: count it (an orphan unless the stack tags say otherwise).
    if (attachedToOurs || tagOf(g.Tags, 'blueprint:stack') || (!attachedToDefault && (g.Attachments ?? []).length === 0)) add('internetGateway', g.InternetGatewayId, g.Tags);
  }
  for (const r of (await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables ?? []) {
    const main = (r.Associations ?? []).some((a) => a.Main);
    if ((vpcIds.has(r.VpcId!) && !main) || tagOf(r.Tags, 'blueprint:stack')) add('routeTable', r.RouteTableId, r.Tags);
  }
  for (const g of (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? []) {
    if ((vpcIds.has(g.VpcId!) && g.GroupName !== 'default') || tagOf(g.Tags, 'blueprint:stack')) add('securityGroup', g.GroupId, g.Tags);
  }
  for (const n of (await ec2.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces ?? []) {
    if (vpcIds.has(n.VpcId!) || tagOf(n.TagSet, 'blueprint:stack')) add('networkInterface', n.NetworkInterfaceId, n.TagSet);
  }
  for (const a of (await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? []) add('elasticIp', a.AllocationId, a.Tags);
  for (const k of (await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? []) add('keyPair', k.KeyName, k.Tags);
  for (const reservation of (await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []) {
    for (const i of reservation.Instances ?? []) {
      const state = i.State?.Name;
      if (state !== 'terminated' && state !== 'shutting-down') add('instance', i.InstanceId, i.Tags);
    }
  }
  return [...items.values()];
}

export interface Verdict {
  /** Components that exist more than once. */
  duplicates: string[];
  /** Resources that are not one of the blueprint's components as recorded in the state. */
  orphans: string[];
  /** Components missing in the emulator or in the state, or recorded with an id that is gone. */
  lost: string[];
}

/** After an apply: exactly one of each component, each the one the state file records, nothing else. */
export function judgeApplied(items: Item[], statePath: string, components: Record<string, string> = tutorialComponents): Verdict {
  const verdict: Verdict = { duplicates: [], orphans: [], lost: [] };
  let state: { resources?: Record<string, { kind: string; id: string }> } = {};
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as typeof state;
  } catch (error) {
    verdict.lost.push(`the state file cannot be read: ${(error as Error).message}`);
  }
  const recorded = state.resources ?? {};
  const recordedIds = new Map<string, string>();
  for (const [name, r] of Object.entries(recorded)) recordedIds.set(`${r.kind}|${keyOf(r.kind, r.id, name)}`, name);
  for (const [name, kind] of Object.entries(components)) {
    const matching = items.filter((i) => i.kind === kind && i.name === name);
    if (matching.length > 1) verdict.duplicates.push(`${kind} ${name}: ${matching.map((m) => m.id).join(', ')}`);
    const r = recorded[name];
    if (!r) verdict.lost.push(`${kind} ${name}: not in the state file`);
    else if (!items.some((i) => i.kind === kind && i.id === keyOf(kind, r.id, name))) verdict.lost.push(`${kind} ${name}: the state records ${r.id}, which does not exist`);
  }
  for (const item of items) {
    if (!recordedIds.has(`${item.kind}|${item.id}`)) {
      if (item.name && components[item.name] === item.kind && items.filter((i) => i.kind === item.kind && i.name === item.name).length > 1) continue; // counted as a duplicate
      verdict.orphans.push(`${item.kind} ${item.id}${item.name ? ` (${item.name})` : ' (untagged)'}`);
    }
  }
  return verdict;
}

/** Key pairs are listed by name; the state may record the key pair's id (key-…) instead. */
function keyOf(kind: string, id: string, name: string): string {
  return kind === 'keyPair' ? name : id;
}

/** After a destroy: nothing at all. */
/** The emulator holds exactly the stack the state file records: no duplicate, no orphan, nothing
 * lost; counted in the file's row of the summary, and `run`'s output told when it fails. */
export async function assertAppliedOnce(statePath: string, row: SummaryRow, run?: CliRun): Promise<void> {
  const ec2 = emulatorClient(testEndpoint());
  const verdict = judgeApplied(await inventory(ec2), statePath);
  ec2.destroy();
  row.duplicates += verdict.duplicates.length;
  row.orphans += verdict.orphans.length;
  row.lost += verdict.lost.length;
  assert.deepEqual(verdict, { duplicates: [], orphans: [], lost: [] }, run ? describeRun(run) : undefined);
}

export function judgeDestroyed(items: Item[]): Verdict {
  return { duplicates: [], orphans: items.map((i) => `${i.kind} ${i.id}${i.name ? ` (${i.name})` : ''}`), lost: [] };
}

export interface SummaryRow {
  test: string;
  /** CLI runs (apply or destroy). */
  runs: number;
  /** Runs killed with SIGKILL. */
  kills: number;
  /** Calls answered RequestLimitExceeded by the fault proxy. */
  throttled: number;
  /** Calls answered HTTP 500. */
  serverErrors: number;
  /** Responses lost after the call was carried out. */
  lostResponses: number;
  duplicates: number;
  orphans: number;
  /** Components missing after a run that should have made them. */
  lost: number;
}

/** The table `npm run test:faults` prints: every fault test file adds its rows to a file shared by
 * the files of one run (they are children of the same node --test process) and prints the table
 * so far, so the last one printed holds them all. */
export function recordSummary(row: SummaryRow): void {
  const file = join(tmpdir(), `ec2bp-faults-summary-${process.ppid}.json`);
  // Tables of earlier runs are of no use to anyone: sweep those older than a day.
  for (const old of readdirSync(tmpdir()).filter((f) => /^ec2bp-faults-summary-\d+\.json$/.test(f))) {
    const path = join(tmpdir(), old);
    try {
      if (Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { force: true });
    } catch {
      // Gone already.
    }
  }
  let rows: SummaryRow[] = [];
  try {
    rows = JSON.parse(readFileSync(file, 'utf8')) as SummaryRow[];
  } catch {
    rows = [];
  }
  rows = rows.filter((r) => r.test !== row.test);
  rows.push(row);
  writeFileSync(file, JSON.stringify(rows));
  const columns: [keyof SummaryRow, string][] = [
    ['test', 'fault test'],
    ['runs', 'runs'],
    ['kills', 'kills'],
    ['throttled', 'throttled calls'],
    ['serverErrors', 'HTTP 500'],
    ['lostResponses', 'lost responses'],
    ['duplicates', 'duplicates'],
    ['orphans', 'orphans'],
    ['lost', 'lost resources'],
  ];
  const total: SummaryRow = { test: 'total', runs: 0, kills: 0, throttled: 0, serverErrors: 0, lostResponses: 0, duplicates: 0, orphans: 0, lost: 0 };
  for (const r of rows) for (const [key] of columns.slice(1)) (total[key] as number) += r[key] as number;
  const table = [...rows, total];
  const widths = columns.map(([key, title]) => Math.max(title.length, ...table.map((r) => String(r[key]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [
    '',
    'Fault summary (all fault test files so far in this run):',
    line(columns.map(([, title]) => title)),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...table.map((r) => line(columns.map(([key]) => String(r[key])))),
    '',
  ];
  process.stdout.write(out.join('\n') + '\n');
}

/** What every fault test file starts with: the built CLI checked, one fault proxy in front of the
 * emulator for the file's tests (usable once the file's tests run), and its row of the summary
 * table printed at the end. */
export function faultProxyForFile(test: string): { row: SummaryRow; proxy: FaultProxy } {
  const row: SummaryRow = { test, runs: 0, kills: 0, throttled: 0, serverErrors: 0, lostResponses: 0, duplicates: 0, orphans: 0, lost: 0 };
  let started: FaultProxy | undefined;
  before(async () => {
    requireBuiltCli();
    started = await startFaultProxy(testEndpoint());
  });
  after(async () => {
    await started?.stop();
    recordSummary(row);
  });
  const proxy = new Proxy({} as FaultProxy, {
    get: (_target, prop) => {
      if (!started) throw new Error('the fault proxy is not started yet');
      const value: unknown = Reflect.get(started, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(started) : value;
    },
  });
  return { row, proxy };
}
