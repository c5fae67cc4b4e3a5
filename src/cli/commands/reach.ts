// `reach FILE [--to INSTANCE] [--port N] [--protocol tcp|udp|icmp] [--from CIDR] [--live]
// [--direction inbound|outbound] [--json]`: can traffic get in (or out), by which hops, and how does
// the reply come back. Exit 0 reachable, 4 blocked (DESIGN.md section 4). Without --live it reads
// only the blueprint (and the state file for AWS ids): no AWS call.
import { t } from '@vscode/l10n';
import type { CliCommand, CliIo, Values } from '../command';
import { engineOptionsFrom } from '../command';
import { loadValidBlueprint } from '../blueprint-file';
import { BlueprintError } from '../../core/errors';
import { statePathFor, type StateFile } from '../../core/state';
import { stateOrUndefined } from '../../core/state-file';
import { analyzeReach, withPlannedSshSettings, type ReachContext, type ReachDirection, type ReachProtocol, type ReachQuery, type ReachVerdict } from '../../core/reach';
import { verdictJson, verdictText } from '../../core/reach-output';
import type { Blueprint } from '../../core/schema';
import { loadEngineExports } from '../../engine-loader';

export const reach: CliCommand = {
  name: 'reach',
  get summary() {
    return t('can the internet reach the instance (or the instance the internet), by which hops, and why not');
  },
  usage: 'reach FILE [--to INSTANCE] [--port N] [--protocol tcp|udp|icmp] [--from CIDR] [--direction inbound|outbound] [--live] [--json]',
  options: {
    to: { type: 'string' },
    port: { type: 'string' },
    protocol: { type: 'string' },
    from: { type: 'string' },
    direction: { type: 'string' },
    live: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run([file], values, io) {
    const json = values.json === true;
    const query = queryFrom(values);
    const { blueprint } = loadValidBlueprint(file!, io, { json });
    const statePath = typeof values.state === 'string' ? values.state : statePathFor(file!);
    const state = readStateQuietly(statePath, io);
    let verdict: ReachVerdict;
    if (values.live === true) {
      const live = await liveInput(blueprint!, state, statePath, values, io);
      // The live VPC carries the resources' names (their Name tags), so the blueprint's names find them.
      const to = query.to ?? blueprint!.instances?.[0]?.name;
      if (to && !live.blueprint.instances?.some((i) => i.name === to))
        throw new BlueprintError('not-found', t('There is no instance "{0}" in {1} in AWS: apply the blueprint first, or look in the console for what happened to it.', to, live.vpcId));
      verdict = analyzeReach(live.blueprint, { ...query, ...(to ? { to } : {}) }, live.ctx);
      if (!json) io.stderr(t('Live: read from AWS just now ({0}).', live.vpcId));
    } else {
      verdict = analyzeReach(blueprint!, query, state ? { state } : {});
    }
    if (json) io.stdout(JSON.stringify(verdictJson(verdict)));
    else io.stdout(verdictText(verdict).join('\n'));
    return verdict.reachable ? 0 : 4;
  },
};

function queryFrom(values: Values): ReachQuery {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const query: ReachQuery = {};
  const to = str('to');
  if (to !== undefined) query.to = to;
  const port = str('port');
  if (port !== undefined) {
    if (!/^\d+$/.test(port) || Number(port) > 65535) throw new BlueprintError('usage', t('--port takes a number from 0 to 65535, not "{0}".', port));
    query.port = Number(port);
  }
  const protocol = str('protocol');
  if (protocol !== undefined) {
    if (!['tcp', 'udp', 'icmp'].includes(protocol)) throw new BlueprintError('usage', t('--protocol is tcp, udp or icmp, not "{0}".', protocol));
    query.protocol = protocol as ReachProtocol;
  }
  const from = str('from');
  if (from !== undefined) query.from = from;
  const direction = str('direction');
  if (direction !== undefined) {
    if (direction !== 'inbound' && direction !== 'outbound') throw new BlueprintError('usage', t('--direction is inbound or outbound, not "{0}".', direction));
    query.direction = direction as ReachDirection;
  }
  return query;
}

/** The state file for hop ids; reach never moves or rewrites it, and works without it. */
function readStateQuietly(path: string, io: CliIo): StateFile | undefined {
  return stateOrUndefined(path, () => io.stderr(t('Note: {0} is not a readable state file; AWS ids are left out.', path)));
}

interface LiveInput {
  blueprint: Blueprint;
  ctx: ReachContext;
  vpcId: string;
}

async function liveInput(blueprint: Blueprint, state: StateFile | undefined, statePath: string, values: Values, io: CliIo): Promise<LiveInput> {
  const vpcId = state?.resources[blueprint.vpc.name]?.id;
  if (!vpcId) throw new BlueprintError('usage', t('--live reads the VPC this blueprint created, but {0} records no VPC id for "{1}". Apply the blueprint first (or pass --state).', statePath, blueprint.vpc.name));
  const snapshot = loadEngineExports().reachSnapshot;
  if (!snapshot) throw new BlueprintError('runtime', t('This build has no live traffic analysis (the engine bundle lacks reachSnapshot).'));
  const options = engineOptionsFrom(values, io);
  const live = await snapshot(
    { region: options.region ?? state?.region ?? blueprint.region, ...(options.profile ? { profile: options.profile } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) },
    vpcId,
  );
  for (const note of live.notes) io.stderr(t('Note: {0}', note));
  return { blueprint: withPlannedSshSettings(live.blueprint, blueprint), ctx: live.ctx, vpcId };
}
