// The architecture diagram as mermaid flowchart text, from the blueprint (and the state file when
// there is one). Pure: the webview, the CLI's `diagram` and the tests all draw from this.
//
// Nesting: region ▸ VPC ▸ availability zone ▸ subnet. The internet and "your PC" sit outside; the
// internet gateway sits in the VPC beside the zones (its edge to the internet crosses the VPC's
// border); the Elastic IP is drawn with a dotted line to the internet, as the tutorial does.
// Every component shows its status by style (classDef) and by word, and its AWS id once known.
// Node ids are derived from component names, so the webview can restyle a node by id.
import { t } from '@vscode/l10n';
import type { Blueprint, EgressRule, IngressRule, NetworkAcl } from './schema';
import { components, type Component, type Kind } from './model';
import { statusOf, type ComponentStatus, type StateFile } from './state';
import { isAnywhere, parseCidr } from './cidr';
import { formatPorts, parsePortRange } from './ports';
import { statusClassNames, statusStyles, type DiagramEdgeInfo, type DiagramNodeInfo, type DiagramNodeKind, type PathRole } from '../shared/protocol';

/** Names of the two outside nodes in traffic hops. */
export const INTERNET = '#internet';
export const YOUR_PC = '#pc';

/** One arrow of a traffic path, between component names (or INTERNET / YOUR_PC). */
export interface TrafficHop {
  from: string;
  to: string;
  label: string;
}

/** A traffic path to draw over the picture (from the traffic analysis, or simpleTrafficOverlay). */
export interface TrafficOverlay {
  inbound: TrafficHop[];
  reply: TrafficHop[];
  /** Where the path stops, and why. */
  blockedAt?: { name: string; reason: string };
  /** Remarks written beside a component (the reply's two key points). */
  notes?: { at: string; text: string }[];
}

/** A status newer than the state file (from engine events while a run is going). */
export interface LiveStatus {
  status: ComponentStatus;
  id?: string;
}

export interface DiagramOptions {
  state?: StateFile;
  live?: Readonly<Record<string, LiveStatus>>;
  overlay?: TrafficOverlay;
  /** Which parts of the overlay to draw. Default: both. */
  paths?: { inbound: boolean; reply: boolean };
  /** Draw only these components (a tutorial step). */
  only?: ReadonlySet<string>;
  /** Components to highlight as new in this step. */
  added?: ReadonlySet<string>;
  /** 'auto' collapses subnets into single nodes above `collapseThreshold` components. */
  collapse?: 'auto' | 'never' | 'always';
  /** Subnets drawn in full even when collapsing. */
  expand?: readonly string[];
  direction?: 'TB' | 'LR';
  /** An emoji before each component's name (default), or none (the webview draws AWS icons). */
  icons?: 'emoji' | 'none';
}

export interface Diagram {
  mermaid: string;
  nodes: DiagramNodeInfo[];
  edges: DiagramEdgeInfo[];
  collapsed: boolean;
}

/** Above this many components, 'auto' draws each subnet as one node. */
export const collapseThreshold = 150;
/** Above this many security groups (or key pairs) in a collapsed picture, they become one node. */
const summarizeAbove = 12;
const maxRuleLines = 5;

/** The mermaid class of each status (mermaid class names avoid the hyphen). */
export const statusClass: Record<ComponentStatus, string> = statusClassNames;

const statusSymbol: Record<ComponentStatus, string> = {
  planned: '○',
  'in-progress': '◐',
  created: '●',
  failed: '✖',
  drifted: '⚠',
};

export function statusWord(status: ComponentStatus): string {
  switch (status) {
    case 'planned':
      return t('planned');
    case 'in-progress':
      return t('in progress');
    case 'created':
      return t('created');
    case 'failed':
      return t('failed');
    case 'drifted':
      return t('drifted');
  }
}

export function kindWord(kind: Kind): string {
  switch (kind) {
    case 'vpc':
      return t('VPC');
    case 'subnet':
      return t('subnet');
    case 'internetGateway':
      return t('internet gateway');
    case 'routeTable':
      return t('route table');
    case 'securityGroup':
      return t('security group');
    case 'networkAcl':
      return t('network ACL');
    case 'networkInterface':
      return t('network interface');
    case 'elasticIp':
      return t('Elastic IP');
    case 'keyPair':
      return t('key pair');
    case 'instance':
      return t('EC2 instance');
  }
}

const kindIcon: Partial<Record<DiagramNodeKind, string>> = {
  internet: '🌐',
  pc: '💻',
  internetGateway: '🚪',
  routeTable: '🧭',
  securityGroup: '🛡️',
  networkAcl: '🚧',
  networkInterface: '🔌',
  elasticIp: '📌',
  keyPair: '🔑',
  instance: '🖥️',
  group: '📦',
};

const classDefs = [
  ...(Object.keys(statusStyles) as ComponentStatus[]).map(
    (s) => `classDef ${statusClass[s]} ${Object.entries(statusStyles[s]).map(([k, v]) => `${k}:${v}`).join(',')}`,
  ),
  'classDef outside fill:#58a6ff1f,stroke:#58a6ff,stroke-width:1.5px',
  'classDef zone fill:#8881,stroke:#8889,stroke-width:1px,stroke-dasharray:3 3',
  'classDef region fill:none,stroke:#888b,stroke-width:1px',
  'classDef note fill:#f2cc6026,stroke:#d4a72c,stroke-width:1px,font-size:12px',
  'classDef added stroke:#1f6feb,stroke-width:4px',
  'classDef blocked stroke:#e5534b,stroke-width:5px',
];

/** Colours of the two traffic paths (the tutorial's blue in, orange back). */
export const pathColours = { inbound: '#1f6feb', reply: '#e8710a' } as const;
const circled = ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩', '⑪', '⑫', '⑬', '⑭', '⑮', '⑯', '⑰', '⑱', '⑲', '⑳'];

/** A mermaid id for a component name: stable, derived from the name, unique per name. */
export function nodeId(name: string): string {
  const readable = name.replace(/[^A-Za-z0-9]/g, '_').slice(0, 40);
  return `c_${readable}_${hash(name)}`;
}

function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** Text safe inside a quoted mermaid label: mermaid's own entity codes for the special characters. */
export function escapeLabel(text: string): string {
  return text.replace(/[#"<>&`|{}[\]]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\r?\n/g, ' ');
}

function label(title: string, ...lines: (string | undefined)[]): string {
  return [`<b>${escapeLabel(title)}</b>`, ...lines.filter((l): l is string => !!l).map(escapeLabel)].join('<br/>');
}

type Shape = 'rect' | 'round' | 'stadium' | 'subroutine' | 'hexagon' | 'parallelogram' | 'asymmetric' | 'cloud';

function shaped(id: string, shape: Shape, text: string): string {
  switch (shape) {
    case 'rect':
      return `${id}["${text}"]`;
    case 'round':
      return `${id}("${text}")`;
    case 'stadium':
      return `${id}(["${text}"])`;
    case 'subroutine':
      return `${id}[["${text}"]]`;
    case 'hexagon':
      return `${id}{{"${text}"}}`;
    case 'parallelogram':
      return `${id}[/"${text}"/]`;
    case 'asymmetric':
      return `${id}>"${text}"]`;
    case 'cloud':
      return `${id}@{ shape: cloud, label: "${text}" }`;
  }
}

interface Resolved {
  status: ComponentStatus;
  id?: string;
  attributes: Record<string, unknown>;
}

/** Attribute keys never shown (the state holds no secrets, but be safe with what it may grow). */
const hiddenAttribute = /secret|material|password|credential|token|privatekey/i;

function stringAttr(attributes: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = attributes[key];
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

export function ruleText(rule: IngressRule | EgressRule, direction: 'in' | 'out'): string {
  const ports = rule.protocol === 'all' || rule.protocol === 'icmp' || rule.port === undefined ? '' : ` ${portText(rule.port)}`;
  const peer = 'source' in rule ? rule.source : rule.destination;
  const arrow = direction === 'in' ? '←' : '→';
  const what = rule.description ? ` (${rule.description})` : '';
  return `${direction} ${rule.protocol}${ports} ${arrow} ${isAnywhere(peer) ? `${peer} ${t('anyone')}` : peer}${what}`;
}

function portText(port: number | string): string {
  const parsed = parsePortRange(port);
  return parsed.ok ? formatPorts(parsed) : String(port);
}

function aclRuleText(rule: NonNullable<NetworkAcl['inbound']>[number] | NonNullable<NetworkAcl['outbound']>[number], direction: 'in' | 'out'): string {
  const ports = rule.protocol === 'all' || rule.port === undefined ? '' : ` ${portText(rule.port)}`;
  const peer = 'source' in rule ? rule.source : rule.destination;
  return `${direction} #${rule.rule} ${rule.action} ${rule.protocol}${ports} ${direction === 'in' ? '←' : '→'} ${peer}`;
}

/** Builds the diagram: mermaid text plus what each node and edge stands for. */
export function buildDiagram(bp: Blueprint, options: DiagramOptions = {}): Diagram {
  return new DiagramWriter(bp, options).write();
}

/** Just the mermaid text (the CLI's `diagram`). */
export function diagramText(bp: Blueprint, options: DiagramOptions = {}): string {
  return buildDiagram(bp, options).mermaid;
}

class DiagramWriter {
  private readonly out: string[] = [];
  private readonly nodes: DiagramNodeInfo[] = [];
  private readonly edges: DiagramEdgeInfo[] = [];
  private readonly classes = new Map<string, string[]>();
  private readonly drawn = new Set<string>();
  private readonly all: Component[];
  private readonly visible: Component[];
  private readonly byName: Map<string, Component>;
  private readonly collapsed: boolean;
  private readonly expanded: Set<string>;
  /** Component name → the id of the collapsed group drawn for it. */
  private readonly groupOf = new Map<string, string>();
  private noteCount = 0;
  /** Collapsed subnet boxes per zone, laid out as a grid rather than one long strip. */
  private readonly grids: string[][] = [];
  private readonly zoneIds: string[] = [];

  constructor(
    private readonly bp: Blueprint,
    private readonly options: DiagramOptions,
  ) {
    this.all = components(bp);
    this.visible = options.only ? this.all.filter((c) => options.only!.has(c.name)) : this.all;
    this.byName = new Map(this.visible.map((c) => [c.name, c]));
    const mode = options.collapse ?? 'auto';
    this.collapsed = mode === 'always' || (mode === 'auto' && this.visible.length > collapseThreshold);
    this.expanded = new Set(options.expand ?? []);
    // The subnet a drawn traffic path runs through is always drawn in full.
    if (this.collapsed && options.overlay) {
      for (const hop of [...options.overlay.inbound, ...options.overlay.reply]) {
        for (const n of [hop.from, hop.to]) {
          const s = this.subnetOf(n);
          if (s) this.expanded.add(s);
        }
      }
    }
  }

  write(): Diagram {
    const bp = this.bp;
    const dir = this.options.direction ?? 'TB';
    this.out.push(`%% ${escapeComment(t('EC2 Blueprint: stack {0} in {1}', bp.stack, bp.region))}`);
    this.out.push(`flowchart ${dir}`);

    // Outside the cloud.
    const emoji = (kind: DiagramNodeKind) => (this.options.icons === 'none' ? '' : `${kindIcon[kind]} `);
    this.node(YOUR_PC, 'pc', 'round', label(`${emoji('pc')}${t('Your PC')}`), { title: t('your PC'), classes: ['outside'] });
    this.node(INTERNET, 'internet', 'cloud', label(`${emoji('internet')}${t('Internet')}`), { title: t('the internet'), classes: ['outside'] });

    // Region ▸ (key pairs, Elastic IPs) and VPC ▸ (gateway, route tables, ACLs, security groups, zones).
    const regionId = `region_${hash(bp.region)}`;
    this.open(regionId, 'region', `<b>${escapeLabel(`${t('Region')} ${bp.region}`)}</b> · ${escapeLabel(`${t('stack')} ${bp.stack}`)}`, { title: t('region'), classes: ['region'] });
    this.drawKeyPairs();
    this.drawElasticIps();
    const vpc = this.byName.get(bp.vpc.name);
    if (vpc) {
      this.openComponent(vpc, `VPC ${bp.vpc.name}`, [bp.vpc.cidr]);
      this.drawVpcLevel();
      this.drawZones();
      this.close();
    } else {
      // Steps before the VPC (none in the tutorial) or a filtered view: draw what is left.
      this.drawVpcLevel();
      this.drawZones();
    }
    this.close();

    this.drawStructureEdges();
    this.drawGrid();
    this.drawOverlay();
    this.drawClasses();
    return { mermaid: this.out.join('\n') + '\n', nodes: this.nodes, edges: this.edges, collapsed: this.collapsed };
  }

  // ---- status and details -------------------------------------------------------------------

  private resolve(name: string): Resolved {
    const fromState = this.options.state?.resources[name];
    const live = this.options.live?.[name];
    const status = live?.status ?? statusOf(this.options.state, name);
    const id = live?.id ?? fromState?.id;
    return { status, ...(id ? { id } : {}), attributes: fromState?.attributes ?? {} };
  }

  private statusLine(r: Resolved): string {
    return `${statusSymbol[r.status]} ${statusWord(r.status)}${r.id ? ` · ${r.id}` : ''}`;
  }

  private details(c: Component, r: Resolved, extra: { label: string; value: string }[]): { label: string; value: string }[] {
    const out = [{ label: t('kind'), value: kindWord(c.kind) }, { label: t('status'), value: statusWord(r.status) }];
    if (r.id) out.push({ label: t('AWS id'), value: r.id });
    out.push(...extra);
    for (const [key, value] of Object.entries(r.attributes)) {
      if (hiddenAttribute.test(key) || value === undefined || value === null) continue;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (text.length > 0 && text.length <= 300) out.push({ label: key, value: text });
    }
    const failure = this.options.state?.failures?.[c.name];
    if (failure) out.push({ label: t('failure'), value: failure.message });
    const drift = this.options.state?.resources[c.name]?.drift;
    if (drift?.length) out.push({ label: t('drift'), value: drift.join('; ') });
    return out;
  }

  // ---- writing ------------------------------------------------------------------------------

  private indent(): string {
    return '  '.repeat(this.depth + 1);
  }
  private depth = 0;

  private node(
    name: string,
    kind: DiagramNodeKind,
    shape: Shape,
    text: string,
    info: { title: string; classes?: string[]; status?: ComponentStatus; awsId?: string; details?: DiagramNodeInfo['details']; rules?: string[]; members?: string[] },
  ): string {
    const id = name === YOUR_PC ? 'ext_pc' : name === INTERNET ? 'ext_internet' : kind === 'group' || kind === 'note' ? name : nodeId(name);
    this.out.push(this.indent() + shaped(id, shape, text));
    this.drawn.add(name);
    this.record(id, name, kind, info);
    return id;
  }

  private record(
    id: string,
    name: string,
    kind: DiagramNodeKind,
    info: { title: string; classes?: string[]; status?: ComponentStatus; awsId?: string; details?: DiagramNodeInfo['details']; rules?: string[]; members?: string[]; container?: boolean },
  ): void {
    const componentName = name === YOUR_PC || name === INTERNET || kind === 'note' || kind === 'region' || kind === 'availabilityZone' ? '' : name;
    const added = !!componentName && !!this.options.added?.has(componentName);
    this.nodes.push({
      id,
      name: componentName,
      kind,
      title: info.title,
      details: info.details ?? [],
      ...(info.status ? { status: info.status } : {}),
      ...(info.awsId ? { awsId: info.awsId } : {}),
      ...(info.rules ? { rules: info.rules } : {}),
      ...(info.members ? { members: info.members } : {}),
      ...(info.container ? { container: true } : {}),
      ...(added ? { added: true } : {}),
    });
    const classes = [...(info.classes ?? []), ...(info.status ? [statusClass[info.status]] : []), ...(added ? ['added'] : [])];
    if (classes.length) this.classes.set(id, classes);
  }

  private open(id: string, kind: DiagramNodeKind, text: string, info: { title: string; classes?: string[]; status?: ComponentStatus; awsId?: string; details?: DiagramNodeInfo['details'] }, name = ''): void {
    this.out.push(`${this.indent()}subgraph ${id}["${text}"]`);
    this.depth++;
    this.record(id, name, kind, { ...info, container: true });
  }

  private close(): void {
    this.depth--;
    this.out.push(`${this.indent()}end`);
  }

  private openComponent(c: Component, title: string, lines: string[]): void {
    const r = this.resolve(c.name);
    // A subgraph's title has room for one line only.
    this.open(nodeId(c.name), c.kind, `<b>${escapeLabel(title)}</b> · ${[...lines, this.statusLine(r)].map(escapeLabel).join(' · ')}`, {
      title: kindWord(c.kind),
      status: r.status,
      ...(r.id ? { awsId: r.id } : {}),
      details: this.details(c, r, lines.map((l) => ({ label: t('CIDR'), value: l }))),
    }, c.name);
    this.drawn.add(c.name);
  }

  private component(c: Component, shape: Shape, lines: (string | undefined)[], extra: { label: string; value: string }[] = [], rules?: string[]): void {
    const r = this.resolve(c.name);
    const icon = this.options.icons === 'none' ? '' : (kindIcon[c.kind] ?? '');
    this.node(c.name, c.kind, shape, label(`${icon} ${c.name}`.trim(), kindWord(c.kind), ...lines, this.statusLine(r)), {
      title: kindWord(c.kind),
      status: r.status,
      ...(r.id ? { awsId: r.id } : {}),
      details: this.details(c, r, extra),
      ...(rules ? { rules } : {}),
    });
  }

  private edge(from: string, to: string, arrow: '-->' | '---' | '-.-' | '-.->' | '~~~', role: PathRole, text?: string): number | undefined {
    const a = this.idOf(from);
    const b = this.idOf(to);
    if (!a || !b) return undefined;
    const index = this.edges.length;
    const labelled = text && arrow !== '~~~' ? `${arrow}|"${wrapText(text, 34).map(escapeLabel).join('<br/>')}"|` : arrow;
    this.out.push(`  ${a} ${labelled} ${b}`);
    this.edges.push({ index, from: a, to: b, role, ...(text ? { label: text } : {}) });
    return index;
  }

  private idOf(name: string): string | undefined {
    if (name === YOUR_PC) return 'ext_pc';
    if (name === INTERNET) return 'ext_internet';
    if (name.startsWith('note_')) return name;
    if (this.drawn.has(name)) return nodeId(name);
    return this.groupOf.get(name);
  }

  // ---- the parts -----------------------------------------------------------------------------

  private ofKind<K extends Kind>(kind: K): Component<K>[] {
    return this.visible.filter((c): c is Component<K> => c.kind === kind);
  }

  private drawKeyPairs(): void {
    const keys = this.ofKind('keyPair');
    if (this.collapsed && keys.length > summarizeAbove) return this.group('keyPairs', keys, t('{0} key pairs', keys.length));
    for (const c of keys) {
      const spec = this.bp.keyPairs?.find((k) => k.name === c.name);
      this.component(c, 'parallelogram', [spec?.publicKeyFile ? t('imported from {0}', spec.publicKeyFile) : undefined]);
    }
  }

  /** Elastic IPs sit in the region (they are regional addresses), outside the VPC. */
  private drawElasticIps(): void {
    for (const c of this.ofKind('elasticIp')) {
      const spec = this.bp.elasticIps?.find((e) => e.name === c.name);
      const ifaceSubnet = spec?.networkInterface ? this.subnetOf(spec.networkInterface) : undefined;
      if (this.collapsed && ifaceSubnet && !this.expanded.has(ifaceSubnet)) continue; // inside the subnet's group
      const r = this.resolve(c.name);
      const address = stringAttr(r.attributes, 'publicIp', 'address');
      this.component(c, 'asymmetric', [address ?? t('public address given when created')], [
        ...(address ? [{ label: t('public IP'), value: address }] : []),
        ...(spec?.networkInterface ? [{ label: t('associated with'), value: spec.networkInterface }] : []),
        ...(spec?.networkBorderGroup ? [{ label: t('network border group'), value: spec.networkBorderGroup }] : []),
      ]);
    }
  }

  private drawVpcLevel(): void {
    const bp = this.bp;
    const igw = this.ofKind('internetGateway')[0];
    if (igw) this.component(igw, 'hexagon', [t('door between the VPC and the internet')]);
    for (const c of this.ofKind('routeTable')) {
      const spec = bp.routeTables?.find((x) => x.name === c.name);
      const routes = [`${bp.vpc.cidr} → local`, ...(spec?.routes ?? []).map((r) => `${r.destination} → ${r.target}`)];
      this.component(c, 'subroutine', routes, [], routes);
    }
    for (const c of this.ofKind('networkAcl')) {
      const spec = bp.networkAcls?.find((x) => x.name === c.name);
      const rules = [...(spec?.inbound ?? []).map((r) => aclRuleText(r, 'in')), ...(spec?.outbound ?? []).map((r) => aclRuleText(r, 'out'))];
      this.component(c, 'rect', [...clip(rules), t('(stateless; unlisted traffic is denied)')], [], rules);
    }
    const groups = this.ofKind('securityGroup').filter((g) => this.homeOfSecurityGroup(g.name) === undefined);
    if (this.collapsed && this.ofKind('securityGroup').length > summarizeAbove) {
      this.group('securityGroups', this.ofKind('securityGroup'), t('{0} security groups', this.ofKind('securityGroup').length));
      return;
    }
    for (const g of groups) this.securityGroup(g);
  }

  private securityGroup(c: Component<'securityGroup'>): void {
    const spec = this.bp.securityGroups?.find((x) => x.name === c.name);
    const rules = [...(spec?.ingress ?? []).map((r) => ruleText(r, 'in')), ...(spec?.egress ?? []).map((r) => ruleText(r, 'out'))];
    const lines = [...clip(rules)];
    if (!spec?.egress) lines.push(t('out: all traffic (AWS default)'));
    this.component(c, 'rect', lines, spec?.description ? [{ label: t('description'), value: spec.description }] : [], rules.length ? rules : undefined);
  }

  /** A security group used by attachments in exactly one subnet is drawn inside that subnet. */
  private homeOfSecurityGroup(name: string): string | undefined {
    if (this.collapsed) return undefined;
    const subnets = new Set<string>();
    for (const n of this.bp.networkInterfaces ?? []) if (n.securityGroups?.includes(name) && this.byName.has(n.name)) subnets.add(n.subnet);
    for (const i of this.bp.instances ?? []) if (!i.networkInterface && i.subnet && i.securityGroups?.includes(name) && this.byName.has(i.name)) subnets.add(i.subnet);
    if (subnets.size !== 1) return undefined;
    const [only] = subnets;
    return only && this.byName.has(only) ? only : undefined;
  }

  private subnetOf(name: string): string | undefined {
    const bp = this.bp;
    const eni = bp.networkInterfaces?.find((n) => n.name === name);
    if (eni) return eni.subnet;
    const inst = bp.instances?.find((i) => i.name === name);
    if (inst) return inst.networkInterface ? bp.networkInterfaces?.find((n) => n.name === inst.networkInterface)?.subnet : inst.subnet;
    const eip = bp.elasticIps?.find((e) => e.name === name);
    if (eip?.networkInterface) return this.subnetOf(eip.networkInterface);
    return undefined;
  }

  private drawZones(): void {
    const subnets = this.ofKind('subnet');
    const zones = [...new Set((this.bp.subnets ?? []).filter((s) => this.byName.has(s.name)).map((s) => s.availabilityZone))];
    for (const zone of zones) {
      const zoneId = `az_${zone.replace(/[^A-Za-z0-9]/g, '_')}_${hash(zone)}`;
      this.open(zoneId, 'availabilityZone', label(`${t('Availability zone')} ${zone}`), { title: t('availability zone'), classes: ['zone'] });
      const boxes: string[] = [];
      for (const s of subnets) {
        const spec = this.bp.subnets?.find((x) => x.name === s.name);
        if (spec?.availabilityZone !== zone) continue;
        if (this.collapsed && !this.expanded.has(s.name)) {
          this.collapsedSubnet(s, spec.cidr);
          boxes.push(nodeId(s.name));
        } else this.fullSubnet(s, spec.cidr);
      }
      this.close();
      this.grids.push(boxes);
      this.zoneIds.push(zoneId);
    }
    // Interfaces and instances whose subnet is not drawn (a filtered view) still appear.
    for (const c of [...this.ofKind('networkInterface'), ...this.ofKind('instance')]) {
      if (!this.drawn.has(c.name) && !this.groupOf.has(c.name)) this.drawAttachment(c);
    }
  }

  private fullSubnet(s: Component<'subnet'>, cidr: string): void {
    this.openComponent(s, `${t('Subnet')} ${s.name}`, [cidr]);
    for (const g of this.ofKind('securityGroup')) if (this.homeOfSecurityGroup(g.name) === s.name) this.securityGroup(g);
    for (const c of this.ofKind('networkInterface')) if (this.subnetOf(c.name) === s.name) this.drawAttachment(c);
    for (const c of this.ofKind('instance')) if (this.subnetOf(c.name) === s.name) this.drawAttachment(c);
    this.close();
  }

  private drawAttachment(c: Component): void {
    if (c.kind === 'networkInterface') {
      const spec = this.bp.networkInterfaces?.find((n) => n.name === c.name);
      const r = this.resolve(c.name);
      const ip = spec?.privateIp ?? stringAttr(r.attributes, 'privateIp', 'privateIpAddress');
      this.component(c, 'stadium', [ip ? t('private IP {0}', ip) : t('private IP chosen by AWS')], [
        { label: t('private IP'), value: ip ?? t('chosen by AWS') },
        ...(spec ? [{ label: t('subnet'), value: spec.subnet }, { label: t('security groups'), value: (spec.securityGroups ?? []).join(', ') || t('the VPC default') }] : []),
        ...(spec?.description ? [{ label: t('description'), value: spec.description }] : []),
      ]);
    } else if (c.kind === 'instance') {
      const spec = this.bp.instances?.find((i) => i.name === c.name);
      const r = this.resolve(c.name);
      const image = stringAttr(r.attributes, 'imageId');
      const imageText = spec ? (image && image !== spec.image ? `${spec.image} (${image})` : spec.image) : image;
      const publicIp = stringAttr(r.attributes, 'publicIp', 'publicIpAddress');
      const privateIp = spec?.networkInterface ? undefined : spec?.privateIp ?? stringAttr(r.attributes, 'privateIp', 'privateIpAddress');
      const extra = [
        ...(spec ? [{ label: t('instance type'), value: spec.instanceType }, { label: t('image'), value: imageText ?? spec.image }] : []),
        ...(spec?.networkInterface ? [{ label: t('network interface'), value: spec.networkInterface }] : []),
        ...(spec?.keyPair ? [{ label: t('key pair'), value: spec.keyPair }] : []),
        ...(spec?.rootVolume ? [{ label: t('root volume'), value: `${spec.rootVolume.sizeGiB} GiB ${spec.rootVolume.type ?? 'gp3'}` }] : []),
        ...(spec?.sshUser ? [{ label: t('SSH user'), value: spec.sshUser }] : []),
        ...(spec?.sshPort ? [{ label: t('SSH port'), value: String(spec.sshPort) }] : []),
      ];
      this.component(c, 'round', [`${spec?.instanceType ?? ''} · ${imageText ?? ''}`, privateIp ? t('private IP {0}', privateIp) : undefined, publicIp ? t('public IP {0}', publicIp) : undefined], extra);
    }
  }

  private collapsedSubnet(s: Component<'subnet'>, cidr: string): void {
    const members = this.visible.filter((c) => (c.kind === 'networkInterface' || c.kind === 'instance' || c.kind === 'elasticIp') && this.subnetOf(c.name) === s.name);
    const r = this.resolve(s.name);
    const count = (k: Kind) => members.filter((m) => m.kind === k).length;
    const parts = [
      count('networkInterface') ? t('{0} network interfaces', count('networkInterface')) : '',
      count('instance') ? t('{0} instances', count('instance')) : '',
      count('elasticIp') ? t('{0} Elastic IPs', count('elasticIp')) : '',
    ].filter(Boolean);
    const statuses = this.statusCounts(members.map((m) => m.name));
    const id = nodeId(s.name);
    this.out.push(this.indent() + shaped(id, 'subroutine', label(`${t('Subnet')} ${s.name}`, cidr, parts.join(', ') || t('empty'), statuses, this.statusLine(r))));
    this.drawn.add(s.name);
    this.record(id, s.name, 'subnet', {
      title: kindWord('subnet'),
      status: r.status,
      ...(r.id ? { awsId: r.id } : {}),
      details: this.details(s, r, [{ label: t('CIDR'), value: cidr }]),
      members: members.map((m) => m.name),
    });
    for (const m of members) this.groupOf.set(m.name, id);
  }

  private statusCounts(names: string[]): string {
    const counts = new Map<ComponentStatus, number>();
    for (const n of names) {
      const s = this.resolve(n).status;
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    return [...counts].map(([s, n]) => `${n} ${statusWord(s)}`).join(', ');
  }

  private group(key: string, members: Component[], title: string): void {
    const id = `group_${key}`;
    const worst = (['failed', 'in-progress', 'drifted', 'planned', 'created'] as ComponentStatus[]).find((s) => members.some((m) => this.resolve(m.name).status === s)) ?? 'planned';
    this.out.push(this.indent() + shaped(id, 'subroutine', label(`${this.options.icons === 'none' ? '' : `${kindIcon.group} `}${title}`, this.statusCounts(members.map((m) => m.name)))));
    this.record(id, '', 'group', { title, status: worst, members: members.map((m) => m.name), details: [] });
    for (const m of members) this.groupOf.set(m.name, id);
  }

  // ---- edges --------------------------------------------------------------------------------

  private drawStructureEdges(): void {
    const bp = this.bp;
    const seen = new Set<string>();
    const once = (from: string, to: string, arrow: '-->' | '---' | '-.-' | '-.->', text?: string) => {
      // Inside a collapsed box the parts are not drawn, nor their links (hundreds of lines).
      if (this.groupOf.has(from) || this.groupOf.has(to)) return;
      const a = this.idOf(from);
      const b = this.idOf(to);
      if (!a || !b || a === b) return;
      const key = `${a}|${b}|${text ?? ''}`;
      if (seen.has(key)) return;
      seen.add(key);
      this.edge(from, to, arrow, 'structure', text);
    };
    once(YOUR_PC, INTERNET, '---');
    const igw = this.ofKind('internetGateway')[0];
    if (igw) once(INTERNET, igw.name, '---', t('attached to the VPC'));
    for (const c of this.ofKind('routeTable')) {
      const spec = bp.routeTables?.find((x) => x.name === c.name);
      for (const r of spec?.routes ?? []) once(c.name, r.target, '-.->', r.destination);
      const subnets = (spec?.subnets ?? []).filter((s) => this.byName.has(s));
      if (!this.collapsed || subnets.length <= summarizeAbove) for (const s of subnets) once(c.name, s, '-.-', t('associated'));
    }
    for (const c of this.ofKind('networkAcl')) {
      const spec = bp.networkAcls?.find((x) => x.name === c.name);
      for (const s of spec?.subnets ?? []) if (this.byName.has(s)) once(c.name, s, '-.-', t('guards'));
    }
    for (const c of this.ofKind('networkInterface')) {
      const spec = bp.networkInterfaces?.find((n) => n.name === c.name);
      for (const g of spec?.securityGroups ?? []) if (this.byName.has(g)) once(g, c.name, '---', t('protects'));
    }
    for (const c of this.ofKind('instance')) {
      const spec = bp.instances?.find((i) => i.name === c.name);
      if (!spec) continue;
      if (spec.networkInterface && this.byName.has(spec.networkInterface)) once(spec.networkInterface, c.name, '---', t('device 0'));
      for (const g of spec.securityGroups ?? []) if (this.byName.has(g)) once(g, c.name, '---', t('protects'));
      if (spec.keyPair && this.byName.has(spec.keyPair)) once(spec.keyPair, c.name, '-.-', t('key'));
      if (spec.publicIp) once(c.name, INTERNET, '-.-', t('public IP'));
    }
    for (const c of this.ofKind('elasticIp')) {
      const spec = bp.elasticIps?.find((e) => e.name === c.name);
      if (spec?.networkInterface && this.byName.has(spec.networkInterface)) once(c.name, spec.networkInterface, '---', t('associated'));
      // The address the internet dials; the packets really pass through the gateway.
      if (this.drawn.has(c.name)) once(c.name, INTERNET, '-.-', t('public address'));
    }
  }

  /** Invisible links: each collapsed box sits above the one `columns` later, and zones stack. */
  private drawGrid(): void {
    const columns = 6;
    const link = (a: string, b: string) => {
      this.out.push(`  ${a} ~~~ ${b}`);
      this.edges.push({ index: this.edges.length, from: a, to: b, role: 'layout' });
    };
    for (const boxes of this.grids) for (let i = 0; i + columns < boxes.length; i++) link(boxes[i]!, boxes[i + columns]!);
    // Zones stack: the last box of one zone sits above the first box of the next.
    const filled = this.grids.filter((g) => g.length > 0);
    if (filled.some((g) => g.length > columns)) for (let z = 0; z + 1 < filled.length; z++) link(filled[z]![filled[z]!.length - 1]!, filled[z + 1]![0]!);
  }

  private drawOverlay(): void {
    const overlay = this.options.overlay;
    if (!overlay) return;
    const paths = this.options.paths ?? { inbound: true, reply: true };
    let number = 0;
    const styled: Record<'inbound' | 'reply', number[]> = { inbound: [], reply: [] };
    for (const role of ['inbound', 'reply'] as const) {
      const hops = overlay[role];
      if (!paths[role]) {
        number += hops.length;
        continue;
      }
      for (const hop of hops) {
        const mark = circled[number] ?? `(${number + 1})`;
        number++;
        const index = this.edge(hop.from, hop.to, '-->', role, `${mark} ${hop.label}`);
        if (index !== undefined) styled[role].push(index);
      }
    }
    if (paths.reply) for (const note of overlay.notes ?? []) this.note(note.at, note.text);
    if (overlay.blockedAt && (paths.inbound || paths.reply)) {
      const id = this.idOf(overlay.blockedAt.name);
      if (id) this.classes.set(id, [...(this.classes.get(id) ?? []), 'blocked']);
      this.note(overlay.blockedAt.name, `✖ ${t('Blocked here')}: ${overlay.blockedAt.reason}`);
    }
    for (const role of ['inbound', 'reply'] as const) {
      if (styled[role].length) this.out.push(`  linkStyle ${styled[role].join(',')} stroke:${pathColours[role]},stroke-width:3px,color:${pathColours[role]}`);
    }
  }

  private note(at: string, text: string): void {
    if (!this.idOf(at)) return;
    const id = `note_${++this.noteCount}`;
    this.out.push(`  ${shaped(id, 'rect', wrapText(text, 46).map(escapeLabel).join('<br/>'))}`);
    this.record(id, '', 'note', { title: t('note'), classes: ['note'], details: [{ label: t('note'), value: text }] });
    this.edge(id, at, '-.-', 'note');
  }

  private drawClasses(): void {
    this.out.push(...classDefs.map((d) => `  ${d}`));
    // One `class` line per class keeps the text short at 500 resources.
    const byClass = new Map<string, string[]>();
    for (const [id, list] of this.classes) for (const c of list) byClass.set(c, [...(byClass.get(c) ?? []), id]);
    const order = ['outside', 'region', 'zone', 'note', ...Object.values(statusClass), 'added', 'blocked'];
    for (const c of order) {
      const ids = byClass.get(c);
      if (ids?.length) this.out.push(`  class ${ids.join(',')} ${c}`);
    }
  }
}

function clip(lines: string[]): string[] {
  return lines.length <= maxRuleLines ? lines : [...lines.slice(0, maxRuleLines - 1), t('… and {0} more', lines.length - maxRuleLines + 1)];
}

/** Breaks long text into lines of about `width` characters (mermaid does not wrap plain labels). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function escapeComment(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}

// ---- a simple traffic check, until the traffic analysis (reach.ts) is wired in -----------------

export interface SimpleTrafficOptions {
  state?: StateFile;
  /** The instance to reach; default the first. */
  instance?: string;
  /** Default: the instance's sshPort, else 22. */
  port?: number;
}

/** The inbound SSH path and the reply path on the tutorial's shape, checking the public address,
 * the gateway, the subnet's route to it, a network ACL if declared, and a security group rule. */
export function simpleTrafficOverlay(bp: Blueprint, options: SimpleTrafficOptions = {}): TrafficOverlay {
  const inbound: TrafficHop[] = [];
  const reply: TrafficHop[] = [];
  const notes: { at: string; text: string }[] = [];
  const blocked = (name: string, reason: string): TrafficOverlay => ({ inbound, reply, notes, blockedAt: { name, reason } });

  const inst = options.instance ? bp.instances?.find((i) => i.name === options.instance) : bp.instances?.[0];
  if (!inst) return blocked(bp.vpc.name, options.instance ? t('There is no instance named "{0}".', options.instance) : t('There is no instance to reach yet.'));
  const eni = inst.networkInterface ? bp.networkInterfaces?.find((n) => n.name === inst.networkInterface) : undefined;
  const subnetName = eni?.subnet ?? inst.subnet;
  const groups = (eni?.securityGroups ?? inst.securityGroups ?? []).map((g) => bp.securityGroups?.find((x) => x.name === g)).filter((g) => !!g);
  const door = eni?.name ?? inst.name;
  const attr = (name: string, ...keys: string[]) => stringAttr(options.state?.resources[name]?.attributes ?? {}, ...keys);
  const privateIp = eni?.privateIp ?? inst.privateIp ?? attr(door, 'privateIp', 'privateIpAddress') ?? t('its private IP');
  const eip = eni ? bp.elasticIps?.find((e) => e.networkInterface === eni.name) : undefined;
  const publicIp = (eip && attr(eip.name, 'publicIp', 'address')) ?? attr(inst.name, 'publicIp', 'publicIpAddress') ?? (eip ? t('the Elastic IP {0}', eip.name) : inst.publicIp ? t('its public IP') : undefined);
  const port = options.port ?? inst.sshPort ?? 22;
  const igw = bp.internetGateway;

  inbound.push({ from: YOUR_PC, to: INTERNET, label: t('SSH, TCP {0}, to {1}', port, publicIp ?? '?') });
  if (!publicIp) return blocked(door, t('{0} has no public IPv4 address: associate an Elastic IP with it (or set publicIp: true on the instance).', door));
  if (!igw) return blocked(bp.vpc.name, t('The VPC {0} has no internet gateway, so nothing from the internet can enter it.', bp.vpc.name));
  inbound.push({ from: INTERNET, to: igw.name, label: t('to {0}; the gateway translates it to {1}', publicIp, privateIp) });

  const rtb = bp.routeTables?.find((r) => subnetName && r.subnets?.includes(subnetName));
  if (!rtb) return blocked(subnetName ?? door, t('The subnet {0} has no route table with a route 0.0.0.0/0 to {1}: the reply could not find its way out.', subnetName ?? '?', igw.name));
  inbound.push({ from: igw.name, to: rtb.name, label: t('local route {0}', bp.vpc.cidr) });
  const defaultRoute = rtb.routes?.find((r) => isAnywhere(r.destination) && r.target === igw.name);
  if (!defaultRoute) return blocked(rtb.name, t('{0} has no route 0.0.0.0/0 to {1}: the reply could not find its way out.', rtb.name, igw.name));

  const acl = bp.networkAcls?.find((a) => subnetName && a.subnets?.includes(subnetName));
  let beforeGroup = rtb.name;
  if (acl) {
    const inRule = firstAclMatch(acl.inbound ?? [], port);
    if (!inRule || inRule.action === 'deny')
      return blocked(acl.name, inRule ? t('Rule {0} of {1} denies TCP {2} before anything allows it.', inRule.rule, acl.name, port) : t('No inbound rule of {0} allows TCP {1}; network ACLs deny what they do not list.', acl.name, port));
    inbound.push({ from: rtb.name, to: acl.name, label: t('ACL rule {0} allows TCP {1}', inRule.rule, port) });
    beforeGroup = acl.name;
  }

  const group = groups[0];
  if (!group) return blocked(door, t('{0} has no security group that lets SSH in.', door));
  const allowing = groups.flatMap((g) => (g.ingress ?? []).filter((r) => ruleAllows(r, port)).map((r) => ({ g, r })));
  const firstAllow = allowing[0];
  if (!firstAllow) return blocked(group.name, t('No inbound rule of {0} allows TCP {1} from the internet.', groups.map((g) => g.name).join(', '), port));
  const subnetLabel = subnetName ? t('into subnet {0}', subnetName) : '';
  inbound.push({ from: beforeGroup, to: firstAllow.g.name, label: subnetLabel });
  inbound.push({ from: firstAllow.g.name, to: door, label: t('rule: TCP {0} from {1} allows it', port, firstAllow.r.source) });
  if (eni) inbound.push({ from: eni.name, to: inst.name, label: privateIp });

  // The reply.
  reply.push({ from: inst.name, to: firstAllow.g.name, label: t('the reply leaves: the security group is stateful') });
  notes.push({
    at: firstAllow.g.name,
    text: t('Key point 2: there is no outbound rule for SSH, yet the reply passes. Security groups are stateful: the answer to an allowed connection is allowed out.'),
  });
  let afterGroup = rtb.name;
  if (acl) {
    const outRule = firstAclMatch(acl.outbound ?? [], 49152, 'out');
    if (!outRule || outRule.action === 'deny')
      return blocked(acl.name, t('{0} does not let the reply out to the ephemeral ports (1024-65535): network ACLs are stateless and need an outbound rule.', acl.name));
    reply.push({ from: firstAllow.g.name, to: acl.name, label: t('ACL rule {0} allows the reply out', outRule.rule) });
    afterGroup = acl.name;
    reply.push({ from: afterGroup, to: rtb.name, label: t('to your PC: default route 0.0.0.0/0') });
  } else {
    reply.push({ from: firstAllow.g.name, to: rtb.name, label: t('to your PC: default route 0.0.0.0/0') });
  }
  notes.push({
    at: rtb.name,
    text: t('Key point 1: the instance does not know where your PC is, so the reply follows the default route 0.0.0.0/0, which points at the internet gateway.'),
  });
  reply.push({ from: rtb.name, to: igw.name, label: `0.0.0.0/0 → ${igw.name}` });
  reply.push({ from: igw.name, to: INTERNET, label: t('{0} translated back to {1}', privateIp, publicIp) });
  reply.push({ from: INTERNET, to: YOUR_PC, label: t('the reply arrives') });
  return { inbound, reply, notes };
}

function ruleAllows(rule: IngressRule, port: number): boolean {
  if (rule.protocol !== 'tcp' && rule.protocol !== 'all') return false;
  if (rule.protocol === 'tcp' && rule.port !== undefined) {
    const range = parsePortRange(rule.port);
    if (!range.ok || port < range.from || port > range.to) return false;
  }
  // The user's PC is somewhere on the internet: a rule for anyone lets it in; a narrower CIDR is
  // taken as the user's own network (we cannot know the PC's address here).
  return parseCidr(rule.source) !== undefined;
}

function firstAclMatch(rules: NonNullable<NetworkAcl['inbound']> | NonNullable<NetworkAcl['outbound']>, port: number, direction: 'in' | 'out' = 'in') {
  const sorted = [...rules].sort((a, b) => a.rule - b.rule);
  return sorted.find((r) => {
    if (r.protocol !== 'tcp' && r.protocol !== 'all') return false;
    if (r.protocol === 'tcp' && r.port !== undefined) {
      const range = parsePortRange(r.port);
      if (!range.ok || port < range.from || port > range.to) return false;
    }
    const peer = direction === 'in' ? (r as { source: string }).source : (r as { destination: string }).destination;
    // As for security groups: any CIDR is taken to include the user's PC.
    return parseCidr(peer) !== undefined;
  });
}
