// Loads dist/engine.js (or src/engine.ts under tsx) on first use. Both front ends are bundled
// next to it in dist/, and './engine.js' is external to their bundles.
import type { EngineApi } from './core/engine-api';

let loaded: EngineApi | undefined;

export function loadEngine(): EngineApi {
  loaded ??= (engineModule() as { engine: EngineApi }).engine;
  return loaded;
}

type L10nContents = Record<string, string>;
let l10nContents: L10nContents | undefined;
type EngineModule = { configureL10n?: (c: { contents: L10nContents }) => void };
let engineModuleLoaded: EngineModule | undefined;

function engineModule(): unknown {
  if (!engineModuleLoaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    engineModuleLoaded = require('./engine.js') as EngineModule;
    if (l10nContents) engineModuleLoaded.configureL10n?.({ contents: l10nContents });
  }
  return engineModuleLoaded;
}

/** The engine bundle has its own copy of @vscode/l10n: its messages (AWS errors, waits, plan
 * reasons) follow the front end's language once the front end hands its strings over here. */
export function setEngineL10n(contents: L10nContents | undefined): void {
  l10nContents = contents;
  if (contents) engineModuleLoaded?.configureL10n?.({ contents });
}

/** Named exports of the engine bundle besides `engine` (optional: an older bundle may lack one). */
export interface EngineExports {
  waitUntilSshReady?: typeof import('./aws/instance-wait').waitUntilSshReady;
  reachSnapshot?: typeof import('./aws/reach-live').reachSnapshot;
  stopInstance?: typeof import('./aws/instance-power').stopInstance;
  startInstance?: typeof import('./aws/instance-power').startInstance;
  snapshotVpcAt?: typeof import('./aws/snapshot').snapshotVpcAt;
  listVpcsAt?: typeof import('./aws/snapshot').listVpcsAt;
  resolveImagesFor?: typeof import('./engine').resolveImagesFor;
  policyFor?: typeof import('./aws/permissions').policyFor;
}

/** The engine bundle's other named exports, loaded the same way as the engine. */
export function loadEngineExports(): EngineExports {
  return engineModule() as EngineExports;
}
