// The real EC2 API for tests: moto in server mode on 127.0.0.1 (DESIGN.md section 8, TEST-PARTS.md).
//
// In a test file, use the one server the runner (`node scripts/test.mjs emulator`) started:
//   import { EC2Client } from '@aws-sdk/client-ec2';
//   import { testClientConfig, resetEmulator } from '../harness/moto';
//   const ec2 = new EC2Client(testClientConfig());
// In a script (demo, bench), start one of your own:
//   const moto = await startMoto();  …  await moto.stop();   or   await withMoto(async (moto) => …)
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';

export const TEST_REGION = 'ap-northeast-1';
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } as const;
/** The environment variable through which the runner hands its moto to every test file. */
export const ENDPOINT_ENV = 'EC2BP_TEST_ENDPOINT';

/** The image list moto serves instead of its default one (RHEL 8/9, AL2023, Ubuntu 24.04). */
export const AMIS_PATH = fileURLToPath(new URL('./amis.json', import.meta.url));
const TOOLS_URL = new URL('../../scripts/tools.mjs', import.meta.url).href;

/**
 * Make moto refuse what AWS refuses (it accepts anything by default). Checked with moto 5.2.5 over
 * the tutorial's whole flow: RunInstances with an image, instance type or key pair that does not
 * exist fails with InvalidAMIID.NotFound / InvalidInstanceType.NotFound / InvalidKeyPair.NotFound,
 * while the tutorial's own values (a shipped RHEL 8 image, t2.large, a created key) all pass.
 */
export const MOTO_VALIDATION_ENV = {
  MOTO_ENABLE_AMI_VALIDATION: 'true',
  MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION: 'true',
  MOTO_ENABLE_KEYPAIR_VALIDATION: 'true',
} as const;

export interface MotoServer {
  /** e.g. http://127.0.0.1:41234, for the SDK's `endpoint` or AWS_ENDPOINT_URL_EC2 */
  endpoint: string;
  port: number;
  pid: number;
  /** Wipes every resource in every region (POST /moto-api/reset, ~0.1 s). */
  reset(): Promise<void>;
  /** Stops the server and waits until its process is gone. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** A fixed port; by default a free one is picked. */
  port?: number;
  /** The python with moto installed; by default scripts/tools.mjs ensureMoto() provides it. */
  python?: string;
  /** Where progress lines go; stderr by default. */
  log?: (line: string) => void;
  /** More environment for moto, e.g. `{ INITIAL_NO_AUTH_ACTION_COUNT: '20' }` to check IAM
   * policies after the first 20 requests (TEST-PARTS.md "IAM checks in the emulator"). */
  env?: Record<string, string>;
}

interface ToolsModule {
  ensureMoto(): Promise<string>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;

/** The endpoint of the moto the runner started, for test files. */
export function testEndpoint(): string {
  const endpoint = process.env[ENDPOINT_ENV];
  if (!endpoint) {
    throw new Error(
      `${ENDPOINT_ENV} is not set, so there is no EC2 emulator to talk to. Run the emulator tests through the runner, ` +
        'which installs and starts moto and sets it: `node scripts/test.mjs emulator` (or `npm run test:emulator`). ' +
        `To run one file by hand: start moto (e.g. \`node scripts/tools.mjs moto\` prints its python; then \`PY -m moto.server -H 127.0.0.1 -p 5000\`), ` +
        `then \`${ENDPOINT_ENV}=http://127.0.0.1:5000 node --import tsx --test FILE\`.`,
    );
  }
  return endpoint;
}

/** Everything an EC2Client needs to talk to the test emulator: `new EC2Client(testClientConfig())`. */
export function testClientConfig(endpoint: string = testEndpoint()) {
  return { endpoint, region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } };
}

/** Wipes the emulator's state, for a test file that wants to start from nothing. */
export async function resetEmulator(endpoint: string = testEndpoint()): Promise<void> {
  const response = await request(endpoint, 'POST', '/moto-api/reset', '');
  if (response.status !== 200) throw new Error(`moto reset answered HTTP ${response.status}: ${response.body.slice(0, 200)}`);
}

/** Starts a moto for a script, runs `work`, and stops moto whatever happens. */
export async function withMoto<T>(work: (moto: MotoServer) => Promise<T>, options: StartMotoOptions = {}): Promise<T> {
  const moto = await startMoto(options);
  try {
    return await work(moto);
  } finally {
    await moto.stop();
  }
}

export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[moto] ${line}\n`));
  const python = options.python ?? (await ((await import(TOOLS_URL)) as ToolsModule).ensureMoto());
  // A free port can be taken between the probe and moto's bind: try a few when none was asked for.
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(python, port, log, options.env ?? {});
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortBusyError)) break;
    }
  }
  throw lastError;
}

class PortBusyError extends Error {}

async function launch(python: string, port: number, log: (line: string) => void, env: Record<string, string>): Promise<MotoServer> {
  const started = Date.now();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_AMIS_PATH: AMIS_PATH, ...MOTO_VALIDATION_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // moto logs every request; keep the tail for error messages, echo it only when asked to.
  const echo = process.env.EC2BP_MOTO_LOG === '1';
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      if (echo) process.stderr.write(`[moto:${port}] ${line}\n`);
      tail.push(line);
      if (tail.length > 40) tail.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    });
    child.on('error', (error) => {
      tail.push(String(error));
      exitCode = -1;
      resolve();
    });
  });
  // If this process ends without stop(), do not leave moto behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  const failure = (why: string) => {
    const output = tail.join('\n');
    return /address already in use|Errno 98/i.test(output)
      ? new PortBusyError(`port ${port} is taken`)
      : new Error(`moto did not start on ${endpoint}: ${why} (${python} -m moto.server)\n${output}`);
  };

  try {
    for (;;) {
      if (exitCode !== undefined) throw failure(`it exited with code ${exitCode}`);
      if (Date.now() - started > START_TIMEOUT_MS) throw failure(`no answer within ${START_TIMEOUT_MS / 1000} s`);
      if (await answers(endpoint)) break;
      await Promise.race([exited, sleep(100)]);
    }
    // The first EC2 call imports moto's EC2 backend (~1 s): pay for it here, not in the first test.
    const warm = await request(endpoint, 'POST', '/', 'Action=DescribeVpcs&Version=2016-11-15', {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      Authorization: `AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/20240101/${TEST_REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    });
    if (warm.status !== 200 || !warm.body.includes('DescribeVpcsResponse')) {
      throw failure(`DescribeVpcs answered HTTP ${warm.status}: ${warm.body.slice(0, 300)}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  log(`moto on ${endpoint} (pid ${child.pid}) ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    reset: () => resetEmulator(endpoint),
    stop,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    await request(endpoint, 'GET', '/moto-api/', '');
    return true;
  } catch {
    return false;
  }
}

function request(
  endpoint: string,
  method: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(path, endpoint),
      { method, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) }, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${endpoint}${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
