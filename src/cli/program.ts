/**
 * The `akash-stack` program: every command, its arguments, options and help, and the exit codes.
 * Each command is one row in `COMMANDS`: its name, a one-line summary, its arguments and options
 * (cheap to declare), and a `run` that loads the implementation only when that command runs, so
 * `akash-stack lint` never loads chain libraries: its cold start must stay within twice
 * `node -e 0`. `lint` and `manifest` are imported here directly: they are the SDL engine plus a
 * little, and the engine is in the front bundle anyway.
 *
 * The entry point (`main.ts`) passes in how to load the other commands' modules. In the built CLI
 * this file is part of a CommonJS bundle with a V8 code cache (cli-front.cjs, written by
 * scripts/build-cached-bundles.mjs), and the other commands stay ES chunks (src/cli/commands.ts).
 *
 * Exit codes shared by every command (EXIT_CODES below, printed in each command's help): 0 success,
 * 1 the command's own failure (for `lint`: findings that fail the run; also an unexpected internal
 * error, a bug), 2 usage errors and unreadable input. The one exception is asked for by name:
 * `plan --detailed-exitcode` (and `dns plan --detailed-exitcode`) exits 0 for no changes, 2 for
 * changes and 1 for any error, usage errors included, as `terraform plan -detailed-exitcode` does.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import packageJson from "../../package.json" with { type: "json" };
import { lintCommand, type LintFlags } from "./lint.js";
import { runManifest } from "./manifest.js";
import { FORMAT_NAMES, type FormatName } from "../lint/output/index.js";
import { writeOutput } from "./write.js";

/** Each command's implementation (every command but `lint` and `manifest`), loaded when it runs. */
export interface CommandModules {
  init(): Promise<typeof import("./init.js")>;
  synth(): Promise<typeof import("./synth.js")>;
  plan(): Promise<typeof import("./plan.js")>;
  deploy(): Promise<typeof import("./deploy.js")>;
  status(): Promise<typeof import("./status.js")>;
  close(): Promise<typeof import("./close.js")>;
  importDeployment(): Promise<typeof import("./import.js")>;
  lease(): Promise<typeof import("./lease.js")>;
  deposit(): Promise<typeof import("./deposit.js")>;
  devnet(): Promise<typeof import("./devnet.js")>;
  verify(): Promise<typeof import("./verify.js")>;
  rehearse(): Promise<typeof import("./rehearse.js")>;
  dns(): Promise<typeof import("./dns.js")>;
  registry(): Promise<typeof import("./registry.js")>;
}

/** Loads the table of command modules (the first time a command other than `lint` runs). */
export type LoadCommands = () => Promise<CommandModules>;

/** What the commands get from the entry point. */
interface ProgramEnv {
  loadCommands: LoadCommands;
  /** Where the program's own output goes (src/cli/write.ts; the build's warm-up swallows it). */
  write: typeof writeOutput;
}

const PROGRAM = "akash-stack";
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** A bug is the command's own failure: the contract has no other code for it. */
const EXIT_INTERNAL = EXIT_FAILED;

/** The flag that gives `plan` and `dns plan` Terraform's exit codes. */
const DETAILED_EXITCODE = "--detailed-exitcode";

/** Each command's help ends with its exit codes: the contract's three, with what they mean there. */
function exitCodes(success: string, failure: string, usage = "usage errors and unreadable input"): string {
  return `
Exit codes:
  0  ${success}
  1  ${failure}
  2  ${usage}`;
}

interface CommandSpec {
  name: string;
  summary: string;
  /** Declares arguments, options and help text. Must not import the implementation. */
  configure(command: Command): void;
  /** Loads the implementation, runs it and returns the exit code. */
  run(command: Command, env: ProgramEnv): Promise<number>;
}

const COMMANDS: readonly CommandSpec[] = [
  {
    name: "lint",
    summary: "check SDL files against the Go parser, chain and provider rules",
    configure: configureLint,
    async run(command, { write }) {
      const paths = command.processedArgs[0] as string[];
      const { output, format, ...flags } = command.opts<Omit<LintFlags, "format"> & { output?: FormatName; format?: FormatName }>();
      if (output !== undefined && format !== undefined && output !== format) {
        write("stderr", `${PROGRAM} lint: --output ${output} and --format ${format} disagree: --format is another name for --output; give one (see '${PROGRAM} lint --help')\n`);
        return EXIT_USAGE;
      }
      return lintCommand(paths, { ...flags, format: output ?? format ?? "text" }, { toolVersion: packageJson.version, write });
    },
  },
  {
    name: "manifest",
    summary: "print the manifest a provider receives for an SDL (or its hash with --hash)",
    configure(command) {
      command
        .argument("<file>", "the SDL file, or - for standard input")
        .option("--hash", "print only the hex SHA-256 version hash that goes on chain")
        .addHelpText(
          "after",
          `
Prints the canonical sorted JSON, byte for byte what a provider receives, followed by a newline.
Works on any SDL the Go parser accepts (chain pricing rules do not apply).
${exitCodes("printed", "the SDL has errors the Go parser or the provider's manifest check would reject", "usage errors and an unreadable file")}`,
        );
    },
    async run(command, { write }) {
      return runManifest(command.processedArgs[0] as string, command.opts<{ hash?: boolean }>(), { write });
    },
  },
  {
    name: "init",
    summary: "start a project that uses akash-stack: package.json, tsconfig, a stack, .gitignore, a CI workflow",
    configure(command) {
      command
        .argument("[dir]", "the new project's folder (default: this one, which must be empty)")
        .addOption(new Option("--template <name>", "the stack to start from").choices(["web", "postgres-app", "registry"]).default("web"))
        .addHelpText(
          "after",
          `
Works offline: the templates ship with akash-stack. Installs nothing; run npm install afterwards.
Exit codes: 0 written, 1 a file could not be written, 2 usage errors (a folder that is not empty).`,
        );
    },
    async run(command, { loadCommands }) {
      const { runInit } = await (await loadCommands()).init();
      return runInit(command.processedArgs[0] as string | undefined, command.opts<{ template?: string }>());
    },
  },
  {
    name: "synth",
    summary: "turn a typed stack (stacks/NAME.ts or a path) into canonical SDL",
    configure(command) {
      command
        .argument("<stack>", "a stack name under stacks/ (registry, backend) or a path to a .ts stack file")
        .option("-o, --out <dir>", "folder for STACK.sdl.yaml", "out")
        .addOption(new Option("--set <key=value>", "override a stack parameter (repeatable)").argParser(collectValues).default([], "none"))
        .option("--check", "compare with the file in --out instead of writing it; exit 1 on drift")
        .option("--no-typecheck", "skip TypeScript's check of the stack file and what it imports")
        .addOption(new Option("--output <format>", "output format: json prints one object (file, up to date, DNS records, secret names)").choices(["text", "json"]).default("text"))
        .addHelpText(
          "after",
          `
Secrets are written as <secret:NAME> placeholders; values are read only at deploy time.
${exitCodes("written (or, with --check, no drift)", "the stack has problems, or the file drifted", "usage errors, an unknown stack or bad --set values")}`,
        );
    },
    async run(command, { loadCommands }) {
      const { runSynth } = await (await loadCommands()).synth();
      return runSynth(command.processedArgs[0] as string, command.opts<{ out?: string; set?: string[]; check?: boolean; typecheck?: boolean; output?: "text" | "json" }>());
    },
  },
  {
    name: "plan",
    summary: "show what a deploy would change on chain: create, update in place, replace or nothing",
    configure(command) {
      chainStackCommand(command)
        .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"))
        .addOption(new Option("--set <key=value>", "override a stack parameter (repeatable)").argParser(collectValues).default([], "none"))
        .option("--deposit <amount>", "escrow deposit for a new deployment, e.g. 5000000uact")
        .option("--owner <address>", "plan against this account's deployments when no key is given (read-only)")
        .option("--no-typecheck", "skip TypeScript's check of the stack file and what it imports")
        .option(DETAILED_EXITCODE, "exit 0 for no changes, 2 for changes and 1 for any error, usage errors included (as terraform plan)")
        .addHelpText(
          "after",
          `
The chain is always asked: the stack's deployment is found through the state file or, without one,
among the owner's deployments on chain (by manifest hash or akash-stack's transaction memo marker).
With neither a key nor --owner (nor a state file naming the owner) plan refuses instead of guessing.
${exitCodes("the plan was made, whatever it says", "planning failed (chain or provider errors)", "usage errors, a missing network or wallet, an unknown stack, no key and no --owner")}
With ${DETAILED_EXITCODE}: 0 no changes, 2 changes, 1 any error (usage errors included).`,
        );
    },
    async run(command, { loadCommands }) {
      const { runPlan } = await (await loadCommands()).plan();
      return runPlan(command.processedArgs[0] as string, command.opts());
    },
  },
  {
    name: "deploy",
    summary: "deploy a stack: mint ACT if short, create, pick bids, lease, send manifests, wait until ready",
    configure(command) {
      chainStackCommand(command)
        .option("-y, --yes", "answer yes to the questions below (needed when there is no terminal)")
        .addOption(new Option("--output <format>", "text for people, jsonl for machines (one object per step)").choices(["text", "jsonl"]).default("text"))
        .addOption(new Option("--set <key=value>", "override a stack parameter (repeatable)").argParser(collectValues).default([], "none"))
        .option("--deposit <amount>", "escrow deposit, e.g. 5000000uact (default: 48 h at the default provider prices, at least the chain minimum)")
        .option("--max-price <amount>", "refuse bids above this price per block, e.g. 1000uact")
        .addOption(new Option("--auditor <address>", "only providers signed by this auditor (repeatable)").argParser(collectValues).default([], "none"))
        .addOption(new Option("--attribute <key=value>", "only providers with this attribute (repeatable)").argParser(collectValues).default([], "none"))
        .addOption(new Option("--allow-provider <address>", "only these providers (repeatable)").argParser(collectValues).default([], "any"))
        .addOption(new Option("--deny-provider <address>", "never these providers (repeatable)").argParser(collectValues).default([], "none"))
        .option("--no-typecheck", "skip TypeScript's check of the stack file and what it imports")
        .option("--bid-timeout <seconds>", "how long to wait for bids before closing the deployment and refunding")
        .addOption(new Option("--secret-file <NAME=PATH>", "read secret NAME from a file instead of the environment (repeatable)").argParser(collectValues).default([], "none"))
        .addHelpText(
          "after",
          `
Running the same command again is safe: it resumes an interrupted deploy, sends nothing when nothing
changed, updates in place when only images, env, commands or hosts changed, and replaces the
deployment (new one ready first, then the old one closed) when resources, counts, prices or
placement changed. After the services are ready it points the stack's DNS names at the leased IPs
(with NAMECHEAP_* set) and verifies the services (not on local). When the services are ready but
the dns or verify step failed, the leases keep running, and running the same command repeats
those steps. Without a state file (a CI runner) it finds the stack's deployment on chain, by its
manifest hash or by the memo "akash-stack stack=NAME dseq=N" its transactions carry, and never
creates a duplicate.

Before it spends, deploy asks on the terminal: "Create a new deployment of STACK on NETWORK, with
N ACT into escrow?" or "Replace deployment N of STACK … (these persistent volumes start empty on
the new deployment: SERVICE/VOLUME …)?", and "Mint N ACT by burning ≈N AKT?" when the account is
short of ACT. --yes answers yes; with no terminal and no --yes it stops before sending anything.
${exitCodes("deployed", "failed (the message says whether running it again resumes it), also when dns or verify failed, or a question was answered no", "usage errors, a missing network or wallet, an unknown stack, a question with no terminal to ask on and no --yes")}`,
        );
    },
    async run(command, { loadCommands }) {
      const { runDeploy } = await (await loadCommands()).deploy();
      return runDeploy(command.processedArgs[0] as string, command.opts());
    },
  },
  {
    name: "status",
    summary: "show a stack's deployment, leases, services, escrow balance and runway",
    configure(command) {
      chainStackCommand(command)
        .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"))
        .addHelpText("after", exitCodes("shown", "the chain or a provider could not be read", "usage errors, a missing network, no deploy state for the stack"));
    },
    async run(command, { loadCommands }) {
      const { runStatus } = await (await loadCommands()).status();
      return runStatus(command.processedArgs[0] as string, command.opts());
    },
  },
  {
    name: "import",
    summary: "adopt a deployment made elsewhere (Console, akt, another machine) as a stack's",
    configure(command) {
      chainStackCommand(command)
        .requiredOption("--dseq <dseq>", "the deployment's sequence number on chain")
        .addHelpText(
          "after",
          `
Checks that the deployment is active and owned by the key, records it in the state file as the
stack's deployment (with its leases), and sends nothing. status, deploy and close then use it; a
later deploy that changes it marks its transactions so that it is found again without state.
${exitCodes("imported", "the deployment cannot be adopted (not found, closed, another owner, the stack runs elsewhere)", "usage errors, a missing network or wallet")}`,
        );
    },
    async run(command, { loadCommands }) {
      const { runImport } = await (await loadCommands()).importDeployment();
      return runImport(command.processedArgs[0] as string, command.opts());
    },
  },
  {
    name: "close",
    summary: "close a stack's deployment and report the refund",
    configure(command) {
      chainStackCommand(command)
        .option("-y, --yes", "close without asking")
        .addHelpText(
          "after",
          `
Finds the stack's deployments through the state file or, without one, on chain. On a terminal it
asks "Close deployment N of STACK on NETWORK? Its leases end, its services stop and the unspent
deposit is refunded." before sending anything; --yes answers yes.
${exitCodes("closed, or nothing to close", "the close transaction failed, or the question was answered no", "usage errors, a missing network or wallet, no terminal to ask on and no --yes")}`,
        );
    },
    async run(command, { loadCommands }) {
      const { runClose } = await (await loadCommands()).close();
      return runClose(command.processedArgs[0] as string, command.opts());
    },
  },
  {
    name: "logs",
    summary: "print the logs of a stack's services from its providers (like provider-services lease-logs)",
    configure(command) {
      chainStackCommand(command)
        .argument("[service]", "only this service (default: all)")
        .option("-f, --follow", "keep printing new lines until Ctrl-C")
        .option("--tail <n>", "start with the last N lines of each pod")
        .addHelpText(
          "after",
          `
Reads /lease/{dseq}/{gseq}/{oseq}/logs on each provider of the stack's deployment (a websocket, with
the owner's JWT and the provider's pinned certificate). Lines are prefixed with their pod.
${exitCodes("done (or stopped with Ctrl-C)", "no deployment, or the provider refused", "usage errors, a missing network or wallet")}`,
        );
    },
    async run(command, { loadCommands }) {
      const { runLogs } = await (await loadCommands()).lease();
      return runLogs(command.processedArgs[0] as string, command.processedArgs[1] as string | undefined, command.opts());
    },
  },
  {
    name: "events",
    summary: "print the Kubernetes events of a stack's leases (like provider-services lease-events)",
    configure(command) {
      chainStackCommand(command)
        .option("-f, --follow", "keep printing new events until Ctrl-C")
        .addHelpText("after", `\nReads /lease/{dseq}/{gseq}/{oseq}/kubeevents on each provider.${exitCodes("done (or stopped with Ctrl-C)", "no deployment, or the provider refused", "usage errors, a missing network or wallet")}`);
    },
    async run(command, { loadCommands }) {
      const { runEvents } = await (await loadCommands()).lease();
      return runEvents(command.processedArgs[0] as string, command.opts());
    },
  },
  {
    name: "shell",
    summary: "run a command in a service's container (like provider-services lease-shell)",
    configure(command) {
      chainStackCommand(command)
        .argument("<service>", "the service to run it in")
        .argument("[command...]", "the command and its arguments, after --")
        .addHelpText(
          "after",
          `
Example: akash-stack shell registry edge --network mainnet -- sh -c 'ls /data'
Uses /lease/{dseq}/{gseq}/{oseq}/shell (a websocket with the owner's JWT and the provider's pinned
certificate), with a terminal when standard input is one.
${exitCodes("the command exited 0", "it exited non-zero (the code is printed), no deployment, or the provider refused", "usage errors (no command after --), a missing network or wallet")}`,
        );
    },
    async run(command, { loadCommands }) {
      const { runShellCommand } = await (await loadCommands()).lease();
      const [stack, service, words] = command.processedArgs as [string, string, string[]];
      return runShellCommand(stack, service, words ?? [], command.opts());
    },
  },
  {
    name: "deposit",
    summary: "top up a stack's escrow (in uact) to extend its runway",
    configure(command) {
      chainStackCommand(command)
        .requiredOption("--amount <amount>", "how much to add, e.g. 5000000uact (5 ACT)")
        .addOption(new Option("--output <format>", "output format: json prints {stack, network, dseq, amount, denom, tx}").choices(["text", "json"]).default("text"))
        .addHelpText("after", exitCodes("deposited", "the deposit transaction failed", "usage errors, a bad amount, a missing network or wallet"));
    },
    async run(command, { loadCommands }) {
      const { runDeposit } = await (await loadCommands()).deposit();
      return runDeposit(command.processedArgs[0] as string, command.opts());
    },
  },
  {
    name: "devnet",
    summary: "run a local Akash network (chain + providers) on loopback until stopped",
    configure(command) {
      command
        .argument("[action]", "start (the default: run in the foreground), stop or status", "start")
        .addOption(new Option("--block-time <ms>", "milliseconds between blocks").argParser(Number).default(1000))
        .addOption(new Option("--providers <n>", "how many providers bid on orders").argParser(Number).default(3))
        .option("--detach", "run in the background: print the pid and return once the chain answers")
        .addOption(new Option("--output <format>", "with status: json prints {running, pid, chainId, height, rpc, file}").choices(["text", "json"]).default("text"))
        .addHelpText(
          "after",
          `
Speaks CometBFT RPC, gRPC and grpc-gateway REST with akashnet-2's messages (chain id akash-local),
and runs providers with the real REST API and JWT auth on HTTPS. Writes devnet.json in
$AKASH_STACK_HOME, else in the project's .akash-stack/ (the nearest folder up with .akash-stack or
package.json), for --network local. No containers run: providers report services ready.
In the foreground it stops on Ctrl-C, SIGTERM, or when the process that started it exits.
\`devnet stop\` and \`devnet status\` work from any folder of the project.
${exitCodes("stopped cleanly; stopped; running (status)", "it could not start (a port in use, another devnet running); not running (status)", "usage errors (a bad --block-time, --providers or action)")}`,
        );
    },
    async run(command, { loadCommands }) {
      const { runDevnet, runDevnetControl } = await (await loadCommands()).devnet();
      const action = command.processedArgs[0] as string;
      if (action !== "start") return runDevnetControl(action, undefined, command.opts<{ output?: "text" | "json" }>().output);
      return runDevnet(command.opts<{ blockTime?: number; providers?: number; detach?: boolean }>());
    },
  },
  {
    name: "verify",
    summary: "prove a deployed registry works: OCI push/pull, IPFS gateway, TLS, DNS",
    configure(command) {
      command
        .argument("<target>", "registry (with --url), ipfs (with --gateway), or a stack name (with --network)")
        .option("--url <url>", "the registry's base URL")
        .option("--gateway <url>", "the IPFS gateway's base URL")
        .option("--network <network>", "with a stack: which deployment's state to read")
        .option("--username <user>", "registry user")
        .option("--password-env <var>", "name of the environment variable that holds the registry password")
        .option("--push-test", "push a generated image (one layer over 256 KiB), pull it back, check every digest, delete it")
        .option("--allow-http", "allow plain http:// (tests and local registries only)")
        .option("--cid <cid>", "with ipfs: check that the gateway serves bytes that hash to this CID")
        .option("--ca <file>", "trust this CA for TLS checks (in addition to the system store)")
        .addOption(new Option("--nameserver <ip[:port]>", "ask this nameserver instead of the zone's (repeatable)").argParser(collectValues).default([], "the zone's NS"))
        .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"))
        .option("--html <file>", "also write a self-contained status page")
        .addOption(new Option("--timeout <seconds>", "per-request timeout").argParser(Number))
        .addHelpText("after", exitCodes("every check passed", "a check failed", "usage errors (a missing --url, --gateway or --network)"));
    },
    async run(command, { loadCommands, write }) {
      const { runVerify, resolveVerifyKind } = await (await loadCommands()).verify();
      const opts = command.opts<import("./verify.js").VerifyFlags>();
      const resolved = resolveVerifyKind(command.processedArgs[0] as string, opts);
      if ("error" in resolved) {
        write("stderr", `${PROGRAM} verify: ${resolved.error}\n`);
        return EXIT_USAGE;
      }
      return runVerify(resolved.kind, resolved.target, opts);
    },
  },
  {
    name: "rehearse",
    summary: "run a stack's services on this machine, from the same programs as their images (needs root)",
    configure(command) {
      command
        .argument("<stack>", "a stack name (stacks/<name>.ts) or a path to a stack file")
        .addOption(new Option("--set <key=value>", "override a stack parameter (repeatable)").argParser(collectValues).default([], "none"))
        .option("--detach", "return once every service is ready, leaving them running")
        .option("--status", "show a running rehearsal")
        .option("--stop", "stop a running rehearsal (volumes are kept)")
        .option("--fresh", "start with empty volumes")
        .addOption(new Option("--timeout <seconds>", "with --detach: how long to wait for every service").argParser(Number))
        .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"))
        .addOption(new Option("--supervise").hideHelp())
        .addHelpText(
          "after",
          `
Runs the manifest a provider would get (secrets filled in as at deploy) in a network namespace,
akash-stack-<stack>, where services reach each other by their SDL names and the stack's DNS names
resolve to them. Each image runs as the same program at the same version (scripts/build-tools.sh
builds them), with the SDL's command, args, env and volumes unchanged; the one change is that
Caddy uses its local CA instead of Let's Encrypt. Clients join with: ip netns exec akash-stack-<stack> …
${exitCodes("ready or stopped", "a service never became ready", "usage errors (an image with no local program, not root)")}`,
        );
    },
    async run(command, { loadCommands }) {
      const { runRehearse } = await (await loadCommands()).rehearse();
      return runRehearse(command.processedArgs[0] as string, command.opts());
    },
  },
  {
    name: "dns",
    summary: "point a stack's names at its leased IP: safe read-merge-write of a Namecheap zone",
    configure(command) {
      command
        .argument("<action>", "plan (show changes), apply (write them) or rollback (restore the zone saved before the last write)")
        .argument("[stack]", "a stack whose DNS records and deploy state to use (with --network)")
        .option("--provider <name>", "DNS provider", "namecheap")
        .option("--domain <domain>", "the zone, as registered at the provider")
        .addOption(new Option("--record <NAME=TYPE:VALUE>", "a record to manage, e.g. registry=A:203.0.113.7 (repeatable)").argParser(collectValues).default([], "none"))
        .option("--ttl <seconds>", "TTL for --record records")
        .option("--network <network>", "with a stack: which deployment's IPs to use")
        .addOption(new Option("--set <key=value>", "override a stack parameter (repeatable)").argParser(collectValues).default([], "none"))
        .option("-y, --yes", "apply without asking")
        .option("--no-wait", "do not wait until every authoritative nameserver answers the new values")
        .addOption(new Option("--output <format>", "output format: json prints one object at the end ({action, zones: [{domain, outcome, changes, …}]})").choices(["text", "json"]).default("text"))
        .option("--wait-timeout <seconds>", "how long to wait for the nameservers (default 900)")
        .option("--adopt", "take over names that have records this tool did not create")
        .option("--force", "write even zones it would refuse (unknown EmailType, dynamic DNS rows, large changes)")
        .option("--sandbox", "use Namecheap's sandbox API")
        .option(DETAILED_EXITCODE, "plan only: exit 0 for no changes, 2 for changes and 1 for any error, usage errors included")
        .addHelpText(
          "after",
          `
Credentials come from NAMECHEAP_API_USER, NAMECHEAP_API_KEY, NAMECHEAP_USERNAME (defaults to the
API user) and NAMECHEAP_CLIENT_IP (the whitelisted IPv4 address); NAMECHEAP_API_URL overrides the
endpoint. Only managed names change; every other record and the EmailType are written back as read.
${exitCodes("done (plan: the plan was made, changes or not)", "failed: API errors, a plan apply would refuse, refused or declined", "usage errors, missing NAMECHEAP_* credentials, an unknown action")}
With plan ${DETAILED_EXITCODE}: 0 no changes, 2 changes, 1 any error (usage errors included).`,
        );
    },
    async run(command, { loadCommands, write }) {
      const { runDns } = await (await loadCommands()).dns();
      const [action, stack] = command.processedArgs as [string, string | undefined];
      if (action !== "plan" && action !== "apply" && action !== "rollback") {
        write("stderr", `${PROGRAM} dns: unknown action "${action}": use plan, apply or rollback (see '${PROGRAM} dns --help')\n`);
        // with --detailed-exitcode, 2 means "changes": a usage error must not read as that
        return command.opts<{ detailedExitcode?: boolean }>().detailedExitcode ? EXIT_FAILED : EXIT_USAGE;
      }
      return runDns(action, { ...command.opts(), stack });
    },
  },
  {
    name: "registry",
    summary: "log in to, push to, pull from, copy between, list and inspect OCI registries (no Docker daemon)",
    configure(command) {
      command
        .argument("<action>", "login, logout, push, pull, copy, list, info, rm or users")
        .argument("[args...]", "the action's arguments (see below)")
        .option("--username <user>", "login: the account")
        .option("--password-stdin", "login, users add|passwd: read the password from standard input")
        .option("--password-env <var>", "login, users add|passwd: read the password from this environment variable")
        .option("--stack <stack>", "login: use the stack's declared login (the registry stack's admin and its generated password); users: the stack whose accounts to manage")
        .addOption(new Option("--set <key=value>", "with --stack: override a stack parameter (repeatable)").argParser(collectValues).default([], "none"))
        .option("--platform <os/arch[/variant]>", "pull, copy, info: one platform of a multi-platform index")
        .addOption(new Option("--chunk-size <MiB>", "push, copy: upload blobs larger than this in chunks of this size").argParser(Number))
        .addOption(new Option("--concurrency <n>", "push, pull, copy: blobs in flight at once (default 3)").argParser(Number))
        .option("--mount-from <repository>", "push: mount blobs from this repository of the same registry when it has them")
        .option("--no-ipfs", "info: do not look up and check the IPFS CIDs of layers")
        .option("--allow-http", "talk plain http:// to the registry (local registries and tests only)")
        .option("--ca <file>", "trust this PEM CA as well as the system's (TLS is always verified)")
        .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"))
        .addOption(new Option("--timeout <seconds>", "per-request time-out for everything but blob transfers").argParser(Number))
        .addHelpText(
          "after",
          `
Actions:
  login HOST --username U (--password-stdin | --password-env VAR)   check the login, then store it
  login [HOST] --stack registry       the stack's admin login (password from its generated secrets)
  logout HOST
  push IMAGE SOURCE                   SOURCE: a docker save tarball, an OCI layout folder or an OCI archive
  pull IMAGE DEST                     DEST: a folder (OCI layout), or FILE.tar (OCI archive)
  copy SOURCE-IMAGE TARGET-IMAGE      registry to registry, without touching disk
  list HOST | HOST/REPOSITORY         repositories, or a repository's tags (follows Link pagination)
  info IMAGE                          manifest or index, platforms, layers; IPFS CIDs where layers live on IPFS
  rm IMAGE                            by tag (HOST/REPO:TAG) or by digest (HOST/REPO@sha256:…)
  users list --stack STACK            the accounts of the stack's htpasswd secret (Distribution engine)
  users add|passwd NAME --stack STACK (--password-stdin | --password-env VAR)
  users rm NAME --stack STACK         kept with the stack's generated secrets; the next deploy applies them
IMAGE is HOST/REPOSITORY[:TAG][@DIGEST]. Logins are stored as docker stores them
($DOCKER_CONFIG/config.json or ~/.docker/config.json, honouring credsStore and credHelpers), so
docker, skopeo and this tool share them. Exit codes: 0 done, 1 the registry or transfer failed,
2 usage errors and unreadable input.`,
        );
    },
    async run(command, { loadCommands }) {
      const { runRegistry } = await (await loadCommands()).registry();
      const [action, args] = command.processedArgs as [string, string[]];
      return runRegistry(action, args ?? [], command.opts());
    },
  },
];

/** Options every command that talks to a chain shares. */
/** What every chain command declares: the stack it acts on, the network, the wallet and endpoint overrides. */
function chainStackCommand(command: Command): Command {
  return command
    .argument("<stack>", "a stack name under stacks/, a path to a .ts stack file, or a plain SDL file (.yaml)")
    .addOption(new Option("--network <network>", "which network").choices(["mainnet", "sandbox", "local"]).makeOptionMandatory())
    .option("--name <name>", "the deployment's name (default: the stack's, or the SDL file's name without .yaml)")
    .option("--mnemonic-file <file>", "the wallet's mnemonic (mode 0600); default: the AKASH_MNEMONIC environment variable")
    .option("--rpc <url>", "override the network's CometBFT RPC endpoint")
    .option("--grpc <url>", "override the network's gRPC endpoint");
}

function collectValues(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function configureLint(command: Command): void {
  command
    .argument("[paths...]", "SDL files or folders to search (default: the current folder); - reads an SDL from standard input")
    .addOption(new Option("-o, --output <format>", "output format (default: text)").choices(FORMAT_NAMES))
    .addOption(new Option("-f, --format <format>", "the same as --output (kept for scripts that use it)").choices(FORMAT_NAMES))
    .addOption(
      new Option("--max-warnings <count>", "fail the run when there are more than this many warnings (default: no limit)").argParser(
        parseWarningCount,
      ),
    )
    .addOption(
      new Option("--ignore <rule-id>", "drop findings of this rule, also from the summary (repeatable, or comma-separated)")
        .argParser(collectRuleIds)
        .default([], "none"),
    )
    .addOption(new Option("--network <network>", "which network's rules apply").choices(["mainnet", "sandbox"]))
    .option("-v, --verbose", "list the YAML files that were skipped because they are not an SDL, and why")
    .option("-c, --config <file>", "use this config file for every SDL instead of the .akash-stack.yaml nearest to each")
    .option("--sarif-file <file>", "also write the findings as SARIF to this file, whatever the format (for code scanning)")
    .addHelpText(
      "after",
      `
Folders are searched recursively for *.yaml/*.yml files that are an SDL (a top-level "services:"
key and a "deployment:" or "profiles:" key, at any indentation); node_modules and dot-folders are
not searched. Other YAML files are counted in the summary and listed with --verbose.
A file named explicitly is always linted, and - lints standard input (shown as <stdin>). Paths
that cannot be read are reported on stderr, one line each; the other paths are still linted.

Output formats (--output, or its other name --format; all write the findings to stdout):
  text     one line per finding: FILE:LINE:COL: SEVERITY RULE-ID MESSAGE
           The summary ("2 errors, 1 warning in 3 files") goes to stderr, so stdout stays grep-able.
  json     {"files":[{"path","findings":[{"ruleId","severity","layer","message","line","column","path"}]}],
            "summary":{"files","errors","warnings"}}; lines and columns are 1-based, "path" is a JSON pointer
  sarif    SARIF 2.1.0, for GitHub code scanning and other CI dashboards
  github   ::error/::warning workflow commands (pull-request annotations); summary on stderr

Exit codes:
  0  nothing fails the run
  1  an error finding, or more warnings than --max-warnings (or the config's max-warnings)
  2  a usage error, or input that cannot be read (a missing path, an unreadable file,
     a folder without SDL files, a config file with errors)`,
    );
}

function parseWarningCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("Expected a whole number of warnings (0 or more).");
  return Number(value);
}

function collectRuleIds(value: string, previous: string[]): string[] {
  const ids = value
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  return [...previous, ...ids];
}


/** Usage errors are one line on stderr, with where to find help. */
function oneLineUsageError(commandPath: string) {
  return (message: string, writeErr: (text: string) => void): void => {
    const text = message.replace(/^error:\s*/, "").replace(/\s*\n\s*/g, " ").trim();
    writeErr(`${commandPath}: ${text} (see '${commandPath} --help')\n`);
  };
}

function buildProgram(env: ProgramEnv): Command {
  const program = new Command(PROGRAM)
    .description("Infrastructure as code for the Akash Network.")
    .version(packageJson.version, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => env.write("stdout", text),
      writeErr: (text) => env.write("stderr", text),
      outputError: oneLineUsageError(PROGRAM),
    });

  for (const spec of COMMANDS) {
    // `.command()` copies exitOverride and the output configuration from the program.
    const command = program.command(spec.name).description(spec.summary);
    command.configureOutput({ outputError: oneLineUsageError(`${PROGRAM} ${spec.name}`) });
    spec.configure(command);
    command.action(async (...args: unknown[]) => {
      process.exitCode = await spec.run(args[args.length - 1] as Command, env);
    });
  }
  return program;
}

/**
 * Runs the program on `argv` (as `process.argv`) and sets `process.exitCode`. Never throws. `write`
 * is where the program's own output goes (the build's warm-up passes one that swallows it).
 */
export async function runCli(argv: readonly string[], loadCommands: LoadCommands, write: typeof writeOutput = writeOutput): Promise<void> {
  try {
    await buildProgram({ loadCommands, write }).parseAsync(argv as string[], { from: "node" });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version end with code 0; every other commander exit is a usage error, which
      // --detailed-exitcode reports as 1 (its 2 means "changes").
      process.exitCode = err.exitCode === 0 ? 0 : argv.includes(DETAILED_EXITCODE) ? EXIT_FAILED : EXIT_USAGE;
      return;
    }
    const reason = err instanceof Error ? err.message : String(err);
    write("stderr", `${PROGRAM}: internal error: ${reason} (this is a bug; please report it)\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}
