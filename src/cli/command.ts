// The shape every CLI command has. main.ts parses the common flags and hands over.
import { dirname, join } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { Diagnostic } from '../core/diagnostics';
import type { EngineOptions } from '../core/engine-api';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdin and stderr are a terminal (destroy asks only then). */
  interactive: boolean;
  /** Asks a yes/no question on the terminal. */
  confirm(question: string): Promise<boolean>;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CliCommand {
  name: string;
  /** One line for the help. */
  summary: string;
  usage: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  positionals: { min: number; max: number };
  run(positionals: string[], values: Values, io: CliIo): Promise<number>;
}

/** The common flags of DESIGN.md section 4, as engine options. */
export function engineOptionsFrom(values: Values, io: CliIo): EngineOptions {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const parallelism = str('parallelism');
  return {
    ...(str('endpoint') ? { endpoint: str('endpoint') } : {}),
    ...(str('region') ? { region: str('region') } : {}),
    ...(str('profile') ? { profile: str('profile') } : {}),
    ...(str('state') ? { statePath: str('state') } : {}),
    ...(str('key-dir') ? { keyDir: str('key-dir') } : {}),
    ...(parallelism ? { parallelism: Number(parallelism) } : {}),
    log: {
      info: (m) => io.stderr(m),
      warn: (m) => io.stderr(m),
      error: (m) => io.stderr(m),
      debug: (m) => (io.env.EC2BP_DEBUG ? io.stderr(m) : undefined),
    },
  };
}

/** `FILE:LINE:COL: error|warning CODE: message`, one a line. A finding inside an instance's
 * userDataFile names that file (beside the blueprint) and its own line. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${d.file ? join(dirname(file), d.file) : file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}

/** The --json shape of a diagnostic (DESIGN.md section 4): exactly these keys. */
export function diagnosticJson(d: Diagnostic) {
  return { severity: d.severity, code: d.code, message: d.message, line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn, ...(d.file ? { file: d.file } : {}) };
}
