/**
 * The Namecheap backend of `DnsProvider`: getList for "is this domain on Namecheap DNS", getHosts
 * to read, setHosts to write (the whole zone, with the EmailType read).
 */
import type { DnsProvider, DomainStatus, Zone } from "../provider.js";
import { NamecheapClient, type NamecheapClientOptions } from "./client.js";
import type { NamecheapConfig } from "./config.js";

export class NamecheapProvider implements DnsProvider {
  readonly id = "namecheap";
  readonly displayName = "Namecheap";
  readonly writeCaveats = [
    "Namecheap's API cannot see SRV records: any made in the Namecheap dashboard are deleted by this write",
  ];
  readonly client: NamecheapClient;

  constructor(config: NamecheapConfig, options: NamecheapClientOptions = {}) {
    this.client = new NamecheapClient(config, options);
  }

  async domainStatus(domain: string): Promise<DomainStatus> {
    const list = await this.client.getList(domain);
    return { domain, servedHere: list.isUsingOurDns, nameservers: list.nameservers };
  }

  async readZone(domain: string): Promise<Zone> {
    const hosts = await this.client.getHosts(domain);
    return {
      domain,
      emailType: hosts.emailType,
      rows: hosts.hosts.map((h) => ({
        name: h.name,
        type: h.type,
        address: h.address,
        ttl: h.ttl,
        mxPref: h.mxPref,
        ...(h.isDDNSEnabled ? { dynamicDns: true } : {}),
      })),
    };
  }

  async writeZone(zone: Zone): Promise<void> {
    const hosts = zone.rows.map(({ name, type, address, mxPref, ttl }) => ({ name, type, address, mxPref, ttl }));
    await this.client.setHosts(zone.domain, hosts, zone.emailType);
  }
}
