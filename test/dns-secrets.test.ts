/**
 * The API key never leaves the POST body: not in a URL (the emulator records every request line,
 * as an access log would), not in anything printed (plans, progress, retries, errors, including an
 * error whose text echoes the key), and not in any file under AKASH_STACK_HOME.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDns, type DnsOptions } from "../src/cli/dns.js";
import type { NamecheapEmulator } from "../src/dns/emulator.js";
import { ManualClock } from "../src/dns/rate-limit.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { captureIo, envFor, filesUnder, removeTempHomes, SECRET_KEY, startEmulator, tempHome } from "./support/dns.js";

let emulator: NamecheapEmulator;
let home: string;
let printed = "";

beforeAll(async () => {
  emulator = await startEmulator({
    callsPerMinute: Number.POSITIVE_INFINITY,
    nameservers: 1,
    domains: [{ domain: "example.com", emailType: "MX", hosts: [{ name: "@", type: "MX", address: "mx.example.net.", mxPref: "10" }] }],
  });
  home = tempHome();
  const run = async (action: "plan" | "apply" | "rollback", opts: DnsOptions, env = envFor(emulator, home)) => {
    const io = captureIo({ cwd: PROJECT_ROOT, env });
    io.clock = new ManualClock(); // retries cost no time
    const code = await runDns(action, { domain: "example.com", ...opts }, io);
    printed += io.stdout + io.stderr;
    return code;
  };
  const records = ["registry=A:203.0.113.7", "ipfs=A:203.0.113.7"];
  expect(await run("plan", { record: records, detailedExitcode: true })).toBe(2);
  emulator.inject({ command: "gethosts", http405: true, times: 1 }); // a retry message is printed
  expect(await run("apply", { record: records, yes: true, wait: true, waitTimeout: 10 })).toBe(0);
  expect(await run("apply", { record: ["registry=A:203.0.113.8"], yes: true, wait: false })).toBe(0);
  expect(await run("rollback", { yes: true, wait: false })).toBe(0);
  emulator.inject({ command: "getlist", error: { number: 1011102, text: `API Key ${SECRET_KEY} is invalid` } });
  expect(await run("plan", { record: records })).toBe(1);
  emulator.whitelist = ["203.0.113.10"];
  expect(await run("apply", { record: records, yes: true })).toBe(1);
  emulator.whitelist = ["127.0.0.1"];
  expect(await run("plan", { record: records }, { ...envFor(emulator, home), NAMECHEAP_API_KEY: `${SECRET_KEY}-wrong` })).toBe(1);
}, 60_000);

afterAll(async () => {
  await emulator.close();
  removeTempHomes();
});

describe("the API key", () => {
  it("travels only in POST bodies, never in a request line", () => {
    expect(emulator.requests.length).toBeGreaterThan(15);
    for (const request of emulator.requests) {
      expect(request.method).toBe("POST");
      expect(request.requestLine).toBe("POST /xml.response HTTP/1.1");
    }
  });

  it("is not printed, even when the API echoes it in an error", () => {
    expect(printed).toContain("trying again in"); // the retry was reported…
    expect(printed).toContain('Namecheap error 1011102 "API Key [redacted] is invalid"'); // …and the echo redacted
    expect(printed).toContain("Invalid request IP");
    expect(printed).not.toContain(SECRET_KEY);
    expect(printed).not.toContain(encodeURIComponent(SECRET_KEY));
  });

  it("is not in any file akash-stack keeps", () => {
    const files = filesUnder(home);
    expect(files.map((f) => f.file)).toEqual([expect.stringMatching(/dns\/namecheap\/example\.com\.json$/)]);
    for (const { text } of files) expect(text).not.toContain(SECRET_KEY);
  });
});
