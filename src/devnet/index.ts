/**
 * `startDevnet`: a local Akash network on loopback that speaks akashnet-2's wire protocols —
 * CometBFT JSON-RPC, gRPC and grpc-gateway REST with the chain's protobuf messages — with
 * providers that serve the provider REST API over HTTPS with JWT authentication. It writes
 * `$AKASH_STACK_HOME/devnet.json` (default `.akash-stack/devnet.json`) so other commands can find it.
 */
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { AdminServer } from "./admin.js";
import { providerProfile } from "./bid-engine.js";
import { Chain } from "./blocks.js";
import { DEFAULT_AKT_PRICE_USD, DEFAULT_MINT_EPOCH_BLOCKS, DEVNET_CHAIN_ID, DEVNET_TEST_MNEMONIC } from "./constants.js";
import { parseDecimal } from "./decimal.js";
import { loadServiceDescriptors } from "./descriptors.js";
import { Faults } from "./faults.js";
import { buildGenesis } from "./genesis.js";
import { GrpcServer } from "./grpc.js";
import { deriveKeys } from "./keys.js";
import { DEFAULT_PROVIDER_TIMINGS, DevnetProvider, type ProviderTimings } from "./provider.js";
import { RestServer } from "./rest.js";
import { QueryRouter } from "./router.js";
import { RpcServer } from "./rpc.js";

export { DEVNET_CHAIN_ID, DEVNET_TEST_MNEMONIC } from "./constants.js";
export type { DevnetInfo, DevnetOptions, DevnetProviderInfo, FaultSpec, FaultState } from "./options.js";
import type { DevnetInfo, DevnetOptions } from "./options.js";
import { makeStackHome } from "../stack/home.js";

export interface Devnet extends DevnetInfo {
  chain: Chain;
  faults: Faults;
  providerNodes: DevnetProvider[];
  /** Path of devnet.json, when written. */
  file: string | undefined;
  stop(): Promise<void>;
}

export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const blockTime = options.blockTime ?? 1000;
  const providerCount = options.providers ?? 3;
  if (!Number.isInteger(blockTime) || blockTime < 1) throw new Error(`block time must be a whole number of milliseconds of 1 or more, not ${blockTime}`);
  if (!Number.isInteger(providerCount) || providerCount < 0) throw new Error(`providers must be a whole number of 0 or more, not ${providerCount}`);
  const mnemonic = options.mnemonic ?? DEVNET_TEST_MNEMONIC;
  const timings: ProviderTimings = { ...DEFAULT_PROVIDER_TIMINGS, ...options.providerTimings };

  const faults = new Faults();
  const descriptors = loadServiceDescriptors();
  const keys = await deriveKeys(mnemonic, providerCount);
  // certificate generation is the slow part of starting; it overlaps with loading the descriptors
  const [services, providers] = await Promise.all([
    descriptors,
    Promise.all(keys.providers.map((address, i) => DevnetProvider.create(address, providerProfile(i), faults, timings))),
  ]);
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    for (const provider of providers) {
      await provider.listen();
      started.push(provider);
    }
    const chain = new Chain(
      buildGenesis({
        chainId: DEVNET_CHAIN_ID,
        tenant: keys.tenant,
        auditor: keys.auditor,
        providers,
        mintEpochBlocks: options.mintEpochBlocks ?? DEFAULT_MINT_EPOCH_BLOCKS,
        aktPrice: parseDecimal(options.aktPriceUsd ?? DEFAULT_AKT_PRICE_USD),
      }),
    );
    for (const provider of providers) {
      provider.attach(chain);
      chain.addEndBlocker((ctx) => provider.endBlock(ctx));
    }
    faults.attach({
      providerAddresses: () => providers.map((p) => p.address),
      setProviderOffline: async (address, offline) => {
        await providers.find((p) => p.address === address)?.setOffline(offline);
      },
      mutateChain: (fn) => chain.mutate((ctx) => fn(ctx.data)),
    });
    chain.holdMempool = () => faults.takeHeldBlock();

    const router = new QueryRouter(services, { chain });
    const rpc = new RpcServer(chain, router, faults);
    const grpc = new GrpcServer(services, router);
    const rest = new RestServer(services, router);
    const admin = new AdminServer(chain, faults);
    await rpc.listen(options.ports?.rpc);
    started.push(rpc);
    await grpc.listen(options.ports?.grpc);
    started.push(grpc);
    await rest.listen(options.ports?.api);
    started.push(rest);
    await admin.listen(options.ports?.admin);
    started.push(admin);
    if (options.faults) await faults.apply(options.faults);
    await chain.start(blockTime);

    const info: DevnetInfo = {
      chainId: chain.chainId,
      blockTimeMs: blockTime,
      rpc: rpc.url,
      grpc: grpc.url,
      api: rest.url,
      admin: admin.url,
      mnemonic,
      testAccount: keys.tenant,
      auditor: keys.auditor,
      providers: providers.map((p) => ({
        address: p.address,
        hostUri: p.hostUri,
        region: p.profile.region,
        audited: p.profile.audited,
        attributes: p.profile.attributes,
        certificate: p.certificate.cert,
      })),
    };
    const file = options.writeDevnetJson === false ? undefined : await writeDevnetJson(options.home, info);
    let stopping: Promise<void> | undefined;
    return {
      ...info,
      chain,
      faults,
      providerNodes: providers,
      file,
      stop() {
        stopping ??= (async () => {
          await chain.stop();
          await Promise.all(started.map((s) => s.close()));
          if (file) await removeIfOurs(file, info.rpc);
        })();
        return stopping;
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.close().catch(() => undefined)));
    throw err;
  }
}

/** `$AKASH_STACK_HOME` (or `.akash-stack` in the current folder), as an absolute path. */
export function akashStackHome(home?: string): string {
  return resolve(home ?? process.env.AKASH_STACK_HOME ?? ".akash-stack");
}

/** Writes devnet.json atomically (temp file + rename), so readers never see half a file. */
async function writeDevnetJson(home: string | undefined, info: DevnetInfo): Promise<string> {
  const dir = akashStackHome(home);
  await makeStackHome(dir);
  const file = join(dir, "devnet.json");
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const { providers, ...rest } = info;
  const content = { ...rest, providers: providers.map(({ certificate: _certificate, ...p }) => p), pid: process.pid, startedAt: new Date().toISOString() };
  await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
  return file;
}

/** Removes devnet.json on stop, unless another devnet has replaced it meanwhile. */
async function removeIfOurs(file: string, rpc: string): Promise<void> {
  try {
    const content = JSON.parse(await readFile(file, "utf8")) as { rpc?: string };
    if (content.rpc === rpc) await rm(file, { force: true });
  } catch {
    // already gone or unreadable: nothing of ours to remove
  }
}
