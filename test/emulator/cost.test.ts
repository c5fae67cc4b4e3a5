// What it costs, against the Price List stand-in (test/harness/price-list.ts, AWS's protocol and
// records with their decoys) and the emulator behind the test proxy (which gives DescribeImages
// the billing details AWS gives and moto leaves out): the filters pick the one right product; the
// tutorial is priced as RHEL; after apply, Stop Instance and destroy the cost of what runs follows;
// without permission, network or under throttling the plan still works and says why a price is unknown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { resetEmulator, testClientConfig, testEndpoint } from '../harness/moto';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy';
import { startPriceList, type PriceListStandIn } from '../harness/price-list';
import { workspace } from './engine-workspace';
import { createPriceReader } from '../../src/aws/pricing';
import { instanceProductsQuery, natGatewayQuery, publicIpv4Query, volumeQuery, type PriceQuery } from '../../src/core/cost';
import { loadEngineExports } from '../../src/engine-loader';
import { TEST_REGION } from '../harness/moto';

let prices: PriceListStandIn;
const saved = { pricing: process.env.AWS_ENDPOINT_URL_PRICING, cache: process.env.EC2BP_CACHE_DIR };
let proxy: FaultProxy;
const cacheHome = mkdtempSync(join(tmpdir(), 'ec2bp-price-cache-'));
const ws = workspace('cost-tutorial');

before(async () => {
  await resetEmulator();
  prices = await startPriceList();
  proxy = await startFaultProxy(testEndpoint());
  process.env.AWS_ENDPOINT_URL_PRICING = prices.endpoint;
  process.env.EC2BP_CACHE_DIR = join(cacheHome, 'ec2-blueprint');
});
after(async () => {
  await prices.stop();
  await proxy.stop();
  ws.dispose();
  rmSync(cacheHome, { recursive: true, force: true });
  for (const [name, value] of [['AWS_ENDPOINT_URL_PRICING', saved.pricing], ['EC2BP_CACHE_DIR', saved.cache]] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

const clearCache = () => rmSync(join(cacheHome, 'ec2-blueprint'), { recursive: true, force: true });

test('the proxy gives images the billing details AWS gives (moto leaves them out)', async () => {
  const ec2 = new EC2Client(testClientConfig(proxy.endpoint));
  const out = await ec2.send(new DescribeImagesCommand({ Owners: ['309956199498'], Filters: [{ Name: 'name', Values: ['RHEL-8*'] }] }));
  ec2.destroy();
  assert.ok(out.Images!.length > 0);
  for (const image of out.Images!) {
    assert.equal(image.PlatformDetails, 'Red Hat Enterprise Linux');
    assert.equal(image.UsageOperation, 'RunInstances:0010');
  }
});

test('each query picks the one right product among its decoys, across pages', async () => {
  prices.configure({ pageSize: 1, emptyFirstPage: true });
  const reader = createPriceReader({ cacheDir: mkdtempSync(join(tmpdir(), 'ec2bp-prices-')) });
  try {
    const rhel: PriceQuery = { ...instanceProductsQuery(TEST_REGION, 't2.large'), operation: 'RunInstances:0010' };
    const expected: [string, PriceQuery, number, string][] = [
      ['RHEL t2.large', rhel, 0.1792, 'APN1-BoxUsage:t2.large'],
      ['Linux t2.large', { ...rhel, operation: 'RunInstances' }, 0.1216, 'APN1-BoxUsage:t2.large'],
      ['gp3 storage', volumeQuery(TEST_REGION, 'gp3'), 0.096, 'APN1-EBS:VolumeUsage.gp3'],
      ['in-use public IPv4', publicIpv4Query(TEST_REGION), 0.005, 'APN1-PublicIPv4:InUseAddress'],
      ['idle public IPv4', publicIpv4Query(TEST_REGION, true), 0.005, 'APN1-PublicIPv4:IdleAddress'],
      ['NAT gateway hours', natGatewayQuery(TEST_REGION), 0.062, 'APN1-NatGateway-Hours'],
    ];
    for (const [what, query, usd, usageType] of expected) {
      const answer = await reader.price(query);
      assert.ok('price' in answer, `${what}: ${JSON.stringify(answer)}`);
      assert.equal(answer.price.usd, usd, what);
      assert.equal(answer.price.usageType, usageType, what);
    }
    // The decoys were in the answers the filters narrowed: without them the RHEL query matches more.
    const loose = await reader.price({ serviceCode: 'AmazonEC2', filters: { regionCode: TEST_REGION, instanceType: 't2.large' }, operation: 'RunInstances:0010' });
    assert.ok('unknown' in loose && /products match/.test(loose.unknown), JSON.stringify(loose));
    assert.ok(prices.calls.some((c) => c.nextToken), 'pages were followed');
    assert.ok(prices.calls.every((c) => c.signed), 'every request is signed with the user\'s credentials');
  } finally {
    reader.close();
    prices.configure({ pageSize: 100, emptyFirstPage: false });
  }
});

test('cost prints each billed component with its source, the total, and prices the instance as RHEL', async () => {
  clearCache();
  const run = await ws.cli(['cost'], { endpoint: proxy.endpoint });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ec2-wp-RHEL8 +t2\.large, Red Hat Enterprise Linux, on demand, shared tenancy +\$0\.1792\/h +AWS Price List API, APN1-BoxUsage:t2\.large, read \d{4}-\d\d-\d\d$/m);
  assert.match(run.stdout, /^ec2-wp-RHEL8 root volume +30 GiB gp3 +\$0\.00\d\d\/h +AWS Price List API, APN1-EBS:VolumeUsage\.gp3/m);
  assert.match(run.stdout, /^eip-Atsushi +Elastic IP \(public IPv4 address\) +\$0\.0050\/h +AWS Price List API, APN1-PublicIPv4:InUseAddress/m);
  assert.match(run.stdout, /Total: \$0\.18\d\d per hour, \$13\d\.\d\d per 30 days/);
  assert.match(run.stdout, /Not included: data transfer/);

  const json = (await ws.cli(['cost', '--json'], { endpoint: proxy.endpoint })).json() as unknown as {
    currency: string; hourly: number; monthly: number; asOf: string; items: Record<string, unknown>[]; unknown: unknown[];
  };
  assert.equal(json.currency, 'USD');
  assert.deepEqual(Object.keys(json.items[0]!), ['name', 'kind', 'what', 'hourly', 'unit', 'source']);
  assert.deepEqual(json.items.map((i) => i.kind), ['instance', 'volume', 'publicIpv4']);
  assert.ok(Math.abs(json.monthly - json.hourly * 720) < 1e-9, 'per 30 days is 720 hours');
  assert.match(json.asOf, /^\d{4}-\d\d-\d\d$/);
  assert.deepEqual(json.unknown, []);
  assert.ok(readdirSync(join(cacheHome, 'ec2-blueprint', 'prices')).length >= 3, 'answers are cached in the user\'s cache folder');
});

test('a warm cache asks the price list nothing, nor EC2 for the image\'s billing code', async () => {
  const before = prices.calls.length;
  const images = proxy.countOf('DescribeImages');
  const run = await ws.cli(['plan'], { endpoint: proxy.endpoint });
  assert.equal(proxy.countOf('DescribeImages'), images);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /Cost once applied: \$0\.18\d\d per hour, about \$13\d\.\d\d per 30 days \(AWS price list, \d{4}-\d\d-\d\d; data transfer not included\)/);
  assert.equal(prices.calls.length, before);
});

for (const [mode, reason] of [
  ['access-denied', /pricing:GetProducts/],
  ['throttled', /too many requests/],
  ['offline', /did not answer/],
] as const) {
  test(`${mode}: plan works as before and says "price unknown" and why`, async () => {
    clearCache();
    const standIn = process.env.AWS_ENDPOINT_URL_PRICING!;
    if (mode === 'offline') process.env.AWS_ENDPOINT_URL_PRICING = 'http://127.0.0.1:9';
    else prices.configure({ mode });
    try {
      const started = Date.now();
      const run = await ws.cli(['plan'], { endpoint: proxy.endpoint });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /create +EC2 instance +ec2-wp-RHEL8/);
      assert.match(run.stderr, /Cost: price unknown \(3 item\(s\)\)/);
      assert.match(run.stderr, new RegExp(`^ec2-wp-RHEL8: price unknown: .*${reason.source}`, 'm'));
      assert.ok(Date.now() - started < 20_000, 'bounded time');
      const json = (await ws.cli(['cost', '--json'], { endpoint: proxy.endpoint })).json() as unknown as { unknown: { reason: string }[]; items: unknown[] };
      assert.equal(json.items.length, 0);
      assert.match((await ws.cli(['cost'], { endpoint: proxy.endpoint })).stdout, /^Total: price unknown\.$/m, 'no total of nothing');
      if (mode === 'offline') {
        const applied = await ws.cli(['apply'], { endpoint: proxy.endpoint });
        assert.equal(applied.code, 0, applied.stderr);
        assert.match(applied.stderr, new RegExp(`note: ec2-wp-RHEL8: price unknown: .*${reason.source}`), 'apply works as before and says why');
      }
      assert.ok(json.unknown.every((u) => reason.test(u.reason)), JSON.stringify(json.unknown));
    } finally {
      process.env.AWS_ENDPOINT_URL_PRICING = standIn;
      prices.configure({ mode: 'ok' });
    }
  });
}

test('after apply the running cost; after Stop Instance the volume and the address; after destroy none', async () => {
  clearCache();
  const applied = await ws.cli(['apply'], { endpoint: proxy.endpoint });
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stderr, /note: Cost once applied: \$0\.18\d\d per hour/, 'apply says what it will cost');
  type Report = { hourly: number; items: { name: string; hourly: number }[]; current?: { hourly: number; sinceCreated: number; estimate: boolean; items: { name: string; state: string }[] } };
  const running = (await ws.cli(['cost', '--json'], { endpoint: proxy.endpoint })).json() as unknown as Report;
  assert.ok(running.current, 'a state file gives what runs now');
  assert.ok(Math.abs(running.current.hourly - running.hourly) < 1e-9, 'everything declared runs');
  assert.equal(running.current.estimate, true);
  assert.ok(running.current.sinceCreated >= 0);
  const human = await ws.cli(['cost'], { endpoint: proxy.endpoint });
  assert.match(human.stdout, /Now: \$0\.18\d\d per hour\./);
  assert.match(human.stdout, /about \$0\.\d+ \(an estimate/);

  const state = JSON.parse((await import('node:fs')).readFileSync(ws.statePath, 'utf8')) as { resources: Record<string, { id: string }> };
  const stop = loadEngineExports().stopInstance!;
  await stop({ region: TEST_REGION, endpoint: proxy.endpoint }, { instanceId: state.resources['ec2-wp-RHEL8']!.id, pollMs: 100 });
  const stopped = (await ws.cli(['cost', '--json'], { endpoint: proxy.endpoint })).json() as unknown as Report;
  const volumeAndAddress = stopped.items.filter((i) => i.name !== 'ec2-wp-RHEL8').reduce((s, i) => s + i.hourly, 0);
  assert.ok(Math.abs(stopped.current!.hourly - volumeAndAddress) < 1e-9, `stopped: ${JSON.stringify(stopped.current)}`);
  assert.equal(stopped.current!.items.find((i) => i.name === 'ec2-wp-RHEL8')?.state, 'stopped');
  assert.match((await ws.cli(['cost'], { endpoint: proxy.endpoint })).stdout, /Now: \$0\.00\d\d per hour \(ec2-wp-RHEL8 stopped: its volume and address still cost\)/);

  const destroyed = await ws.cli(['destroy', '--yes'], { endpoint: proxy.endpoint });
  assert.equal(destroyed.code, 0, destroyed.stderr);
  const gone = (await ws.cli(['cost', '--json'], { endpoint: proxy.endpoint })).json() as unknown as Report;
  assert.equal(gone.current, undefined);
  assert.doesNotMatch((await ws.cli(['cost'], { endpoint: proxy.endpoint })).stdout, /Now:/);
});
