/**
 * `verify ipfs`: the gateway checks against local gateways that serve the right bytes (Kubo's
 * behaviour for the requests verify makes), wrong bytes, or no raw blocks; and the CID computation
 * against known Kubo CIDs (registry-stack.md §2).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVerify } from "../src/cli/verify.js";
import { blockMatchesCid, fileMatchesCid, kuboCid } from "../src/verify/cid.js";
import { verifyGateway } from "../src/verify/ipfs.js";
import type { CheckOutcome, ServiceReport } from "../src/verify/report.js";
import { EMPTY_DIR_BLOCK, EMPTY_DIR_CID, HELLO_WORLD, HELLO_WORLD_CID, startFakeGateway } from "./support/verify-fakes.js";

const bytes = (text: string) => new TextEncoder().encode(text);

function check(report: ServiceReport, name: string): CheckOutcome {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${report.checks.map((c) => c.name).join(", ")}`);
  return found;
}

describe("CIDs as Kubo computes them", () => {
  it("matches the known CIDv0 test vectors", async () => {
    expect(await kuboCid(bytes("hello world\n"))).toBe("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o");
    expect(await kuboCid(bytes("hello world"))).toBe("Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD");
    // 1 MiB: four 256 KiB chunks under one root, the multi-block case.
    expect(await kuboCid(new Uint8Array(1024 * 1024))).toBe("QmVkbauSDEaMP4Tkq6Epm9uW75mWm136n81YH8fGtfwdHU");
  });

  it("tells matching bytes from other bytes, and names the CID the bytes do have", async () => {
    expect((await fileMatchesCid(bytes(HELLO_WORLD), HELLO_WORLD_CID)).matches).toBe(true);
    const other = await fileMatchesCid(bytes("hello world"), HELLO_WORLD_CID);
    expect(other.matches).toBe(false);
    expect(other.computed).toEqual([{ cid: "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD", profile: "Kubo defaults (CIDv0, 256 KiB chunks)" }]);
  });

  it("checks CIDv1 raw blocks and the empty directory's block", async () => {
    // bafkrei… = CIDv1, raw codec, sha2-256 of "hello world\n" (what `ipfs add --cid-version=1` gives a small file).
    const v1 = await fileMatchesCid(bytes(HELLO_WORLD), "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4");
    expect(v1.matches).toBe(true);
    expect(await blockMatchesCid(EMPTY_DIR_BLOCK, EMPTY_DIR_CID)).toBe(true);
    expect(await blockMatchesCid(bytes("<html>"), EMPTY_DIR_CID)).toBe(false);
  });

  it("rejects text that is not a CID with a message that says so", async () => {
    await expect(fileMatchesCid(bytes("x"), "not-a-cid")).rejects.toThrow(/"not-a-cid" is not a CID/);
  });
});

describe("verify ipfs against local gateways", () => {
  let kubo: Awaited<ReturnType<typeof startFakeGateway>>;
  let wrong: Awaited<ReturnType<typeof startFakeGateway>>;
  let old: Awaited<ReturnType<typeof startFakeGateway>>;
  beforeAll(async () => {
    [kubo, wrong, old] = await Promise.all([startFakeGateway("kubo"), startFakeGateway("wrong-bytes"), startFakeGateway("no-raw-blocks")]);
  });
  afterAll(async () => {
    await Promise.all([kubo?.close(), wrong?.close(), old?.close()]);
  });

  it("passes against a gateway that serves the empty directory and the file's real bytes", async () => {
    const report = await verifyGateway({ gateway: kubo.url, cid: HELLO_WORLD_CID, allowHttp: true });
    expect(report.checks.map((c) => [c.name, c.result])).toEqual([
      ["empty-directory", "pass"],
      ["empty-directory-block", "pass"],
      [`cid:${HELLO_WORLD_CID}`, "pass"],
    ]);
    // The trailing slash matters: verify asks for it and never gets Kubo's 301.
    expect(kubo.paths).toContain(`/ipfs/${EMPTY_DIR_CID}/`);
    expect(check(report, `cid:${HELLO_WORLD_CID}`).message).toBe(`the 12 B served hash to ${HELLO_WORLD_CID}`);
  });

  it("fails against a gateway that serves wrong bytes", async () => {
    const report = await verifyGateway({ gateway: wrong.url, cid: HELLO_WORLD_CID, allowHttp: true });
    const block = check(report, "empty-directory-block");
    expect(block.result).toBe("fail");
    expect(block.message).toMatch(/do not hash to QmUNLL.*the gateway serves wrong content/);
    const file = check(report, `cid:${HELLO_WORLD_CID}`);
    expect(file.result).toBe("fail");
    expect(file.message).toMatch(new RegExp(`served for ${HELLO_WORLD_CID} hash to Qm\\w+ \\(Kubo defaults`));
  });

  it("fails when the gateway does not have the CID, hinting at NoFetch and pinning", async () => {
    const missing = "QmVkbauSDEaMP4Tkq6Epm9uW75mWm136n81YH8fGtfwdHU";
    const report = await verifyGateway({ gateway: kubo.url, cid: missing, allowHttp: true });
    expect(check(report, `cid:${missing}`)).toMatchObject({ result: "fail", message: expect.stringContaining("is the CID pinned there?") });
  });

  it("skips the raw-block check on a gateway without raw blocks, and still passes", async () => {
    const report = await verifyGateway({ gateway: old.url, allowHttp: true });
    expect(check(report, "empty-directory-block")).toMatchObject({ result: "skip", message: expect.stringContaining("does not serve raw blocks (HTTP 406") });
    expect(check(report, "cid").result).toBe("skip");
  });

  it("fails clearly when nothing listens", async () => {
    const gone = await startFakeGateway("kubo");
    await gone.close();
    const report = await verifyGateway({ gateway: gone.url, allowHttp: true });
    expect(check(report, "empty-directory").message).toContain("connection refused");
  });

  it("the CLI exits 0 for a good gateway, 1 for a bad one, 2 for a malformed --cid", async () => {
    const out = { stdout: "", stderr: "" };
    const io = { cwd: process.cwd(), env: {}, write: (s: "stdout" | "stderr", t: string) => void (out[s] += t) };
    expect(await runVerify("ipfs", kubo.url, { allowHttp: true, cid: HELLO_WORLD_CID }, io)).toBe(0);
    expect(out.stdout).toMatch(/3 passed, 0 failed, 0 skipped: verified/);
    expect(await runVerify("ipfs", wrong.url, { allowHttp: true }, io)).toBe(1);
    expect(await runVerify("ipfs", kubo.url, { allowHttp: true, cid: "Qm-nope" }, io)).toBe(2);
    expect(out.stderr).toContain('--cid: "Qm-nope" is not a CID');
  });
});
