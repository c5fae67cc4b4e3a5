import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateBlueprint } from '../../../src/core/validate';
import { analyzeReach, type ReachQuery, type ReachVerdict } from '../../../src/core/reach';
import type { Blueprint } from '../../../src/core/schema';
import type { StateFile } from '../../../src/core/state';
import { tutorialText, tutorialWith } from '../builders';

function blueprintOf(text: string): Blueprint {
  const result = validateBlueprint(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], 'the fixture must be a valid blueprint');
  return result.blueprint!;
}

function reach(text: string, query: ReachQuery = {}): ReachVerdict {
  return analyzeReach(blueprintOf(text), query);
}

function blockedHop(v: ReachVerdict) {
  assert.ok(v.blockedAt, 'the verdict names a blocking hop');
  const list = v.blockedAt.leg === 'forward' ? v.hops : v.returnHops;
  return list[v.blockedAt.index]!;
}

const noGateway = tutorialWith(['internetGateway:\n  name: igw-Atsushi\n', ''], ['    routes:\n      - { destination: 0.0.0.0/0, target: igw-Atsushi }\n', '']);
const noDefaultRoute = tutorialWith(['    routes:\n      - { destination: 0.0.0.0/0, target: igw-Atsushi }\n', '']);
const notAssociated = tutorialWith(['    subnets: [public-subnet-1a-Atsushi]\n', '']);
const noElasticIp = tutorialWith(['elasticIps:\n  - name: eip-Atsushi\n    networkBorderGroup: ap-northeast-1\n    networkInterface: eni-wp-Atsushi\n', '']);
const sshOnlyFromOffice = tutorialWith(['port: 22,  source: 0.0.0.0/0', 'port: 22,  source: 203.0.113.0/24']);
const withAcl = (inbound: string, outbound: string) =>
  tutorialWith([
    'networkInterfaces:\n',
    `networkAcls:\n  - name: acl-public\n    subnets: [public-subnet-1a-Atsushi]\n    inbound:\n${inbound}    outbound:\n${outbound}networkInterfaces:\n`,
  ]);
const aclSshInOnly = withAcl('      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }\n', '      - { rule: 100, action: allow, protocol: tcp, port: 22, destination: 0.0.0.0/0 }\n');
const aclSshInEphemeralOut = withAcl('      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }\n', '      - { rule: 100, action: allow, protocol: tcp, port: 1024-65535, destination: 0.0.0.0/0 }\n');
const partRoute = (routes: string) => tutorialWith(['      - { destination: 0.0.0.0/0, target: igw-Atsushi }\n', routes]);

describe('the tutorial', () => {
  for (const port of [22, 80, 443]) {
    test(`is reachable from the internet on TCP ${port}`, () => {
      const v = reach(tutorialText, { port });
      assert.equal(v.reachable, true);
      assert.equal(v.code, null);
      assert.equal(v.awsCode, null);
      assert.equal(v.reason, null);
    });
  }

  test('SSH walks internet → gateway → Elastic IP → route table → security group → interface → instance', () => {
    const v = reach(tutorialText);
    assert.deepEqual(
      v.hops.map((h) => [h.kind, h.name]),
      [
        ['internet', 'internet'],
        ['internetGateway', 'igw-Atsushi'],
        ['elasticIp', 'eip-Atsushi'],
        ['routeTable', 'rtb-public-Atsushi'],
        ['securityGroup', 'seg-g_wp_Atsushi'],
        ['networkInterface', 'eni-wp-Atsushi'],
        ['instance', 'ec2-wp-RHEL8'],
      ],
    );
    assert.equal(v.hops[4]!.detail, 'inbound rule tcp 22 from 0.0.0.0/0 (SSH)');
    assert.match(v.hops[2]!.detail, /10\.0\.1\.11/);
    assert.match(v.hops[6]!.detail, /ec2-user/);
  });

  test('the reply leaves by the default route to the gateway, past the stateful security group', () => {
    const v = reach(tutorialText);
    assert.deepEqual(v.returnHops.map((h) => h.kind), ['instance', 'securityGroup', 'routeTable', 'internetGateway', 'internet']);
    assert.match(v.returnHops[1]!.detail, /stateful/);
    assert.match(v.returnHops[1]!.detail, /outbound rules are not consulted/);
    assert.match(v.returnHops[2]!.detail, /^route 0\.0\.0\.0\/0 → igw-Atsushi/);
    // No ACL is declared, so no ACL hop and no word about statelessness.
    assert.ok(!v.hops.concat(v.returnHops).some((h) => h.kind === 'networkAcl'));
  });

  test('is not reachable on TCP 3389: the security group has no rule for it', () => {
    const v = reach(tutorialText, { port: 3389 });
    assert.equal(v.reachable, false);
    assert.equal(v.code, 'SECURITY_GROUP_RULE_MISSING');
    assert.equal(v.awsCode, 'ENI_SG_RULES_MISMATCH');
    assert.equal(blockedHop(v).name, 'seg-g_wp_Atsushi');
    assert.equal(blockedHop(v).kind, 'securityGroup');
    assert.match(v.reason!, /seg-g_wp_Atsushi/);
    assert.match(v.reason!, /3389/);
    assert.deepEqual(v.returnHops, [], 'a request that never arrives has no reply');
    assert.deepEqual(v.fix, { kind: 'add-security-group-rule', securityGroup: 'seg-g_wp_Atsushi', direction: 'ingress', protocol: 'tcp', port: 3389, peer: '0.0.0.0/0' });
  });

  test('hops carry the AWS ids from the state file', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const res = (kind: StateFile['resources'][string]['kind'], id: string) => ({ kind, id, attributes: {}, createdAt: at, updatedAt: at });
    const state: StateFile = {
      version: 1,
      stack: 'wp-atsushi',
      region: 'ap-northeast-1',
      updatedAt: at,
      resources: {
        'igw-Atsushi': res('internetGateway', 'igw-0abc'),
        'seg-g_wp_Atsushi': res('securityGroup', 'sg-0def'),
        'eip-Atsushi': { ...res('elasticIp', 'eipalloc-0123'), attributes: { publicIp: '203.0.113.25' } },
      },
    };
    const v = analyzeReach(blueprintOf(tutorialText), {}, { state });
    assert.equal(v.hops.find((h) => h.kind === 'internetGateway')!.id, 'igw-0abc');
    assert.equal(v.hops.find((h) => h.kind === 'securityGroup')!.id, 'sg-0def');
    assert.equal(v.hops.find((h) => h.kind === 'internet')!.id, null);
    assert.match(v.hops.find((h) => h.kind === 'elasticIp')!.detail, /203\.0\.113\.25/);
  });
});

describe('what blocks SSH', () => {
  test('no internet gateway', () => {
    const v = reach(noGateway);
    assert.equal(v.code, 'NO_INTERNET_GATEWAY');
    assert.equal(blockedHop(v).name, 'vpc-Atsushi');
    assert.match(v.reason!, /no internet gateway/);
  });

  test('a gateway but no default route: the reply cannot get out', () => {
    const v = reach(noDefaultRoute);
    assert.equal(v.code, 'NO_ROUTE_TO_INTERNET_GATEWAY');
    assert.equal(v.awsCode, 'NO_ROUTE_TO_DESTINATION');
    assert.equal(v.blockedAt!.leg, 'return');
    assert.equal(blockedHop(v).name, 'rtb-public-Atsushi');
    assert.match(v.reason!, /0\.0\.0\.0\/0/);
    assert.deepEqual(v.fix, { kind: 'add-route', routeTable: 'rtb-public-Atsushi', destination: '0.0.0.0/0', target: 'igw-Atsushi' });
  });

  test('a route table not associated: the main table has only the local route', () => {
    const v = reach(notAssociated);
    assert.equal(v.code, 'NO_ROUTE_TO_INTERNET_GATEWAY');
    assert.equal(blockedHop(v).kind, 'routeTable');
    assert.equal(blockedHop(v).name, 'main route table');
    assert.match(v.reason!, /main route table/);
    assert.match(v.reason!, /only the local route/);
    assert.deepEqual(v.fix, { kind: 'associate-route-table', subnet: 'public-subnet-1a-Atsushi', routeTable: 'rtb-public-Atsushi', target: 'igw-Atsushi' });
  });

  test('no public address', () => {
    const v = reach(noElasticIp);
    assert.equal(v.code, 'NO_PUBLIC_ADDRESS');
    assert.equal(v.awsCode, 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS');
    assert.equal(blockedHop(v).name, 'eni-wp-Atsushi');
    assert.match(v.reason!, /Elastic IP/);
    assert.deepEqual(v.fix, { kind: 'add-elastic-ip', networkInterface: 'eni-wp-Atsushi' });
  });

  test('an automatically assigned public address is a way in too', () => {
    const text = noElasticIp
      .replace('    networkInterface: eni-wp-Atsushi\n    rootVolume', '    subnet: public-subnet-1a-Atsushi\n    securityGroups: [seg-g_wp_Atsushi]\n    publicIp: true\n    rootVolume')
      .replace(/networkInterfaces:\n(.*\n){4}/, '');
    const v = reach(text);
    assert.equal(v.reachable, true, v.reason ?? '');
    assert.ok(v.hops.some((h) => h.kind === 'publicIp' && h.name === 'ec2-wp-RHEL8'));
    const without = reach(text.replace('    publicIp: true\n', ''));
    assert.equal(without.code, 'NO_PUBLIC_ADDRESS');
    assert.deepEqual(without.fix, { kind: 'set-public-ip', instance: 'ec2-wp-RHEL8' });
  });

  test('a rule only from another CIDR: blocked for anyone, open from inside that CIDR', () => {
    const anyone = reach(sshOnlyFromOffice);
    assert.equal(anyone.code, 'SECURITY_GROUP_RULE_MISSING');
    assert.match(anyone.reason!, /only from 203\.0\.113\.0\/24/);
    const inside = reach(sshOnlyFromOffice, { from: '203.0.113.7' });
    assert.equal(inside.reachable, true);
    assert.equal(inside.hops[4]!.detail, 'inbound rule tcp 22 from 203.0.113.0/24 (SSH)');
    assert.equal(reach(sshOnlyFromOffice, { from: '203.0.113.0/25' }).reachable, true);
    assert.equal(reach(sshOnlyFromOffice, { from: '198.51.100.0/24' }).code, 'SECURITY_GROUP_RULE_MISSING');
    // A wider source than the rule: part of it is refused.
    const wider = reach(sshOnlyFromOffice, { from: '203.0.112.0/23' });
    assert.equal(wider.code, 'SECURITY_GROUP_RULE_MISSING');
    assert.match(blockedHop(wider).detail, /203\.0\.112\.0\/24/);
  });

  test('two rules that together cover the source let it in', () => {
    const text = tutorialWith(['port: 22,  source: 0.0.0.0/0, description: SSH }', 'port: 22,  source: 0.0.0.0/1, description: SSH low }\n      - { protocol: tcp, port: 22, source: 128.0.0.0/1, description: SSH high }']);
    const v = reach(text);
    assert.equal(v.reachable, true, v.reason ?? '');
    assert.match(v.hops[4]!.detail, /0\.0\.0\.0\/1.*128\.0\.0\.0\/1/);
  });
});

describe('network ACLs', () => {
  test('22 allowed in but not the ephemeral ports out: blocked on the reply', () => {
    const v = reach(aclSshInOnly);
    assert.equal(v.reachable, false);
    assert.equal(v.code, 'NETWORK_ACL_DENIES_OUTBOUND');
    assert.equal(v.awsCode, 'SUBNET_ACL_RESTRICTION');
    assert.equal(v.blockedAt!.leg, 'return');
    assert.equal(blockedHop(v).name, 'acl-public');
    assert.match(v.hops.find((h) => h.kind === 'networkAcl')!.detail, /rule 100 allows tcp 22 from 0\.0\.0\.0\/0/);
    assert.match(v.reason!, /stateless/);
    assert.match(v.reason!, /1024-65535/);
    assert.equal(v.fix?.kind, 'add-network-acl-rule');
  });

  test('with the ephemeral ports allowed out, the reply passes and the hop says why it was needed', () => {
    const v = reach(aclSshInEphemeralOut);
    assert.equal(v.reachable, true, v.reason ?? '');
    const aclReply = v.returnHops.find((h) => h.kind === 'networkAcl')!;
    assert.match(aclReply.detail, /stateless/);
    assert.match(aclReply.detail, /1024-65535/);
    assert.match(aclReply.detail, /rule 100 allows tcp 1024-65535 to 0\.0\.0\.0\/0/);
    // The security group still says it is stateful.
    assert.match(v.returnHops.find((h) => h.kind === 'securityGroup')!.detail, /stateful/);
  });

  test('rules are read lowest number first and the first match wins', () => {
    const denyFirst = withAcl(
      '      - { rule: 90, action: deny, protocol: tcp, port: 22, source: 0.0.0.0/0 }\n      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }\n',
      '      - { rule: 100, action: allow, protocol: tcp, port: 1024-65535, destination: 0.0.0.0/0 }\n',
    );
    const v = reach(denyFirst);
    assert.equal(v.code, 'NETWORK_ACL_DENIES_INBOUND');
    assert.equal(v.blockedAt!.leg, 'forward');
    assert.match(blockedHop(v).detail, /rule 90 denies/);
    const allowFirst = withAcl(
      '      - { rule: 200, action: deny, protocol: all, source: 0.0.0.0/0 }\n      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }\n',
      '      - { rule: 100, action: allow, protocol: tcp, port: 1024-65535, destination: 0.0.0.0/0 }\n',
    );
    assert.equal(reach(allowFirst).reachable, true);
  });

  test('no rule for the port: the final rule * denies it', () => {
    const v = reach(aclSshInEphemeralOut, { port: 80 });
    assert.equal(v.code, 'NETWORK_ACL_DENIES_INBOUND');
    assert.match(blockedHop(v).detail, /final rule \*/);
  });

  test('an ACL that allows only part of the ephemeral ports out blocks the rest', () => {
    const narrow = withAcl('      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }\n', '      - { rule: 100, action: allow, protocol: tcp, port: 32768-65535, destination: 0.0.0.0/0 }\n');
    const v = reach(narrow);
    assert.equal(v.code, 'NETWORK_ACL_DENIES_OUTBOUND');
    assert.match(blockedHop(v).detail, /1024-32767/);
  });

  test('a subnet without an ACL of its own has the default allow-all ACL', () => {
    const text = aclSshInOnly.replace('    subnets: [public-subnet-1a-Atsushi]\n    inbound:', '    inbound:');
    const v = reach(text);
    assert.equal(v.reachable, true, v.reason ?? '');
    assert.match(v.hops.find((h) => h.kind === 'networkAcl')!.detail, /default network ACL/);
  });
});

describe('routes', () => {
  test('a route to the gateway for only part of the internet', () => {
    const text = partRoute('      - { destination: 203.0.113.0/24, target: igw-Atsushi }\n');
    const anyone = reach(text);
    assert.equal(anyone.code, 'NO_ROUTE_TO_INTERNET_GATEWAY');
    assert.match(anyone.reason!, /only part of the internet/);
    assert.deepEqual(anyone.fix, { kind: 'add-route', routeTable: 'rtb-public-Atsushi', destination: '0.0.0.0/0', target: 'igw-Atsushi' });
    const inside = reach(text, { from: '203.0.113.9' });
    assert.equal(inside.reachable, true, inside.reason ?? '');
    assert.match(inside.returnHops.find((h) => h.kind === 'routeTable')!.detail, /^route 203\.0\.113\.0\/24 → igw-Atsushi/);
    assert.equal(reach(text, { from: '198.51.100.1' }).code, 'NO_ROUTE_TO_INTERNET_GATEWAY');
  });

  test('the most specific route wins', () => {
    const text = partRoute('      - { destination: 0.0.0.0/0, target: igw-Atsushi }\n      - { destination: 203.0.113.0/24, target: igw-Atsushi }\n');
    const inside = reach(text, { from: '203.0.113.9' });
    assert.match(inside.returnHops.find((h) => h.kind === 'routeTable')!.detail, /^route 203\.0\.113\.0\/24 → igw-Atsushi/);
    const outside = reach(text, { from: '198.51.100.1' });
    assert.match(outside.returnHops.find((h) => h.kind === 'routeTable')!.detail, /^route 0\.0\.0\.0\/0 → igw-Atsushi/);
  });

  test('two subnets, one public and one private', () => {
    const text = tutorialWith(
      ['subnets:\n', 'subnets:\n  - name: private-subnet-1a-Atsushi\n    cidr: 10.0.2.0/24\n    availabilityZone: ap-northeast-1a\n'],
      ['instances:\n', 'instances:\n  - name: db\n    image: rhel-8\n    instanceType: t3.micro\n    subnet: private-subnet-1a-Atsushi\n    securityGroups: [seg-g_wp_Atsushi]\n    privateIp: 10.0.2.20\n'],
    );
    const bp = blueprintOf(text);
    assert.equal(analyzeReach(bp, { to: 'ec2-wp-RHEL8' }).reachable, true);
    // SSH gets in through the one instance with a public address that may reach it (a jump host).
    const priv = analyzeReach(bp, { to: 'db' });
    assert.equal(priv.reachable, true, priv.reason ?? '');
    assert.deepEqual(priv.via, { jumpHost: 'ec2-wp-RHEL8', automatic: true, blockedLeg: null });
    // Anything else from the internet has no address to go to.
    assert.equal(analyzeReach(bp, { to: 'db', port: 80 }).code, 'NO_PUBLIC_ADDRESS');
    // Even with a public address, the private subnet has no way back to the internet.
    const withPublic = analyzeReach(blueprintOf(text.replace('    privateIp: 10.0.2.20\n', '    privateIp: 10.0.2.20\n    publicIp: true\n')), { to: 'db' });
    assert.equal(withPublic.code, 'NO_ROUTE_TO_INTERNET_GATEWAY');
    assert.equal(blockedHop(withPublic).name, 'main route table');
    assert.match(withPublic.reason!, /private-subnet-1a-Atsushi/);
  });
});

describe('outbound: can the instance reach the internet', () => {
  test('the tutorial reaches the internet on 443 through the default egress rule', () => {
    const v = reach(tutorialText, { direction: 'outbound' });
    assert.equal(v.reachable, true, v.reason ?? '');
    assert.equal(v.query.port, 443);
    assert.deepEqual(v.hops.map((h) => h.kind), ['instance', 'networkInterface', 'securityGroup', 'routeTable', 'elasticIp', 'internetGateway', 'internet']);
    assert.match(v.hops[2]!.detail, /default outbound rule/);
    assert.match(v.returnHops.find((h) => h.kind === 'securityGroup')!.detail, /stateful/);
  });

  test('declared egress without 443 blocks it', () => {
    const text = tutorialWith(['description: HTTPS }\n', 'description: HTTPS }\n    egress:\n      - { protocol: tcp, port: 80, destination: 0.0.0.0/0 }\n']);
    const v = reach(text, { direction: 'outbound' });
    assert.equal(v.code, 'SECURITY_GROUP_RULE_MISSING');
    assert.equal(v.blockedAt!.leg, 'forward');
    assert.match(v.reason!, /default rule/);
    assert.equal(reach(text, { direction: 'outbound', port: 80 }).reachable, true);
  });

  test('ACL outbound must allow 443 and ACL inbound the ephemeral ports of the answer', () => {
    const noOut = withAcl('      - { rule: 100, action: allow, protocol: tcp, port: 1024-65535, source: 0.0.0.0/0 }\n', '      - { rule: 100, action: allow, protocol: tcp, port: 80, destination: 0.0.0.0/0 }\n');
    assert.equal(reach(noOut, { direction: 'outbound' }).code, 'NETWORK_ACL_DENIES_OUTBOUND');
    const noIn = withAcl('      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }\n', '      - { rule: 100, action: allow, protocol: tcp, port: 443, destination: 0.0.0.0/0 }\n');
    const v = reach(noIn, { direction: 'outbound' });
    assert.equal(v.code, 'NETWORK_ACL_DENIES_INBOUND');
    assert.equal(v.blockedAt!.leg, 'return');
    assert.match(v.reason!, /stateless/);
    const open = withAcl('      - { rule: 100, action: allow, protocol: tcp, port: 1024-65535, source: 0.0.0.0/0 }\n', '      - { rule: 100, action: allow, protocol: tcp, port: 443, destination: 0.0.0.0/0 }\n');
    const ok = reach(open, { direction: 'outbound' });
    assert.equal(ok.reachable, true, ok.reason ?? '');
    assert.match(ok.returnHops.find((h) => h.kind === 'networkAcl')!.detail, /1024-65535/);
  });

  test('no route and no public address block the way out', () => {
    const noRoute = reach(noDefaultRoute, { direction: 'outbound' });
    assert.equal(noRoute.code, 'NO_ROUTE_TO_INTERNET_GATEWAY');
    assert.equal(noRoute.blockedAt!.leg, 'forward');
    assert.equal(reach(noElasticIp, { direction: 'outbound' }).code, 'NO_PUBLIC_ADDRESS');
    assert.equal(reach(noGateway, { direction: 'outbound' }).code, 'NO_INTERNET_GATEWAY');
  });
});

describe('queries and live facts', () => {
  test('a stopped instance does not answer (live mode)', () => {
    const v = analyzeReach(blueprintOf(tutorialText), {}, { instanceStates: { 'ec2-wp-RHEL8': 'stopped' } });
    assert.equal(v.code, 'INSTANCE_NOT_RUNNING');
    assert.match(v.reason!, /stopped/);
  });

  test('the port defaults to the instance\'s sshPort', () => {
    const text = tutorialWith(['    sshUser: ec2-user\n', '    sshUser: ec2-user\n    sshPort: 2222\n']);
    const v = reach(text);
    assert.equal(v.query.port, 2222);
    assert.equal(v.code, 'SECURITY_GROUP_RULE_MISSING');
  });

  test('ICMP and UDP are checked against rules of that protocol', () => {
    assert.equal(reach(tutorialText, { protocol: 'icmp' }).code, 'SECURITY_GROUP_RULE_MISSING');
    const icmp = tutorialWith(['description: HTTPS }\n', 'description: HTTPS }\n      - { protocol: icmp, source: 0.0.0.0/0, description: ping }\n']);
    assert.equal(reach(icmp, { protocol: 'icmp' }).reachable, true);
    assert.equal(reach(tutorialText, { protocol: 'udp', port: 22 }).code, 'SECURITY_GROUP_RULE_MISSING');
    assert.throws(() => reach(tutorialText, { protocol: 'udp' }), /--port/);
  });

  test('bad queries are usage errors that say what to do', () => {
    assert.throws(() => reach(tutorialText, { to: 'nope' }), (e: Error & { code?: string }) => e.code === 'usage' && /ec2-wp-RHEL8/.test(e.message));
    assert.throws(() => reach(tutorialText, { from: '10.0.1.0/24' }), /inside the VPC/);
    assert.throws(() => reach(tutorialText, { from: 'my-pc' }), /not an IPv4 address/);
  });
});
