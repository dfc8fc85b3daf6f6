/**
 * Manifest rules (src/sdl/rules/manifest-rules.ts): what chain-sdk's manifest validation and the
 * Go parser's HTTP options check, for deployed services. Each rule has a triggering case (rule id,
 * severity, line, column) and a near-identical case that does not trigger.
 */
import { describe, expect, it } from "vitest";
import { BASE, TWO_SERVICES, at, edit, edits, expectNone, expectOne, findingsOf, lint } from "./support/sdl-cases.js";

const HOST = "          - www.example.com\n";

/** BASE with the web service renamed (in services and deployment). */
function renamed(name: string): string {
  return edits(BASE, ["  web:\n    image", `  ${name}:\n    image`], ["  web:\n    akash:", `  ${name}:\n    akash:`]);
}

/** BASE plus a service that no deployment entry names. */
function withUndeployed(service: string): string {
  return edit(BASE, "profiles:\n", service + "profiles:\n");
}

/** BASE with http_options under web's expose. */
function withHttpOptions(options: string): string {
  return edit(BASE, "        to:\n          - global: true\n", `        to:\n          - global: true\n        http_options:\n${options}`);
}

describe("manifest rules", () => {
  it("the base SDL has no findings", () => {
    expect(lint(BASE)).toEqual([]);
  });

  describe("service-name-invalid", () => {
    it("reports an uppercase/underscore name at the service key", () => {
      const text = renamed("My_web");
      const f = expectOne(text, "service-name-invalid", "error", at(text, "  My_web:\n    image", "My_web"));
      expect(f.message).toBe('invalid manifest: service "My_web" name is invalid: use lowercase letters (rename it under services and deployment)');
      const snake = renamed("my_web");
      expect(findingsOf(snake, "service-name-invalid")[0]!.message).toBe('invalid manifest: service "my_web" name is invalid: use "-" instead of "_" (rename it under services and deployment)');
    });
    it("reports a name ending with '-'", () => {
      const text = renamed("web-");
      const f = expectOne(text, "service-name-invalid", "error", at(text, "  web-:\n    image", "web-"));
      expect(f.message).toContain('is invalid: use lowercase letters, digits and "-", starting with a letter and not ending with "-" (rename');
    });
    it("accepts web-1, and ignores services that are not deployed", () => {
      expectNone(renamed("web-1"), "service-name-invalid");
      expectNone(withUndeployed("  Bad_Name:\n    image: redis:7.4\n"), "service-name-invalid");
    });
  });

  describe("service-name-too-long", () => {
    it("reports a 64-character name (Kubernetes names are at most 63)", () => {
      const name = "a".repeat(64);
      const text = renamed(name);
      expectOne(text, "service-name-too-long", "error", at(text, `  ${name}:\n    image`, name));
    });
    it("accepts 63 characters", () => {
      expectNone(renamed("a".repeat(63)), "service-name-too-long");
    });
  });

  describe("image-missing", () => {
    it("reports an empty image at its value", () => {
      const text = edit(BASE, "image: nginx:1.27.3", 'image: ""');
      const f = expectOne(text, "image-missing", "error", at(text, 'image: ""', '""'));
      expect(f.message).toMatch(/^invalid manifest: service "web" has empty image name: /);
    });
    it("reports a missing image at the service key", () => {
      const text = edit(BASE, "    image: nginx:1.27.3\n", "");
      expectOne(text, "image-missing", "error", at(text, "  web:\n    env", "web"));
    });
    it("accepts an image, and ignores services that are not deployed", () => {
      expectNone(BASE, "image-missing");
      expectNone(withUndeployed("  spare:\n    env:\n      - A=1\n"), "image-missing");
    });
  });

  describe("env-name-invalid", () => {
    it("reports a name starting with a digit at the list item", () => {
      const text = edit(BASE, "- MODE=production", "- 1MODE=production");
      const f = expectOne(text, "env-name-invalid", "error", at(text, "1MODE=production"));
      expect(f.message).toMatch(/^invalid manifest: service "web" defines an env\. var\. with an invalid name "1MODE": /);
    });
    it("reports an empty name and a '..' prefix", () => {
      expect(findingsOf(edit(BASE, "- MODE=production", "- =production"), "env-name-invalid")).toHaveLength(1);
      expect(findingsOf(edit(BASE, "- MODE=production", "- ..MODE=x"), "env-name-invalid")).toHaveLength(1);
    });
    it("accepts dots, dashes, underscores, and a name without a value", () => {
      expectNone(edit(BASE, "- MODE=production", "- my.env-NAME_1=a=b"), "env-name-invalid");
      expectNone(edit(BASE, "- MODE=production", "- MODE"), "env-name-invalid");
    });
  });

  describe("zero-global-services", () => {
    it("reports an SDL where no deployed service is global, at the services key, saying the lease is paid first", () => {
      const text = edit(BASE, "- global: true", "- global: false");
      const f = expectOne(text, "zero-global-services", "error", at(text, "services:"));
      expect(f.message).toMatch(/^invalid manifest: zero global services: /);
      expect(f.message).toMatch(/after the lease is created and paid for/);
      const both = edit(TWO_SERVICES, "- global: true", "- global: false");
      expect(findingsOf(both, "zero-global-services")[0]!.message).toContain("no deployed service (db, web) exposes a port");
    });
    it("does not count a global expose of a service that is not deployed", () => {
      const undeployed = "  spare:\n    image: redis:7.4\n    expose:\n      - port: 6380\n        to:\n          - global: true\n";
      const webLocal = edit(edit(BASE, "- global: true", "- global: false"), "profiles:\n", undeployed + "profiles:\n");
      expectOne(webLocal, "zero-global-services", "error", at(webLocal, "services:"));
    });
    it("accepts one global expose", () => {
      expectNone(BASE, "zero-global-services");
    });
  });

  describe("port-out-of-range", () => {
    it("reports port 0 at its value", () => {
      const text = edit(BASE, "- port: 80", "- port: 0");
      const f = expectOne(text, "port-out-of-range", "error", at(text, "- port: 0", "0"));
      expect(f.message).toMatch(/^invalid manifest: service "web": port value must be 0 < value <= 65535/);
    });
    it("reports port 70000", () => {
      const text = edit(BASE, "- port: 80", "- port: 70000");
      expectOne(text, "port-out-of-range", "error", at(text, "- port: 70000", "70000"));
    });
    it("reports a missing port at the expose entry", () => {
      const text = edit(BASE, "      - port: 80\n        as: 80\n", "      - as: 80\n");
      const f = expectOne(text, "port-out-of-range", "error", at(text, "- as: 80", "as"));
      expect(f.message).toContain("(port is missing): set port to the port the container listens on");
      expect(findingsOf(edit(BASE, "- port: 80", "- port: 0"), "port-out-of-range")[0]!.message).toContain("(port is 0)");
    });
    it("accepts 65535", () => {
      expectNone(edit(BASE, "- port: 80", "- port: 65535"), "port-out-of-range");
    });
  });

  describe("expose-as-out-of-range", () => {
    it("reports as above 65535", () => {
      const text = edit(BASE, "as: 80", "as: 70000");
      expectOne(text, "expose-as-out-of-range", "error", at(text, "as: 70000", "70000"));
    });
    it("accepts 65535", () => {
      expectNone(edit(BASE, "as: 80", "as: 65535"), "expose-as-out-of-range");
    });
  });

  describe("accept-host-invalid", () => {
    const ANY_OTHER = 'use lowercase letters, digits, "-" and ".", with each part starting and ending with a letter or digit';
    for (const [host, why] of [
      ["*.example.com", "wildcards are not allowed; list each host name"],
      ["Www.example.com", 'write it in lowercase ("www.example.com")'],
      ["www.example.com:8080", "write the host without a port or scheme"],
      ["www_1.example.com", ANY_OTHER],
      // lowercase alone would not make it valid, so no "write it in lowercase"
      ["WWW_1.example.com", ANY_OTHER],
    ] as const) {
      it(`reports ${host}: ${why}`, () => {
        const text = edit(BASE, HOST, `          - "${host}"\n`);
        const f = expectOne(text, "accept-host-invalid", "error", at(text, `- "${host}"`, `"${host}"`));
        expect(f.message).toBe(`invalid manifest: service "web": has invalid hostname "${host}": ${why}`);
      });
    }
    it("reports a host over 253 characters", () => {
      const long = Array.from({ length: 5 }, () => "a".repeat(60)).join(".");
      const text = edit(BASE, HOST, `          - ${long}\n`);
      expectOne(text, "accept-host-invalid", "error", at(text, long));
    });
    it("leaves a host with a space to the Go parser's accept-host-unparseable", () => {
      const text = edit(BASE, HOST, `          - "www example.com"\n`);
      expectNone(text, "accept-host-invalid");
      expect(findingsOf(text, "accept-host-unparseable")).toHaveLength(1);
    });
    it("accepts a lowercase DNS name", () => {
      expectNone(BASE, "accept-host-invalid");
      expectNone(edit(BASE, HOST, "          - a-1.b.example\n"), "accept-host-invalid");
    });
  });

  describe("accept-host-duplicate", () => {
    it("reports a host accepted by two services, at the one Go checks second", () => {
      const text = edit(TWO_SERVICES, "      - port: 5432\n", "      - port: 5432\n        accept:\n          - www.example.com\n");
      // Go validates services by name: db before web, so web's copy is the duplicate
      const f = expectOne(text, "accept-host-duplicate", "error", at(text, "        accept:\n          - www.example.com\n        to:\n          - global: true", "www.example.com"));
      expect(f.message).toMatch(/^invalid manifest: service "web": hostname "www\.example\.com" is duplicated, this is not allowed: /);
      expect(f.message).toContain('service "db"');
    });
    it("reports a host listed twice in one accept list", () => {
      const text = edit(BASE, HOST, HOST + "          - www.example.com \n");
      expectOne(text, "accept-host-duplicate", "error", at(text, "- www.example.com \n", "www"));
    });
    it("reports one accept entry copied by two 'to' entries", () => {
      const text = edit(TWO_SERVICES, "          - global: true\n", "          - global: true\n          - service: db\n");
      const f = expectOne(text, "accept-host-duplicate", "error", at(text, HOST.trimEnd(), "www"));
      expect(f.message).toMatch(/2 "to" entries/);
    });
    it("reports one accept entry copied by three 'to' entries once", () => {
      const text = edit(TWO_SERVICES, "          - global: true\n", "          - global: true\n          - service: db\n          - global: true\n");
      expectOne(text, "accept-host-duplicate", "error", at(text, HOST.trimEnd(), "www"));
    });
    it("reports one accept entry copied into two placements", () => {
      const text = edits(
        BASE,
        ["      count: 1\n", "      count: 1\n    west:\n      profile: web\n      count: 1\n"],
        ["deployment:\n", "    west:\n      pricing:\n        web:\n          denom: uact\n          amount: 1000\ndeployment:\n"],
      );
      const f = expectOne(text, "accept-host-duplicate", "error", at(text, HOST.trimEnd(), "www"));
      expect(f.message).toMatch(/deployed in placements akash and west/);
    });
    it("accepts distinct hosts", () => {
      expectNone(BASE, "accept-host-duplicate");
      expectNone(edit(BASE, HOST, HOST + "          - api.example.com\n"), "accept-host-duplicate");
    });
  });

  describe("http-option-out-of-range", () => {
    for (const [key, over, max, words] of [
      ["max_body_size", 104857601, 104857600, "body size cannot be greater than 104857600 bytes"],
      ["proxy_buffer_size", 1048577, 1048576, "proxy buffer size cannot be greater than 1048576 bytes"],
      ["read_timeout", 60001, 60000, "read timeout cannot be greater than 60000 ms"],
      ["send_timeout", 60001, 60000, "send timeout cannot be greater than 60000 ms"],
    ] as const) {
      it(`reports ${key} ${over}, accepts ${max}`, () => {
        const text = withHttpOptions(`          ${key}: ${over}\n`);
        const f = expectOne(text, "http-option-out-of-range", "error", at(text, `${key}: ${over}`, String(over)));
        expect(f.message).toBe(`http option not allowed: ${words}: lower http_options.${key} to at most ${max}`);
        expectNone(withHttpOptions(`          ${key}: ${max}\n`), "http-option-out-of-range");
      });
    }
  });

  describe("next-case-unknown", () => {
    it("reports a case Go does not know at the list item", () => {
      const text = withHttpOptions("          next_cases: [error, 418]\n");
      const f = expectOne(text, "next-case-unknown", "error", at(text, "[error, 418]", "418"));
      expect(f.message).toMatch(/^next case is unknown: "418"/);
    });
    it("accepts the known cases, numbers unquoted included", () => {
      expectNone(withHttpOptions("          next_cases: [error, timeout, 500, 502, 503, 504, 403, 404, 429]\n"), "next-case-unknown");
    });
  });

  describe("next-case-off-not-alone", () => {
    it("reports off next to other cases", () => {
      const text = withHttpOptions("          next_cases: [error, off]\n");
      const f = expectOne(text, "next-case-off-not-alone", "error", at(text, "[error, off]", "off"));
      expect(f.message).toMatch(/^if 'off' is specified, no other cases may be specified/);
    });
    it("accepts off alone", () => {
      expectNone(withHttpOptions("          next_cases: [off]\n"), "next-case-off-not-alone");
    });
  });

  it("checks nothing in a service that is not deployed", () => {
    const text = withUndeployed(
      "  Spare_1:\n    image: \"\"\n    env:\n      - 1BAD=x\n    expose:\n      - port: 0\n        as: 70000\n        accept:\n          - \"*.example.com\"\n        http_options:\n          max_body_size: 104857601\n          next_cases: [teapot]\n",
    );
    const manifestRuleIds = new Set([
      "service-name-invalid",
      "image-missing",
      "env-name-invalid",
      "port-out-of-range",
      "expose-as-out-of-range",
      "accept-host-invalid",
      "http-option-out-of-range",
      "next-case-unknown",
    ]);
    expect(lint(text).filter((f) => manifestRuleIds.has(f.ruleId))).toEqual([]);
  });
});
