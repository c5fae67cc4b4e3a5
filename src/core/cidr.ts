// CIDR and address arithmetic on top of ipaddr.js; IPv4 is what the format provisions, IPv6 is
// understood where a rule source may name it (::/0).
import ipaddr from 'ipaddr.js';

export interface Cidr {
  text: string;
  version: 4 | 6;
  prefix: number;
  /** First and last address as numbers (IPv4 only; IPv6 uses bigint). */
  first: bigint;
  last: bigint;
  /** Whether the text had host bits set (10.0.0.1/16). */
  hostBitsSet: boolean;
  network: string;
}

export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string' || !text.includes('/')) return undefined;
  const [addrText, prefixText] = text.split('/');
  if (!addrText || !prefixText || !/^\d{1,3}$/.test(prefixText)) return undefined;
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    if (ipaddr.IPv4.isValidFourPartDecimal(addrText)) parsed = ipaddr.IPv4.parseCIDR(text);
    else if (ipaddr.IPv6.isValid(addrText)) parsed = ipaddr.IPv6.parseCIDR(text);
    else return undefined;
  } catch {
    return undefined;
  }
  const [addr, prefix] = parsed;
  const width = addr.kind() === 'ipv4' ? 32 : 128;
  const value = toBigInt(addr);
  const hostMask = (1n << BigInt(width - prefix)) - 1n;
  const first = value & ~hostMask;
  const last = first | hostMask;
  return {
    text,
    version: width === 32 ? 4 : 6,
    prefix,
    first,
    last,
    hostBitsSet: value !== first,
    network: `${fromBigInt(first, width)}/${prefix}`,
  };
}

export function parseIpv4(text: string): bigint | undefined {
  if (typeof text !== 'string' || !ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return toBigInt(ipaddr.IPv4.parse(text));
}

export function ipv4ToString(value: bigint): string {
  return fromBigInt(value, 32);
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.version === inner.version && outer.first <= inner.first && inner.last <= outer.last;
}

export function containsAddress(cidr: Cidr, address: bigint): boolean {
  return cidr.version === 4 && cidr.first <= address && address <= cidr.last;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.first <= b.last && b.first <= a.last;
}

/** The five addresses AWS keeps in every subnet, with the reason for each. */
export function reservedAddresses(subnet: Cidr): { address: bigint; why: string }[] {
  return [
    { address: subnet.first, why: 'network address' },
    { address: subnet.first + 1n, why: 'VPC router' },
    { address: subnet.first + 2n, why: 'Amazon-provided DNS' },
    { address: subnet.first + 3n, why: 'reserved by AWS for future use' },
    { address: subnet.last, why: 'broadcast address' },
  ];
}

/** Whether the CIDR is the whole internet (0.0.0.0/0 or ::/0). */
export function isAnywhere(text: string): boolean {
  const c = parseCidr(text);
  return c !== undefined && c.prefix === 0;
}

function toBigInt(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return addr.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

function fromBigInt(value: bigint, width: number): string {
  const bytes: number[] = [];
  for (let i = width / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}
