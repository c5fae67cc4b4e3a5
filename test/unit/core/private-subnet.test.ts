// The private-subnet chapter: a NAT gateway for the way out, a jump host for SSH. Validation (with
// positions), the automatic jump host, reach through the NAT and over both legs of SSH.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateBlueprint } from '../../../src/core/validate';
import { analyzeReach } from '../../../src/core/reach';
import { jumpHostOf } from '../../../src/core/reach-jump-host';
import { blueprintJsonSchema } from '../../../src/core/schema';
import { positionOf } from '../builders';
import { runCli } from '../run-cli';

const examplePath = join(__dirname, '..', '..', '..', 'examples', 'private-subnet.blueprint.yaml');
const example = readFileSync(examplePath, 'utf8');
const withText = (...pairs: [string, string][]) => pairs.reduce((text, [from, to]) => {
  assert.ok(text.includes(from), `the example has ${from}`);
  return text.replace(from, to);
}, example);

function fixture(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'private-subnet-'));
  const file = join(dir, 'private.blueprint.yaml');
  writeFileSync(file, text);
  return file;
}

function findingAt(text: string, code: string) {
  const found = validateBlueprint(text).diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `one ${code}: ${JSON.stringify(validateBlueprint(text).diagnostics)}`);
  return found[0]!;
}

describe('the private-subnet example', () => {
  test('validates, and no warning says the jump-hosted instance cannot be reached by SSH', () => {
    const result = validateBlueprint(example);
    assert.ok(result.blueprint, JSON.stringify(result.diagnostics));
    assert.deepEqual(result.diagnostics.map((d) => d.code), ['ssh-open-to-world']);
  });

  test('the JSON Schema knows natGateways and sshVia', () => {
    const schema = blueprintJsonSchema() as { properties: Record<string, { items?: { properties?: Record<string, unknown> } }> };
    assert.deepEqual(Object.keys(schema.properties.natGateways!.items!.properties!).sort(), ['elasticIp', 'name', 'subnet', 'tags']);
    assert.ok('sshVia' in schema.properties.instances!.items!.properties!);
  });

  test('without sshVia, the one instance with a public address that may reach it is the jump host, and it is said so', async () => {
    const text = withText(['    sshVia: ec2-bastion-Atsushi\n', '']);
    assert.deepEqual(validateBlueprint(text).diagnostics.map((d) => d.code), ['ssh-open-to-world']);
    assert.deepEqual(jumpHostOf(validateBlueprint(text).blueprint!, 'ec2-app-Atsushi'), { name: 'ec2-bastion-Atsushi', automatic: true });
    const r = await runCli(['reach', fixture(text), '--to', 'ec2-app-Atsushi']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Through the jump host ec2-bastion-Atsushi \(the one instance with a public address/);
  });

  test('a private instance that no public instance may reach keeps the SSH warning on its name', () => {
    const text = withText(['source: seg-bastion-Atsushi', 'source: 10.0.3.0/24'], ['    sshVia: ec2-bastion-Atsushi\n', '']);
    const d = findingAt(text, 'ssh-port-not-allowed');
    assert.deepEqual({ line: d.line, column: d.column }, positionOf(text, 'ec2-app-Atsushi', 1));
  });
});

describe('NAT gateway findings, with their place', () => {
  test('a NAT gateway in a subnet without a route to the internet gateway', () => {
    const text = withText(['    subnet: public-subnet-1a-Atsushi      # a NAT', '    subnet: private-subnet-1a-Atsushi      # a NAT']);
    const d = findingAt(text, 'nat-without-internet-route');
    assert.equal(d.severity, 'warning');
    assert.deepEqual({ line: d.line, column: d.column }, positionOf(text, 'private-subnet-1a-Atsushi      # a NAT'));
  });

  test('a private subnet routed to a NAT gateway in another zone is a note on the route', () => {
    const text = withText(['    cidr: 10.0.2.0/24\n    availabilityZone: ap-northeast-1a', '    cidr: 10.0.2.0/24\n    availabilityZone: ap-northeast-1c']);
    const d = findingAt(text, 'nat-other-zone');
    assert.deepEqual({ line: d.line, column: d.column }, positionOf(text, 'nat-1a-Atsushi }'));
    assert.match(d.message, /another availability zone \(ap-northeast-1a\)/);
  });

  test('a NAT gateway on an Elastic IP that an interface already uses, an unknown jump host, and a jump to itself are errors', () => {
    const eip = withText(
      ['natGateways:\n  - name: nat-1a-Atsushi\n', 'elasticIps:\n  - name: eip-taken\n    networkInterface: eni-x\nnetworkInterfaces:\n  - name: eni-x\n    subnet: public-subnet-1a-Atsushi\nnatGateways:\n  - name: nat-1a-Atsushi\n    elasticIp: eip-taken\n'],
    );
    const d = findingAt(eip, 'nat-elastic-ip-in-use');
    assert.deepEqual({ line: d.line, column: d.column }, positionOf(eip, 'eip-taken', 2));
    const unknown = withText(['sshVia: ec2-bastion-Atsushi', 'sshVia: ec2-bastoin-Atsushi']);
    assert.equal(findingAt(unknown, 'unknown-reference').suggestion, 'ec2-bastion-Atsushi');
    const self = withText(['sshVia: ec2-bastion-Atsushi', 'sshVia: ec2-app-Atsushi']);
    assert.deepEqual({ line: findingAt(self, 'ssh-via-self').line }, { line: positionOf(self, 'sshVia: ec2-app').line });
  });

  test('a route may name a NAT gateway, not another kind', () => {
    const text = withText(['target: nat-1a-Atsushi }', 'target: seg-app-Atsushi }']);
    assert.match(findingAt(text, 'route-target-not-gateway').message, /internet gateway or a NAT gateway/);
  });
});

describe('reach through the NAT gateway and the jump host', () => {
  const bp = validateBlueprint(example).blueprint!;

  test('outbound 443 from the private instance goes through the NAT gateway in the public subnet, and the answer comes back through it', () => {
    const v = analyzeReach(bp, { to: 'ec2-app-Atsushi', direction: 'outbound', port: 443 }, { publicAddresses: { 'nat-1a-Atsushi': '203.0.113.9' } });
    assert.equal(v.reachable, true, v.reason ?? '');
    assert.deepEqual(v.hops.map((h) => `${h.kind}:${h.name}`), [
      'instance:ec2-app-Atsushi',
      'networkInterface:ec2-app-Atsushi',
      'securityGroup:seg-app-Atsushi',
      'routeTable:rtb-private-Atsushi',
      'natGateway:nat-1a-Atsushi',
      'routeTable:rtb-public-Atsushi',
      'internetGateway:igw-private-Atsushi',
      'internet:internet',
    ]);
    assert.match(v.hops[4]!.detail, /public subnet public-subnet-1a-Atsushi replaces the source 10\.0\.2\.11 with its own address 203\.0\.113\.9/);
    assert.ok(v.returnHops.some((h) => h.kind === 'natGateway' && /back to 10\.0\.2\.11/.test(h.detail)));
  });

  test('a NAT gateway in a subnet without an internet route blocks the way out, and says why', () => {
    const text = withText(['    subnet: public-subnet-1a-Atsushi      # a NAT', '    subnet: private-subnet-1a-Atsushi      # a NAT']);
    const v = analyzeReach(validateBlueprint(text).blueprint!, { to: 'ec2-app-Atsushi', direction: 'outbound', port: 443 });
    assert.equal(v.reachable, false);
    assert.equal(v.code, 'NAT_WITHOUT_INTERNET_ROUTE');
    assert.match(v.reason!, /NAT gateway "nat-1a-Atsushi" is in subnet "private-subnet-1a-Atsushi".*no route 0\.0\.0\.0\/0/);
  });

  test('SSH walks both legs; the security group rule naming the jump host\'s group counts', () => {
    const v = analyzeReach(bp, { to: 'ec2-app-Atsushi' });
    assert.equal(v.reachable, true, v.reason ?? '');
    assert.deepEqual(v.via, { jumpHost: 'ec2-bastion-Atsushi', automatic: false, blockedLeg: null });
    const names = v.hops.map((h) => h.name);
    assert.ok(names.indexOf('ec2-bastion-Atsushi') < names.indexOf('seg-app-Atsushi'));
    assert.ok(v.hops.some((h) => h.kind === 'securityGroup' && h.name === 'seg-app-Atsushi' && h.detail.includes('from seg-bastion-Atsushi')));
  });

  test('reach --json gains "via"; from an address the jump host does not allow it exits 4 naming leg 1, with a blocked second leg naming leg 2', async () => {
    const allowedOnly = withText(['port: 22, source: 0.0.0.0/0, description: SSH }', 'port: 22, source: 198.51.100.7/32, description: SSH }']);
    const ok = await runCli(['reach', fixture(allowedOnly), '--to', 'ec2-app-Atsushi', '--from', '198.51.100.7', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout).via, { jumpHost: 'ec2-bastion-Atsushi', automatic: false, blockedLeg: null });

    const other = await runCli(['reach', fixture(allowedOnly), '--to', 'ec2-app-Atsushi', '--from', '203.0.113.50', '--json']);
    assert.equal(other.code, 4);
    const doc = JSON.parse(other.stdout);
    assert.equal(doc.via.blockedLeg, 1);
    assert.match(doc.reason, /^Leg 1 \(your PC → jump host "ec2-bastion-Atsushi"\) is blocked: Security group "seg-bastion-Atsushi"/);

    const second = await runCli(['reach', fixture(withText(['source: seg-bastion-Atsushi', 'source: 10.0.3.0/24'])), '--to', 'ec2-app-Atsushi']);
    assert.equal(second.code, 4);
    assert.match(second.stdout, /Leg 2 \(jump host "ec2-bastion-Atsushi" → "ec2-app-Atsushi"\) is blocked: Security group "seg-app-Atsushi" has no inbound rule/);
  });
});
