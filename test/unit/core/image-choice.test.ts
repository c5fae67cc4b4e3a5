import assert from 'node:assert/strict';
import { test } from 'node:test';
import { architectureOfInstanceType, chooseImage } from '../../../src/core/image-choice';

test('Graviton families run arm64, the others x86_64', () => {
  for (const type of ['t4g.small', 'm7g.large', 'c7gn.xlarge', 'r6gd.large', 'x2gd.medium', 'im4gn.large', 'a1.medium', 'g5g.xlarge', 'm8g.large'])
    assert.equal(architectureOfInstanceType(type), 'arm64', type);
  for (const type of ['t2.large', 't3.micro', 'm7i.large', 'g4dn.xlarge', 'c6in.large', 'p4d.24xlarge', 'r7iz.large', 'inf2.xlarge'])
    assert.equal(architectureOfInstanceType(type), 'x86_64', type);
});

const now = new Date('2025-01-01T00:00:00Z');
const image = (imageId: string, name: string, creationDate: string, extra: Record<string, string> = {}) => ({ imageId, name, creationDate, architecture: /arm64/.test(name) ? 'arm64' : 'x86_64', state: 'available', ...extra });

test('the newest GA, Hourly2, available, non-deprecated image of the architecture wins, and the answer says why', () => {
  const images = [
    image('ami-ga', 'RHEL-8.10.0_HVM-20240702-x86_64-0-Hourly2-GP3', '2024-07-02'),
    image('ami-old', 'RHEL-8.10.0_HVM-20240530-x86_64-2-Hourly2-GP3', '2024-05-30'),
    image('ami-beta', 'RHEL-8.10.0_HVM_BETA-20241015-x86_64-0-Hourly2-GP3', '2024-10-15'),
    image('ami-access', 'RHEL-8.10.0_HVM-20240910-x86_64-0-Access2-GP3', '2024-09-10'),
    image('ami-deprecated', 'RHEL-8.10.0_HVM-20240820-x86_64-3-Hourly2-GP3', '2024-08-20', { deprecationTime: '2024-12-01T00:00:00Z' }),
    image('ami-pending', 'RHEL-8.10.0_HVM-20241101-x86_64-0-Hourly2-GP3', '2024-11-01', { state: 'pending' }),
    image('ami-arm', 'RHEL-8.10.0_HVM-20240805-arm64-0-Hourly2-GP3', '2024-08-05'),
  ];
  const x86 = chooseImage('rhel-8', images, 'x86_64', 't2.large', now);
  assert.equal(x86.image?.imageId, 'ami-ga');
  assert.match(x86.why, /newest of 2 .* x86_64 images, x86_64 because t2\.large runs x86_64/);
  for (const reason of ['a beta', 'Cloud Access', 'deprecated since 2024-12-01', 'state pending']) assert.match(x86.why, new RegExp(reason));
  assert.equal(chooseImage('rhel-8', images, 'arm64', 't4g.small', now).image?.imageId, 'ami-arm');
  // A deprecation still in the future does not disqualify.
  const later = chooseImage('rhel-8', [image('ami-x', 'RHEL-8.10.0_HVM-20240820-x86_64-3-Hourly2-GP3', '2024-08-20', { deprecationTime: '2026-01-01T00:00:00Z' })], 'x86_64', 't2.large', now);
  assert.equal(later.image?.imageId, 'ami-x');
  const none = chooseImage('rhel-8', [images[2]!], 'x86_64', 't2.large', now);
  assert.equal(none.image, undefined);
  assert.match(none.why, /No generally available/);
});
