// What the blueprint costs, asked of AWS's price list beside the look at what exists.
import { t } from '@vscode/l10n';
import type { EngineOptions } from '../core/engine-api';
import type { Facts } from '../core/provider-contract';
import { billedParts, costReport, currentCost, instanceProductsQuery, natGatewayQuery, type BilledImage, type CostReport, type PriceAnswer } from '../core/cost';
import { errorCode } from '../aws/provider';
import { createPriceReader } from '../aws/pricing';
import { resolveImage } from '../aws/images';
import { providerContext, type Session } from './session';

/** What the blueprint's billed parts cost, from AWS's price list. Every question is asked at once,
 * beside the look at what exists: an instance's products for its type (all operating systems), one
 * of which is chosen once the image's billing code is known (DescribeImages, or the week-old answer
 * kept with the prices). So a cold cache costs one round of parallel calls, a warm one none. With
 * `facts`, the state is brought up to what AWS says runs now (a stopped instance, a gone one). */
export async function priceSession(session: Session, options: EngineOptions, facts?: Promise<Facts | undefined>): Promise<CostReport> {
  const ctx = providerContext(session);
  const reader = createPriceReader({ ...(options.profile ? { profile: options.profile } : {}) });
  try {
    const ask = (parts: ReturnType<typeof billedParts>) => Promise.all(parts.map((p): Promise<PriceAnswer | undefined> => (p.query ? reader.price(p.query) : Promise.resolve(undefined))));
    void ask(billedParts(session.bp, {}, session.state));
    const images: Record<string, BilledImage> = {};
    await Promise.all(
      (session.bp.instances ?? []).map(async (i) => {
        const recorded = session.state.resources[i.name]?.attributes.imageId;
        const reference = typeof recorded === 'string' && recorded ? recorded : i.image;
        // An image's billing code does not change: kept a week with the prices, per EC2 endpoint.
        const factKey = `image|${options.endpoint ?? process.env.AWS_ENDPOINT_URL_EC2 ?? ''}|${session.connection.region}|${reference}|${i.instanceType}`;
        const known = reader.recall<BilledImage>(factKey);
        if (known?.usageOperation) {
          images[i.name] = known;
          return;
        }
        reader.prefetch(instanceProductsQuery(session.connection.region, i.instanceType));
        try {
          const image = await resolveImage(ctx, reference, i.instanceType);
          images[i.name] = { ...(image.platformDetails ? { platformDetails: image.platformDetails } : {}), ...(image.usageOperation ? { usageOperation: image.usageOperation } : {}) };
          if (image.usageOperation) reader.remember(factKey, images[i.name]);
        } catch (error) {
          images[i.name] = { unknownBecause: t('its image could not be looked up ({0})', errorCode(error) ?? String(error)) };
        }
      }),
    );
    const parts = billedParts(session.bp, images, session.state);
    const answers = await ask(parts);
    // Named, not estimated: what a NAT gateway charges per GB depends on the traffic.
    const perGb = await Promise.all(session.bp.natGateways?.length ? [reader.price(natGatewayQuery(session.connection.region, true))] : []);
    const notIncluded = perGb.map((a) => ('price' in a ? t('NAT gateway data processing, USD {0} per GB', a.price.usd) : t('NAT gateway data processing (per GB)')));
    const now = new Date();
    const report = costReport(parts, answers, now, notIncluded);
    const observed = await facts;
    if (Object.keys(session.state.resources).length > 0) {
      const live = structuredClone(session.state);
      if (observed) {
        for (const [name, r] of Object.entries(live.resources)) {
          const o = observed.observed[name];
          if (!o) delete live.resources[name];
          else if (r.kind === 'instance') r.attributes = { ...r.attributes, state: o.attributes.state };
        }
      }
      const current = currentCost(report, parts, live, now);
      if (current) report.current = current;
    }
    return report;
  } finally {
    reader.close();
  }
}
