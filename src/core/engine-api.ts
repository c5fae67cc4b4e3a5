// The engine's public face, as types only: the CLI and the VS Code surface code against this and
// load the implementation (dist/engine.js, with the AWS SDK inside) on first use.
import type { CostReport } from './cost';
import type { Advice, CallCount, EventSink, Logger } from './events';
import type { Plan } from './plan';
import type { StateFile } from './state';
import type { PreflightCheck, PreflightResult } from './preflight';

export interface AwsTarget {
  /** Overrides the blueprint's region. */
  region?: string;
  profile?: string;
  /** An EC2 endpoint (a local emulator); the SDK's AWS_ENDPOINT_URL_EC2 works too. */
  endpoint?: string;
}

export interface EngineOptions extends AwsTarget {
  /** Default: beside the blueprint (statePathFor). */
  statePath?: string;
  /** Where private keys are written and read. Default ~/.ssh. */
  keyDir?: string;
  /** Actions at once. Default 10. */
  parallelism?: number;
  signal?: AbortSignal;
  onEvent?: EventSink;
  log?: Logger;
  /** Price the plan from AWS's price list, beside the look at what exists (default true). */
  prices?: boolean;
}

/** A blueprint as the user has it: its path (for the state file and messages) and its text
 * (which may be an unsaved editor buffer). */
export interface BlueprintInput {
  path: string;
  text: string;
}

export interface RunResult {
  ok: boolean;
  plan: Plan;
  state: StateFile;
  calls: CallCount;
  failures: { name: string; message: string; code?: string; advice?: Advice }[];
  /** The checks run before the first change; when one failed nothing was changed. */
  preflight?: { ok: boolean; checks: PreflightCheck[] };
}

export interface DestroyOptions extends EngineOptions {
  /** Sees what would be deleted before anything is; returning false deletes nothing (the call
   * then fails with a usage error, "Nothing was deleted."). */
  confirm?(plan: Plan): Promise<boolean>;
}

export interface EngineApi {
  /** `only`: plan that component and its missing dependencies, as apply --only would. */
  plan(input: BlueprintInput, options: EngineOptions & { only?: string }): Promise<Plan>;
  /** `preflight: false` skips the checks apply makes before its first change. */
  apply(input: BlueprintInput, options: EngineOptions & { only?: string; preflight?: boolean }): Promise<RunResult>;
  /** Asks AWS, changing nothing, whether every action of the blueprint's plan, and its destroy,
   * would be allowed and succeed (src/aws/preflight.ts). */
  preflight(input: BlueprintInput, options: EngineOptions): Promise<PreflightResult>;
  destroy(input: BlueprintInput, options: DestroyOptions): Promise<RunResult>;
  /** Reads what AWS has, records drift in the state file, and returns it. */
  refresh(input: BlueprintInput, options: EngineOptions): Promise<StateFile>;
  /** What the blueprint costs per hour and per 30 days; with a state file also what runs now and
   * about what it has cost so far. Never fails for want of a price: those items are "unknown". */
  cost(input: BlueprintInput, options: EngineOptions): Promise<CostReport>;
}
