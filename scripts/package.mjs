// `npm run package`: the .vsix users install, at dist/ec2-blueprint.vsix.
//
//   1. a production build (minified, no source maps) of the bundles .vscodeignore lets in:
//      dist/extension.js, dist/engine.js, dist/cli.js, dist/webview/**, dist/blueprint.schema.json
//   2. vsce package --no-dependencies (everything the extension runs is bundled; node_modules stays out)
//   3. prints the file's size and what is inside, by folder
//
//   node scripts/package.mjs [--out FILE]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const out = path.resolve(root, outIndex > 0 ? process.argv[outIndex + 1] : 'dist/ec2-blueprint.vsix');

const say = (line) => process.stderr.write(`[package] ${line}\n`);

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}`))));
  });
}

const started = Date.now();
// README links stay relative (no repository URL is known); they resolve inside the installed extension.
// The webview's chunk names carry a content hash: chunks of an earlier build would ship beside the new ones.
fs.rmSync(path.join(root, 'dist', 'webview'), { recursive: true, force: true });
say('production build…');
await run(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--production']);

fs.mkdirSync(path.dirname(out), { recursive: true });
fs.rmSync(out, { force: true });
say('vsce package…');
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
await run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out]);

const bytes = fs.statSync(out).size;
const listing = spawnSync('unzip', ['-Z1', out], { encoding: 'utf8' });
if (listing.status === 0) {
  const byFolder = new Map();
  for (const entry of listing.stdout.split('\n').filter((e) => e.startsWith('extension/') && !e.endsWith('/'))) {
    const parts = entry.split('/');
    const folder = parts.length > 2 ? parts.slice(1, Math.min(parts.length - 1, 3)).join('/') : '(top)';
    byFolder.set(folder, (byFolder.get(folder) ?? 0) + 1);
  }
  say(`contents: ${[...byFolder].map(([folder, n]) => `${folder} ${n}`).join(', ')}`);
}
say(`${path.relative(root, out)}: ${(bytes / 1024 / 1024).toFixed(2)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
