// The ec2Blueprint.* settings, read fresh each time (the user may change them between commands).
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Settings } from './commands/command';

export const settingsSection = 'ec2Blueprint';

export function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(os.homedir(), p.slice(2));
  return p;
}

export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration(settingsSection);
  const text = (key: string) => {
    const value = config.get<string>(key)?.trim();
    return value ? value : undefined;
  };
  const parallelism = config.get<number>('parallelism');
  const endpoint = text('endpoint');
  const profile = text('profile');
  return {
    keyDirectory: expandHome(text('keyDirectory') ?? '~/.ssh'),
    ...(endpoint ? { endpoint } : {}),
    ...(profile ? { profile } : {}),
    parallelism: typeof parallelism === 'number' && parallelism >= 1 ? Math.floor(parallelism) : 10,
  };
}

/** A loopback or private-network endpoint is a local sandbox (moto, LocalStack), not AWS. */
export function isSandboxEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host) || /^10\./.test(host) || /^192\.168\./.test(host) || host.endsWith('.localhost') || host === 'host.docker.internal' || host === 'localstack';
  } catch {
    return false;
  }
}
