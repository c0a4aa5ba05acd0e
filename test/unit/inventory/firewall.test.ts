import { describe, expect, it } from 'vitest';
import { firewallSection } from '../../../shared/inventory/sections/firewall.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

const firewall = (name: string, privilege: 'root' | 'user' = 'root') => parseSection(firewallSection, probeFixture('firewall', name), privilege);

describe('firewall section parser', () => {
  it('reads the DigitalOcean 1-Click ufw: 22 limited, Nginx Full allowed', () => {
    const inv = firewall('ufw-digitalocean-1-click');
    expect(inv.firewall).toEqual({
      tool: 'ufw',
      active: true,
      openPorts: ['22/tcp', '80/tcp', '443/tcp'],
      rules: [
        '22/tcp                     LIMIT IN    Anywhere',
        '80,443/tcp (Nginx Full)    ALLOW IN    Anywhere',
        '22/tcp (v6)                LIMIT IN    Anywhere (v6)',
        '80,443/tcp (Nginx Full (v6)) ALLOW IN    Anywhere (v6)',
      ],
    });
    expect(inv.notRead).toEqual([]);
  });

  it('expands application profiles and bare ports, and skips rules limited to some sources or outgoing', () => {
    expect(firewall('ufw-profiles-and-restrictions').firewall.openPorts).toEqual(['22/tcp', '80/tcp', '443/tcp', '3000/tcp', '3000/udp', '6000:6007/udp']);
  });

  it('reports an installed but inactive ufw as such, even beside docker’s nft tables', () => {
    expect(firewall('ufw-inactive').firewall).toEqual({ tool: 'ufw', active: false, openPorts: null, rules: [] });
  });

  it('without root: ufw is on (from ufw.conf) but its rules are unknown, and it says so', () => {
    const inv = firewall('ufw-unprivileged', 'user');
    expect(inv.firewall).toEqual({ tool: 'ufw', active: true, openPorts: null, rules: [] });
    expect(inv.notRead).toEqual([{ what: 'firewall rules', reason: 'needs root or sudo' }]);
  });

  it('judges iptables rules: a final REJECT closes the input chain, jumps keep their ports', () => {
    const fw = firewall('iptables-centos-style').firewall;
    expect(fw.tool).toBe('iptables');
    expect(fw.active).toBe(true);
    expect(fw.openPorts).toEqual(['22/tcp', '80/tcp', '443/tcp']);
    expect(fw.rules).toContain('-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 5432 -j ACCEPT');
    // Raw rules keep every table: a nat redirect of 80 to the app's port matters to a migration.
    expect(fw.rules).toContain('-A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 3000');
  });

  it('judges an nftables ruleset with sets, ranges, l4proto sets and jumps', () => {
    const fw = firewall('nftables-debian').firewall;
    expect(fw).toMatchObject({ tool: 'nftables', active: true });
    expect(fw.openPorts).toEqual(['22/tcp', '53/tcp', '53/udp', '80/tcp', '443/tcp', '8443/tcp', '60000:61000/udp']);
    expect(fw.rules).toContain('tcp dport { 80, 443 } accept');
  });

  it('says there is no firewall when no tool is installed', () => {
    expect(firewall('none-root').firewall).toEqual({ tool: 'none', active: false, openPorts: null, rules: [] });
  });
});
