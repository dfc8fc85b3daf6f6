/**
 * The `akash-stack devnet [--block-time ms] [--providers N]` action: starts a local Akash network
 * (see src/devnet), prints its endpoints, writes `$AKASH_STACK_HOME/devnet.json` for the other
 * commands' `--network local`, and runs until SIGINT or SIGTERM, then stops cleanly.
 * Loaded by `main.ts` only when `devnet` runs.
 */
import { relative } from "node:path";
import type { Devnet } from "../devnet/index.js";

export interface DevnetFlags {
  /** Milliseconds between blocks (default 1000). */
  blockTime?: number;
  /** Number of providers (default 3). */
  providers?: number;
}

export interface DevnetContext {
  write(stream: "stdout" | "stderr", text: string): void;
  /** Resolves when the devnet should stop (default: the first SIGINT or SIGTERM). */
  until?: Promise<unknown>;
  /** Folder for devnet.json (default: $AKASH_STACK_HOME, else .akash-stack). */
  home?: string;
  /** Called once the devnet is up (tests use it to reach the running devnet). */
  onStarted?(devnet: Devnet): void;
}

const PREFIX = "akash-stack devnet:";
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const defaultContext: DevnetContext = {
  write(stream, text) {
    (stream === "stdout" ? process.stdout : process.stderr).write(text);
  },
};

function untilSignal(): { promise: Promise<NodeJS.Signals>; dispose(): void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const promise = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = resolve;
  });
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    promise,
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** A path relative to the current folder when it is inside it, else absolute. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === "" || rel.startsWith("..") ? file : rel;
}

/** Runs the devnet until stopped; returns the exit code (0 after a clean stop). */
export async function runDevnet(opts: DevnetFlags, context: DevnetContext = defaultContext): Promise<number> {
  const blockTime = opts.blockTime ?? 1000;
  const providers = opts.providers ?? 3;
  if (!Number.isInteger(blockTime) || blockTime < 1) {
    context.write("stderr", `${PREFIX} --block-time must be a whole number of milliseconds, 1 or more (got ${blockTime})\n`);
    return EXIT_USAGE;
  }
  if (!Number.isInteger(providers) || providers < 0 || providers > 50) {
    context.write("stderr", `${PREFIX} --providers must be a whole number from 0 to 50 (got ${providers})\n`);
    return EXIT_USAGE;
  }

  const signal = context.until ? undefined : untilSignal();
  let devnet: Devnet;
  try {
    const { startDevnet } = await import("../devnet/index.js");
    devnet = await startDevnet({ blockTime, providers, home: context.home });
  } catch (err) {
    signal?.dispose();
    context.write("stderr", `${PREFIX} could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  }

  const lines = [
    `${PREFIX} chain ${devnet.chainId}, a block every ${blockTime} ms, ${providers} provider${providers === 1 ? "" : "s"}`,
    `  rpc     ${devnet.rpc}`,
    `  grpc    ${devnet.grpc}`,
    `  api     ${devnet.api}`,
    `  admin   ${devnet.admin}   (POST /faults to inject faults)`,
    `  account ${devnet.testAccount}   funded with uakt; mint uact with MsgMintACT (at least 10 ACT)`,
    `  mnemonic in devnet.json (a published test mnemonic for this local network only; never printed, like every mnemonic)`,
    ...devnet.providers.map((p, i) => `  provider ${i + 1} ${p.address} ${p.hostUri} (${p.region}${p.audited ? ", audited" : ""})`),
    devnet.file ? `wrote ${displayPath(devnet.file)}; press Ctrl-C to stop` : "press Ctrl-C to stop",
  ];
  context.write("stdout", `${lines.join("\n")}\n`);
  context.onStarted?.(devnet);

  await (context.until ?? signal!.promise);
  signal?.dispose();
  await devnet.stop();
  context.write("stdout", `${PREFIX} stopped at height ${devnet.chain.height}\n`);
  return EXIT_OK;
}
