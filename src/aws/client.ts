// The one place an EC2 client is made: the SDK's default credential chain, the blueprint's region,
// an optional profile and endpoint (AWS_ENDPOINT_URL_EC2 is read by the SDK itself), the SDK's own
// retry strategy, and a counter of every HTTP request actually sent.
import { EC2Client } from '@aws-sdk/client-ec2';
import type { FinalizeHandler, FinalizeHandlerArguments, HandlerExecutionContext, MetadataBearer } from '@smithy/types';
import type { AwsTarget } from '../core/engine-api';
import type { CallCount } from '../core/events';

export interface Ec2Connection {
  ec2: EC2Client;
  /** Requests sent so far: each retry attempt and each waiter poll counts. */
  calls: CallCount;
  region: string;
}

/** Attempts per request, first one included; the SDK backs off between them. */
export const maxAttempts = 10;

/** Describe*, Get* and List* only read; everything else changes something. */
export function isReadOnlyOperation(commandName: string): boolean {
  return /^(Describe|Get|List)/.test(commandName.replace(/Command$/, ''));
}

export function connectEc2(target: AwsTarget & { region: string }): Ec2Connection {
  const ec2 = new EC2Client({
    region: target.region,
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    maxAttempts,
    retryMode: 'adaptive',
  });
  const calls: CallCount = { mutating: 0, read: 0 };
  // Placed after the retry middleware, so it runs once per attempt, not once per command.
  ec2.middlewareStack.addRelativeTo(
    (next: FinalizeHandler<object, MetadataBearer>, context: HandlerExecutionContext) => async (args: FinalizeHandlerArguments<object>) => {
      if (isReadOnlyOperation(String(context.commandName ?? ''))) calls.read++;
      else calls.mutating++;
      return next(args);
    },
    { name: 'ec2BlueprintCallCounter', relation: 'after', toMiddleware: 'retryMiddleware', override: true },
  );
  return { ec2, calls, region: target.region };
}
