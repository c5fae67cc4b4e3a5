// The CloudFormation export: the tutorial becomes the same resources, with names as tags, the
// image as a parameter, and outputs a user can act on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { validateBlueprint } from '../../../src/core/validate';
import type { Blueprint } from '../../../src/core/schema';
import { logicalIdsOf, optionsFromState, templateText, toCloudFormation, type CfnValue, type CloudFormationTemplate } from '../../../src/core/cloudformation';
import { sshPortUserData } from '../../../src/core/user-data';
import { largeBlueprint, tutorialText, tutorialWith } from '../builders';

function blueprintOf(text: string): Blueprint {
  const result = validateBlueprint(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], 'fixture must be valid');
  return result.blueprint!;
}

const tutorial = blueprintOf(tutorialText);

function ofType(template: CloudFormationTemplate, type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function only(template: CloudFormationTemplate, type: string) {
  const found = ofType(template, type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0]!;
}

function tagMap(value: CfnValue | undefined): Record<string, string> {
  return Object.fromEntries((value as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
}

/** Every Ref, Fn::GetAtt, Fn::Sub variable and DependsOn names something the template defines. */
function danglingReferences(template: CloudFormationTemplate): string[] {
  const defined = new Set([...Object.keys(template.Resources), ...Object.keys(template.Parameters ?? {}), 'AWS::Region', 'AWS::StackName']);
  const missing: string[] = [];
  const walk = (v: unknown, locals: Set<string> = new Set()) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, locals));
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string' && !defined.has(o.Ref)) missing.push(o.Ref);
    if (Array.isArray(o['Fn::GetAtt']) && !defined.has(o['Fn::GetAtt'][0] as string)) missing.push(String(o['Fn::GetAtt'][0]));
    if (Array.isArray(o['Fn::Sub'])) {
      const [text, vars] = o['Fn::Sub'] as [string, Record<string, unknown>];
      for (const m of text.matchAll(/\$\{([^}!]+)\}/g)) if (!(m[1]! in vars) && !defined.has(m[1]!.split('.')[0]!)) missing.push(m[1]!);
      walk(vars, locals);
      return;
    }
    for (const x of Object.values(o)) walk(x, locals);
  };
  for (const r of Object.values(template.Resources)) {
    walk(r.Properties);
    for (const d of [r.DependsOn ?? []].flat()) if (!defined.has(d)) missing.push(d);
  }
  walk(template.Outputs);
  return missing;
}

test('the tutorial exports every resource it declares, each once', () => {
  const template = toCloudFormation(tutorial);
  const counts: Record<string, number> = {};
  for (const r of Object.values(template.Resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  assert.deepEqual(counts, {
    'AWS::EC2::VPC': 1,
    'AWS::EC2::Subnet': 1,
    'AWS::EC2::InternetGateway': 1,
    'AWS::EC2::VPCGatewayAttachment': 1,
    'AWS::EC2::RouteTable': 1,
    'AWS::EC2::Route': 1,
    'AWS::EC2::SubnetRouteTableAssociation': 1,
    'AWS::EC2::SecurityGroup': 1,
    'AWS::EC2::NetworkInterface': 1,
    'AWS::EC2::EIP': 1,
    'AWS::EC2::EIPAssociation': 1,
    'AWS::EC2::KeyPair': 1,
    'AWS::EC2::Instance': 1,
  });
  assert.equal(template.AWSTemplateFormatVersion, '2010-09-09');
  assert.deepEqual(danglingReferences(template), []);
});

test('the tutorial template carries its values and its wiring', () => {
  const template = toCloudFormation(tutorial);
  const [vpcId, vpc] = only(template, 'AWS::EC2::VPC');
  assert.equal(vpcId, 'VpcAtsushi');
  assert.equal(vpc.Properties.CidrBlock, '10.0.0.0/16');

  const [subnetId, subnet] = only(template, 'AWS::EC2::Subnet');
  assert.deepEqual(subnet.Properties, { ...subnet.Properties, VpcId: { Ref: vpcId }, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-1a' });

  const [igwId] = only(template, 'AWS::EC2::InternetGateway');
  const [attachmentId, attachment] = only(template, 'AWS::EC2::VPCGatewayAttachment');
  assert.deepEqual(attachment.Properties, { VpcId: { Ref: vpcId }, InternetGatewayId: { Ref: igwId } });

  const [rtbId] = only(template, 'AWS::EC2::RouteTable');
  const [, route] = only(template, 'AWS::EC2::Route');
  assert.equal(route.DependsOn, attachmentId, 'the default route waits for the gateway to be attached');
  assert.deepEqual(route.Properties, { RouteTableId: { Ref: rtbId }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: igwId } });
  const [, assoc] = only(template, 'AWS::EC2::SubnetRouteTableAssociation');
  assert.deepEqual(assoc.Properties, { SubnetId: { Ref: subnetId }, RouteTableId: { Ref: rtbId } });

  const [sgId, sg] = only(template, 'AWS::EC2::SecurityGroup');
  assert.equal(sg.Properties.GroupDescription, 'SSH, HTTP and HTTPS from anywhere');
  assert.equal(sg.Properties.GroupName, 'seg-g_wp_Atsushi');
  assert.deepEqual(sg.Properties.SecurityGroupIngress, [
    { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0', Description: 'SSH' },
    { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0', Description: 'HTTP' },
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'HTTPS' },
  ]);
  assert.equal(sg.Properties.SecurityGroupEgress, undefined, "no egress declared: AWS's default allow-all stays");

  const [eniId, eni] = only(template, 'AWS::EC2::NetworkInterface');
  assert.equal(eni.Properties.PrivateIpAddress, '10.0.1.11');
  assert.deepEqual(eni.Properties.SubnetId, { Ref: subnetId });
  assert.deepEqual(eni.Properties.GroupSet, [{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);

  const [eipId, eip] = only(template, 'AWS::EC2::EIP');
  assert.equal(eip.Properties.Domain, 'vpc');
  assert.equal(eip.Properties.NetworkBorderGroup, 'ap-northeast-1');
  const [eipAssocId, eipAssoc] = only(template, 'AWS::EC2::EIPAssociation');
  assert.deepEqual(eipAssoc.Properties, { AllocationId: { 'Fn::GetAtt': [eipId, 'AllocationId'] }, NetworkInterfaceId: { Ref: eniId } });

  const [keyId, key] = only(template, 'AWS::EC2::KeyPair');
  assert.equal(key.Properties.KeyName, 'key-wp-RHEL');
  assert.equal(key.Properties.PublicKeyMaterial, undefined);

  const [, instance] = only(template, 'AWS::EC2::Instance');
  assert.equal(instance.DependsOn, eipAssocId, 'the instance comes up with its final public address');
  assert.equal(instance.Properties.InstanceType, 't2.large');
  assert.deepEqual(instance.Properties.NetworkInterfaces, [{ DeviceIndex: '0', NetworkInterfaceId: { Ref: eniId } }]);
  assert.deepEqual(instance.Properties.BlockDeviceMappings, [
    { DeviceName: '/dev/sda1', Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } },
  ]);
  assert.deepEqual(instance.Properties.MetadataOptions, { HttpEndpoint: 'enabled', HttpTokens: 'required' });
  assert.deepEqual(instance.Properties.KeyName, { Ref: keyId });
  assert.equal(instance.Properties.UserData, undefined, 'SSH stays on port 22: no user data');
});

test('every taggable resource carries its Name and the blueprint tags', () => {
  const template = toCloudFormation(blueprintOf(tutorialWith(['  name: vpc-Atsushi\n', '  name: vpc-Atsushi\n  tags: { CostCenter: web }\n'])));
  const untaggable = new Set(['AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::Route', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::EIPAssociation']);
  const names: string[] = [];
  for (const r of Object.values(template.Resources)) {
    if (untaggable.has(r.Type)) continue;
    const tags = tagMap(r.Properties.Tags);
    assert.equal(tags['blueprint:stack'], 'wp-atsushi', r.Type);
    assert.equal(tags['blueprint:name'], tags.Name, r.Type);
    names.push(tags.Name!);
  }
  assert.deepEqual(names.sort(), ['ec2-wp-RHEL8', 'eip-Atsushi', 'eni-wp-Atsushi', 'igw-Atsushi', 'key-wp-RHEL', 'public-subnet-1a-Atsushi', 'rtb-public-Atsushi', 'seg-g_wp_Atsushi', 'vpc-Atsushi']);
  assert.equal(tagMap(only(template, 'AWS::EC2::VPC')[1].Properties.Tags).CostCenter, 'web');
});

test('logical ids are alphanumeric and stay unique when names differ only in punctuation', () => {
  const bp = blueprintOf(
    tutorialWith(
      ['subnets:\n', 'subnets:\n  - { name: web_a, cidr: 10.0.2.0/24, availabilityZone: ap-northeast-1a }\n  - { name: web-a, cidr: 10.0.3.0/24, availabilityZone: ap-northeast-1c }\n  - { name: 1st, cidr: 10.0.4.0/24, availabilityZone: ap-northeast-1c }\n'],
    ),
  );
  const ids = logicalIdsOf(bp);
  assert.equal(ids['web_a'], 'WebA');
  assert.equal(ids['web-a'], 'WebA2');
  assert.match(ids['1st']!, /^[A-Za-z]/);
  const template = toCloudFormation(bp);
  for (const id of Object.keys(template.Resources)) assert.match(id, /^[A-Za-z][A-Za-z0-9]*$/);
  assert.equal(ofType(template, 'AWS::EC2::Subnet').length, 4);
  assert.deepEqual(danglingReferences(template), []);
});

test('a RHEL image becomes an image-id parameter, with the resolved image as default when known', () => {
  const unresolved = toCloudFormation(tutorial);
  const param = unresolved.Parameters!.Ec2WpRHEL8ImageId!;
  assert.equal(param.Type, 'AWS::EC2::Image::Id');
  assert.equal(param.Default, undefined, 'no guess: the deployer gives the image');
  assert.deepEqual(only(unresolved, 'AWS::EC2::Instance')[1].Properties.ImageId, { Ref: 'Ec2WpRHEL8ImageId' });

  const resolved = toCloudFormation(tutorial, { images: { 'ec2-wp-RHEL8': { imageId: 'ami-0b2f6d8c4e1a7f802', rootDeviceName: '/dev/sda1' } } });
  assert.equal(resolved.Parameters!.Ec2WpRHEL8ImageId!.Default, 'ami-0b2f6d8c4e1a7f802');
});

test('Amazon Linux and Ubuntu images come from the public SSM parameter, arm64 for Graviton types', () => {
  const al = toCloudFormation(blueprintOf(tutorialWith(['image: rhel-8', 'image: amazon-linux-2023'])));
  assert.deepEqual(al.Parameters!.Ec2WpRHEL8ImageId, {
    Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
    Description: al.Parameters!.Ec2WpRHEL8ImageId!.Description,
    Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  });
  assert.equal((only(al, 'AWS::EC2::Instance')[1].Properties.BlockDeviceMappings as { DeviceName: string }[])[0]!.DeviceName, '/dev/xvda');

  const arm = toCloudFormation(blueprintOf(tutorialWith(['image: rhel-8', 'image: ubuntu-24.04'], ['instanceType: t2.large', 'instanceType: t4g.large'], ['    sshUser: ec2-user\n', ''])));
  assert.equal(arm.Parameters!.Ec2WpRHEL8ImageId!.Default, '/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id');
  assert.match(JSON.stringify(arm.Outputs), /ssh -i ~\/\.ssh\/key-wp-RHEL\.pem ubuntu@/, 'Ubuntu logs in as ubuntu');

  const ami = toCloudFormation(blueprintOf(tutorialWith(['image: rhel-8', 'image: ami-0123456789abcdef0'])));
  assert.deepEqual(ami.Parameters!.Ec2WpRHEL8ImageId!.Type, 'AWS::EC2::Image::Id');
  assert.equal(ami.Parameters!.Ec2WpRHEL8ImageId!.Default, 'ami-0123456789abcdef0');
});

test('outputs give the public address, the SSH command and where CloudFormation keeps the private key', () => {
  const template = toCloudFormation(tutorial);
  const outputs = template.Outputs!;
  assert.deepEqual(outputs.Ec2WpRHEL8PublicIp!.Value, { Ref: 'EipAtsushi' });
  assert.deepEqual(outputs.Ec2WpRHEL8SshCommand!.Value, { 'Fn::Sub': ['ssh -i ~/.ssh/key-wp-RHEL.pem ec2-user@${Address}', { Address: { Ref: 'EipAtsushi' } }] });
  const key = outputs.KeyWpRHELPrivateKey!;
  assert.match(key.Description, /SSM Parameter Store under \/ec2\/keypair\/<key-pair-id>/);
  const [command, vars] = (key.Value as { 'Fn::Sub': [string, Record<string, CfnValue>] })['Fn::Sub'];
  assert.match(command, /^aws ssm get-parameter --name \/ec2\/keypair\/\$\{KeyPairId\} --with-decryption --query Parameter\.Value --output text > ~\/\.ssh\/key-wp-RHEL\.pem && chmod 600 ~\/\.ssh\/key-wp-RHEL\.pem$/);
  assert.deepEqual(vars, { KeyPairId: { 'Fn::GetAtt': ['KeyWpRHEL', 'KeyPairId'] } });
});

test('an imported key pair carries its public key and has no private key to fetch', () => {
  const bp = blueprintOf(tutorialWith(['  - name: key-wp-RHEL\n', '  - name: key-wp-RHEL\n    publicKeyFile: ~/.ssh/id_ed25519.pub\n']));
  const withKey = toCloudFormation(bp, { publicKeys: { 'key-wp-RHEL': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG me@pc\n' } });
  const [, key] = only(withKey, 'AWS::EC2::KeyPair');
  assert.equal(key.Properties.PublicKeyMaterial, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG me@pc');
  assert.equal(key.Properties.KeyType, undefined);
  assert.equal(withKey.Outputs!.KeyWpRHELPrivateKey, undefined);

  const unread = toCloudFormation(bp);
  const [keyId, unreadKey] = only(unread, 'AWS::EC2::KeyPair');
  assert.deepEqual(unreadKey.Properties.PublicKeyMaterial, { Ref: `${keyId}PublicKey` });
  assert.equal(unread.Parameters![`${keyId}PublicKey`]!.Type, 'String');
});

test('an SSH port other than 22 sends the user data the engine would send, and the SSH command uses it', () => {
  const bp = blueprintOf(tutorialWith(['    sshUser: ec2-user\n', '    sshUser: ec2-user\n    sshPort: 2222\n'], ['port: 22,  source', 'port: 2222, source']));
  const template = toCloudFormation(bp);
  const [, instance] = only(template, 'AWS::EC2::Instance');
  assert.deepEqual(instance.Properties.UserData, { 'Fn::Base64': sshPortUserData(2222, 'rhel-8') });
  assert.match(sshPortUserData(2222, 'rhel-8')!, /ssh_port_t/, 'the RHEL script that also tells SELinux');
  assert.match(JSON.stringify(template.Outputs!.Ec2WpRHEL8SshCommand!.Value), /ssh -i ~\/\.ssh\/key-wp-RHEL\.pem -p 2222 ec2-user@/);
});

test('an instance without its own interface gets one in its subnet, with its groups and public address', () => {
  const bp = blueprintOf(
    tutorialWith(
      ['    networkInterface: eni-wp-Atsushi\n    rootVolume', '    subnet: public-subnet-1a-Atsushi\n    securityGroups: [seg-g_wp_Atsushi]\n    privateIp: 10.0.1.20\n    publicIp: true\n    metadataTokens: optional\n    rootVolume'],
      ['rootVolume: { sizeGiB: 30 }', 'rootVolume: { sizeGiB: 40, type: gp2, encrypted: false }'],
    ),
  );
  const template = toCloudFormation(bp);
  const [instanceId, instance] = only(template, 'AWS::EC2::Instance');
  assert.deepEqual(instance.Properties.NetworkInterfaces, [
    {
      DeviceIndex: '0',
      SubnetId: { Ref: 'PublicSubnet1aAtsushi' },
      GroupSet: [{ 'Fn::GetAtt': ['SegGWpAtsushi', 'GroupId'] }],
      PrivateIpAddress: '10.0.1.20',
      AssociatePublicIpAddress: true,
      DeleteOnTermination: true,
    },
  ]);
  assert.equal(instance.DependsOn, undefined);
  assert.deepEqual(instance.Properties.MetadataOptions, { HttpEndpoint: 'enabled', HttpTokens: 'optional' });
  assert.deepEqual(instance.Properties.BlockDeviceMappings, [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 40, VolumeType: 'gp2', Encrypted: false, DeleteOnTermination: true } }]);
  assert.deepEqual(template.Outputs![`${instanceId}PublicIp`]!.Value, { 'Fn::GetAtt': [instanceId, 'PublicIp'] });
  assert.deepEqual(danglingReferences(template), []);
});

test('network ACLs become an ACL, numbered entries and subnet associations', () => {
  const bp = blueprintOf(
    tutorialText +
      [
        'networkAcls:',
        '  - name: acl-public',
        '    subnets: [public-subnet-1a-Atsushi]',
        '    inbound:',
        '      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }',
        '      - { rule: 200, action: deny, protocol: icmp, source: 0.0.0.0/0 }',
        '    outbound:',
        '      - { rule: 100, action: allow, protocol: tcp, port: 1024-65535, destination: 0.0.0.0/0 }',
        '      - { rule: 110, action: allow, protocol: all, destination: 10.0.0.0/16 }',
        '',
      ].join('\n'),
  );
  const template = toCloudFormation(bp);
  const [aclId] = only(template, 'AWS::EC2::NetworkAcl');
  const entries = ofType(template, 'AWS::EC2::NetworkAclEntry').map(([, r]) => r.Properties);
  assert.deepEqual(entries, [
    { NetworkAclId: { Ref: aclId }, RuleNumber: 100, Protocol: 6, RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } },
    { NetworkAclId: { Ref: aclId }, RuleNumber: 200, Protocol: 1, RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', Icmp: { Code: -1, Type: -1 } },
    { NetworkAclId: { Ref: aclId }, RuleNumber: 100, Protocol: 6, RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0', PortRange: { From: 1024, To: 65535 } },
    { NetworkAclId: { Ref: aclId }, RuleNumber: 110, Protocol: -1, RuleAction: 'allow', Egress: true, CidrBlock: '10.0.0.0/16' },
  ]);
  const [, assoc] = only(template, 'AWS::EC2::SubnetNetworkAclAssociation');
  assert.deepEqual(assoc.Properties, { SubnetId: { Ref: 'PublicSubnet1aAtsushi' }, NetworkAclId: { Ref: aclId } });
});

test('rules naming groups: inline when possible, separate resources for a group naming itself', () => {
  const bp = blueprintOf(
    tutorialWith([
      'securityGroups:\n',
      [
        'securityGroups:',
        '  - name: app',
        '    description: app servers',
        '    ingress:',
        '      - { protocol: tcp, port: 8080, source: seg-g_wp_Atsushi }',
        '      - { protocol: all, source: app, description: cluster }',
        '    egress:',
        '      - { protocol: tcp, port: 443, destination: 0.0.0.0/0 }',
        '',
      ].join('\n'),
    ]),
  );
  const template = toCloudFormation(bp);
  const app = template.Resources.App!;
  assert.deepEqual(app.Properties.SecurityGroupIngress, [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: { 'Fn::GetAtt': ['SegGWpAtsushi', 'GroupId'] } }]);
  assert.deepEqual(app.Properties.SecurityGroupEgress, [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }]);
  const [, selfRule] = only(template, 'AWS::EC2::SecurityGroupIngress');
  assert.deepEqual(selfRule.Properties, {
    GroupId: { 'Fn::GetAtt': ['App', 'GroupId'] },
    IpProtocol: '-1',
    Description: 'cluster',
    SourceSecurityGroupId: { 'Fn::GetAtt': ['App', 'GroupId'] },
  });
  assert.deepEqual(danglingReferences(template), []);
});

test('the YAML and JSON texts read back as the same template', () => {
  const template = toCloudFormation(tutorial, { source: 'tutorial.blueprint.yaml' });
  const yaml = templateText(template, 'yaml');
  assert.match(yaml, /^AWSTemplateFormatVersion: "2010-09-09"$/m, 'quoted, so YAML 1.1 tools do not read a date');
  assert.doesNotMatch(yaml, /[&*]a\d/, 'no YAML anchors or aliases');
  assert.deepEqual(parse(yaml), JSON.parse(JSON.stringify(template)));
  assert.deepEqual(JSON.parse(templateText(template, 'json')), JSON.parse(JSON.stringify(template)));
  assert.match(template.Description, /wp-atsushi.*tutorial\.blueprint\.yaml/);
});

test('a large blueprint exports with every reference resolved', () => {
  const template = toCloudFormation(blueprintOf(largeBlueprint(200)));
  assert.ok(Object.keys(template.Resources).length > 200);
  assert.deepEqual(danglingReferences(template), []);
});

test('the image recorded in the state file is used while the blueprint names the same image', () => {
  const state = {
    version: 1 as const,
    stack: 'wp-atsushi',
    region: 'ap-northeast-1',
    updatedAt: '2026-01-01T00:00:00Z',
    resources: {
      'ec2-wp-RHEL8': { kind: 'instance' as const, id: 'i-1', attributes: { image: 'rhel-8', imageId: 'ami-0b2f6d8c4e1a7f802', rootDeviceName: '/dev/sda1' }, createdAt: '', updatedAt: '' },
    },
  };
  assert.deepEqual(optionsFromState(tutorial, state), { images: { 'ec2-wp-RHEL8': { imageId: 'ami-0b2f6d8c4e1a7f802', rootDeviceName: '/dev/sda1' } } });
  const changed = blueprintOf(tutorialWith(['image: rhel-8', 'image: rhel-9']));
  assert.deepEqual(optionsFromState(changed, state), { images: {} });
  assert.deepEqual(optionsFromState(tutorial, undefined), { images: {} });
});
