// apply --wait-http against a real web server: a node http server listening on exactly the Elastic
// IP the emulator handed out (an address in 127.0.0.0/8), port 80, started only after apply has
// begun waiting, so the wait is seen to wait. Without a server, the wait gives up when told to and
// apply fails with the log to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resetEmulator } from '../harness/moto';
import { workspace } from './engine-workspace';
import type { StateFile } from '../../src/core/state';

const ws = workspace('httpwait');
let server: Server | undefined;

before(() => resetEmulator());
after(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  ws.dispose();
});

async function publicIpWhenKnown(timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(ws.statePath)) {
      const ip = (JSON.parse(readFileSync(ws.statePath, 'utf8')) as StateFile).resources['ec2-wp-RHEL8']?.attributes.publicIp;
      if (typeof ip === 'string') return ip;
    }
    if (Date.now() > until) throw new Error('the instance never got its public address');
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('apply --wait-http returns once the web server on the Elastic IP answers with a page', async () => {
  ws.edit(['    sshUser: ec2-user\n', '    sshUser: ec2-user\n    userData: |\n      #cloud-config\n      packages: [httpd]\n']);
  const seen: string[] = [];
  const applying = ws.cli(['apply', '--wait-http', '--wait-http-timeout', '60', '--json']);
  const ip = await publicIpWhenKnown(60_000);
  // A moment later than apply's first look: the first attempts find no server.
  await new Promise((r) => setTimeout(r, 4000));
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.host}`);
    res.writeHead(302, { Location: `http://${ip}/wp-admin/install.php` }).end();
  });
  await new Promise<void>((resolve, reject) => server!.once('error', reject).listen(80, ip, resolve));
  const run = await applying;
  assert.equal(run.code, 0, run.stderr);
  const http = (run.json() as unknown as { http: { name: string; url: string; ok: boolean; status: number; seconds: number }[] }).http;
  assert.deepEqual(http.map((h) => [h.name, h.url, h.ok, h.status]), [['ec2-wp-RHEL8', `http://${ip}/`, true, 302]]);
  assert.ok(http[0]!.seconds >= 3, `it waited (${http[0]!.seconds} s)`);
  assert.deepEqual(seen.slice(-1), [`GET / ${ip}`], 'the page asked for is / on the Elastic IP');
  assert.match(run.stderr, new RegExp(`Waiting for http://${ip.replaceAll('.', '\\.')}/`));
});

test('a server that answers only errors is not ready; the wait gives up when told and says where the log is', async () => {
  server!.removeAllListeners('request');
  server!.on('request', (_req, res) => res.writeHead(403).end('Apache test page'));
  const started = Date.now();
  const run = await ws.cli(['apply', '--wait-http', '--wait-http-timeout', '4']);
  assert.equal(run.code, 3, run.stderr);
  assert.ok(Date.now() - started < 30_000);
  assert.match(run.stderr, /HTTP 403/);
  assert.match(run.stderr, /cloud-init-output\.log/);
});

test('--wait-http-timeout needs --wait-http and a number', async () => {
  assert.equal((await ws.cli(['apply', '--wait-http-timeout', '5'])).code, 2);
  assert.equal((await ws.cli(['apply', '--wait-http', '--wait-http-timeout', 'soon'])).code, 2);
});
