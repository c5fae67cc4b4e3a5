// Create-or-adopt: a create whose outcome AWS left open is never simply sent again.
import { existsSync, unlinkSync } from 'node:fs';
import { t } from '@vscode/l10n';
import type { Kind } from '../core/model';
import type { ObservedResource } from '../core/provider-contract';
import type { Attributes } from '../core/resource-model';
import { createOutcomeUnknownCode } from '../aws/client';
import { providerFor } from '../aws/providers';
import { errorCode, sleep, type ProviderContext } from '../aws/provider';
import { keyFilePath } from '../aws/key-pair';
import { withLocalAttributes } from './observe';
import type { Session } from './session';

/** Deletes a private key file this stack wrote (the state says so) whose key pair no longer exists:
 * without the key pair it opens nothing, and a new key pair of that name needs the file name. */
export function removeOrphanKeyFile(session: Session, name: string, keyFile: unknown): void {
  if (typeof keyFile !== 'string' || !existsSync(keyFile)) return;
  unlinkSync(keyFile);
  session.emit({ type: 'note', message: t('Deleted {0}: the key pair "{1}" it belonged to no longer exists.', keyFile, name) });
}

/** Creates, unless AWS failed in a way that leaves open whether it was done: then the resource is
 * looked up by its tags first and adopted when it is there. Never a blind second create. */
export async function createOrAdopt(session: Session, ctx: ProviderContext, name: string, desired: Attributes<Kind>): Promise<ObservedResource> {
  const component = session.list.find((c) => c.name === name)!;
  const provider = providerFor(component.kind);
  const previous = session.state.resources[name];
  if (component.kind === 'keyPair' && previous?.kind === 'keyPair' && previous.attributes.keyFile === keyFilePath(session.keyDir, name))
    removeOrphanKeyFile(session, name, previous.attributes.keyFile);
  for (let attempt = 1; ; attempt++) {
    try {
      return await provider.create(ctx, name, desired);
    } catch (error) {
      const code = errorCode(error);
      // A name AWS says is taken may be ours from a run that was cut off while AWS finished it.
      const duplicate = code === 'InvalidKeyPair.Duplicate' || code === 'InvalidGroup.Duplicate';
      if ((code !== createOutcomeUnknownCode && !duplicate) || attempt >= 3) throw error;
      ctx.progress(
        duplicate
          ? t('AWS says the name of {0} is taken; looking for it by its tags', name)
          : t('AWS did not answer whether {0} was created; looking for it by its tags before trying again', name),
      );
      const lookup = async () => (await provider.list(ctx)).find((r) => r.name === name);
      let found = await lookup();
      if (!found && duplicate) {
        await sleep(1000, ctx.signal);
        found = await lookup();
      }
      if (!found && duplicate) throw error;
      if (found && component.kind === 'keyPair' && !(desired as Attributes<'keyPair'>).publicKeyFile) {
        // Its private key was in the answer that never came: a key pair without it is useless.
        ctx.progress(t('found {0}, but its private key was lost with the answer; deleting it and creating it again', found.id));
        await provider.delete(ctx, found);
        continue;
      }
      if (found) {
        ctx.progress(t('found {0}: adopting it', found.id));
        return provider.update(ctx, withLocalAttributes(session, found, component), desired, {});
      }
    }
  }
}
