// The packaged extension for tests: build it with scripts/package.mjs (production build + vsce) and
// read the list of files inside it (a .vsix is a zip; its central directory is read here directly).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const VSIX_PATH = path.join(repoRoot, 'dist', 'ec2-blueprint.vsix');

/** What goes into the .vsix: when any of these is newer than the file, it is built again. */
const INPUTS = ['src', 'webview', 'l10n', 'media', 'examples', 'package.json', 'package.nls.json', 'package.nls.ja.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'scripts/build.mjs', 'scripts/package.mjs'];

function newestInput(): number {
  let newest = 0;
  const visit = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const input of INPUTS) visit(path.join(repoRoot, input));
  return newest;
}

/** Runs `node scripts/package.mjs` (about 5 s) and returns its output; throws with the output when it fails. */
export function packageVsix(): Promise<{ file: string; output: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'package.mjs')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && fs.existsSync(VSIX_PATH)) resolve({ file: VSIX_PATH, output, seconds: (Date.now() - started) / 1000 });
      else reject(new Error(`npm run package (node scripts/package.mjs) failed with exit code ${code}:\n${output.slice(-4000)}`));
    });
  });
}

/** The packaged .vsix, built again only when a file that goes into it changed since. */
export async function ensureVsix(): Promise<string> {
  const st = fs.statSync(VSIX_PATH, { throwIfNoEntry: false });
  if (st && st.mtimeMs >= newestInput()) return VSIX_PATH;
  return (await packageVsix()).file;
}

export interface ZipEntry {
  name: string;
  compressedSize: number;
  size: number;
  /** 0 stored, 8 deflated. */
  method: number;
  localHeaderOffset: number;
}

/** The entries of a zip file, from its central directory (no zip64: a .vsix is far below 4 GB). */
export function zipEntries(file: string): ZipEntry[] {
  const buf = fs.readFileSync(file);
  // End of central directory record: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory record)`);
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const method = buf.readUInt16LE(offset + 10);
    const compressedSize = buf.readUInt32LE(offset + 20);
    const size = buf.readUInt32LE(offset + 24);
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    const localHeaderOffset = buf.readUInt32LE(offset + 42);
    entries.push({ name: buf.toString('utf8', offset + 46, offset + 46 + nameLength), compressedSize, size, method, localHeaderOffset });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The contents of one entry of a zip file. */
export function zipRead(file: string, name: string): Buffer {
  const entry = zipEntries(file).find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in ${file}`);
  const buf = fs.readFileSync(file);
  const at = entry.localHeaderOffset;
  if (buf.readUInt32LE(at) !== 0x04034b50) throw new Error(`${file}: bad local header for ${name}`);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return zlib.inflateRawSync(data);
  throw new Error(`${file}: ${name} uses compression method ${entry.method}`);
}
