// The planner is pure: blueprint + state + observed facts → actions with reasons, and the graph
// the executor walks (creates in dependency order, deletes in reverse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateBlueprint } from '../../../src/core/validate';
import { components } from '../../../src/core/model';
import { desiredOf, stackTag } from '../../../src/core/resource-model';
import { diffAttributes, planApply, planDestroy } from '../../../src/core/planner';
import type { Facts, ObservedResource } from '../../../src/core/provider-contract';
import { emptyState, type StateFile } from '../../../src/core/state';
import type { Blueprint } from '../../../src/core/schema';
import { tutorialText, tutorialWith } from '../builders';

function blueprint(text = tutorialText): Blueprint {
  const result = validateBlueprint(text);
  assert.ok(result.blueprint, JSON.stringify(result.diagnostics));
  return result.blueprint;
}

/** AWS as the blueprint describes it: every component exists with its desired attributes. */
function existing(bp: Blueprint, change: (name: string, attributes: Record<string, unknown>) => void = () => {}): Facts {
  const idOf = (name: string) => `id-${name}`;
  const observed: Record<string, ObservedResource> = {};
  for (const c of components(bp)) {
    const attributes = { ...(desiredOf(bp, c, idOf) as unknown as Record<string, unknown>) };
    if (c.kind === 'instance') Object.assign(attributes, { imageId: 'ami-0b2f6d8c4e1a7f802', state: 'running', rootVolumeSizeGiB: 30 });
    change(c.name, attributes);
    observed[c.name] = { kind: c.kind, name: c.name, id: idOf(c.name), attributes };
  }
  return { observed, strays: [] };
}

function stateOf(bp: Blueprint, facts: Facts): StateFile {
  const state = emptyState(bp.stack, bp.region, new Date(0));
  for (const [name, o] of Object.entries(facts.observed)) if (o) state.resources[name] = { kind: o.kind, id: o.id, attributes: o.attributes, createdAt: '', updatedAt: '' };
  return state;
}

const actionOf = (plan: { actions: { name: string; action: string }[] }) => Object.fromEntries(plan.actions.map((a) => [a.name, a.action]));

test('nothing exists: every component is created, each step waiting only for what it needs', () => {
  const bp = blueprint();
  const { plan, steps } = planApply(bp, undefined, { observed: {}, strays: [] });
  assert.deepEqual(plan.summary, { create: 9, update: 0, replace: 0, delete: 0, keep: 0 });
  assert.ok(plan.actions.every((a) => a.reason === 'It does not exist yet.'));
  const deps = Object.fromEntries(steps.map((s) => [s.name, s.dependsOn.map((d) => steps.find((x) => x.id === d)!.name).sort()]));
  assert.deepEqual(deps['vpc-Atsushi'], []);
  assert.deepEqual(deps['key-wp-RHEL'], [], 'the key pair starts at once, beside the VPC');
  assert.deepEqual(deps['seg-g_wp_Atsushi'], ['vpc-Atsushi']);
  assert.deepEqual(deps['eip-Atsushi'], ['eni-wp-Atsushi', 'igw-Atsushi'], 'an Elastic IP needs the gateway attached');
  assert.deepEqual(deps['ec2-wp-RHEL8'], ['eip-Atsushi', 'eni-wp-Atsushi', 'key-wp-RHEL']);
});

test('everything as declared: all kept, no step', () => {
  const bp = blueprint();
  const facts = existing(bp);
  const { plan, steps } = planApply(bp, stateOf(bp, facts), facts);
  assert.deepEqual(plan.summary, { create: 0, update: 0, replace: 0, delete: 0, keep: 9 });
  assert.deepEqual(steps, []);
});

test('one more ingress rule is an in-place update naming the rule', () => {
  const bp = blueprint(tutorialWith(['description: HTTPS }', 'description: HTTPS }\n      - { protocol: tcp, port: 8080, source: 0.0.0.0/0 }']));
  const facts = existing(blueprint(), () => {});
  const { plan } = planApply(bp, stateOf(bp, facts), facts);
  const update = plan.actions.find((a) => a.action === 'update')!;
  assert.equal(update.name, 'seg-g_wp_Atsushi');
  assert.deepEqual(update.changes, ['add ingress tcp 8080 from 0.0.0.0/0']);
  assert.equal(plan.summary.update, 1);
});

test('a new subnet CIDR replaces the subnet and what cannot move with it, and says why', () => {
  const bp = blueprint(tutorialWith(['cidr: 10.0.1.0/24', 'cidr: 10.0.2.0/24'], ['privateIp: 10.0.1.11', 'privateIp: 10.0.2.11']));
  const facts = existing(blueprint());
  const { plan, steps } = planApply(bp, stateOf(bp, facts), facts);
  const actions = actionOf(plan);
  assert.equal(actions['public-subnet-1a-Atsushi'], 'replace');
  assert.match(plan.actions.find((a) => a.name === 'public-subnet-1a-Atsushi')!.reason, /CIDR 10\.0\.1\.0\/24 → 10\.0\.2\.0\/24 cannot change in place/);
  assert.equal(actions['eni-wp-Atsushi'], 'replace');
  assert.equal(actions['ec2-wp-RHEL8'], 'replace');
  assert.equal(actions['rtb-public-Atsushi'], 'update', 'the route table only re-associates');
  assert.equal(actions['eip-Atsushi'], 'update', 'the address moves to the new interface');
  assert.equal(actions['vpc-Atsushi'], 'keep');
  // Old things go before new ones take their place: the subnet's delete waits for the ENI's and
  // the instance's deletes; the new subnet waits for the old one's delete.
  const id = (name: string, phase: string) => steps.find((s) => s.name === name && s.phase === phase)!.id;
  const subnetDelete = steps.find((s) => s.id === id('public-subnet-1a-Atsushi', 'delete'))!;
  assert.ok(subnetDelete.dependsOn.includes(id('eni-wp-Atsushi', 'delete')));
  assert.ok(steps.find((s) => s.id === id('eni-wp-Atsushi', 'delete'))!.dependsOn.includes(id('ec2-wp-RHEL8', 'delete')));
  assert.ok(steps.find((s) => s.id === id('public-subnet-1a-Atsushi', 'apply'))!.dependsOn.includes(subnetDelete.id));
});

test('in-place and replacing instance changes are told apart', () => {
  const bigger = blueprint(tutorialWith(['instanceType: t2.large', 'instanceType: t3.xlarge'], ['sizeGiB: 30', 'sizeGiB: 50']));
  const facts = existing(blueprint());
  const grown = planApply(bigger, stateOf(bigger, facts), facts).plan.actions.find((a) => a.name === 'ec2-wp-RHEL8')!;
  assert.equal(grown.action, 'update');
  assert.match(grown.reason, /instance type t2\.large → t3\.xlarge \(the instance is stopped, changed and started again\)/);
  assert.match(grown.reason, /grow the root volume 30 → 50 GiB/);

  const smaller = blueprint(tutorialWith(['sizeGiB: 30', 'sizeGiB: 20']));
  const shrunk = planApply(smaller, stateOf(smaller, facts), facts).plan.actions.find((a) => a.name === 'ec2-wp-RHEL8')!;
  assert.equal(shrunk.action, 'replace');
  assert.match(shrunk.reason, /cannot shrink/);

  const otherImage = blueprint(tutorialWith(['image: rhel-8', 'image: rhel-9']));
  const replaced = planApply(otherImage, stateOf(otherImage, facts), facts).plan.actions.find((a) => a.name === 'ec2-wp-RHEL8')!;
  assert.equal(replaced.action, 'replace');
  assert.match(replaced.reason, /image rhel-8 → rhel-9/);
});

test('a newer image for the alias is only a note', () => {
  const bp = blueprint();
  const facts = { ...existing(bp), newestImages: { 'ec2-wp-RHEL8': { imageId: 'ami-new', imageName: 'RHEL-8.10.0_HVM-20250101' } } };
  const { plan } = planApply(bp, stateOf(bp, facts), facts);
  assert.equal(plan.summary.keep, 9);
  assert.match(plan.notes.join('\n'), /newer image.*RHEL-8\.10\.0_HVM-20250101.*keeps ami-0b2f6d8c4e1a7f802/);
});

test('deleted outside the tool: created again, saying so', () => {
  const bp = blueprint();
  const facts = existing(bp);
  const state = stateOf(bp, facts);
  delete facts.observed['igw-Atsushi'];
  const { plan } = planApply(bp, state, facts);
  const igw = plan.actions.find((a) => a.name === 'igw-Atsushi')!;
  assert.equal(igw.action, 'create');
  assert.equal(igw.reason, 'It was deleted outside EC2 Blueprint; it is created again.');
  assert.equal(actionOf(plan)['rtb-public-Atsushi'], 'update', 'the route follows the new gateway');
});

test('--only: the component and its missing dependencies, never a dependant, with a note', () => {
  const bp = blueprint();
  const { plan, steps } = planApply(bp, undefined, { observed: {}, strays: [] }, { only: 'seg-g_wp_Atsushi' });
  assert.deepEqual(plan.actions.map((a) => a.name), ['vpc-Atsushi', 'seg-g_wp_Atsushi']);
  assert.deepEqual(steps.map((s) => s.name), ['vpc-Atsushi', 'seg-g_wp_Atsushi']);
  assert.match(plan.notes[0]!, /"seg-g_wp_Atsushi" needs vpc-Atsushi/);

  const facts = existing(bp);
  delete facts.observed['seg-g_wp_Atsushi'];
  const onlyMissing = planApply(bp, stateOf(bp, facts), facts, { only: 'seg-g_wp_Atsushi' }).plan;
  assert.deepEqual(onlyMissing.actions.map((a) => `${a.action} ${a.name}`), ['keep vpc-Atsushi', 'create seg-g_wp_Atsushi']);
  assert.deepEqual(onlyMissing.notes, [], 'nothing pulled in when the dependencies exist');
});

test('destroy deletes in reverse dependency order', () => {
  const bp = blueprint();
  const { plan, steps } = planDestroy(bp, existing(bp));
  assert.equal(plan.summary.delete, 9);
  const waitsFor = (name: string) => steps.find((s) => s.name === name)!.dependsOn.map((d) => steps.find((s) => s.id === d)!.name).sort();
  assert.deepEqual(waitsFor('ec2-wp-RHEL8'), []);
  assert.deepEqual(waitsFor('eni-wp-Atsushi'), ['ec2-wp-RHEL8', 'eip-Atsushi']);
  assert.deepEqual(waitsFor('igw-Atsushi'), ['ec2-wp-RHEL8', 'eip-Atsushi', 'rtb-public-Atsushi'], 'the gateway goes after the addresses mapped through it');
  assert.deepEqual(waitsFor('vpc-Atsushi'), ['igw-Atsushi', 'public-subnet-1a-Atsushi', 'rtb-public-Atsushi', 'seg-g_wp_Atsushi']);
  assert.deepEqual(waitsFor('key-wp-RHEL'), ['ec2-wp-RHEL8']);
});

test('strays (tagged with the stack, not declared) are deleted', () => {
  const bp = blueprint();
  const facts = existing(bp);
  facts.strays.push({ kind: 'securityGroup', name: 'seg-old', id: 'sg-old', attributes: {} });
  const { plan } = planApply(bp, stateOf(bp, facts), facts);
  const stray = plan.actions.find((a) => a.name === 'seg-old')!;
  assert.equal(stray.action, 'delete');
  assert.match(stray.reason, /no longer declares/);
});

test('a key pair whose private key file is lost: recreated when the engine made it and nothing uses it, otherwise a note', () => {
  const bp = blueprint();
  const facts = existing(bp, (name, attributes) => {
    if (name === 'key-wp-RHEL') attributes.tags = { ...(attributes.tags as object), [stackTag]: bp.stack };
  });
  const unused = planApply(bp, stateOf(bp, facts), { ...facts, missingKeyFiles: ['key-wp-RHEL'], keyPairsInUse: [] }).plan;
  assert.equal(actionOf(unused)['key-wp-RHEL'], 'replace');
  const used = planApply(bp, stateOf(bp, facts), { ...facts, missingKeyFiles: ['key-wp-RHEL'], keyPairsInUse: ['key-wp-RHEL'] }).plan;
  assert.equal(actionOf(used)['key-wp-RHEL'], 'keep');
  assert.match(used.notes.join('\n'), /cannot hand it out again/);
});

test('tags: a changed or removed declared tag is an update; tags added by hand elsewhere are left alone', () => {
  const change = diffAttributes('vpc', { cidr: '10.0.0.0/16', tags: { Name: 'v', Team: 'b' } }, { cidr: '10.0.0.0/16', tags: { Name: 'v', Team: 'a', Owner: 'x', Old: '1' } }, { previousTags: { Old: '1' } });
  assert.deepEqual(change, { replace: [], update: ['tags Team, Old'] });
});

test('security group rules compare as sets, descriptions aside', () => {
  const rule = { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' };
  const same = diffAttributes('securityGroup', { groupName: 'g', description: 'd', ingress: [{ ...rule, description: 'SSH' }], egress: [] }, { groupName: 'g', description: 'd', ingress: [rule], egress: [] });
  assert.deepEqual(same, { replace: [], update: [] });
  const described = diffAttributes('securityGroup', { groupName: 'g', description: 'new', ingress: [], egress: [] }, { groupName: 'g', description: 'old', ingress: [], egress: [] });
  assert.equal(described.replace.length, 1, 'AWS cannot change a group description');
});
