/**
 * After a write: ask each of the domain's authoritative nameservers, directly, until all of them
 * answer the new value, or time out (namecheap.md §4 "Verification and propagation"). Asking the
 * authoritative servers, not the local resolver, shows when the DNS host has published the change,
 * without waiting out caches; Namecheap can take minutes to publish.
 *
 * `Resolver#setServers` takes IP addresses only, so nameserver host names are first resolved
 * through the system resolver; `ip` and `ip:port` entries are used as they are (the emulator's).
 */
import { promises as dns } from "node:dns";
import { isIP } from "node:net";
import { systemClock, type Clock } from "./rate-limit.js";

export interface PropagationExpectation {
  fqdn: string;
  type: "A" | "CNAME";
  value: string;
}

/** One nameserver's answer for one name in the last round. */
export interface ServerAnswer {
  /** The nameserver as given: `dns1.registrar-servers.com`. */
  nameserver: string;
  /** The address asked, or undefined when the nameserver's name did not resolve. */
  address: string | undefined;
  fqdn: string;
  /** What it answered (sorted), or the DNS error code (`ENOTFOUND`, `ETIMEOUT`). */
  answer: string[] | { error: string };
  ok: boolean;
}

export interface PropagationResult {
  /** Every nameserver answered every name with the expected value. */
  done: boolean;
  elapsedMs: number;
  rounds: number;
  /** The last round's answers that were not yet right (empty when done). */
  pending: ServerAnswer[];
}

export interface PropagationOptions {
  /** Host names, IPs, or `ip:port`. */
  nameservers: readonly string[];
  expectations: readonly PropagationExpectation[];
  /** Give up after this long; default 15 minutes. */
  timeoutMs?: number;
  /** Pause between rounds; default 10 s. */
  intervalMs?: number;
  /** Per question; default 3 s. */
  queryTimeoutMs?: number;
  clock?: Clock;
  /** How nameserver host names become IPs; default the system resolver (IPv4). */
  lookupNameserver?: (name: string) => Promise<string[]>;
  /** Called after each round that is not yet done. */
  onRound?: (round: number, pending: readonly ServerAnswer[]) => void;
}

export async function waitForPropagation(options: PropagationOptions): Promise<PropagationResult> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const intervalMs = options.intervalMs ?? 10_000;
  const lookup = options.lookupNameserver ?? ((name: string) => dns.resolve4(name));
  const started = clock.now();
  const addresses = new Map<string, string[]>();

  for (let round = 1; ; round++) {
    const answers: ServerAnswer[] = [];
    for (const nameserver of options.nameservers) {
      let ips = addresses.get(nameserver);
      if (!ips) {
        ips = await addressesOf(nameserver, lookup);
        if (ips.length > 0) addresses.set(nameserver, ips);
      }
      if (ips.length === 0) {
        for (const e of options.expectations) answers.push({ nameserver, address: undefined, fqdn: e.fqdn, answer: { error: "nameserver name does not resolve" }, ok: false });
        continue;
      }
      // Every address of a nameserver must agree: they may be different machines (anycast aside).
      for (const address of ips) {
        const results = await Promise.all(options.expectations.map((e) => ask(address, e, options.queryTimeoutMs ?? 3_000)));
        options.expectations.forEach((e, i) => answers.push({ nameserver, address, fqdn: e.fqdn, ...results[i]! }));
      }
    }
    const pending = answers.filter((a) => !a.ok);
    const elapsedMs = clock.now() - started;
    if (pending.length === 0) return { done: true, elapsedMs, rounds: round, pending };
    if (elapsedMs + intervalMs > timeoutMs) return { done: false, elapsedMs, rounds: round, pending };
    options.onRound?.(round, pending);
    await clock.sleep(intervalMs);
  }
}

/** `203.0.113.5 (dns1.registrar-servers.com) answers registry.example.com: 198.51.100.7`. */
export function describeAnswer(a: ServerAnswer): string {
  const server = a.address && a.address !== a.nameserver ? `${a.nameserver} (${a.address})` : a.nameserver;
  const said = Array.isArray(a.answer) ? (a.answer.length === 0 ? "no records" : a.answer.join(", ")) : a.answer.error;
  return `${server} answers ${a.fqdn}: ${said}`;
}

async function addressesOf(nameserver: string, lookup: (name: string) => Promise<string[]>): Promise<string[]> {
  if (isIP(nameserver) !== 0 || /^\d+\.\d+\.\d+\.\d+:\d+$/.test(nameserver) || /^\[[0-9a-f:]+\]:\d+$/i.test(nameserver)) return [nameserver];
  try {
    return (await lookup(nameserver)).sort();
  } catch {
    return [];
  }
}

async function ask(address: string, expected: PropagationExpectation, timeoutMs: number): Promise<{ answer: string[] | { error: string }; ok: boolean }> {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([address]);
  try {
    const raw = expected.type === "A" ? await resolver.resolve4(expected.fqdn) : await resolver.resolveCname(expected.fqdn);
    const answer = raw.map((v) => normalize(expected.type, v)).sort();
    return { answer, ok: answer.length === 1 && answer[0] === normalize(expected.type, expected.value) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    return { answer: { error: code }, ok: false };
  } finally {
    resolver.cancel();
  }
}

function normalize(type: "A" | "CNAME", value: string): string {
  return type === "CNAME" ? value.toLowerCase().replace(/\.$/, "") : value;
}
