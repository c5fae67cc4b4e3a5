// "Show Diagram" and "Show Traffic Path": open the blueprint's diagram panel (with the inbound and
// reply paths drawn, for the second). A component name as the second argument (the CodeLens'
// "Show in diagram") highlights that component.
import type { CommandContext } from './command';

async function open(ctx: CommandContext, args: unknown[], withPaths: boolean): Promise<void> {
  const blueprint = await ctx.blueprint(args[0]);
  if (!blueprint) return;
  const { DiagramPanel } = await import('../diagram/panel');
  const select = typeof args[1] === 'string' ? args[1] : undefined;
  DiagramPanel.show(ctx, blueprint.uri, { ...(withPaths ? { paths: { inbound: true, reply: true } } : {}), ...(select ? { select } : {}) });
}

export async function showDiagram(ctx: CommandContext, ...args: unknown[]): Promise<void> {
  await open(ctx, args, false);
}

export async function showTrafficPath(ctx: CommandContext, ...args: unknown[]): Promise<void> {
  await open(ctx, args, true);
}
