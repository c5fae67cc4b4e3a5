// Builds the tutorial's stack the way a reader of the tutorial does in the console: plain EC2
// calls with Name tags only (no blueprint:* tags), for the import tests.
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateKeyPairCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  RunInstancesCommand,
  type EC2Client,
  type ResourceType,
} from '@aws-sdk/client-ec2';

const named = (type: ResourceType, name: string) => [{ ResourceType: type, Tags: [{ Key: 'Name', Value: name }] }];

export interface ConsoleBuilt {
  vpcId: string;
  subnetId: string;
  igwId: string;
  routeTableId: string;
  groupId: string;
  eniId: string;
  allocationId: string;
  publicIp: string;
  instanceId: string;
}

/** The tutorial's steps 1-9 by hand. `imageId` must exist in the emulator (RHEL 8 from amis.json). */
export async function buildTutorialByHand(ec2: EC2Client, imageId: string): Promise<ConsoleBuilt> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: named('vpc', 'vpc-Atsushi') }))).Vpc!.VpcId!;
  const subnetId = (
    await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'ap-northeast-1a', TagSpecifications: named('subnet', 'public-subnet-1a-Atsushi') }))
  ).Subnet!.SubnetId!;
  const igwId = (await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: named('internet-gateway', 'igw-Atsushi') }))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  const routeTableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: named('route-table', 'rtb-public-Atsushi') }))).RouteTable!.RouteTableId!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: routeTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }));
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }));
  const groupId = (
    await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'seg-g_wp_Atsushi', Description: 'SSH, HTTP and HTTPS from anywhere', TagSpecifications: named('security-group', 'seg-g_wp_Atsushi') }))
  ).GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        [22, 'SSH'],
        [80, 'HTTP'],
        [443, 'HTTPS'],
      ].map(([port, description]) => ({ IpProtocol: 'tcp', FromPort: port as number, ToPort: port as number, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: description as string }] })),
    }),
  );
  const eniId = (
    await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: '10.0.1.11', Groups: [groupId], TagSpecifications: named('network-interface', 'eni-wp-Atsushi') }))
  ).NetworkInterface!.NetworkInterfaceId!;
  const address = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', NetworkBorderGroup: 'ap-northeast-1', TagSpecifications: named('elastic-ip', 'eip-Atsushi') }));
  await ec2.send(new AssociateAddressCommand({ AllocationId: address.AllocationId, NetworkInterfaceId: eniId }));
  await ec2.send(new CreateKeyPairCommand({ KeyName: 'key-wp-RHEL' }));
  const instanceId = (
    await ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        InstanceType: 't2.large',
        MinCount: 1,
        MaxCount: 1,
        KeyName: 'key-wp-RHEL',
        NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: eniId }],
        BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true } }],
        MetadataOptions: { HttpTokens: 'required' },
        TagSpecifications: named('instance', 'ec2-wp-RHEL8'),
      }),
    )
  ).Instances![0]!.InstanceId!;
  return { vpcId, subnetId, igwId, routeTableId, groupId, eniId, allocationId: address.AllocationId!, publicIp: address.PublicIp!, instanceId };
}
