// Reading an instance's userDataFile. A blueprint may come from someone else's repository, so the
// file must stay inside the blueprint's folder tree: no "../" out of it, no absolute path
// elsewhere, no symbolic link pointing out of it, and nothing but a regular file.
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

export type UserDataFileResult =
  | { ok: true; text: string; path: string }
  | { ok: false; problem: 'outside' | 'missing' | 'not-a-file' | 'too-large' | 'unreadable'; detail?: string; bytes?: number };

/** Reads `file` (as written in the blueprint) relative to the blueprint's folder. */
export type UserDataFileReader = (file: string) => UserDataFileResult;

/** Files beyond this are not read at all: AWS's limit is 16 KB. */
export const maxUserDataFileBytes = 1024 * 1024;

export function userDataFileReader(blueprintPath: string): UserDataFileReader {
  const base = dirname(resolve(blueprintPath));
  return (file) => {
    const target = resolve(base, file);
    if (!inside(base, target)) return { ok: false, problem: 'outside' };
    let realBase: string;
    let realTarget: string;
    try {
      realBase = realpathSync(base);
      realTarget = realpathSync(target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR' ? { ok: false, problem: 'missing' } : { ok: false, problem: 'unreadable', detail: String(code) };
    }
    if (!inside(realBase, realTarget)) return { ok: false, problem: 'outside' };
    // Checked before opening: opening a FIFO would block until someone writes to it.
    try {
      if (!statSync(realTarget).isFile()) return { ok: false, problem: 'not-a-file' };
    } catch (error) {
      return { ok: false, problem: 'unreadable', detail: String((error as NodeJS.ErrnoException).code) };
    }
    let fd: number | undefined;
    try {
      fd = openSync(realTarget, 'r');
      const stat = fstatSync(fd);
      if (!stat.isFile()) return { ok: false, problem: 'not-a-file' };
      if (stat.size > maxUserDataFileBytes) return { ok: false, problem: 'too-large', bytes: stat.size };
      const buffer = Buffer.alloc(stat.size);
      let read = 0;
      while (read < stat.size) {
        const n = readSync(fd, buffer, read, stat.size - read, read);
        if (n === 0) break;
        read += n;
      }
      return { ok: true, text: buffer.subarray(0, read).toString('utf8').replace(/^\uFEFF/, ''), path: realTarget };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'EISDIR' ? { ok: false, problem: 'not-a-file' } : { ok: false, problem: 'unreadable', detail: String(code) };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}
