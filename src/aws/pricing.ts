// Prices from AWS's own price list: the Price List Query API (GetProducts, answered in us-east-1)
// with the user's credentials. Each answer is cached on disk in the user's cache folder with the
// date it was read and reused for a week. No permission, no network, throttling or a product that
// is not exactly one: the answer is "price unknown" and why, within a bounded time, never an error
// that stops a plan or an apply.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { t } from '@vscode/l10n';
import type { Price, PriceAnswer, PriceQuery } from '../core/cost';
import { errorCode } from './provider';

/** The Price List Query API answers in us-east-1 (also eu-central-1, ap-south-1). */
export const pricingRegion = 'us-east-1';

/** Cached prices are reused this long. */
export const priceCacheMaxAgeMs = 7 * 24 * 3600_000;

/** How long one price may take, retries included: a plan is never held up longer than this. */
export const priceTimeoutMs = 5_000;

/** The user's cache folder for this tool: XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on
 * Windows; EC2BP_CACHE_DIR moves it (the test runner does). */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.EC2BP_CACHE_DIR) return env.EC2BP_CACHE_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'ec2-blueprint', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'ec2-blueprint');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ec2-blueprint');
}

export interface PriceReaderOptions {
  profile?: string;
  /** Default: <userCacheDir>/prices. */
  cacheDir?: string;
  now?: () => Date;
  timeoutMs?: number;
}

export interface PriceReader {
  price(query: PriceQuery): Promise<PriceAnswer>;
  /** Starts asking for the products of `query`'s filters (its selection comes later). */
  prefetch(query: PriceQuery): void;
  /** Small facts kept beside the prices for the same week (an image's billing code). */
  recall<T>(key: string): T | undefined;
  remember(key: string, value: unknown): void;
  /** GetProducts requests sent (pages and retries included). */
  readonly calls: number;
  close(): void;
}

interface CachedPrice {
  query: PriceQuery;
  price: Price;
}

type Product = NonNullable<ReturnType<typeof onDemandPrice>>;

/** The product's first on-demand price dimension, from one PriceList JSON string. */
export function onDemandPrice(item: string): { usd: number; unit: string; usageType: string; operation: string; sku: string } | undefined {
  const parsed = JSON.parse(item) as {
    product?: { sku?: string; attributes?: Record<string, string> };
    terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { unit?: string; pricePerUnit?: { USD?: string } }> }> };
  };
  const dimensions = Object.values(parsed.terms?.OnDemand ?? {}).flatMap((term) => Object.values(term.priceDimensions ?? {}));
  const dimension = dimensions.find((d) => d.pricePerUnit?.USD !== undefined);
  if (!dimension) return undefined;
  const usdValue = Number(dimension.pricePerUnit!.USD);
  if (!Number.isFinite(usdValue)) return undefined;
  const attributes = parsed.product?.attributes ?? {};
  return { usd: usdValue, unit: dimension.unit ?? '', usageType: attributes.usagetype ?? '', operation: attributes.operation ?? '', sku: parsed.product?.sku ?? '' };
}

function describeQuery(q: PriceQuery): string {
  return [
    q.serviceCode,
    ...Object.entries(q.filters).map(([k, v]) => `${k}=${v}`),
    ...(q.usageTypeEndsWith ? [`usagetype=*${q.usageTypeEndsWith}`] : []),
    ...(q.operation ? [`operation=${q.operation}`] : []),
  ].join(', ');
}

/** Why a price could not be read, in a sentence that says what to do. */
export function reasonOf(error: unknown): string {
  const code = errorCode(error) ?? '';
  const raw = error instanceof Error ? error.message : String(error);
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/.test(code)) return t('price unknown: the AWS credentials in use may not read the price list (pricing:GetProducts)');
  if (/Throttl|TooManyRequests|RequestLimitExceeded/.test(`${code} ${raw}`)) return t('price unknown: AWS\'s price list is answering too many requests; try again later');
  if (code === 'CredentialsProviderError' || /credentials/i.test(raw)) return t('price unknown: no AWS credentials to ask the price list with');
  if (code === 'AbortError' || code === 'TimeoutError' || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|socket hang up|timed out|aborted/i.test(`${code} ${raw}`))
    return t('price unknown: AWS\'s price list did not answer (no network?)');
  return t('price unknown: {0}', raw);
}

export function createPriceReader(options: PriceReaderOptions = {}): PriceReader {
  const cacheDir = options.cacheDir ?? join(userCacheDir(), 'prices');
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? priceTimeoutMs;
  let client: PricingClient | undefined;
  let calls = 0;
  const inFlight = new Map<string, Promise<PriceAnswer>>();
  /** One GetProducts question per filter set, whatever is chosen from its answer. */
  const asked = new Map<string, Promise<Product[]>>();
  // The endpoint a test or a proxy sets is part of the key: its prices are not AWS's.
  const endpointKey = process.env.AWS_ENDPOINT_URL_PRICING ?? process.env.AWS_ENDPOINT_URL ?? '';

  const pricing = () => {
    if (client) return client;
    // The endpoint comes the SDK's own way: AWS_ENDPOINT_URL_PRICING, AWS_ENDPOINT_URL, or the
    // profile's `services` section in ~/.aws/config.
    client = new PricingClient({
      region: pricingRegion,
      ...(options.profile ? { profile: options.profile } : {}),
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 3_000, requestTimeout: timeoutMs },
    });
    client.middlewareStack.add((next) => (args) => {
      calls++;
      return next(args);
    }, { step: 'finalizeRequest', name: 'ec2BlueprintPriceCounter' });
    return client;
  };

  const hash = (value: unknown) => createHash('sha256').update(JSON.stringify([endpointKey, options.profile ?? '', value])).digest('hex').slice(0, 32);
  const keyOf = (q: PriceQuery) => hash([q.serviceCode, Object.entries(q.filters).sort(), q.usageTypeEndsWith ?? '', q.operation ?? '']);
  const filtersKey = (q: PriceQuery) => hash([q.serviceCode, Object.entries(q.filters).sort()]);

  function readCache<T>(key: string, readAt: (value: T) => string | undefined): T | undefined {
    try {
      const cached = JSON.parse(readFileSync(join(cacheDir, `${key}.json`), 'utf8')) as T;
      const age = now().getTime() - new Date(readAt(cached) ?? 0).getTime();
      return age >= 0 && age < priceCacheMaxAgeMs ? cached : undefined;
    } catch {
      return undefined;
    }
  }

  function writeCache(key: string, value: unknown): void {
    try {
      mkdirSync(cacheDir, { recursive: true });
      const file = join(cacheDir, `${key}.json`);
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(value));
      renameSync(temp, file);
    } catch {
      // A cache that cannot be written only means asking again next time.
    }
  }

  const fromCache = (key: string) => {
    const cached = readCache<CachedPrice>(key, (c) => c.price?.readAt);
    return typeof cached?.price.usd === 'number' ? cached.price : undefined;
  };

  function products(query: PriceQuery): Promise<Product[]> {
    const key = filtersKey(query);
    let answer = asked.get(key);
    if (!answer) {
      answer = getProducts(query);
      // Whoever awaits it sees the failure; a prefetch nobody awaited must not crash the process.
      answer.catch(() => undefined);
      asked.set(key, answer);
    }
    return answer;
  }

  async function getProducts(query: PriceQuery): Promise<Product[]> {
    const signal = AbortSignal.timeout(timeoutMs);
    const found: Product[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await pricing().send(
        new GetProductsCommand({
          ServiceCode: query.serviceCode,
          Filters: Object.entries(query.filters).map(([Field, Value]) => ({ Type: 'TERM_MATCH', Field, Value })),
          FormatVersion: 'aws_v1',
          MaxResults: 100,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
        { abortSignal: signal },
      );
      for (const item of out.PriceList ?? []) {
        const p = onDemandPrice(String(item));
        if (p) found.push(p);
      }
      nextToken = out.NextToken;
    } while (nextToken && ++pages < 10);
    return found;
  }

  async function ask(query: PriceQuery): Promise<PriceAnswer> {
    const found = (await products(query)).filter(
      (p) => (!query.usageTypeEndsWith || p.usageType.endsWith(query.usageTypeEndsWith)) && (!query.operation || p.operation === query.operation),
    );
    if (found.length !== 1)
      return {
        unknown:
          found.length === 0
            ? t('price unknown: the price list has no product for {0}', describeQuery(query))
            : t('price unknown: {0} products match {1}, not one', found.length, describeQuery(query)),
      };
    const { usd, unit, usageType, sku } = found[0]!;
    return { price: { usd, unit, usageType, sku, readAt: now().toISOString() } };
  }

  return {
    get calls() {
      return calls;
    },
    price(query) {
      const key = keyOf(query);
      const cached = fromCache(key);
      if (cached) return Promise.resolve({ price: cached });
      let answer = inFlight.get(key);
      if (!answer) {
        answer = ask(query).then(
          (a) => {
            if ('price' in a) writeCache(key, { query, price: a.price } satisfies CachedPrice);
            return a;
          },
          (error: unknown) => ({ unknown: reasonOf(error) }),
        );
        inFlight.set(key, answer);
      }
      return answer;
    },
    prefetch(query) {
      if (!fromCache(keyOf(query))) void products(query).catch(() => undefined);
    },
    recall<T>(key: string) {
      return readCache<{ value: T; readAt: string }>(hash(['fact', key]), (c) => c.readAt)?.value;
    },
    remember(key, value) {
      writeCache(hash(['fact', key]), { value, readAt: now().toISOString() });
    },
    close() {
      client?.destroy();
    },
  };
}
