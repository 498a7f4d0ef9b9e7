import { classifyAddress, isMetadataHostName, type AddressClass } from '../../../src/security/address-policy.js';

describe('classifyAddress', () => {
  test.each<[string, AddressClass]>([
    ['93.184.216.34', 'public'],
    ['2606:2800:220:1:248:1893:25c8:1946', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['not-an-ip', 'invalid'],
  ])('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  test.each<[string, AddressClass]>([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:a9fe:a9fe::1', 'metadata'],
    ['::7f00:1', 'loopback'],
  ])('an IPv6 form embedding IPv4 (%s) is classified by the IPv4 address: %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });
});

describe('isMetadataHostName', () => {
  test('knows the cloud metadata host names, with or without a trailing dot, in any case', () => {
    expect(isMetadataHostName('metadata.google.internal')).toBe(true);
    expect(isMetadataHostName('METADATA.google.internal.')).toBe(true);
    expect(isMetadataHostName('fhir.example.org')).toBe(false);
  });
});
