/**
 * The `akash-stack devnet [start|stop|status] [--block-time ms] [--providers N] [--detach]` action:
 * starts a local Akash network (see src/devnet), prints its endpoints, writes
 * `$AKASH_STACK_HOME/devnet.json` for the other commands' `--network local`, and runs until SIGINT
 * or SIGTERM, or until the process that started it goes away (a devnet must not outlive its
 * terminal or `npx`), then stops cleanly. `--detach` runs it in the background instead and
 * returns once its chain answers; `stop` and `status` find it through devnet.json from anywhere
 * in the project. Loaded by `main.ts` only when `devnet` runs.
 */
import { rm } from "node:fs/promises";
import { relative } from "node:path";
import { stackHome } from "../stack/home.js";
import type { Devnet } from "../devnet/index.js";

export interface DevnetFlags {
  /** Run in the background and return once the chain answers. */
  detach?: boolean;
  /** Milliseconds between blocks (default 1000). */
  blockTime?: number;
  /** Number of providers (default 3). */
  providers?: number;
}

export interface DevnetContext {
  write(stream: "stdout" | "stderr", text: string): void;
  /** Resolves when the devnet should stop (default: the first SIGINT or SIGTERM). */
  until?: Promise<unknown>;
  /** Folder for devnet.json (default: $AKASH_STACK_HOME, else the project's .akash-stack; src/stack/home.ts). */
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

/** `devnet stop` and `devnet status`: the devnet of this project (devnet.json under the home). */
export async function runDevnetControl(action: string, context: DevnetContext = defaultContext, output: "text" | "json" = "text"): Promise<number> {
  const { devnetState, isDevnetProcess, stopDevnetProcess } = await import("../devnet/control.js");
  const home = context.home ?? stackHome(process.env, process.cwd());
  const state = await devnetState(home);
  if (action === "status" && output === "json") {
    const running = state.kind === "running";
    const file = state.kind === "none" ? null : state.file;
    context.write(
      "stdout",
      `${JSON.stringify({ running, pid: file?.pid ?? null, chainId: file?.chainId ?? null, height: running ? state.height : null, rpc: file?.rpc ?? null, file: state.kind === "none" ? state.path : state.file.path })}\n`,
    );
    return running ? EXIT_OK : EXIT_FAILED;
  }
  if (action === "status") {
    if (state.kind === "running") {
      context.write("stdout", `${PREFIX} running: pid ${state.file.pid}, chain ${state.file.chainId} at height ${state.height}, rpc ${state.file.rpc} (${displayPath(state.file.path)})\n`);
      return EXIT_OK;
    }
    context.write("stdout", state.kind === "none" ? `${PREFIX} not running (no ${displayPath(state.path)})\n` : `${PREFIX} not running: ${displayPath(state.file.path)} is left over (${state.why}); \`akash-stack devnet stop\` removes it\n`);
    return EXIT_FAILED;
  }
  if (action === "stop") {
    if (state.kind === "none") {
      context.write("stdout", `${PREFIX} no devnet to stop (no ${displayPath(state.path)})\n`);
      return EXIT_OK;
    }
    if (state.kind === "stale" && !(await isDevnetProcess(state.file.pid))) {
      await rm(state.file.path, { force: true });
      context.write("stdout", `${PREFIX} no devnet was running (${state.why}); removed ${displayPath(state.file.path)}\n`);
      return EXIT_OK;
    }
    const outcome = await stopDevnetProcess(state.file);
    context.write("stdout", `${PREFIX} stopped pid ${state.file.pid}${outcome === "killed" ? " (it did not stop within 15 s and was killed)" : ""}\n`);
    return EXIT_OK;
  }
  context.write("stderr", `${PREFIX} unknown action ${JSON.stringify(action)}: use start (the default), stop or status\n`);
  return EXIT_USAGE;
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

  if (opts.detach) return detach(blockTime, providers, context);

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

  // In the foreground the devnet belongs to whoever started it: when that process goes (a killed
  // `npx`, a closed terminal), the devnet is re-parented and would run on unseen. A detached one
  // is meant to outlive its starter.
  const orphaned = context.until || process.env.AKASH_STACK_DEVNET_DETACHED === "1" ? undefined : whenOrphaned();
  await Promise.race([context.until ?? signal!.promise, ...(orphaned ? [orphaned.promise] : [])]);
  orphaned?.dispose();
  signal?.dispose();
  await devnet.stop();
  context.write("stdout", `${PREFIX} stopped at height ${devnet.chain.height}\n`);
  return EXIT_OK;
}

/** Resolves when this process's parent changes (the parent exited and the process was re-parented). */
function whenOrphaned(): { promise: Promise<void>; dispose(): void } {
  const parent = process.ppid;
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      if (process.ppid !== parent) resolve();
    }, 500);
  });
  return { promise, dispose: () => clearInterval(timer) };
}

async function detach(blockTime: number, providers: number, context: DevnetContext): Promise<number> {
  const { devnetState, startDetached } = await import("../devnet/control.js");
  const home = context.home ?? stackHome(process.env, process.cwd());
  const existing = await devnetState(home);
  if (existing.kind === "running") {
    context.write("stderr", `${PREFIX} a devnet already runs for this project (pid ${existing.file.pid}, ${displayPath(existing.file.path)}); stop it first with \`akash-stack devnet stop\`\n`);
    return EXIT_FAILED;
  }
  try {
    const started = await startDetached({
      command: { node: process.execPath, execArgv: process.execArgv, script: process.argv[1]! },
      args: ["--block-time", String(blockTime), "--providers", String(providers)],
      home,
      env: process.env,
      timeoutMs: 60_000,
    });
    context.write(
      "stdout",
      `${PREFIX} running in the background: pid ${started.pid}, chain ${started.file.chainId} at height ${started.height}, rpc ${started.file.rpc}\n` +
        `  ${displayPath(started.file.path)} for --network local; output in ${displayPath(started.log)}; stop it with \`akash-stack devnet stop\`\n`,
    );
    return EXIT_OK;
  } catch (err) {
    context.write("stderr", `${PREFIX} ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  }
}
