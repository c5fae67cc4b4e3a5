// The state file on disk: one reader, which never writes (a corrupt file is never trusted; the
// commands that write set it aside), written atomically (temp file, fsync, rename), and a lock file
// beside it so two applies never run on one stack.
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { t } from '@vscode/l10n';
import { BlueprintError } from './errors';
import { stateVersion, type StateFile } from './state';

export type StateRead = { status: 'missing' } | { status: 'ok'; state: StateFile } | { status: 'corrupt'; why: string; notJson?: string };

/** Reads the state file; never writes. A file that is not a state file is `corrupt`, with why (and,
 * when it is not JSON at all, the parser's words): a command that writes sets it aside
 * (setAsideStateFile), one that only shows says so. */
export function readStateFile(path: string): StateRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    throw new BlueprintError('runtime', t('The state file {0} cannot be read ({1}).', path, String((error as NodeJS.ErrnoException).code)), { cause: error });
  }
  return parseStateFile(text);
}

/** The one check of a state file's text (readStateFile's, and the editor's, which reads the file
 * asynchronously): a state, or why it is not one. */
export function parseStateFile(text: string): Exclude<StateRead, { status: 'missing' }> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { status: 'corrupt', why: t('it is not valid JSON ({0})', (error as Error).message), notJson: (error as Error).message };
  }
  const why = problemOf(value);
  return why ? { status: 'corrupt', why } : { status: 'ok', state: value as StateFile };
}

/** The state, or undefined when there is none; a corrupt one is `corrupt`'s to report (a note, or
 * an error it throws). For the commands that only show what the state says. */
export function stateOrUndefined(path: string, corrupt: (read: Extract<StateRead, { status: 'corrupt' }>) => void): StateFile | undefined {
  const read = readStateFile(path);
  if (read.status === 'corrupt') corrupt(read);
  return read.status === 'ok' ? read.state : undefined;
}

/** The write step for a corrupt state file: moved aside (kept, never trusted) so that a rebuild
 * from the tags can take its place. Returns where it went. */
export function setAsideStateFile(path: string, now: Date = new Date()): string {
  const movedTo = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, movedTo);
  return movedTo;
}

function problemOf(value: unknown): string | undefined {
  const s = value as Partial<StateFile> | null;
  if (!s || typeof s !== 'object' || Array.isArray(s)) return t('it is not a JSON object');
  if (s.version !== stateVersion) return t('its version is {0}, expected {1}', String(s.version), stateVersion);
  if (typeof s.stack !== 'string' || typeof s.resources !== 'object' || s.resources === null || Array.isArray(s.resources)) return t('it has no stack or resources');
  for (const [name, r] of Object.entries(s.resources)) {
    if (!r || typeof r !== 'object' || typeof r.id !== 'string' || typeof r.kind !== 'string') return t('the entry of "{0}" has no id or kind', name);
  }
  return undefined;
}

/** Writes the whole state to a temporary file beside it, flushes it to disk, then renames it over
 * the old one: a reader (or a crash) sees the old state or the new one, never half of one. */
export function writeStateFile(path: string, state: StateFile): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w', 0o644);
  try {
    writeSync(fd, JSON.stringify(state, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  // The rename itself is durable once the directory is flushed.
  try {
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some platforms cannot open a directory; the rename is still atomic there.
  }
}

/** Serializes writes of a state that changes while several actions run. */
export class StateWriter {
  private pending: Promise<void> = Promise.resolve();
  constructor(
    readonly path: string,
    readonly state: StateFile,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private queued: Promise<void> | undefined;

  /** Changes the state and writes it; the returned promise settles once this change is on disk.
   * Changes made while a write is in progress are written together by the next one. */
  update(change: (state: StateFile) => void): Promise<void> {
    change(this.state);
    this.state.updatedAt = this.clock().toISOString();
    if (this.queued) return this.queued;
    const next = this.pending.then(() => {
      this.queued = undefined;
      writeStateFile(this.path, this.state);
    });
    this.queued = next;
    this.pending = next;
    return next;
  }

  flush(): Promise<void> {
    return this.pending;
  }
}

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

export interface StateLock {
  path: string;
  /** Set when the lock of a process that no longer runs was taken over. */
  tookOverFrom?: LockHolder;
  release(): void;
}

export function lockPathFor(statePath: string): string {
  return `${statePath}.lock`;
}

/** Takes `<state>.lock`, refusing when a live process holds it and taking over the lock of a
 * process on this host that has died. */
export function acquireStateLock(statePath: string, command: string, now: Date = new Date()): StateLock {
  const path = lockPathFor(statePath);
  const me: LockHolder = { pid: process.pid, host: hostname(), command, startedAt: now.toISOString() };
  let tookOverFrom: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    // The lock appears whole or not at all: written to a file of our own, then linked into
    // place (link fails if a lock exists). Created empty and written after, another run could
    // read it in between, find it unreadable and take it over.
    const draft = `${path}.${process.pid}.new`;
    const fd = openSync(draft, 'w', 0o644);
    try {
      writeSync(fd, JSON.stringify(me) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      try {
        linkSync(draft, path);
      } finally {
        unlinkSync(draft);
      }
      let released = false;
      return {
        path,
        ...(tookOverFrom ? { tookOverFrom } : {}),
        release() {
          if (released) return;
          released = true;
          try {
            const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
            if (holder.pid === me.pid && holder.host === me.host) unlinkSync(path);
          } catch {
            // Already gone.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (holder && (holder.host !== me.host || isAlive(holder.pid))) {
      throw new BlueprintError(
        'state-locked',
        t(
          'Another run holds the lock on this stack: process {0} on {1} ({2}, since {3}). Wait for it to finish; if that process is gone, delete {4}.',
          holder.pid,
          holder.host,
          holder.command,
          holder.startedAt,
          path,
        ),
      );
    }
    // The holder died (or the file is unreadable): take it over. The stale lock is moved aside
    // atomically and checked, so a second process taking over at the same moment cannot delete
    // the fresh lock of the first one.
    tookOverFrom = holder;
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // Someone else moved it first; look again.
    }
    const moved = readHolder(aside);
    if (moved && (moved.pid !== holder?.pid || moved.host !== holder?.host)) {
      // It was already a live run's new lock: give it back and step aside.
      try {
        linkSync(aside, path);
      } catch {
        // Yet another lock took its place; that run holds the stack now.
      }
      unlinkSync(aside);
      throw new BlueprintError('state-locked', t('Another run holds the lock on this stack: process {0} on {1} ({2}, since {3}). Wait for it to finish; if that process is gone, delete {4}.', moved.pid, moved.host, moved.command, moved.startedAt, path));
    }
    unlinkSync(aside);
  }
  throw new BlueprintError('state-locked', t('The lock {0} keeps changing hands; try again.', path));
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof value.pid === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function stateExists(path: string): boolean {
  return existsSync(path);
}
