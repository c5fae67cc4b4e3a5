// The one place an EC2 client is made: the SDK's default credential chain, the blueprint's region,
// an optional profile and endpoint (AWS_ENDPOINT_URL_EC2 is read by the SDK itself), the SDK's own
// retry strategy, and a counter of every HTTP request actually sent.
import { EC2Client } from '@aws-sdk/client-ec2';
import type { FinalizeHandler, FinalizeHandlerArguments, HandlerExecutionContext, MetadataBearer } from '@smithy/types';
import { t } from '@vscode/l10n';
import type { AwsTarget } from '../core/engine-api';
import type { CallCount } from '../core/events';
import { Settling, type SettlingClientOptions } from './settling';
import { AwsLayerError } from './aws-error';

export interface Ec2Connection {
  ec2: EC2Client;
  /** Requests sent so far: each retry attempt and each waiter poll counts. */
  calls: CallCount;
  region: string;
  /** The ids that may not be visible everywhere in AWS yet (see settling.ts). */
  settling: Settling;
  /** Where it points, for the other AWS clients a run may need (STS). */
  target: AwsTarget & { region: string };
}

/** How long one HTTP request may go without an answer. */
export const requestTimeoutMs = 30_000;

/** Attempts per request, first one included; the SDK backs off between them. */
export const maxAttempts = 10;

/** Describe*, Get* and List* only read; everything else changes something. */
export function isReadOnlyOperation(commandName: string): boolean {
  return /^(Describe|Get|List)/.test(commandName.replace(/Command$/, ''));
}

/** `quick`: for an optional question (export's image look-up), two attempts and short timeouts. */
export function connectEc2(target: AwsTarget & { region: string }, quick = false): Ec2Connection {
  const ec2 = new EC2Client({
    region: target.region,
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    maxAttempts: quick ? 2 : maxAttempts,
    retryMode: 'adaptive',
    // A request that gets no answer is given up after a while (a create then goes through the
    // look-up-by-tags path) instead of holding the run forever.
    requestHandler: { connectionTimeout: quick ? 3_000 : 10_000, requestTimeout: quick ? 5_000 : requestTimeoutMs, throwOnRequestTimeout: true },
  });
  const calls: CallCount = { mutating: 0, read: 0 };
  // Placed after the retry middleware, so it runs once per attempt, not once per command.
  ec2.middlewareStack.addRelativeTo(
    (next: FinalizeHandler<object, MetadataBearer>, context: HandlerExecutionContext) => async (args: FinalizeHandlerArguments<object>) => {
      const command = String(context.commandName ?? '').replace(/Command$/, '');
      // A DryRun asks whether a change would be allowed; it changes nothing.
      if (isReadOnlyOperation(command) || (args.input as { DryRun?: boolean } | undefined)?.DryRun === true) calls.read++;
      else calls.mutating++;
      try {
        return await next(args);
      } catch (error) {
        const thrown = createOutcomeUnknown(command, error) ?? error;
        // Which call AWS refused, for the advice (refusals.ts).
        if (thrown && typeof thrown === 'object' && !('operation' in thrown)) Object.assign(thrown, { operation: command });
        throw thrown;
      }
    },
    { name: 'ec2BlueprintCallCounter', relation: 'after', toMiddleware: 'retryMiddleware', override: true },
  );
  return { ec2, calls, region: target.region, settling: new Settling(), target };
}

/** Errors the SDK retries by itself (HTTP 500) that are worth a word while it does. */
const retriedWithProgress = new Set(['InsufficientInstanceCapacity']);

/** The EC2 client as one task sees it: every call waits out AWS's settling (settling.ts), and a
 * capacity refusal the SDK retries by itself is told in the progress, attempt by attempt. Waiters
 * given this client go through it too. */
export function taskClient(connection: Ec2Connection, options: SettlingClientOptions): EC2Client {
  const settling = connection.settling.middleware(options);
  const send = (command: { middlewareStack: { add(m: unknown, o: object): void; addRelativeTo(m: unknown, o: object): void } }, ...rest: unknown[]) => {
    command.middlewareStack.add(settling, { step: 'initialize', name: 'ec2BlueprintSettling', override: true });
    let attempt = 0;
    command.middlewareStack.addRelativeTo(
      (next: FinalizeHandler<object, MetadataBearer>) => async (args: FinalizeHandlerArguments<object>) => {
        attempt++;
        try {
          return await next(args);
        } catch (error) {
          const code = (error as { name?: string }).name ?? '';
          if (retriedWithProgress.has(code) && attempt < maxAttempts)
            options.progress(t('AWS has no spare capacity for this right now ({0}); the SDK asks again (attempt {1} of {2}).', code, attempt + 1, maxAttempts));
          throw error;
        }
      },
      { name: 'ec2BlueprintRetryProgress', relation: 'after', toMiddleware: 'retryMiddleware', override: true },
    );
    return (connection.ec2.send as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
  };
  return new Proxy(connection.ec2, { get: (target, prop) => (prop === 'send' ? send : prop === underlyingClient ? target : Reflect.get(target, prop)) });
}

const underlyingClient = Symbol('ec2Blueprint.underlyingClient');

/** The one client behind every task's view of it (taskClient): what per-client caches key on, so
 * an answer one task got (an image look-up) is found by the next. */
export function clientKey(ec2: EC2Client): object {
  return (ec2 as unknown as Record<symbol, object | undefined>)[underlyingClient] ?? ec2;
}

/** Creates that AWS would carry out twice if sent twice (no idempotency token). */
const unguardedCreates = new Set(['CreateVpc', 'CreateSubnet', 'CreateInternetGateway', 'CreateRouteTable', 'CreateSecurityGroup', 'CreateNetworkAcl', 'CreateNetworkInterface', 'AllocateAddress', 'CreateKeyPair', 'ImportKeyPair']);

export const createOutcomeUnknownCode = 'CreateOutcomeUnknown';

/** A create that failed in a way that does not say whether AWS did it (a server error, a timeout,
 * a dropped connection) must not be resent blindly: it becomes an error the SDK does not retry,
 * and the engine looks the resource up by its tags before trying again. Throttling is still the
 * SDK's to retry: a throttled request was not carried out. */
function createOutcomeUnknown(command: string, error: unknown): Error | undefined {
  if (!unguardedCreates.has(command)) return undefined;
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $response?: unknown };
  const status = e.$metadata?.httpStatusCode;
  const throttled = status === 429 || /Throttl|RequestLimitExceeded|TooManyRequests/.test(e.name ?? '');
  const serverSide = status !== undefined && status >= 500;
  const noAnswer = status === undefined && (/Timeout|ECONNRESET|EPIPE|ETIMEDOUT|socket hang up/i.test(`${e.name} ${e.code} ${e.message}`) || e.name === 'TimeoutError');
  if (throttled || !(serverSide || noAnswer)) return undefined;
  return new CreateOutcomeUnknownError(`${command}: AWS did not say whether it was done (${e.name ?? 'error'}${status ? `, HTTP ${status}` : ''}: ${e.message ?? ''})`, e.name);
}

/** No status code and no cause on purpose: either would make the SDK retry it. */
class CreateOutcomeUnknownError extends AwsLayerError {
  readonly $metadata = {};
  constructor(
    message: string,
    readonly originalName: string | undefined,
  ) {
    super(createOutcomeUnknownCode, message);
  }
}
