import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateBlueprint } from '../../../src/core/validate';
import { positionOf, tutorialText, tutorialWith } from '../builders';

type Case = {
  /** What the user did wrong. */
  name: string;
  text: string;
  code: string;
  /** The text the finding must start at (first occurrence unless `occurrence`). */
  at: string;
  occurrence?: number;
  severity?: 'error' | 'warning';
  suggestion?: string;
  /** Words the message must contain. */
  says?: RegExp;
};

const secondSubnet = (cidr: string, name = 'private-subnet-1a') =>
  tutorialWith(['subnets:\n', `subnets:\n  - name: ${name}\n    cidr: ${cidr}\n    availabilityZone: ap-northeast-1a\n`]);
const secondInstance = (extra: string) => tutorialWith(['instances:\n', `instances:\n  - name: second\n    image: rhel-8\n    instanceType: t2.micro\n${extra}`]);

const failing: Case[] = [
  { name: 'YAML syntax error', text: tutorialWith(['  cidr: 10.0.0.0/16', '  cidr: [10.0.0.0/16']), code: 'yaml-syntax', at: 'internetGateway:' },
  { name: 'misspelt key', text: tutorialWith(['    availabilityZone: ap', '    availabilityZon: ap']), code: 'unknown-key', at: 'availabilityZon:', suggestion: 'availabilityZone', says: /availabilityZone/ },
  { name: 'key of another format', text: tutorialWith(['  cidr: 10.0.0.0/16', '  cidr: 10.0.0.0/16\n  enableDnsHostnames: true']), code: 'unknown-key', at: 'enableDnsHostnames' },
  { name: 'missing required key', text: tutorialWith(['    instanceType: t2.large\n', '']), code: 'missing-key', at: 'name: ec2-wp-RHEL8', says: /instanceType/ },
  { name: 'missing top-level key', text: tutorialWith(['region: ap-northeast-1\n', '']), code: 'missing-key', at: 'version', says: /region/ },
  { name: 'wrong type', text: tutorialWith(['sizeGiB: 30', 'sizeGiB: thirty']), code: 'wrong-type', at: 'thirty', says: /number/ },
  { name: 'a list where a mapping belongs', text: tutorialWith(['vpc:\n  name: vpc-Atsushi\n  cidr: 10.0.0.0/16', 'vpc:\n  - vpc-Atsushi']), code: 'wrong-type', at: '- vpc-Atsushi' },
  { name: 'unsupported version', text: tutorialWith(['version: 1', 'version: 2']), code: 'unsupported-version', at: '2\n' },
  { name: 'unknown protocol', text: tutorialWith(['protocol: tcp, port: 80', 'protocol: tcpp, port: 80']), code: 'invalid-value', at: 'tcpp' },
  { name: 'duplicate key', text: tutorialWith(['  cidr: 10.0.0.0/16', '  cidr: 10.0.0.0/16\n  cidr: 10.1.0.0/16']), code: 'duplicate-key', at: 'cidr: 10.1' },
  { name: 'duplicate name (the later one is flagged)', text: tutorialWith(['  - name: key-wp-RHEL', '  - name: eni-wp-Atsushi']), code: 'duplicate-name', at: 'eni-wp-Atsushi', occurrence: 3 },
  { name: 'dangling reference', text: tutorialWith(['    subnet: public-subnet-1a-Atsushi', '    subnet: public-subnet-1a-Atsush']), code: 'unknown-reference', at: 'public-subnet-1a-Atsush\n', suggestion: 'public-subnet-1a-Atsushi', says: /Declared: public-subnet-1a-Atsushi/ },
  { name: 'reference to the wrong kind', text: tutorialWith(['    securityGroups: [seg-g_wp_Atsushi]', '    securityGroups: [vpc-Atsushi]']), code: 'wrong-kind-reference', at: 'vpc-Atsushi]' },
  { name: 'malformed CIDR', text: tutorialWith(['  cidr: 10.0.0.0/16', '  cidr: 10.0.0/16']), code: 'invalid-cidr', at: '10.0.0/16' },
  { name: 'CIDR with host bits', text: tutorialWith(['  cidr: 10.0.0.0/16', '  cidr: 10.0.0.5/16']), code: 'invalid-cidr', at: '10.0.0.5/16', suggestion: '10.0.0.0/16' },
  { name: 'VPC too large for AWS', text: tutorialWith(['  cidr: 10.0.0.0/16', '  cidr: 10.0.0.0/8']), code: 'cidr-size', at: '10.0.0.0/8' },
  { name: 'malformed IP', text: tutorialWith(['privateIp: 10.0.1.11', 'privateIp: 10.0.1.300']), code: 'invalid-ip', at: '10.0.1.300' },
  { name: 'subnet outside the VPC', text: tutorialWith(['    cidr: 10.0.1.0/24', '    cidr: 10.1.1.0/24']), code: 'subnet-outside-vpc', at: '10.1.1.0/24' },
  { name: 'overlapping subnets (the later one is flagged)', text: secondSubnet('10.0.1.128/25'), code: 'subnets-overlap', at: '10.0.1.0/24', says: /private-subnet-1a/ },
  { name: 'fixed IP outside its subnet', text: tutorialWith(['privateIp: 10.0.1.11', 'privateIp: 10.0.2.11']), code: 'ip-outside-subnet', at: '10.0.2.11' },
  { name: 'fixed IP on the network address', text: tutorialWith(['privateIp: 10.0.1.11', 'privateIp: 10.0.1.0']), code: 'ip-reserved', at: '10.0.1.0\n', says: /network address/, suggestion: '10.0.1.4' },
  { name: 'fixed IP on the VPC router', text: tutorialWith(['privateIp: 10.0.1.11', 'privateIp: 10.0.1.1']), code: 'ip-reserved', at: '10.0.1.1\n', says: /router/ },
  { name: 'fixed IP on the DNS server', text: tutorialWith(['privateIp: 10.0.1.11', 'privateIp: 10.0.1.2']), code: 'ip-reserved', at: '10.0.1.2\n', says: /DNS/ },
  { name: 'fixed IP on the address kept for future use', text: tutorialWith(['privateIp: 10.0.1.11', 'privateIp: 10.0.1.3']), code: 'ip-reserved', at: '10.0.1.3\n', says: /future/ },
  { name: 'fixed IP on the broadcast address', text: tutorialWith(['privateIp: 10.0.1.11', 'privateIp: 10.0.1.255']), code: 'ip-reserved', at: '10.0.1.255', says: /broadcast/ },
  { name: 'two interfaces on one address', text: tutorialWith(['networkInterfaces:\n', 'networkInterfaces:\n  - name: eni-first\n    subnet: public-subnet-1a-Atsushi\n    privateIp: 10.0.1.11\n']), code: 'ip-in-use', at: '10.0.1.11', occurrence: 2 },
  { name: 'availability zone of another region', text: tutorialWith(['availabilityZone: ap-northeast-1a', 'availabilityZone: us-east-1a']), code: 'az-not-in-region', at: 'us-east-1a' },
  { name: "Elastic IP border group written as the tutorial's AZ", text: tutorialWith(['networkBorderGroup: ap-northeast-1', 'networkBorderGroup: ap-northeast-1a']), code: 'border-group-not-region', at: 'ap-northeast-1a\n    networkInterface', suggestion: 'ap-northeast-1', says: /availability zone/ },
  { name: 'Elastic IP border group of another region', text: tutorialWith(['networkBorderGroup: ap-northeast-1', 'networkBorderGroup: us-west-2']), code: 'border-group-not-region', at: 'us-west-2' },
  { name: 'route to something that is not the gateway', text: tutorialWith(['target: igw-Atsushi', 'target: public-subnet-1a-Atsushi']), code: 'route-target-not-gateway', at: 'public-subnet-1a-Atsushi }' },
  { name: 'route to a gateway that does not exist', text: tutorialWith(['target: igw-Atsushi', 'target: igw-Atsush']), code: 'unknown-reference', at: 'igw-Atsush }', suggestion: 'igw-Atsushi' },
  { name: 'two routes for one destination', text: tutorialWith(['      - { destination: 0.0.0.0/0, target: igw-Atsushi }', '      - { destination: 0.0.0.0/0, target: igw-Atsushi }\n      - { destination: 0.0.0.0/0, target: igw-Atsushi }']), code: 'route-duplicate', at: '0.0.0.0/0', occurrence: 2 },
  { name: 'route for an address inside the VPC', text: tutorialWith(['destination: 0.0.0.0/0', 'destination: 10.0.5.0/24']), code: 'route-inside-vpc', at: '10.0.5.0/24' },
  { name: 'subnet in two route tables', text: tutorialWith(['securityGroups:\n', 'securityGroups:\n'], ['routeTables:\n', 'routeTables:\n  - name: rtb-other\n    subnets: [public-subnet-1a-Atsushi]\n']), code: 'subnet-in-two-route-tables', at: 'public-subnet-1a-Atsushi]', occurrence: 2 },
  { name: 'port above 65535', text: tutorialWith(['port: 443,', 'port: 70000,']), code: 'port-out-of-range', at: '70000' },
  { name: 'port range written backwards', text: tutorialWith(['port: 443,', 'port: "443-80",']), code: 'port-range-reversed', at: '"443-80"' },
  { name: 'tcp rule without a port', text: tutorialWith(['{ protocol: tcp, port: 80,  source', '{ protocol: tcp, source']), code: 'port-required', at: '{ protocol: tcp, source' },
  { name: 'key pair referenced but not declared', text: tutorialWith(['keyPairs:\n  - name: key-wp-RHEL\n', ''], ['    keyPair: key-wp-RHEL', '    keyPair: key-wp-RHEL']), code: 'key-pair-not-declared', at: 'key-wp-RHEL', says: /keyPairs/ },
  { name: 'network interface used by two instances', text: tutorialWith(['    sshUser: ec2-user\n', '    sshUser: ec2-user\n  - name: second\n    image: rhel-8\n    instanceType: t2.micro\n    networkInterface: eni-wp-Atsushi\n']), code: 'eni-used-twice', at: 'eni-wp-Atsushi', occurrence: 4 },
  { name: 'two Elastic IPs on one interface', text: tutorialWith(['keyPairs:\n', '  - name: eip-second\n    networkInterface: eni-wp-Atsushi\nkeyPairs:\n']), code: 'eni-has-elastic-ip', at: 'eni-wp-Atsushi\nkeyPairs' },
  { name: 'instance with no place in the network', text: secondInstance(''), code: 'instance-network-missing', at: 'second' },
  { name: 'instance with an interface and a subnet', text: tutorialWith(['    rootVolume:', '    subnet: public-subnet-1a-Atsushi\n    rootVolume:']), code: 'instance-network-conflict', at: 'subnet: public-subnet-1a-Atsushi\n    rootVolume' },
  { name: 'unknown image alias', text: tutorialWith(['image: rhel-8', 'image: centos-7']), code: 'unknown-image', at: 'centos-7' },
  { name: 'not a region', text: tutorialWith(['region: ap-northeast-1', 'region: tokyo']), code: 'invalid-region', at: 'tokyo' },
  { name: 'security groups naming each other in a circle', text: tutorialWith(['securityGroups:\n', 'securityGroups:\n  - name: sg-a\n    description: a\n    ingress: [{ protocol: tcp, port: 1, source: sg-b, description: x }]\n  - name: sg-b\n    description: b\n    ingress: [{ protocol: tcp, port: 1, source: sg-a, description: x }]\n']), code: 'security-group-cycle', at: 'sg-a\n' },
  { name: 'a security group name AWS refuses', text: tutorialWith(['  - name: seg-g_wp_Atsushi', '  - name: sg-wp'], ['[seg-g_wp_Atsushi]', '[sg-wp]']), code: 'invalid-format', at: 'sg-wp\n' },
  { name: 'ACL rule number used twice', text: tutorialWith(['keyPairs:\n', 'networkAcls:\n  - name: acl-public\n    subnets: [public-subnet-1a-Atsushi]\n    inbound:\n      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }\n      - { rule: 100, action: allow, protocol: tcp, port: 80, source: 0.0.0.0/0 }\nkeyPairs:\n']), code: 'acl-rule-duplicate', at: '100', occurrence: 2 },
  { name: 'subnet in two ACLs', text: tutorialWith(['keyPairs:\n', 'networkAcls:\n  - name: acl-a\n    subnets: [public-subnet-1a-Atsushi]\n  - name: acl-b\n    subnets: [public-subnet-1a-Atsushi]\nkeyPairs:\n']), code: 'subnet-in-two-acls', at: 'public-subnet-1a-Atsushi]\nkeyPairs' },
  // Warnings, phrased as teaching notes.
  { name: 'SSH open to the world', text: tutorialText, code: 'ssh-open-to-world', at: '0.0.0.0/0, description: SSH', severity: 'warning' },
  { name: "SSH on the instance's own port open to the world", text: tutorialWith(['    sshUser: ec2-user', '    sshUser: ec2-user\n    sshPort: 2222'], ['port: 443, source: 0.0.0.0/0', 'port: "2000-3000",  source: ::/0']), code: 'ssh-open-to-world', at: '::/0', severity: 'warning', says: /2222/ },
  { name: 'RDP open to the world', text: tutorialWith(['port: 443,', 'port: 3389,']), code: 'rdp-open-to-world', at: '0.0.0.0/0, description: HTTPS', severity: 'warning' },
  { name: 'database open to the world', text: tutorialWith(['port: 443,', 'port: 5432,']), code: 'database-open-to-world', at: '0.0.0.0/0, description: HTTPS', severity: 'warning', says: /PostgreSQL/ },
  { name: 'every port open to the world', text: tutorialWith(['protocol: tcp, port: 443,', 'protocol: all,']), code: 'all-ports-open-to-world', at: '0.0.0.0/0, description: HTTPS', severity: 'warning' },
  { name: 'IMDSv1 allowed', text: tutorialWith(['    sshUser: ec2-user', '    sshUser: ec2-user\n    metadataTokens: optional']), code: 'imdsv1-allowed', at: 'optional', severity: 'warning' },
  { name: 'unencrypted root volume', text: tutorialWith(['{ sizeGiB: 30 }', '{ sizeGiB: 30, encrypted: false }']), code: 'root-volume-unencrypted', at: 'false', severity: 'warning' },
  { name: 'security group without a description', text: tutorialWith(['    description: SSH, HTTP and HTTPS from anywhere\n', '']), code: 'missing-description', at: 'seg-g_wp_Atsushi', severity: 'warning' },
  { name: 'rule without a description', text: tutorialWith([', description: HTTP }', ' }']), code: 'missing-description', at: '{ protocol: tcp, port: 80', severity: 'warning' },
  { name: "the instance's SSH port not allowed by its security group", text: tutorialWith(['    sshUser: ec2-user', '    sshUser: ec2-user\n    sshPort: 2222']), code: 'ssh-port-not-allowed', at: '2222', severity: 'warning', says: /2222/ },
  { name: 'SSH cannot reach the instance', text: tutorialWith(['    sshUser: ec2-user', '    sshUser: ec2-user\n    sshPort: 2222']), code: 'ssh-blocked', at: 'ec2-wp-RHEL8', severity: 'warning', says: /seg-g_wp_Atsushi/ },
  { name: 'public address in a subnet with no route to the gateway', text: tutorialWith(['    subnets: [public-subnet-1a-Atsushi]\n', '']), code: 'public-address-without-route', at: 'ec2-wp-RHEL8', severity: 'warning' },
];

describe('every validation rule points at the offending node', () => {
  for (const c of failing) {
    test(c.name, () => {
      const { diagnostics, blueprint } = validateBlueprint(c.text);
      const at = positionOf(c.text, c.at, c.occurrence);
      const found = diagnostics.find((d) => d.code === c.code && d.line === at.line && d.column === at.column) ?? diagnostics.find((d) => d.code === c.code);
      assert.ok(found, `expected ${c.code}, got ${JSON.stringify(diagnostics, null, 1)}`);
      assert.equal(found.severity, c.severity ?? 'error');
      assert.deepEqual({ line: found.line, column: found.column }, at, `${c.code}: ${found.message}`);
      assert.ok(found.endLine > found.line || found.endColumn > found.column, 'the range is not empty');
      if (c.suggestion) assert.equal(found.suggestion, c.suggestion);
      if (c.says) assert.match(found.message, c.says);
      if ((c.severity ?? 'error') === 'error') assert.equal(blueprint, undefined, 'an invalid blueprint is not handed on');
    });
  }
});

describe('valid variants raise no finding of that kind', () => {
  const passing: { name: string; text: string; absent: string[] }[] = [
    { name: 'the tutorial', text: tutorialText, absent: failing.map((c) => c.code).filter((c) => c !== 'ssh-open-to-world') },
    { name: 'the first usable address of the subnet', text: tutorialWith(['privateIp: 10.0.1.11', 'privateIp: 10.0.1.4']), absent: ['ip-reserved', 'ip-outside-subnet'] },
    { name: 'the last usable address of the subnet', text: tutorialWith(['privateIp: 10.0.1.11', 'privateIp: 10.0.1.254']), absent: ['ip-reserved', 'ip-outside-subnet'] },
    { name: 'two subnets side by side', text: secondSubnet('10.0.2.0/24'), absent: ['subnets-overlap', 'subnet-outside-vpc'] },
    { name: 'a port range', text: tutorialWith(['port: 443,', 'port: "8000-8080",']), absent: ['port-out-of-range', 'port-range-reversed', 'wrong-type'] },
    { name: 'SSH only from one address', text: tutorialWith(['port: 22,  source: 0.0.0.0/0', 'port: 22,  source: 203.0.113.5/32']), absent: ['ssh-open-to-world'] },
    { name: 'IMDSv2 required', text: tutorialWith(['    sshUser: ec2-user', '    sshUser: ec2-user\n    metadataTokens: required']), absent: ['imdsv1-allowed'] },
    { name: 'an encrypted gp3 root', text: tutorialWith(['{ sizeGiB: 30 }', '{ sizeGiB: 30, type: gp3, encrypted: true }']), absent: ['root-volume-unencrypted'] },
    { name: 'no border group (the region is used)', text: tutorialWith(['    networkBorderGroup: ap-northeast-1\n', '']), absent: ['border-group-not-region'] },
    { name: 'an instance without its own interface', text: secondInstance('    subnet: public-subnet-1a-Atsushi\n    securityGroups: [seg-g_wp_Atsushi]\n    privateIp: 10.0.1.20\n    publicIp: true\n    keyPair: key-wp-RHEL\n'), absent: ['instance-network-missing', 'instance-network-conflict', 'ip-in-use'] },
    { name: 'a security group as a rule source', text: tutorialWith(['port: 443, source: 0.0.0.0/0', 'port: 443, source: seg-g_wp_Atsushi']), absent: ['unknown-reference', 'invalid-cidr', 'security-group-cycle'] },
    { name: 'an AMI id instead of an alias', text: tutorialWith(['image: rhel-8', 'image: ami-0123456789abcdef0']), absent: ['unknown-image'] },
    { name: 'a network ACL as in DESIGN.md', text: tutorialWith(['keyPairs:\n', 'networkAcls:\n  - name: acl-public\n    subnets: [public-subnet-1a-Atsushi]\n    inbound:\n      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }\n    outbound:\n      - { rule: 100, action: allow, protocol: tcp, port: 1024-65535, destination: 0.0.0.0/0 }\nkeyPairs:\n']), absent: ['acl-rule-duplicate', 'subnet-in-two-acls', 'unknown-key', 'wrong-type'] },
  ];
  for (const p of passing) {
    test(p.name, () => {
      const { diagnostics, blueprint } = validateBlueprint(p.text);
      const unexpected = diagnostics.filter((d) => p.absent.includes(d.code) || d.severity === 'error');
      assert.deepEqual(unexpected, []);
      assert.ok(blueprint);
    });
  }
});

test('the tutorial validates with exactly the world-open SSH warning', () => {
  const { diagnostics, blueprint } = validateBlueprint(tutorialText);
  assert.deepEqual(diagnostics.map((d) => d.code), ['ssh-open-to-world']);
  assert.equal(blueprint?.instances?.[0]?.networkInterface, 'eni-wp-Atsushi');
});

test('columns count UTF-16 code units, as VS Code does', () => {
  const text = tutorialWith(['  name: vpc-Atsushi', '  name: vpc-あつし🙂'], ['    cidr: 10.0.1.0/24', '    cidr: 10.1.1.0/24 # 公開🙂']);
  const found = validateBlueprint(text).diagnostics.find((d) => d.code === 'subnet-outside-vpc');
  assert.ok(found);
  assert.deepEqual({ line: found.line, column: found.column, endColumn: found.endColumn }, { ...positionOf(text, '10.1.1.0/24'), endColumn: positionOf(text, '10.1.1.0/24').column + '10.1.1.0/24'.length });
  const dup = validateBlueprint(tutorialWith(['  name: igw-Atsushi', '  name: vpc-🙂'], ['  name: vpc-Atsushi', '  name: vpc-🙂'], ['target: igw-Atsushi', 'target: vpc-🙂'])).diagnostics.find((d) => d.code === 'duplicate-name');
  assert.ok(dup);
  assert.equal(dup.endColumn - dup.column, 'vpc-🙂'.length, 'the emoji counts as two columns');
});

test('deep flow nesting is refused before parsing, at the bracket that goes too deep, and brackets in text do not count', () => {
  const deep = 'version: 1\nvpc: ' + '['.repeat(65) + ']'.repeat(65) + '\n';
  const found = validateBlueprint(deep).diagnostics;
  assert.deepEqual(found.map((d) => [d.code, d.line, d.column]), [['too-deep', 2, 6 + 64]]);
  const text = tutorialWith(['    description: SSH, HTTP and HTTPS from anywhere', `    description: "${'['.repeat(80)}" # ${'{'.repeat(80)}`]);
  assert.deepEqual(validateBlueprint(text).diagnostics.map((d) => d.code), ['ssh-open-to-world']);
});
