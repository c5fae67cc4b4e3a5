import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateBlueprint } from '../../../src/core/validate';
import { buildDiagram, diagramText, INTERNET, nodeId, escapeLabel, type Diagram } from '../../../src/core/diagram';
import { diagramOverlay, trafficOverlay } from '../../../src/core/reach-overlay';
import { components } from '../../../src/core/model';
import type { StateFile } from '../../../src/core/state';
import type { Blueprint } from '../../../src/core/schema';
import { largeBlueprint, tutorialText, tutorialWith } from '../builders';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function blueprintOf(text: string): Blueprint {
  const result = validateBlueprint(text);
  assert.ok(result.blueprint, JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error')));
  return result.blueprint;
}
const tutorial = blueprintOf(tutorialText);

/** The lines of the mermaid text between `subgraph ID` and its matching `end`. */
function subgraphBody(mermaid: string, id: string): string[] {
  const lines = mermaid.split('\n').map((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith(`subgraph ${id}[`));
  assert.ok(start >= 0, `no subgraph ${id}`);
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    if (lines[i]!.startsWith('subgraph ')) depth++;
    if (lines[i] === 'end' && --depth === 0) return lines.slice(start + 1, i);
  }
  throw new Error(`subgraph ${id} is not closed`);
}
const declares = (body: string[], name: string) => body.some((l) => l.startsWith(`${nodeId(name)}[`) || l.startsWith(`${nodeId(name)}(`) || l.startsWith(`${nodeId(name)}{`) || l.startsWith(`${nodeId(name)}>`) || l.startsWith(`subgraph ${nodeId(name)}[`));
const classOf = (mermaid: string, id: string) =>
  mermaid.split('\n').filter((l) => l.trim().startsWith('class ') && l.trim().split(' ')[1]!.split(',').includes(id)).map((l) => l.trim().split(' ')[2]);

function state(resources: Record<string, { id: string; attributes?: Record<string, unknown>; drift?: string[] }>, extra: Partial<StateFile> = {}): StateFile {
  const kinds = new Map(components(tutorial).map((c) => [c.name, c.kind]));
  const now = '2026-01-01T00:00:00.000Z';
  return {
    version: 1,
    stack: tutorial.stack,
    region: tutorial.region,
    updatedAt: now,
    resources: Object.fromEntries(
      Object.entries(resources).map(([name, r]) => [name, { kind: kinds.get(name)!, id: r.id, attributes: r.attributes ?? {}, createdAt: now, updatedAt: now, ...(r.drift ? { drift: r.drift } : {}) }]),
    ),
    ...extra,
  };
}

test('every component of the tutorial has a node, named in its label', () => {
  const d = buildDiagram(tutorial);
  for (const c of components(tutorial)) {
    const node = d.nodes.find((n) => n.name === c.name);
    assert.ok(node, `no node for ${c.name}`);
    assert.equal(node.id, nodeId(c.name));
    assert.equal(node.kind, c.kind);
    assert.match(d.mermaid, new RegExp(`${node.id}.*${escapeLabel(c.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  }
  assert.ok(d.nodes.some((n) => n.kind === 'internet'));
  assert.ok(d.nodes.some((n) => n.kind === 'pc'));
  assert.match(d.mermaid, /^flowchart TB$/m);
});

test('nesting is region ▸ VPC ▸ availability zone ▸ subnet ▸ security group, the gateway on the VPC, the internet outside', () => {
  const m = diagramText(tutorial);
  const region = subgraphBody(m, 'region_' + m.match(/subgraph region_(\w+)\[/)![1]);
  assert.ok(region.some((l) => l.startsWith(`subgraph ${nodeId('vpc-Atsushi')}[`)), 'the VPC is inside the region');
  const vpc = subgraphBody(m, nodeId('vpc-Atsushi'));
  assert.ok(declares(region, 'key-wp-RHEL') && !declares(vpc, 'key-wp-RHEL'), 'the key pair is regional, outside the VPC');
  assert.ok(declares(vpc, 'igw-Atsushi'));
  assert.equal(buildDiagram(tutorial).nodes.find((n) => n.name === 'igw-Atsushi')?.onEdge, true, 'the gateway is drawn on the VPC edge');
  const group = subgraphBody(m, nodeId('seg-g_wp_Atsushi'));
  assert.ok(declares(group, 'eip-Atsushi'), 'the Elastic IP is drawn on its interface, inside the group around it');
  const zoneId = vpc.find((l) => l.startsWith('subgraph az_ap_northeast_1a'))!.split(/[\s[]/)[1]!;
  const zone = subgraphBody(m, zoneId);
  assert.match(vpc.find((l) => l.startsWith(`subgraph ${zoneId}[`))!, /Availability zone ap-northeast-1a/);
  const subnet = subgraphBody(m, nodeId('public-subnet-1a-Atsushi'));
  assert.ok(zone.some((l) => l.startsWith(`subgraph ${nodeId('public-subnet-1a-Atsushi')}[`)));
  for (const name of ['eni-wp-Atsushi', 'ec2-wp-RHEL8', 'seg-g_wp_Atsushi', 'rtb-public-Atsushi']) assert.ok(declares(subnet, name), `${name} is in the subnet`);
  for (const name of ['eni-wp-Atsushi', 'ec2-wp-RHEL8']) assert.ok(declares(group, name), `${name} is inside the security group's boundary`);
  assert.ok(!region.some((l) => l.startsWith('ext_internet')), 'the internet is outside the region');
});

test('labels carry the details a reader looks for: rules, routes, fixed IP, type and image', () => {
  const m = diagramText(tutorial);
  assert.match(m, /in tcp 22 ← 0\.0\.0\.0\/0 anyone \(SSH\)/);
  assert.match(m, /0\.0\.0\.0\/0 → igw-Atsushi/);
  assert.match(m, /private IP 10\.0\.1\.11/);
  assert.match(m, /t2\.large · rhel-8/);
  // The Elastic IP's dotted line to the internet, as the tutorial draws it.
  assert.match(m, new RegExp(`${nodeId('eip-Atsushi')} -\\.-\\|"public address"\\| ext_internet`));
});

test('without a state every component is planned, by class and by word', () => {
  const d = buildDiagram(tutorial);
  for (const c of components(tutorial)) {
    assert.deepEqual(classOf(d.mermaid, nodeId(c.name)), ['planned'], c.name);
    assert.equal(d.nodes.find((n) => n.name === c.name)!.status, 'planned');
  }
  assert.match(d.mermaid, /classDef planned .*stroke-dasharray/);
  assert.equal((d.mermaid.match(/○ planned/g) ?? []).length, components(tutorial).length);
});

test('the state file gives statuses, AWS ids and read-back attributes', () => {
  const s = state(
    {
      'vpc-Atsushi': { id: 'vpc-0a1b2c' },
      'seg-g_wp_Atsushi': { id: 'sg-0123', drift: ['ingress rule tcp 8080 added outside the blueprint'] },
      'eip-Atsushi': { id: 'eipalloc-9', attributes: { publicIp: '203.0.113.10' } },
      'ec2-wp-RHEL8': { id: 'i-0abc', attributes: { imageId: 'ami-0rhel8', publicIp: '203.0.113.10' } },
    },
    {
      operations: { 'eni-wp-Atsushi': { kind: 'networkInterface', action: 'create', startedAt: '2026-01-01T00:00:00.000Z', pid: 1 } },
      failures: { 'key-wp-RHEL': { kind: 'keyPair', action: 'create', message: 'InvalidKeyPair.Duplicate', at: '2026-01-01T00:00:00.000Z' } },
    },
  );
  const d = buildDiagram(tutorial, { state: s });
  assert.deepEqual(classOf(d.mermaid, nodeId('vpc-Atsushi')), ['created']);
  assert.deepEqual(classOf(d.mermaid, nodeId('seg-g_wp_Atsushi')), ['drifted']);
  assert.deepEqual(classOf(d.mermaid, nodeId('eni-wp-Atsushi')), ['inProgress']);
  assert.deepEqual(classOf(d.mermaid, nodeId('key-wp-RHEL')), ['failed']);
  assert.deepEqual(classOf(d.mermaid, nodeId('igw-Atsushi')), ['planned']);
  assert.match(d.mermaid, /● created · vpc-0a1b2c/);
  assert.match(d.mermaid, /⚠ drifted · sg-0123/);
  assert.match(d.mermaid, /◐ in progress/);
  assert.match(d.mermaid, /✖ failed/);
  assert.match(d.mermaid, /203\.0\.113\.10/);
  assert.match(d.mermaid, /rhel-8 \(ami-0rhel8\)/);
  const sg = d.nodes.find((n) => n.name === 'seg-g_wp_Atsushi')!;
  assert.equal(sg.awsId, 'sg-0123');
  assert.ok(sg.details.some((x) => x.value.includes('8080')), 'the drift is in the details');
  assert.ok(sg.rules?.some((r) => r.includes('tcp 443')));
});

test('live statuses from engine events win over the state file', () => {
  const s = state({ 'vpc-Atsushi': { id: 'vpc-0a1b2c' } });
  const m = diagramText(tutorial, { state: s, live: { 'seg-g_wp_Atsushi': { status: 'created', id: 'sg-new' }, 'igw-Atsushi': { status: 'in-progress' } } });
  assert.deepEqual(classOf(m, nodeId('seg-g_wp_Atsushi')), ['created']);
  assert.match(m, /● created · sg-new/);
  assert.deepEqual(classOf(m, nodeId('igw-Atsushi')), ['inProgress']);
});

test('no secret-looking attribute reaches the diagram', () => {
  const s = state({ 'key-wp-RHEL': { id: 'key-1', attributes: { keyMaterial: '-----BEGIN RSA PRIVATE KEY-----', fingerprint: 'aa:bb' } } });
  const d = buildDiagram(tutorial, { state: s });
  assert.doesNotMatch(JSON.stringify(d), /BEGIN RSA/);
  assert.ok(d.nodes.find((n) => n.name === 'key-wp-RHEL')!.details.some((x) => x.value === 'aa:bb'));
});

test('node ids are stable, derived from the name, and distinct for look-alike names', () => {
  assert.equal(nodeId('eni-wp-Atsushi'), nodeId('eni-wp-Atsushi'));
  assert.notEqual(nodeId('a-b'), nodeId('a_b'));
  assert.match(nodeId('seg-g_wp_Atsushi'), /^c_seg_g_wp_Atsushi_[0-9a-z]+$/);
  assert.match(nodeId('end'), /^c_/, 'never a mermaid keyword');
});

test('names with mermaid syntax characters are escaped, not interpreted', () => {
  const bp = blueprintOf(tutorialWith(['name: seg-g_wp_Atsushi', 'name: "sg \\"x\\" <b>|#1"'], ['securityGroups: [seg-g_wp_Atsushi]', 'securityGroups: ["sg \\"x\\" <b>|#1"]']));
  const m = diagramText(bp);
  assert.match(m, /sg #34;x#34; #60;b#62;#124;#35;1/);
  assert.doesNotMatch(m, /"sg "x"/);
});

function edgesByRole(d: Diagram, role: string) {
  return d.edges.filter((e) => e.role === role);
}

test('the traffic overlay draws the inbound path in blue and the reply in orange, numbered, with the key points', () => {
  const overlay = trafficOverlay(tutorial);
  assert.equal(overlay.blockedAt, undefined);
  const d = buildDiagram(tutorial, { overlay });
  const inbound = edgesByRole(d, 'inbound');
  const reply = edgesByRole(d, 'reply');
  assert.deepEqual(
    inbound.map((e) => [e.from, e.to]),
    [
      ['ext_pc', 'ext_internet'],
      ['ext_internet', nodeId('igw-Atsushi')],
      [nodeId('igw-Atsushi'), nodeId('rtb-public-Atsushi')],
      [nodeId('rtb-public-Atsushi'), nodeId('seg-g_wp_Atsushi')],
      [nodeId('seg-g_wp_Atsushi'), nodeId('eni-wp-Atsushi')],
      [nodeId('eni-wp-Atsushi'), nodeId('ec2-wp-RHEL8')],
    ],
  );
  assert.deepEqual(
    reply.map((e) => [e.from, e.to]),
    [
      [nodeId('ec2-wp-RHEL8'), nodeId('seg-g_wp_Atsushi')],
      [nodeId('seg-g_wp_Atsushi'), nodeId('rtb-public-Atsushi')],
      [nodeId('rtb-public-Atsushi'), nodeId('igw-Atsushi')],
      [nodeId('igw-Atsushi'), 'ext_internet'],
      ['ext_internet', 'ext_pc'],
    ],
  );
  assert.match(inbound[0]!.label!, /^\(1\) /);
  assert.match(reply[0]!.label!, /^\(7\) /);
  // linkStyle counts every edge in the text: the indexes must be those of the path edges.
  const edgeLines = d.mermaid.split('\n').filter((l) => / (-->|---|-\.-|-\.->|~~~)/.test(l) && !l.trim().startsWith('class'));
  assert.equal(edgeLines.length, d.edges.length);
  inbound.forEach((e) => assert.match(edgeLines[e.index]!, /-->\|"\([1-6]\) /));
  assert.ok(d.mermaid.includes(`linkStyle ${inbound.map((e) => e.index).join(',')} stroke:#1f6feb`));
  assert.ok(d.mermaid.includes(`linkStyle ${reply.map((e) => e.index).join(',')} stroke:#e8710a`));
  assert.ok(reply.some((e) => e.to === nodeId('igw-Atsushi') && /0\.0\.0\.0\/0/.test(e.label!)), 'the reply leaves by the default route');
  assert.match(d.mermaid, /Key point 1/);
  assert.match(d.mermaid, /Key point 2.*<br\/>.*stateful|Key point 2[^"]*stateful/s);
});

test('path toggles draw only the chosen path; the numbers stay', () => {
  const overlay = trafficOverlay(tutorial);
  const onlyReply = buildDiagram(tutorial, { overlay, paths: { inbound: false, reply: true } });
  assert.equal(edgesByRole(onlyReply, 'inbound').length, 0);
  assert.match(edgesByRole(onlyReply, 'reply')[0]!.label!, /^\(7\) /);
  const onlyIn = buildDiagram(tutorial, { overlay, paths: { inbound: true, reply: false } });
  assert.equal(edgesByRole(onlyIn, 'reply').length, 0);
  assert.doesNotMatch(onlyIn.mermaid, /Key point/);
});

test('a blocked path marks the blocking hop and says why', () => {
  const noRule = blueprintOf(tutorialWith(['      - { protocol: tcp, port: 22,  source: 0.0.0.0/0, description: SSH }\n', '']));
  const overlay = trafficOverlay(noRule);
  assert.equal(overlay.blockedAt?.name, 'seg-g_wp_Atsushi');
  assert.match(overlay.blockedAt!.reason, /TCP 22/);
  const d = buildDiagram(noRule, { overlay });
  assert.ok(classOf(d.mermaid, nodeId('seg-g_wp_Atsushi')).includes('blocked'));
  assert.match(d.mermaid, /Blocked here/);
  assert.ok(!edgesByRole(d, 'inbound').some((e) => e.to === nodeId('ec2-wp-RHEL8')), 'the path stops before the instance');

  const noEip = blueprintOf(tutorialWith(['elasticIps:\n  - name: eip-Atsushi\n    networkBorderGroup: ap-northeast-1\n    networkInterface: eni-wp-Atsushi\n', '']));
  assert.equal(trafficOverlay(noEip).blockedAt?.name, 'eni-wp-Atsushi');
  assert.match(trafficOverlay(noEip).blockedAt!.reason, /only the private address .* cannot be dialled from the internet.*Elastic IP/);

  const noRoute = blueprintOf(tutorialWith(['    routes:\n      - { destination: 0.0.0.0/0, target: igw-Atsushi }\n', '']));
  assert.equal(trafficOverlay(noRoute).blockedAt?.name, 'rtb-public-Atsushi');
});

test('with a state, the path names the real public address', () => {
  const s = state({ 'eip-Atsushi': { id: 'eipalloc-1', attributes: { publicIp: '198.51.100.7' } } });
  const overlay = trafficOverlay(tutorial, { state: s });
  // The client dials the Elastic IP's address, and the gateway translates it.
  assert.match(overlay.inbound.find((h) => h.from === INTERNET)!.label, /198\.51\.100\.7/);
});

test('a 500-resource blueprint collapses per subnet, still names every subnet, and stays within mermaid limits', () => {
  const big = blueprintOf(largeBlueprint(500));
  const d = buildDiagram(big);
  assert.equal(d.collapsed, true);
  for (const s of big.subnets!) assert.ok(d.nodes.some((n) => n.name === s.name && n.kind === 'subnet'), s.name);
  const subnet0 = d.nodes.find((n) => n.name === 'subnet-0')!;
  assert.deepEqual(subnet0.members, ['eni-0', 'instance-0']);
  assert.ok(d.mermaid.length < 50_000 * 4, `mermaid text is ${d.mermaid.length} characters`);
  assert.ok(d.edges.length < 500, `${d.edges.length} edges`);
  const full = buildDiagram(big, { collapse: 'never' });
  assert.equal(full.collapsed, false);
  for (const c of components(big)) assert.ok(full.nodes.some((n) => n.name === c.name), c.name);
  const expanded = buildDiagram(big, { expand: ['subnet-3'] });
  assert.ok(expanded.nodes.some((n) => n.name === 'instance-3'));
  assert.ok(!expanded.nodes.some((n) => n.name === 'instance-4'));
});

test('the hops of a long path are numbered (1), (2), … (23) the same way past twenty, in the mermaid text as in the edges', () => {
  const bp = validateBlueprint(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'private-subnet.blueprint.yaml'), 'utf8')).blueprint!;
  const d = buildDiagram(bp, { overlay: diagramOverlay(bp, {})! });
  const hops = d.edges.filter((e) => e.role === 'inbound' || e.role === 'reply' || e.role === 'outbound');
  assert.ok(hops.length > 20, `${hops.length} hops`);
  hops.forEach((e, i) => assert.match(e.label!, new RegExp(`^\\(${i + 1}\\) \\S`), e.label));
  const edgeLines = d.mermaid.split('\n').filter((l) => / (-->|---|-\.-|-\.->|~~~)/.test(l) && !l.trim().startsWith('class'));
  for (const e of hops) assert.ok(edgeLines[e.index]!.includes(`|"(${hops.indexOf(e) + 1}) `), edgeLines[e.index]);
  assert.doesNotMatch(d.mermaid, /[①-⑳]/);
});
