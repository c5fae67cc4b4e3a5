// Every kind's provider, by kind.
import type { Kind } from '../core/model';
import type { Provider } from './provider';
import { vpcProvider } from './vpc';
import { subnetProvider } from './subnet';
import { internetGatewayProvider } from './internet-gateway';
import { routeTableProvider } from './route-table';
import { securityGroupProvider } from './security-group';
import { networkAclProvider } from './network-acl';
import { networkInterfaceProvider } from './network-interface';
import { elasticIpProvider } from './elastic-ip';
import { natGatewayProvider } from './nat-gateway';
import { keyPairProvider } from './key-pair';
import { instanceProvider } from './instance';

export const providers: { [K in Kind]: Provider<K> } = {
  vpc: vpcProvider,
  subnet: subnetProvider,
  internetGateway: internetGatewayProvider,
  routeTable: routeTableProvider,
  securityGroup: securityGroupProvider,
  networkAcl: networkAclProvider,
  networkInterface: networkInterfaceProvider,
  elasticIp: elasticIpProvider,
  natGateway: natGatewayProvider,
  keyPair: keyPairProvider,
  instance: instanceProvider,
};

export function providerFor<K extends Kind>(kind: K): Provider<K> {
  return providers[kind] as Provider<K>;
}
