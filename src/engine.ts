// The engine bundle (dist/engine.js): the AWS SDK and everything that talks to EC2. Front ends
// load it on first use through engine-loader.ts, so activation and `validate` stay light.
import type { EngineApi } from './core/engine-api';
import { BlueprintError } from './core/errors';

const notYet = async (): Promise<never> => {
  throw new BlueprintError('runtime', 'The provisioning engine is not built yet.');
};

export const engine: EngineApi = { plan: notYet, apply: notYet, destroy: notYet, refresh: notYet };

// Stop/Start Instance in VS Code (the Elastic IP survives a stop/start).
export { stopInstance, startInstance } from './aws/instance-power';

// `reach --live`: the VPC as AWS has it, for the traffic path analysis.
export { reachSnapshot } from './aws/reach-live';

// SSH: wait until the instance is running and passes 2/2 status checks (VS Code and `ssh`).
export { waitUntilSshReady } from './aws/instance-wait';
