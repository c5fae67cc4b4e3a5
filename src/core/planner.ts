// The planner: blueprint + state file + what AWS reports → a plan (data), and the execution graph
// the executor walks. Pure: every fact about AWS and the disk comes in as an argument.
import { t } from '@vscode/l10n';
import type { Blueprint } from './schema';
import { components, dependenciesOf, dependencyOrder, type Component, type Kind } from './model';
import { summarize, type ActionKind, type Plan, type PlannedAction } from './plan';
import type { StateFile } from './state';
import type { Change, Facts, ObservedResource } from './provider-contract';
import {
  aclDifference,
  describeRule,
  desiredOf,
  ruleDifference,
  stackTag,
  tagDifference,
  type Association,
  type Attributes,
  type IdOf,
  type Tags,
} from './resource-model';

/** One node of the execution graph: an apply (create/update/replace's create) or a delete. It
 * carries all the runner needs, so the runner never looks back into the plan or the facts. */
export interface Step {
  id: string;
  name: string;
  kind: Kind;
  action: Exclude<ActionKind, 'keep'>;
  phase: 'apply' | 'delete';
  /** The first and the last step of its action (a replace has two: delete the old, create the new):
   * the action is "started" at the first and "done" at the last. */
  first: boolean;
  last: boolean;
  /** What AWS has now that the step acts on: the resource a delete removes (absent when it is gone
   * already), the one an update changes in place. */
  target?: ObservedResource;
  dependsOn: string[];
}

export interface PlanResult {
  plan: Plan;
  steps: Step[];
}

/** The blueprint's components, with the dependencies AWS imposes beyond the references: an
 * Elastic IP can be associated only once the VPC has its internet gateway attached. */
export function componentsWithImplicitDependencies(bp: Blueprint): Component[] {
  const list = components(bp);
  const igw = bp.internetGateway?.name;
  if (!igw) return list;
  return list.map((c) => (c.kind === 'elasticIp' && !c.dependsOn.includes(igw) ? { ...c, dependsOn: [...c.dependsOn, igw] } : c));
}

/** Which kinds may hold a reference to which: a delete waits for the deletes of what may use it. */
const mayDependOn: Record<Kind, Kind[]> = {
  vpc: [],
  subnet: ['vpc'],
  internetGateway: ['vpc'],
  routeTable: ['vpc', 'subnet', 'internetGateway', 'natGateway'],
  securityGroup: ['vpc'],
  networkAcl: ['vpc', 'subnet'],
  networkInterface: ['subnet', 'securityGroup'],
  elasticIp: ['networkInterface', 'internetGateway'],
  natGateway: ['subnet', 'elasticIp', 'internetGateway'],
  keyPair: [],
  instance: ['networkInterface', 'subnet', 'securityGroup', 'keyPair', 'elasticIp', 'internetGateway'],
};

export interface DiffContext {
  /** Tags the blueprint declared last time (from the state), so removed ones are removed. */
  previousTags?: Tags;
  /** The name of a component by its AWS id, for readable changes. */
  nameOfId?: (id: string) => string;
}

/** What differs between the desired and the observed attributes, split into what can change in
 * place and what forces a replacement, each as a readable line. */
export function diffAttributes(kind: Kind, desiredAttributes: object, observedAttributes: Record<string, unknown>, ctx: DiffContext = {}): Change {
  const replace: string[] = [];
  const update: string[] = [];
  const d = desiredAttributes as Record<string, unknown>;
  const o = observedAttributes;
  const nameOf = ctx.nameOfId ?? ((id: string) => id);
  const ref = (key: string, what: string, mutable: boolean) => {
    if (!(key in d)) return;
    const want = d[key] as string | undefined;
    if (want === o[key]) return;
    (mutable ? update : replace).push(want === undefined ? t('its {0} is new or being replaced', what) : t('{0} {1} → {2}', what, nameOf(String(o[key] ?? '-')), nameOf(want)));
  };
  const value = (key: string, what: string, mutable: boolean) => {
    if (d[key] === undefined || d[key] === o[key]) return;
    (mutable ? update : replace).push(t('{0} {1} → {2}', what, String(o[key] ?? '-'), String(d[key])));
  };
  const tags = () => {
    const diff = tagDifference((d.tags ?? {}) as Tags, (o.tags ?? {}) as Tags, ctx.previousTags);
    const changed = [...Object.keys(diff.set), ...diff.remove];
    if (changed.length) update.push(t('tags {0}', changed.join(', ')));
  };
  const associations = (what: string) => {
    const want = ((d.associations ?? []) as Association[]).map((a) => a.subnetId);
    const have = new Set(((o.associations ?? []) as Association[]).map((a) => a.subnetId));
    const added = want.filter((s) => s === undefined || !have.has(s));
    const kept = new Set(want);
    const removed = [...have].filter((s) => !kept.has(s));
    for (const s of added) update.push(s ? t('associate {0} with {1}', what, nameOf(s)) : t('associate {0} with a new subnet', what));
    for (const s of removed) update.push(t('disassociate {0} from {1}', what, nameOf(s)));
  };

  switch (kind) {
    case 'vpc':
      value('cidr', 'CIDR', false);
      break;
    case 'subnet':
      ref('vpcId', 'VPC', false);
      value('cidr', 'CIDR', false);
      value('availabilityZone', t('availability zone'), false);
      break;
    case 'internetGateway':
      ref('vpcId', t('attached VPC'), true);
      break;
    case 'routeTable': {
      ref('vpcId', 'VPC', false);
      const want = (d.routes ?? []) as Attributes<'routeTable'>['routes'];
      const have = new Map(((o.routes ?? []) as Attributes<'routeTable'>['routes']).map((r) => [r.destination, r.gatewayId]));
      for (const r of want) {
        if (!have.has(r.destination)) update.push(t('add route {0}', r.destination));
        else if (r.gatewayId === undefined || have.get(r.destination) !== r.gatewayId) update.push(t('change route {0}', r.destination));
      }
      const wanted = new Set(want.map((r) => r.destination));
      for (const dest of have.keys()) if (!wanted.has(dest)) update.push(t('remove route {0}', dest));
      associations(t('the route table'));
      break;
    }
    case 'securityGroup': {
      ref('vpcId', 'VPC', false);
      value('description', t('description (AWS cannot change it)'), false);
      for (const direction of ['ingress', 'egress'] as const) {
        const diff = ruleDifference((d[direction] ?? []) as Attributes<'securityGroup'>['ingress'], (o[direction] ?? []) as Attributes<'securityGroup'>['ingress']);
        for (const r of diff.add) update.push(t('add {0}', describeRule(r, direction, nameOf)));
        for (const r of diff.remove) update.push(t('remove {0}', describeRule(r, direction, nameOf)));
      }
      break;
    }
    case 'networkAcl': {
      ref('vpcId', 'VPC', false);
      const diff = aclDifference((d.entries ?? []) as Attributes<'networkAcl'>['entries'], (o.entries ?? []) as Attributes<'networkAcl'>['entries']);
      for (const e of diff.create) update.push(t('add {0} rule {1}', e.egress ? 'outbound' : 'inbound', e.rule));
      for (const e of diff.replace) update.push(t('change {0} rule {1}', e.egress ? 'outbound' : 'inbound', e.rule));
      for (const e of diff.remove) update.push(t('remove {0} rule {1}', e.egress ? 'outbound' : 'inbound', e.rule));
      associations(t('the network ACL'));
      break;
    }
    case 'networkInterface': {
      ref('subnetId', t('subnet'), false);
      value('privateIp', t('private IP'), false);
      const want = (d.groupIds ?? []) as (string | undefined)[];
      const have = (o.groupIds ?? []) as string[];
      if (want.some((g) => g === undefined) || want.length !== have.length || want.some((g) => !have.includes(g!)))
        update.push(t('security groups {0} → {1}', have.map(nameOf).join(', ') || '-', want.map((g) => (g ? nameOf(g) : t('(new)'))).join(', ') || '-'));
      if ((d.description ?? '') !== (o.description ?? '')) update.push(t('description'));
      break;
    }
    case 'elasticIp': {
      // Not every endpoint reports the border group; only a reported, different one counts.
      if (o.networkBorderGroup !== undefined) value('networkBorderGroup', t('network border group'), false);
      if (d.natGateway) break;
      if (d.associate) ref('networkInterfaceId', t('network interface'), true);
      else if (o.networkInterfaceId) update.push(t('disassociate from {0}', nameOf(String(o.networkInterfaceId))));
      break;
    }
    case 'natGateway':
      // A NAT gateway cannot move or change its address: both mean a new one.
      ref('subnetId', t('subnet'), false);
      if (d.ownAddress) {
        if (o.ownAddress === false) replace.push(t('Elastic IP {0} → its own address', nameOf(String(o.allocationId ?? '-'))));
      } else ref('allocationId', t('Elastic IP'), false);
      break;
    case 'keyPair':
      if ((d.publicKeyFile ?? undefined) !== (o.publicKeyFile ?? undefined)) replace.push(t('public key file {0} → {1}', String(o.publicKeyFile ?? '-'), String(d.publicKeyFile ?? '-')));
      break;
    case 'instance': {
      if (d.image !== o.image) replace.push(t('image {0} → {1}', String(o.image ?? o.imageId ?? '-'), String(d.image)));
      else if (/^ami-/.test(String(d.image)) && o.imageId && o.imageId !== d.image) replace.push(t('image {0} → {1}', String(o.imageId), String(d.image)));
      ref('networkInterfaceId', t('network interface'), false);
      ref('subnetId', t('subnet'), false);
      value('privateIp', t('private IP'), false);
      value('keyName', t('key pair'), false);
      if (d.rootVolumeEncrypted !== (o.rootVolumeEncrypted ?? d.rootVolumeEncrypted)) replace.push(t('root volume encryption'));
      if (d.sshPort !== (o.sshPort ?? 22)) replace.push(t('SSH port {0} → {1} (set at first boot)', String(o.sshPort ?? 22), String(d.sshPort)));
      // Compared only when both sides know it (a state written before user data was recorded,
      // or AWS refusing DescribeInstanceAttribute, does not count as a change).
      else if ('userDataHash' in d && 'userDataHash' in o && d.userDataHash !== o.userDataHash)
        replace.push(
          o.userDataHash === undefined
            ? t('user data added (AWS runs user data only at first boot, so a new instance is launched)')
            : d.userDataHash === undefined
              ? t('user data removed (AWS runs user data only at first boot, so a new instance is launched)')
              : t('user data changed (AWS runs user data only at first boot, so a new instance is launched)'),
        );
      if (typeof d.rootVolumeSizeGiB === 'number' && typeof o.rootVolumeSizeGiB === 'number' && d.rootVolumeSizeGiB !== o.rootVolumeSizeGiB) {
        if (d.rootVolumeSizeGiB > o.rootVolumeSizeGiB) update.push(t('grow the root volume {0} → {1} GiB', o.rootVolumeSizeGiB, d.rootVolumeSizeGiB));
        else replace.push(t('root volume {0} → {1} GiB (a volume cannot shrink)', o.rootVolumeSizeGiB, d.rootVolumeSizeGiB));
      }
      if (o.rootVolumeType && d.rootVolumeType !== o.rootVolumeType) update.push(t('root volume type {0} → {1}', String(o.rootVolumeType), String(d.rootVolumeType)));
      if (d.instanceType !== o.instanceType) update.push(t('instance type {0} → {1} (the instance is stopped, changed and started again)', String(o.instanceType), String(d.instanceType)));
      if (d.metadataTokens !== (o.metadataTokens ?? d.metadataTokens)) update.push(t('metadata tokens {0} → {1}', String(o.metadataTokens), String(d.metadataTokens)));
      if (o.state === 'stopped' || o.state === 'stopping') update.push(t('it is stopped: start it'));
      if (d.sshUser !== o.sshUser && o.sshUser !== undefined) update.push(t('SSH user {0} → {1}', String(o.sshUser), String(d.sshUser)));
      break;
    }
  }
  tags();
  return { replace, update };
}

export interface PlanOptions {
  /** Apply only this component and its missing dependencies. */
  only?: string;
  keyDir?: string;
}

/** Compares blueprint, state and AWS, and returns the plan with its execution graph. */
export function planApply(bp: Blueprint, state: StateFile | undefined, facts: Facts, options: PlanOptions = {}): PlanResult {
  const list = dependencyOrder(componentsWithImplicitDependencies(bp));
  const futureIds = new Map<string, string | undefined>();
  const idOf: IdOf = (name) => futureIds.get(name);
  const nameOfId = nameResolver(facts, state);
  const actions: PlannedAction[] = [];
  const notes: string[] = [];
  const usedKeyPairs = new Set(facts.keyPairsInUse ?? []);

  for (const c of list) {
    const observed = facts.observed[c.name];
    const previous = state?.resources[c.name];
    // A rule may name its own group: while comparing, that group's id is the one AWS has.
    if (observed && c.kind === 'securityGroup') futureIds.set(c.name, observed.id);
    const desired = desiredOf(bp, c, idOf);
    const base = { kind: c.kind, name: c.name, dependsOn: c.dependsOn };
    if (!observed) {
      futureIds.set(c.name, undefined);
      const failure = state?.failures?.[c.name];
      const reason = previous
        ? t('It was deleted outside EC2 Blueprint; it is created again.')
        : failure
          ? t('Its last attempt failed ({0}); it is tried again.', failure.code ?? failure.message)
          : state?.operations?.[c.name]
            ? t('An earlier run was interrupted before it was created.')
            : t('It does not exist yet.');
      actions.push({ ...base, action: 'create', reason });
      continue;
    }
    const change = diffAttributes(c.kind, desired, observed.attributes, { previousTags: (previous?.attributes.tags ?? {}) as Tags, nameOfId });
    if (c.kind === 'keyPair' && !(desired as Attributes<'keyPair'>).publicKeyFile && facts.missingKeyFiles?.includes(c.name)) {
      const ours = (observed.attributes.tags as Tags | undefined)?.[stackTag] === bp.stack;
      if (ours && !usedKeyPairs.has(c.name)) {
        change.replace.push(t('its private key file is missing and AWS cannot hand it out again; no instance uses it yet, so the key pair is deleted and created again'));
      } else {
        notes.push(
          t(
            'The private key of key pair "{0}" is not in the key directory, and AWS cannot hand it out again. If you still have the .pem file, put it back (or pass --key-dir); otherwise delete the key pair and the instances that use it, and apply again to get a new one.',
            c.name,
          ),
        );
      }
    }
    if (c.kind === 'instance') {
      const newest = facts.newestImages?.[c.name];
      if (newest && observed.attributes.imageId && newest.imageId !== observed.attributes.imageId)
        notes.push(t('A newer image for "{0}" exists ({1}); the instance keeps {2}. Replace the instance to use the newer one.', c.name, newest.imageName ?? newest.imageId, String(observed.attributes.imageId)));
    }
    if (change.replace.length) {
      futureIds.set(c.name, undefined);
      actions.push({ ...base, action: 'replace', id: observed.id, reason: t('{0} cannot change in place, so it is replaced.', change.replace.join('; ')), changes: [...change.replace, ...change.update] });
    } else if (change.update.length) {
      futureIds.set(c.name, observed.id);
      actions.push({ ...base, action: 'update', id: observed.id, reason: t('Changed in place: {0}.', change.update.join('; ')), changes: change.update });
    } else {
      futureIds.set(c.name, observed.id);
      actions.push({ ...base, action: 'keep', id: observed.id, reason: t('It matches the blueprint.') });
    }
  }

  for (const stray of facts.strays) {
    actions.push({
      action: 'delete',
      kind: stray.kind,
      name: stray.name,
      id: stray.id,
      dependsOn: [],
      reason: list.some((c) => c.name === stray.name) ? t('A duplicate of "{0}" tagged with this stack (left by an interrupted run).', stray.name) : t('The blueprint no longer declares it.'),
    });
  }

  let selected = actions;
  if (options.only) {
    const needed = new Set([options.only, ...dependenciesOf(list, options.only)]);
    selected = actions.filter((a) => a.action !== 'delete' && needed.has(a.name));
    const pulled = selected.filter((a) => a.name !== options.only && a.action !== 'keep').map((a) => a.name);
    if (pulled.length) notes.push(t('"{0}" needs {1}, which do not exist yet or differ from the blueprint; they are applied first.', options.only, pulled.join(', ')));
  }
  // A NAT gateway costs while it exists, busy or not: said whenever one is created.
  for (const a of selected)
    if (a.kind === 'natGateway' && (a.action === 'create' || a.action === 'replace'))
      notes.push(t('NAT gateway "{0}" is billed by the hour even when idle (plus each GB it carries): destroy the stack when you are done with it.', a.name));
  const plan: Plan = { actions: selected, summary: summarize(selected), notes };
  return { plan, steps: stepsOf(plan.actions, list, facts) };
}

/** Everything the stack owns, deleted in reverse dependency order. */
export function planDestroy(bp: Blueprint, facts: Facts): PlanResult {
  const list = componentsWithImplicitDependencies(bp);
  const actions: PlannedAction[] = [];
  const seen = new Set<string>();
  for (const c of [...dependencyOrder(list)].reverse()) {
    const observed = facts.observed[c.name];
    if (!observed) continue;
    seen.add(observed.id);
    actions.push({ action: 'delete', kind: c.kind, name: c.name, id: observed.id, dependsOn: [], reason: t('Destroy deletes everything the blueprint created.') });
  }
  for (const [name, observed] of Object.entries(facts.observed)) {
    if (!observed || seen.has(observed.id)) continue;
    seen.add(observed.id);
    actions.push({ action: 'delete', kind: observed.kind, name, id: observed.id, dependsOn: [], reason: t('It is tagged with this stack.') });
  }
  for (const stray of facts.strays) {
    if (seen.has(stray.id)) continue;
    seen.add(stray.id);
    actions.push({ action: 'delete', kind: stray.kind, name: stray.name, id: stray.id, dependsOn: [], reason: t('It is tagged with this stack.') });
  }
  const plan: Plan = { actions, summary: summarize(actions), notes: [] };
  return { plan, steps: stepsOf(actions, list, facts) };
}

/** The execution graph: a step per create/update, two per replace (delete the old one, then create
 * the new one), one per delete. An apply waits for its dependencies' applies (and for the deletes of
 * the same kind, which may free a CIDR, an address or a name); a delete waits for the deletes of
 * whatever may use the thing. */
export function stepsOf(actions: readonly PlannedAction[], list: readonly Component[], facts: Facts): Step[] {
  const byName = new Map(list.map((c) => [c.name, c]));
  const strayById = new Map(facts.strays.map((s) => [s.id, s]));
  const steps: Step[] = [];
  const applyIds = new Map<string, string>();
  const deletes: { step: Step; name: string; kind: Kind }[] = [];
  actions.forEach((a, i) => {
    if (a.action === 'keep') return;
    const key = `${a.name}#${i}`;
    const base = { name: a.name, kind: a.kind, action: a.action };
    if (a.action === 'delete' || a.action === 'replace') {
      // A stray (a duplicate, or a component no longer declared) is found by its id.
      const target = (a.id ? strayById.get(a.id) : undefined) ?? facts.observed[a.name];
      const step: Step = { ...base, id: `${key}:delete`, phase: 'delete', first: true, last: a.action === 'delete', ...(target ? { target } : {}), dependsOn: [] };
      steps.push(step);
      deletes.push({ step, name: a.name, kind: a.kind });
    }
    if (a.action === 'create' || a.action === 'update' || a.action === 'replace') {
      const target = a.action === 'update' ? facts.observed[a.name] : undefined;
      const step: Step = { ...base, id: `${key}:apply`, phase: 'apply', first: a.action !== 'replace', last: true, ...(target ? { target } : {}), dependsOn: [] };
      if (a.action === 'replace') step.dependsOn.push(`${key}:delete`);
      steps.push(step);
      applyIds.set(a.name, step.id);
    }
  });
  for (const step of steps) {
    if (step.phase === 'apply') {
      for (const dep of byName.get(step.name)?.dependsOn ?? []) {
        const id = applyIds.get(dep);
        if (id) step.dependsOn.push(id);
      }
      for (const d of deletes) if (d.kind === step.kind && d.step.id !== `${step.id.slice(0, -':apply'.length)}:delete` && !step.dependsOn.includes(d.step.id)) step.dependsOn.push(d.step.id);
    } else {
      for (const other of deletes) {
        if (other.step === step) continue;
        const usesIt =
          mayDependOn[other.kind].includes(step.kind) ||
          (other.kind === step.kind && (byName.get(other.name)?.dependsOn ?? []).includes(step.name));
        if (usesIt) step.dependsOn.push(other.step.id);
      }
    }
  }
  return steps;
}

function nameResolver(facts: Facts, state: StateFile | undefined): (id: string) => string {
  const names = new Map<string, string>();
  for (const [name, r] of Object.entries(state?.resources ?? {})) names.set(r.id, name);
  for (const [name, r] of Object.entries(facts.observed)) if (r) names.set(r.id, name);
  return (id) => names.get(id) ?? id;
}

/** The differences between what was last applied (the state) and what AWS reports: drift. */
export function driftOf(state: StateFile, facts: Facts): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const nameOfId = nameResolver(facts, state);
  for (const [name, resource] of Object.entries(state.resources)) {
    const observed = facts.observed[name];
    if (!observed) {
      out[name] = [t('deleted outside EC2 Blueprint')];
      continue;
    }
    const change = diffAttributes(resource.kind, resource.attributes, observed.attributes, { nameOfId });
    const lines = [...change.replace, ...change.update];
    if (lines.length) out[name] = lines;
  }
  return out;
}
