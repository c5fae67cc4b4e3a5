// The command-line front: `ec2-blueprint COMMAND FILE [flags]`. Exit codes and output shapes are
// a contract (DESIGN.md section 4): 0 ok, 1 invalid blueprint, 2 usage, 3 AWS/runtime,
// 4 traffic blocked, 5 preflight refused, 130 interrupted; under --json stdout holds one JSON document only.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { t } from '@vscode/l10n';
import { commands } from './commands/index';
import type { CliIo } from './command';
import { BlueprintError, exitCodeOf } from '../core/errors';
import { configureCliLanguage } from './language';

const commonOptions: NonNullable<ParseArgsConfig['options']> = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  state: { type: 'string' },
  'key-dir': { type: 'string' },
  parallelism: { type: 'string' },
  json: { type: 'boolean' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const langIndex = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const lang = langIndex < 0 ? undefined : argv[langIndex]!.includes('=') ? argv[langIndex]!.split('=')[1] : argv[langIndex + 1];
  configureCliLanguage(lang, io.env);

  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stderr(help());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.stdout(process.env.EC2BP_VERSION ?? '0.1.0');
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(t('Unknown command "{0}".', name) + '\n' + help());
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...commonOptions, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${t('Usage')}: ec2-blueprint ${command.usage}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stderr(`${t('Usage')}: ec2-blueprint ${command.usage}\n${command.summary}`);
    return 0;
  }
  if (parsed.positionals.length < command.positionals.min || parsed.positionals.length > command.positionals.max) {
    io.stderr(`${t('Usage')}: ec2-blueprint ${command.usage}`);
    return 2;
  }
  try {
    return await command.run(parsed.positionals, parsed.values, io);
  } catch (error) {
    const code = exitCodeOf(error);
    const message = error instanceof BlueprintError ? error.message : t('Unexpected error: {0}', error instanceof Error ? error.message : String(error));
    io.stderr(message);
    if (io.env.EC2BP_DEBUG && error instanceof Error && error.stack) io.stderr(error.stack);
    return code;
  }
}

function help(): string {
  const lines = commands.map((c) => `  ${c.usage.padEnd(44)} ${c.summary}`);
  return [
    'ec2-blueprint — ' + t('AWS networks and EC2 instances from a YAML blueprint'),
    '',
    t('Commands:'),
    ...lines,
    '',
    t('Common flags: --endpoint URL, --region R, --profile P, --state FILE, --key-dir DIR, --json, --lang en|ja'),
  ].join('\n');
}

function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text + '\n'),
    stderr: (text) => process.stderr.write(text + '\n'),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    async confirm(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^(y|yes|はい)$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

if (require.main === module) {
  process.on('SIGINT', () => process.exit(130));
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      // Let stdout drain before exiting (large --json documents through a pipe).
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 3;
    },
  );
}
