/**
 * Plan classification on real SDL pairs (the registry stack with changed parameters, and corpus
 * SDLs with one edit each), the secret handling of `prepareDeployment`, and the money arithmetic.
 * The "on chain" side always goes through the chain's encoding (protobuf round trip), as a deploy
 * compares what the chain returns.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MsgCreateDeployment } from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import registry from "../stacks/registry.js";
import { groupSpecFromProto } from "../src/chain/cosmos/convert.js";
import { groupSpecToProto } from "../src/chain/cosmos/messages.js";
import { blocksPerMonth, formatDec, gasAllowanceUakt, groupMaxPricePerBlock, mintNeed, parseDec } from "../src/deploy/amounts.js";
import { decideChange, type CurrentShape } from "../src/deploy/compare.js";
import { MissingSecretsError, prepareDeployment, type DesiredDeployment } from "../src/deploy/desired.js";
import { buildDeployment } from "../src/sdl/builder.js";
import type { GroupSpec } from "../src/sdl/groups.js";
import { lintText } from "../src/sdl/lint.js";
import { manifestHash, manifestToSortedJSON } from "../src/sdl/manifest.js";
import { synth } from "../src/stack/index.js";
import { corpusPath, CORPUS_MISSING, HAS_CORPUS } from "./support/corpus.js";

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "akash-stack-plan-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const SECRETS = { POSTGRES_PASSWORD: "pg-secret-1", OPENREGISTRY_DB_PASSWORD: "db-secret-1", OPENREGISTRY_AUTH_KEY: "a2V5" };

/** The registry stack with the OpenRegistry engine: all of its secrets come from SECRETS, so nothing is generated. */
async function registryDeployment(params: Record<string, string | number> = {}, env: Record<string, string> = SECRETS): Promise<DesiredDeployment> {
  return prepareDeployment("registry", synth(registry, { engine: "openregistry", ...params }), { mode: "deploy", env, home, cwd: home });
}

/** What a deploy reads back from the chain: the groups after the protobuf round trip. */
function onChain(desired: DesiredDeployment, templateHash: string | undefined = desired.templateHash): CurrentShape {
  return { groups: throughChain(desired.groups), hash: desired.manifest!.hash, templateHash };
}

function throughChain(groups: readonly GroupSpec[]): GroupSpec[] {
  const msg = MsgCreateDeployment.fromPartial({ id: { owner: "akash1x", dseq: 1 }, groups: groups.map(groupSpecToProto), hash: new Uint8Array(32) });
  return MsgCreateDeployment.decode(MsgCreateDeployment.encode(msg).finish()).groups.map(groupSpecFromProto);
}

const shape = (d: DesiredDeployment) => ({ groups: d.groups, hash: d.manifest?.hash, templateHash: d.templateHash });

describe("plan on the registry stack", () => {
  it("no deployment on chain → create", async () => {
    expect(decideChange(shape(await registryDeployment()), undefined).action).toBe("create");
  });

  it("the same stack and secrets → nothing", async () => {
    const a = await registryDeployment();
    const b = await registryDeployment();
    expect(b.manifest!.hash).toBe(a.manifest!.hash);
    expect(decideChange(shape(b), onChain(a))).toMatchObject({ action: "nothing", differences: [] });
  });

  it("a new image tag → update in place", async () => {
    const before = await registryDeployment();
    const after = await registryDeployment({ postgresImage: "postgres:15.21-alpine" });
    const decision = decideChange(shape(after), onChain(before));
    expect(decision.action).toBe("update");
    expect(decision.differences).toEqual([]);
  });

  it("a changed secret value → update in place (the hash covers env values)", async () => {
    const before = await registryDeployment();
    const after = await registryDeployment({}, { ...SECRETS, POSTGRES_PASSWORD: "rotated" });
    expect(after.templateHash).toBe(before.templateHash);
    expect(decideChange(shape(after), onChain(before)).action).toBe("update");
  });

  it("more CPU for Kubo → replace, naming the resource", async () => {
    const before = await registryDeployment();
    const after = await registryDeployment({ kuboCpu: 3 });
    const decision = decideChange(shape(after), onChain(before));
    expect(decision.action).toBe("replace");
    // The ceiling follows the resources (stacks/registry.ts sizes it from the default provider prices).
    expect(decision.differences.map((d) => d.cause)).toEqual(["resources", "price"]);
    expect(decision.differences[0]!.description).toMatch(/cpu 2000m → 3000m/);
  });

  it("a new price → replace (price)", async () => {
    const decision = decideChange(shape(await registryDeployment({ priceHeadroom: 4 })), onChain(await registryDeployment()));
    expect(decision.action).toBe("replace");
    expect(new Set(decision.differences.map((d) => d.cause))).toEqual(new Set(["price"]));
  });

  it("bigger storage → replace (resources)", async () => {
    const decision = decideChange(shape(await registryDeployment({ kuboStorageGi: 200 })), onChain(await registryDeployment()));
    expect(decision.action).toBe("replace");
    expect(decision.differences.some((d) => /storage .*100Gi.*→.*200Gi/.test(d.description))).toBe(true);
  });

  it("without secret values, the template hash decides (state file's template hash)", async () => {
    const deployed = await registryDeployment();
    const planned = await prepareDeployment("registry", synth(registry, { engine: "openregistry" }), { mode: "plan", env: {}, home, cwd: home });
    // The deploy above took every secret from the environment, so plan has no values at all.
    expect(planned.manifest).toBeUndefined();
    expect(planned.templateHash).toBe(deployed.templateHash);
    const changed = await prepareDeployment("registry", synth(registry, { engine: "openregistry", caddyImage: "caddy:2.11.0-alpine" }), { mode: "plan", env: {}, home, cwd: home });
    expect(decideChange(shape(planned), onChain(deployed))).toMatchObject({ action: "nothing", hashKnown: false });
    expect(decideChange(shape(changed), onChain(deployed))).toMatchObject({ action: "update", hashKnown: false });
    // A deployment made elsewhere (no template hash in the state) cannot be judged without secrets.
    expect(decideChange(shape(planned), { ...onChain(deployed), templateHash: undefined }).action).toBe("update");
  });
});

describe("secrets at deploy and plan time", () => {
  it("deploy fails before anything else when secrets are missing, listing every name", async () => {
    const stack = synth(registry, { engine: "openregistry" });
    const error = await prepareDeployment("registry", stack, { mode: "deploy", env: {}, home, cwd: home }).catch((e: unknown) => e);
    // Registry secrets are all generated: none is missing; the generated file is created.
    expect(error).not.toBeInstanceOf(Error);
    const withGiven = await prepareDeployment(
      "registry",
      { ...stack, secrets: stack.secrets.map((s) => ({ name: s.name })) },
      { mode: "deploy", env: {}, home: join(home, "other"), cwd: home },
    ).catch((e: unknown) => e);
    expect(withGiven).toBeInstanceOf(MissingSecretsError);
    expect((withGiven as MissingSecretsError).missing).toEqual(["OPENREGISTRY_AUTH_KEY", "OPENREGISTRY_DB_PASSWORD", "POSTGRES_PASSWORD"]);
    expect(existsSync(join(home, "other", "secrets.json"))).toBe(false);
  });

  it("plan never creates secrets: the hash is unknown and nothing is written", async () => {
    const planned = await prepareDeployment("registry", synth(registry, { engine: "openregistry" }), { mode: "plan", env: {}, home, cwd: home });
    expect(planned.manifest).toBeUndefined();
    expect(planned.missingSecrets).toEqual(["OPENREGISTRY_AUTH_KEY", "OPENREGISTRY_DB_PASSWORD", "POSTGRES_PASSWORD"]);
    expect(existsSync(join(home, "secrets.json"))).toBe(false);
  });

  it("the manifest with secrets differs from the template; the template hash does not depend on values", async () => {
    const a = await registryDeployment();
    expect(a.manifest!.json).toContain("pg-secret-1");
    expect(a.manifest!.hash).toBe(manifestHash(a.manifest!.json));
    expect(a.templateHash).not.toBe(a.manifest!.hash);
    expect(JSON.stringify({ groups: a.groups.map((g) => g.name), templateHash: a.templateHash })).not.toContain("pg-secret-1");
  });
});

describe.skipIf(!HAS_CORPUS)(`plan on corpus SDL pairs (${HAS_CORPUS ? "corpus present" : CORPUS_MISSING})`, () => {
  const base = () => readFileSync(corpusPath("chain-sdk-testdata", "input", "v2.0", "simple", "input.yaml"), "utf8");
  const build = (text: string) => {
    const { sdl } = lintText(text, {}, []);
    const { groups, manifest } = buildDeployment(sdl!);
    const hash = manifestHash(manifestToSortedJSON(manifest));
    return { groups, hash, templateHash: hash };
  };
  const edit = (mutate: (doc: ReturnType<typeof parseDocument>) => void) => {
    const doc = parseDocument(base());
    mutate(doc);
    return doc.toString();
  };
  const firstService = (doc: ReturnType<typeof parseDocument>) => String((doc.get("services") as { items: Array<{ key: { value: string } }> }).items[0]!.key.value);
  const current = () => {
    const b = build(base());
    return { groups: throughChain(b.groups), hash: b.hash, templateHash: b.hash };
  };

  it("count 2 → 3 is a replacement (count)", () => {
    const changed = edit((doc) => {
      const svc = firstService(doc);
      const placements = doc.getIn(["deployment", svc]) as { items: Array<{ key: { value: string } }> };
      doc.setIn(["deployment", svc, placements.items[0]!.key.value, "count"], 3);
    });
    expect(decideChange(build(changed), current()).differences.map((d) => d.cause)).toEqual(["count"]);
  });

  it("another region is a replacement (placement)", () => {
    const changed = edit((doc) => {
      const placement = (doc.getIn(["profiles", "placement"]) as { items: Array<{ key: { value: string } }> }).items[0]!.key.value;
      doc.setIn(["profiles", "placement", placement, "attributes"], { region: "eu-central" });
    });
    const decision = decideChange(build(changed), current());
    expect(decision.action).toBe("replace");
    expect(decision.differences.map((d) => d.cause)).toContain("placement");
  });

  it("a new global port is a replacement (endpoints)", () => {
    const changed = edit((doc) => {
      const svc = firstService(doc);
      (doc.getIn(["services", svc, "expose"]) as { add(v: unknown): void }).add(doc.createNode({ port: 8443, as: 8443, to: [{ global: true }] }));
    });
    const decision = decideChange(build(changed), current());
    expect(decision.action).toBe("replace");
    expect(decision.differences.map((d) => d.cause)).toContain("endpoints");
  });

  it("a new env var is an update in place", () => {
    const changed = edit((doc) => {
      const svc = firstService(doc);
      doc.setIn(["services", svc, "env"], ["FOO=bar"]);
    });
    expect(decideChange(build(changed), current())).toMatchObject({ action: "update", differences: [] });
  });
});

describe("money", () => {
  it("a month is ~424,918 blocks at 6.1 s", () => {
    expect(blocksPerMonth(6.1)).toBe(424_918);
  });

  it("the group ceiling is Σ unit price × count", async () => {
    const d = await registryDeployment();
    // Four services, one replica each, at the ceilings the synthesized SDL names.
    const amounts = [...synth(registry, { engine: "openregistry" }).sdl.matchAll(/amount: "(\d+)"/g)].map((m) => Number(m[1]));
    expect(amounts).toHaveLength(4);
    const total = d.groups.reduce((s, g) => s + groupMaxPricePerBlock(g), 0n);
    expect(formatDec(total)).toBe(String(amounts.reduce((a, b) => a + b, 0)));
    expect(parseDec("0.5")).toBe(5n * 10n ** 17n);
  });

  it("minting raises to the chain's 10 ACT minimum and burns enough AKT through the spread", () => {
    // The devnet's numbers: AKT at 0.5 ACT, 25 bps spread: burning 20 AKT mints 9.975 ACT, short of 10 ACT in hand.
    const need = mintNeed(500_000n, 0n, 10_000_000n, 0.5, 25)!;
    expect(need.mintUact).toBe(10_000_000n);
    const minted = (Number(need.burnUakt!) * 0.5 * (10_000 - 25)) / 10_000;
    expect(minted).toBeGreaterThanOrEqual(10_000_000);
    expect(minted).toBeLessThan(10_000_000 * 1.02);
    expect(mintNeed(500_000n, 600_000n, 10_000_000n, 0.5, 25)).toBeUndefined();
    expect(mintNeed(25_000_000n, 1_000_000n, 10_000_000n, undefined, 25)).toEqual({ mintUact: 24_000_000n, burnUakt: undefined });
  });

  it("the gas allowance is per transaction at the gas price", () => {
    expect(gasAllowanceUakt(2, 0.025)).toBe(20_000n);
  });
});
