// THE place the IAM policy of `ec2-blueprint policy` comes from. Each provider declares the EC2
// actions it calls (its `permissions`, src/aws/<kind>.ts); this file adds what the engine and the
// other commands call beside the providers, and the optional statements other features need.
// A new resource kind (a NAT gateway) declares its actions in its provider; a new optional
// statement (pricing:GetProducts for `cost`, sts:DecodeAuthorizationMessage for decoding refusals)
// is one entry in `optionalStatements` below. test/unit/aws/permissions.test.ts keeps the declarations
// true against the calls in the source, and the preflight DryRuns every mutating action declared.
import type { Kind } from '../core/model';
import type { Blueprint } from '../core/schema';
import { components } from '../core/model';
import { providerFor, providers } from './providers';

/** Calls outside the providers: tagging on create (TagSpecifications needs ec2:CreateTags) and tag
 * updates, the image and instance type questions, the preflight's quota and offering reads, the
 * SSH helper's status checks, `reach --live`'s snapshot and `import`'s reads. */
export const commonActions = {
  mutating: ['CreateTags', 'DeleteTags'],
  read: ['DescribeImages', 'DescribeInstanceTypes', 'DescribeInstanceTypeOfferings', 'DescribeAccountAttributes', 'DescribeAddresses', 'DescribeInstanceStatus', 'DescribeInstances', 'DescribeVolumes'],
} as const;

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: '*';
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Statements other features add when the blueprint needs them: `(bp) => statement`. */
export const optionalStatements: ((bp: Blueprint) => PolicyStatement | undefined)[] = [
  // An UnauthorizedOperation's encoded message is decoded to name what was refused (src/aws/refusals.ts).
  () => ({ Sid: 'DecodeRefusals', Effect: 'Allow', Action: ['sts:DecodeAuthorizationMessage'], Resource: '*' }),
  // Optional: prices for `cost`, the plan's total and the status bar (src/aws/pricing.ts); without
  // it each price says "price unknown" and why, and nothing else changes.
  () => ({ Sid: 'OptionalPricesForCost', Effect: 'Allow', Action: ['pricing:GetProducts'], Resource: '*' }),
];

/** The least-privilege policy for apply, destroy, refresh, reach --live and ssh of `bp`: every
 * EC2 action named (no wildcard), reads in one statement, changes in another. */
export function policyFor(bp: Blueprint): PolicyDocument {
  const kinds = new Set<Kind>(components(bp).map((c) => c.kind));
  const read = new Set<string>(commonActions.read);
  const change = new Set<string>(commonActions.mutating);
  for (const kind of kinds) {
    const p = providerFor(kind).permissions;
    for (const a of p.read) read.add(a);
    for (const a of [...p.create, ...p.update, ...p.delete]) {
      // A key pair is either created or imported.
      if (kind === 'keyPair' && a === 'ImportKeyPair' && !bp.keyPairs?.some((k) => k.publicKeyFile)) continue;
      if (kind === 'keyPair' && a === 'CreateKeyPair' && !bp.keyPairs?.some((k) => !k.publicKeyFile)) continue;
      change.add(a);
    }
  }
  // Every run lists what the stack owns of every kind (a resource left from an older version of
  // the blueprint is found too), and `reach --live` reads the whole VPC: every kind's reads.
  for (const provider of Object.values(providers)) for (const a of provider.permissions.read) read.add(a);
  const ec2 = (names: Set<string>) => [...names].sort().map((a) => `ec2:${a}`);
  const statements: PolicyStatement[] = [
    { Sid: 'ReadEc2', Effect: 'Allow', Action: ec2(read), Resource: '*' },
    { Sid: 'ChangeEc2', Effect: 'Allow', Action: ec2(change), Resource: '*' },
  ];
  for (const extra of optionalStatements) {
    const s = extra(bp);
    if (s) statements.push(s);
  }
  return { Version: '2012-10-17', Statement: statements };
}
