// AWS's eventual consistency ("Eventual consistency in the Amazon EC2 API"), as one mechanism of
// the AWS layer: for a while after a create, any call that names the new id — a read, a write, a
// delete, a create naming it as its parent — can answer that id's NotFound code. A call naming an
// id this run created, or one the state file records as created a few minutes ago or less, waits
// such an answer out with growing, bounded pauses (AWS recommends exponential backoff; Terraform's
// AWS provider waits up to two minutes), saying so in the progress. A call naming no fresh id, or
// one that succeeds, costs nothing more: no extra request, no extra time.
import type { HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, MetadataBearer } from '@smithy/types';
import { t } from '@vscode/l10n';
import type { ResourceState } from '../core/state';
import { isNotFound, errorCode, sleep } from './provider';

/** The longest a single call waits for a fresh id to become visible. */
export const settleBudgetMs = 120_000;

/** A resource created this long ago or less may still be unknown to parts of AWS. */
export const youngForMs = 180_000;

/** The first pause; each next one doubles, up to `maxPauseMs`. */
const firstPauseMs = 500;
const maxPauseMs = 15_000;

type Output = Record<string, unknown> & { Instances?: { InstanceId?: string }[] };
type Input = Record<string, unknown> & { InstanceIds?: string[] };

/** The ids each create returns (a key pair is named by its name and by its id). */
const createdBy: Record<string, (o: Output) => unknown[]> = {
  CreateVpc: (o) => [(o.Vpc as Output | undefined)?.VpcId],
  CreateSubnet: (o) => [(o.Subnet as Output | undefined)?.SubnetId],
  CreateInternetGateway: (o) => [(o.InternetGateway as Output | undefined)?.InternetGatewayId],
  CreateRouteTable: (o) => [(o.RouteTable as Output | undefined)?.RouteTableId],
  CreateSecurityGroup: (o) => [o.GroupId],
  CreateNetworkAcl: (o) => [(o.NetworkAcl as Output | undefined)?.NetworkAclId],
  CreateNetworkInterface: (o) => [(o.NetworkInterface as Output | undefined)?.NetworkInterfaceId],
  AllocateAddress: (o) => [o.AllocationId],
  CreateKeyPair: (o) => [o.KeyName, o.KeyPairId],
  ImportKeyPair: (o) => [o.KeyName, o.KeyPairId],
  RunInstances: (o) => (o.Instances ?? []).map((i) => i.InstanceId),
  AssociateAddress: (o) => [o.AssociationId],
  CreateNatGateway: (o) => [(o.NatGateway as Output | undefined)?.NatGatewayId],
  AssociateRouteTable: (o) => [o.AssociationId],
};

/** The ids each delete makes gone for good: a NotFound for them afterwards is the truth. */
const deletedBy: Record<string, (i: Input) => unknown[]> = {
  DeleteVpc: (i) => [i.VpcId],
  DeleteSubnet: (i) => [i.SubnetId],
  DeleteInternetGateway: (i) => [i.InternetGatewayId],
  DeleteRouteTable: (i) => [i.RouteTableId],
  DeleteSecurityGroup: (i) => [i.GroupId],
  DeleteNetworkAcl: (i) => [i.NetworkAclId],
  DeleteNetworkInterface: (i) => [i.NetworkInterfaceId],
  ReleaseAddress: (i) => [i.AllocationId],
  DeleteKeyPair: (i) => [i.KeyName, i.KeyPairId],
  TerminateInstances: (i) => i.InstanceIds ?? [],
  DisassociateAddress: (i) => [i.AssociationId],
  DeleteNatGateway: (i) => [i.NatGatewayId],
  DisassociateRouteTable: (i) => [i.AssociationId],
};

/** Input members that hold no resource id: a list by filter leaves a fresh resource out, it does
 * not fail; tags, names and scripts are text. */
const notNaming = new Set(['Filters', 'Filter', 'TagSpecifications', 'Tags', 'ClientToken', 'UserData', 'Description', 'GroupName', 'DryRun']);

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object' && !(value instanceof Uint8Array))
    for (const [key, v] of Object.entries(value)) if (!notNaming.has(key)) strings(v, out);
  return out;
}

const ids = (values: unknown[]) => values.filter((v): v is string => typeof v === 'string' && v.length > 0);

export interface SettlingClientOptions {
  progress(message: string): void;
  signal?: AbortSignal;
}

export class Settling {
  /** Fresh ids and when they were created (ms since the epoch). */
  private readonly fresh = new Map<string, number>();
  /** Ids created by the same call (a key pair's name and id) are forgotten together. */
  private readonly together = new Map<string, string[]>();
  /** Fresh ids that a call has since named and succeeded with: AWS shows them now. */
  private readonly visible = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Ids this run's creates returned. */
  created(list: string[], at = this.now()): void {
    for (const id of list) {
      this.fresh.set(id, at);
      this.together.set(id, list);
    }
  }

  /** An id the state file records: remembered only while young and never yet seen in AWS. */
  remember(list: string[], record: Pick<ResourceState, 'createdAt' | 'visibleAt'>): void {
    if (this.isYoung(record)) this.created(list, Date.parse(record.createdAt));
  }

  /** Whether a call has named `id` and succeeded since it was created (so AWS shows it). */
  seen(id: string): boolean {
    return this.visible.has(id);
  }

  forget(list: string[]): void {
    for (const id of list) for (const linked of this.together.get(id) ?? [id]) {
      this.fresh.delete(linked);
      this.together.delete(linked);
    }
  }

  /** The fresh ids a request names. */
  namedIn(input: unknown): string[] {
    if (!this.fresh.size) return [];
    return [...new Set(strings(input).filter((s) => this.fresh.has(s)))];
  }

  /** The middleware every call of a task goes through (client.ts, taskClient): it waits out a
   * NotFound answer for a fresh id the call names; creates and deletes keep the list of fresh ids
   * up to date. */
  middleware(options: SettlingClientOptions) {
    return (next: InitializeHandler<object, MetadataBearer>, context: HandlerExecutionContext) =>
      async (args: InitializeHandlerArguments<object>) => {
        const command = String(context.commandName ?? '').replace(/Command$/, '');
        const input = args.input as Input;
        const started = this.now();
        let pause = firstPauseMs;
        for (;;) {
          try {
            const result = await next(args);
            const named = this.namedIn(input);
            if (named.length) {
              // AWS answered for them: they have settled, and a NotFound from now on is the truth.
              for (const id of named) this.visible.add(id);
              this.forget(named);
            }
            const made = ids(createdBy[command]?.(result.output as unknown as Output) ?? []);
            if (made.length) this.created(made);
            const gone = ids(deletedBy[command]?.(input) ?? []);
            if (gone.length) this.forget(gone);
            return result;
          } catch (error) {
            const named = isNotFound(error) ? this.namedIn(input) : [];
            if (!named.length || options.signal?.aborted) throw error;
            const youngest = Math.max(...named.map((id) => this.fresh.get(id)!));
            const deadline = Math.min(started + settleBudgetMs, youngest + youngForMs);
            if (this.now() + pause > deadline) {
              // Waited long enough: from now on a NotFound for these ids is believed.
              this.forget(named);
              throw error;
            }
            options.progress(t('{0} is not visible in AWS yet ({1}); a new resource can take a few seconds to appear everywhere. Trying again in {2} s.', named.join(', '), errorCode(error) ?? 'NotFound', (pause / 1000).toFixed(1)));
            await sleep(pause, options.signal);
            pause = Math.min(pause * 2, maxPauseMs);
          }
        }
      };
  }

  /** Whether the state records a resource created recently enough, and never seen in AWS since,
   * that AWS may not show it yet. */
  isYoung(record: Pick<ResourceState, 'createdAt' | 'visibleAt'>): boolean {
    if (record.visibleAt) return false;
    const at = Date.parse(record.createdAt);
    return Number.isFinite(at) && this.now() - at < youngForMs;
  }
}
