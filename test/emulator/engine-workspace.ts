// A throwaway workspace for engine tests: the tutorial blueprint copied into a temp folder (its
// stack and key pair renamed so scenarios do not meet), a private key directory there too (never
// ~/.ssh), and the CLI run in-process against the test emulator.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/command';
import { TEST_CREDENTIALS, testClientConfig, testEndpoint } from '../harness/moto';

export const tutorialText = readFileSync(join(__dirname, '..', '..', 'examples', 'tutorial.blueprint.yaml'), 'utf8');

// The engine uses the SDK's default credential chain, as it does for users.
process.env.AWS_ACCESS_KEY_ID ??= TEST_CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY ??= TEST_CREDENTIALS.secretAccessKey;

export interface Workspace {
  dir: string;
  blueprint: string;
  statePath: string;
  keyDir: string;
  stack: string;
  keyName: string;
  /** Rewrites the blueprint with each [search, replacement] applied once. */
  edit(...edits: [string, string][]): void;
  /** Runs `ec2-blueprint ARGS FILE --endpoint … --key-dir …`. */
  cli(args: string[], options?: { interactive?: boolean; endpoint?: string }): Promise<CliRun>;
  dispose(): void;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json(): Record<string, unknown> & { ok: boolean; calls: { mutating: number; read: number }; failures: { name: string; message: string; code?: string }[]; actions: { action: string; kind: string; name: string; reason: string }[] };
}

export function workspace(stack: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), `ec2bp-${stack}-`));
  const blueprint = join(dir, 'tutorial.blueprint.yaml');
  const keyName = `key-${stack}`;
  writeFileSync(blueprint, tutorialText.replace('stack: wp-atsushi', `stack: ${stack}`).replaceAll('key-wp-RHEL', keyName));
  const keyDir = join(dir, 'keys');
  return {
    dir,
    blueprint,
    statePath: join(dir, 'tutorial.blueprint.state.json'),
    keyDir,
    stack,
    keyName,
    edit(...edits) {
      let text = readFileSync(blueprint, 'utf8');
      for (const [search, replacement] of edits) {
        if (!text.includes(search)) throw new Error(`"${search}" is not in the blueprint`);
        text = text.replace(search, replacement);
      }
      writeFileSync(blueprint, text);
    },
    async cli(args, options = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const io: CliIo = {
        stdout: (s) => out.push(s),
        stderr: (s) => err.push(s),
        interactive: options.interactive ?? false,
        confirm: async () => true,
        env: process.env,
        cwd: dir,
      };
      const code = await main([...args, blueprint, '--endpoint', options.endpoint ?? testEndpoint(), '--key-dir', keyDir], io);
      const stdout = out.join('\n');
      return { code, stdout, stderr: err.join('\n'), json: () => JSON.parse(stdout) };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An EC2 client of the test's own, for the independent checks. */
export function describeClient(): EC2Client {
  return new EC2Client(testClientConfig());
}

export const byName = (name: string) => [{ Name: 'tag:Name', Values: [name] }];
export const byStack = (stack: string) => [{ Name: 'tag:blueprint:stack', Values: [stack] }];

/** A proxy in front of the emulator that lets `fault` answer some requests itself (after or
 * instead of forwarding them): how a test makes AWS fail in the middle of an apply. */
export async function faultProxy(
  target: string,
  fault: (action: string, forward: () => Promise<{ status: number; body: string }>) => Promise<{ status: number; body: string } | undefined>,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const http = await import('node:http');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'))?.[1] ?? '';
      const forward = () =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const out = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
            const parts: Buffer[] = [];
            answer.on('data', (c: Buffer) => parts.push(c));
            answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
          });
          out.on('error', reject);
          out.end(body);
        });
      // The preflight's DryRuns are not the calls a test faults.
      const dryRun = /(?:^|&)DryRun=true(?:&|$)/.test(body.toString('utf8'));
      const answer = (dryRun ? undefined : await fault(action, forward)) ?? (await forward());
      res.writeHead(answer.status, { 'Content-Type': 'text/xml' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The body of an EC2 error answer. */
export function ec2Error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>injected</RequestID></Response>`;
}
