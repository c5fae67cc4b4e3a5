// Profile names for the profile picker, from the shared AWS config and credentials files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profileNames } from '../../../src/vscode/aws-profiles';

test('profiles come from both shared files, default first, without sso sessions or services', () => {
  const config = ['[default]', 'region = ap-northeast-1', '', '[profile dev]', 'sso_session = corp', '[sso-session corp]', 'sso_start_url = https://x', '[services local]', '[profile  staging ] # comment'].join('\n');
  const credentials = ['[default]', 'aws_access_key_id = AKID', '[ci]', 'aws_access_key_id = AKID2'].join('\r\n');
  assert.deepEqual(profileNames(config, credentials), ['default', 'ci', 'dev', 'staging']);
});

test('no files, no profiles', () => {
  assert.deepEqual(profileNames('', ''), []);
});
