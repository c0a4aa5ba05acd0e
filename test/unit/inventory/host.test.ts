import { describe, expect, it } from 'vitest';
import { hostSection } from '../../../shared/inventory/sections/host.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

const host = (name: string) => parseSection(hostSection, probeFixture('host', name)).host;

describe('host section parser', () => {
  it('reads a DigitalOcean droplet (Ubuntu 24.04)', () => {
    const h = host('digitalocean-ubuntu-24.04');
    expect(h).toMatchObject({
      hostname: 'nodejs-s-1vcpu-1gb-nyc3-01',
      os: { id: 'ubuntu', name: 'Ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' },
      kernel: '6.8.0-51-generic',
      arch: 'x86_64',
      cpus: 1,
      memoryBytes: 981308 * 1024,
      swapBytes: 0,
      loadAverage: [0.08, 0.03, 0.01],
      uptimeSeconds: 1209600.41,
      timezone: 'Etc/UTC',
    });
    expect(h.provider.name).toBe('digitalocean');
    expect(h.provider.evidence).toContain('sys_vendor=DigitalOcean');
    expect(h.provider.evidence).toContain('/var/lib/cloud/instance/datasource: DataSourceDigitalOcean: DataSourceDigitalOcean');
    expect(h.mounts).toEqual([
      { device: '/dev/vda1', mountpoint: '/', fstype: 'ext4', sizeBytes: 25215872 * 1024, usedBytes: 3046424 * 1024 },
      { device: '/dev/vda16', mountpoint: '/boot', fstype: 'ext4', sizeBytes: 901520 * 1024, usedBytes: 60812 * 1024 },
      { device: '/dev/vda15', mountpoint: '/boot/efi', fstype: 'vfat', sizeBytes: 106832 * 1024, usedBytes: 6186 * 1024 },
    ]);
  });

  it('reads a Linode (Akamai) instance, its zone from the /etc/localtime link, and a mount df could not size', () => {
    const h = host('linode-ubuntu-24.04');
    expect(h.provider.name).toBe('linode');
    expect(h.timezone).toBe('America/New_York');
    expect(h.swapBytes).toBe(524284 * 1024);
    expect(h.mounts[1]).toEqual({ device: '/srv/nfs share', mountpoint: '/mnt/backup disk', fstype: 'nfs4', sizeBytes: null, usedBytes: null });
  });

  it.each([
    ['aws-debian-12', 'aws'],
    ['aws-xen-legacy', 'aws'],
    ['hetzner', 'other'],
    ['plain-kvm', 'unknown'],
  ])('names the provider of %s as %s, from DMI and cloud-init files only', (fixture, provider) => {
    const h = host(fixture);
    expect(h.provider.name).toBe(provider);
    expect(h.provider.evidence.length).toBeGreaterThan(0);
  });

  it('keeps what it could read from a cut or garbled output', () => {
    const head = probeFixture('host', 'aws-debian-12').split('\n').slice(0, 3).join('\n');
    const text = `${head}\n\u0000\u00ff garbage\tmore\nmem\tMemTotal: lots kB\ncpus\t-3\nloadavg\t0.1 0.2`;
    const h = parseSection(hostSection, text).host;
    expect(h.hostname).toBe('ip-172-31-20-11');
    expect(h.arch).toBe('aarch64');
    expect(h.cpus).toBeNull();
    expect(h.memoryBytes).toBeNull();
    expect(h.loadAverage).toBeNull();
  });
});
