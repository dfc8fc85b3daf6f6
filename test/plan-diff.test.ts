/**
 * Golden outputs of `plan` for each kind of change (issue 15): field by field, per service, each
 * marked in place or forcing a replacement, and for a replacement the persistent volumes that start
 * empty. The running manifest is read from the devnet provider (GET /lease/…/manifest, JWT scope
 * get-manifest), as from a real one. Through the command, on the devnet.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVNET_AVAILABLE, DEVNET_MISSING, LOCAL_JSONL, runCommand, startFundedTestNet, summaryOf, type TestNet } from "./support/deploy-devnet.js";

const KNOBS = "test/fixtures/deploy/knobs.ts";

/** The plan's change lines: the headline's action and everything indented under it, before "Cost". */
function changeLines(stdout: string): string {
  const [head, ...rest] = stdout.split("\n");
  const body = rest.slice(0, rest.findIndex((l) => l === "" || l.startsWith("Cost")));
  return [head!.replace(/ \(owner akash1[0-9a-z]+\)/, "").replace(/deployment \d+/, "deployment N"), ...body].join("\n").replace(/hash [0-9a-f]{12} → [0-9a-f]{12}/, "hash X → Y");
}

describe.skipIf(!DEVNET_AVAILABLE)(`plan shows what changes, field by field (${DEVNET_AVAILABLE ? "devnet present" : DEVNET_MISSING})`, () => {
  let net: TestNet;
  const plan = async (set: string[], stack = KNOBS) => {
    const run = await runCommand(net, "plan", stack, { network: "local", set, detailedExitcode: true });
    expect(run.stderr).toBe("");
    return { code: run.code, text: changeLines(run.stdout), stdout: run.stdout };
  };

  beforeAll(async () => {
    net = await startFundedTestNet();
    const deployed = await runCommand(net, "deploy", KNOBS, LOCAL_JSONL);
    if (deployed.code !== 0) throw new Error(`deploy failed: ${deployed.stderr}`);
    const registry = await runCommand(net, "deploy", "registry", LOCAL_JSONL);
    if (registry.code !== 0) throw new Error(`deploy failed: ${registry.stderr}`);
    expect(summaryOf(registry.stdout).status).toBe("done");
  }, 180_000);
  afterAll(async () => net?.stop());

  it("nothing", async () => {
    expect(await plan([])).toMatchObject({ code: 0, text: "Plan for knobs on local: nothing to change (deployment N)\n  - the manifest hash on chain matches the stack" });
  }, 60_000);

  it("image, env, command and hosts: in place", async () => {
    const run = await plan(["image=nginx:1.27.4-alpine", "mode=green", "greeting=hello", "command=/usr/sbin/nginx", "host=web.example.test"]);
    expect(run.code).toBe(2);
    expect(run.text).toBe(
      [
        "Plan for knobs on local: update the deployment in place (deployment N)",
        "  - the manifest changed (hash X → Y): image, env, command, args or hosts; updated in place",
        "  ~ web: image nginx:1.27.3-alpine → nginx:1.27.4-alpine (in place)",
        '  ~ web: command ["nginx","-g","daemon off;"] → ["/usr/sbin/nginx","-g","daemon off;"] (in place)',
        "  + web: env GREETING added (in place)",
        "  ~ web: env MODE (in place)",
        "  ~ web: hosts www.example.test → web.example.test (in place)",
      ].join("\n"),
    );
  }, 60_000);

  it("cpu, count and price: a replacement", async () => {
    const run = await plan(["cpu=1", "count=2", "maxPricePerBlock=2000"]);
    expect(run.code).toBe(2);
    expect(run.text).toBe(
      [
        "Plan for knobs on local: replace the deployment (deployment N)",
        "  - the groups changed (resources, count, price), which the chain cannot update in place",
        "  ~ web: count 1 → 2 (forces replacement)",
        "  ~ web: cpu 500m → 1000m (forces replacement)",
        "  ~ group akash, resource unit 1: price 1000uact → 2000uact per block (forces replacement)",
      ].join("\n"),
    );
  }, 60_000);

  it("a replacement of the registry lists the persistent volumes that start empty", async () => {
    const run = await plan(["kuboCpu=3"], "registry");
    expect(run.code).toBe(2);
    expect(run.text).toBe(
      [
        "Plan for registry on local: replace the deployment (deployment N)",
        "  - the groups changed (resources, price), which the chain cannot update in place",
        "  ~ ipfs: cpu 2000m → 3000m (forces replacement)",
        // The stack prices each service from its resources, so more CPU also raises the ceiling.
        "  ~ group akash, resource unit 2: price 120uact → 132uact per block (forces replacement)",
        "  ! the new deployment starts with empty persistent volumes: edge/certs, ipfs/repo, registry/data (their data stays on the old deployment until it is closed)",
      ].join("\n"),
    );
    const json = await runCommand(net, "plan", "registry", { network: "local", set: ["kuboCpu=3"], output: "json" });
    const parsed = JSON.parse(json.stdout) as { changes: unknown[]; volumesStartingEmpty: string[] };
    expect(parsed.changes).toEqual([{ service: "ipfs", field: "cpu", change: "changed", from: "2000m", to: "3000m", effect: "replacement" }]);
    expect(parsed.volumesStartingEmpty).toEqual(["edge/certs", "ipfs/repo", "registry/data"]);
  }, 60_000);
});
