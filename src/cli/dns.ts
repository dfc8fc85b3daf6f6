/**
 * `akash-stack dns plan|apply|rollback`: point DNS names at a deployment, changing nothing else.
 *
 *   akash-stack dns plan  --provider namecheap --domain D --record NAME=TYPE:VALUE … [--ttl S] [--adopt] [--force] [--sandbox]
 *   akash-stack dns apply --provider namecheap --domain D --record NAME=TYPE:VALUE … [--yes] [--no-wait] …
 *   akash-stack dns apply STACK --network N [--set key=value …]   (names from the stack, IPs from the deploy state)
 *   akash-stack dns rollback --domain D [--yes] [--force]          (or STACK --network N)
 *
 * Credentials come from NAMECHEAP_* environment variables only, and are never printed or stored.
 *
 * Exit codes, as for every command: 0 done (for `plan`: the plan was made, changes or not), 1
 * failed (API errors, a plan `apply` would refuse, refused, declined), 2 usage errors (bad flags,
 * missing credentials). `plan --detailed-exitcode`, like `terraform plan -detailed-exitcode`: 0
 * nothing to change, 2 changes to apply, 1 anything else, usage errors included.
 */
import { createInterface } from "node:readline/promises";
import { applyDomain, planDomain, rollbackDomain, type UpdateOutcome, type WaitOptions } from "../dns/apply.js";
import type { RowChange, ZonePlan } from "../dns/merge.js";
import { NamecheapProvider } from "../dns/namecheap/provider.js";
import { namecheapConfigFromEnv, type Env } from "../dns/namecheap/config.js";
import type { ClientEvent } from "../dns/namecheap/client.js";
import { formatPlan, plural } from "../dns/plan-text.js";
import { describeAnswer } from "../dns/propagation.js";
import { DnsError, type DesiredRecord, type DnsProvider, type ZoneRow } from "../dns/provider.js";
import type { Clock } from "../dns/rate-limit.js";
import { DEFAULT_TTL, desiredFromStack, DOMAIN_NAME, leasedIpResolver, parseRecordFlags, parseTtl, readDeployState, type StackDnsRecord } from "../dns/records.js";
import { stackHome } from "../stack/secrets.js";
import type { StackDefinition } from "../stack/stack.js";

export type DnsAction = "plan" | "apply" | "rollback";

export interface DnsOptions {
  /** A stack name under stacks/ or a path: the stack-driven form. */
  stack?: string;
  network?: string;
  set?: string[];
  provider?: string;
  domain?: string;
  record?: string[];
  ttl?: string | number;
  yes?: boolean;
  /** commander's `--no-wait` sets this to false. */
  wait?: boolean;
  /** Seconds to wait for the nameservers; default 900. */
  waitTimeout?: string | number;
  adopt?: boolean;
  force?: boolean;
  sandbox?: boolean;
  /** `plan` only: exit 2 when there are changes to apply, and 1 for every error (see above). */
  detailedExitcode?: boolean;
  /** `json`: one object on stdout at the end, `{action, zones: [...]}`; messages stay on stderr. */
  output?: "text" | "json";
}

/** One zone in `dns … --output json`: record names, types, addresses and TTLs; never a credential. */
export interface DnsZoneJson {
  domain: string;
  outcome: "planned" | "unchanged" | "refused" | "declined" | "applied" | "failed";
  changes: Array<{ action: RowChange["action"]; name: string; before?: RowJson; after?: RowJson }>;
  blockers: string[];
  notes: string[];
  /** apply: where the zone as it was is saved. */
  backupFile?: string;
  /** apply: whether every authoritative nameserver answers the new values. */
  propagated?: boolean;
  error?: string;
}

interface RowJson {
  type: string;
  address: string;
  ttl: string;
}

/** Where the command runs; tests pass their own. */
export interface DnsIo {
  cwd: string;
  env: Env;
  write(stream: "stdout" | "stderr", text: string): void;
  /** Whether a person can answer a question (stdin is a terminal). */
  interactive: boolean;
  /** Asks on the terminal; resolves to the answer line. */
  ask(question: string): Promise<string>;
  /** Pacing and backoff clock for the API client (tests: a manual clock). */
  clock?: Clock;
  /** Overrides for the nameserver wait (tests: short intervals). */
  waitOverrides?: Partial<WaitOptions>;
}

interface Target {
  domain: string;
  records: DesiredRecord[];
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** `plan --detailed-exitcode`'s exit code when there is something to apply. */
const EXIT_PLAN_CHANGES = 2;
const DEFAULT_WAIT_SECONDS = 900;

export async function runDns(action: DnsAction, opts: DnsOptions, io: DnsIo = defaultIo()): Promise<number> {
  const command = `akash-stack dns ${action}`;
  const json = opts.output === "json";
  // With --output json, stdout carries the one object at the end and nothing else.
  const say = (text: string) => {
    if (!json) io.write("stdout", text + "\n");
  };
  const zones: DnsZoneJson[] = [];
  const complain = (text: string) => io.write("stderr", `${command}: ${text}\n`);
  // `plan --detailed-exitcode` keeps 2 for "changes"; its usage errors are failures like any other.
  const usage = (problems: string[]) => {
    for (const p of problems) complain(p);
    return opts.detailedExitcode ? EXIT_FAILED : EXIT_USAGE;
  };
  if (opts.detailedExitcode && action !== "plan") return usage([`--detailed-exitcode is for dns plan only: ${action} exits 0 when done, 1 when it failed`]);

  const providerId = (opts.provider ?? "namecheap").toLowerCase();
  if (providerId !== "namecheap") return usage([`--provider ${opts.provider} is not supported: the only DNS provider so far is namecheap`]);
  const waitSeconds = Number(opts.waitTimeout ?? DEFAULT_WAIT_SECONDS);
  if (!Number.isFinite(waitSeconds) || waitSeconds <= 0) return usage([`--wait-timeout ${opts.waitTimeout} is not a number of seconds`]);

  const targets = await resolveTargets(action, opts, io);
  if ("problems" in targets) {
    if (targets.usage) return usage(targets.problems);
    for (const p of targets.problems) complain(p);
    return EXIT_FAILED;
  }

  const configured = namecheapConfigFromEnv(io.env, { sandbox: opts.sandbox });
  if ("problems" in configured) return usage(configured.problems);
  const provider = new NamecheapProvider(configured.config, {
    ...(io.clock ? { clock: io.clock } : {}),
    onEvent: (event: ClientEvent) => {
      if (event.kind === "retry") io.write("stderr", `  ${event.reason}; trying again in ${Math.round(event.delayMs / 1000)} s\n`);
    },
  });

  const home = stackHome(io.env, io.cwd);
  const wait: false | WaitOptions =
    opts.wait === false || action === "plan"
      ? false
      : {
          timeoutMs: waitSeconds * 1000,
          onRound: (round, pending) => io.write("stderr", `  not yet (round ${round}): ${pending.slice(0, 3).map(describeAnswer).join("; ")}${pending.length > 3 ? "; …" : ""}\n`),
          ...io.waitOverrides,
        };

  // A stack may declare records in several zones: each is planned and written on its own.
  const codes: number[] = [];
  for (const target of targets.list) {
    try {
      codes.push(await runOne(action, target, provider, { opts, io, home, wait, say, complain, zones }));
    } catch (err) {
      if (!(err instanceof DnsError)) throw err;
      complain(`${target.domain}: ${err.message}`);
      zones.push({ domain: target.domain, outcome: "failed", changes: [], blockers: [], notes: [], error: err.message });
      codes.push(EXIT_FAILED);
    }
  }
  if (json) io.write("stdout", `${JSON.stringify({ action, zones })}\n`);
  // A failure in any zone wins over "changes to apply" (plan's 2 with --detailed-exitcode), which wins over success.
  if (codes.includes(EXIT_FAILED)) return EXIT_FAILED;
  return opts.detailedExitcode && codes.includes(EXIT_PLAN_CHANGES) ? EXIT_PLAN_CHANGES : EXIT_OK;
}

interface RunContext {
  opts: DnsOptions;
  io: DnsIo;
  home: string;
  wait: false | WaitOptions;
  say: (text: string) => void;
  complain: (text: string) => void;
  /** Filled for --output json. */
  zones: DnsZoneJson[];
}

async function runOne(action: DnsAction, target: Target, provider: DnsProvider, ctx: RunContext): Promise<number> {
  const { opts, io, say, complain } = ctx;
  const planOptions = { adopt: opts.adopt, force: opts.force };

  if (action === "plan") {
    const { plan } = await planDomain(provider, target.domain, target.records, planOptions);
    ctx.zones.push(zoneJson(plan, "planned"));
    for (const line of formatPlan(plan, provider)) say(line);
    if (plan.changes.length === 0) return EXIT_OK;
    if (plan.blockers.length > 0) {
      for (const b of plan.blockers) complain(`${target.domain}: apply would refuse: ${b.reason}`);
      return EXIT_FAILED;
    }
    say(`Run \`akash-stack dns apply\` with the same arguments to write ${plural(plan.changes.length, "change")}.`);
    return EXIT_PLAN_CHANGES;
  }

  let notAsked = false;
  const review = async (plan: ZonePlan): Promise<boolean> => {
    for (const line of formatPlan(plan, provider)) say(line);
    if (opts.yes) return true;
    if (!io.interactive) {
      notAsked = true;
      return false;
    }
    const answer = await io.ask(`Write ${plural(plan.changes.length, "change")} to ${plan.domain} at ${provider.displayName}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  };
  const common = { home: ctx.home, review, wait: ctx.wait, progress: (line: string) => io.write("stderr", `  ${line}\n`) };
  const outcome =
    action === "apply"
      ? await applyDomain(provider, target.domain, target.records, { ...common, ...planOptions })
      : await rollbackDomain(provider, target.domain, { ...common, force: opts.force });
  ctx.zones.push({
    ...zoneJson(outcome.plan, outcome.kind),
    ...(outcome.kind === "applied" ? { backupFile: outcome.backupFile, ...(outcome.propagation ? { propagated: outcome.propagation.done } : {}) } : {}),
  });
  return report(action, outcome, provider, notAsked, say, complain);
}

function zoneJson(plan: ZonePlan, outcome: DnsZoneJson["outcome"]): DnsZoneJson {
  const row = (r: ZoneRow | undefined): RowJson | undefined => (r ? { type: r.type, address: r.address, ttl: r.ttl } : undefined);
  return {
    domain: plan.domain,
    outcome,
    changes: plan.changes.map((c) => ({ action: c.action, name: c.name, ...(c.before ? { before: row(c.before) } : {}), ...(c.after ? { after: row(c.after) } : {}) })),
    blockers: plan.blockers.map((b) => b.reason),
    notes: plan.notes,
  };
}

function report(action: DnsAction, outcome: UpdateOutcome, provider: DnsProvider, notAsked: boolean, say: (t: string) => void, complain: (t: string) => void): number {
  const { plan } = outcome;
  switch (outcome.kind) {
    case "unchanged":
      for (const line of formatPlan(plan, provider)) say(line);
      return EXIT_OK;
    case "refused":
      for (const line of formatPlan(plan, provider)) say(line);
      for (const b of plan.blockers) complain(`${plan.domain}: refused: ${b.reason}`);
      complain(`${plan.domain}: nothing was written`);
      return EXIT_FAILED;
    case "declined":
      if (notAsked) complain(`${plan.domain}: not writing: stdin is not a terminal, so there is no one to confirm; pass --yes to ${action} without asking`);
      else complain(`${plan.domain}: not confirmed; nothing was written`);
      return EXIT_FAILED;
    case "applied": {
      say(`${plan.domain}: wrote ${plural(plan.changes.length, "change")} (${plan.after.length} records in the zone); the zone before is saved in ${outcome.backupFile}`);
      const result = outcome.propagation;
      if (!result) return EXIT_OK;
      const servers = plural(outcome.nameservers.length, "nameserver");
      if (result.done) {
        say(`${plan.domain}: all ${servers} answer the new values (after ${seconds(result.elapsedMs)})`);
        return EXIT_OK;
      }
      complain(`${plan.domain}: the records are written, but after ${seconds(result.elapsedMs)} not every nameserver serves them yet:`);
      for (const a of result.pending.slice(0, 10)) complain(`  ${describeAnswer(a)}`);
      complain(
        `${provider.displayName} can take up to an hour to publish; check later with \`dig +norecurse @${outcome.nameservers[0]} ${result.pending[0]?.fqdn ?? plan.domain} A\`, ` +
          `or run again with a longer --wait-timeout (or --no-wait)`,
      );
      return EXIT_FAILED;
    }
  }
}

type Targets = { list: Target[] } | { problems: string[]; usage: boolean };

async function resolveTargets(action: DnsAction, opts: DnsOptions, io: DnsIo): Promise<Targets> {
  if (opts.stack !== undefined) return stackTargets(action, opts, io);
  if (opts.network !== undefined) return { problems: [`--network goes with a stack: \`akash-stack dns ${action} STACK --network ${opts.network}\``], usage: true };
  const problems: string[] = [];
  const domain = opts.domain?.trim().toLowerCase().replace(/\.$/, "");
  if (!domain) problems.push(`--domain is needed: the domain as registered at the provider, like --domain example.com (or give a stack: \`dns ${action} STACK --network N\`)`);
  else if (!DOMAIN_NAME.test(domain)) problems.push(`--domain ${JSON.stringify(opts.domain)} is not a domain name: give it like example.com`);
  if (action === "rollback") {
    if ((opts.record ?? []).length > 0) problems.push(`rollback restores the whole saved zone; it takes no --record`);
    return problems.length > 0 || !domain ? { problems, usage: true } : { list: [{ domain, records: [] }] };
  }
  const ttl = parseTtl(opts.ttl);
  if (!ttl.ok) problems.push(...ttl.problems);
  if (!domain || !DOMAIN_NAME.test(domain)) return { problems, usage: true }; // records are relative to it
  // Records are checked even when --ttl is wrong, so every mistake shows at once.
  const records = parseRecordFlags(opts.record ?? [], domain, ttl.ok ? ttl.value : DEFAULT_TTL);
  if (!records.ok) problems.push(...records.problems);
  if (problems.length > 0 || !records.ok) return { problems, usage: true };
  return { list: [{ domain, records: records.value }] };
}

/** The stack-driven form: names from the stack's synth result, IPs from the deploy state. */
async function stackTargets(action: DnsAction, opts: DnsOptions, io: DnsIo): Promise<Targets> {
  const stack = opts.stack!;
  const conflicting = [opts.domain !== undefined && "--domain", (opts.record ?? []).length > 0 && "--record", opts.ttl !== undefined && "--ttl"].filter(Boolean);
  if (conflicting.length > 0) {
    return { problems: [`${conflicting.join(", ")} cannot be combined with a stack: the stack declares its names and TTLs (stack.dns.zone(...).a(...))`], usage: true };
  }
  if (!opts.network) return { problems: [`--network is needed with a stack: which deployment's IPs to use, like --network mainnet`], usage: true };
  if (!/^[a-z0-9][-a-z0-9]*$/.test(opts.network)) return { problems: [`--network ${JSON.stringify(opts.network)} is not a network name (like mainnet or sandbox)`], usage: true };

  const loaded = await loadStack(stack, io.cwd);
  if ("error" in loaded) return { problems: [loaded.error], usage: loaded.usage };
  const home = stackHome(io.env, io.cwd);
  const state = await readDeployState(home, loaded.name, opts.network);
  if (!state.ok) return { problems: state.problems, usage: false };

  // Loaded only for this form: synth pulls in the SDL linter, which `dns --domain` never needs.
  const { ParamError, parseSetFlags } = await import("../stack/params.js");
  const { formatProblem, synth, SynthError } = await import("../stack/synth.js");
  let dns: StackDnsRecord[];
  let sdl: string;
  try {
    const overrides = parseSetFlags(loaded.definition.params, opts.set ?? []);
    ({ dns, sdl } = synth(loaded.definition, { ...state.value.params, ...overrides }));
  } catch (err) {
    if (err instanceof ParamError) return { problems: err.message.split("\n"), usage: true };
    if (err instanceof SynthError) return { problems: err.problems.map((p) => formatProblem(p, io.cwd)), usage: false };
    throw err;
  }
  if (dns.length === 0) return { problems: [`stack ${loaded.name} declares no DNS records: add them with stack.dns.zone("example.com").a("www", ip)`], usage: false };
  const desired = desiredFromStack(dns, leasedIpResolver(state.value, sdl));
  if (!desired.ok) return { problems: desired.problems, usage: false };
  const list = [...desired.value].map(([domain, records]) => ({ domain, records: action === "rollback" ? [] : records }));
  return { list };
}

/** Loads a stack like synth does: locate errors are usage errors, load errors are not. */
async function loadStack(arg: string, cwd: string): Promise<{ definition: StackDefinition; name: string } | { error: string; usage: boolean }> {
  const { locateStack, loadStack: loadStackFile } = await import("../stack/load.js");
  const located = locateStack(arg, cwd);
  if ("error" in located) return { error: located.error, usage: true };
  const loaded = await loadStackFile(located.file, cwd);
  if ("error" in loaded) return { error: loaded.error, usage: false };
  return { definition: loaded.definition, name: located.name };
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}


function defaultIo(): DnsIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    write: (stream, text) => void (stream === "stdout" ? process.stdout : process.stderr).write(text),
    interactive: process.stdin.isTTY === true,
    async ask(question) {
      // The question goes to stderr so stdout stays the plan (pipeable, comparable).
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}
