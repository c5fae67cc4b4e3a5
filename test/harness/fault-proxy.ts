// A fault-injecting HTTP proxy between the engine and the EC2 emulator (moto), for the fault tests.
//
// AWS misbehaves in ways moto never does: it throttles, answers 500, loses responses, and is only
// eventually consistent. This proxy plays those parts, on demand and reproducibly:
//   - throttling: a chosen fraction of calls answered HTTP 503 RequestLimitExceeded (AWS's EC2 XML
//     error body), and a fraction answered HTTP 500 InternalError; neither reaches moto;
//   - delay: every call held back a fixed or random time before it is forwarded;
//   - lost responses: a call is carried out by moto, then the connection is dropped before its
//     response is returned ("did it happen?"), for chosen Actions or the Nth mutating call;
//   - black hole: a call is carried out and its connection stays open, silent, forever;
//   - stall: after the Nth mutating call has been carried out, its response and every later call
//     are held, so a test can SIGKILL the client at exactly that point;
//   - eventual consistency: the first describe naming a resource just created answers
//     `…NotFound`; the first delete (or gateway detach) of a subnet, security group, internet
//     gateway or VPC after some dependant was removed answers `DependencyViolation`;
//   - settling (AWS's "Eventual consistency in the Amazon EC2 API" in full): for a window after a
//     create, every call naming the new id — reads, writes and deletes — answers that id's
//     `…NotFound` code, and describes that list by tag or filter leave the resource out;
//   - refusals moto never answers (InsufficientInstanceCapacity, Unsupported, AddressLimitExceeded,
//     VcpuLimitExceeded, OptInRequired, …), with AWS's status code and message;
//   - ClientToken idempotency, which AWS has and moto lacks: a repeated mutating call with the same
//     ClientToken gets the first call's response again instead of being carried out twice;
//   - AWS's long waits: a NAT gateway answers `pending` for a while after its create before
//     `available`, and an instance's status checks answer `initializing` for a while after its
//     launch before `ok`/`passed` (moto has both ready at once);
//   - images as AWS bills them: DescribeImages answers carry `platformDetails` and `usageOperation`
//     (moto leaves them out), Red Hat's images as `Red Hat Enterprise Linux` / `RunInstances:0010`.
//     ClientToken gets the first call's response again instead of being carried out twice.
//   - AWS's answers where moto's differ (`awsAnswers`, on by default): a `DryRun` call never changes
//     anything (moto carries out CreateVpc and others; the proxy undoes that) and is answered
//     `DryRunOperation` when allowed, `UnauthorizedOperation` naming the action when not; a
//     refusal by moto's IAM checks is EC2's `UnauthorizedOperation`; images listed in
//     `deprecatedImages` carry their `deprecationTime` and are left out of a DescribeImages that
//     does not ask for deprecated ones (AWS leaves deprecated public images out by default).
// Every call is counted by Action. Random decisions are derived from (seed, Action, how many times
// that Action was seen), so a run is reproducible even when independent calls interleave
// differently.
//
// The EC2 Query protocol: a form-encoded POST whose body holds `Action=…&Version=…&…`. Anything
// else (moto's own /moto-api/ endpoints) passes through untouched and uncounted.
//
//   const proxy = await startFaultProxy(testEndpoint(), { seed: 7, throttleRate: 0.2 });
//   … point the engine at proxy.endpoint …
//   proxy.stats.throttled; proxy.countOf('CreateVpc'); await proxy.stop();
import { EventEmitter } from 'node:events';
import { DeleteInternetGatewayCommand, DeleteNetworkAclCommand, DeleteRouteTableCommand, DeleteSecurityGroupCommand, DeleteSubnetCommand, DeleteVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultPlan {
  /** Seed of every random decision. Default 1. */
  seed: number;
  /** Fraction of calls answered 503 RequestLimitExceeded without reaching moto. */
  throttleRate: number;
  /** Fraction of calls answered 500 InternalError without reaching moto. */
  serverErrorRate: number;
  /** Only Actions matching this are throttled or answered 500 (default: every Action). */
  faultActions?: RegExp;
  /** Milliseconds each call waits before it is forwarded: a number, or [min, max] drawn at random. */
  delayMs: number | [number, number];
  /** Actions whose response is lost (moto carries the call out, the connection drops), and how
   * many times each: `{ CreateVpc: 1 }` loses the first CreateVpc's response only. */
  loseResponseOf: Record<string, number>;
  /** Actions whose response never comes (moto carries the call out, the connection stays open and
   * silent, like a network black hole), and how many times each. */
  hangResponseOf: Record<string, number>;
  /** 1-based indexes of forwarded mutating calls whose response is lost. */
  loseResponseOfMutating: number[];
  /** After the Nth forwarded mutating call has been carried out, hold its response and every later
   * call (0 = never). `stalled()` resolves at that moment. */
  stallAfterMutating: number;
  /** Like `stallAfterMutating`, after the first call of this Action has been carried out. */
  stallAfterAction?: string;
  /** With `stallAfterMutating`: deliver the Nth call's response, stall only what comes after it. */
  stallDeliversResponse: boolean;
  /** Milliseconds a new NAT gateway stays `pending` in DescribeNatGateways before `available`, as
   * AWS's "a few minutes" (0 = moto's answer: available at once). */
  natPendingMs: number;
  /** Milliseconds a new instance's status checks answer `initializing` in DescribeInstanceStatus
   * before `ok`/`passed` (0 = moto's answer: passed at once). */
  statusChecksMs: number;
  /** Play AWS's eventual consistency (NotFound right after a create, DependencyViolation right
   * after a dependant was removed). */
  eventualConsistency: boolean;
  /** Replay the first response for a repeated ClientToken, as AWS does (moto does not). Default on. */
  clientTokens: boolean;
  /** Milliseconds during which each id a create returns is not visible yet: every call naming it
   * answers its NotFound code, lists leave it out (0 = off). A pair [min, max] draws each id's
   * window at random (seeded). */
  settleMs: number | [number, number];
  /** Actions AWS refuses, answered without reaching moto: `{ RunInstances: { code: 'Unsupported',
   * message: '…' } }`. `times` (default: always) counts the refusals; `status` defaults to 400. */
  refuse: Record<string, Refusal>;
  /** Answer DryRun calls and IAM refusals as AWS does (see the top of this file). Default on. */
  awsAnswers: boolean;
  /** Image id → the time AWS deprecated it (moto has no deprecation). */
  deprecatedImages: Record<string, string>;
  /** Credentials the proxy signs its undo of a DryRun call that moto carried out with (moto with
   * IAM checks needs a user allowed to delete). Default: the test credentials. */
  undoCredentials?: { accessKeyId: string; secretAccessKey: string };
  /** Forward the client's Host header unchanged: a moto that checks IAM also checks the request's
   * signature, which covers that header. Default: the target's host. */
  keepHost?: boolean;
}

export interface Refusal {
  code: string;
  message: string;
  status?: number;
  times?: number;
}

export type Outcome =
  | 'forwarded'
  | 'throttled'
  | 'server-error'
  | 'lost'
  | 'held'
  | 'stalled'
  | 'not-found'
  | 'dependency-violation'
  | 'token-replayed'
  | 'hung'
  | 'refused'
  | 'not-visible'
  | 'client-gone';

export interface CallRecord {
  /** Order of arrival, 1-based. */
  seq: number;
  action: string;
  mutating: boolean;
  /** Set when the call was carried out by moto: its index among forwarded mutating calls. */
  mutatingIndex?: number;
  /** Query parameters (no secrets travel in EC2 query bodies: credentials are in the signature). */
  params: Record<string, string>;
  outcome: Outcome;
  /** moto's HTTP status, when forwarded. */
  status?: number;
  /** The id moto gave a resource this call created. */
  createdId?: string;
  /** Items a list left out because they were still settling. */
  hidden?: string[];
}

export interface FaultStats {
  /** Every EC2 call that arrived (retries included). */
  calls: number;
  /** Calls moto carried out. */
  forwarded: number;
  /** Mutating calls moto carried out. */
  mutating: number;
  read: number;
  throttled: number;
  serverErrors: number;
  lost: number;
  notFound: number;
  dependencyViolations: number;
  tokenReplays: number;
  held: number;
  /** Calls carried out and never answered (black hole). */
  hung: number;
  /** Calls answered NotFound because an id they named was still settling. */
  notVisible: number;
  /** Calls answered with a refusal of `plan.refuse`. */
  refused: number;
  /** Describe answers that showed a NAT gateway `pending` or status checks `initializing`. */
  stillWaiting: number;
  /** Arrivals by Action (retries included; DryRuns left out). */
  byAction: Record<string, number>;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT — give this to the engine instead of moto's endpoint. */
  endpoint: string;
  target: string;
  stats: FaultStats;
  calls: CallRecord[];
  /** Changes the plan from now on (counters and memory are kept; see reset). */
  configure(plan: Partial<FaultPlan>): void;
  /** Forgets counts, calls, one-shot memories and any stall, and sets a new plan (defaults + `plan`). */
  reset(plan?: Partial<FaultPlan>): void;
  /** Arrivals of one Action (retries included). */
  countOf(action: string): number;
  /** Resolves with the call after which the proxy stalled; rejects after `timeoutMs`. */
  stalled(timeoutMs?: number): Promise<CallRecord>;
  /** Ends a stall: held calls are forwarded and answered (a held response is delivered). */
  release(): void;
  /** Closes every connection (held ones included) and the server. */
  stop(): Promise<void>;
}

/** Images of test/harness/amis.json that AWS would have deprecated (moto keeps no such thing): a
 * newer RHEL 8 image that an alias must pass over. */
export const deprecatedTestImages: Record<string, string> = { 'ami-0c73e5a7b9d1f3809': '2024-12-01T00:00:00.000Z' };

export const defaultPlan: FaultPlan = {
  seed: 1,
  throttleRate: 0,
  serverErrorRate: 0,
  delayMs: 0,
  loseResponseOf: {},
  loseResponseOfMutating: [],
  hangResponseOf: {},
  stallAfterMutating: 0,
  stallDeliversResponse: false,
  eventualConsistency: false,
  clientTokens: true,
  settleMs: 0,
  natPendingMs: 0,
  statusChecksMs: 0,
  refuse: {},
  awsAnswers: true,
  deprecatedImages: deprecatedTestImages,
};

/** Describe*, Get* and List* only read; everything else changes something (as src/aws/client.ts counts). */
export function isMutatingAction(action: string): boolean {
  return !/^(Describe|Get|List)/.test(action);
}

/** The primary id in a create's response, by Action: the XML element that holds it (a key pair
 * is named by its name and by its id). */
const createdIdElement: Record<string, string[]> = {
  CreateVpc: ['vpcId'],
  CreateSubnet: ['subnetId'],
  CreateInternetGateway: ['internetGatewayId'],
  CreateRouteTable: ['routeTableId'],
  CreateSecurityGroup: ['groupId'],
  CreateNetworkAcl: ['networkAclId'],
  CreateNetworkInterface: ['networkInterfaceId'],
  AllocateAddress: ['allocationId'],
  CreateKeyPair: ['keyName', 'keyPairId'],
  ImportKeyPair: ['keyName', 'keyPairId'],
  RunInstances: ['instanceId'],
};

/** The NotFound code and message AWS answers for an id that does not exist (yet), by the id's
 * prefix; a key pair is named by its name, which has no prefix of its own. */
const notFoundByPrefix: [RegExp, string, string][] = [
  [/^vpc-/, 'InvalidVpcID.NotFound', "The vpc ID '{}' does not exist"],
  [/^subnet-/, 'InvalidSubnetID.NotFound', "The subnet ID '{}' does not exist"],
  [/^igw-/, 'InvalidInternetGatewayID.NotFound', "The internetGateway ID '{}' does not exist"],
  [/^rtb-/, 'InvalidRouteTableID.NotFound', "The routeTable ID '{}' does not exist"],
  [/^sg-/, 'InvalidGroup.NotFound', "The security group '{}' does not exist"],
  [/^acl-/, 'InvalidNetworkAclID.NotFound', "The networkAcl ID '{}' does not exist"],
  [/^eni-/, 'InvalidNetworkInterfaceID.NotFound', "The networkInterface ID '{}' does not exist"],
  [/^eipalloc-/, 'InvalidAllocationID.NotFound', "The allocation ID '{}' does not exist"],
  [/^i-/, 'InvalidInstanceID.NotFound', "The instance ID '{}' does not exist"],
];
const keyPairNotFound: [string, string] = ['InvalidKeyPair.NotFound', "The key pair '{}' does not exist"];

/** Where a describe lists its items, and the element holding each item's id (a reservation is
 * hidden by its instance's id). */
const listedItems: Record<string, { set: string; id: string }> = {
  DescribeVpcs: { set: 'vpcSet', id: 'vpcId' },
  DescribeSubnets: { set: 'subnetSet', id: 'subnetId' },
  DescribeInternetGateways: { set: 'internetGatewaySet', id: 'internetGatewayId' },
  DescribeRouteTables: { set: 'routeTableSet', id: 'routeTableId' },
  DescribeSecurityGroups: { set: 'securityGroupInfo', id: 'groupId' },
  DescribeNetworkAcls: { set: 'networkAclSet', id: 'networkAclId' },
  DescribeNetworkInterfaces: { set: 'networkInterfaceSet', id: 'networkInterfaceId' },
  DescribeAddresses: { set: 'addressesSet', id: 'allocationId' },
  DescribeKeyPairs: { set: 'keySet', id: 'keyPairId' },
  DescribeInstances: { set: 'reservationSet', id: 'instanceId' },
};

/** Parameters whose values are not resource ids: filters (a list by filter leaves a settling item
 * out instead of failing), tags, names and tokens. */
const notNaming = /^(Filter\.|TagSpecification\.|Tag\.|ClientToken$|Action$|Version$|Description$|GroupDescription$|GroupName$|UserData$)/;

/** Rewrites the top-level items of `set` in a list response: `edit` gets each item's `id` element
 * and the item's text, and returns its replacement ('' removes it) or undefined to keep it. */
export function rewriteListed(xml: string, set: string, id: string, edit: (id: string, item: string) => string | undefined): { xml: string; changed: string[] } {
  const open = xml.indexOf(`<${set}>`);
  const close = xml.lastIndexOf(`</${set}>`);
  if (open < 0 || close < 0) return { xml, changed: [] };
  const start = open + set.length + 2;
  const inner = xml.slice(start, close);
  const items: string[] = [];
  let depth = 0;
  let itemStart = -1;
  const tag = /<(\/?)item>/g;
  for (let m = tag.exec(inner); m; m = tag.exec(inner)) {
    if (!m[1]) {
      if (depth === 0) itemStart = m.index;
      depth++;
    } else if (--depth === 0) {
      items.push(inner.slice(itemStart, m.index + m[0].length));
    }
  }
  const changed: string[] = [];
  const out = items.map((item) => {
    const value = new RegExp(`<${id}>([^<]+)</${id}>`).exec(item)?.[1];
    const replacement = value ? edit(value, item) : undefined;
    if (replacement === undefined || replacement === item) return item;
    changed.push(value!);
    return replacement;
  });
  return changed.length ? { xml: xml.slice(0, start) + out.join('') + xml.slice(close), changed } : { xml, changed };
}

/** Removes from a list response the top-level items of `set` whose `id` element is in `hidden`. */
export function hideListed(xml: string, set: string, id: string, hidden: (id: string) => boolean): { xml: string; removed: string[] } {
  const { xml: out, changed } = rewriteListed(xml, set, id, (value) => (hidden(value) ? '' : undefined));
  return { xml: out, removed: changed };
}

/** AWS's long waits, by describe: where the items are, and how an item reads while still waiting
 * (AWS's NatGateway `state` pending; InstanceStatusSummary `initializing`, its details' reachability
 * `initializing`). */
const longWaits: Record<string, { set: string; id: string; created: string; ms: (plan: FaultPlan) => number; waiting: (item: string) => string }> = {
  DescribeNatGateways: {
    set: 'natGatewaySet',
    id: 'natGatewayId',
    created: 'CreateNatGateway',
    ms: (plan) => plan.natPendingMs,
    waiting: (item) => item.replace(/<state>available<\/state>/, '<state>pending</state>'),
  },
  DescribeInstanceStatus: {
    set: 'instanceStatusSet',
    id: 'instanceId',
    created: 'RunInstances',
    ms: (plan) => plan.statusChecksMs,
    waiting: (item) => item.replace(/<status>(ok|passed)<\/status>/g, '<status>initializing</status>'),
  },
};

/** The ids a create's response names, for the creates whose resources AWS makes wait. */
function idsOfLongWait(action: string, xml: string): string[] {
  const element = Object.values(longWaits).find((w) => w.created === action)?.id;
  return element ? [...xml.matchAll(new RegExp(`<${element}>([^<]+)</${element}>`, 'g'))].map((m) => m[1]!) : [];
}

/** Query parameters that name resources in a describe, and the NotFound code AWS answers for each. */
const notFoundCodeOfParam: [RegExp, string][] = [
  [/^VpcId\.\d+$/, 'InvalidVpcID.NotFound'],
  [/^SubnetId\.\d+$/, 'InvalidSubnetID.NotFound'],
  [/^InternetGatewayId\.\d+$/, 'InvalidInternetGatewayID.NotFound'],
  [/^RouteTableId\.\d+$/, 'InvalidRouteTableID.NotFound'],
  [/^GroupId\.\d+$/, 'InvalidGroup.NotFound'],
  [/^NetworkAclId\.\d+$/, 'InvalidNetworkAclID.NotFound'],
  [/^NetworkInterfaceId\.\d+$/, 'InvalidNetworkInterfaceID.NotFound'],
  [/^AllocationId\.\d+$/, 'InvalidAllocationID.NotFound'],
  [/^KeyName\.\d+$/, 'InvalidKeyPair.NotFound'],
  [/^InstanceId\.\d+$/, 'InvalidInstanceID.NotFound'],
];

/** Calls after which AWS may still see old dependants for a while. */
const removesDependant = new Set([
  'TerminateInstances',
  'DeleteNetworkInterface',
  'DetachNetworkInterface',
  'DisassociateAddress',
  'ReleaseAddress',
  'DisassociateRouteTable',
  'DeleteRouteTable',
  'DeleteRoute',
  'DeleteSubnet',
  'DeleteSecurityGroup',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'DetachInternetGateway',
  'DeleteInternetGateway',
  'DeleteNetworkAcl',
  'ReplaceNetworkAclAssociation',
]);

/** Deletes that AWS refuses with DependencyViolation while it still sees dependants: the resource
 * id parameter and the message AWS gives. */
const dependencyChecked: Record<string, { param: string; message: (id: string, params: Record<string, string>) => string }> = {
  DeleteSubnet: { param: 'SubnetId', message: (id) => `The subnet '${id}' has dependencies and cannot be deleted.` },
  DeleteSecurityGroup: { param: 'GroupId', message: (id) => `resource ${id} has a dependent object` },
  DetachInternetGateway: {
    param: 'InternetGatewayId',
    message: (_id, params) => `Network ${params.VpcId ?? 'vpc'} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
  },
  DeleteInternetGateway: { param: 'InternetGatewayId', message: (id) => `The internetGateway '${id}' has dependencies and cannot be deleted.` },
  DeleteVpc: { param: 'VpcId', message: (id) => `The vpc '${id}' has dependencies and cannot be deleted.` },
};

/** 32-bit FNV-1a. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One draw in [0, 1) from a 32-bit state (mulberry32's output function). */
function unit(state: number): number {
  let t = (state + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** The same (seed, purpose, action, occurrence) always gives the same number. */
export function decide(seed: number, purpose: string, action: string, occurrence: number): number {
  return unit(hash32(`${seed}|${purpose}|${action}|${occurrence}`));
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** AWS's EC2 error document. */
export function ec2ErrorBody(code: string, message: string, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Response><Errors><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error></Errors>` +
    `<RequestID>${requestId}</RequestID></Response>`
  );
}

/** AWS's billing details of an image, by its owner (Red Hat's account; the others are Linux/UNIX). */
const billingByOwner: Record<string, [platformDetails: string, usageOperation: string]> = {
  '309956199498': ['Red Hat Enterprise Linux', 'RunInstances:0010'],
};

/** Adds `platformDetails` and `usageOperation` to each image of a DescribeImages answer, as AWS gives them. */
export function withImageBillingDetails(xml: string): string {
  if (/<platformDetails>/.test(xml)) return xml;
  return xml.replace(/<imageOwnerId>([^<]*)<\/imageOwnerId>/g, (whole, owner: string) => {
    const [platform, operation] = billingByOwner[owner] ?? ['Linux/UNIX', 'RunInstances'];
    return `<platformDetails>${platform}</platformDetails><usageOperation>${operation}</usageOperation>${whole}`;
  });
}

interface Held {
  run: () => void;
  drop: () => void;
}

interface Upstream {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The code and message of an EC2 error document. */
function errorOf(body: string): { code: string; message: string } | undefined {
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  return code ? { code, message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? '' } : undefined;
}

/** The top-level `<item>…</item>` elements of `<imagesSet>`, with their positions. */
function imageItems(xml: string): { start: number; end: number; id: string }[] {
  const open = xml.indexOf('<imagesSet>');
  if (open < 0) return [];
  const items: { start: number; end: number; id: string }[] = [];
  const tag = /<(\/?)item>|<\/imagesSet>/g;
  tag.lastIndex = open;
  let depth = 0;
  let start = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    if (m[0] === '</imagesSet>') break;
    if (!m[1]) {
      if (depth++ === 0) start = m.index;
    } else if (--depth === 0) {
      const end = m.index + m[0].length;
      items.push({ start, end, id: /<imageId>([^<]+)<\/imageId>/.exec(xml.slice(start, end))?.[1] ?? '' });
    }
  }
  return items;
}

/** DescribeImages as AWS answers it for deprecated images: left out unless asked for (or named by
 * id), otherwise carrying `deprecationTime`. */
export function withDeprecations(xml: string, deprecated: Record<string, string>, params: Record<string, string>, now = Date.now()): string {
  const includeDeprecated = params.IncludeDeprecated === 'true' || Object.keys(params).some((k) => /^ImageId\.\d+$/.test(k));
  let out = xml;
  for (const item of imageItems(xml).reverse()) {
    const time = deprecated[item.id];
    if (!time) continue;
    const past = Date.parse(time) <= now;
    const replacement = past && !includeDeprecated ? '' : out.slice(item.start, item.end).replace(/<\/item>$/, `<deprecationTime>${time}</deprecationTime></item>`);
    out = out.slice(0, item.start) + replacement + out.slice(item.end);
  }
  return out;
}

/** What undoes a create moto carried out although DryRun was set: the delete and its id parameter. */
const undoOf: Record<string, { element: string; command: (id: string) => Parameters<EC2Client['send']>[0] }> = {
  CreateVpc: { element: 'vpcId', command: (VpcId) => new DeleteVpcCommand({ VpcId }) as never },
  CreateSubnet: { element: 'subnetId', command: (SubnetId) => new DeleteSubnetCommand({ SubnetId }) as never },
  CreateRouteTable: { element: 'routeTableId', command: (RouteTableId) => new DeleteRouteTableCommand({ RouteTableId }) as never },
  CreateNetworkAcl: { element: 'networkAclId', command: (NetworkAclId) => new DeleteNetworkAclCommand({ NetworkAclId }) as never },
  CreateInternetGateway: { element: 'internetGatewayId', command: (InternetGatewayId) => new DeleteInternetGatewayCommand({ InternetGatewayId }) as never },
  CreateSecurityGroup: { element: 'groupId', command: (GroupId) => new DeleteSecurityGroupCommand({ GroupId }) as never },
};

export async function startFaultProxy(target: string, plan: Partial<FaultPlan> = {}): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  let current: FaultPlan = { ...defaultPlan, ...plan };
  const emptyStats = (): FaultStats => ({
    calls: 0,
    forwarded: 0,
    mutating: 0,
    read: 0,
    throttled: 0,
    serverErrors: 0,
    lost: 0,
    notFound: 0,
    dependencyViolations: 0,
    tokenReplays: 0,
    held: 0,
    hung: 0,
    notVisible: 0,
    refused: 0,
    stillWaiting: 0,
    byAction: {},
  });
  const proxy = {
    stats: emptyStats(),
    calls: [] as CallRecord[],
  };
  let seq = 0;
  /** Arrivals by Action, for per-Action reproducible draws. */
  let occurrences = new Map<string, number>();
  let lostSoFar = new Map<string, number>();
  let hungSoFar = new Map<string, number>();
  /** Connections kept open without an answer, closed on reset and stop. */
  let hung: http.ServerResponse[] = [];
  /** Ids created through the proxy whose first describe has not happened yet. */
  let freshIds = new Set<string>();
  /** Ids still settling: when each becomes visible, and what AWS answers until then. */
  let settling = new Map<string, { until: number; code: string; message: string }>();
  let refusedSoFar = new Map<string, number>();
  /** When each NAT gateway and instance created through the proxy was created (for long waits). */
  let createdAt = new Map<string, number>();
  const settlingId = (value: string) => {
    const s = settling.get(value);
    if (s && s.until <= Date.now()) settling.delete(value);
    return settling.get(value);
  };
  /** Ids already refused once with DependencyViolation. */
  let refusedOnce = new Set<string>();
  let dependantRemoved = false;
  let tokenResponses = new Map<string, Upstream>();
  let stallState: { record: CallRecord } | undefined;
  let held: Held[] = [];
  const events = new EventEmitter();
  const sockets = new Set<import('node:net').Socket>();
  let requestCounter = 0;
  const requestId = () => `fa017000-0000-4000-8000-${(++requestCounter).toString(16).padStart(12, '0')}`;

  const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  function forward(req: http.IncomingMessage, body: Buffer): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const headers = current.keepHost ? { ...req.headers } : { ...req.headers, host: targetUrl.host };
      const upstream = http.request(
        {
          protocol: targetUrl.protocol,
          hostname: targetUrl.hostname,
          port: targetUrl.port,
          method: req.method,
          path: req.url,
          headers,
          agent: upstreamAgent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  function send(res: http.ServerResponse, upstream: Upstream): void {
    if (res.destroyed || res.writableEnded) return;
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value === undefined || ['connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(name)) continue;
      headers[name] = value;
    }
    headers['content-length'] = upstream.body.length;
    res.writeHead(upstream.status, headers);
    res.end(upstream.body);
  }

  function sendError(res: http.ServerResponse, status: number, code: string, message: string): void {
    if (res.destroyed || res.writableEnded) return;
    const body = Buffer.from(ec2ErrorBody(code, message, requestId()), 'utf8');
    res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': body.length });
    res.end(body);
  }

  /** Undoes what moto carried out for a DryRun call (AWS never carries one out), signed like any
   * client's call. */
  async function undoDryRun(req: http.IncomingMessage, action: string, body: string): Promise<void> {
    const undo = undoOf[action];
    const id = undo ? new RegExp(`<${undo.element}>([^<]+)</${undo.element}>`).exec(body)?.[1] : undefined;
    if (!undo || !id) throw new Error(`fault proxy: moto carried out a DryRun ${action} and the proxy cannot undo it`);
    const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'us-east-1';
    const client = new EC2Client({ endpoint: target, region, credentials: current.undoCredentials ?? { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    try {
      await client.send(undo.command(id));
    } finally {
      client.destroy();
    }
  }

  function errorResponse(status: number, code: string, message: string): Upstream {
    return { status, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body: Buffer.from(ec2ErrorBody(code, message, requestId()), 'utf8') };
  }

  /** moto's answer as AWS gives it, where they differ (undefined: moto's answer stands). */
  async function asAwsAnswers(req: http.IncomingMessage, params: Record<string, string>, record: CallRecord, upstream: Upstream): Promise<Upstream | undefined> {
    const text = upstream.body.toString('utf8');
    const ok = upstream.status >= 200 && upstream.status < 300;
    const error = ok ? undefined : errorOf(text);
    const denied = error && /^(AccessDenied|UnauthorizedOperation)$/.test(error.code);
    if (denied) {
      const permission = /perform: ([\w-]+:\w+)/.exec(error.message)?.[1] ?? `ec2:${record.action}`;
      const who = /User: (\S+)/.exec(error.message)?.[1] ?? 'the caller';
      return errorResponse(403, 'UnauthorizedOperation', `You are not authorized to perform this operation. User: ${who} is not authorized to perform: ${permission} because no identity-based policy allows the ${permission} action.`);
    }
    if (params.DryRun === 'true') {
      const wouldSucceed = () => errorResponse(412, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
      if (ok) {
        await undoDryRun(req, record.action, text);
        return wouldSucceed();
      }
      // The permission check passed and moto then looked for a resource a preflight names by a
      // placeholder: AWS answers a permitted DryRun before looking.
      if (error && /NotFound|Malformed/.test(error.code)) return wouldSucceed();
      // moto fails outright (HTTP 500, no EC2 error) on some placeholders, also after the check.
      if (!error && upstream.status >= 500) return wouldSucceed();
      return undefined;
    }
    if (ok && record.action === 'DescribeImages' && Object.keys(current.deprecatedImages).length)
      return { ...upstream, body: Buffer.from(withDeprecations(text, current.deprecatedImages, params), 'utf8') };
    return undefined;
  }

  function note(record: CallRecord, outcome: Outcome): void {
    record.outcome = outcome;
    events.emit('call', record);
  }

  async function passThrough(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) {
    try {
      send(res, await forward(req, body));
    } catch (error) {
      sendError(res, 502, 'ProxyError', `fault proxy: moto did not answer (${(error as Error).message})`);
    }
  }

  async function handleEc2(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, params: Record<string, string>) {
    const action = params.Action!;
    // A DryRun changes nothing: it counts as a read (as src/aws/client.ts counts it).
    const mutating = isMutatingAction(action) && params.DryRun !== 'true';
    const record: CallRecord = { seq: ++seq, action, mutating, params, outcome: 'forwarded' };
    proxy.calls.push(record);
    const stats = proxy.stats;
    stats.calls++;
    // A DryRun (the preflight's) is no arrival of the call a test counts.
    if (params.DryRun !== 'true') stats.byAction[action] = (stats.byAction[action] ?? 0) + 1;
    const occurrence = (occurrences.get(action) ?? 0) + 1;
    occurrences.set(action, occurrence);
    const plan = current;

    // Once stalled, nothing moves until release().
    if (stallState) {
      stats.held++;
      record.outcome = 'held';
      held.push({ run: () => void carryOut(req, res, body, params, record), drop: () => res.destroy() });
      return;
    }

    const delay = Array.isArray(plan.delayMs)
      ? plan.delayMs[0] + Math.floor(decide(plan.seed, 'delay', action, occurrence) * (plan.delayMs[1] - plan.delayMs[0] + 1))
      : plan.delayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (res.destroyed) return note(record, 'client-gone');
    if (stallState) {
      stats.held++;
      record.outcome = 'held';
      held.push({ run: () => void carryOut(req, res, body, params, record), drop: () => res.destroy() });
      return;
    }

    if (!plan.faultActions || plan.faultActions.test(action)) {
      const draw = decide(plan.seed, 'fault', action, occurrence);
      if (draw < plan.throttleRate) {
        stats.throttled++;
        note(record, 'throttled');
        return sendError(res, 503, 'RequestLimitExceeded', 'Request limit exceeded.');
      }
      if (draw < plan.throttleRate + plan.serverErrorRate) {
        stats.serverErrors++;
        note(record, 'server-error');
        return sendError(res, 500, 'InternalError', 'An internal error has occurred.');
      }
    }

    // Capacity and quota refusals answer a launch that is carried out, not a DryRun (the preflight's).
    const refusal = params.DryRun === 'true' ? undefined : plan.refuse[action];
    if (refusal && (refusal.times ?? Infinity) > (refusedSoFar.get(action) ?? 0)) {
      refusedSoFar.set(action, (refusedSoFar.get(action) ?? 0) + 1);
      stats.refused++;
      note(record, 'refused');
      return sendError(res, refusal.status ?? 400, refusal.code, refusal.message);
    }

    if (settling.size) {
      for (const [name, value] of Object.entries(params)) {
        if (notNaming.test(name)) continue;
        const s = settlingId(value);
        if (!s) continue;
        stats.notVisible++;
        note(record, 'not-visible');
        return sendError(res, 400, s.code, s.message);
      }
    }

    if (plan.eventualConsistency) {
      if (!mutating) {
        for (const [name, value] of Object.entries(params)) {
          const code = notFoundCodeOfParam.find(([pattern]) => pattern.test(name))?.[1];
          if (code && freshIds.has(value)) {
            freshIds.delete(value);
            stats.notFound++;
            note(record, 'not-found');
            return sendError(res, 400, code, `The ID '${value}' does not exist`);
          }
        }
      }
      const checked = dependencyChecked[action];
      const id = checked ? params[checked.param] : undefined;
      if (checked && id && dependantRemoved && !refusedOnce.has(`${action}|${id}`)) {
        refusedOnce.add(`${action}|${id}`);
        stats.dependencyViolations++;
        note(record, 'dependency-violation');
        return sendError(res, 400, 'DependencyViolation', checked.message(id, params));
      }
    }

    await carryOut(req, res, body, params, record);
  }

  async function carryOut(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, params: Record<string, string>, record: CallRecord) {
    const plan = current;
    const stats = proxy.stats;
    const action = record.action;
    if (res.destroyed) return note(record, 'client-gone');

    const tokenKey = record.mutating && plan.clientTokens && params.ClientToken ? `${action}|${params.ClientToken}` : undefined;
    const replay = tokenKey ? tokenResponses.get(tokenKey) : undefined;
    if (replay) {
      stats.tokenReplays++;
      note(record, 'token-replayed');
      return send(res, replay);
    }

    let upstream: Upstream;
    try {
      upstream = await forward(req, body);
    } catch (error) {
      note(record, 'forwarded');
      return sendError(res, 502, 'ProxyError', `fault proxy: moto did not answer (${(error as Error).message})`);
    }
    record.status = upstream.status;
    if (action === 'DescribeImages' && upstream.status === 200) upstream = { ...upstream, body: Buffer.from(withImageBillingDetails(upstream.body.toString('utf8')), 'utf8') };
    if (plan.awsAnswers) {
      const answered = await asAwsAnswers(req, params, record, upstream);
      if (answered) upstream = answered;
    }
    stats.forwarded++;
    if (record.mutating) {
      stats.mutating++;
      record.mutatingIndex = stats.mutating;
    } else {
      stats.read++;
    }
    const ok = upstream.status >= 200 && upstream.status < 300;
    if (ok && tokenKey) tokenResponses.set(tokenKey, upstream);
    if (ok) {
      const text = upstream.body.toString('utf8');
      for (const [i, element] of (createdIdElement[action] ?? []).entries()) {
        const match = new RegExp(`<${element}>([^<]+)</${element}>`).exec(text);
        if (!match) continue;
        const id = match[1]!;
        if (i === 0) {
          record.createdId = id;
          freshIds.add(id);
        }
        const window = plan.settleMs;
        const ms = Array.isArray(window) ? window[0] + Math.floor(decide(plan.seed, 'settle', id, 1) * (window[1] - window[0] + 1)) : window;
        if (ms > 0) {
          const byPrefix = notFoundByPrefix.find(([prefix]) => prefix.test(id));
          const [code, message] = /Key/.test(action) || !byPrefix ? keyPairNotFound : [byPrefix[1], byPrefix[2]];
          settling.set(id, { until: Date.now() + ms, code, message: message.replace('{}', id) });
        }
      }
      const list = listedItems[action];
      if (list && settling.size) {
        const shown = hideListed(text, list.set, list.id, (id) => !!settlingId(id));
        if (shown.removed.length) {
          record.hidden = shown.removed;
          upstream = { ...upstream, body: Buffer.from(shown.xml, 'utf8') };
        }
      }
      if (removesDependant.has(action)) dependantRemoved = true;
      for (const id of idsOfLongWait(action, text)) createdAt.set(id, Date.now());
      const wait = longWaits[action];
      if (wait && wait.ms(plan) > 0) {
        const shown = rewriteListed(upstream.body.toString('utf8'), wait.set, wait.id, (id, item) => {
          const born = createdAt.get(id);
          return born !== undefined && Date.now() - born < wait.ms(plan) ? wait.waiting(item) : undefined;
        });
        if (shown.changed.length) {
          stats.stillWaiting++;
          upstream = { ...upstream, body: Buffer.from(shown.xml, 'utf8') };
        }
      }
    }

    const index = record.mutatingIndex;
    // Faults by Action aim at the call that does the work, not at the preflight's DryRun of it.
    const dryRun = params.DryRun === 'true';
    const loseByAction = !dryRun && (plan.loseResponseOf[action] ?? 0) > (lostSoFar.get(action) ?? 0);
    const loseByIndex = index !== undefined && plan.loseResponseOfMutating.includes(index);
    if (loseByAction || loseByIndex) {
      if (loseByAction) lostSoFar.set(action, (lostSoFar.get(action) ?? 0) + 1);
      stats.lost++;
      note(record, 'lost');
      // Carried out, never answered: the client sees the connection drop.
      res.socket?.destroy();
      return;
    }

    if (!dryRun && (plan.hangResponseOf[action] ?? 0) > (hungSoFar.get(action) ?? 0)) {
      hungSoFar.set(action, (hungSoFar.get(action) ?? 0) + 1);
      stats.hung++;
      note(record, 'hung');
      hung.push(res);
      return;
    }

    const stallHere = (index !== undefined && plan.stallAfterMutating > 0 && index === plan.stallAfterMutating) || (!dryRun && plan.stallAfterAction !== undefined && action === plan.stallAfterAction);
    if (stallHere && !stallState) {
      stallState = { record };
      note(record, 'stalled');
      events.emit('stall', record);
      if (plan.stallDeliversResponse) send(res, upstream);
      else held.push({ run: () => send(res, upstream), drop: () => res.destroy() });
      return;
    }
    note(record, 'forwarded');
    send(res, upstream);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let params: Record<string, string> | undefined;
      if (req.method === 'POST' && !(req.url ?? '/').startsWith('/moto-api')) {
        const parsed = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
        if (parsed.Action) params = parsed;
      }
      const work = params ? handleEc2(req, res, body, params) : passThrough(req, res, body);
      work.catch((error: unknown) => sendError(res, 502, 'ProxyError', `fault proxy: ${(error as Error).message}`));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    target,
    get stats() {
      return proxy.stats;
    },
    get calls() {
      return proxy.calls;
    },
    configure(next) {
      current = { ...current, ...next };
    },
    reset(next = {}) {
      for (const h of held) h.drop();
      held = [];
      for (const r of hung) r.destroy();
      hung = [];
      hungSoFar = new Map();
      current = { ...defaultPlan, ...next };
      proxy.stats = emptyStats();
      proxy.calls = [];
      seq = 0;
      occurrences = new Map();
      lostSoFar = new Map();
      freshIds = new Set();
      settling = new Map();
      refusedSoFar = new Map();
      createdAt = new Map();
      refusedOnce = new Set();
      dependantRemoved = false;
      tokenResponses = new Map();
      stallState = undefined;
    },
    countOf(action) {
      return proxy.stats.byAction[action] ?? 0;
    },
    stalled(timeoutMs = 60_000) {
      if (stallState) return Promise.resolve(stallState.record);
      return new Promise<CallRecord>((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('stall', onStall);
          reject(new Error(`fault proxy: no stall within ${timeoutMs} ms (${proxy.stats.mutating} mutating calls carried out)`));
        }, timeoutMs);
        const onStall = (record: CallRecord) => {
          clearTimeout(timer);
          resolve(record);
        };
        events.once('stall', onStall);
      });
    },
    release() {
      const waiting = held;
      held = [];
      stallState = undefined;
      current = { ...current, stallAfterMutating: 0, stallAfterAction: undefined };
      for (const h of waiting) h.run();
    },
    async stop() {
      for (const h of held) h.drop();
      held = [];
      for (const r of hung) r.destroy();
      hung = [];
      for (const socket of sockets) socket.destroy();
      upstreamAgent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
