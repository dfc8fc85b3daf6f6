/**
 * The body of `GET /lease/{dseq}/{gseq}/{oseq}/status` (provider `gateway/rest` leaseStatusHandler,
 * chain-sdk `go/provider/client/types.go`), with its real quirks: `services` is a map keyed by
 * service name, `uris` are bare hostnames (the generated ingress host plus the `accept` hosts),
 * `forwarded_ports` uses camelCase `externalPort`, and `ips` has Go's capitalised keys because that
 * struct has no JSON tags. Both maps are null when empty. No container runs: replicas are reported
 * ready once the rollout delay has passed.
 */
import { sha256 } from "@cosmjs/crypto";
import { toHex, toUtf8 } from "@cosmjs/encoding";
import { externalPortOf, isIngress } from "../sdl/expose.js";
import type { ManifestGroup } from "../sdl/manifest.js";

export interface ServiceStatus {
  name: string;
  available: number;
  total: number;
  uris: string[] | null;
  observed_generation: number;
  replicas: number;
  updated_replicas: number;
  ready_replicas: number;
  available_replicas: number;
}

export interface ForwardedPortStatus {
  host: string;
  port: number;
  externalPort: number;
  proto: string;
  name: string;
}

export interface LeasedIpStatus {
  Port: number;
  ExternalPort: number;
  Protocol: string;
  IP: string;
}

export interface LeaseStatus {
  services: Record<string, ServiceStatus>;
  forwarded_ports: Record<string, ForwardedPortStatus[]> | null;
  ips: Record<string, LeasedIpStatus[]> | null;
}

export interface LeaseStatusInput {
  group: ManifestGroup;
  /** Replicas count as ready. */
  ready: boolean;
  generation: number;
  /** The provider's public hostname (ingress hosts hang off it). */
  hostname: string;
  /** Stable per lease, so generated hosts and ports do not change between polls. */
  leaseKey: string;
}

function digest(text: string): string {
  return toHex(sha256(toUtf8(text)));
}

/** A hostname like the provider's generated ingress hosts: lowercase letters and digits. */
export function ingressHost(leaseKey: string, service: string, hostname: string): string {
  const base36 = BigInt(`0x${digest(`${leaseKey}/${service}`).slice(0, 24)}`).toString(36);
  return `${base36.padStart(18, "0").slice(0, 18)}.ingress.${hostname}`;
}

function nodePort(leaseKey: string, service: string, port: number): number {
  return 30000 + (Number.parseInt(digest(`${leaseKey}/${service}/${port}`).slice(0, 8), 16) % 2768);
}

/** A leased IP from TEST-NET-3 (203.0.113.0/24), reserved for documentation. */
function leasedIp(leaseKey: string, endpoint: string): string {
  return `203.0.113.${1 + (Number.parseInt(digest(`${leaseKey}/ip/${endpoint}`).slice(0, 8), 16) % 254)}`;
}

export function leaseStatus(input: LeaseStatusInput): LeaseStatus {
  const services: Record<string, ServiceStatus> = {};
  const forwarded: Record<string, ForwardedPortStatus[]> = {};
  const ips: Record<string, LeasedIpStatus[]> = {};
  for (const svc of input.group.services) {
    const replicas = input.ready ? svc.count : 0;
    const uris: string[] = [];
    for (const expose of svc.expose) {
      if (!expose.global) continue;
      if (expose.ip !== "") {
        (ips[svc.name] ??= []).push({ Port: expose.port, ExternalPort: externalPortOf(expose), Protocol: expose.proto, IP: leasedIp(input.leaseKey, expose.ip) });
      }
      if (isIngress(expose)) {
        if (uris.length === 0) uris.push(ingressHost(input.leaseKey, svc.name, input.hostname));
        for (const host of expose.hosts ?? []) if (!uris.includes(host)) uris.push(host);
      } else if (expose.ip === "") {
        (forwarded[svc.name] ??= []).push({
          host: input.hostname,
          port: expose.port,
          externalPort: nodePort(input.leaseKey, svc.name, expose.port),
          proto: expose.proto,
          name: svc.name,
        });
      }
    }
    services[svc.name] = {
      name: svc.name,
      available: replicas,
      total: svc.count,
      uris: uris.length > 0 ? uris : null,
      observed_generation: input.generation,
      replicas: svc.count,
      updated_replicas: replicas,
      ready_replicas: replicas,
      available_replicas: replicas,
    };
  }
  return {
    services,
    forwarded_ports: Object.keys(forwarded).length > 0 ? forwarded : null,
    ips: Object.keys(ips).length > 0 ? ips : null,
  };
}
