// The architecture diagram: the picture's model (diagram-model.ts: what is drawn, inside what,
// with which status) written in mermaid syntax (diagram-mermaid.ts). The webview, the CLI's
// `diagram` and the tests all draw from here. Also a simple traffic check for the overlay.
import { t } from '@vscode/l10n';
import type { Blueprint, IngressRule, NetworkAcl } from './schema';
import type { StateFile } from './state';
import { parseCidr, isAnywhere } from './cidr';
import { parsePortRange } from './ports';
import { buildPicture, INTERNET, stringAttr, YOUR_PC, type DiagramOptions, type TrafficHop, type TrafficOverlay } from './diagram-model';
import { mermaidOf, type Diagram } from './diagram-mermaid';

export { INTERNET, YOUR_PC, collapseThreshold, kindWord, nodeId, ruleText, statusWord, wrapText } from './diagram-model';
export type { DiagramOptions, LiveStatus, TrafficHop, TrafficOverlay } from './diagram-model';
export { escapeLabel, pathColours, statusClass } from './diagram-mermaid';
export type { Diagram } from './diagram-mermaid';

/** Builds the diagram: mermaid text plus what each node and edge stands for. */
export function buildDiagram(bp: Blueprint, options: DiagramOptions = {}): Diagram {
  return mermaidOf(buildPicture(bp, options));
}

/** Just the mermaid text (the CLI's `diagram`). */
export function diagramText(bp: Blueprint, options: DiagramOptions = {}): string {
  return buildDiagram(bp, options).mermaid;
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
