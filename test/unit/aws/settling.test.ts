// The settling bookkeeping (which ids AWS may not show yet): pure code, no AWS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Settling, youngForMs } from '../../../src/aws/settling';

test('settling: ids of this run and young ids of the state are fresh, old ones, ones AWS has shown and tags are not; a delete forgets a key pair by name and id', () => {
  const now = 1_000_000_000_000;
  const s = new Settling(() => now);
  s.created(['vpc-1']);
  s.remember(['sg-2'], { createdAt: new Date(now - 10_000).toISOString() });
  s.remember(['sg-old'], { createdAt: new Date(now - youngForMs - 1).toISOString() });
  s.remember(['sg-seen'], { createdAt: new Date(now - 10_000).toISOString(), visibleAt: new Date(now - 5_000).toISOString() });
  s.created(['key-wp', 'key-0abc']);
  assert.deepEqual(s.namedIn({ VpcId: 'vpc-1', GroupIds: ['sg-2', 'sg-old', 'sg-seen'], TagSpecifications: [{ Tags: [{ Key: 'Name', Value: 'key-wp' }] }], Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }] }), ['vpc-1', 'sg-2']);
  assert.ok(s.isYoung({ createdAt: new Date(now - 1000).toISOString() }));
  assert.ok(!s.isYoung({ createdAt: new Date(now - youngForMs - 1).toISOString() }));
  assert.ok(!s.isYoung({ createdAt: new Date(now - 1000).toISOString(), visibleAt: new Date(now - 500).toISOString() }), 'once seen in AWS, a NotFound is the truth');
  s.forget(['key-wp']);
  assert.deepEqual(s.namedIn({ KeyName: 'key-wp', KeyPairIds: ['key-0abc'] }), []);
});
