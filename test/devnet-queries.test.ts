/**
 * The devnet's query interfaces: gRPC (chain-sdk's createChainNodeSDK), grpc-gateway REST
 * (chain-sdk's web SDK and plain fetch, checking the chain's JSON conventions), abci_query through
 * cosmjs, filters, pagination and errors; MsgCloseLease re-listing a group; devnet.json.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBech32 } from "@cosmjs/encoding";
import { StargateClient } from "@cosmjs/stargate";
import { createChainNodeWebSDK } from "@akashnetwork/chain-sdk/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVNET_TEST_MNEMONIC, startDevnet, type Devnet } from "../src/devnet/index.js";
import { clientFor, deploymentFromSdl, waitFor, type Client } from "./support/devnet.js";

const SDL = `version: "2.0"
services:
  api:
    image: ghcr.io/example/api:1.0.0
    expose:
      - port: 8080
        as: 80
        to:
          - global: true
profiles:
  compute:
    api:
      resources:
        cpu: {units: 0.5}
        memory: {size: 256Mi}
        storage: [{size: 512Mi}]
  placement:
    dc:
      attributes:
        host: akash
      signedBy:
        anyOf:
          - AUDITOR
      pricing:
        api: {denom: uact, amount: 500}
deployment:
  api:
    dc: {profile: api, count: 1}
`;

let devnet: Devnet;
let tenant: Client;
let home: string;
const dseqs = ["501", "502"];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "akash-stack-devnet-"));
  devnet = await startDevnet({ blockTime: 100, home, mintEpochBlocks: 2 });
  tenant = await clientFor(devnet, DEVNET_TEST_MNEMONIC);
  await tenant.sdk.akash.bme.v1.mintACT({ owner: tenant.address, to: tenant.address, coinsToBurn: { denom: "uakt", amount: "100000000" } });
  await waitFor("ACT", async () => (BigInt((await tenant.sdk.cosmos.bank.v1beta1.getBalance({ address: tenant.address, denom: "uact" })).balance!.amount) > 0n ? true : undefined));
  const material = deploymentFromSdl(SDL.replace("AUDITOR", devnet.auditor));
  for (const dseq of dseqs) {
    await tenant.sdk.akash.deployment.v1beta4.createDeployment({
      id: { owner: tenant.address, dseq },
      groups: material.groups,
      hash: material.hash,
      deposit: { amount: { denom: "uact", amount: "1000000" }, sources: [1] },
    });
  }
});

afterAll(async () => {
  await devnet?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe("devnet queries over gRPC", () => {
  it("filters deployments by owner and state, and rejects an unknown state", async () => {
    const active = await tenant.sdk.akash.deployment.v1beta4.getDeployments({ filters: { owner: tenant.address, state: "active" } });
    expect(active.deployments.map((d) => d.deployment?.id?.dseq.toString())).toEqual(dseqs);
    const closed = await tenant.sdk.akash.deployment.v1beta4.getDeployments({ filters: { owner: tenant.address, state: "closed" } });
    expect(closed.deployments).toEqual([]);
    await expect(tenant.sdk.akash.deployment.v1beta4.getDeployments({ filters: { owner: tenant.address, state: "bogus" } })).rejects.toThrow(/invalid state value/);
  });

  it("answers NotFound for an unknown deployment and lets cosmjs treat an unknown account as absent", async () => {
    await expect(tenant.sdk.akash.deployment.v1beta4.getDeployment({ id: { owner: tenant.address, dseq: "999999" } })).rejects.toThrow(/deployment not found/);
    const client = await StargateClient.connect(devnet.rpc);
    const unused = toBech32("akash", new Uint8Array(20).fill(7));
    expect(await client.getAccount(unused)).toBeNull();
    const account = await client.getAccount(tenant.address);
    expect(account?.pubkey).not.toBeNull();
    client.disconnect();
  });

  it("bids only from providers whose attributes the required auditor signed", async () => {
    const bids = await waitFor("audited bids", async () => {
      const res = await tenant.sdk.akash.market.v1beta5.getBids({ filters: { owner: tenant.address, dseq: dseqs[0]! } });
      return res.bids.length >= 2 ? res.bids : undefined;
    });
    await new Promise((r) => setTimeout(r, 500)); // the unaudited provider would have bid by now
    const all = await tenant.sdk.akash.market.v1beta5.getBids({ filters: { owner: tenant.address, dseq: dseqs[0]! } });
    const audited = devnet.providers.filter((p) => p.audited).map((p) => p.address).sort();
    expect(all.bids.map((b) => b.bid?.id?.provider).sort()).toEqual(audited);
    expect(bids.length).toBe(audited.length);
  });

  it("re-lists a group with a new order when the tenant closes its lease", async () => {
    const dseq = dseqs[1]!;
    const audited = devnet.providers.filter((p) => p.audited).length;
    const bid = await waitFor("every audited provider's bid", async () => {
      const bids = (await tenant.sdk.akash.market.v1beta5.getBids({ filters: { owner: tenant.address, dseq, state: "open" } })).bids;
      return bids.length === audited ? bids[0] : undefined;
    });
    const id = bid.bid!.id!;
    await tenant.sdk.akash.market.v1beta5.createLease({ bidId: id });
    await tenant.sdk.akash.market.v1beta5.closeLease({ id, reason: 1 });
    const lease = await tenant.sdk.akash.market.v1beta5.getLease({ id });
    expect(lease.lease).toMatchObject({ state: 3, reason: 1 });
    const orders = await tenant.sdk.akash.market.v1beta5.getOrders({ filters: { owner: tenant.address, dseq } });
    expect(orders.orders.map((o) => [o.id?.oseq, o.state])).toEqual([
      [1, 3],
      [2, 1],
    ]);
    await waitFor("a bid on the new order", async () => {
      const res = await tenant.sdk.akash.market.v1beta5.getBids({ filters: { owner: tenant.address, dseq, oseq: 2, state: "open" } });
      return res.bids.length > 0 ? true : undefined;
    });
  });
});

describe("devnet queries over REST", () => {
  it("serves the deployment list with the chain's JSON: snake_case, string integers, decimal resource values", async () => {
    const res = await fetch(`${devnet.api}/akash/deployment/v1beta4/deployments/list?filters.owner=${tenant.address}&filters.dseq=${dseqs[0]}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      deployments: Array<{
        deployment: { id: { dseq: string }; state: string; created_at: string };
        groups: Array<{ group_spec: { requirements: { signed_by: { any_of: string[] } }; resources: Array<{ resource: { cpu: { units: { val: string } }; endpoints: Array<{ kind: string; sequence_number: number }> }; price: { amount: string } }> } }>;
        escrow_account: { state: { funds: Array<{ amount: string }> } };
      }>;
    };
    expect(body.deployments).toHaveLength(1);
    const [d] = body.deployments;
    expect(d!.deployment).toMatchObject({ id: { dseq: dseqs[0] }, state: "active" });
    expect(d!.deployment.created_at).toMatch(/^\d+$/);
    const spec = d!.groups[0]!.group_spec;
    expect(spec.requirements.signed_by.any_of).toEqual([devnet.auditor]);
    expect(spec.resources[0]!.resource.cpu.units.val).toBe("500");
    // 8080 exposed as 80 goes through the shared ingress: kind 0, which the gateway still writes by name
    expect(spec.resources[0]!.resource.endpoints).toEqual([{ kind: "SHARED_HTTP", sequence_number: 0 }]);
    expect(spec.resources[0]!.price.amount).toBe("500.000000000000000000");
  });

  it("pages with pagination.limit and next_key", async () => {
    const first = (await (await fetch(`${devnet.api}/akash/deployment/v1beta4/deployments/list?filters.owner=${tenant.address}&pagination.limit=1&pagination.count_total=true`)).json()) as {
      deployments: Array<{ deployment: { id: { dseq: string } } }>;
      pagination: { next_key: string | null; total: string };
    };
    expect(first.deployments.map((d) => d.deployment.id.dseq)).toEqual([dseqs[0]]);
    expect(first.pagination.total).toBe("2");
    expect(first.pagination.next_key).not.toBeNull();
    const second = (await (await fetch(`${devnet.api}/akash/deployment/v1beta4/deployments/list?filters.owner=${tenant.address}&pagination.limit=1&pagination.key=${encodeURIComponent(first.pagination.next_key!)}`)).json()) as {
      deployments: Array<{ deployment: { id: { dseq: string } } }>;
      pagination: { next_key: string | null };
    };
    expect(second.deployments.map((d) => d.deployment.id.dseq)).toEqual([dseqs[1]]);
    expect(second.pagination.next_key).toBeNull();
  });

  it("serves balances, the provider by owner and auth accounts with @type", async () => {
    const balances = (await (await fetch(`${devnet.api}/cosmos/bank/v1beta1/balances/${tenant.address}`)).json()) as { balances: Array<{ denom: string; amount: string }> };
    expect(balances.balances.map((b) => b.denom)).toEqual(["uact", "uakt"]);
    const provider = devnet.providers[0]!;
    const info = (await (await fetch(`${devnet.api}/akash/provider/v1beta4/providers/${provider.address}`)).json()) as { provider: { owner: string; host_uri: string; attributes: Array<{ key: string; value: string }> } };
    expect(info.provider.host_uri).toBe(provider.hostUri);
    expect(info.provider.attributes).toContainEqual({ key: "region", value: provider.region });
    const account = (await (await fetch(`${devnet.api}/cosmos/auth/v1beta1/accounts/${tenant.address}`)).json()) as { account: Record<string, unknown> };
    expect(account.account["@type"]).toBe("/cosmos.auth.v1beta1.BaseAccount");
    expect(account.account.pub_key).toMatchObject({ "@type": "/cosmos.crypto.secp256k1.PubKey" });
    expect(account.account.sequence).toMatch(/^\d+$/);
  });

  it("answers errors as grpc-gateway does", async () => {
    const missing = await fetch(`${devnet.api}/akash/deployment/v1beta4/deployments/info?id.owner=${tenant.address}&id.dseq=424242`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 5, message: "deployment not found", details: [] });
    const bad = await fetch(`${devnet.api}/cosmos/bank/v1beta1/balances/not-an-address`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: number }).code).toBe(3);
  });

  it("answers chain-sdk's web SDK", async () => {
    const web = createChainNodeWebSDK({ query: { baseUrl: devnet.api } });
    const res = await web.akash.deployment.v1beta4.getDeployments({ filters: { owner: tenant.address, state: "active" } });
    expect(res.deployments.map((d) => d.deployment?.id?.dseq.toString())).toEqual(dseqs);
    const bme = await web.akash.bme.v1.getLedgerRecords({ filters: { source: tenant.address } });
    expect(bme.records.length).toBeGreaterThan(0);
  });
});

describe("devnet.json", () => {
  it("is written to the home folder with the endpoints, the mnemonic and the providers", () => {
    const file = join(home, "devnet.json");
    expect(devnet.file).toBe(file);
    const content = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(content).toMatchObject({ chainId: "akash-local", rpc: devnet.rpc, grpc: devnet.grpc, api: devnet.api, mnemonic: DEVNET_TEST_MNEMONIC });
    expect((content.providers as Array<{ address: string; hostUri: string }>).map((p) => p.hostUri)).toEqual(devnet.providers.map((p) => p.hostUri));
  });

  it("is removed when that devnet stops", async () => {
    const other = mkdtempSync(join(tmpdir(), "akash-stack-devnet-"));
    const second = await startDevnet({ blockTime: 100, providers: 1, home: other });
    expect(existsSync(join(other, "devnet.json"))).toBe(true);
    await second.stop();
    expect(existsSync(join(other, "devnet.json"))).toBe(false);
    rmSync(other, { recursive: true, force: true });
  });
});
