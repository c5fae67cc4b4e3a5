import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateBlueprint } from '../../src/core/validate';
import { analyzeReach, reachOverlay, type ReachQuery } from '../../src/core/reach';
import { buildDiagram, INTERNET, nodeId, YOUR_PC } from '../../src/core/diagram';
import { tutorialText, tutorialWith } from './builders';

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
