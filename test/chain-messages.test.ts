/**
 * The messages the deployer sends, checked the way the chain sees them: encoded to protobuf with a
 * cosmjs Registry of chain-sdk's types, wrapped in `Any`, then decoded with chain-sdk's codecs.
 * Group specs come from real SDLs and must survive the round trip through the chain's encoding
 * (otherwise every deploy would look like a replacement).
 */
import { readFileSync } from "node:fs";
import { MsgCloseDeployment, MsgCreateDeployment, MsgUpdateDeployment } from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
import { MsgCreateLease } from "@akashnetwork/chain-sdk/private-types/akash.v1beta5";
import { MsgAccountDeposit, MsgMintACT, Scope, Source } from "@akashnetwork/chain-sdk/private-types/akash.v1";
import { Registry, type GeneratedType } from "@cosmjs/proto-signing";
import { describe, expect, it } from "vitest";
import { groupSpecFromProto, toDec18 } from "../src/chain/cosmos/convert.js";
import { toEncodeObject } from "../src/chain/cosmos/messages.js";
import type { ChainMsg } from "../src/chain/types.js";
import { compareGroups } from "../src/deploy/compare.js";
import { buildDeployment } from "../src/sdl/builder.js";
import { lintText } from "../src/sdl/lint.js";
import { manifestHash, manifestToSortedJSON } from "../src/sdl/manifest.js";
import { corpusPath, HAS_CORPUS, CORPUS_MISSING } from "./support/corpus.js";

const OWNER = "akash19rl4cm2hmr8afy4kldpxz3fka4jguq0a3mq6x0";
const PROVIDER = "akash1xv9tklw7d82sezh9haa573wufgy59vmwnxhnsl";
const TYPES: Array<[string, GeneratedType]> = [MsgCreateDeployment, MsgUpdateDeployment, MsgCloseDeployment, MsgCreateLease, MsgAccountDeposit, MsgMintACT].map((t) => [
  `/${t.$type}`,
  t as unknown as GeneratedType,
]);
const registry = new Registry(TYPES);

/** Encode as the signer does (Any with type URL and bytes), then decode with chain-sdk's codec. */
function roundTrip<T>(msg: ChainMsg, codec: { $type: string; decode(bytes: Uint8Array): T }): T {
  const any = registry.encodeAsAny(toEncodeObject(msg, OWNER));
  expect(any.typeUrl).toBe(`/${codec.$type}`);
  return codec.decode(any.value);
}

function deploymentOf(sdlText: string) {
  const { sdl, findings } = lintText(sdlText, {}, []);
  // Chain-layer findings (the corpus prices in uakt) do not change what is encoded.
  expect(findings.filter((f) => f.severity === "error" && f.layer !== "chain")).toEqual([]);
  return buildDeployment(sdl!);
}

const simpleSdl = HAS_CORPUS ? readFileSync(corpusPath("chain-sdk-testdata", "input", "v2.0", "simple", "input.yaml"), "utf8") : "";

describe.skipIf(!HAS_CORPUS)(`chain messages from real SDLs (${HAS_CORPUS ? "corpus present" : CORPUS_MISSING})`, () => {
  it("MsgCreateDeployment carries the owner, dseq, 32-byte hash, uact deposit from the balance, and the groups", () => {
    const { groups, manifest } = deploymentOf(simpleSdl);
    const hash = manifestHash(manifestToSortedJSON(manifest));
    const decoded = roundTrip({ type: "create-deployment", dseq: "12345", groups, hash, deposit: { denom: "uact", amount: "500000" } }, MsgCreateDeployment);
    expect(decoded.id?.owner).toBe(OWNER);
    expect(decoded.id?.dseq.toString()).toBe("12345");
    expect(Buffer.from(decoded.hash).toString("hex")).toBe(hash);
    expect(decoded.hash).toHaveLength(32);
    expect(decoded.deposit?.amount).toEqual({ denom: "uact", amount: "500000" });
    expect(decoded.deposit?.sources).toEqual([Source.balance]);
    expect(decoded.groups.map((g) => g.name)).toEqual(groups.map((g) => g.name));
  });

  for (const name of ["simple", "multiple-services", "persistent-storage", "ip-endpoint", "placement", "gpu-basic", "pricing", "storage-classes", "port-ranges"]) {
    it(`group specs of ${name} survive the chain's encoding unchanged`, () => {
      const { groups } = deploymentOf(readFileSync(corpusPath("chain-sdk-testdata", "input", "v2.0", name, "input.yaml"), "utf8"));
      const decoded = roundTrip({ type: "create-deployment", dseq: "1", groups, hash: "00".repeat(32), deposit: { denom: "uact", amount: "500000" } }, MsgCreateDeployment);
      const back = decoded.groups.map(groupSpecFromProto);
      expect(compareGroups(groups, back)).toEqual([]);
      // Resource values travel as decimal digits; prices as the chain's 18-decimal LegacyDec.
      back.forEach((g, i) => g.resources.forEach((u, j) => expect(u.price).toEqual({ denom: groups[i]!.resources[j]!.price.denom, amount: toDec18(groups[i]!.resources[j]!.price.amount) })));
    });
  }

  it("a changed CPU does not survive as equal (the round trip check can fail)", () => {
    const { groups } = deploymentOf(simpleSdl);
    const decoded = roundTrip({ type: "create-deployment", dseq: "1", groups, hash: "00".repeat(32), deposit: { denom: "uact", amount: "500000" } }, MsgCreateDeployment);
    const changed = structuredClone(groups);
    changed[0]!.resources[0]!.resources.cpu!.units += 500n;
    expect(compareGroups(changed, decoded.groups.map(groupSpecFromProto)).map((d) => d.cause)).toEqual(["resources"]);
  });
});

describe("chain messages", () => {
  it("prices are sent as 18-decimal LegacyDec on the wire", () => {
    const groups = [
      {
        name: "akash",
        requirements: { signedBy: { allOf: null, anyOf: null }, attributes: null },
        resources: [
          {
            resources: { id: 1, cpu: { units: 500n, attributes: [] }, memory: { size: 536870912n, attributes: [] }, storage: [{ name: "default", size: 1073741824n, attributes: null }], gpu: { units: 0n, attributes: [] }, endpoints: [{ kind: 0 as const, sequenceNumber: 0 }] },
            count: 2,
            price: { denom: "uact", amount: "1.500000000000000000" },
          },
        ],
      },
    ];
    const any = registry.encodeAsAny(toEncodeObject({ type: "create-deployment", dseq: "9", groups, hash: "ab".repeat(32), deposit: { denom: "uact", amount: "500000" } }, OWNER));
    // The raw bytes hold the atomics ("1500000000000000000"), not "1.5".
    expect(Buffer.from(any.value).includes(Buffer.from("1500000000000000000"))).toBe(true);
    expect(Buffer.from(any.value).includes(Buffer.from("1.5"))).toBe(false);
    const decoded = MsgCreateDeployment.decode(any.value);
    expect(decoded.groups[0]!.resources[0]!.price).toEqual({ denom: "uact", amount: "1.5" });
    expect(new TextDecoder().decode(decoded.groups[0]!.resources[0]!.resource!.cpu!.units!.val)).toBe("500");
    expect(decoded.groups[0]!.resources[0]!.count).toBe(2);
  });

  it("MsgUpdateDeployment and MsgCloseDeployment", () => {
    const update = roundTrip({ type: "update-deployment", dseq: "77", hash: "cd".repeat(32) }, MsgUpdateDeployment);
    expect(update.id?.dseq.toString()).toBe("77");
    expect(Buffer.from(update.hash).toString("hex")).toBe("cd".repeat(32));
    const close = roundTrip({ type: "close-deployment", dseq: "77" }, MsgCloseDeployment);
    expect(close.id).toMatchObject({ owner: OWNER });
    expect(close.id?.dseq.toString()).toBe("77");
  });

  it("MsgCreateLease names the bid: owner, dseq, gseq, oseq, provider, bseq", () => {
    const lease = roundTrip({ type: "create-lease", dseq: "77", gseq: 2, oseq: 1, provider: PROVIDER, bseq: 0 }, MsgCreateLease);
    expect(lease.bidId).toMatchObject({ owner: OWNER, gseq: 2, oseq: 1, provider: PROVIDER, bseq: 0 });
    expect(lease.bidId?.dseq.toString()).toBe("77");
  });

  it("MsgAccountDeposit targets the deployment's escrow account owner/dseq", () => {
    const deposit = roundTrip({ type: "deposit", dseq: "77", amount: { denom: "uact", amount: "5000000" } }, MsgAccountDeposit);
    expect(deposit.signer).toBe(OWNER);
    expect(deposit.id).toEqual({ scope: Scope.deployment, xid: `${OWNER}/77` });
    expect(deposit.deposit).toEqual({ amount: { denom: "uact", amount: "5000000" }, sources: [Source.balance] });
  });

  it("MsgMintACT burns uakt and mints to the owner", () => {
    const mint = roundTrip({ type: "mint-act", burn: { denom: "uakt", amount: "20250000" } }, MsgMintACT);
    expect(mint).toMatchObject({ owner: OWNER, to: OWNER, coinsToBurn: { denom: "uakt", amount: "20250000" } });
  });

  it("refuses a hash that is not hex", () => {
    expect(() => toEncodeObject({ type: "update-deployment", dseq: "1", hash: "not-hex" }, OWNER)).toThrow(/not a hex string/);
  });
});
