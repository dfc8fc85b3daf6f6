/**
 * The `--html` status page: rendered from a report of real checks (a good gateway, a gateway that
 * serves wrong bytes, a registry that is down, DNS at a loopback nameserver), opened in headless
 * Chromium (Debian's, driven by playwright-core), checked for every check, and kept as a
 * screenshot in test-artifacts/ (git-ignored).
 *
 * Chromium comes from `apt-get install chromium`; CI installs it, so there a missing browser is a
 * failure. Elsewhere the browser test is skipped with a title that says why.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDns } from "../src/verify/dns.js";
import { escapeHtml, renderStatusPage } from "../src/verify/html.js";
import { verifyGateway } from "../src/verify/ipfs.js";
import { verifyRegistry } from "../src/verify/oci.js";
import { buildReport, type VerifyReport } from "../src/verify/report.js";
import { HELLO_WORLD_CID, startDnsServer, startFakeGateway } from "./support/verify-fakes.js";
import { freePort, missingToolMessage, tool } from "./support/verify-servers.js";

const CHROMIUM = tool("/usr/bin/chromium", "chromium");
const mustRunBrowser = CHROMIUM.found || Boolean(process.env.CI);
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let report: VerifyReport;

beforeAll(async () => {
  const started = new Date();
  const good = await startFakeGateway("kubo");
  const wrong = await startFakeGateway("wrong-bytes");
  const dns = await startDnsServer({ a: { "registry.example.test": ["127.0.0.1"] } });
  try {
    const goodReport = await verifyGateway({ gateway: good.url, cid: HELLO_WORLD_CID, allowHttp: true });
    const wrongReport = await verifyGateway({ gateway: wrong.url, allowHttp: true });
    const downRegistry = await verifyRegistry({ url: `http://127.0.0.1:${await freePort()}`, pushTest: true, allowHttp: true });
    const dnsChecks = await checkDns({ records: [{ name: "registry.example.test", expectedIp: "127.0.0.1" }], nameservers: [dns.server] });
    report = buildReport("registry on testnet <script>alert(1)</script>", started, [
      goodReport,
      { ...wrongReport, name: "ipfs-gateway-mirror" },
      downRegistry,
      { name: "dns", kind: "dns", target: dns.server, checks: dnsChecks },
    ]);
  } finally {
    await Promise.all([good.close(), wrong.close(), dns.close()]);
  }
});

describe("the status page as text", () => {
  it("lists every check with its result, latency, time and message, and escapes what it shows", () => {
    const html = renderStatusPage(report);
    for (const service of report.services) {
      for (const check of service.checks) {
        expect(html).toContain(`data-service="${service.name}" data-check="${check.name}" data-result="${check.result}"`);
        expect(html).toContain(escapeHtml(check.message));
        expect(html).toContain(`<time datetime="${check.time}">`);
      }
    }
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("registry on testnet &lt;script&gt;");
    expect(html).toMatch(/\d+ checks failing/);
  });

  it("is self-contained: no scripts and nothing loaded from elsewhere", () => {
    const html = renderStatusPage(report);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|src=/i);
  });
});

describe.skipIf(!mustRunBrowser)(CHROMIUM.found ? "the status page in headless Chromium" : `the status page in headless Chromium (SKIPPED locally: ${missingToolMessage([CHROMIUM])})`, () => {
  let userDataDir: string;
  beforeAll(() => {
    userDataDir = mkdtempSync(join(tmpdir(), "akash-stack-chromium-"));
  });
  afterAll(() => rmSync(userDataDir, { recursive: true, force: true }));

  it("renders every check and saves a screenshot", async () => {
    if (!CHROMIUM.found) throw new Error(missingToolMessage([CHROMIUM]));
    const { chromium } = await import("playwright-core");
    mkdirSync(ARTIFACTS, { recursive: true });
    const pageFile = join(ARTIFACTS, "verify-status.html");
    writeFileSync(pageFile, renderStatusPage(report));

    const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM.path, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1200, height: 900 } });
    try {
      const page = await context.newPage();
      const requested: string[] = [];
      page.on("request", (request) => requested.push(request.url()));
      await page.goto(pathToFileURL(pageFile).href, { waitUntil: "load" });

      await expect(page.locator(".banner").innerText()).resolves.toMatch(/\d+ checks? failing/);
      for (const service of report.services) {
        const card = page.locator(`section.service[data-service="${service.name}"]`);
        expect(await card.isVisible(), `service ${service.name}`).toBe(true);
        for (const check of service.checks) {
          const row = card.locator(`tr[data-check="${check.name}"]`);
          expect(await row.count(), `${service.name}/${check.name}`).toBe(1);
          expect(await row.isVisible(), `${service.name}/${check.name} visible`).toBe(true);
          expect(await row.getAttribute("data-result")).toBe(check.result);
          const text = await row.innerText();
          expect(text).toContain(check.name);
          expect(text).toContain({ pass: "Pass", fail: "Fail", skip: "Skipped" }[check.result]);
          expect(text.replace(/\s+/g, " ")).toContain(check.message.replace(/\s+/g, " "));
        }
      }
      // Failing rows are drawn in the failure colour, so they stand out at a glance.
      // Runs in the page; the project's TypeScript has no DOM types, hence the cast.
      type PageWindow = { getComputedStyle(element: unknown): { color: string } };
      const colourOf = (selector: string) => page.locator(selector).first().evaluate((el) => (globalThis as unknown as PageWindow).getComputedStyle(el).color);
      const failColour = await colourOf("tr.check.fail td.message");
      const passColour = await colourOf("tr.check.pass td.message");
      expect(failColour).not.toBe(passColour);
      expect(requested).toEqual([pathToFileURL(pageFile).href]);

      const screenshot = join(ARTIFACTS, "verify-status.png");
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(existsSync(screenshot)).toBe(true);
    } finally {
      await context.close();
    }
  }, 60_000);
});
