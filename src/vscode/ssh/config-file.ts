// Writes the managed Host block into an ssh config file (no vscode import: the unit tests use it
// directly). The file is replaced atomically, keeps its mode, a symlinked config is written
// through to its target, and the text before each change is kept as `<config>.ec2-blueprint.bak`.
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { upsertSshConfigBlock, type ConfigEdit } from '../../core/ssh';

export interface ConfigFileResult {
  action: ConfigEdit['action'];
  /** The file that was written (a symlink's target). */
  file: string;
  /** Where the previous text was saved, when the file existed and changed. */
  backup?: string;
}

export function addToSshConfigFile(configPath: string, block: string, id: string): ConfigFileResult {
  const file = existsSync(configPath) ? realpathSync(configPath) : configPath;
  const existed = existsSync(file);
  const before = existed ? readFileSync(file, 'utf8') : '';
  const edit = upsertSshConfigBlock(before, block, id);
  if (!edit.changed) return { action: edit.action, file };
  // ssh refuses a config that others can write; a new one is private to the user.
  const mode = existed ? statSync(file).mode & 0o777 : 0o600;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let backup: string | undefined;
  if (existed) {
    backup = `${file}.ec2-blueprint.bak`;
    writeFileSync(backup, before, { mode });
    chmodSync(backup, mode);
  }
  const temp = `${file}.ec2-blueprint.${process.pid}.tmp`;
  try {
    writeFileSync(temp, edit.text, { mode });
    chmodSync(temp, mode);
    renameSync(temp, file);
  } catch (error) {
    if (existsSync(temp)) unlinkSync(temp);
    throw error;
  }
  return { action: edit.action, file, ...(backup ? { backup } : {}) };
}
