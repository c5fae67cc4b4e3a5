import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateBlueprint } from '../../../src/core/validate';
import { nodeId } from '../../../src/core/diagram';
import { stepDiagram, tutorialSteps } from '../../../src/core/diagram-steps';
import { components } from '../../../src/core/model';
import { tutorialText } from '../builders';

const tutorial = validateBlueprint(tutorialText).blueprint!;
const has = (mermaid: string, name: string) => mermaid.includes(nodeId(name));

test('the tutorial has six pictures: the final target, then one after each step', () => {
  const steps = tutorialSteps(tutorial);
  assert.equal(steps.length, 6);
  assert.deepEqual(steps[0]!.names.sort(), components(tutorial).map((c) => c.name).sort());
  assert.deepEqual(steps[1]!.names, ['vpc-Atsushi', 'public-subnet-1a-Atsushi', 'igw-Atsushi', 'rtb-public-Atsushi']);
  assert.deepEqual(steps[2]!.added, ['seg-g_wp_Atsushi']);
  assert.deepEqual(steps[3]!.added, ['eni-wp-Atsushi']);
  assert.deepEqual(steps[4]!.added, ['eip-Atsushi']);
  assert.deepEqual(steps[5]!.added, ['key-wp-RHEL', 'ec2-wp-RHEL8']);
  assert.deepEqual(steps[5]!.names.sort(), steps[0]!.names.sort());
});

test('each picture draws what exists after that step and nothing later', () => {
  const partOne = stepDiagram(tutorial, 1).mermaid;
  for (const name of ['vpc-Atsushi', 'public-subnet-1a-Atsushi', 'igw-Atsushi', 'rtb-public-Atsushi']) assert.ok(has(partOne, name), name);
  for (const name of ['seg-g_wp_Atsushi', 'eni-wp-Atsushi', 'eip-Atsushi', 'ec2-wp-RHEL8', 'key-wp-RHEL']) assert.ok(!has(partOne, name), name);
  assert.match(partOne, /0\.0\.0\.0\/0 → igw-Atsushi/);

  const withEni = stepDiagram(tutorial, 3);
  assert.ok(has(withEni.mermaid, 'eni-wp-Atsushi'));
  assert.ok(!has(withEni.mermaid, 'eip-Atsushi'));
  assert.equal(withEni.nodes.find((n) => n.name === 'eni-wp-Atsushi')?.parent, 'seg-g_wp_Atsushi', 'the group is drawn around the interface it protects');

  const withEip = stepDiagram(tutorial, 4).mermaid;
  assert.match(withEip, new RegExp(`${nodeId('eip-Atsushi')} -\\.-\\|"public address"\\| ext_internet`));
  assert.ok(!has(withEip, 'ec2-wp-RHEL8'));
});

test('the components a step adds are highlighted', () => {
  const d = stepDiagram(tutorial, 2);
  const sg = d.nodes.find((n) => n.name === 'seg-g_wp_Atsushi')!;
  assert.equal(sg.added, true);
  assert.ok(!d.nodes.find((n) => n.name === 'vpc-Atsushi')!.added);
  assert.match(d.mermaid, new RegExp(`class [^\\n]*${nodeId('seg-g_wp_Atsushi')}[^\\n]* added`));
});

test('an unknown step is an error', () => {
  assert.throws(() => stepDiagram(tutorial, 9), RangeError);
});
