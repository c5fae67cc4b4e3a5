// The product's one word for each kind and status: what every message, view and picture says, in
// English and in Japanese, never the kind's code name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { kinds } from '../../../src/core/model';
import { kindWord, statusWord } from '../../../src/core/vocabulary';
import { validateBlueprint } from '../../../src/core/validate';
import { tutorialWith } from '../builders';

const japanese = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'l10n', 'bundle.l10n.ja.json'), 'utf8')) as Record<string, string>;

test('each kind has a word of its own in English and in Japanese, and none is a camelCase code name', () => {
  const english = kinds.map(kindWord);
  assert.equal(new Set(english).size, kinds.length, english.join(', '));
  for (const kind of kinds) {
    assert.doesNotMatch(kindWord(kind), /[a-z][A-Z]/, `${kind} is said in its code name`);
    assert.ok(japanese[kindWord(kind)], `no Japanese for "${kindWord(kind)}"`);
  }
  assert.equal(kindWord('securityGroup'), 'security group');
});

test('a component not made yet is "planned" in the picture and "not created" in a list, in both languages', () => {
  assert.equal(statusWord('planned'), 'planned');
  assert.equal(statusWord('planned', 'list'), 'not created');
  assert.equal(statusWord('created', 'list'), statusWord('created'));
  l10n.config({ contents: japanese });
  try {
    assert.equal(statusWord('planned', 'list'), japanese['not created']);
    assert.equal(statusWord('drifted'), japanese['drifted']);
  } finally {
    l10n.config({ contents: {} });
  }
});

test('a reference to the wrong kind says both kinds in words', () => {
  // The route's target names the subnet instead of the internet gateway.
  const result = validateBlueprint(tutorialWith(['target: igw-Atsushi', 'target: public-subnet-1a-Atsushi']));
  const finding = result.diagnostics.find((d) => d.code === 'route-target-not-gateway' || d.code === 'wrong-kind-reference');
  assert.ok(finding, JSON.stringify(result.diagnostics));
  assert.match(finding.message, /"public-subnet-1a-Atsushi" is a subnet/);
  assert.doesNotMatch(finding.message, /internetGateway|securityGroup/);
});
