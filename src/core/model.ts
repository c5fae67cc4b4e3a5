// The blueprint seen as a set of components with their dependencies: what the planner, the
// executor, the diagram and the VS Code surface all walk.
import type { Blueprint } from './schema';
import type { Path } from './diagnostics';

export const kinds = [
  'vpc',
  'subnet',
  'internetGateway',
  'routeTable',
  'securityGroup',
  'networkAcl',
  'networkInterface',
  'elasticIp',
  'natGateway',
  'keyPair',
  'instance',
] as const;
export type Kind = (typeof kinds)[number];

/** Where each kind lives in the file. */
export const sectionOf: Record<Kind, keyof Blueprint> = {
  vpc: 'vpc',
  subnet: 'subnets',
  internetGateway: 'internetGateway',
  routeTable: 'routeTables',
  securityGroup: 'securityGroups',
  networkAcl: 'networkAcls',
  networkInterface: 'networkInterfaces',
  elasticIp: 'elasticIps',
  natGateway: 'natGateways',
  keyPair: 'keyPairs',
  instance: 'instances',
};

export interface Component<K extends Kind = Kind> {
  kind: K;
  name: string;
  /** Path of the resource's mapping in the YAML document. */
  path: Path;
  /** Names of the components this one needs to exist first. */
  dependsOn: string[];
}

type SpecOf = {
  vpc: Blueprint['vpc'];
  subnet: NonNullable<Blueprint['subnets']>[number];
  internetGateway: NonNullable<Blueprint['internetGateway']>;
  routeTable: NonNullable<Blueprint['routeTables']>[number];
  securityGroup: NonNullable<Blueprint['securityGroups']>[number];
  networkAcl: NonNullable<Blueprint['networkAcls']>[number];
  networkInterface: NonNullable<Blueprint['networkInterfaces']>[number];
  elasticIp: NonNullable<Blueprint['elasticIps']>[number];
  natGateway: NonNullable<Blueprint['natGateways']>[number];
  keyPair: NonNullable<Blueprint['keyPairs']>[number];
  instance: NonNullable<Blueprint['instances']>[number];
};
export type Spec<K extends Kind> = SpecOf[K];

/** Every resource of the blueprint, in the tutorial's order of kinds, then file order. */
export function components(bp: Blueprint): Component[] {
  const out: Component[] = [];
  const add = (kind: Kind, name: string, path: Path, deps: (string | undefined)[]) =>
    out.push({ kind, name, path, dependsOn: unique(deps.filter((d): d is string => !!d && d !== name)) });
  const vpcName = bp.vpc.name;
  add('vpc', vpcName, ['vpc'], []);
  bp.subnets?.forEach((s, i) => add('subnet', s.name, ['subnets', i], [vpcName]));
  if (bp.internetGateway) add('internetGateway', bp.internetGateway.name, ['internetGateway'], [vpcName]);
  bp.routeTables?.forEach((r, i) =>
    add('routeTable', r.name, ['routeTables', i], [vpcName, ...(r.routes ?? []).map((x) => x.target), ...(r.subnets ?? [])]),
  );
  const sgNames = new Set((bp.securityGroups ?? []).map((g) => g.name));
  bp.securityGroups?.forEach((g, i) =>
    add('securityGroup', g.name, ['securityGroups', i], [
      vpcName,
      ...[...(g.ingress ?? []).map((r) => r.source), ...(g.egress ?? []).map((r) => r.destination)].filter((n) => sgNames.has(n)),
    ]),
  );
  bp.networkAcls?.forEach((a, i) => add('networkAcl', a.name, ['networkAcls', i], [vpcName, ...(a.subnets ?? [])]));
  bp.networkInterfaces?.forEach((n, i) =>
    add('networkInterface', n.name, ['networkInterfaces', i], [n.subnet, ...(n.securityGroups ?? [])]),
  );
  bp.elasticIps?.forEach((e, i) => add('elasticIp', e.name, ['elasticIps', i], [e.networkInterface]));
  // A NAT gateway in a subnet without a way out fails on AWS: it waits for the internet gateway.
  bp.natGateways?.forEach((n, i) => add('natGateway', n.name, ['natGateways', i], [n.subnet, n.elasticIp, bp.internetGateway?.name]));
  bp.keyPairs?.forEach((k, i) => add('keyPair', k.name, ['keyPairs', i], []));
  bp.instances?.forEach((inst, i) => {
    // The instance waits for the Elastic IP on its interface so the address it records is final.
    const eips = (bp.elasticIps ?? []).filter((e) => e.networkInterface && e.networkInterface === inst.networkInterface);
    add('instance', inst.name, ['instances', i], [
      inst.networkInterface,
      inst.subnet,
      ...(inst.securityGroups ?? []),
      inst.keyPair,
      ...eips.map((e) => e.name),
    ]);
  });
  return out;
}

export function specOf<K extends Kind>(bp: Blueprint, component: Component<K>): Spec<K> {
  let value: unknown = bp;
  for (const step of component.path) value = (value as Record<string | number, unknown>)[step];
  return value as Spec<K>;
}

/** Components ordered so each comes after everything it depends on (stable: ties keep the
 * tutorial order). Unknown dependency names are ignored; validation reports them. */
export function dependencyOrder(list: readonly Component[]): Component[] {
  const byName = new Map(list.map((c) => [c.name, c]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: Component[] = [];
  const visit = (c: Component) => {
    if (done.has(c.name) || visiting.has(c.name)) return;
    visiting.add(c.name);
    for (const d of c.dependsOn) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    visiting.delete(c.name);
    done.add(c.name);
    out.push(c);
  };
  list.forEach(visit);
  return out;
}

/** Names of the components `name` needs, directly or not, nearest last. */
export function dependenciesOf(list: readonly Component[], name: string): string[] {
  const byName = new Map(list.map((c) => [c.name, c]));
  const seen = new Set<string>();
  const walk = (n: string) => {
    for (const d of byName.get(n)?.dependsOn ?? []) {
      if (!seen.has(d) && byName.has(d)) {
        seen.add(d);
        walk(d);
      }
    }
  };
  walk(name);
  return dependencyOrder(list.filter((c) => seen.has(c.name))).map((c) => c.name);
}

/** Names of the components that need `name`, directly or not. */
export function dependantsOf(list: readonly Component[], name: string): string[] {
  return list.filter((c) => dependenciesOf(list, c.name).includes(name)).map((c) => c.name);
}

/** A dependency cycle among the components, if there is one (security groups may name each
 * other in rules). */
export function findCycle(list: readonly Component[]): string[] | undefined {
  const byName = new Map(list.map((c) => [c.name, c]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'visiting') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'visiting');
    stack.push(n);
    for (const d of byName.get(n)?.dependsOn ?? []) {
      if (!byName.has(d)) continue;
      const cycle = visit(d);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const c of list) {
    const cycle = visit(c.name);
    if (cycle) return cycle;
  }
  return undefined;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
