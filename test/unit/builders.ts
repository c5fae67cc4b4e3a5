// Small builders for blueprint fixtures: start from the tutorial and change what a case needs,
// and find where a piece of text sits so a test can assert the exact line and column.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const tutorialPath = join(__dirname, '..', '..', 'examples', 'tutorial.blueprint.yaml');
export const tutorialText = readFileSync(tutorialPath, 'utf8');

/** The tutorial with each `[search, replacement]` applied once (each search must be present). */
export function tutorialWith(...edits: [string, string][]): string {
  let text = tutorialText;
  for (const [search, replacement] of edits) {
    if (!text.includes(search)) throw new Error(`fixture edit: "${search}" is not in the text`);
    text = text.replace(search, replacement);
  }
  return text;
}

/** The tutorial with a private subnet beside the public one (in `zone`: the same zone, or another),
 * holding a database interface and instance protected by the tutorial's security group too. */
export function tutorialWithPrivateSubnet(zone: string): string {
  return tutorialWith(
    [
      '    availabilityZone: ap-northeast-1a\n',
      `    availabilityZone: ap-northeast-1a\n  - name: private-subnet-Atsushi\n    cidr: 10.0.2.0/24\n    availabilityZone: ${zone}\n`,
    ],
    [
      '    securityGroups: [seg-g_wp_Atsushi]\n',
      '    securityGroups: [seg-g_wp_Atsushi]\n  - name: eni-db-Atsushi\n    subnet: private-subnet-Atsushi\n    securityGroups: [seg-g_wp_Atsushi]\n',
    ],
    ['    sshUser: ec2-user\n', '    sshUser: ec2-user\n  - name: ec2-db\n    image: rhel-8\n    instanceType: t3.micro\n    networkInterface: eni-db-Atsushi\n    keyPair: key-wp-RHEL\n'],
  );
}

/** 1-based line and UTF-16 column of the `occurrence`-th match of `needle` in `text`. */
export function positionOf(text: string, needle: string, occurrence = 1): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" occurs fewer than ${occurrence} times`);
  }
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return { line, column };
}

/** A blueprint with `n` resources spread over subnets, security groups, ENIs and instances. */
export function largeBlueprint(resources: number): string {
  const lines = ['version: 1', 'stack: big', 'region: ap-northeast-1', 'vpc:', '  name: vpc-big', '  cidr: 10.0.0.0/16', 'internetGateway:', '  name: igw-big'];
  const perGroup = 4; // subnet, security group, network interface, instance
  const groups = Math.max(1, Math.floor((resources - 3) / perGroup));
  lines.push('routeTables:', '  - name: rtb-big', '    routes:', '      - { destination: 0.0.0.0/0, target: igw-big }', '    subnets:');
  for (let i = 0; i < groups; i++) lines.push(`      - subnet-${i}`);
  lines.push('subnets:');
  for (let i = 0; i < groups; i++)
    lines.push(`  - name: subnet-${i}`, `    cidr: 10.0.${i >> 4}.${(i & 15) * 16}/28`, `    availabilityZone: ap-northeast-1${'acd'[i % 3]}`);
  lines.push('securityGroups:');
  for (let i = 0; i < groups; i++)
    lines.push(`  - name: group-${i}`, '    description: web', '    ingress:', `      - { protocol: tcp, port: 443, source: 10.0.0.0/16, description: HTTPS }`);
  lines.push('networkInterfaces:');
  for (let i = 0; i < groups; i++) lines.push(`  - name: eni-${i}`, `    subnet: subnet-${i}`, `    securityGroups: [group-${i}]`);
  lines.push('keyPairs:', '  - name: key-big', 'instances:');
  for (let i = 0; i < groups; i++)
    lines.push(`  - name: instance-${i}`, '    image: rhel-8', '    instanceType: t3.micro', `    networkInterface: eni-${i}`, '    keyPair: key-big');
  return lines.join('\n') + '\n';
}
