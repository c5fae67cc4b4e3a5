// A blueprint as YAML text, laid out the way examples/tutorial.blueprint.yaml is written: sections
// in the format's order, `name` first in every resource, the rest in the schema's order, and the
// small things on one line: rules and routes as `{ … }`, name lists as `[a, b]`, the root volume
// and tags as `{ … }`. Pure: the `import` command writes the text.
import { Document, isMap, isSeq, YAMLMap, YAMLSeq, type Node } from 'yaml';
import type { Blueprint } from './schema';
import { knownKeysAt } from './schema';

/** Keys whose value is written on one line (a flow mapping or sequence). */
const flowKeys = new Set(['subnets', 'securityGroups', 'rootVolume', 'tags']);
/** Sections whose items are rules or routes: each item on one line. */
const flowItemKeys = new Set(['routes', 'ingress', 'egress', 'inbound', 'outbound']);

export interface WriteOptions {
  /** Comment lines put above the document (without the leading `#`). */
  header?: string[];
}

/** The blueprint as YAML. validateBlueprint(text) gives back an equal blueprint. */
export function blueprintToYaml(bp: Blueprint, options: WriteOptions = {}): string {
  const doc = new Document(ordered(bp, []), { version: '1.2' });
  style(doc.contents as Node, []);
  if (options.header?.length) doc.commentBefore = options.header.map((line) => ` ${line}`).join('\n');
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: true, indentSeq: true });
  // The tutorial pads flow mappings ({ a: 1 }) but not name lists ([a, b]).
  return text.replace(/^(\s*[A-Za-z]+: )\[ (.*) \]$/gm, '$1[$2]');
}

/** A copy of `value` with mapping keys in the schema's order (`name` first), unknown keys last. */
function ordered(value: unknown, path: (string | number)[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => ordered(item, [...path, i]));
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const schemaKeys = path.at(-1) === 'tags' ? [] : knownKeysAt(path);
  const keys = [...schemaKeys.filter((k) => k in record), ...Object.keys(record).filter((k) => !schemaKeys.includes(k))];
  const out: Record<string, unknown> = {};
  for (const key of keys) if (record[key] !== undefined) out[key] = ordered(record[key], [...path, key]);
  return out;
}

function style(node: Node | null | undefined, path: string[]): void {
  if (isMap(node)) {
    for (const pair of (node as YAMLMap).items) {
      const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
      const value = pair.value as Node | null;
      // At the top, `subnets` and `securityGroups` are sections; inside a resource, lists of names.
      const inResource = path.length > 0;
      if (inResource && flowKeys.has(key) && (isMap(value) || isSeq(value))) {
        value.flow = true;
        continue;
      }
      if (flowItemKeys.has(key) && isSeq(value)) {
        for (const item of (value as YAMLSeq).items) if (isMap(item)) item.flow = true;
        continue;
      }
      style(value, [...path, key]);
    }
  } else if (isSeq(node)) {
    for (const item of (node as YAMLSeq).items) style(item as Node, [...path, '[]']);
  }
}
