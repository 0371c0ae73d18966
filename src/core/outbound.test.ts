import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkOutboundUrl, ipVersion, isLoopbackHost, isPublicAddress } from './outbound.ts';

it('tells public addresses from loopback, private, link-local and reserved ones, however spelt', () => {
  for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '[2a00:1450:4001::1]', '::ffff:93.184.216.34', '64:ff9b::808:808'])
    assert.equal(isPublicAddress(ip), true, ip);
  for (const ip of [
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.9.9',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a00:1',
    '::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '2002:c0a8:0101::1',
    '2001:db8::1',
    'fe80::1',
    'fc00::1',
    'fd00::1',
    'ff02::1',
    'not-an-ip',
    '1.2.3',
    '01.2.3.4',
  ])
    assert.equal(isPublicAddress(ip), false, ip);
  assert.equal(ipVersion('1.2.3.4'), 4);
  assert.equal(ipVersion('::1'), 6);
  assert.equal(ipVersion('example.com'), 0);
});

it('names loopback hosts', () => {
  for (const h of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.9.9.9', '[::1]', '[::ffff:7f00:1]'])
    assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['example.com', '10.0.0.1', '[::2]', 'localhost.example.com']) assert.equal(isLoopbackHost(h), false, h);
});

it('checks registered URLs: allow-listed schemes, and public hosts in production (the URL parser normalises IPv4 spellings)', () => {
  const production = { production: true };
  assert.equal(checkOutboundUrl('https://world.example/cb', 'u', production).host, 'world.example');
  for (const bad of [
    'http://world.example/',
    'https://2130706433/',
    'https://0177.0.0.1/',
    'https://0x7f.1/',
    'https://[::ffff:127.0.0.1]/',
    'https://169.254.169.254/',
    'https://metadata.google.internal/',
    'https://printer.local/',
    'https://intranet/',
    'https://u:p@world.example/',
    'ftp://world.example/',
    'javascript:alert(1)',
    'not a url',
  ])
    assert.throws(() => checkOutboundUrl(bad, 'u', production), { code: 'validation_failed' }, bad);
  assert.equal(checkOutboundUrl('http://127.0.0.1:9/cb', 'u', { production: false }).port, '9');
  assert.throws(() => checkOutboundUrl('http://world.example/', 'u', { production: false }), { code: 'validation_failed' });
  assert.equal(checkOutboundUrl('http://world.example/', 'u', { production: false, devHttp: 'any' }).protocol, 'http:');
});
