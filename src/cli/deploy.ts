/**
 * `akash-stack deploy STACK --network N [--yes] [--output text|jsonl] [--mnemonic-file F]
 * [--set key=value …] [--deposit 5ACT] [--max-price P] [--auditor A …] [--attribute k=v …]
 * [--allow-provider P …] [--deny-provider P …] [--bid-timeout S]`.
 *
 * Exit codes: 0 every service is ready (or nothing had to change) and the dns and verify steps
 * passed or were skipped; 1 the deploy failed (the message says whether the deployment was closed or
 * can be resumed by running the same command), including services that are ready while the dns or
 * verify step failed (the leases keep running; the summary's `failedSteps` names the steps, and
 * running the same command repeats them); 2 usage.
 */
import { DEFAULT_BID_POLICY, type BidPolicy } from "../deploy/bids.js";
import { deployStack, type DeploySummary } from "../deploy/deploy.js";
import { parseAmount } from "../deploy/deposit.js";
import { MissingSecretsError, prepareDeployment } from "../deploy/desired.js";
import { createReporter } from "../deploy/report.js";
import { defaultIo, explainFailure, homeOf, loadAndSynth, openNetwork, openSigner, timingsFor, UsageError, type ChainFlags, type CommandIo, type Signer } from "../deploy/session.js";
import { loadState, lockState } from "../deploy/state.js";

export interface DeployFlags extends ChainFlags {
  yes?: boolean;
  output?: string;
  set?: string[];
  deposit?: string;
  maxPrice?: string;
  auditor?: string[];
  attribute?: string[];
  allowProvider?: string[];
  denyProvider?: string[];
  /** Seconds. */
  bidTimeout?: string;
  /** Secrets from files: NAME=PATH. */
  secretFile?: string[];
}

export async function runDeploy(stackArg: string, flags: DeployFlags, io: CommandIo = defaultIo()): Promise<number> {
  const format = flags.output ?? "text";
  if (format !== "text" && format !== "jsonl") {
    io.write("stderr", `akash-stack deploy: --output must be text or jsonl, not ${JSON.stringify(format)}\n`);
    return 2;
  }
  const reporter = createReporter(format, io);
  const fail = (message: string, exitCode: number, fields: Partial<DeploySummary> = {}) => {
    if (format === "jsonl") reporter.summary({ status: "failed", network: flags.network, stack: stackArg, error: message, ...fields });
    io.write("stderr", `akash-stack deploy: ${message}\n`);
    return exitCode;
  };

  let release: (() => Promise<void>) | undefined;
  let signing: Promise<Signer> | undefined;
  try {
    const network = await openNetwork(flags, io);
    const policy = bidPolicy(flags);
    const deposit = flags.deposit ? parseAmount(flags.deposit, network.depositDenom) : undefined;
    // Connecting (loading the chain libraries, deriving the key) overlaps with loading the stack;
    // nothing is sent before the secrets are checked below.
    signing = openSigner(network, flags, io, (m) => reporter.info(m));
    signing.catch(() => undefined); // awaited below; an early failure must not go unhandled meanwhile
    const stack = await loadAndSynth(stackArg, flags.set ?? [], io, { typecheck: flags.typecheck, name: flags.name });
    for (const w of stack.synth.warnings) reporter.warn(w.message);
    const home = homeOf(io);

    // Secrets first: a missing one stops the deploy before any transaction.
    const desired = await prepareDeployment(stack.name, stack.synth, { mode: "deploy", env: io.env, home, cwd: io.cwd, secretFiles: secretFiles(flags.secretFile) });
    for (const name of desired.createdSecrets) reporter.info(`generated secret ${name} (kept in ${home}/secrets.json)`);
    for (const notice of desired.notices) reporter.warn(notice);

    const lock = await lockState(home, stack.name, network.name);
    release = () => lock.release();
    const signer = await signing;
    reporter.info(`deploying ${stack.name} to ${network.name} (${network.chainId}) as ${signer.chain.address} (key from ${signer.origin})`);

    const timings = timingsFor(network);
    const summary = await deployStack(
      desired,
      {
        chain: signer.chain,
        network,
        home,
        providers: signer.providers,
        reporter,
        confirm: async (question) => (io.ask ? io.ask(question) : false),
        state: await loadState(home, stack.name, network.name),
        env: io.env,
      },
      {
        yes: flags.yes === true,
        ...(deposit ? { deposit } : {}),
        policy,
        bidTimeoutMs: flags.bidTimeout ? seconds(flags.bidTimeout, "--bid-timeout") * 1000 : timings.bidTimeoutMs,
        readyTimeoutMs: timings.readyTimeoutMs,
        pollMs: timings.pollMs,
        manifestDeadlineMs: timings.manifestDeadlineMs,
        ...(io.env.AKASH_STACK_CRASH_AT ? { crashAt: io.env.AKASH_STACK_CRASH_AT } : {}),
      },
    );
    reporter.summary({
      status: summary.status,
      network: summary.network,
      stack: summary.stack,
      dseq: summary.dseq,
      owner: summary.owner,
      leases: summary.leases,
      endpoints: summary.endpoints,
      txs: summary.txs,
      action: summary.action,
      ...(summary.error ? { error: summary.error } : {}),
      ...(summary.failedSteps ? { failedSteps: summary.failedSteps } : {}),
    });
    if (summary.status === "failed") {
      io.write("stderr", `akash-stack deploy: ${summary.error}\n`);
      return 1;
    }
    if (format === "text") io.write("stdout", describeDone(summary));
    return 0;
  } catch (err) {
    if (err instanceof MissingSecretsError) return fail(err.message, 1);
    const { message, exitCode } = explainFailure(err);
    return fail(message, exitCode);
  } finally {
    // A connection still being opened when something else failed is closed too.
    await signing?.then((s) => s.chain.close(), () => undefined).catch(() => undefined);
    await release?.().catch(() => undefined);
  }
}

function describeDone(s: DeploySummary): string {
  const lines = [`\n${s.stack} is running on ${s.network}: deployment ${s.dseq}${s.txs.length === 0 ? " (no transaction was needed)" : ` (${s.txs.length} transaction${s.txs.length === 1 ? "" : "s"})`}`];
  for (const l of s.leases) lines.push(`  lease ${l.gseq}/${l.oseq} at ${l.provider}`);
  for (const [name, e] of Object.entries(s.endpoints)) {
    const parts = [...e.uris.map((u) => `http://${u}`), ...e.ips.map((ip) => `${ip.ip}:${ip.externalPort}/${ip.protocol}`), ...e.forwardedPorts.map((p) => `${p.host}:${p.externalPort}→${p.port}/${p.proto}`)];
    if (parts.length > 0) lines.push(`  ${name}: ${parts.join(" ")}`);
  }
  return lines.join("\n") + "\n";
}

function bidPolicy(flags: DeployFlags): BidPolicy {
  return {
    ...DEFAULT_BID_POLICY,
    ...(flags.maxPrice ? { maxPricePerBlock: decimal(flags.maxPrice, "--max-price") } : {}),
    auditors: flags.auditor ?? [],
    requiredAttributes: (flags.attribute ?? []).map((a) => {
      const i = a.indexOf("=");
      if (i <= 0) throw new UsageError(`--attribute ${JSON.stringify(a)} must be key=value (like region=us-west)`);
      return { key: a.slice(0, i), value: a.slice(i + 1) };
    }),
    allowProviders: flags.allowProvider ?? [],
    denyProviders: flags.denyProvider ?? [],
  };
}

function secretFiles(entries: readonly string[] | undefined): Record<string, string> | undefined {
  if (!entries || entries.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const i = e.indexOf("=");
    if (i <= 0) throw new UsageError(`--secret-file ${JSON.stringify(e)} must be NAME=PATH`);
    out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}

function decimal(value: string, flag: string): string {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`${flag} ${JSON.stringify(value)} must be a decimal amount per block, like 1000 or 0.5`);
  return value;
}

function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} ${JSON.stringify(value)} must be a number of seconds`);
  return n;
}
