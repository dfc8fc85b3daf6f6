/**
 * Namecheap settings and errors without a server: which API URLs are allowed (the key travels in
 * the request), what each missing setting's message says, and how API errors are worded and
 * whether they may be retried.
 */
import { describe, expect, it } from "vitest";
import { checkApiUrl, namecheapConfigFromEnv, PRODUCTION_API_URL, SANDBOX_API_URL } from "../src/dns/namecheap/config.js";
import { NamecheapApiError, NamecheapTransportError } from "../src/dns/namecheap/errors.js";
import { NamecheapProvider } from "../src/dns/namecheap/provider.js";

const HTTP_REFUSED = (shown: string) => `NAMECHEAP_API_URL is ${shown}: use https (plain http only to this machine, for the emulator), since the API key travels in the request`;

describe("checkApiUrl", () => {
  it("allows https anywhere and plain http only to this machine", () => {
    for (const ok of ["https://api.namecheap.com/xml.response", "http://localhost:8080/xml.response", "http://[::1]:8080/x", "http://127.0.0.1:1/x", "http://127.10.20.30/x"]) {
      expect(checkApiUrl(ok)).toBeUndefined();
    }
  });

  it("refuses plain http elsewhere, showing the URL without what could be a secret", () => {
    expect(checkApiUrl("http://api.example.net/xml.response")).toBe(HTTP_REFUSED("http://api.example.net/xml.response"));
    for (const host of ["127.0.0.1.example.net", "10.0.0.1", "localhost.example.net"]) {
      expect(checkApiUrl(`http://${host}/x`)).toBe(HTTP_REFUSED(`http://${host}/x`));
    }
    expect(checkApiUrl("ftp://api.example.net/x")).toBe(HTTP_REFUSED("ftp://api.example.net/x"));
  });

  it("refuses a query string or credentials in the URL, and what is not a URL", () => {
    const carries = `NAMECHEAP_API_URL must not carry a query string or credentials: use ${PRODUCTION_API_URL}, or leave it unset`;
    expect(checkApiUrl("https://api.example.net/x?ApiKey=secret")).toBe(carries);
    expect(checkApiUrl("https://user@api.example.net/x")).toBe(carries);
    expect(checkApiUrl("https://:pass@api.example.net/x")).toBe(carries);
    expect(checkApiUrl("not a url")).toBe(`NAMECHEAP_API_URL is not a URL: use ${PRODUCTION_API_URL}, or leave it unset`);
  });
});

describe("namecheapConfigFromEnv", () => {
  const base = { NAMECHEAP_API_USER: " alice ", NAMECHEAP_API_KEY: "k3y", NAMECHEAP_CLIENT_IP: "203.0.113.10" };

  it("trims values, treats blank ones as unset, and takes a valid NAMECHEAP_API_URL", () => {
    expect(namecheapConfigFromEnv({ ...base, NAMECHEAP_USERNAME: "   ", NAMECHEAP_API_URL: "http://127.0.0.1:9/xml.response" })).toEqual({
      config: { apiUser: "alice", apiKey: "k3y", userName: "alice", clientIp: "203.0.113.10", apiUrl: "http://127.0.0.1:9/xml.response" },
    });
  });

  it("points to the dashboard or the sandbox account for the missing settings", () => {
    const production = (namecheapConfigFromEnv({}) as { problems: string[] }).problems;
    expect(production).toEqual([
      "NAMECHEAP_API_USER is not set: set it to your Namecheap API user name (Profile > Tools > Namecheap API Access)",
      "NAMECHEAP_API_KEY is not set: set it to the API key shown at Profile > Tools > Namecheap API Access (it is never printed or stored)",
      "NAMECHEAP_CLIENT_IP is not set: set it to this machine's public IPv4 address, the one whitelisted for API access",
    ]);
    const sandbox = (namecheapConfigFromEnv({}, { sandbox: true }) as { problems: string[] }).problems;
    expect(sandbox[0]).toBe("NAMECHEAP_API_USER is not set: set it to your Namecheap API user name (your sandbox account (sandbox.namecheap.com))");
  });

  it("lets --sandbox and NAMECHEAP_API_URL agree, and names a conflict without the URL's secrets", () => {
    expect(namecheapConfigFromEnv({ ...base, NAMECHEAP_API_URL: SANDBOX_API_URL }, { sandbox: true })).toMatchObject({ config: { apiUrl: SANDBOX_API_URL } });
    expect(namecheapConfigFromEnv({ ...base, NAMECHEAP_API_URL: PRODUCTION_API_URL }, { sandbox: true })).toEqual({
      problems: [`--sandbox and NAMECHEAP_API_URL (${PRODUCTION_API_URL}) both choose the API: unset NAMECHEAP_API_URL, or drop --sandbox`],
    });
    const pasted = namecheapConfigFromEnv({ ...base, NAMECHEAP_API_URL: "https://u:p@proxy.example.net/x?k=1" }, { sandbox: true }) as { problems: string[] };
    expect(pasted.problems[0]).toBe("--sandbox and NAMECHEAP_API_URL (https://proxy.example.net/x) both choose the API: unset NAMECHEAP_API_URL, or drop --sandbox");
    const broken = namecheapConfigFromEnv({ ...base, NAMECHEAP_API_URL: "::" }, { sandbox: true }) as { problems: string[] };
    expect(broken.problems[0]).toBe("--sandbox and NAMECHEAP_API_URL ((not a URL)) both choose the API: unset NAMECHEAP_API_URL, or drop --sandbox");
  });
});

describe("Namecheap errors", () => {
  it("are retryable only when every error in the answer is transient", () => {
    expect(new NamecheapApiError("setHosts", [{ number: 500000, text: "" }]).retryable).toBe(true);
    expect(new NamecheapApiError("setHosts", [{ number: 500000, text: "" }, { number: 5050900, text: "" }]).retryable).toBe(true);
    expect(new NamecheapApiError("setHosts", [{ number: 500000, text: "" }, { number: 1011150, text: "" }]).retryable).toBe(false);
    expect(new NamecheapApiError("setHosts", [{ number: 1011150, text: "" }, { number: 500000, text: "" }]).retryable).toBe(false);
    expect(new NamecheapApiError("setHosts", [{ number: 42, text: "" }]).retryable).toBe(false);
    expect(new NamecheapApiError("setHosts", []).retryable).toBe(false);
  });

  it("quote Namecheap's own text when there is some, and say when a number is unknown", () => {
    const err = new NamecheapApiError("domains.dns.getHosts", [
      { number: 2019166, text: "  Domain not found  " },
      { number: 42, text: " " },
    ]);
    expect(err.name).toBe("NamecheapApiError");
    expect(err.numbers).toEqual([2019166, 42]);
    expect(err.message).toBe(
      'domains.dns.getHosts failed: Namecheap error 2019166 "Domain not found": Namecheap does not know this domain: give the domain as registered (example.com, not www.example.com), and check it is in this account; ' +
        "Namecheap error 42 (not one akash-stack knows; see Namecheap's API documentation)",
    );
  });

  it("name transport failures, and keep whether to retry", () => {
    const err = new NamecheapTransportError("no answer", true);
    expect([err.name, err.message, err.retryable]).toEqual(["NamecheapTransportError", "no answer", true]);
  });

  it("the provider warns that a write deletes SRV records made in the dashboard", () => {
    const provider = new NamecheapProvider({ apiUser: "a", apiKey: "k", userName: "a", clientIp: "203.0.113.10", apiUrl: PRODUCTION_API_URL });
    expect([provider.id, provider.displayName]).toEqual(["namecheap", "Namecheap"]);
    expect(provider.writeCaveats).toEqual(["Namecheap's API cannot see SRV records: any made in the Namecheap dashboard are deleted by this write"]);
  });
});
