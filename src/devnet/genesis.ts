/**
 * The devnet's genesis: the funded test account, the providers (registered with their attributes
 * and the certificate their HTTPS server presents), the auditor's signatures on some providers'
 * attributes, and the mint queue's parameters.
 */
import { toUtf8 } from "@cosmjs/encoding";
import { DENOM_AKT, GENESIS_PROVIDER_UAKT, GENESIS_TENANT_UAKT, MODULE_NAMES } from "./constants.js";
import { blockContext, ensureAccount, mintCoins } from "./keeper.js";
import { MODULE_ADDRESSES } from "./keys.js";
import type { DevnetProvider } from "./provider.js";
import { auditKey, certificateKey, emptyChainData, type ChainData } from "./state.js";

export interface GenesisInput {
  chainId: string;
  tenant: string;
  auditor: string;
  providers: readonly DevnetProvider[];
  mintEpochBlocks: number;
  /** USD per AKT, decimal atomics. */
  aktPrice: bigint;
}

export function buildGenesis(input: GenesisInput): ChainData {
  const data = emptyChainData(input.chainId, input.mintEpochBlocks, input.aktPrice);
  const ctx = blockContext(data);
  for (const name of MODULE_NAMES) ensureAccount(data, MODULE_ADDRESSES[name]);
  mintCoins(ctx, input.tenant, DENOM_AKT, GENESIS_TENANT_UAKT);
  ensureAccount(data, input.auditor);
  for (const provider of input.providers) {
    mintCoins(ctx, provider.address, DENOM_AKT, GENESIS_PROVIDER_UAKT);
    data.providers.set(provider.address, {
      owner: provider.address,
      hostUri: provider.hostUri,
      attributes: provider.profile.attributes.map((a) => ({ ...a })),
      info: { email: `operator@${provider.profile.hostname}`, website: `https://${provider.profile.hostname}` },
    });
    if (provider.profile.audited) {
      data.audits.set(auditKey(provider.address, input.auditor), {
        owner: provider.address,
        auditor: input.auditor,
        attributes: provider.profile.auditedAttributes.map((a) => ({ ...a })),
      });
    }
    data.certificates.set(certificateKey(provider.address, provider.certificate.serial), {
      owner: provider.address,
      serial: provider.certificate.serial,
      state: "valid",
      cert: toUtf8(provider.certificate.cert),
      pubkey: toUtf8(provider.certificate.publicKey),
    });
  }
  return data;
}
