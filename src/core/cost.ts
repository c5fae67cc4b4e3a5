// What a blueprint costs: which of its components AWS bills by the hour, which price-list product
// each one is (the query that picks exactly that product), and the arithmetic from a price to an
// hourly figure, a 30-day figure and an estimate of what a running stack has cost so far. Pure:
// the prices come in from src/aws/pricing.ts; nothing here is a price.
import { t } from '@vscode/l10n';
import type { Blueprint } from './schema';
import type { StateFile } from './state';

/** A question to AWS's Price List Query API whose answer must be exactly one product. */
export interface PriceQuery {
  serviceCode: 'AmazonEC2' | 'AmazonVPC';
  /** TERM_MATCH filters, attribute name → value. */
  filters: Record<string, string>;
  /** Products whose usage type does not end like this are not the one (AWS prefixes it with the
   * region, APN1-…, except in us-east-1). */
  usageTypeEndsWith?: string;
  /** Products of another billing code are not the one: chosen from the answer to `filters`, so the
   * question can be asked before the image's billing code is known (RunInstances:0010 for RHEL). */
  operation?: string;
}

/** One on-demand price read from the price list. */
export interface Price {
  usd: number;
  /** AWS's unit: Hrs, GB-Mo, GB. */
  unit: string;
  usageType: string;
  sku: string;
  /** When it was read from AWS (ISO date-time); cached answers keep the first reading's date. */
  readAt: string;
}

export type PriceAnswer = { price: Price } | { unknown: string };

export type BilledKind = 'instance' | 'volume' | 'publicIpv4' | 'natGateway';

/** A billed part of the stack and how it is priced. */
export interface Billed {
  /** The component it belongs to (an instance's root volume: "<instance> root volume"). */
  name: string;
  /** The blueprint component it comes from. */
  component: string;
  kind: BilledKind;
  /** What is billed, in words ("t2.large, Red Hat Enterprise Linux, on demand, shared tenancy"). */
  what: string;
  /** undefined when the product cannot be told yet; `why` then says what is missing. */
  query?: PriceQuery;
  why?: string;
  /** GiB for a volume, else 1. */
  quantity: number;
  /** Billed only while its instance runs (compute), or whenever it exists. */
  whileRunning: boolean;
}

export interface CostItem {
  name: string;
  /** The blueprint component it belongs to (a root volume: its instance). */
  component: string;
  kind: BilledKind;
  what: string;
  /** USD per hour. */
  hourly: number;
  /** The price as AWS lists it ("USD 0.096 per GB-Mo"). */
  unit: string;
  /** "AWS Price List API, APN1-BoxUsage:t2.large, read 2026-12-06". */
  source: string;
  readAt: string;
}

export interface UnknownItem {
  name: string;
  kind: BilledKind;
  what: string;
  reason: string;
}

export interface CostReport {
  currency: 'USD';
  /** Sum of the known items, USD per hour. */
  hourly: number;
  /** For 30 days (720 hours). */
  monthly: number;
  /** The oldest reading among the prices used (YYYY-MM-DD), or undefined when none is known. */
  asOf?: string;
  items: CostItem[];
  unknown: UnknownItem[];
  /** What the figures leave out (data transfer, per-GB charges). */
  notIncluded: string[];
  /** With a state file: what runs now and about what it has cost since it was created. */
  current?: CurrentCost;
}

export interface CurrentCost {
  /** USD per hour as the stack is now (a stopped instance: its volume and address only). */
  hourly: number;
  items: { name: string; hourly: number; state: 'running' | 'stopped' | 'exists' }[];
  /** About what it has cost since the oldest of its resources was created: an estimate. */
  sinceCreated: number;
  since?: string;
  estimate: true;
}

/** Hours in the calendar month of `date` (UTC): AWS prorates a GB-month over the month's hours. */
export function hoursInMonth(date: Date): number {
  const days = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  return days * 24;
}

/** "Per 30 days": 720 hours. */
export const hoursIn30Days = 30 * 24;

/** USD per hour of one price for `quantity` (GiB for a GB-month price), at `date`. */
export function hourlyOf(price: Pick<Price, 'usd' | 'unit'>, quantity: number, date: Date): number {
  if (/^GB-?Mo/i.test(price.unit)) return (price.usd * quantity) / hoursInMonth(date);
  return price.usd * quantity;
}

/** Billed hours between two times: per second, with AWS's one-minute minimum for a start. */
export function billedHours(from: Date, to: Date): number {
  const seconds = Math.max(0, (to.getTime() - from.getTime()) / 1000);
  if (seconds === 0) return 0;
  return Math.max(seconds, 60) / 3600;
}

/** Rounded for display: 4 decimals below $1, 2 above. */
export function usd(amount: number): string {
  return amount < 1 && amount > 0 ? `$${amount.toFixed(4)}` : `$${amount.toFixed(2)}`;
}

/** An image as AWS bills it (DescribeImages' PlatformDetails and UsageOperation). */
export interface BilledImage {
  platformDetails?: string;
  usageOperation?: string;
  /** The image could not be looked up: why. */
  unknownBecause?: string;
}

function instanceQuery(region: string, instanceType: string, image: BilledImage | undefined): Pick<Billed, 'query' | 'why'> {
  if (image?.unknownBecause) return { why: image.unknownBecause };
  if (!image?.usageOperation) return { why: t('the image does not say how AWS bills it (no UsageOperation)') };
  return {
    query: {
      serviceCode: 'AmazonEC2',
      filters: {
        productFamily: 'Compute Instance',
        regionCode: region,
        instanceType,
        tenancy: 'Shared',
        capacitystatus: 'Used',
        preInstalledSw: 'NA',
      },
      // The billing code of the image's operating system and licence: RHEL is RunInstances:0010.
      operation: image.usageOperation,
    },
  };
}

/** The instance's question without its image: what can be asked before the image is looked up. */
export function instanceProductsQuery(region: string, instanceType: string): PriceQuery {
  return instanceQuery(region, instanceType, { usageOperation: '*' }).query!;
}

export function volumeQuery(region: string, volumeType: string): PriceQuery {
  return { serviceCode: 'AmazonEC2', filters: { productFamily: 'Storage', regionCode: region, volumeApiName: volumeType } };
}

/** A public IPv4 address (Elastic IP, automatically assigned, a NAT gateway's): Amazon VPC bills
 * each by the hour since February 2024, in use or idle. */
export function publicIpv4Query(region: string, idle = false): PriceQuery {
  return { serviceCode: 'AmazonVPC', filters: { regionCode: region, group: 'VPCPublicIPv4Address' }, usageTypeEndsWith: idle ? 'PublicIPv4:IdleAddress' : 'PublicIPv4:InUseAddress' };
}

export function natGatewayQuery(region: string, perGb = false): PriceQuery {
  return { serviceCode: 'AmazonEC2', filters: { productFamily: 'NAT Gateway', regionCode: region }, usageTypeEndsWith: perGb ? 'NatGateway-Bytes' : 'NatGateway-Hours' };
}

/** The billed parts of a blueprint: each instance, its root volume, each public IPv4 address. An
 * instance stopped in the state is listed too (its compute then costs nothing, see currentCost). */
export function billedParts(bp: Blueprint, images: Record<string, BilledImage | undefined>, state?: StateFile): Billed[] {
  const region = bp.region;
  const parts: Billed[] = [];
  for (const i of bp.instances ?? []) {
    const image = images[i.name];
    const os = image?.platformDetails ?? i.image;
    parts.push({ name: i.name, component: i.name, kind: 'instance', what: t('{0}, {1}, on demand, shared tenancy', i.instanceType, os), ...instanceQuery(region, i.instanceType, image), quantity: 1, whileRunning: true });
    const recorded = state?.resources[i.name]?.attributes;
    const size = (recorded?.rootVolumeSizeGiB as number | undefined) ?? i.rootVolume?.sizeGiB ?? 8;
    const type = (recorded?.rootVolumeType as string | undefined) || i.rootVolume?.type || 'gp3';
    parts.push({ name: t('{0} root volume', i.name), component: i.name, kind: 'volume', what: t('{0} GiB {1}', size, type), query: volumeQuery(region, type), quantity: size, whileRunning: false });
    if (i.publicIp)
      parts.push({ name: t('{0} public address', i.name), component: i.name, kind: 'publicIpv4', what: t('automatically assigned public IPv4 address'), query: publicIpv4Query(region), quantity: 1, whileRunning: true });
  }
  for (const e of bp.elasticIps ?? [])
    parts.push({ name: e.name, component: e.name, kind: 'publicIpv4', what: t('Elastic IP (public IPv4 address)'), query: publicIpv4Query(region), quantity: 1, whileRunning: false });
  for (const n of bp.natGateways ?? []) {
    // Billed by the hour while it exists, idle or not; its per-GB processing is named in notIncluded.
    parts.push({ name: n.name, component: n.name, kind: 'natGateway', what: t('NAT gateway, per hour'), query: natGatewayQuery(region), quantity: 1, whileRunning: false });
    if (!n.elasticIp)
      parts.push({ name: t('{0} public address', n.name), component: n.name, kind: 'publicIpv4', what: t('the NAT gateway\'s own public IPv4 address'), query: publicIpv4Query(region), quantity: 1, whileRunning: false });
  }
  return parts;
}

function source(p: Price): string {
  return t('AWS Price List API, {0}, read {1}', p.usageType, p.readAt.slice(0, 10));
}

/** The report from the billed parts and the answers to their queries (same order). */
export function costReport(parts: readonly Billed[], answers: readonly (PriceAnswer | undefined)[], now: Date, notIncluded: string[] = []): CostReport {
  const items: CostItem[] = [];
  const unknown: UnknownItem[] = [];
  parts.forEach((part, index) => {
    const answer = answers[index];
    if (!part.query || !answer || 'unknown' in answer) {
      unknown.push({ name: part.name, kind: part.kind, what: part.what, reason: part.why ? t('price unknown: {0}', part.why) : answer && 'unknown' in answer ? answer.unknown : t('price unknown') });
      return;
    }
    const p = answer.price;
    items.push({ name: part.name, component: part.component, kind: part.kind, what: part.what, hourly: hourlyOf(p, part.quantity, now), unit: `USD ${p.usd} per ${p.unit}`, source: source(p), readAt: p.readAt });
  });
  const hourly = items.reduce((sum, i) => sum + i.hourly, 0);
  const dates = items.map((i) => i.readAt.slice(0, 10)).sort();
  return {
    currency: 'USD',
    hourly,
    monthly: hourly * hoursIn30Days,
    ...(dates[0] ? { asOf: dates[0] } : {}),
    items,
    unknown,
    notIncluded: [t('data transfer (out to the internet, between zones)'), ...notIncluded],
  };
}

/** What runs now, from the state (and what AWS said of the instances): a stopped instance costs
 * its volume and its address, not its compute; and about what the stack has cost since created. */
export function currentCost(report: CostReport, parts: readonly Billed[], state: StateFile, now: Date): CurrentCost | undefined {
  const byName = new Map(report.items.map((i) => [i.name, i]));
  const items: CurrentCost['items'] = [];
  let sinceCreated = 0;
  let since: string | undefined;
  for (const part of parts) {
    const resource = state.resources[part.component];
    const item = byName.get(part.name);
    if (!resource || !item) continue;
    const instanceState = resource.kind === 'instance' ? String(resource.attributes.state ?? 'running') : undefined;
    const stopped = instanceState === 'stopped' || instanceState === 'stopping';
    // A stopped instance's compute and automatic address are not billed; its volume is.
    const charged = !(part.whileRunning && stopped);
    items.push({ name: part.name, hourly: charged ? item.hourly : 0, state: part.kind === 'instance' ? (stopped ? 'stopped' : 'running') : 'exists' });
    const created = new Date(resource.createdAt);
    if (!since || resource.createdAt < since) since = resource.createdAt;
    // A stopped instance's compute is counted until the state last saw it (an estimate).
    const until = part.whileRunning && stopped ? new Date(resource.updatedAt) : now;
    sinceCreated += item.hourly * billedHours(created, until);
  }
  if (items.length === 0) return undefined;
  return { hourly: items.reduce((s, i) => s + i.hourly, 0), items, sinceCreated, ...(since ? { since } : {}), estimate: true };
}

/** "$0.1881 per hour, about $135.43 per 30 days (AWS price list, 2026-12-06; data transfer not
 * included)": the total in one sentence, for the plan. */
export function costTotalLine(report: CostReport): string {
  if (report.items.length === 0) return t('Cost: price unknown ({0} item(s)); data transfer not included.', report.unknown.length);
  const total = t('{0} per hour, about {1} per 30 days', usd(report.hourly), usd(report.monthly));
  const partial = report.unknown.length > 0 ? t(' plus {0} item(s) whose price is unknown', report.unknown.length) : '';
  return t('Cost once applied: {0}{1} (AWS price list, {2}; data transfer not included).', total, partial, report.asOf ?? '');
}

/** The total and each price that is unknown, with why: what plan and apply say of the cost. */
export function costNotes(report: CostReport): string[] {
  return [costTotalLine(report), ...report.unknown.map((u) => `${u.name}: ${u.reason}`)];
}

/** The cost report as lines a person reads: each item with its hourly figure and source, the total,
 * what is unknown and why, what is not included, and with a state what runs now. */
export function costLines(report: CostReport): string[] {
  const width = Math.max(8, ...report.items.map((i) => i.name.length), ...report.unknown.map((i) => i.name.length));
  const whatWidth = Math.max(8, ...report.items.map((i) => i.what.length));
  const lines = report.items.map((i) => `${i.name.padEnd(width)}  ${i.what.padEnd(whatWidth)}  ${`${usd(i.hourly)}/h`.padStart(10)}  ${i.source}`);
  for (const u of report.unknown) lines.push(`${u.name.padEnd(width)}  ${u.what.padEnd(whatWidth)}  ${'?'.padStart(10)}  ${u.reason}`);
  lines.push('', report.items.length ? t('Total: {0} per hour, {1} per 30 days (USD, on demand, prices as of {2}).', usd(report.hourly), usd(report.monthly), report.asOf ?? '—') : t('Total: price unknown.'));
  if (report.unknown.length) lines.push(t('Not in the total: {0} (price unknown).', report.unknown.map((u) => u.name).join(', ')));
  lines.push(t('Not included: {0}.', report.notIncluded.join('; ')));
  const now = report.current;
  if (now) {
    const stopped = now.items.filter((i) => i.state === 'stopped').map((i) => i.name);
    lines.push(
      stopped.length
        ? t('Now: {0} per hour ({1} stopped: its volume and address still cost).', usd(now.hourly), stopped.join(', '))
        : t('Now: {0} per hour.', usd(now.hourly)),
      t('Since {0}: about {1} (an estimate from the creation and launch times).', (now.since ?? '').slice(0, 10), usd(now.sinceCreated)),
    );
  }
  return lines;
}

/** The --json shape of `cost` (DESIGN.md section 4). */
export function costJson(report: CostReport) {
  return {
    currency: report.currency,
    hourly: report.hourly,
    monthly: report.monthly,
    asOf: report.asOf ?? null,
    items: report.items.map((i) => ({ name: i.name, kind: i.kind, what: i.what, hourly: i.hourly, unit: i.unit, source: i.source })),
    unknown: report.unknown,
    notIncluded: report.notIncluded,
    ...(report.current ? { current: report.current } : {}),
  };
}

/** Each billed component's hourly price ("$0.1831/h": an instance with its root volume), for the
 * diagram's price toggle. */
export function pricesByComponent(report: CostReport | undefined): Record<string, string> {
  const sums = new Map<string, number>();
  for (const i of report?.items ?? []) sums.set(i.component, (sums.get(i.component) ?? 0) + i.hourly);
  return Object.fromEntries([...sums].map(([name, hourly]) => [name, `${usd(hourly)}/h`]));
}
