import { describe, expect, it } from 'vitest';
import { opensslDateToIso, tlsSection } from '../../../shared/inventory/sections/tls.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

describe('tls section parser', () => {
  it('reads each certificate in use: names from the SAN (CN without one), issuer, validity, source', () => {
    const inv = parseSection(tlsSection, probeFixture('tls', 'root'));
    expect(inv.tls.certificates).toEqual([
      {
        path: '/etc/letsencrypt/live/shop.example.org/fullchain.pem', subject: 'CN=shop.example.org', names: ['shop.example.org', 'www.shop.example.org'],
        issuer: "CN=R11,O=Let's Encrypt,C=US", notBefore: '2024-12-02T08:14:11.000Z', notAfter: '2025-03-02T08:14:10.000Z', source: 'letsencrypt',
      },
      {
        path: '/etc/ssl/app/fullchain.pem', subject: 'CN=app.example.com,O=Example Corp,L=Austin,ST=Texas,C=US', names: ['app.example.com', '*.app.example.com'],
        issuer: 'CN=Sectigo RSA Domain Validation Secure Server CA,O=Sectigo Limited,L=Salford,ST=Greater Manchester,C=GB',
        notBefore: '2024-06-11T00:00:00.000Z', notAfter: '2025-06-11T23:59:59.000Z', source: 'nginx',
      },
      {
        path: '/etc/ssl/certs/ssl-cert-snakeoil.pem', subject: 'CN=ubuntu', names: ['ubuntu'], issuer: 'CN=ubuntu',
        notBefore: '2025-01-03T09:21:45.000Z', notAfter: '2035-01-01T09:21:45.000Z', source: 'apache',
      },
      {
        path: '/etc/letsencrypt/live/old.example.org/cert.pem', subject: 'CN=old.example.org', names: ['old.example.org'], issuer: "CN=E5,O=Let's Encrypt,C=US",
        notBefore: '2024-10-01T10:00:00.000Z', notAfter: '2024-12-30T10:00:00.000Z', source: 'letsencrypt',
      },
    ]);
    expect(inv.notRead).toEqual([{ what: 'certificate /etc/nginx/ssl/missing.pem', reason: 'missing or not a certificate' }]);
  });

  it('says what it could not read without privileges', () => {
    const inv = parseSection(tlsSection, probeFixture('tls', 'unprivileged'), 'user');
    expect(inv.tls.certificates).toEqual([]);
    expect(inv.notRead).toEqual([
      { what: "Let's Encrypt certificates (/etc/letsencrypt/live)", reason: 'the directory needs root or sudo to list' },
      { what: 'certificate /etc/letsencrypt/live/shop.example.org/fullchain.pem', reason: 'not readable without root or sudo' },
    ]);
  });

  it('converts only well-formed openssl dates', () => {
    expect(opensslDateToIso('Feb 29 12:00:00 2024 GMT')).toBe('2024-02-29T12:00:00.000Z');
    for (const bad of ['Foo  1 00:00:00 2024 GMT', '2024-01-01', '', undefined]) expect(opensslDateToIso(bad)).toBeNull();
  });
});
