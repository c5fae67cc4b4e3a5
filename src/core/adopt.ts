// The state file of an imported VPC: every resource of the written blueprint, adopted by its AWS id,
// with the attributes the engine itself records after an apply, so the next plan compares like with
// like and finds nothing to do. Pure.
import { components, type Kind } from './model';
import { desiredOf } from './resource-model';
import type { Blueprint } from './schema';
import { stateVersion, statePathFor, type StateFile } from './state';
import { blueprintToYaml } from './blueprint-writer';
import { validateBlueprint } from './validate';
import type { Diagnostic } from './diagnostics';

export interface AdoptedResource {
  kind: Kind;
  id: string;
  attributes: Record<string, unknown>;
}

export function adoptionState(bp: Blueprint, ids: Record<string, AdoptedResource>, now: Date): StateFile {
  const at = now.toISOString();
  const idOf = (name: string) => ids[name]?.id;
  const resources: StateFile['resources'] = {};
  for (const c of components(bp)) {
    const found = ids[c.name];
    if (!found || found.kind !== c.kind) continue;
    const desired = desiredOf(bp, c, idOf) as unknown as Record<string, unknown>;
    // The record says what AWS has: tags the import did not find (the engine's blueprint:* tags)
    // are not pretended, so no later plan adds them to what the user built by hand.
    const observedTags = (found.attributes.tags ?? Object.fromEntries(Object.entries((desired.tags ?? {}) as Record<string, string>).filter(([k]) => !k.startsWith('blueprint:')))) as Record<string, string>;
    const attributes = withoutUndefined({ ...desired, ...found.attributes, tags: observedTags });
    resources[c.name] = { kind: c.kind, id: found.id, attributes, createdAt: at, updatedAt: at };
  }
  return { version: stateVersion, stack: bp.stack, region: bp.region, updatedAt: at, resources };
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

export interface ImportedBlueprint {
  blueprint: Blueprint;
  /** The blueprint file's text. */
  text: string;
  state: StateFile;
  /** What validation says about the written text (warnings are teaching notes; an error would be a
   * bug of the import, reported rather than hidden). */
  diagnostics: Diagnostic[];
}

/** The blueprint text and state file of a VPC read by the snapshot. */
export function importedBlueprint(
  snapshot: { blueprint: Blueprint; ids: Record<string, AdoptedResource>; notes: string[] },
  options: { vpcId: string; file: string; now: Date },
): ImportedBlueprint {
  const header = [
    `Imported from ${options.vpcId} in ${snapshot.blueprint.region} on ${options.now.toISOString().slice(0, 10)} by ec2-blueprint import.`,
    `${statePathFor(options.file)} adopts these resources by their AWS ids, so "plan" finds nothing to do.`,
    ...snapshot.notes.map((note) => `Left out: ${note.replace(/\s+/g, ' ')}`),
  ];
  const text = blueprintToYaml(snapshot.blueprint, { header });
  const { blueprint, diagnostics } = validateBlueprint(text);
  return { blueprint: blueprint ?? snapshot.blueprint, text, state: adoptionState(blueprint ?? snapshot.blueprint, snapshot.ids, options.now), diagnostics };
}
