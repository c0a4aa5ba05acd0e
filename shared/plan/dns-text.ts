import type { DnsProvider } from '../schema/design.js';

const NAMES: Record<DnsProvider, string> = {
  route53: 'Route 53',
  digitalocean: 'DigitalOcean DNS',
  linode: 'Linode DNS',
  registrar: "the registrar's DNS",
  other: 'your DNS host',
  unknown: 'your DNS host',
};

/** How the runbook names where a zone lives. */
export function dnsProviderName(provider: DnsProvider): string {
  return NAMES[provider];
}
