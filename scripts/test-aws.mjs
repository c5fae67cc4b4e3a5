// `npm run test:aws`: the tutorial against a REAL AWS account, for maintainers before a release.
// apply → ssh … echo connected → destroy, with the built CLI (dist/cli.js), exactly as a user runs it.
//
// It costs money and creates real resources, so it runs only when BOTH are true:
//   - EC2BP_REAL_AWS=yes is set, and
//   - AWS credentials are found by the SDK's default chain (environment, AWS_PROFILE, SSO, …).
// It refuses in CI (CI set), and when an endpoint override points the SDK somewhere else.
// Destroy always runs at the end, also after a failure or Ctrl-C.
//
//   EC2BP_REAL_AWS=yes AWS_PROFILE=my-sandbox npm run test:aws
//   EC2BP_REAL_AWS_REGION=us-east-1   another region (default: the tutorial's ap-northeast-1)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const say = (line) => process.stderr.write(`[test:aws] ${line}\n`);

function refuse(why) {
  say(`not running: ${why}`);
  say('This check creates real, billed resources in an AWS account. To run it on purpose:');
  say('  EC2BP_REAL_AWS=yes AWS_PROFILE=<a sandbox account profile> npm run test:aws');
  process.exit(2);
}

function run(args, { input, capture = false, quiet = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(args[0], args.slice(1), { cwd: root, env: process.env, stdio: [input === undefined ? 'ignore' : 'pipe', capture ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    if (input !== undefined) child.stdin.end(input);
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: stderr + error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function main() {
  if (process.env.EC2BP_REAL_AWS !== 'yes') refuse('EC2BP_REAL_AWS=yes is not set.');
  if (process.env.CI) refuse('CI is set: this check never runs in CI.');
  for (const name of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_EC2']) {
    if (process.env[name]) refuse(`${name} is set (${process.env[name]}), so this would not talk to real AWS.`);
  }

  const { EC2Client, DescribeAvailabilityZonesCommand } = await import('@aws-sdk/client-ec2');
  const region = process.env.EC2BP_REAL_AWS_REGION || 'ap-northeast-1';
  const ec2 = new EC2Client({ region });
  try {
    await ec2.config.credentials();
  } catch (error) {
    refuse(`no AWS credentials were found (${error.message.split('\n')[0]}).`);
  }
  try {
    await ec2.send(new DescribeAvailabilityZonesCommand({}));
  } catch (error) {
    refuse(`the credentials do not work for EC2 in ${region}: ${error.name}: ${error.message}`);
  } finally {
    ec2.destroy();
  }

  say('building (scripts/build.mjs)…');
  const build = await run([process.execPath, path.join(root, 'scripts', 'build.mjs')]);
  if (build.code !== 0 || !fs.existsSync(cli)) throw new Error('the build failed');

  // A stack and key pair name of its own, so it never touches a tutorial stack already in the account.
  const id = `ec2bp-check-${new Date().toISOString().replace(/[-:TZ.]/g, '').slice(0, 14)}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${id}-`));
  const keyDir = path.join(work, 'keys');
  fs.mkdirSync(keyDir, { mode: 0o700 });
  const file = path.join(work, 'check.blueprint.yaml');
  let text = fs.readFileSync(path.join(root, 'examples', 'tutorial.blueprint.yaml'), 'utf8');
  text = text.replace(/^stack: .*$/m, `stack: ${id}`).replace(/^region: .*$/m, `region: ${region}`).replaceAll('key-wp-RHEL', `key-${id}`);
  if (region !== 'ap-northeast-1') text = text.replaceAll('ap-northeast-1a', `${region}a`).replaceAll('networkBorderGroup: ap-northeast-1', `networkBorderGroup: ${region}`);
  fs.writeFileSync(file, text);
  const common = ['--key-dir', keyDir];

  say(`stack ${id} in ${region} (files in ${work})`);
  say('It creates: a VPC, a subnet, an internet gateway, a route table, a security group with SSH/HTTP/HTTPS');
  say('open to the internet, a network interface, an Elastic IP, a key pair, and a RHEL 8 t2.large with a');
  say('30 GiB gp3 root volume. Cost while it exists: about US$0.12/h for the t2.large (Linux on-demand in');
  say('ap-northeast-1; the RHEL licence adds a few cents an hour), ~$0.005/h for the public IPv4 address,');
  say('~$0.004/h for the volume. A run takes 5-10 minutes (well under US$0.10); if destroy fails, delete');
  say(`what is tagged blueprint:stack=${id} by hand: it keeps costing ~$0.15/h.`);
  const plan = await run([process.execPath, cli, 'plan', file, ...common]);
  if (plan.code !== 0) throw new Error(`plan failed (exit ${plan.code})`);
  if (!process.env.EC2BP_REAL_AWS_NO_WAIT) {
    say('Starting in 10 seconds; Ctrl-C now to stop without creating anything.');
    await new Promise((r) => setTimeout(r, 10_000));
  }

  let interrupted = false;
  let failure;
  const onSignal = () => {
    interrupted = true;
    say('interrupted: destroying what was created…');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = Date.now();
  try {
    say('apply…');
    const apply = await run([process.execPath, cli, 'apply', file, ...common]);
    if (apply.code !== 0) throw new Error(`apply failed (exit ${apply.code})`);
    if (interrupted) throw new Error('interrupted');
    say(`applied in ${((Date.now() - started) / 1000).toFixed(0)} s; ssh … echo connected`);
    const printed = await run([process.execPath, cli, 'ssh', file, '--json', ...common], { capture: true });
    if (printed.code !== 0) throw new Error(`ssh --json failed (exit ${printed.code}): ${printed.stderr}`);
    const argv = JSON.parse(printed.stdout).argv;
    // sshd may still be starting just after the status checks pass: try for up to 5 minutes.
    const deadline = Date.now() + 5 * 60_000;
    for (let attempt = 1; ; attempt++) {
      const r = await run([argv[0], '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=15', ...argv.slice(1), 'echo', 'connected'], { capture: true, quiet: true });
      if (r.code === 0 && r.stdout.trim().split('\n').includes('connected')) {
        say(`the instance answered "connected" (attempt ${attempt})`);
        break;
      }
      if (interrupted) throw new Error('interrupted');
      if (Date.now() > deadline) throw new Error(`ssh never answered: exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    }
  } catch (error) {
    failure = error;
  } finally {
    say('destroy…');
    const destroy = await run([process.execPath, cli, 'destroy', file, '--yes', ...common]);
    if (destroy.code !== 0) {
      say(`DESTROY FAILED (exit ${destroy.code}). Delete everything tagged blueprint:stack=${id} in ${region} by hand, or run:`);
      say(`  node dist/cli.js destroy ${file} --yes --key-dir ${keyDir}`);
      process.exitCode = 1;
    } else {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  if (failure) {
    say(`FAILED: ${failure.message}`);
    process.exitCode = 1;
  } else if (process.exitCode !== 1) {
    say(`passed: apply, ssh echo connected, destroy in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

main().catch((error) => {
  say(`FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
});
