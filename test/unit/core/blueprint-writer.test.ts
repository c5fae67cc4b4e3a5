// The blueprint writer behind `import`: what it writes reads like the tutorial, and reads back as
// the same blueprint with no error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateBlueprint } from '../../../src/core/validate';
import type { Blueprint } from '../../../src/core/schema';
import { blueprintToYaml } from '../../../src/core/blueprint-writer';
import { tutorialText } from '../builders';

function valid(text: string): Blueprint {
  const result = validateBlueprint(text);
  assert.deepEqual(
    result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`),
    [],
    `written text must validate:\n${text}`,
  );
  return result.blueprint!;
}

test('the tutorial is written the way the tutorial file is laid out', () => {
  const text = blueprintToYaml(valid(tutorialText));
  assert.equal(
    text,
    [
      'version: 1',
      'stack: wp-atsushi',
      'region: ap-northeast-1',
      'vpc:',
      '  name: vpc-Atsushi',
      '  cidr: 10.0.0.0/16',
      'internetGateway:',
      '  name: igw-Atsushi',
      'subnets:',
      '  - name: public-subnet-1a-Atsushi',
      '    cidr: 10.0.1.0/24',
      '    availabilityZone: ap-northeast-1a',
      'routeTables:',
      '  - name: rtb-public-Atsushi',
      '    routes:',
      '      - { destination: 0.0.0.0/0, target: igw-Atsushi }',
      '    subnets: [public-subnet-1a-Atsushi]',
      'securityGroups:',
      '  - name: seg-g_wp_Atsushi',
      '    description: SSH, HTTP and HTTPS from anywhere',
      '    ingress:',
      '      - { protocol: tcp, port: 22, source: 0.0.0.0/0, description: SSH }',
      '      - { protocol: tcp, port: 80, source: 0.0.0.0/0, description: HTTP }',
      '      - { protocol: tcp, port: 443, source: 0.0.0.0/0, description: HTTPS }',
      'networkInterfaces:',
      '  - name: eni-wp-Atsushi',
      '    subnet: public-subnet-1a-Atsushi',
      '    privateIp: 10.0.1.11',
      '    securityGroups: [seg-g_wp_Atsushi]',
      'elasticIps:',
      '  - name: eip-Atsushi',
      '    networkBorderGroup: ap-northeast-1',
      '    networkInterface: eni-wp-Atsushi',
      'keyPairs:',
      '  - name: key-wp-RHEL',
      'instances:',
      '  - name: ec2-wp-RHEL8',
      '    image: rhel-8',
      '    instanceType: t2.large',
      '    networkInterface: eni-wp-Atsushi',
      '    rootVolume: { sizeGiB: 30 }',
      '    keyPair: key-wp-RHEL',
      '    sshUser: ec2-user',
      '',
    ].join('\n'),
  );
  assert.deepEqual(valid(text), valid(tutorialText));
});

test('keys come out in the format order, name first, whatever order they were given in', () => {
  const scrambled = {
    instances: [{ keyPair: 'k', rootVolume: { encrypted: true, sizeGiB: 20, type: 'gp3' }, instanceType: 't3.micro', image: 'ami-0123456789abcdef0', name: 'web', networkInterface: 'eni' }],
    keyPairs: [{ name: 'k' }],
    networkInterfaces: [{ securityGroups: ['sg'], subnet: 's', name: 'eni' }],
    securityGroups: [{ ingress: [{ description: 'ssh', source: '10.0.0.0/8', port: 22, protocol: 'tcp' }], name: 'sg' }],
    subnets: [{ availabilityZone: 'ap-northeast-1a', cidr: '10.0.1.0/24', name: 's' }],
    vpc: { cidr: '10.0.0.0/16', name: 'v' },
    region: 'ap-northeast-1',
    stack: 'scrambled',
    version: 1,
  } as unknown as Blueprint;
  const text = blueprintToYaml(scrambled);
  const topKeys = text.split('\n').filter((l) => /^[a-zA-Z]/.test(l)).map((l) => l.split(':')[0]);
  assert.deepEqual(topKeys, ['version', 'stack', 'region', 'vpc', 'subnets', 'securityGroups', 'networkInterfaces', 'keyPairs', 'instances']);
  assert.match(text, /^ {2}- name: web\n {4}image: ami-0123456789abcdef0\n {4}instanceType: t3\.micro\n {4}networkInterface: eni\n {4}rootVolume: \{ sizeGiB: 20, type: gp3, encrypted: true \}\n {4}keyPair: k$/m);
  assert.match(text, /- \{ protocol: tcp, port: 22, source: 10\.0\.0\.0\/8, description: ssh \}/);
  assert.deepEqual(valid(text), JSON.parse(JSON.stringify(valid(text))));
});

test('awkward names, ranges, ACLs, egress and tags survive the trip', () => {
  const bp: Blueprint = {
    version: 1,
    stack: 'odd-names',
    region: 'ap-northeast-1',
    vpc: { name: 'yes', cidr: '10.0.0.0/16', tags: { 'cost center': '#42', Owner: 'a: b' } },
    internetGateway: { name: '10' },
    subnets: [{ name: '[public] subnet', cidr: '10.0.1.0/24', availabilityZone: 'ap-northeast-1a' }],
    routeTables: [{ name: 'rtb, main-ish', routes: [{ destination: '0.0.0.0/0', target: '10' }], subnets: ['[public] subnet'] }],
    securityGroups: [
      {
        name: 'web "front"',
        description: "it's: the web",
        ingress: [
          { protocol: 'tcp', port: '8000-8080', source: '0.0.0.0/0' },
          { protocol: 'all', source: 'web "front"', description: 'from itself' },
        ],
        egress: [{ protocol: 'udp', port: 53, destination: '10.0.0.2/32' }],
      },
    ],
    networkAcls: [
      {
        name: 'acl',
        subnets: ['[public] subnet'],
        inbound: [{ rule: 100, action: 'allow', protocol: 'tcp', port: 22, source: '0.0.0.0/0' }],
        outbound: [{ rule: 100, action: 'allow', protocol: 'tcp', port: '1024-65535', destination: '0.0.0.0/0' }],
      },
    ],
    instances: [
      {
        name: 'ünïcode-名前',
        image: 'ami-0123456789abcdef0',
        instanceType: 't3.micro',
        subnet: '[public] subnet',
        securityGroups: ['web "front"'],
        privateIp: '10.0.1.20',
        publicIp: true,
        metadataTokens: 'required',
        tags: { Role: 'null' },
      },
    ],
  };
  const text = blueprintToYaml(bp, { header: ['Imported from vpc-0abc in ap-northeast-1.', 'Edit freely.'] });
  assert.match(text, /^# Imported from vpc-0abc in ap-northeast-1\.\n# Edit freely\.\n/);
  assert.deepEqual(valid(text), bp);
});
