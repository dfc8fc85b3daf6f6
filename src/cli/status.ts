/**
 * `akash-stack status STACK --network N [--output text|json]`: deployment and lease states,
 * services (available/total, URIs), escrow balance, burn rate and runway, with a warning under 24 h.
 * Exit codes: 0 shown (warnings included), 1 no deployment or an error, 2 usage.
 */
import { defaultIo, explainFailure, homeOf, openNetwork, openSigner, stackNameOf, UsageError, type ChainFlags, type CommandIo } from "../deploy/session.js";
import { loadState } from "../deploy/state.js";
import { formatStatus, gatherStatus } from "../deploy/status.js";
import { readLastVerify } from "../verify/state.js";

export interface StatusFlags extends ChainFlags {
  output?: string;
}

export async function runStatus(stackArg: string, flags: StatusFlags, io: CommandIo = defaultIo()): Promise<number> {
  const format = flags.output ?? "text";
  let closeChain: (() => Promise<void>) | undefined;
  try {
    if (format !== "text" && format !== "json") throw new UsageError(`--output must be text or json, not ${JSON.stringify(format)}`);
    const stack = stackNameOf(stackArg, flags.name);
    const network = await openNetwork(flags, io);
    const state = await loadState(homeOf(io), stack, network.name);
    if (!state) {
      io.write("stderr", `akash-stack status: ${stack} was never deployed to ${network.name} from here (no state in ${homeOf(io)}/state); run \`akash-stack deploy ${stack} --network ${network.name}\`\n`);
      return 1;
    }
    const signer = await openSigner(network, flags, io, () => {});
    closeChain = () => signer.chain.close();
    if (signer.chain.address !== state.owner) {
      throw new UsageError(`the deployment belongs to ${state.owner}, but the key given is ${signer.chain.address}; providers only answer the owner`);
    }
    const report = await gatherStatus(state, signer.chain, signer.providers);
    const lastVerify = await readLastVerify(homeOf(io), stack, network.name).catch((err: unknown) => {
      io.write("stderr", `warning: the last verify result could not be read (${err instanceof Error ? err.message : String(err)}); run \`akash-stack verify ${stack} --network ${network.name}\` to write it again\n`);
      return undefined;
    });
    if (format === "json") {
      const { warnings, endpoints, ...rest } = report;
      io.write("stdout", JSON.stringify({ ...rest, endpoints, warnings, ...(lastVerify ? { verify: lastVerify } : {}) }, null, 2) + "\n");
    } else io.write("stdout", formatStatus(report, lastVerify));
    for (const w of report.warnings) if (format === "json") io.write("stderr", `warning: ${w}\n`);
    return report.dseq ? 0 : 1;
  } catch (err) {
    const { message, exitCode } = explainFailure(err);
    io.write("stderr", `akash-stack status: ${message}\n`);
    return exitCode;
  } finally {
    await closeChain?.().catch(() => undefined);
  }
}
