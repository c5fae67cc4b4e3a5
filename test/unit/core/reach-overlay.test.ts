import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateBlueprint } from '../../../src/core/validate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeReach, type ReachQuery } from '../../../src/core/reach';
import { diagramOverlay, reachOverlay } from '../../../src/core/reach-overlay';
import { buildDiagram, INTERNET, nodeId, YOUR_PC, type TrafficHop } from '../../../src/core/diagram';
import { tutorialText, tutorialWith } from '../builders';

const privateText = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'private-subnet.blueprint.yaml'), 'utf8');
const privateWith = (search: string, replacement: string) => {
  if (!privateText.includes(search)) throw new Error(`fixture edit: "${search}" is not in the text`);
  return privateText.replace(search, replacement);
};
const pairs = (hops: TrafficHop[] | undefined) => (hops ?? []).map((a) => [a.from, a.to, a.leg]);
const bastion = 'ec2-bastion-Atsushi';
const app = 'ec2-app-Atsushi';

function overlayOf(text: string, query: ReachQuery = {}) {
  const bp = validateBlueprint(text).blueprint!;
  const overlay = reachOverlay(bp, analyzeReach(bp, query));
  return { bp, overlay, diagram: buildDiagram(bp, { overlay }) };
}

describe('the verdict drawn on the diagram', () => {
  test('the tutorial: the way in and the way back, as the tutorial draws them', () => {
    const { overlay, diagram } = overlayOf(tutorialText);
    assert.deepEqual(
      overlay.inbound.map((a) => [a.from, a.to]),
      [
        [YOUR_PC, INTERNET],
        [INTERNET, 'igw-Atsushi'],
        ['igw-Atsushi', 'rtb-public-Atsushi'],
        ['rtb-public-Atsushi', 'seg-g_wp_Atsushi'],
        ['seg-g_wp_Atsushi', 'eni-wp-Atsushi'],
        ['eni-wp-Atsushi', 'ec2-wp-RHEL8'],
      ],
    );
    assert.deepEqual(
      overlay.reply.map((a) => [a.from, a.to]),
      [
        ['ec2-wp-RHEL8', 'seg-g_wp_Atsushi'],
        ['seg-g_wp_Atsushi', 'rtb-public-Atsushi'],
        ['rtb-public-Atsushi', 'igw-Atsushi'],
        ['igw-Atsushi', INTERNET],
        [INTERNET, YOUR_PC],
      ],
    );
    // The Elastic IP's translation is said on the arrow into the gateway.
    assert.match(overlay.inbound[1]!.label, /Elastic IP.*10\.0\.1\.11/);
    assert.equal(overlay.inbound[4]!.label, 'inbound rule tcp 22 from 0.0.0.0/0 (SSH)');
    assert.match(overlay.reply[1]!.label, /stateful/);
    assert.match(overlay.reply[2]!.label, /^route 0\.0\.0\.0\/0 → igw-Atsushi/);
    assert.match(overlay.reply[3]!.label, /10\.0\.1\.11 to the Elastic IP/);
    assert.ok(overlay.notes!.some((n) => n.at === 'seg-g_wp_Atsushi' && /stateful/.test(n.text)));
    assert.ok(overlay.notes!.some((n) => n.at === 'rtb-public-Atsushi' && /does not know where the client is/.test(n.text)));
    assert.equal(overlay.blockedAt, undefined);
    // Every arrow lands on a node of the picture.
    assert.equal(diagram.edges.filter((e) => e.role === 'inbound').length, 6);
    assert.equal(diagram.edges.filter((e) => e.role === 'reply').length, 5);
  });

  test('a blocked path stops at the blocking component, marked with the reason', () => {
    const { overlay, diagram } = overlayOf(tutorialText, { port: 3389 });
    assert.equal(overlay.inbound.at(-1)!.to, 'seg-g_wp_Atsushi');
    assert.deepEqual(overlay.reply, []);
    assert.equal(overlay.blockedAt!.name, 'seg-g_wp_Atsushi');
    assert.match(overlay.blockedAt!.reason, /3389/);
    assert.match(diagram.mermaid, new RegExp(`class [^\\n]*${nodeId('seg-g_wp_Atsushi')}[^\\n]* blocked`));
  });

  test('the main route table, not drawn, is shown by its subnet when it blocks', () => {
    const { overlay } = overlayOf(tutorialWith(['    subnets: [public-subnet-1a-Atsushi]\n', '']));
    assert.equal(overlay.blockedAt!.name, 'public-subnet-1a-Atsushi');
    assert.match(overlay.blockedAt!.reason, /main route table/);
  });

  test('with an ACL the reply passes the ACL, and a note says it is stateless', () => {
    const text = tutorialWith([
      'networkInterfaces:\n',
      'networkAcls:\n  - name: acl-public\n    subnets: [public-subnet-1a-Atsushi]\n    inbound:\n      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }\n    outbound:\n      - { rule: 100, action: allow, protocol: tcp, port: 1024-65535, destination: 0.0.0.0/0 }\nnetworkInterfaces:\n',
    ]);
    const { overlay } = overlayOf(text);
    assert.ok(overlay.reply.some((a) => a.from === 'acl-public' || a.to === 'acl-public'));
    assert.ok(overlay.notes!.some((n) => n.at === 'acl-public' && /stateless/.test(n.text)));
  });

  test('outbound: from the instance to the internet and the answer back', () => {
    const { overlay } = overlayOf(tutorialText, { direction: 'outbound' });
    assert.equal(overlay.inbound[0]!.from, 'ec2-wp-RHEL8');
    assert.equal(overlay.inbound.at(-1)!.to, INTERNET);
    assert.equal(overlay.reply[0]!.from, INTERNET);
    assert.equal(overlay.reply.at(-1)!.to, 'ec2-wp-RHEL8');
  });
});

describe('the private subnet on the diagram: SSH in two legs through the jump host, the way out through the NAT gateway', () => {
  test('both legs in order: your PC to the jump host, then the jump host to the private instance on its private address; the reply back over both', () => {
    const bp = validateBlueprint(privateText).blueprint!;
    const overlay = diagramOverlay(bp)!;
    assert.deepEqual(pairs(overlay.inbound), [
      [YOUR_PC, INTERNET, 1],
      [INTERNET, 'igw-private-Atsushi', 1],
      ['igw-private-Atsushi', 'rtb-public-Atsushi', 1],
      ['rtb-public-Atsushi', 'seg-bastion-Atsushi', 1],
      ['seg-bastion-Atsushi', bastion, 1],
      [bastion, 'seg-bastion-Atsushi', 2],
      ['seg-bastion-Atsushi', 'rtb-public-Atsushi', 2],
      ['rtb-public-Atsushi', 'seg-app-Atsushi', 2],
      ['seg-app-Atsushi', app, 2],
    ]);
    // Leg 2 starts at the jump host, toward the instance's private address; no arrow loops on a box.
    assert.equal(overlay.inbound[5]!.label, `opens TCP 22 (SSH) to ${app} at 10.0.2.11`);
    assert.match(overlay.inbound[8]!.label, /inbound rule tcp 22 from seg-bastion-Atsushi/);
    assert.ok([...overlay.inbound, ...overlay.reply, ...(overlay.outbound ?? [])].every((a) => a.from !== a.to));
    assert.deepEqual(pairs(overlay.reply), [
      [app, 'seg-app-Atsushi', 2],
      ['seg-app-Atsushi', 'seg-bastion-Atsushi', 2],
      ['seg-bastion-Atsushi', bastion, 2],
      [bastion, 'seg-bastion-Atsushi', 1],
      ['seg-bastion-Atsushi', 'rtb-public-Atsushi', 1],
      ['rtb-public-Atsushi', 'igw-private-Atsushi', 1],
      ['igw-private-Atsushi', INTERNET, 1],
      [INTERNET, YOUR_PC, 1],
    ]);
    assert.equal(overlay.blockedAt, undefined);
    assert.equal(new Set(overlay.notes!.map((n) => `${n.at}|${n.text}`)).size, overlay.notes!.length, 'no note twice');
  });

  test('the private instance goes out through the NAT gateway in the public subnet, and a note says it is a way out only', () => {
    const bp = validateBlueprint(privateText).blueprint!;
    const overlay = diagramOverlay(bp)!;
    assert.deepEqual(pairs(overlay.outbound), [
      [app, 'seg-app-Atsushi', undefined],
      ['seg-app-Atsushi', 'rtb-private-Atsushi', undefined],
      ['rtb-private-Atsushi', 'nat-1a-Atsushi', undefined],
      ['nat-1a-Atsushi', 'rtb-public-Atsushi', undefined],
      ['rtb-public-Atsushi', 'igw-private-Atsushi', undefined],
      ['igw-private-Atsushi', INTERNET, undefined],
    ]);
    assert.match(overlay.outbound![0]!.label, /^sends TCP 443 \(HTTPS\)/);
    assert.equal(overlay.outbound![2]!.label, 'route 0.0.0.0/0 → nat-1a-Atsushi');
    assert.match(overlay.outbound![3]!.label, /replaces the source 10\.0\.2\.11 with its own address/);
    assert.ok(overlay.notes!.some((n) => n.at === 'nat-1a-Atsushi' && /way out only/.test(n.text)));
    // The tutorial, without a NAT gateway, has no such path.
    assert.equal(diagramOverlay(validateBlueprint(tutorialText).blueprint!)!.outbound, undefined);
  });

  test('a client the jump host\'s group does not let in: leg 1 blocks at that group, and the reason names the leg', () => {
    const bp = validateBlueprint(privateWith('{ protocol: tcp, port: 22, source: 0.0.0.0/0, description: SSH }', '{ protocol: tcp, port: 22, source: 203.0.113.0/24, description: SSH }')).blueprint!;
    const overlay = reachOverlay(bp, analyzeReach(bp, { to: app, from: '198.51.100.7' }));
    assert.deepEqual(pairs(overlay.inbound), [
      [YOUR_PC, INTERNET, 1],
      [INTERNET, 'igw-private-Atsushi', 1],
      ['igw-private-Atsushi', 'rtb-public-Atsushi', 1],
      ['rtb-public-Atsushi', 'seg-bastion-Atsushi', 1],
    ]);
    assert.deepEqual(overlay.reply, []);
    assert.equal(overlay.blockedAt!.name, 'seg-bastion-Atsushi');
    assert.match(overlay.blockedAt!.reason, /^Leg 1 \(your PC → jump host "ec2-bastion-Atsushi"\) is blocked/);
    // From the allowed addresses, both legs pass.
    assert.equal(reachOverlay(bp, analyzeReach(bp, { to: app, from: '203.0.113.9' })).blockedAt, undefined);
  });

  test('a private instance whose group does not let the jump host in: leg 1 passes, leg 2 blocks at the instance\'s group', () => {
    const bp = validateBlueprint(privateWith('source: seg-bastion-Atsushi, description: SSH from the bastion', 'source: 10.0.9.0/24, description: SSH from elsewhere')).blueprint!;
    const overlay = diagramOverlay(bp)!;
    assert.deepEqual(overlay.inbound.map((a) => a.leg), [1, 1, 1, 1, 1, 2, 2, 2]);
    assert.equal(overlay.inbound.at(-1)!.to, 'seg-app-Atsushi');
    assert.equal(overlay.blockedAt!.name, 'seg-app-Atsushi');
    assert.match(overlay.blockedAt!.reason, /^Leg 2 \(jump host "ec2-bastion-Atsushi" → "ec2-app-Atsushi"\) is blocked/);
  });

  test('the mermaid text draws both legs in the inbound colour and the way out in its own', () => {
    const bp = validateBlueprint(privateText).blueprint!;
    const overlay = diagramOverlay(bp)!;
    const diagram = buildDiagram(bp, { overlay });
    assert.equal(diagram.edges.filter((e) => e.role === 'inbound').length, overlay.inbound.length);
    assert.equal(diagram.edges.filter((e) => e.role === 'reply').length, overlay.reply.length);
    const out = diagram.edges.filter((e) => e.role === 'outbound');
    assert.deepEqual(
      out.map((e) => [e.from, e.to]),
      [app, 'seg-app-Atsushi', 'rtb-private-Atsushi', 'nat-1a-Atsushi', 'rtb-public-Atsushi', 'igw-private-Atsushi'].map((n, i, all) => [nodeId(n), all[i + 1] ? nodeId(all[i + 1]!) : 'ext_internet']),
      'the way out passes the NAT gateway drawn in the public subnet',
    );
    assert.ok(diagram.edges.some((e) => e.role === 'inbound' && e.from === nodeId(bastion) && /opens TCP 22 \(SSH\) to ec2-app-Atsushi at 10\.0\.2\.11/.test(e.label ?? '')));
    assert.match(diagram.mermaid, /linkStyle [\d,]+ stroke:#0b7a75/);
    // Without the reply toggle the way out is not drawn either.
    assert.equal(buildDiagram(bp, { overlay, paths: { inbound: true, reply: false } }).edges.filter((e) => e.role === 'outbound').length, 0);
  });
});
