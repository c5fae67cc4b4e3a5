// What AWS has: everything tagged with the stack, matched to the blueprint's components, plus the
// facts the planner needs beside it (missing key files, key pairs in use, the newest images).
import { existsSync } from 'node:fs';
import { t } from '@vscode/l10n';
import { BlueprintError } from '../core/errors';
import type { Component, Kind } from '../core/model';
import type { Facts, ObservedResource } from '../core/provider-contract';
import { desiredOf, type Attributes } from '../core/resource-model';
import type { ResourceState, StateFile } from '../core/state';
import { providerFor, providers } from '../aws/providers';
import { errorCode } from '../aws/provider';
import { keyFilePath } from '../aws/key-pair';
import { imageAliases, resolveImage } from '../aws/images';
import { providerContext, type Session } from './session';

/** Attributes AWS cannot report (the image alias, the SSH user, the key file the engine wrote)
 * come from the state, or from the blueprint when the state is gone. */
export function withLocalAttributes(session: Session, resource: ObservedResource, component: Component | undefined): ObservedResource {
  const previous = session.state.resources[resource.name];
  const fromState = previous && previous.id === resource.id ? previous.attributes : {};
  if (resource.kind === 'instance') {
    const desired = component ? (desiredOf(session.bp, component, () => undefined) as Attributes<'instance'>) : undefined;
    const pick = (key: string) => fromState[key] ?? (desired as Record<string, unknown> | undefined)?.[key];
    resource.attributes = { ...resource.attributes, image: pick('image'), imageName: fromState.imageName, sshUser: pick('sshUser'), sshPort: pick('sshPort') };
  } else if (resource.kind === 'keyPair') {
    const desired = component ? (desiredOf(session.bp, component, () => undefined) as Attributes<'keyPair'>) : undefined;
    resource.attributes = {
      ...resource.attributes,
      ...(fromState.keyFile ? { keyFile: fromState.keyFile } : {}),
      publicKeyFile: previous ? fromState.publicKeyFile : desired?.publicKeyFile,
    };
  }
  return resource;
}

/** Stamps `visibleAt` on the state's resources AWS has been seen to show. */
export function markVisible(state: StateFile, visible: (name: string, r: ResourceState) => boolean): void {
  const stamp = new Date().toISOString();
  for (const [name, r] of Object.entries(state.resources)) if (!r.visibleAt && visible(name, r)) r.visibleAt = stamp;
}

/** Everything tagged with the stack, matched to the blueprint's components by name; what the
 * state knows but the tags do not find is read by id. */
export async function observe(session: Session): Promise<Facts> {
  const ctx = providerContext(session);
  const kinds = Object.keys(providers) as Kind[];
  const listed = (await Promise.all(kinds.map((k) => providerFor(k).list(ctx)))).flat();
  const byName = new Map(session.list.map((c) => [c.name, c]));
  const observed: Facts['observed'] = {};
  const strays: ObservedResource[] = [];
  const candidates = new Map<string, ObservedResource[]>();
  for (const r of listed) {
    const c = byName.get(r.name);
    if (!c || c.kind !== r.kind) {
      strays.push(withLocalAttributes(session, r, undefined));
      continue;
    }
    candidates.set(r.name, [...(candidates.get(r.name) ?? []), r]);
  }
  for (const [name, found] of candidates) {
    const known = session.state.resources[name]?.id;
    const chosen = found.find((r) => r.id === known) ?? found[0]!;
    observed[name] = withLocalAttributes(session, chosen, byName.get(name));
    for (const other of found) if (other !== chosen) strays.push(withLocalAttributes(session, other, undefined));
  }
  // Resources in the state that a list leaves out: their tags were removed outside the tool, or
  // they are so new that AWS does not list them yet (the read waits for those).
  await Promise.all(
    Object.entries(session.state.resources).map(async ([name, r]) => {
      if (observed[name] || listed.some((l) => l.id === r.id)) return;
      const found = await providerFor(r.kind).read(ctx, r.id);
      if (!found && session.connection.settling.isYoung(r))
        // Never taken for gone, which would create a second one.
        throw new BlueprintError(
          'aws',
          t('{0} ({1}) was created at {2}, but AWS still does not show it. It is not created again, so that there is no second one: wait a minute and run this again.', name, r.id, r.createdAt),
        );
      if (!found) return;
      found.name = name;
      const c = byName.get(name);
      if (c && c.kind === r.kind) observed[name] = withLocalAttributes(session, found, c);
      else strays.push(withLocalAttributes(session, found, undefined));
    }),
  );

  const missingKeyFiles: string[] = [];
  for (const k of session.bp.keyPairs ?? []) {
    const o = observed[k.name];
    if (!o || k.publicKeyFile) continue;
    const path = (o.attributes.keyFile as string | undefined) ?? keyFilePath(session.keyDir, k.name);
    if (!existsSync(path)) missingKeyFiles.push(k.name);
  }
  const keyPairsInUse = Object.values(observed)
    .filter((o): o is ObservedResource => o?.kind === 'instance')
    .map((o) => String(o.attributes.keyName ?? ''));
  const newestImages: NonNullable<Facts['newestImages']> = {};
  await Promise.all(
    (session.bp.instances ?? []).map(async (i) => {
      if (!observed[i.name] || !imageAliases[i.image]) return;
      const newest = await resolveImage(ctx, i.image, i.instanceType).catch(() => undefined);
      if (newest) newestImages[i.name] = { imageId: newest.imageId, ...(newest.imageName ? { imageName: newest.imageName } : {}) };
    }),
  );
  // What AWS showed has settled: a NotFound for it later means it is gone (ResourceState.visibleAt).
  markVisible(session.state, (name, r) => observed[name]?.id === r.id);
  return { observed, strays, missingKeyFiles, keyPairsInUse, newestImages };
}

/** observe(), with the first contact's usual failures (no credentials, no answer, no permission)
 * told in plain words; the SDK's error stays as the cause. */
export async function observeOrExplain(session: Session): Promise<Facts> {
  try {
    return await observe(session);
  } catch (error) {
    if (error instanceof BlueprintError) throw error;
    const code = errorCode(error) ?? '';
    const raw = error instanceof Error ? error.message : String(error);
    const where = session.connection.region;
    const message =
      code === 'CredentialsProviderError' || /credentials/i.test(raw)
        ? t('No AWS credentials were found. Sign in (aws configure, or aws sso login --profile NAME) or choose a profile (--profile, AWS_PROFILE), then try again.')
        : /UnauthorizedOperation|AuthFailure|InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken/.test(code)
          ? t('AWS refused to show the EC2 resources in {0} ({1}): the credentials in use are not allowed, or have expired.', where, code)
          : /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|TimeoutError|EAI_AGAIN/.test(`${code} ${raw}`)
            ? t('EC2 in {0} did not answer ({1}). Check the network, or the --endpoint / AWS_ENDPOINT_URL_EC2 in use.', where, raw)
            : t('Could not read what AWS has in {0}: {1}', where, raw);
    throw new BlueprintError('aws', code ? `${message} (${t('AWS error code')}: ${code})` : message, { cause: error });
  }
}
