// The table of AWS refusals: pure code, no AWS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodedAuthorizationMessage, refusalFor, refusals, summarizeDecoded } from '../../../src/aws/refusals';

test('every code of the issue has an entry; InvalidAMIID.* covers each InvalidAMIID code; unknown codes have none', () => {
  for (const code of ['Unsupported', 'InsufficientInstanceCapacity', 'AddressLimitExceeded', 'VcpuLimitExceeded', 'InstanceLimitExceeded', 'OptInRequired', 'PendingVerification', 'UnauthorizedOperation'])
    assert.ok(refusalFor(code), code);
  assert.equal(refusalFor('InvalidAMIID.NotFound'), refusals['InvalidAMIID.*']);
  assert.equal(refusalFor('InvalidAMIID.Malformed'), refusals['InvalidAMIID.*']);
  assert.equal(refusalFor('InvalidVpcID.NotFound'), undefined);
  assert.equal(refusalFor(undefined), undefined);
});

test('Unsupported names the zone, the subnet and the zones offering the type, and points at availabilityZone', () => {
  const entry = refusalFor('Unsupported')!;
  assert.equal(entry.place, 'availabilityZone');
  assert.ok(entry.needsZones);
  const text = entry.advice({ region: 'ap-northeast-1', instanceType: 't2.large', zone: 'ap-northeast-1a', subnet: 'public-1a', zonesOffering: ['ap-northeast-1c', 'ap-northeast-1d'] });
  assert.match(text, /t2\.large is not offered in ap-northeast-1a, the availabilityZone of subnet "public-1a"/);
  assert.match(text, /Zones of ap-northeast-1 that offer t2\.large: ap-northeast-1c, ap-northeast-1d\./);
  assert.match(entry.advice({ region: 'r', instanceType: 'x9', zonesOffering: [] }), /No zone of r offers x9/);
});

test('AddressLimitExceeded names the Service Quotas quota; VcpuLimitExceeded the vCPU quota', () => {
  assert.match(refusalFor('AddressLimitExceeded')!.advice({ region: 'ap-northeast-1' }), /Service Quotas.*EC2-VPC Elastic IPs.*L-0263D0A3/);
  assert.match(refusalFor('VcpuLimitExceeded')!.advice({ region: 'ap-northeast-1', instanceType: 't2.large' }), /L-1216C47A/);
});

test('UnauthorizedOperation: the encoded part is found, a decoded message is told in a few words', () => {
  assert.equal(encodedAuthorizationMessage('You are not authorized to perform this operation. Encoded authorization failure message: AbC-12_x'), 'AbC-12_x');
  assert.equal(encodedAuthorizationMessage('You are not authorized to perform this operation.'), undefined);
  const decoded = JSON.stringify({ allowed: false, explicitDeny: false, context: { action: 'ec2:RunInstances', resource: 'arn:aws:ec2:ap-northeast-1:123456789012:instance/*' } });
  assert.equal(summarizeDecoded(decoded), 'ec2:RunInstances on arn:aws:ec2:ap-northeast-1:123456789012:instance/* (no policy allows it)');
  assert.equal(summarizeDecoded('not json'), undefined);
  assert.match(refusalFor('UnauthorizedOperation')!.advice({ region: 'r', action: 'ec2:RunInstances', decoded: 'x' }), /may not do ec2:RunInstances: x\./);
});
