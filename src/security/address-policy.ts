/**
 * IP address classes for the outbound-request (SSRF) policy. An address reached through an IPv4-mapped, NAT64 or 6to4
 * IPv6 form is classified by the IPv4 address it embeds, so `::ffff:169.254.169.254` is as refused as the plain form.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type AddressClass =
  'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'unspecified' | 'multicast' | 'reserved' | 'invalid';

/** Classes an allow-list may open; every other class is refused whatever the configuration says. */
export type OpenableClass = 'public' | 'loopback' | 'private';

/** Which address classes one outbound request may reach. */
export interface AddressPolicy {
  readonly allow: ReadonlySet<OpenableClass>;
  /** Said in refusals, e.g. "client https://ehr.example.org" or "development mode". */
  readonly label: string;
}

function blockList(v4: readonly string[], v6: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of v4) {
    const [net, bits] = cidr.split('/');
    list.addSubnet(net ?? '', Number(bits), 'ipv4');
  }
  for (const cidr of v6) {
    const [net, bits] = cidr.split('/');
    list.addSubnet(net ?? '', Number(bits), 'ipv6');
  }
  return list;
}

// Cloud instance-metadata endpoints (AWS/GCP/Azure/Oracle 169.254.169.254, Alibaba 100.100.100.200,
// Azure wire server 168.63.129.16, AWS IPv6 fd00:ec2::254): checked before the wider ranges they sit in.
const METADATA = blockList(['169.254.169.254/32', '100.100.100.200/32', '168.63.129.16/32'], ['fd00:ec2::254/128']);
const CLASSES: ReadonlyArray<readonly [AddressClass, BlockList]> = [
  ['unspecified', blockList(['0.0.0.0/8'], ['::/128'])],
  ['loopback', blockList(['127.0.0.0/8'], ['::1/128'])],
  ['link-local', blockList(['169.254.0.0/16'], ['fe80::/10'])],
  ['multicast', blockList(['224.0.0.0/4'], ['ff00::/8'])],
  [
    'reserved',
    blockList(['240.0.0.0/4', '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'], ['2001:db8::/32', '100::/64']),
  ],
  [
    'private',
    blockList(
      ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '198.18.0.0/15', '192.0.0.0/24'],
      ['fc00::/7', 'fec0::/10'],
    ),
  ],
];

/** Host names of metadata services, refused before any resolution. */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** True for the host names of cloud metadata services. */
export function isMetadataHostName(hostname: string): boolean {
  return METADATA_HOSTS.has(hostname.toLowerCase().replace(/\.$/, ''));
}

/** The class of one IP address (v4 or v6, with or without a zone id or brackets). */
export function classifyAddress(raw: string): AddressClass {
  const address = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(address)) return classifyIn(address, 'ipv4');
  if (!isIPv6(address)) return 'invalid';
  const embedded = embeddedIPv4(address);
  if (embedded !== undefined) return classifyIn(embedded, 'ipv4');
  return classifyIn(address, 'ipv6');
}

function classifyIn(address: string, family: 'ipv4' | 'ipv6'): AddressClass {
  if (METADATA.check(address, family)) return 'metadata';
  for (const [cls, list] of CLASSES) if (list.check(address, family)) return cls;
  return 'public';
}

/** True when `cls` is one the policy opens. */
export function isAllowedClass(cls: AddressClass, policy: AddressPolicy): boolean {
  return (cls === 'public' || cls === 'loopback' || cls === 'private') && policy.allow.has(cls);
}

/** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96), NAT64 (64:ff9b::/96) or 6to4 address. */
function embeddedIPv4(address: string): string | undefined {
  const g = expandIPv6(address);
  if (!g) return undefined;
  const v4 = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4(g[6] ?? 0, g[7] ?? 0);
  // ::/96 minus :: and ::1, which are their own classes.
  if (zeros(0, 6) && ((g[6] ?? 0) !== 0 || (g[7] ?? 0) > 1)) return v4(g[6] ?? 0, g[7] ?? 0);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6] ?? 0, g[7] ?? 0);
  if (g[0] === 0x2002) return v4(g[1] ?? 0, g[2] ?? 0);
  return undefined;
}

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted IPv4 part allowed). */
function expandIPv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((x) => parseInt(x, 16)));
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...new Array<number>(Math.max(fill, 0)).fill(0), ...t];
  return groups.length === 8 && groups.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff) ? groups : undefined;
}
