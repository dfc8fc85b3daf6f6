/**
 * The deploy steps after `wait-ready`: what `verify` and `dns apply` read from the state file, the
 * `dns` step (the same sequence as `akash-stack dns apply STACK --network N --yes`) and the
 * `verify` step (the same checks as `akash-stack verify STACK --network N`).
 *
 * Both steps work on what this run already knows (the synthesized stack and the endpoints the
 * providers reported), so they never reload the stack file or shell out to the CLI.
 *
 * The code of each step (the Namecheap client and its XML parser; the OCI, IPFS and TLS checks) is
 * loaded only when the step runs: a deploy without DNS credentials, or on the local devnet, never
 * needs it, and loading it cost every deploy's start-up.
 */
import type { WaitOptions } from "../dns/apply.js";
import type { ZonePlan } from "../dns/merge.js";
import type { Env } from "../dns/namecheap/config.js";
import type { DesiredRecord } from "../dns/provider.js";
import { desiredFromStack, leasedIpResolver, type DeployState as DnsDeployState, type Parsed } from "../dns/records.js";
import { plainData } from "../sdl/yaml.js";
import type { SynthResult } from "../stack/synth.js";
import type { VerifyReport } from "../verify/report.js";
import type { ServiceEndpoints } from "./state.js";

/** The state file's `verify` object (documented in `src/verify/state.ts`). */
export interface VerifySection {
  /** IP endpoint name → the leased IPv4. */
  ips: Record<string, string>;
  /** DNS name → the IP endpoint it points at. */
  hosts: Record<string, string>;
  /** Role → base URL (the role is the record's name in its zone: `registry`, `ipfs`). */
  endpoints: Record<string, string>;
}

/** The environment variables that turn the `dns` step on. */
export const NAMECHEAP_CREDENTIALS = ["NAMECHEAP_API_USER", "NAMECHEAP_API_KEY", "NAMECHEAP_CLIENT_IP"] as const;

/** How long the `dns` step waits for the zone's nameservers, and how often it asks them. */
export const DNS_WAIT: WaitOptions = { timeoutMs: 300_000, intervalMs: 2_000 };

/** The leased IPs as `src/dns/records.ts` reads them from the deployer's record. */
function dnsStateOf(file: string, endpoints: Record<string, ServiceEndpoints>): DnsDeployState {
  const serviceIps: Record<string, string[]> = {};
  for (const [service, e] of Object.entries(endpoints)) {
    const ips = [...new Set(e.ips.map((ip) => ip.ip))];
    if (ips.length > 0) serviceIps[service] = ips;
  }
  return { file, ips: {}, serviceIps, params: {} };
}

/** IP endpoint names declared in the SDL (`endpoints: {name: {kind: ip}}`). */
function ipEndpointNames(sdl: string): string[] {
  const doc = plainData(sdl);
  const endpoints = isObject(doc) && isObject(doc.endpoints) ? doc.endpoints : {};
  return Object.entries(endpoints)
    .filter(([, body]) => isObject(body) && body.kind === "ip")
    .map(([name]) => name);
}

/** What `verify STACK --network N` needs: leased IPs per IP endpoint, the stack's names, their URLs. */
export function verifySectionOf(synth: Pick<SynthResult, "sdl" | "dns">, endpoints: Record<string, ServiceEndpoints>, file: string): VerifySection {
  const resolve = leasedIpResolver(dnsStateOf(file, endpoints), synth.sdl);
  const ips: Record<string, string> = {};
  for (const name of new Set([...ipEndpointNames(synth.sdl), ...synth.dns.map((r) => r.endpoint)])) {
    const ip = resolve(name);
    if (ip.ok) ips[name] = ip.value;
  }
  const hosts: Record<string, string> = {};
  const urls: Record<string, string> = {};
  for (const record of synth.dns) {
    hosts[record.fqdn] = record.endpoint;
    urls[record.name === "@" ? record.zone : record.name] = `https://${record.fqdn}`;
  }
  return { ips, hosts, endpoints: urls };
}

export type StepResult = { status: "done" | "skipped" | "failed"; message: string; warnings?: string[]; fields?: Record<string, unknown> };

export interface DnsStepInput {
  stack: string;
  network: string;
  synth: Pick<SynthResult, "sdl" | "dns">;
  endpoints: Record<string, ServiceEndpoints>;
  stateFile: string;
  home: string;
  env: Env;
  wait?: false | WaitOptions;
  /** Plan lines and progress, shown to the user. */
  info(line: string): void;
}

/** The `dns` step: `dns apply STACK --network N --yes` on this run's leased IPs. */
export async function runDnsStep(input: DnsStepInput): Promise<StepResult> {
  if (input.synth.dns.length === 0) return { status: "skipped", message: "the stack declares no DNS records (stack.dns.zone(...).a(...))" };
  const missing = NAMECHEAP_CREDENTIALS.filter((name) => !input.env[name]?.trim());
  if (missing.length > 0) {
    return {
      status: "skipped",
      message:
        `no DNS provider configured (${missing.join(", ")} not set): set ${NAMECHEAP_CREDENTIALS.join(", ")} to have deploy write the stack's A records, ` +
        `or run \`akash-stack dns apply ${input.stack} --network ${input.network}\` later`,
    };
  }
  const [{ formatPlan }, { applyDomain }, { namecheapConfigFromEnv }, { NamecheapProvider }, { describeAnswer }, { DnsError }] = await Promise.all([
    import("../dns/plan-text.js"),
    import("../dns/apply.js"),
    import("../dns/namecheap/config.js"),
    import("../dns/namecheap/provider.js"),
    import("../dns/propagation.js"),
    import("../dns/provider.js"),
  ]);
  const configured = namecheapConfigFromEnv(input.env);
  if ("problems" in configured) return { status: "failed", message: configured.problems.join("; ") };
  const desired: Parsed<Map<string, DesiredRecord[]>> = desiredFromStack(input.synth.dns, leasedIpResolver(dnsStateOf(input.stateFile, input.endpoints), input.synth.sdl));
  if (!desired.ok) return { status: "failed", message: desired.problems.join("; ") };

  const provider = new NamecheapProvider(configured.config);
  const retry = `run \`akash-stack dns apply ${input.stack} --network ${input.network}\` to try again (the deployment is running)`;
  const written: string[] = [];
  const unchanged: string[] = [];
  const warnings: string[] = [];
  for (const [domain, records] of desired.value) {
    try {
      const outcome = await applyDomain(provider, domain, records, {
        home: input.home,
        review: async (plan: ZonePlan) => {
          for (const line of formatPlan(plan, provider)) input.info(line);
          return true; // deploy --yes semantics: the plan is shown, then written
        },
        wait: input.wait ?? DNS_WAIT,
        progress: (line) => input.info(`  ${line}`),
      });
      if (outcome.kind === "unchanged") unchanged.push(domain);
      else if (outcome.kind === "refused" || outcome.kind === "declined") {
        return { status: "failed", message: `${domain}: not written: ${outcome.plan.blockers.map((b) => b.reason).join("; ") || "refused"}; ${retry} once resolved` };
      } else {
        // The plan also updates the ownership record; the user asked about their names.
        const names = new Set(records.map((r) => r.name));
        written.push(`${domain} (${outcome.plan.changes.filter((c) => names.has(c.name)).map((c) => c.name).sort().join(", ")})`);
        const wait = outcome.propagation;
        if (wait && !wait.done) {
          warnings.push(`${domain}: the records are written, but not every nameserver serves them yet: ${wait.pending.slice(0, 3).map(describeAnswer).join("; ")}; they usually follow within the hour`);
        }
      }
    } catch (err) {
      if (!(err instanceof DnsError)) throw err;
      return { status: "failed", message: `${domain}: ${err.message}; ${retry}` };
    }
  }
  if (written.length === 0) return { status: "done", message: `every record is up to date in ${unchanged.join(", ")}; nothing written`, fields: { written: [] } };
  return { status: "done", message: `wrote ${written.join(", ")}${unchanged.length > 0 ? `; ${unchanged.join(", ")} up to date` : ""}`, warnings, fields: { written } };
}

export interface VerifyStepInput {
  stack: string;
  network: string;
  home: string;
  stateFile: string;
  section: VerifySection;
  now?: () => Date;
}

/** The `verify` step: `verify STACK --network N`, its result saved for `status`. */
export async function runVerifyStep(input: VerifyStepInput): Promise<StepResult & { report?: VerifyReport }> {
  const rerun = `run \`akash-stack verify ${input.stack} --network ${input.network}\` to check again`;
  if (Object.keys(input.section.hosts).length === 0) {
    return { status: "skipped", message: `the stack declares no DNS names, so there is nothing to verify by name; ${rerun} with its endpoints in the state file, or see \`akash-stack status\`` };
  }
  const [{ buildReport }, { verifyStack }, { parseDeployState, writeLastVerify }] = await Promise.all([import("../verify/report.js"), import("../verify/stack.js"), import("../verify/state.js")]);
  const now = input.now ?? (() => new Date());
  const state = parseDeployState({ stack: input.stack, network: input.network, verify: input.section }, input.stateFile, input.stack, input.network);
  const startedAt = now();
  const services = await verifyStack(state, { pushTest: false, allowHttp: false });
  const report = buildReport(`${input.stack} on ${input.network}`, startedAt, services, now());
  const savedTo = await writeLastVerify(input.home, input.stack, input.network, report);
  const { passed, failed, skipped } = report.summary;
  const counts = `${passed} passed, ${failed} failed, ${skipped} skipped (saved in ${savedTo})`;
  if (report.ok) return { status: "done", message: `every check passed: ${counts}`, report };
  return { status: "failed", message: `${counts}; the deployment is kept: fix what failed, then ${rerun}`, report };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
