/**
 * How a change to a stack is applied, decided from the group specs and hashes alone: create,
 * update in place (only the manifest hash changed), replace (the groups changed, which the chain
 * cannot update), or nothing; each with the lines plan and deploy print, naming every difference.
 */
import { describe, expect, it } from "vitest";
import { compareGroups, decideChange, formatBytes, trimDec, type CurrentShape, type DesiredShape } from "../src/deploy/compare.js";
import type { GroupSpec, ResourceUnit } from "../src/sdl/groups.js";

const H1 = "11".repeat(32);
const H2 = "22".repeat(32);

function unit(fields: Partial<ResourceUnit["resources"]> = {}, extra: Partial<Omit<ResourceUnit, "resources">> = {}): ResourceUnit {
  return {
    resources: {
      id: 1,
      cpu: { units: 500n, attributes: [] },
      memory: { size: 512n * 1024n ** 2n, attributes: [] },
      storage: [{ name: "default", size: 1024n ** 3n, attributes: null }],
      gpu: { units: 0n, attributes: [] },
      endpoints: [{ kind: 0, sequenceNumber: 0 }],
      ...fields,
    },
    count: 1,
    price: { denom: "uact", amount: "1000.000000000000000000" },
    ...extra,
  };
}

function group(name: string, units: ResourceUnit[] = [unit()], requirements: Partial<GroupSpec["requirements"]> = {}): GroupSpec {
  return { name, requirements: { signedBy: { allOf: null, anyOf: null }, attributes: null, ...requirements }, resources: units };
}

const desired = (groups: GroupSpec[], hash: string | undefined, templateHash = "T1"): DesiredShape => ({ groups, hash, templateHash });
const current = (groups: GroupSpec[], hash: string, templateHash: string | undefined = "T1"): CurrentShape => ({ groups, hash, templateHash });

describe("decideChange", () => {
  it("creates when nothing is deployed, and says whether the real hash is known", () => {
    expect(decideChange(desired([group("a")], H1), undefined)).toEqual({ action: "create", reasons: ["no active deployment for this stack on this network"], differences: [], hashKnown: true });
    expect(decideChange(desired([group("a")], undefined), undefined).hashKnown).toBe(false);
  });

  it("does nothing when the hash on chain is the stack's", () => {
    expect(decideChange(desired([group("a")], H1), current([group("a")], H1))).toEqual({ action: "nothing", reasons: ["the manifest hash on chain matches the stack"], differences: [], hashKnown: true });
  });

  it("updates in place when only the hash changed, naming both", () => {
    expect(decideChange(desired([group("a")], H2), current([group("a")], H1))).toEqual({
      action: "update",
      reasons: ["the manifest changed (hash 111111111111 → 222222222222): image, env, command, args or hosts; updated in place"],
      differences: [],
      hashKnown: true,
    });
  });

  it("without secret values, compares template hashes, and updates when there is none to compare", () => {
    expect(decideChange(desired([group("a")], undefined, "T1"), current([group("a")], H1, "T1"))).toEqual({
      action: "nothing",
      reasons: ["the stack matches the deployed one (secret values were not compared: they are not available here)"],
      differences: [],
      hashKnown: false,
    });
    expect(decideChange(desired([group("a")], undefined, "T2"), current([group("a")], H1, "T1"))).toEqual({
      action: "update",
      reasons: ["the manifest changed (image, env, command, args or hosts); updated in place"],
      differences: [],
      hashKnown: false,
    });
    expect(decideChange(desired([group("a")], undefined, "T1"), { groups: [group("a")], hash: H1, templateHash: undefined })).toEqual({
      action: "update",
      reasons: ["secret values are not available here, and the state file has no template hash to compare; a deploy will compare the real hashes"],
      differences: [],
      hashKnown: false,
    });
  });

  it("replaces when the groups changed, listing each cause once and then every difference", () => {
    const want = [group("a", [unit({ cpu: { units: 1000n, attributes: [] } }, { count: 2 })])];
    const decision = decideChange(desired(want, undefined), current([group("a")], H1));
    expect(decision).toEqual({
      action: "replace",
      reasons: ["the groups changed (resources, count), which the chain cannot update in place", "group a, resource unit 1: cpu 500m → 1000m", "group a, resource unit 1: count 1 → 2"],
      differences: [
        { cause: "resources", description: "group a, resource unit 1: cpu 500m → 1000m" },
        { cause: "count", description: "group a, resource unit 1: count 1 → 2" },
      ],
      hashKnown: false,
    });
    expect(decideChange(desired(want, H1), current([group("a")], H1)).hashKnown).toBe(true);
  });
});

describe("compareGroups", () => {
  const differences = (want: GroupSpec[], have: GroupSpec[]) => compareGroups(want, have).map((d) => `${d.cause}: ${d.description}`);

  it("finds nothing between equal groups", () => {
    expect(compareGroups([group("a"), group("b")], [group("b"), group("a")])).toEqual([]);
  });

  it("names groups removed from and added to the stack", () => {
    expect(differences([group("a"), group("c")], [group("a"), group("b")])).toEqual(["groups: group b is no longer in the stack", "groups: group c is new"]);
  });

  it("names changed placement requirements, whatever their order", () => {
    const signed = (allOf: string[] | null, anyOf: string[] | null, attributes: Array<{ key: string; value: string }> | null = null) => group("a", [unit()], { signedBy: { allOf, anyOf }, attributes });
    expect(differences([signed(["x", "y"], null)], [signed(["y", "x"], [])])).toEqual([]);
    expect(differences([signed(["x"], null)], [signed(null, null)])).toEqual(["placement: group a: placement requirements (attributes or signedBy) changed"]);
    expect(differences([signed(null, ["x"])], [signed(null, null)])).toEqual(["placement: group a: placement requirements (attributes or signedBy) changed"]);
    expect(differences([signed(null, null, [{ key: "region", value: "eu" }])], [signed(null, null, [{ key: "region", value: "us" }])])).toEqual([
      "placement: group a: placement requirements (attributes or signedBy) changed",
    ]);
  });

  it("counts resource units, and names the unit by its id or else its position", () => {
    expect(differences([group("a", [unit(), unit({ id: 2 })])], [group("a")])).toEqual(["resources: group a: 1 resource unit(s) → 2"]);
    expect(differences([group("a", [unit({ id: 0 }, { count: 3 })])], [group("a", [unit({ id: 0 })])])).toEqual(["count: group a, resource unit 1: count 1 → 3"]);
  });

  it("names each resource that changed, from the chain's value to the stack's", () => {
    const mem = (size: bigint, attributes: Array<{ key: string; value: string }> = []) => ({ size, attributes });
    const cases: Array<[Partial<ResourceUnit["resources"]>, Partial<ResourceUnit["resources"]>, string]> = [
      [{ cpu: undefined }, {}, "resources: group a, resource unit 1: cpu 500m → none"],
      [{ cpu: { units: 500n, attributes: [{ key: "arch", value: "amd64" }] } }, {}, "resources: group a, resource unit 1: cpu 500m → 500m"],
      [{ memory: mem(1024n ** 3n) }, {}, "resources: group a, resource unit 1: memory 512Mi → 1Gi"],
      [{ memory: undefined }, {}, "resources: group a, resource unit 1: memory 512Mi → none"],
      [{ memory: mem(512n * 1024n ** 2n, [{ key: "x", value: "y" }]) }, {}, "resources: group a, resource unit 1: memory 512Mi → 512Mi"],
      [{ gpu: { units: 2n, attributes: [] } }, {}, "resources: group a, resource unit 1: gpu 0 → 2"],
      [{ gpu: undefined }, { gpu: { units: 1n, attributes: [] } }, "resources: group a, resource unit 1: gpu 1 → 0"],
      [{ gpu: { units: 0n, attributes: [{ key: "vendor/nvidia/model/a100", value: "true" }] } }, {}, "resources: group a, resource unit 1: gpu 0 → 0"],
      [{ id: 3 }, {}, "resources: group a, resource unit 3: resource id 1 → 3"],
      [{ endpoints: [] }, {}, "endpoints: group a, resource unit 1: endpoints http → none"],
      [{ endpoints: [{ kind: 2, sequenceNumber: 1 }, { kind: 0, sequenceNumber: 0 }] }, {}, "endpoints: group a, resource unit 1: endpoints http → http,ip#1"],
      [{}, { endpoints: [] }, "endpoints: group a, resource unit 1: endpoints none → http"],
    ];
    for (const [want, have, line] of cases) expect(differences([group("a", [unit(want)])], [group("a", [unit(have)])])).toEqual([line]);
  });

  it("names changed storage and prices", () => {
    const storage = differences([group("a", [unit({ storage: [{ name: "data", size: 10n * 1024n ** 3n, attributes: null }] })])], [group("a")]);
    expect(storage).toEqual(["resources: group a, resource unit 1: storage default=1Gi → data=10Gi"]);
    expect(differences([group("a", [unit({ storage: [] })])], [group("a")])).toEqual(["resources: group a, resource unit 1: storage default=1Gi → none"]);
    const price = (amount: string, denom = "uact") => group("a", [unit({}, { price: { denom, amount } })]);
    expect(differences([price("1000")], [price("1000.000000000000000000")])).toEqual([]);
    expect(differences([price("1500.5")], [price("1000")])).toEqual(["price: group a, resource unit 1: price 1000uact → 1500.5uact per block"]);
    expect(differences([price("1000", "uakt")], [price("1000")])).toEqual(["price: group a, resource unit 1: price 1000uact → 1000uakt per block"]);
  });
});

describe("formatting", () => {
  it("formatBytes uses the largest binary unit that divides the size", () => {
    expect([1024n ** 4n * 2n, 1024n ** 3n, 1536n * 1024n ** 2n, 1024n, 1000n, 0n].map(formatBytes)).toEqual(["2Ti", "1Gi", "1536Mi", "1Ki", "1000B", "0B"]);
  });

  it("trimDec drops trailing zeros and a bare point", () => {
    expect(["10000.000000000000000000", "0.500000000000000000", "12", "100"].map(trimDec)).toEqual(["10000", "0.5", "12", "100"]);
  });
});
