// The user's user data as validate sees it: the form cloud-init expects, AWS's 16 KB limit, a
// broken #cloud-config reported at its own line (in the blueprint for an inline block, in the
// file for userDataFile), secrets warned about, and userDataFile paths that try to leave the
// blueprint's folder refused. Real files in a temp folder; no mocks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateBlueprint } from '../../../src/core/validate';
import { userDataFileReader } from '../../../src/core/user-data-file';
import { combineUserData, instanceUserData, maxUserDataBytes, userDataBytes, userDataHash } from '../../../src/core/user-data';
import { positionOf, tutorialWith } from '../builders';

const withUserData = (lines: string, extra = '') => tutorialWith(['    sshUser: ec2-user\n', `    sshUser: ec2-user\n${extra}${lines}`]);
const inline = (body: string, extra = '') => withUserData(`    userData: |\n${body.split('\n').map((l) => (l ? `      ${l}` : '')).join('\n')}\n`, extra);

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'user-data-test-'));
}

describe('inline userData', () => {
  test('a cloud-config and a script are accepted, and kept for the engine', () => {
    const text = inline('#cloud-config\npackages:\n  - httpd\n');
    const result = validateBlueprint(text);
    assert.deepEqual(result.diagnostics.filter((d) => d.code.startsWith('user-data') || d.code.startsWith('cloud-config')), []);
    assert.equal(result.userData?.['ec2-wp-RHEL8'], '#cloud-config\npackages:\n  - httpd\n');
    assert.ok(validateBlueprint(inline('#!/bin/bash\necho hi\n')).blueprint);
  });

  test('something that is neither a script nor a cloud-config is refused at its first line', () => {
    const text = inline('dnf install -y httpd\n');
    const d = validateBlueprint(text).diagnostics.find((x) => x.code === 'user-data-format');
    assert.ok(d, 'finding');
    assert.deepEqual([d.line, d.column], [positionOf(text, 'dnf install').line, positionOf(text, 'dnf install').column]);
    assert.match(d.message, /#!.*#cloud-config/);
  });

  test('broken YAML in an inline cloud-config is reported at its own line and column in the blueprint', () => {
    const text = inline('#cloud-config\npackages:\n  - httpd\n runcmd:\n  - ls\n');
    const d = validateBlueprint(text).diagnostics.find((x) => x.code === 'cloud-config-yaml');
    assert.ok(d, 'finding');
    assert.equal(d.severity, 'error');
    assert.equal(d.file, undefined);
    // The block is indented 6 columns: the value's line 4, column 1 is the blueprint's column 7.
    assert.deepEqual([d.line, d.column], [positionOf(text, ' runcmd:').line, 7]);
  });

  test('a tab where YAML wants spaces is pointed at exactly', () => {
    const text = inline('#cloud-config\npackages:\n\t- httpd\n');
    const d = validateBlueprint(text).diagnostics.find((x) => x.code === 'cloud-config-yaml');
    assert.ok(d, 'finding');
    const p = positionOf(text, '\t- httpd');
    assert.deepEqual([d.line, d.column], [p.line, p.column]);
  });

  test('a cloud-config that is a list, not a mapping, is refused', () => {
    const text = inline('#cloud-config\n- httpd\n');
    const d = validateBlueprint(text).diagnostics.find((x) => x.code === 'cloud-config-not-mapping');
    assert.ok(d);
    assert.equal(d.line, positionOf(text, '- httpd').line);
  });

  test('over 16 KB says how big it is; with sshPort the product script and the wrapping count too', () => {
    const big = inline(`#!/bin/bash\n${'echo 0123456789abcdef\n'.repeat(800)}`);
    const d = validateBlueprint(big).diagnostics.find((x) => x.code === 'user-data-too-large');
    assert.ok(d);
    assert.match(d.message, /17612 bytes/);
    assert.match(d.message, /16384/);
    assert.equal(d.line, positionOf(big, '|').line);
    // Just under the limit alone, over it with the sshPort script combined.
    const body = `#!/bin/bash\n${'#'.repeat(maxUserDataBytes - 13)}\n`;
    assert.equal(userDataBytes(body), maxUserDataBytes);
    assert.equal(validateBlueprint(inline(body)).diagnostics.some((x) => x.code === 'user-data-too-large'), false);
    const both = validateBlueprint(inline(body, '    sshPort: 2222\n')).diagnostics.find((x) => x.code === 'user-data-too-large');
    assert.ok(both);
    assert.match(both.message, /2222/);
  });

  test('multi-byte characters count as AWS counts them (UTF-8 bytes)', () => {
    assert.equal(userDataBytes('#!/bin/sh\necho こんにちは\n'), 10 + 5 + 15 + 1);
    assert.equal(userDataBytes('😀'), 4);
  });

  test('an access key id and a password value are warned about where they are', () => {
    const text = inline('#cloud-config\nchpasswd:\n  users:\n    - name: ec2-user\n      password: hunter2hunter2\nwrite_files:\n  - path: /root/k\n    content: AKIAABCDEFGHIJKLMNOP\n');
    const found = validateBlueprint(text).diagnostics.filter((x) => x.code === 'user-data-secret');
    assert.equal(found.length, 2);
    assert.ok(found.every((d) => d.severity === 'warning'));
    const pw = positionOf(text, 'password: hunter2');
    const key = positionOf(text, 'AKIAABCDEFGHIJKLMNOP');
    assert.deepEqual(found.map((d) => [d.line, d.column]), [[pw.line, pw.column], [key.line, key.column]]);
    assert.match(found[0]!.message, /describe the instance/);
    assert.match(found[0]!.message, /Secrets Manager|Parameter Store/);
    // The secret itself is not repeated in the message.
    assert.ok(found.every((d) => !d.message.includes('hunter2') && !d.message.includes('AKIAABCDEFGHIJKLMNOP')));
  });

  test('a password made on the box is not a secret in the user data', () => {
    const text = inline('#!/bin/bash\nDB_PASSWORD=$(openssl rand -base64 24)\ncat > /root/.my.cnf <<EOF\npassword: $DB_PASSWORD\nEOF\n');
    assert.equal(validateBlueprint(text).diagnostics.some((x) => x.code === 'user-data-secret'), false);
  });

  test('userData and userDataFile together are refused', () => {
    const text = inline('#!/bin/bash\n', '    userDataFile: setup.sh\n');
    assert.ok(validateBlueprint(text).diagnostics.some((x) => x.code === 'user-data-twice'));
  });
});

describe('userDataFile', () => {
  const blueprintIn = (dir: string, file: string) => {
    const path = join(dir, 'wp.blueprint.yaml');
    const text = withUserData(`    userDataFile: ${file}\n`);
    writeFileSync(path, text);
    return { path, text, result: validateBlueprint(text, { readUserDataFile: userDataFileReader(path) }) };
  };

  test('a file beside the blueprint is read; its text is what the engine sends', () => {
    const dir = folder();
    mkdirSync(join(dir, 'boot'));
    writeFileSync(join(dir, 'boot', 'web.yaml'), '#cloud-config\npackages: [httpd]\n');
    const { result } = blueprintIn(dir, 'boot/web.yaml');
    assert.ok(result.blueprint, JSON.stringify(result.diagnostics));
    assert.equal(result.userData?.['ec2-wp-RHEL8'], '#cloud-config\npackages: [httpd]\n');
  });

  test('broken YAML in the file is reported at the line and column of the file', () => {
    const dir = folder();
    writeFileSync(join(dir, 'web.yaml'), '#cloud-config\npackages:\n  - httpd\n runcmd:\n  - ls\n');
    const { result } = blueprintIn(dir, 'web.yaml');
    const d = result.diagnostics.find((x) => x.code === 'cloud-config-yaml');
    assert.ok(d, JSON.stringify(result.diagnostics));
    assert.equal(d.file, 'web.yaml');
    assert.deepEqual([d.line, d.column], [4, 1]);
  });

  test('a secret in the file is reported in the file', () => {
    const dir = folder();
    writeFileSync(join(dir, 'setup.sh'), '#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP\n');
    const { result } = blueprintIn(dir, 'setup.sh');
    const d = result.diagnostics.find((x) => x.code === 'user-data-secret');
    assert.ok(d);
    assert.deepEqual([d.file, d.line, d.column], ['setup.sh', 2, 26]);
  });

  for (const [what, file, prepare] of [
    ['../ out of the folder', '../outside.sh', (dir: string) => writeFileSync(join(dir, '..', 'outside.sh'), '#!/bin/sh\n')],
    ['an absolute path elsewhere', '/etc/passwd', () => {}],
    ['a symbolic link pointing out', 'link.sh', (dir: string) => symlinkSync('/etc/hostname', join(dir, 'link.sh'))],
    ['a folder linked from outside', 'etc/hostname', (dir: string) => symlinkSync('/etc', join(dir, 'etc'))],
  ] as const) {
    test(`refused: ${what}, at the userDataFile line`, () => {
      const dir = folder();
      prepare(dir);
      const { text, result } = blueprintIn(dir, file);
      const d = result.diagnostics.find((x) => x.code === 'user-data-file-outside');
      assert.ok(d, JSON.stringify(result.diagnostics));
      assert.equal(result.blueprint, undefined);
      const p = positionOf(text, file);
      assert.deepEqual([d.line, d.column], [p.line, p.column]);
      assert.equal(result.userData, undefined);
    });
  }

  test('a missing file and a folder are refused with their own words', () => {
    const dir = folder();
    mkdirSync(join(dir, 'boot'));
    assert.ok(blueprintIn(dir, 'nope.sh').result.diagnostics.some((x) => x.code === 'user-data-file-missing'));
    assert.ok(blueprintIn(dir, 'boot').result.diagnostics.some((x) => x.code === 'user-data-file-not-a-file'));
  });

  test('without a file system (an unsaved buffer) the path itself is still checked', () => {
    assert.ok(validateBlueprint(withUserData('    userDataFile: ../../etc/shadow\n')).diagnostics.some((x) => x.code === 'user-data-file-outside'));
    assert.equal(validateBlueprint(withUserData('    userDataFile: boot/web.yaml\n')).diagnostics.some((x) => x.code.startsWith('user-data')), false);
  });
});

describe('what is sent', () => {
  test('alone, each part is sent as it is; with sshPort both run as one multi-part MIME document', () => {
    const user = '#cloud-config\npackages: [httpd]\n';
    assert.equal(instanceUserData({ image: 'rhel-8' }, user), user);
    assert.match(instanceUserData({ image: 'rhel-8', sshPort: 2222 }, undefined)!, /^#!\/bin\/bash/);
    const both = instanceUserData({ image: 'rhel-8', sshPort: 2222 }, user)!;
    const boundary = /boundary="([^"]+)"/.exec(both)![1]!;
    const parts = both.split(`--${boundary}`).slice(1, -1);
    assert.equal(parts.length, 2);
    assert.match(parts[0]!, /Content-Type: text\/x-shellscript/);
    assert.match(parts[0]!, /Port 2222/);
    assert.match(parts[1]!, /Content-Type: text\/cloud-config/);
    assert.ok(parts[1]!.includes('\n\n#cloud-config\npackages: [httpd]\n'));
    assert.ok(both.endsWith(`--${boundary}--\n`));
    // Same input, same bytes: the recorded hash does not change between runs.
    assert.equal(instanceUserData({ image: 'rhel-8', sshPort: 2222 }, user), both);
    assert.equal(userDataHash(both), userDataHash(instanceUserData({ image: 'rhel-8', sshPort: 2222 }, user)));
  });

  test('a boundary never occurs inside a part', () => {
    const first = combineUserData('#!/bin/sh\n', '#!/bin/sh\necho x\n')!;
    const boundary = /boundary="([^"]+)"/.exec(first)![1]!;
    const hostile = combineUserData('#!/bin/sh\n', `#!/bin/sh\necho ${boundary}\n`)!;
    const other = /boundary="([^"]+)"/.exec(hostile)![1]!;
    assert.notEqual(other, boundary);
    assert.equal(hostile.split(`--${other}`).length, 4);
  });
});

describe('the user data elsewhere', () => {
  test('the CloudFormation export launches the instance with the same user data the engine sends', async () => {
    const { toCloudFormation } = await import('../../../src/core/cloudformation');
    const text = inline('#cloud-config\npackages: [httpd]\n', '    sshPort: 2222\n');
    const bp = validateBlueprint(text).blueprint!;
    const template = toCloudFormation(bp, { images: { 'ec2-wp-RHEL8': { imageId: 'ami-0123456789abcdef0' } } });
    const instance = Object.values(template.Resources).find((r) => r.Type === 'AWS::EC2::Instance')!;
    assert.deepEqual((instance.Properties as { UserData: unknown }).UserData, { 'Fn::Base64': instanceUserData(bp.instances![0]!, '#cloud-config\npackages: [httpd]\n') });
  });

  test('reach --port 80 follows HTTP through the security group rule the tutorial opened, and names the rule when it is gone', async () => {
    const { runCli } = await import('../run-cli');
    const dir = folder();
    const file = join(dir, 'wp.blueprint.yaml');
    writeFileSync(file, inline('#!/bin/bash\necho hi\n'));
    const open = await runCli(['reach', file, '--port', '80', '--json']);
    assert.equal(open.code, 0, open.stderr);
    assert.ok(JSON.parse(open.stdout).hops.some((h: { detail: string }) => h.detail === 'inbound rule tcp 80 from 0.0.0.0/0 (HTTP)'));
    writeFileSync(file, inline('#!/bin/bash\necho hi\n').replace('      - { protocol: tcp, port: 80,  source: 0.0.0.0/0, description: HTTP }\n', ''));
    const closed = await runCli(['reach', file, '--port', '80', '--json']);
    assert.equal(closed.code, 4, closed.stderr);
    assert.match(JSON.parse(closed.stdout).reason, /80/);
  });
});
