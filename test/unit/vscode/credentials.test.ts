// Telling a credentials problem (which gets the credentials guidance) from other AWS failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCredentialsProblem } from '../../../src/vscode/credentials';
import { BlueprintError } from '../../../src/core/errors';

test('a missing or bad credential is recognised, other AWS failures are not', () => {
  assert.ok(isCredentialsProblem(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })));
  assert.ok(isCredentialsProblem(new BlueprintError('aws', 'AuthFailure: AWS was not able to validate the provided access credentials')));
  assert.ok(isCredentialsProblem({ message: 'The security token included in the request is invalid.', code: 'UnrecognizedClientException' }));
  assert.ok(!isCredentialsProblem(new BlueprintError('aws', 'The maximum number of VPCs has been reached.')));
  assert.ok(!isCredentialsProblem(new BlueprintError('key-file', 'The credential file ~/.ssh/key-wp-RHEL.pem exists')));
});
