// A local stand-in for AWS's Price List Query API (the `pricing` service, answered in us-east-1),
// speaking its real protocol so the product's own @aws-sdk/client-pricing talks to it unchanged:
//   POST /  Content-Type: application/x-amz-json-1.1  X-Amz-Target: AWSPriceListService.GetProducts
//   {"ServiceCode", "Filters": [{"Type": "TERM_MATCH", "Field", "Value"}], "FormatVersion", "NextToken", "MaxResults"}
//   → {"FormatVersion": "aws_v1", "PriceList": ["<one product as a JSON string>", …], "NextToken"?}
// Errors as AWS's JSON protocols give them: HTTP 400 with `x-amzn-errortype` and {"__type", "Message"}.
//
// It holds records shaped as AWS's offer files have them (product.attributes, terms.OnDemand.*.
// priceDimensions.*.pricePerUnit.USD), and beside each right product the decoys a real answer has:
// the same instance type as Linux, SUSE, Windows, RHEL with HA, with pre-installed SQL, on dedicated
// tenancy, in other capacity statuses and another region; gp2, io1 and gp3's IOPS product beside
// gp3 storage; idle beside in-use public IPv4 addresses; the NAT gateway's per-GB product beside its
// hourly one. The prices are of the order AWS publishes for Tokyo; the tests check which product
// was chosen (its usage type, its price), never that a number equals AWS's of today.
//
//   const prices = await startPriceList();   process.env.AWS_ENDPOINT_URL_PRICING = prices.endpoint;
//   prices.configure({ mode: 'access-denied' }); prices.calls; await prices.stop();
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PriceListPlan {
  /** 'ok' answers; the others answer every call with that failure. */
  mode: 'ok' | 'access-denied' | 'throttled';
  /** Products per page (AWS: MaxResults, default 100). */
  pageSize: number;
  /** Answer a query's first page with no products and a NextToken, as AWS sometimes does. */
  emptyFirstPage: boolean;
  /** Milliseconds before each answer (a round trip to us-east-1). */
  delayMs: number;
}

export interface PriceListCall {
  serviceCode: string;
  filters: Record<string, string>;
  nextToken?: string;
  /** How many products the filters matched (before paging). */
  matched: number;
  signed: boolean;
  /** When it arrived (performance.now()). */
  at: number;
}

export interface PriceListStandIn {
  /** http://127.0.0.1:PORT — AWS_ENDPOINT_URL_PRICING. */
  endpoint: string;
  calls: PriceListCall[];
  records: PriceRecord[];
  configure(plan: Partial<PriceListPlan>): void;
  stop(): Promise<void>;
}

/** One product and its on-demand price, as AWS's price list holds it. */
export interface PriceRecord {
  serviceCode: string;
  productFamily?: string;
  sku: string;
  attributes: Record<string, string>;
  unit: string;
  usd: string;
  description: string;
}

const publication = '2026-11-20T21:14:03Z';

/** The AWS JSON shape of a record, as one PriceList string. */
export function priceListItem(r: PriceRecord): string {
  const term = `${r.sku}.JRTCKXETXF`;
  const dimension = `${term}.6YS6EN2CT7`;
  return JSON.stringify({
    product: { ...(r.productFamily ? { productFamily: r.productFamily } : {}), attributes: { servicecode: r.serviceCode, ...r.attributes }, sku: r.sku },
    serviceCode: r.serviceCode,
    terms: {
      OnDemand: {
        [term]: {
          priceDimensions: {
            [dimension]: { unit: r.unit, endRange: 'Inf', description: r.description, appliesTo: [], rateCode: dimension, beginRange: '0', pricePerUnit: { USD: r.usd } },
          },
          sku: r.sku,
          effectiveDate: '2026-11-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
      Reserved: {
        [`${r.sku}.4NA7Y494T4`]: {
          priceDimensions: {
            [`${r.sku}.4NA7Y494T4.6YS6EN2CT7`]: { unit: r.unit, endRange: 'Inf', description: 'Reserved, 1 yr, no upfront', appliesTo: [], rateCode: 'x', beginRange: '0', pricePerUnit: { USD: '0.0010000000' } },
          },
          sku: r.sku,
          effectiveDate: '2026-11-01T00:00:00Z',
          offerTermCode: '4NA7Y494T4',
          termAttributes: { LeaseContractLength: '1yr', OfferingClass: 'standard', PurchaseOption: 'No Upfront' },
        },
      },
    },
    version: '20261120211403',
    publicationDate: publication,
  });
}

let skuCounter = 0;
const sku = () => `STANDIN${(++skuCounter).toString(36).toUpperCase().padStart(9, '0')}`;

const regions: Record<string, { location: string; prefix: string }> = {
  'ap-northeast-1': { location: 'Asia Pacific (Tokyo)', prefix: 'APN1' },
  'us-east-1': { location: 'US East (N. Virginia)', prefix: '' },
};
const usage = (region: string, type: string) => (regions[region]!.prefix ? `${regions[region]!.prefix}-${type}` : type);

function instance(region: string, type: string, os: string, operation: string, usd: string, extra: Partial<Record<string, string>> = {}): PriceRecord {
  const tenancy = extra.tenancy ?? 'Shared';
  const box = tenancy === 'Dedicated' ? 'DedicatedUsage' : tenancy === 'Host' ? 'HostBoxUsage' : 'BoxUsage';
  return {
    serviceCode: 'AmazonEC2',
    productFamily: 'Compute Instance',
    sku: sku(),
    attributes: {
      regionCode: region,
      location: regions[region]!.location,
      locationType: 'AWS Region',
      instanceType: type,
      instanceFamily: 'General purpose',
      vcpu: '2',
      memory: '8 GiB',
      operatingSystem: os,
      tenancy,
      capacitystatus: 'Used',
      preInstalledSw: 'NA',
      licenseModel: 'No License required',
      marketoption: 'OnDemand',
      operation,
      usagetype: usage(region, `${box}:${type}`),
      ...extra,
    } as Record<string, string>,
    unit: 'Hrs',
    usd,
    description: `$${usd} per On Demand ${os} ${type} Instance Hour`,
  };
}

function volume(region: string, api: string, usd: string): PriceRecord {
  return {
    serviceCode: 'AmazonEC2',
    productFamily: 'Storage',
    sku: sku(),
    attributes: { regionCode: region, location: regions[region]!.location, locationType: 'AWS Region', volumeApiName: api, volumeType: api === 'gp3' ? 'General Purpose' : api === 'gp2' ? 'General Purpose' : 'Provisioned IOPS', storageMedia: 'SSD-backed', usagetype: usage(region, `EBS:VolumeUsage.${api}`) },
    unit: 'GB-Mo',
    usd,
    description: `$${usd} per GB-month of ${api} provisioned storage`,
  };
}

function other(region: string, serviceCode: string, productFamily: string | undefined, usageType: string, unit: string, usd: string, attributes: Record<string, string> = {}): PriceRecord {
  return {
    serviceCode,
    ...(productFamily ? { productFamily } : {}),
    sku: sku(),
    attributes: { regionCode: region, location: regions[region]!.location, locationType: 'AWS Region', usagetype: usage(region, usageType), ...attributes },
    unit,
    usd,
    description: `$${usd} per ${unit}`,
  };
}

/** The records: each right product with its decoys. */
export function standardRecords(): PriceRecord[] {
  const tokyo = 'ap-northeast-1';
  const records: PriceRecord[] = [];
  for (const type of ['t2.large', 't3.micro']) {
    const base = type === 't2.large' ? 0.1216 : 0.0136;
    const price = (plus: number) => (base + plus).toFixed(10);
    records.push(
      // The right ones for RHEL and for Linux/UNIX (Amazon Linux, Ubuntu).
      instance(tokyo, type, 'RHEL', 'RunInstances:0010', price(0.0576)),
      instance(tokyo, type, 'Linux', 'RunInstances', price(0)),
      // Decoys: other operating systems and licences.
      instance(tokyo, type, 'SUSE', 'RunInstances:000g', price(0.0624)),
      instance(tokyo, type, 'Windows', 'RunInstances:0002', price(0.0368)),
      instance(tokyo, type, 'Red Hat Enterprise Linux with HA', 'RunInstances:1010', price(0.0826)),
      instance(tokyo, type, 'RHEL', 'RunInstances:00g0', price(0), { licenseModel: 'Bring your own license' }),
      // Pre-installed SQL on the same OS.
      instance(tokyo, type, 'Windows', 'RunInstances:0006', price(0.4368), { preInstalledSw: 'SQL Std' }),
      instance(tokyo, type, 'RHEL', 'RunInstances:0014', price(0.4576), { preInstalledSw: 'SQL Std' }),
      // Dedicated tenancy and dedicated hosts.
      instance(tokyo, type, 'RHEL', 'RunInstances:0010', price(0.0721), { tenancy: 'Dedicated' }),
      instance(tokyo, type, 'RHEL', 'RunInstances:0010', '0.0000000000', { tenancy: 'Host' }),
      // Capacity reservations (the same product otherwise).
      instance(tokyo, type, 'RHEL', 'RunInstances:0010', price(0.0576), { capacitystatus: 'UnusedCapacityReservation', usagetype: usage(tokyo, `Reservation:${type}`) }),
      instance(tokyo, type, 'RHEL', 'RunInstances:0010', '0.0000000000', { capacitystatus: 'AllocatedCapacityReservation' }),
      instance(tokyo, type, 'Linux', 'RunInstances', price(0), { capacitystatus: 'UnusedCapacityReservation', usagetype: usage(tokyo, `Reservation:${type}`) }),
      // Another region.
      instance('us-east-1', type, 'RHEL', 'RunInstances:0010', (base * 0.76 + 0.0576).toFixed(10)),
    );
  }
  records.push(
    volume(tokyo, 'gp3', '0.0960000000'),
    volume(tokyo, 'gp2', '0.1200000000'),
    volume(tokyo, 'io1', '0.1420000000'),
    volume('us-east-1', 'gp3', '0.0800000000'),
    // gp3's provisioned IOPS and throughput are their own products with the same volumeApiName.
    other(tokyo, 'AmazonEC2', 'System Operation', 'EBS:VolumeP-IOPS.gp3', 'IOPS-Mo', '0.0060000000', { volumeApiName: 'gp3', group: 'EBS IOPS' }),
    other(tokyo, 'AmazonEC2', 'Provisioned Throughput', 'EBS:VolumeP-Throughput.gp3', 'GiBps-mo', '48.0000000000', { volumeApiName: 'gp3', group: 'EBS Throughput' }),
    // Public IPv4 addresses (Amazon VPC since February 2024): in use and idle.
    other(tokyo, 'AmazonVPC', undefined, 'PublicIPv4:InUseAddress', 'Hrs', '0.0050000000', { group: 'VPCPublicIPv4Address', groupDescription: 'Hourly charge for In-use Public IPv4 Addresses', operation: '' }),
    other(tokyo, 'AmazonVPC', undefined, 'PublicIPv4:IdleAddress', 'Hrs', '0.0050000000', { group: 'VPCPublicIPv4Address', groupDescription: 'Hourly charge for Idle Public IPv4 Addresses', operation: '' }),
    other('us-east-1', 'AmazonVPC', undefined, 'PublicIPv4:InUseAddress', 'Hrs', '0.0050000000', { group: 'VPCPublicIPv4Address', groupDescription: 'Hourly charge for In-use Public IPv4 Addresses', operation: '' }),
    // NAT gateway: per hour and per GB processed.
    other(tokyo, 'AmazonEC2', 'NAT Gateway', 'NatGateway-Hours', 'Hrs', '0.0620000000', { group: 'NGW:NatGateway', operation: 'NatGateway' }),
    other(tokyo, 'AmazonEC2', 'NAT Gateway', 'NatGateway-Bytes', 'GB', '0.0620000000', { group: 'NGW:NatGateway', operation: 'NatGateway' }),
  );
  return records;
}

export const defaultPriceListPlan: PriceListPlan = { mode: 'ok', pageSize: 100, emptyFirstPage: false, delayMs: 0 };

function fieldOf(r: PriceRecord, field: string): string | undefined {
  const lower = field.toLowerCase();
  if (lower === 'servicecode') return r.serviceCode;
  if (lower === 'productfamily') return r.productFamily;
  // Attribute names are matched without regard to case, as AWS does (capacitystatus, regionCode).
  for (const [k, v] of Object.entries(r.attributes)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export async function startPriceList(plan: Partial<PriceListPlan> = {}, records: PriceRecord[] = standardRecords()): Promise<PriceListStandIn> {
  let current: PriceListPlan = { ...defaultPriceListPlan, ...plan };
  const calls: PriceListCall[] = [];
  let requestCounter = 0;

  function answer(res: http.ServerResponse, status: number, body: unknown, errorType?: string) {
    const text = Buffer.from(JSON.stringify(body), 'utf8');
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': text.length,
      'x-amzn-requestid': `5ta0d1n0-0000-4000-8000-${(++requestCounter).toString(16).padStart(12, '0')}`,
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(text);
  }

  const server = http.createServer((req, res) => {
    const arrived = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (current.delayMs > 0) await new Promise((r) => setTimeout(r, current.delayMs));
        const target = String(req.headers['x-amz-target'] ?? '');
        if (req.method !== 'POST' || !String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1'))
          return answer(res, 400, { __type: 'SerializationException', Message: 'Expected an application/x-amz-json-1.1 POST' }, 'SerializationException');
        if (target !== 'AWSPriceListService.GetProducts')
          return answer(res, 400, { __type: 'UnknownOperationException', Message: `Unknown operation ${target}` }, 'UnknownOperationException');
        let input: { ServiceCode?: string; Filters?: { Type?: string; Field?: string; Value?: string }[]; NextToken?: string; MaxResults?: number };
        try {
          input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          return answer(res, 400, { __type: 'SerializationException', Message: 'Malformed JSON' }, 'SerializationException');
        }
        const filters: Record<string, string> = {};
        for (const f of input.Filters ?? []) {
          if (f.Type !== 'TERM_MATCH') return answer(res, 400, { __type: 'InvalidParameterException', Message: `Filter type ${f.Type} is not supported` }, 'InvalidParameterException');
          filters[f.Field!] = f.Value!;
        }
        const matching = records.filter((r) => r.serviceCode === input.ServiceCode && Object.entries(filters).every(([k, v]) => fieldOf(r, k) === v));
        calls.push({ serviceCode: input.ServiceCode ?? '', filters, ...(input.NextToken ? { nextToken: input.NextToken } : {}), matched: matching.length, signed: /^AWS4-HMAC-SHA256 /.test(String(req.headers.authorization ?? '')), at: arrived });
        if (current.mode === 'access-denied')
          return answer(res, 400, { __type: 'AccessDeniedException', Message: 'User: arn:aws:iam::123456789012:user/learner is not authorized to perform: pricing:GetProducts' }, 'AccessDeniedException');
        if (current.mode === 'throttled') return answer(res, 400, { __type: 'ThrottlingException', Message: 'Rate exceeded' }, 'ThrottlingException');
        if (!input.ServiceCode) return answer(res, 400, { __type: 'InvalidParameterException', Message: 'ServiceCode is required' }, 'InvalidParameterException');
        // NextToken: "<start>" or "empty:<start>" (the empty first page).
        let start = 0;
        if (input.NextToken) {
          const m = /^(?:empty:)?(\d+)$/.exec(input.NextToken);
          if (!m) return answer(res, 400, { __type: 'InvalidNextTokenException', Message: 'The pagination token is invalid' }, 'InvalidNextTokenException');
          start = Number(m[1]);
        } else if (current.emptyFirstPage) {
          return answer(res, 200, { FormatVersion: 'aws_v1', PriceList: [], NextToken: 'empty:0' });
        }
        const size = Math.min(input.MaxResults ?? current.pageSize, current.pageSize);
        const page = matching.slice(start, start + size);
        const next = start + size < matching.length ? String(start + size) : undefined;
        answer(res, 200, { FormatVersion: 'aws_v1', PriceList: page.map(priceListItem), ...(next ? { NextToken: next } : {}) });
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    records,
    configure(next) {
      current = { ...current, ...next };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
