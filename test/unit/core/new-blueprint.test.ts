// New Blueprint writes the tutorial's blueprint with the reader's names; the Getting Started
// walkthrough in the manifest follows the tutorial's order with a working button per step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { newBlueprintFileName, newBlueprintText, regionZones, suffixProblem } from '../../../src/core/new-blueprint';
import { validateBlueprint } from '../../../src/core/validate';
import { components } from '../../../src/core/model';
import { wordpressCloudConfig } from '../../../src/core/wordpress';

const root = join(__dirname, '..', '..', '..');

test('the new blueprint is valid in every offered region and zone, with the reader\'s names in the tutorial\'s order', () => {
  for (const [region, letters] of Object.entries(regionZones)) {
    for (const letter of letters) {
      const text = newBlueprintText({ suffix: 'Hanako', region, availabilityZone: `${region}${letter}` });
      const result = validateBlueprint(text);
      assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), [], `${region}${letter}`);
      assert.equal(result.blueprint?.region, region);
      assert.equal(result.blueprint?.subnets?.[0]?.availabilityZone, `${region}${letter}`);
    }
  }
  const bp = validateBlueprint(newBlueprintText({ suffix: 'Hanako', region: 'ap-northeast-1', availabilityZone: 'ap-northeast-1a' })).blueprint!;
  assert.equal(bp.stack, 'wp-hanako');
  assert.deepEqual(
    components(bp).map((c) => [c.kind, c.name]),
    [
      ['vpc', 'vpc-Hanako'],
      ['subnet', 'public-subnet-1a-Hanako'],
      ['internetGateway', 'igw-Hanako'],
      ['routeTable', 'rtb-public-Hanako'],
      ['securityGroup', 'seg-g_wp_Hanako'],
      ['networkInterface', 'eni-wp-Hanako'],
      ['elasticIp', 'eip-Hanako'],
      ['keyPair', 'key-wp-RHEL-Hanako'],
      ['instance', 'ec2-wp-RHEL8-Hanako'],
    ],
  );
  assert.equal(bp.elasticIps?.[0]?.networkBorderGroup, 'ap-northeast-1', 'the region\'s group, not the AZ the tutorial wrote');
  assert.equal(newBlueprintFileName('Hanako'), 'Hanako.blueprint.yaml');
});

test('a suffix that would break a name is refused with a reason', () => {
  assert.equal(suffixProblem('Atsushi'), undefined);
  assert.equal(suffixProblem('a-1'), undefined);
  assert.match(suffixProblem('') ?? '', /short word/);
  assert.match(suffixProblem('has space') ?? '', /letters, digits/);
  assert.match(suffixProblem('-x') ?? '', /starting with/);
  assert.match(suffixProblem('x'.repeat(33)) ?? '', /32/);
});

test('the comments of the new blueprint are in the reader\'s language', () => {
  l10n.config({ contents: JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.ja.json'), 'utf8')) as Record<string, string> });
  try {
    const text = newBlueprintText({ suffix: 'Atsushi', region: 'ap-northeast-1', availabilityZone: 'ap-northeast-1a' });
    assert.match(text, /^# 5\. セキュリティグループ: インスタンスのファイアウォールです。/m);
    assert.deepEqual(validateBlueprint(text).diagnostics.filter((d) => d.severity === 'error'), []);
  } finally {
    l10n.config({ contents: {} });
  }
});

interface Step {
  id: string;
  title: string;
  description: string;
  media: { image?: string; altText?: string };
  completionEvents: string[];
}

test('the walkthrough has one step per tutorial component in its order, each with its create button, an image and completion on the context key', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const walkthrough = manifest.contributes.walkthroughs?.[0] as { steps: Step[] } | undefined;
  assert.ok(walkthrough, 'contributes.walkthroughs is missing');
  const commands = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
  const nls = { en: JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')), ja: JSON.parse(readFileSync(join(root, 'package.nls.ja.json'), 'utf8')) } as Record<string, Record<string, string>>;
  const order = ['vpc', 'subnet', 'internetGateway', 'routeTable', 'securityGroup', 'networkInterface', 'elasticIp', 'keyPair', 'instance'];
  const componentSteps = walkthrough.steps.filter((s) => s.completionEvents.some((e) => e.startsWith('onContext:ec2Blueprint.created.')));
  // Part two (the private subnet) completes its NAT gateway step on that kind's context key too.
  assert.deepEqual(componentSteps.map((s) => s.completionEvents[0]), [...order, 'natGateway'].map((k) => `onContext:ec2Blueprint.created.${k}`));
  const partOneEnd = walkthrough.steps.slice(-6, -3).map((s) => s.completionEvents[0]);
  assert.deepEqual(partOneEnd, ['onCommand:ec2Blueprint.showTrafficPath', 'onCommand:ec2Blueprint.sshToInstance', 'onCommand:ec2Blueprint.openInBrowser']);
  const partTwo = walkthrough.steps.slice(-3).map((s) => [s.id, s.completionEvents[0]]);
  assert.deepEqual(partTwo, [
    ['privateSubnet', 'onCommand:ec2Blueprint.applyAll'],
    ['natGateway', 'onContext:ec2Blueprint.created.natGateway'],
    ['jumpHost', 'onCommand:ec2Blueprint.addToSshConfig'],
  ]);
  // What the NAT gateway costs, and that destroy takes it away, in both languages.
  assert.match(nls.en!['walkthrough.natGateway.description']!, /billed by the hour even when idle[\s\S]*Destroy deletes it/);
  assert.match(nls.ja!['walkthrough.natGateway.description']!, /使っていなくても時間単位で課金されます[\s\S]*削除はスタックの残りと一緒に NAT ゲートウェイも削除/);
  for (const lang of ['en', 'ja']) assert.match(nls[lang]!['walkthrough.jumpHost.description']!, /ssh -J ec2-user@/);
  for (const lang of ['en', 'ja']) assert.match(nls[lang]!['walkthrough.userData.description']!, /cloud-init-output\.log[\s\S]*(HTTP \(80\)|HTTP \(80\))/);
  for (const step of walkthrough.steps) {
    for (const lang of ['en', 'ja']) {
      const image = nls[lang]![(step.media.image ?? '').replace(/%/g, '')];
      assert.ok(image && existsSync(join(root, image)), `${step.id} (${lang}): image ${image} is missing`);
      const description = nls[lang]![step.description.replace(/%/g, '')];
      assert.ok(description, `${step.id}: no ${lang} description`);
      const button = /\(command:([\w.]+)\)/.exec(description);
      assert.ok(button && commands.has(button[1]!), `${step.id} (${lang}): the button runs no contributed command`);
    }
  }
  assert.match(nls.ja!['walkthrough.securityGroup.description']!, /セキュリティグループはインスタンスのファイアウォールです/);
  assert.equal(nls.ja!['walkthrough.securityGroup.image'], 'media/walkthrough/ja/step-2.png', 'the Japanese walkthrough shows the diagram drawn in Japanese');
});

test('New Blueprint with WordPress: valid, its own stack, key pair and file, and the cloud-config of the example', () => {
  const text = newBlueprintText({ suffix: 'Hanako', region: 'ap-northeast-1', availabilityZone: 'ap-northeast-1a', template: 'wordpress' });
  const result = validateBlueprint(text);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(result.blueprint?.stack, 'wp-hanako-wordpress');
  assert.equal(result.blueprint?.keyPairs?.[0]?.name, 'key-wp-WordPress-Hanako');
  assert.equal(newBlueprintFileName('Hanako', 'wordpress'), 'Hanako-wordpress.blueprint.yaml');
  assert.equal(result.userData?.['ec2-wp-RHEL8-Hanako'], wordpressCloudConfig);
  // The tutorial's blueprint stays without user data.
  assert.equal(validateBlueprint(newBlueprintText({ suffix: 'Hanako', region: 'ap-northeast-1', availabilityZone: 'ap-northeast-1a' })).blueprint?.instances?.[0]?.userData, undefined);
});

test('examples/wordpress.blueprint.yaml validates without errors and carries the same cloud-config', () => {
  const result = validateBlueprint(readFileSync(join(root, 'examples', 'wordpress.blueprint.yaml'), 'utf8'));
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(result.diagnostics.map((d) => d.code), ['ssh-open-to-world'], 'the tutorial\'s one teaching note, nothing about the user data');
  assert.equal(result.userData?.['ec2-wp-RHEL8'], wordpressCloudConfig);
  // What the issue asks of it: RHEL 8's module streams, SELinux booleans, firewalld, a password made on the box.
  for (const needle of ['dnf module enable -y php:8.2 mariadb:10.5', 'httpd_can_network_connect_db', 'firewall-cmd --permanent --add-service=http', 'openssl rand'])
    assert.ok(wordpressCloudConfig.includes(needle), needle);
  assert.ok(!/password\s*:/i.test(wordpressCloudConfig));
});

test('New Blueprint offers the private-subnet chapter: the example\'s layout with the reader\'s names, valid with no SSH warning but the world-open bastion', () => {
  const text = newBlueprintText({ suffix: 'Hanako', region: 'us-east-1', availabilityZone: 'us-east-1c', template: 'private' });
  const result = validateBlueprint(text);
  assert.deepEqual(result.diagnostics.map((d) => d.code), ['ssh-open-to-world']);
  const bp = result.blueprint!;
  assert.deepEqual(bp.natGateways, [{ name: 'nat-1c-Hanako', subnet: 'public-subnet-1c-Hanako' }]);
  assert.equal(bp.instances?.find((i) => i.name === 'ec2-app-Hanako')?.sshVia, 'ec2-bastion-Hanako');
  assert.match(text, /billed by the hour even when idle/);
  assert.equal(newBlueprintFileName('Hanako', 'private'), 'Hanako-private.blueprint.yaml');
  // The same layout as the example in the repository.
  const example = validateBlueprint(readFileSync(join(root, 'examples', 'private-subnet.blueprint.yaml'), 'utf8')).blueprint!;
  const shape = (b: typeof bp) => components(b).map((c) => `${c.kind} ${c.name.replace(/-?(Hanako|Atsushi)$/, '').replace(/-1[ac]/, '-1z')}`);
  assert.deepEqual(shape(bp), shape(example));
});
