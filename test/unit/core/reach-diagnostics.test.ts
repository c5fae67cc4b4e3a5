import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateBlueprint } from '../../../src/core/validate';
import { reachDiagnostics, sshReachOf } from '../../../src/core/reach-ssh';
import { positionOf, tutorialText, tutorialWith } from '../builders';

function warningsOf(text: string) {
  const result = validateBlueprint(text);
  assert.ok(result.blueprint, 'the fixture must be a valid blueprint');
  return reachDiagnostics(result.blueprint, result.source);
}

const noElasticIp = tutorialWith(['elasticIps:\n  - name: eip-Atsushi\n    networkBorderGroup: ap-northeast-1\n    networkInterface: eni-wp-Atsushi\n', '']);
const sshFromMyAddress = (text: string) => text.replace('port: 22,  source: 0.0.0.0/0', 'port: 22,  source: 198.51.100.7/32');

describe('the ssh-blocked warning in the editor', () => {
  test('the tutorial gets none', () => {
    assert.deepEqual(warningsOf(tutorialText), []);
  });

  test('SSH allowed only from the user\'s own address is not "blocked"', () => {
    assert.deepEqual(warningsOf(sshFromMyAddress(tutorialText)), []);
    assert.equal(sshReachOf(validateBlueprint(sshFromMyAddress(tutorialText)).blueprint!, 'ec2-wp-RHEL8').query.from, '198.51.100.7/32');
  });

  test('no public address: a warning on the instance\'s name that says why', () => {
    const [w, ...rest] = warningsOf(noElasticIp);
    assert.deepEqual(rest, []);
    assert.equal(w!.code, 'ssh-blocked');
    assert.equal(w!.severity, 'warning');
    const at = positionOf(noElasticIp, 'ec2-wp-RHEL8');
    assert.deepEqual([w!.line, w!.column, w!.endColumn], [at.line, at.column, at.column + 'ec2-wp-RHEL8'.length]);
    assert.match(w!.message, /ec2-wp-RHEL8/);
    assert.match(w!.message, /Elastic IP/);
  });

  test('with SSH open only to the user\'s address, the warning names the real block (the route)', () => {
    const text = sshFromMyAddress(tutorialWith(['    routes:\n      - { destination: 0.0.0.0/0, target: igw-Atsushi }\n', '']));
    const [w] = warningsOf(text);
    assert.match(w!.message, /route/);
    assert.doesNotMatch(w!.message, /Security group/);
  });

  test('no sshUser, no warning: the instance is not meant for SSH', () => {
    assert.deepEqual(warningsOf(noElasticIp.replace('    sshUser: ec2-user\n', '')), []);
  });
});
