// The tutorial's blueprint with the reader's own names: the "New Blueprint" command writes it, so
// a beginner starts from a working file. Pure (text in, text out); the comments follow the
// tutorial's steps in the reader's language.
import { t } from '@vscode/l10n';
import { wordpressCloudConfig } from './wordpress';

export interface NewBlueprintAnswers {
  /** The reader's own suffix, like the tutorial's "Atsushi". */
  suffix: string;
  region: string;
  availabilityZone: string;
  /** The tutorial's network and instance alone (default), or with WordPress set up at first boot. */
  template?: 'tutorial' | 'wordpress' | 'private';
}

/** The regions offered first, with the availability zones a new account gets in each. */
export const regionZones: Readonly<Record<string, readonly string[]>> = {
  'ap-northeast-1': ['a', 'c', 'd'],
  'ap-northeast-3': ['a', 'b', 'c'],
  'ap-northeast-2': ['a', 'b', 'c', 'd'],
  'ap-southeast-1': ['a', 'b', 'c'],
  'ap-southeast-2': ['a', 'b', 'c'],
  'ap-south-1': ['a', 'b', 'c'],
  'us-east-1': ['a', 'b', 'c', 'd', 'e', 'f'],
  'us-east-2': ['a', 'b', 'c'],
  'us-west-2': ['a', 'b', 'c', 'd'],
  'eu-west-1': ['a', 'b', 'c'],
  'eu-central-1': ['a', 'b', 'c'],
};

/** The region's name in words, for the quick pick. */
export function regionWords(region: string): string {
  const words: Record<string, () => string> = {
    'ap-northeast-1': () => t('Asia Pacific (Tokyo)'),
    'ap-northeast-3': () => t('Asia Pacific (Osaka)'),
    'ap-northeast-2': () => t('Asia Pacific (Seoul)'),
    'ap-southeast-1': () => t('Asia Pacific (Singapore)'),
    'ap-southeast-2': () => t('Asia Pacific (Sydney)'),
    'ap-south-1': () => t('Asia Pacific (Mumbai)'),
    'us-east-1': () => t('US East (N. Virginia)'),
    'us-east-2': () => t('US East (Ohio)'),
    'us-west-2': () => t('US West (Oregon)'),
    'eu-west-1': () => t('Europe (Ireland)'),
    'eu-central-1': () => t('Europe (Frankfurt)'),
  };
  return words[region]?.() ?? region;
}

/** Why a suffix cannot be used, or undefined when it can. It ends up in names and the stack name. */
export function suffixProblem(suffix: string): string | undefined {
  if (!suffix) return t('Type a short word of your own, such as your name.');
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/.test(suffix)) return t('Use up to 32 letters, digits and "-", starting with a letter or digit.');
  return undefined;
}

/** The file name the blueprint gets: `<suffix>.blueprint.yaml`. */
export const newBlueprintFileName = (suffix: string, template: NewBlueprintAnswers['template'] = 'tutorial') =>
  template === 'wordpress' ? `${suffix}-wordpress.blueprint.yaml` : template === 'private' ? `${suffix}-private.blueprint.yaml` : `${suffix}.blueprint.yaml`;

/** The tutorial's blueprint (parts one and two) with the reader's names, region and zone. */
export function newBlueprintText({ suffix, region, availabilityZone, template = 'tutorial' }: NewBlueprintAnswers): string {
  if (template === 'private') return privateSubnetText(suffix, region, availabilityZone);
  const c = (text: string) => `# ${text}`;
  const subnet = `public-subnet-1${availabilityZone.slice(-1)}-${suffix}`;
  // Key pair names are per account and region: the WordPress stack must not take the tutorial's.
  const keyPair = template === 'wordpress' ? `key-wp-WordPress-${suffix}` : `key-wp-RHEL-${suffix}`;
  return [
    c(t('The network and EC2 instance of the tutorial "how an EC2 instance gets connected to the internet", with your names.')),
    c(t('Create the components one by one (Command Palette: "Blueprint: Create …") or all at once ("Blueprint: Apply All").')),
    'version: 1',
    `stack: wp-${suffix.toLowerCase()}${template === 'wordpress' ? '-wordpress' : ''}`,
    `region: ${region}`,
    '',
    c(t('1. The VPC: your own private network in AWS. Everything else lives inside it.')),
    'vpc:',
    `  name: vpc-${suffix}`,
    '  cidr: 10.0.0.0/16',
    '',
    c(t('2. The subnet: a slice of the VPC in one availability zone, where the instance will sit.')),
    'subnets:',
    `  - name: ${subnet}`,
    '    cidr: 10.0.1.0/24',
    `    availabilityZone: ${availabilityZone}`,
    '',
    c(t('3. The internet gateway: the door between the VPC and the internet.')),
    'internetGateway:',
    `  name: igw-${suffix}`,
    '',
    c(t('4. The route table: sends traffic for the internet (0.0.0.0/0) to the internet gateway.')),
    'routeTables:',
    `  - name: rtb-public-${suffix}`,
    '    routes:',
    `      - { destination: 0.0.0.0/0, target: igw-${suffix} }`,
    `    subnets: [${subnet}]`,
    '',
    c(t('5. The security group: the firewall of the instance. It lets SSH, HTTP and HTTPS in.')),
    'securityGroups:',
    `  - name: seg-g_wp_${suffix}`,
    '    description: SSH, HTTP and HTTPS from anywhere',
    '    ingress:',
    '      - { protocol: tcp, port: 22,  source: 0.0.0.0/0, description: SSH }',
    '      - { protocol: tcp, port: 80,  source: 0.0.0.0/0, description: HTTP }',
    '      - { protocol: tcp, port: 443, source: 0.0.0.0/0, description: HTTPS }',
    '',
    c(t('6. The network interface: the network card of the instance, with the fixed private address 10.0.1.11.')),
    'networkInterfaces:',
    `  - name: eni-wp-${suffix}`,
    `    subnet: ${subnet}`,
    '    privateIp: 10.0.1.11',
    `    securityGroups: [seg-g_wp_${suffix}]`,
    '',
    c(t('7. The Elastic IP: a public address that stays the same when the instance is stopped and started.')),
    'elasticIps:',
    `  - name: eip-${suffix}`,
    `    networkBorderGroup: ${region}`,
    `    networkInterface: eni-wp-${suffix}`,
    '',
    c(t('8. The key pair: its private key is downloaded once, when it is created, and is what you log in with.')),
    'keyPairs:',
    `  - name: ${keyPair}`,
    '',
    c(t('9. The EC2 instance: Red Hat Enterprise Linux 8 on the network interface above.')),
    'instances:',
    `  - name: ec2-wp-RHEL8-${suffix}`,
    '    image: rhel-8',
    '    instanceType: t2.large',
    `    networkInterface: eni-wp-${suffix}`,
    '    rootVolume: { sizeGiB: 30 }',
    `    keyPair: ${keyPair}`,
    '    sshUser: ec2-user',
    ...(template === 'wordpress'
      ? [
          '    ' + c(t('10. The user data: at its first boot the instance installs Apache, PHP, MariaDB and WordPress by itself (log: /var/log/cloud-init-output.log).')),
          '    userData: |',
          ...wordpressCloudConfig.replace(/\n$/, '').split('\n').map((line) => (line ? `      ${line}` : '')),
        ]
      : []),
    '',
  ].join('\n');
}

/** The next chapter (examples/private-subnet.blueprint.yaml) with the reader's names: an
 * application instance in a private subnet, out through a NAT gateway, in through a jump host. */
function privateSubnetText(suffix: string, region: string, availabilityZone: string): string {
  const c = (text: string) => `# ${text}`;
  const zone = availabilityZone.slice(-1);
  const publicSubnet = `public-subnet-1${zone}-${suffix}`;
  const privateSubnet = `private-subnet-1${zone}-${suffix}`;
  const keyPair = `key-private-RHEL-${suffix}`;
  return [
    c(t('The next chapter: an application instance in a private subnet, with no public address. It goes out to the internet through a NAT gateway and is reached by SSH only through a jump host.')),
    c(t('A NAT gateway is billed by the hour even when idle: destroy the stack when you are done with it.')),
    'version: 1',
    `stack: private-${suffix.toLowerCase()}`,
    `region: ${region}`,
    'vpc:',
    `  name: vpc-private-${suffix}`,
    '  cidr: 10.0.0.0/16',
    'internetGateway:',
    `  name: igw-private-${suffix}`,
    'subnets:',
    `  - name: ${publicSubnet}`,
    '    cidr: 10.0.1.0/24',
    `    availabilityZone: ${availabilityZone}`,
    `  - name: ${privateSubnet}`,
    '    cidr: 10.0.2.0/24',
    `    availabilityZone: ${availabilityZone}`,
    c(t('The NAT gateway sits in the public subnet and lets the private subnet open connections out, never in.')),
    'natGateways:',
    `  - name: nat-1${zone}-${suffix}`,
    `    subnet: ${publicSubnet}`,
    'routeTables:',
    `  - name: rtb-public-${suffix}`,
    '    routes:',
    `      - { destination: 0.0.0.0/0, target: igw-private-${suffix} }`,
    `    subnets: [${publicSubnet}]`,
    `  - name: rtb-private-${suffix}`,
    '    routes:',
    `      - { destination: 0.0.0.0/0, target: nat-1${zone}-${suffix} }`,
    `    subnets: [${privateSubnet}]`,
    'securityGroups:',
    `  - name: seg-bastion-${suffix}`,
    '    description: SSH to the jump host',
    '    ingress:',
    '      - { protocol: tcp, port: 22, source: 0.0.0.0/0, description: SSH }',
    `  - name: seg-app-${suffix}`,
    '    description: SSH from the jump host only',
    '    ingress:',
    `      - { protocol: tcp, port: 22, source: seg-bastion-${suffix}, description: SSH from the bastion }`,
    'keyPairs:',
    `  - name: ${keyPair}`,
    c(t('The jump host (bastion) has a public address; the application instance is reached through it (sshVia).')),
    'instances:',
    `  - name: ec2-bastion-${suffix}`,
    '    image: rhel-8',
    '    instanceType: t2.micro',
    `    subnet: ${publicSubnet}`,
    `    securityGroups: [seg-bastion-${suffix}]`,
    '    publicIp: true',
    `    keyPair: ${keyPair}`,
    '    sshUser: ec2-user',
    `  - name: ec2-app-${suffix}`,
    '    image: rhel-8',
    '    instanceType: t2.large',
    `    subnet: ${privateSubnet}`,
    '    privateIp: 10.0.2.11',
    `    securityGroups: [seg-app-${suffix}]`,
    '    rootVolume: { sizeGiB: 30 }',
    `    keyPair: ${keyPair}`,
    '    sshUser: ec2-user',
    `    sshVia: ec2-bastion-${suffix}`,
    '',
  ].join('\n');
}
