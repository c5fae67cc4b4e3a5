// The arithmetic from a price-list price to the figures a user reads: hours in a month (a GB-month
// is prorated over the month's hours), 30 days, partial hours (per second, one-minute minimum),
// what a stopped instance still costs, and which parts of the tutorial are billed.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { billedHours, billedParts, costReport, currentCost, hourlyOf, hoursIn30Days, hoursInMonth, pricesByComponent, type Price } from '../../../src/core/cost';
import { buildDiagram } from '../../../src/core/diagram';
import { policyFor } from '../../../src/aws/permissions';
import { validateBlueprint } from '../../../src/core/validate';
import type { StateFile } from '../../../src/core/state';
import { tutorialText, tutorialWith } from '../builders';

const price = (usd: number, unit: string, usageType = 'X'): { price: Price } => ({ price: { usd, unit, usageType, sku: 'S', readAt: '2026-12-01T10:00:00.000Z' } });

test('hours in a month follow the calendar (February, leap years, 31-day months)', () => {
  assert.equal(hoursInMonth(new Date('2026-02-10T00:00:00Z')), 672);
  assert.equal(hoursInMonth(new Date('2028-02-29T23:59:59Z')), 696);
  assert.equal(hoursInMonth(new Date('2026-12-31T23:00:00Z')), 744);
  assert.equal(hoursInMonth(new Date('2026-04-01T00:00:00Z')), 720);
  assert.equal(hoursIn30Days, 720);
});

test('a GB-month price is prorated over the month\'s hours; an hourly price is not', () => {
  const december = new Date('2026-12-06T00:00:00Z');
  assert.equal(hourlyOf({ usd: 0.096, unit: 'GB-Mo' }, 30, december), (0.096 * 30) / 744);
  assert.equal(hourlyOf({ usd: 0.1792, unit: 'Hrs' }, 1, december), 0.1792);
  // In a 30-day month, 30 days of a 30 GiB volume cost exactly its monthly price.
  const april = new Date('2026-04-15T00:00:00Z');
  assert.ok(Math.abs(hourlyOf({ usd: 0.096, unit: 'GB-Mo' }, 30, april) * hoursIn30Days - 2.88) < 1e-12);
});

test('partial hours are billed by the second, with a one-minute minimum', () => {
  const start = new Date('2026-12-06T00:00:00Z');
  assert.equal(billedHours(start, new Date('2026-12-06T01:30:00Z')), 1.5);
  assert.equal(billedHours(start, new Date('2026-12-06T00:00:30Z')), 60 / 3600);
  assert.equal(billedHours(start, start), 0);
  assert.equal(billedHours(new Date('2026-12-07T00:00:00Z'), start), 0);
});

test('the tutorial bills the instance, its root volume and the Elastic IP; an automatic address is billed too', () => {
  const bp = validateBlueprint(tutorialText).blueprint!;
  const parts = billedParts(bp, { 'ec2-wp-RHEL8': { platformDetails: 'Red Hat Enterprise Linux', usageOperation: 'RunInstances:0010' } });
  assert.deepEqual(parts.map((p) => [p.name, p.kind, p.quantity]), [
    ['ec2-wp-RHEL8', 'instance', 1],
    ['ec2-wp-RHEL8 root volume', 'volume', 30],
    ['eip-Atsushi', 'publicIpv4', 1],
  ]);
  assert.equal(parts[0]!.query?.operation, 'RunInstances:0010');
  assert.match(parts[0]!.what, /Red Hat Enterprise Linux/);
  // Without the image's billing code the instance's price is unknown, not guessed as Linux.
  const unknownImage = billedParts(bp, {});
  assert.equal(unknownImage[0]!.query, undefined);
  assert.match(unknownImage[0]!.why!, /UsageOperation/);

  const auto = validateBlueprint(
    tutorialWith(['    networkInterface: eni-wp-Atsushi\n    rootVolume', '    subnet: public-subnet-1a-Atsushi\n    securityGroups: [seg-g_wp_Atsushi]\n    publicIp: true\n    rootVolume']),
  ).blueprint;
  assert.ok(auto, 'an instance with an automatic public address');
  assert.ok(billedParts(auto, {}).some((p) => p.kind === 'publicIpv4' && p.component === 'ec2-wp-RHEL8'));
});

test('the report totals the known items, lists the unknown with their reason, and the state gives what runs now', () => {
  const bp = validateBlueprint(tutorialText).blueprint!;
  const parts = billedParts(bp, { 'ec2-wp-RHEL8': { usageOperation: 'RunInstances:0010' } });
  const now = new Date('2026-12-06T12:00:00Z');
  const report = costReport(parts, [price(0.1792, 'Hrs'), price(0.096, 'GB-Mo'), { unknown: 'price unknown: no permission' }], now);
  assert.equal(report.items.length, 2);
  assert.deepEqual(report.unknown.map((u) => [u.name, u.reason]), [['eip-Atsushi', 'price unknown: no permission']]);
  assert.ok(Math.abs(report.hourly - (0.1792 + (0.096 * 30) / 744)) < 1e-12);
  assert.equal(report.monthly, report.hourly * 720);
  assert.equal(report.asOf, '2026-12-01');
  assert.match(report.notIncluded[0]!, /data transfer/);

  const full = costReport(parts, [price(0.1792, 'Hrs'), price(0.096, 'GB-Mo'), price(0.005, 'Hrs')], now);
  const resource = (kind: string, state?: string) => ({ kind, id: 'x', attributes: state ? { state } : {}, createdAt: '2026-12-03T12:00:00.000Z', updatedAt: '2026-12-04T12:00:00.000Z' });
  const state = (instanceState: string): StateFile =>
    ({ version: 1, stack: bp.stack, region: bp.region, updatedAt: '', resources: { 'ec2-wp-RHEL8': resource('instance', instanceState), 'eip-Atsushi': resource('elasticIp') } }) as StateFile;
  const running = currentCost(full, parts, state('running'), now)!;
  assert.ok(Math.abs(running.hourly - full.hourly) < 1e-12);
  // Three days of everything.
  assert.ok(Math.abs(running.sinceCreated - full.hourly * 72) < 1e-9);
  const stopped = currentCost(full, parts, state('stopped'), now)!;
  assert.ok(Math.abs(stopped.hourly - ((0.096 * 30) / 744 + 0.005)) < 1e-12, 'stopped: the volume and the address');
  // The compute counted until the state last saw it running (one day), the rest for three days.
  assert.ok(Math.abs(stopped.sinceCreated - (0.1792 * 24 + ((0.096 * 30) / 744 + 0.005) * 72)) < 1e-9);
  assert.equal(currentCost(full, parts, { ...state('running'), resources: {} }, now), undefined, 'nothing created: nothing runs');
});

test('a NAT gateway is billed by the hour, with its own address unless it names an Elastic IP', () => {
  const text = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'private-subnet.blueprint.yaml'), 'utf8');
  const bp = validateBlueprint(text).blueprint!;
  assert.ok(bp.natGateways?.length, 'the example declares a NAT gateway');
  const parts = billedParts(bp, {});
  for (const n of bp.natGateways!) {
    const own = parts.filter((p) => p.component === n.name);
    assert.deepEqual(own[0]!.query?.usageTypeEndsWith, 'NatGateway-Hours');
    assert.equal(own.some((p) => p.kind === 'publicIpv4'), !n.elasticIp);
  }
});

test('the diagram draws each billed component\'s hourly price only when the toggle is on', () => {
  const bp = validateBlueprint(tutorialText).blueprint!;
  const parts = billedParts(bp, { 'ec2-wp-RHEL8': { usageOperation: 'RunInstances:0010' } });
  const report = costReport(parts, [price(0.1792, 'Hrs'), price(0.096, 'GB-Mo'), price(0.005, 'Hrs')], new Date('2026-04-15T00:00:00Z'));
  const prices = pricesByComponent(report);
  // The instance with its root volume (30 GiB at $0.096 over April's 720 hours), the address alone.
  assert.deepEqual(prices, { 'ec2-wp-RHEL8': '$0.1832/h', 'eip-Atsushi': '$0.0050/h' });
  const shown = buildDiagram(bp, { prices }).mermaid;
  assert.match(shown, /💲 \$0\.1832\/h/);
  assert.match(shown, /💲 \$0\.0050\/h/);
  assert.doesNotMatch(buildDiagram(bp).mermaid, /💲/, 'off by default');
});

test('the IAM policy carries pricing:GetProducts as an optional statement, said as such', () => {
  const policy = policyFor(validateBlueprint(tutorialText).blueprint!);
  const prices = policy.Statement.find((s) => s.Action.includes('pricing:GetProducts'));
  assert.ok(prices, JSON.stringify(policy));
  assert.match(prices.Sid, /^Optional/);
  assert.deepEqual(prices.Action, ['pricing:GetProducts'], 'nothing else rides on the optional statement');
});
