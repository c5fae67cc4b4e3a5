// An image alias means a generally available, pay-as-you-go, available, non-deprecated image of
// the instance type's architecture, whatever newer betas, Cloud Access, deprecated or other-arch
// images the publisher has (test/harness/amis.json holds each of those, newer than the right one).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { EC2Client } from '@aws-sdk/client-ec2';
import { testClientConfig, TEST_REGION } from '../harness/moto';
import { resolveImage } from '../../src/aws/images';
import type { ProviderContext } from '../../src/aws/provider';

const ec2 = new EC2Client(testClientConfig());
after(() => ec2.destroy());
const ctx: ProviderContext = { ec2, stack: 'image-choice', region: TEST_REGION, keyDir: '/nonexistent', progress: () => {} };

test('rhel-8 on t2.large is the GA x86_64 Hourly2 image, not the newer beta, Access2, deprecated or arm64 one', async () => {
  const image = await resolveImage(ctx, 'rhel-8', 't2.large');
  assert.equal(image.imageId, 'ami-0b2f6d8c4e1a7f802');
  assert.equal(image.imageName, 'RHEL-8.10.0_HVM-20240702-x86_64-0-Hourly2-GP3');
  assert.equal(image.architecture, 'x86_64');
  assert.match(image.why ?? '', /x86_64 because t2\.large runs x86_64/);
  assert.match(image.why ?? '', /BETA-20241015-x86_64-0-Hourly2-GP3 \(a beta\)/);
  assert.match(image.why ?? '', /Access2-GP3 \(Cloud Access/);
  assert.doesNotMatch(image.why ?? '', /ami-0c73e5a7b9d1f3809|20240820/, 'AWS does not list the deprecated image at all');
});

test('rhel-8 on t4g.small (Graviton) is the arm64 image', async () => {
  const image = await resolveImage(ctx, 'rhel-8', 't4g.small');
  assert.equal(image.imageId, 'ami-0e3c7f1b9a5d2e805');
  assert.equal(image.architecture, 'arm64');
  assert.match(image.why ?? '', /arm64 because t4g\.small runs arm64/);
});

test('al2023 on m7g.large is the arm64 Amazon Linux image', async () => {
  const image = await resolveImage(ctx, 'al2023', 'm7g.large');
  assert.match(image.imageName ?? '', /arm64$/);
});
