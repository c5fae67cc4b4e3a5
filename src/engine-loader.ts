// Loads dist/engine.js (or src/engine.ts under tsx) on first use. Both front ends are bundled
// next to it in dist/, and './engine.js' is external to their bundles.
import type { EngineApi } from './core/engine-api';

let loaded: EngineApi | undefined;

export function loadEngine(): EngineApi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= (require('./engine.js') as { engine: EngineApi }).engine;
  return loaded;
}

/** Named exports of the engine bundle besides `engine` (optional: an older bundle may lack one). */
export interface EngineExports {
  waitUntilSshReady?: typeof import('./aws/instance-wait').waitUntilSshReady;
  reachSnapshot?: typeof import('./aws/reach-live').reachSnapshot;
  stopInstance?: typeof import('./aws/instance-power').stopInstance;
  startInstance?: typeof import('./aws/instance-power').startInstance;
  snapshotVpcAt?: typeof import('./aws/snapshot').snapshotVpcAt;
  listVpcsAt?: typeof import('./aws/snapshot').listVpcsAt;
}

/** The engine bundle's other named exports, loaded the same way as the engine. */
export function loadEngineExports(): EngineExports {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./engine.js') as EngineExports;
}
