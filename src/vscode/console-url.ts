// The AWS console page of a created component, in its region. Pure (no vscode): unit-tested.
import type { Kind } from '../core/model';

export function consoleUrl(kind: Kind, id: string, region: string, name?: string): string {
  const r = encodeURIComponent(region);
  const i = encodeURIComponent(id);
  const vpc = (fragment: string) => `https://${r}.console.aws.amazon.com/vpcconsole/home?region=${r}#${fragment}`;
  const ec2 = (fragment: string) => `https://${r}.console.aws.amazon.com/ec2/home?region=${r}#${fragment}`;
  switch (kind) {
    case 'vpc': return vpc(`VpcDetails:VpcId=${i}`);
    case 'subnet': return vpc(`SubnetDetails:subnetId=${i}`);
    case 'internetGateway': return vpc(`InternetGateway:internetGatewayId=${i}`);
    case 'routeTable': return vpc(`RouteTableDetails:RouteTableId=${i}`);
    case 'networkAcl': return vpc(`NetworkAclDetails:networkAclId=${i}`);
    case 'securityGroup': return ec2(`SecurityGroup:groupId=${i}`);
    case 'networkInterface': return ec2(`NetworkInterface:networkInterfaceId=${i}`);
    case 'elasticIp': return ec2(`ElasticIpDetails:AllocationId=${i}`);
    case 'natGateway': return vpc(`NatGatewayDetails:natGatewayId=${i}`);
    case 'keyPair': return ec2(`KeyPairs:search=${encodeURIComponent(name ?? id)}`);
    case 'instance': return ec2(`InstanceDetails:instanceId=${i}`);
  }
}
