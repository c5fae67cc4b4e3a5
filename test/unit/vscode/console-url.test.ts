// Links from a component to its page in the AWS console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleUrl } from '../../../src/vscode/console-url';

test('console links open the component in its region', () => {
  assert.equal(consoleUrl('vpc', 'vpc-0abc', 'ap-northeast-1'), 'https://ap-northeast-1.console.aws.amazon.com/vpcconsole/home?region=ap-northeast-1#VpcDetails:VpcId=vpc-0abc');
  assert.equal(consoleUrl('instance', 'i-0123', 'us-east-1'), 'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#InstanceDetails:instanceId=i-0123');
  assert.equal(consoleUrl('securityGroup', 'sg-1', 'eu-west-1'), 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-1');
  assert.match(consoleUrl('keyPair', 'key-1', 'eu-west-1', 'key-wp-RHEL'), /#KeyPairs:search=key-wp-RHEL$/);
});
