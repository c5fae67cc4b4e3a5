// The VS Code surface's pure helpers: profile names from the shared AWS files, console links,
// telling a credentials problem from other failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profileNames } from '../../src/vscode/aws-profiles';
import { consoleUrl } from '../../src/vscode/console-url';
import { isCredentialsProblem } from '../../src/vscode/credentials';
import { BlueprintError } from '../../src/core/errors';

test('profiles come from both shared files, default first, without sso sessions or services', () => {
  const config = ['[default]', 'region = ap-northeast-1', '', '[profile dev]', 'sso_session = corp', '[sso-session corp]', 'sso_start_url = https://x', '[services local]', '[profile  staging ] # comment'].join('\n');
  const credentials = ['[default]', 'aws_access_key_id = AKID', '[ci]', 'aws_access_key_id = AKID2'].join('\r\n');
  assert.deepEqual(profileNames(config, credentials), ['default', 'ci', 'dev', 'staging']);
});

test('no files, no profiles', () => {
  assert.deepEqual(profileNames('', ''), []);
});

test('console links open the component in its region', () => {
  assert.equal(consoleUrl('vpc', 'vpc-0abc', 'ap-northeast-1'), 'https://ap-northeast-1.console.aws.amazon.com/vpcconsole/home?region=ap-northeast-1#VpcDetails:VpcId=vpc-0abc');
  assert.equal(consoleUrl('instance', 'i-0123', 'us-east-1'), 'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#InstanceDetails:instanceId=i-0123');
  assert.equal(consoleUrl('securityGroup', 'sg-1', 'eu-west-1'), 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-1');
  assert.match(consoleUrl('keyPair', 'key-1', 'eu-west-1', 'key-wp-RHEL'), /#KeyPairs:search=key-wp-RHEL$/);
});

test('a missing or bad credential is recognised, other AWS failures are not', () => {
  assert.ok(isCredentialsProblem(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })));
  assert.ok(isCredentialsProblem(new BlueprintError('aws', 'AuthFailure: AWS was not able to validate the provided access credentials')));
  assert.ok(isCredentialsProblem({ message: 'The security token included in the request is invalid.', code: 'UnrecognizedClientException' }));
  assert.ok(!isCredentialsProblem(new BlueprintError('aws', 'The maximum number of VPCs has been reached.')));
  assert.ok(!isCredentialsProblem(new BlueprintError('key-file', 'The credential file ~/.ssh/key-wp-RHEL.pem exists')));
});
