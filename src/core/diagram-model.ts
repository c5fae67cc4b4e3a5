// The picture's model: what the architecture diagram draws, inside what, with which status and
// words. Pure, and free of any diagram syntax: diagram-mermaid.ts writes it as mermaid text, and
// the geometry test and the CLI's `--svg` speak of the names given here.
//
// Nesting: region ▸ VPC ▸ availability zone ▸ subnet ▸ (security group ▸) interfaces and
// instances. The internet and "your PC" sit outside; the internet gateway sits in the VPC beside
// the zones (its edge to the internet crosses the VPC's border); key pairs and Elastic IPs are
// regional, outside the VPC. Every component carries its status and its AWS id once known.
//
// Names (`PictureBox.name`): the blueprint name for a component, `region:<region>`,
// `az:<zone>`, `internet`, `pc`, `note:<n>` and `group:<what>`.
import { t } from '@vscode/l10n';
import type { Blueprint } from './schema';
import { components, type Component, type Kind } from './model';
import { statusOf, type ComponentStatus, type StateFile } from './state';
import { aclRuleText, clip, ruleText, stringAttr, wrapText } from './diagram-text';
import { kindWord, statusSymbol, statusWord } from './vocabulary';
import type { DiagramNodeInfo, DiagramNodeKind, PathRole } from '../shared/protocol';

/** Names of the two outside nodes in traffic hops. */
export const INTERNET = '#internet';
export const YOUR_PC = '#pc';

export { kindWord, statusWord };

/** One arrow of a traffic path, between component names (or INTERNET / YOUR_PC). */
export interface TrafficHop {
  from: string;
  to: string;
  label: string;
  /** SSH through a jump host: 1 on the way to the jump host, 2 from the jump host to the instance
   * (on its private address). Absent on a direct path. */
  leg?: 1 | 2;
}

/** A traffic path to draw over the picture (from the traffic analysis: reach-overlay.ts). */
export interface TrafficOverlay {
  inbound: TrafficHop[];
  reply: TrafficHop[];
  /** The instance's own way out to the internet through a NAT gateway (a private subnet), drawn
   * with the reply (it goes out too). */
  outbound?: TrafficHop[];
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
  /** Each billed component's hourly price, drawn under its name (the diagram's price toggle). */
  prices?: Readonly<Record<string, string>>;
}

export type Shape = 'rect' | 'round' | 'stadium' | 'subroutine' | 'hexagon' | 'parallelogram' | 'asymmetric' | 'cloud';

/** One drawn box: a component, a container (with children) or one of the picture's own boxes. */
export interface PictureBox {
  /** Stable id derived from the name (the syntax's node id, the webview's data-node-id). */
  id: string;
  /** What the box is, in the model's words (see the file's head). */
  name: string;
  kind: DiagramNodeKind;
  shape: Shape;
  /** The first line, in bold ('' for none). */
  title: string;
  /** The lines under the title. */
  lines: string[];
  /** Style classes: 'outside', 'region', 'zone', 'note', a status, 'added', 'blocked'. */
  classes: string[];
  /** What the details pane shows. */
  info: DiagramNodeInfo;
  /** Present on containers (possibly empty). */
  children?: PictureBox[];
}

export type Arrow = '-->' | '---' | '-.-' | '-.->' | '~~~';

export interface PictureEdge {
  /** Box ids. */
  from: string;
  to: string;
  arrow: Arrow;
  role: PathRole;
  label?: string;
  /** A traffic path's hop number (1, 2, …, counted over inbound, reply and outbound in order). */
  hop?: number;
}

export interface Picture {
  /** One line saying what the picture is. */
  heading: string;
  direction: 'TB' | 'LR';
  /** Top-level boxes, in drawing order. */
  boxes: PictureBox[];
  /** Edges in order (the syntax numbers them in this order). */
  edges: PictureEdge[];
  collapsed: boolean;
}

/** Above this many components, 'auto' draws each subnet as one node. */
export const collapseThreshold = 150;
/** Above this many security groups (or key pairs) in a collapsed picture, they become one node. */
const summarizeAbove = 12;

const kindIcon: Partial<Record<DiagramNodeKind, string>> = {
  internet: '🌐',
  pc: '💻',
  internetGateway: '🚪',
  routeTable: '🧭',
  securityGroup: '🛡️',
  networkAcl: '🚧',
  networkInterface: '🔌',
  elasticIp: '📌',
  natGateway: '🔁',
  keyPair: '🔑',
  instance: '🖥️',
  group: '📦',
};

/** A stable id for a component name: derived from the name, unique per name, never a keyword. */
export function nodeId(name: string): string {
  const readable = name.replace(/[^A-Za-z0-9]/g, '_').slice(0, 40);
  return `c_${readable}_${hash(name)}`;
}

export function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** The model's name of an availability zone's box and of the region's box. */
export const zoneName = (zone: string) => `az:${zone}`;
export const regionName = (region: string) => `region:${region}`;

interface Resolved {
  status: ComponentStatus;
  id?: string;
  attributes: Record<string, unknown>;
}

/** Attribute keys never shown (the state holds no secrets, but be safe with what it may grow). */
const hiddenAttribute = /secret|material|password|credential|token|privatekey/i;

/** The picture of a blueprint (and its state, live statuses, step and traffic overlay). */
export function buildPicture(bp: Blueprint, options: DiagramOptions = {}): Picture {
  return new PictureBuilder(bp, options).build();
}

type BoxInfo = { title: string; classes?: string[]; status?: ComponentStatus; awsId?: string; details?: DiagramNodeInfo['details']; rules?: string[]; members?: string[]; onEdge?: boolean };

class PictureBuilder {
  private readonly roots: PictureBox[] = [];
  private readonly edges: PictureEdge[] = [];
  private readonly boxes = new Map<string, PictureBox>();
  /** Box id → the id of the container it is drawn in. */
  private readonly parentOf = new Map<string, string>();
  /** The containers open now, innermost last. */
  private readonly stack: PictureBox[] = [];
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
      for (const hop of [...options.overlay.inbound, ...options.overlay.reply, ...(options.overlay.outbound ?? [])]) {
        for (const n of [hop.from, hop.to]) {
          const s = this.subnetOf(n);
          if (s) this.expanded.add(s);
        }
      }
    }
  }

  build(): Picture {
    const bp = this.bp;
    // Outside the cloud.
    const emoji = (kind: DiagramNodeKind) => (this.options.icons === 'none' ? '' : `${kindIcon[kind]} `);
    this.add({ id: 'ext_pc', name: 'pc', kind: 'pc', shape: 'round', title: `${emoji('pc')}${t('Your PC')}`, lines: [] }, { title: t('your PC'), classes: ['outside'] });
    this.add({ id: 'ext_internet', name: 'internet', kind: 'internet', shape: 'cloud', title: `${emoji('internet')}${t('Internet')}`, lines: [] }, { title: t('the internet'), classes: ['outside'] });

    // Region ▸ (key pairs, Elastic IPs) and VPC ▸ (gateway, route tables, ACLs, security groups, zones).
    this.open({ id: `region_${hash(bp.region)}`, name: regionName(bp.region), kind: 'region', title: `${t('Region')} ${bp.region}`, lines: [`${t('stack')} ${bp.stack}`] }, { title: t('region'), classes: ['region'] });
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
    return {
      heading: t('EC2 Blueprint: stack {0} in {1}', bp.stack, bp.region),
      direction: this.options.direction ?? 'TB',
      boxes: this.roots,
      edges: this.edges,
      collapsed: this.collapsed,
    };
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

  // ---- boxes ----------------------------------------------------------------------------------

  /** Adds a box inside the innermost open container. */
  private add(box: Omit<PictureBox, 'classes' | 'info'>, info: BoxInfo & { container?: boolean }): PictureBox {
    const componentName = box.kind === 'pc' || box.kind === 'internet' || box.kind === 'note' || box.kind === 'region' || box.kind === 'availabilityZone' || box.kind === 'group' ? '' : box.name;
    const added = !!componentName && !!this.options.added?.has(componentName);
    const parent = this.stack[this.stack.length - 1];
    const full: PictureBox = {
      ...box,
      classes: [...(info.classes ?? []), ...(info.status ? [info.status] : []), ...(added ? ['added'] : [])],
      info: {
        id: box.id,
        name: componentName,
        key: box.name,
        kind: box.kind,
        ...(parent ? { parent: parent.name } : {}),
        title: info.title,
        details: info.details ?? [],
        ...(info.status ? { status: info.status } : {}),
        ...(info.awsId ? { awsId: info.awsId } : {}),
        ...(info.rules ? { rules: info.rules } : {}),
        ...(info.members ? { members: info.members } : {}),
        ...(info.container ? { container: true } : {}),
        ...(added ? { added: true } : {}),
        ...(info.onEdge ? { onEdge: true } : {}),
      },
    };
    (parent ? parent.children! : this.roots).push(full);
    this.boxes.set(full.id, full);
    if (parent) this.parentOf.set(full.id, parent.id);
    if (componentName) this.drawn.add(componentName);
    return full;
  }

  private open(box: Omit<PictureBox, 'classes' | 'info' | 'shape' | 'children'>, info: BoxInfo): void {
    const opened = this.add({ ...box, shape: 'rect', children: [] }, { ...info, container: true });
    this.stack.push(opened);
  }

  private close(): void {
    this.stack.pop();
  }

  private openComponent(c: Component, title: string, lines: string[], more: { classes?: string[]; details?: { label: string; value: string }[]; rules?: string[] } = {}): void {
    const r = this.resolve(c.name);
    this.open(
      { id: nodeId(c.name), name: c.name, kind: c.kind, title, lines: [...lines, this.statusLine(r), ...this.priceLine(c.name)] },
      {
        title: kindWord(c.kind),
        status: r.status,
        ...(r.id ? { awsId: r.id } : {}),
        details: this.details(c, r, more.details ?? lines.map((l) => ({ label: t('CIDR'), value: l }))),
        ...(more.classes ? { classes: more.classes } : {}),
        ...(more.rules ? { rules: more.rules } : {}),
      },
    );
  }

  private component(c: Component, shape: Shape, lines: (string | undefined)[], extra: { label: string; value: string }[] = [], rules?: string[], more: Partial<BoxInfo> = {}): void {
    const r = this.resolve(c.name);
    const icon = this.options.icons === 'none' ? '' : (kindIcon[c.kind] ?? '');
    this.add(
      { id: nodeId(c.name), name: c.name, kind: c.kind, shape, title: `${icon} ${c.name}`.trim(), lines: [kindWord(c.kind), ...lines.filter((l): l is string => !!l), this.statusLine(r), ...this.priceLine(c.name)] },
      { title: kindWord(c.kind), status: r.status, ...(r.id ? { awsId: r.id } : {}), details: this.details(c, r, extra), ...(rules ? { rules } : {}), ...more },
    );
  }

  private priceLine(name: string): string[] {
    return this.options.prices?.[name] ? [`💲 ${this.options.prices[name]}`] : [];
  }

  private edge(from: string, to: string, arrow: Arrow, role: PathRole, text?: string, hop?: number): number | undefined {
    const a = this.idOf(from);
    const b = this.idOf(to);
    if (!a || !b) return undefined;
    this.edges.push({ from: a, to: b, arrow, role, ...(text ? { label: text } : {}), ...(hop ? { hop } : {}) });
    return this.edges.length - 1;
  }

  /** Whether box `inner` is drawn inside box `outer`. */
  private within(inner: string, outer: string): boolean {
    for (let p = this.parentOf.get(inner); p; p = this.parentOf.get(p)) if (p === outer) return true;
    return false;
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
      if (this.eipOnInterface(c.name)) continue; // drawn on its interface
      this.elasticIp(c);
    }
  }

  /** The drawn interface an Elastic IP is associated with (it is drawn on it, in its subnet). */
  private eipOnInterface(name: string): string | undefined {
    const iface = this.bp.elasticIps?.find((e) => e.name === name)?.networkInterface;
    const subnet = iface ? this.subnetOf(iface) : undefined;
    if (!iface || !subnet || !this.byName.has(iface) || !this.byName.has(subnet)) return undefined;
    return this.collapsed && !this.expanded.has(subnet) ? undefined : iface;
  }

  private elasticIp(c: Component<'elasticIp'>): void {
    const spec = this.bp.elasticIps?.find((e) => e.name === c.name);
    const r = this.resolve(c.name);
    const address = stringAttr(r.attributes, 'publicIp', 'address');
    this.component(c, 'asymmetric', [address ?? t('public address given when created')], [
      ...(address ? [{ label: t('public IP'), value: address }] : []),
      ...(spec?.networkInterface ? [{ label: t('associated with'), value: spec.networkInterface }] : []),
      ...(spec?.networkBorderGroup ? [{ label: t('network border group'), value: spec.networkBorderGroup }] : []),
    ]);
  }

  private drawVpcLevel(): void {
    const bp = this.bp;
    const igw = this.ofKind('internetGateway')[0];
    // The gateway is the VPC's door: drawn on the VPC's edge, toward the internet.
    if (igw) this.component(igw, 'hexagon', [t('door between the VPC and the internet')], [], undefined, { onEdge: !!this.byName.get(bp.vpc.name) });
    for (const c of this.ofKind('routeTable')) if (!this.homeOf(c.name)) this.routeTable(c);
    for (const c of this.ofKind('networkAcl')) if (!this.homeOf(c.name)) this.networkAcl(c);
    const groups = this.ofKind('securityGroup').filter((g) => this.homeOfSecurityGroup(g.name) === undefined);
    if (this.collapsed && this.ofKind('securityGroup').length > summarizeAbove) {
      this.group('securityGroups', this.ofKind('securityGroup'), t('{0} security groups', this.ofKind('securityGroup').length));
      return;
    }
    for (const g of groups) this.securityGroup(g);
  }

  private routeTable(c: Component<'routeTable'>): void {
    const spec = this.bp.routeTables?.find((x) => x.name === c.name);
    const routes = [`${this.bp.vpc.cidr} → local`, ...(spec?.routes ?? []).map((r) => `${r.destination} → ${r.target}`)];
    this.component(c, 'subroutine', routes, [], routes);
  }

  private networkAcl(c: Component<'networkAcl'>): void {
    const spec = this.bp.networkAcls?.find((x) => x.name === c.name);
    const rules = [...(spec?.inbound ?? []).map((r) => aclRuleText(r, 'in')), ...(spec?.outbound ?? []).map((r) => aclRuleText(r, 'out'))];
    this.component(c, 'rect', [...clip(rules), t('(stateless; unlisted traffic is denied)')], [], rules);
  }

  /** A route table or network ACL associated with exactly one drawn subnet is drawn in it. */
  private homeOf(name: string): string | undefined {
    const spec = this.bp.routeTables?.find((x) => x.name === name) ?? this.bp.networkAcls?.find((x) => x.name === name);
    const subnets = (spec?.subnets ?? []).filter((s) => this.byName.has(s));
    const [only] = subnets;
    return subnets.length === 1 && only && !(this.collapsed && !this.expanded.has(only)) ? only : undefined;
  }

  private securityGroupParts(c: Component<'securityGroup'>) {
    const spec = this.bp.securityGroups?.find((x) => x.name === c.name);
    const rules = [...(spec?.ingress ?? []).map((r) => ruleText(r, 'in')), ...(spec?.egress ?? []).map((r) => ruleText(r, 'out'))];
    const lines = [...clip(rules)];
    if (!spec?.egress) lines.push(t('out: all traffic (AWS default)'));
    return { lines, details: spec?.description ? [{ label: t('description'), value: spec.description }] : [], rules: rules.length ? rules : undefined };
  }

  /** A group that is not a boundary in one subnet: a card in the VPC (its members carry its name). */
  private securityGroup(c: Component<'securityGroup'>): void {
    const parts = this.securityGroupParts(c);
    this.component(c, 'rect', parts.lines, parts.details, parts.rules);
  }

  /** The security groups that protect an interface, or an instance (through its interface). */
  private groupsOf(name: string): string[] {
    const eni = this.bp.networkInterfaces?.find((n) => n.name === name);
    if (eni) return eni.securityGroups ?? [];
    const inst = this.bp.instances?.find((i) => i.name === name);
    if (inst?.networkInterface) return this.groupsOf(inst.networkInterface);
    return inst?.securityGroups ?? [];
  }

  /** A security group is drawn as a boundary inside a subnet when everything it protects is in
   * that subnet and protected by it alone (AWS draws it around what it protects); otherwise it is
   * a card in the VPC. */
  private homeOfSecurityGroup(name: string): string | undefined {
    if (!this.homes.has(name)) this.homes.set(name, this.findHomeOfSecurityGroup(name));
    return this.homes.get(name);
  }

  private readonly homes = new Map<string, string | undefined>();

  private findHomeOfSecurityGroup(name: string): string | undefined {
    if (this.collapsed) return undefined;
    const subnets = new Set<string>();
    for (const c of [...this.ofKind('networkInterface'), ...this.ofKind('instance')]) {
      const groups = this.groupsOf(c.name);
      if (!groups.includes(name)) continue;
      if (groups.length !== 1) return undefined;
      const s = this.subnetOf(c.name);
      if (!s) return undefined;
      subnets.add(s);
    }
    if (subnets.size !== 1) return undefined;
    const [only] = subnets;
    return only && this.byName.has(only) ? only : undefined;
  }

  /** A subnet is public when its route table sends traffic to an internet gateway. */
  private isPublic(subnet: string): boolean {
    const rtb = this.bp.routeTables?.find((r) => r.subnets?.includes(subnet));
    const igw = this.bp.internetGateway?.name;
    return !!igw && !!rtb?.routes?.some((r) => r.target === igw);
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
      this.open({ id: `az_${zone.replace(/[^A-Za-z0-9]/g, '_')}_${hash(zone)}`, name: zoneName(zone), kind: 'availabilityZone', title: `${t('Availability zone')} ${zone}`, lines: [] }, { title: t('availability zone'), classes: ['zone'] });
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
    }
    // Interfaces and instances whose subnet is not drawn (a filtered view) still appear.
    for (const c of [...this.ofKind('networkInterface'), ...this.ofKind('instance')]) {
      if (!this.drawn.has(c.name) && !this.groupOf.has(c.name)) this.drawAttachment(c);
    }
  }

  private fullSubnet(s: Component<'subnet'>, cidr: string): void {
    this.openComponent(s, `${t('Subnet')} ${s.name}`, [cidr], { classes: [this.isPublic(s.name) ? 'public' : 'private'] });
    for (const c of this.ofKind('routeTable')) if (this.homeOf(c.name) === s.name) this.routeTable(c);
    for (const c of this.ofKind('networkAcl')) if (this.homeOf(c.name) === s.name) this.networkAcl(c);
    for (const c of this.ofKind('natGateway')) if (this.bp.natGateways?.find((n) => n.name === c.name)?.subnet === s.name) this.natGateway(c);
    const attachments = [...this.ofKind('networkInterface'), ...this.ofKind('instance')].filter((c) => this.subnetOf(c.name) === s.name);
    for (const g of this.ofKind('securityGroup')) {
      if (this.homeOfSecurityGroup(g.name) !== s.name) continue;
      const parts = this.securityGroupParts(g);
      this.openComponent(g, g.name, [kindWord('securityGroup'), ...parts.lines], { details: parts.details, ...(parts.rules ? { rules: parts.rules } : {}) });
      for (const c of attachments) if (this.groupsOf(c.name).includes(g.name)) this.drawAttachment(c);
      this.close();
    }
    for (const c of attachments) if (!this.drawn.has(c.name)) this.drawAttachment(c);
    this.close();
  }

  private natGateway(c: Component<'natGateway'>): void {
    const spec = this.bp.natGateways?.find((n) => n.name === c.name);
    const r = this.resolve(c.name);
    const address = stringAttr(r.attributes, 'publicIp', 'address');
    this.component(c, 'rect', [address ?? spec?.elasticIp], [
      { label: t('subnet'), value: spec?.subnet ?? '' },
      ...(spec?.elasticIp ? [{ label: t('Elastic IP'), value: spec.elasticIp }] : []),
    ]);
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
      for (const e of this.ofKind('elasticIp')) if (this.eipOnInterface(e.name) === c.name) this.elasticIp(e);
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
    this.add(
      { id: nodeId(s.name), name: s.name, kind: 'subnet', shape: 'subroutine', title: `${t('Subnet')} ${s.name}`, lines: [cidr, parts.join(', ') || t('empty'), this.statusCounts(members.map((m) => m.name)), this.statusLine(r)].filter(Boolean) },
      { title: kindWord('subnet'), status: r.status, ...(r.id ? { awsId: r.id } : {}), details: this.details(s, r, [{ label: t('CIDR'), value: cidr }]), members: members.map((m) => m.name) },
    );
    for (const m of members) this.groupOf.set(m.name, nodeId(s.name));
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
    this.add(
      { id, name: `group:${key}`, kind: 'group', shape: 'subroutine', title: `${this.options.icons === 'none' ? '' : `${kindIcon.group} `}${title}`, lines: [this.statusCounts(members.map((m) => m.name))] },
      { title, status: worst, members: members.map((m) => m.name), details: [] },
    );
    for (const m of members) this.groupOf.set(m.name, id);
  }

  // ---- edges --------------------------------------------------------------------------------

  private drawStructureEdges(): void {
    const bp = this.bp;
    const seen = new Set<string>();
    const once = (from: string, to: string, arrow: Arrow, text?: string) => {
      // Inside a collapsed box the parts are not drawn, nor their links (hundreds of lines).
      if (this.groupOf.has(from) || this.groupOf.has(to)) return;
      const a = this.idOf(from);
      const b = this.idOf(to);
      if (!a || !b || a === b || this.within(a, b) || this.within(b, a)) return;
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
    const link = (a: string, b: string) => this.edges.push({ from: a, to: b, arrow: '~~~', role: 'layout' });
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
    for (const role of ['inbound', 'reply', 'outbound'] as const) {
      const hops = overlay[role] ?? [];
      if (!paths[role === 'outbound' ? 'reply' : role]) {
        number += hops.length;
        continue;
      }
      for (const hop of hops) this.edge(hop.from, hop.to, '-->', role, hop.label, ++number);
    }
    // One note per text: the same key point said at a second box is said once, at the first.
    const said = new Set<string>();
    if (paths.reply)
      for (const note of overlay.notes ?? []) {
        if (said.has(note.text)) continue;
        said.add(note.text);
        this.note(note.at, note.text);
      }
    if (overlay.blockedAt && (paths.inbound || paths.reply)) {
      const id = this.idOf(overlay.blockedAt.name);
      const box = id ? this.boxes.get(id) : undefined;
      if (box) box.classes.push('blocked');
      this.note(overlay.blockedAt.name, `✖ ${t('Blocked here')}: ${overlay.blockedAt.reason}`);
    }
  }

  private note(at: string, text: string): void {
    if (!this.idOf(at)) return;
    const id = `note_${++this.noteCount}`;
    // Notes sit at the top level, beside the picture.
    const stack = this.stack.splice(0);
    this.add({ id, name: `note:${this.noteCount}`, kind: 'note', shape: 'rect', title: '', lines: wrapText(text, 46) }, { title: t('note'), classes: ['note'], details: [{ label: t('note'), value: text }] });
    this.stack.push(...stack);
    this.edge(id, at, '-.-', 'note');
  }
}
