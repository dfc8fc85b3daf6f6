/**
 * The `akash-stack rehearse STACK` action: runs the stack's services on this machine (see
 * src/rehearse). In the foreground it runs until Ctrl-C; `--detach` returns once every service is
 * ready; `--status` shows a running rehearsal; `--stop` stops one. `--output json` prints the
 * object the README documents: stack, netns, ca, hosts, services (pid, ready) and admin.
 *
 * Exit codes: 0 ready (or stopped), 1 a service never became ready or the rehearsal failed,
 * 2 usage errors (unknown stack, an image with no local program, not root).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MissingSecretsError, prepareDeployment } from "../deploy/desired.js";
import { defaultIo, homeOf, loadAndSynth, UsageError, type CommandIo } from "../deploy/session.js";
import { publicView, readState, RehearsalPlanError, RehearseError, startRehearsal, stopRehearsal, waitUntilReady } from "../rehearse/index.js";
import { readSupervisorInput, supervise } from "../rehearse/supervisor.js";
import { loadGeneratedSecrets } from "../stack/secret-store.js";

export interface RehearseFlags {
  set?: string[];
  detach?: boolean;
  stop?: boolean;
  status?: boolean;
  fresh?: boolean;
  output?: "text" | "json";
  /** Seconds to wait for every service to be ready (with --detach). */
  timeout?: number;
  /** Internal: run as the supervisor, reading its input from standard input. */
  supervise?: boolean;
}

const PREFIX = "akash-stack rehearse:";
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const DEFAULT_TIMEOUT_S = 300;

export async function runRehearse(stackArg: string, flags: RehearseFlags, io: CommandIo = defaultIo()): Promise<number> {
  if (flags.supervise) return supervise(await readSupervisorInput(process.stdin));
  const home = homeOf(io);
  const stack = stackArg.replace(/^.*\//, "").replace(/\.(m?ts|m?js)$/, "");
  const json = flags.output === "json";
  try {
    if (flags.stop) {
      const { stopped } = await stopRehearsal(home, stack);
      io.write("stderr", `${PREFIX} ${stopped ? "stopped" : "nothing was running for"} ${stack}; its volumes are kept (--fresh on the next start removes them)\n`);
      return EXIT_OK;
    }
    if (flags.status) {
      const state = await readState(join(home, "rehearse", stack));
      if (!state) {
        io.write("stderr", `${PREFIX} ${stack} is not being rehearsed: start it with 'akash-stack rehearse ${stack} --detach'\n`);
        return EXIT_FAILED;
      }
      io.write("stdout", json ? `${JSON.stringify(publicView(state))}\n` : describe(state));
      return EXIT_OK;
    }

    const loaded = await loadAndSynth(stackArg, flags.set ?? [], io);
    const desired = await prepareDeployment(loaded.name, loaded.synth, { mode: "deploy", env: io.env, home, cwd: io.cwd });
    const login = loaded.synth.logins[0];
    const loginValue = login ? (io.env[login.password] ?? (await loadGeneratedSecrets(home)).secrets[login.password]) : undefined;
    const started = await startRehearsal(
      {
        stack: loaded.name,
        home,
        groups: desired.manifest!.groups,
        dnsNames: loaded.synth.dns.map((r) => r.fqdn),
        login: login && loginValue !== undefined ? { ...login, value: loginValue } : undefined,
        toolsBin: io.env.AKASH_STACK_TOOLS ?? toolsBin(),
        supervisorCommand: [process.execPath, cliPath(), "rehearse", loaded.name, "--supervise"],
        fresh: flags.fresh === true,
      },
      flags.detach === true,
    );
    if (!json) {
      io.write("stderr", `${PREFIX} ${started.plan.services.length} services of ${loaded.name} in network namespace ${started.netns}\n`);
      for (const s of started.plan.services) io.write("stderr", `  ${s.name}: ${s.image} ← ${s.runtime.standIn}\n`);
      for (const change of started.plan.changes) io.write("stderr", `  the only change to the stack: ${change}\n`);
    }

    if (!flags.detach) {
      const stop = () => started.supervisor.kill("SIGTERM");
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      const code = await new Promise<number>((resolvePromise) => started.supervisor.once("exit", (c) => resolvePromise(c ?? EXIT_FAILED)));
      await stopRehearsal(home, loaded.name);
      return code === 0 ? EXIT_OK : EXIT_FAILED;
    }

    started.supervisor.unref();
    const timeoutMs = (flags.timeout ?? DEFAULT_TIMEOUT_S) * 1000;
    const { state, outcome } = await waitUntilReady(started, started.supervisor.pid!, timeoutMs);
    if (outcome !== "ready" || !state) {
      const waiting = state ? Object.entries(state.services).filter(([, s]) => !s.ready).map(([name, s]) => `${name} (output: ${s.log})`) : [];
      io.write(
        "stderr",
        `${PREFIX} ${outcome === "died" ? `the supervisor stopped (its output: ${started.log})` : `not ready after ${timeoutMs / 1000} s`}` +
          `${waiting.length > 0 ? `; not ready: ${waiting.join(", ")}` : ""}; stopping\n`,
      );
      await stopRehearsal(home, loaded.name);
      return EXIT_FAILED;
    }
    io.write("stdout", json ? `${JSON.stringify(publicView(state))}\n` : describe(state));
    return EXIT_OK;
  } catch (err) {
    if (err instanceof UsageError || err instanceof RehearsalPlanError || err instanceof MissingSecretsError) {
      io.write("stderr", `${PREFIX} ${err.message.replace(/\n/g, `\n${PREFIX} `)}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof RehearseError) {
      io.write("stderr", `${PREFIX} ${err.message}\n`);
      return EXIT_USAGE;
    }
    io.write("stderr", `${PREFIX} ${(err as Error).message}\n`);
    return EXIT_FAILED;
  }
}

function describe(state: Awaited<ReturnType<typeof readState>> & object): string {
  const lines = [`${state.stack}: every service is ${Object.values(state.services).every((s) => s.ready) ? "ready" : "not ready yet"} in network namespace ${state.netns}`];
  for (const [name, s] of Object.entries(state.services)) lines.push(`  ${name}: ${s.ready ? "ready" : "not ready"}, pid ${s.pid ?? "-"}, ${s.restarts} restarts, output ${s.log}`);
  lines.push(`  names: ${Object.keys(state.hosts).join(", ")} (inside the namespace only)`);
  if (state.ca) lines.push(`  CA certificate: ${state.ca}`);
  if (state.admin) lines.push(`  login: ${state.admin.username} at ${state.admin.host}, password in ${state.admin.passwordFile}`);
  lines.push(`  a client: ip netns exec ${state.netns} curl --cacert ${state.ca ?? "CA"} https://${Object.keys(state.hosts).find((h) => h.includes(".")) ?? "HOST"}/`);
  return `${lines.join("\n")}\n`;
}

/** The package's root: the folder above dist/ (built) or src/ (from source). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!/[\\/](dist|src)$/.test(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dirname(dir);
}

function cliPath(): string {
  return join(packageRoot(), "dist", "cli.js");
}

/**
 * `.cache/tools/bin` as scripts/build-tools.sh reports it, in a clone of this repository (the
 * npm package carries no Go programs; `AKASH_STACK_TOOLS` names their folder elsewhere).
 */
function toolsBin(): string {
  const root = packageRoot();
  const script = join(root, "scripts", "build-tools.sh");
  const printed = existsSync(script) ? spawnSync(script, ["--print"], { encoding: "utf8" }).stdout?.trim() : "";
  return printed || resolve(root, ".cache", "tools", "bin");
}
