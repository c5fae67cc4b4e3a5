// The CLI speaks the language of LANG / LC_ALL / LC_MESSAGES or --lang (en, ja).
import * as l10n from '@vscode/l10n';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setEngineL10n } from '../engine-loader';

export function cliLanguage(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  // An empty variable counts as unset, as in POSIX locale lookup.
  const raw = flag || env.LC_ALL || env.LC_MESSAGES || env.LANG || 'en';
  return raw.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function configureCliLanguage(flag: string | undefined, env: NodeJS.ProcessEnv): void {
  const lang = cliLanguage(flag, env);
  if (lang === 'en') {
    // English is the source text; reset in case an earlier in-process run chose another language.
    l10n.config({ contents: {} });
    setEngineL10n({});
    return;
  }
  // Bundles sit in l10n/ at the package root (dist/cli.js → ../l10n).
  for (const dir of [join(__dirname, '..', 'l10n'), join(__dirname, '..', '..', 'l10n')]) {
    const file = join(dir, `bundle.l10n.${lang}.json`);
    if (existsSync(file)) {
      const contents = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      l10n.config({ contents });
      setEngineL10n(contents); // dist/engine.js has its own copy of @vscode/l10n
      return;
    }
  }
}
