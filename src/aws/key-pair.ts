// Key pair: created by AWS (the private key is written once, atomically, mode 0600, to
// <keyDir>/<name>.pem and never overwritten or printed) or imported from a public key file.
// The state records the path of the file the engine wrote, never the key.
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyPairCommand, DeleteKeyPairCommand, DescribeKeyPairsCommand, ImportKeyPairCommand, type KeyPairInfo } from '@aws-sdk/client-ec2';
import { t } from '@vscode/l10n';
import type { Attributes, Tags } from '../core/resource-model';
import { keyFileIn } from '../core/key-file';
import { diffWith, fromAwsTags, observed, reconcileTags, stackFilters, tagSpecifications, unlessNotFound, waitUntilGone, type Provider } from './provider';
import { AwsLayerError } from './aws-error';

type KeyAttributes = Attributes<'keyPair'>;

/** `<keyDir>/<safe file name>.pem`: never outside the key directory, whatever the key's name
 * (src/core/key-file.ts). */
export function keyFilePath(keyDir: string, name: string): string {
  return keyFileIn(expandHome(keyDir), name);
}

export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/** Writes `content` to `path` with mode 0600, all or nothing, and never over an existing file: the
 * key goes to a private temporary file first, which is then hard-linked to its name (a link fails
 * when the name exists). */
export function writeKeyFileOnce(path: string, content: string): void {
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, content.endsWith('\n') ? content : content + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temp, path);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // Already gone.
    }
  }
}

const toObserved = (k: KeyPairInfo) =>
  observed('keyPair', k.KeyPairId!, { keyName: k.KeyName ?? '', keyPairId: k.KeyPairId, fingerprint: k.KeyFingerprint, tags: fromAwsTags(k.Tags) });

export const keyPairProvider: Provider<'keyPair'> = {
  kind: 'keyPair',
  calls: { apply: 1, delete: 2 },
  permissions: { read: ['DescribeKeyPairs'], create: ['CreateKeyPair', 'ImportKeyPair'], update: [], delete: ['DeleteKeyPair'] },
  async list(ctx) {
    const out = await ctx.ec2.send(new DescribeKeyPairsCommand({ Filters: stackFilters(ctx.stack) }));
    return (out.KeyPairs ?? []).map(toObserved);
  },
  async read(ctx, id) {
    const out = await unlessNotFound(() => ctx.ec2.send(new DescribeKeyPairsCommand({ KeyPairIds: [id] })));
    // Match the id ourselves: not every endpoint honours KeyPairIds.
    const key = out?.KeyPairs?.find((k) => k.KeyPairId === id);
    return key ? toObserved(key) : undefined;
  },
  diff: diffWith('keyPair'),
  async create(ctx, name, desired: KeyAttributes) {
    if (desired.publicKeyFile) {
      let material: Buffer;
      try {
        material = readFileSync(expandHome(desired.publicKeyFile));
      } catch (error) {
        throw new AwsLayerError('PublicKeyFileUnreadable', t('The public key file {0} cannot be read ({1}).', desired.publicKeyFile, String((error as NodeJS.ErrnoException).code)));
      }
      const out = await ctx.ec2.send(new ImportKeyPairCommand({ KeyName: name, PublicKeyMaterial: material, TagSpecifications: tagSpecifications(['key-pair'], desired.tags) }));
      return observed('keyPair', out.KeyPairId!, { keyName: name, keyPairId: out.KeyPairId, fingerprint: out.KeyFingerprint, publicKeyFile: desired.publicKeyFile, tags: desired.tags });
    }
    const keyDir = expandHome(ctx.keyDir);
    const path = keyFilePath(keyDir, name);
    if (existsSync(path))
      throw new AwsLayerError(
        'KeyFileExists',
        t('{0} already exists and this stack did not write it. EC2 Blueprint never overwrites a key file: move or rename that file, or choose another key directory (--key-dir), then apply again.', path),
      );
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    const out = await ctx.ec2.send(new CreateKeyPairCommand({ KeyName: name, KeyType: 'rsa', KeyFormat: 'pem', TagSpecifications: tagSpecifications(['key-pair'], desired.tags) }));
    try {
      writeKeyFileOnce(path, out.KeyMaterial ?? '');
    } catch (error) {
      // Without its private key the key pair is useless: do not leave it behind.
      await unlessNotFound(() => ctx.ec2.send(new DeleteKeyPairCommand({ KeyName: name }))).catch(() => undefined);
      throw new AwsLayerError('KeyFileWriteFailed', t('The private key could not be written to {0} ({1}); the key pair was deleted again.', path, String((error as NodeJS.ErrnoException).code ?? error)));
    }
    ctx.progress(t('private key written to {0} (mode 0600)', path));
    return observed('keyPair', out.KeyPairId!, { keyName: name, keyPairId: out.KeyPairId, fingerprint: out.KeyFingerprint, keyFile: path, tags: desired.tags });
  },
  async update(ctx, current, desired, previousTags) {
    const attrs = current.attributes as KeyAttributes;
    await reconcileTags(ctx, [current.id], desired.tags, attrs.tags as Tags, previousTags);
    return observed('keyPair', current.id, { ...attrs, tags: desired.tags });
  },
  async delete(ctx, current) {
    const keyName = (current.attributes as KeyAttributes).keyName || current.name;
    await unlessNotFound(() => ctx.ec2.send(new DeleteKeyPairCommand({ KeyName: keyName })));
    await waitUntilGone(ctx, current.id, () => keyPairProvider.read(ctx, current.id));
    // The private key is useless without its key pair; remove the file only if this stack wrote it.
    const keyFile = (current.attributes as KeyAttributes).keyFile;
    if (keyFile) {
      try {
        unlinkSync(keyFile);
        ctx.progress(t('deleted the key file {0}', keyFile));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  },
};
