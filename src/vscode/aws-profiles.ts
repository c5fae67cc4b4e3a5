// Profile names from the shared AWS config files. A minimal INI reading: section headers only.
// Pure (no vscode): unit-tested.

/** `[default]`, `[profile dev]` in config; `[dev]` in credentials. `[sso-session x]` and
 * `[services x]` are not profiles. Sorted, default first. */
export function profileNames(configText: string, credentialsText: string): string[] {
  const names = new Set<string>();
  for (const header of sections(configText)) {
    if (header === 'default') names.add('default');
    else if (header.startsWith('profile ')) names.add(header.slice('profile '.length).trim());
  }
  for (const header of sections(credentialsText)) names.add(header);
  return [...names].filter(Boolean).sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
}

function sections(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/.exec(line);
    if (m) out.push(m[1]!.replace(/\s+/g, ' '));
  }
  return out;
}
