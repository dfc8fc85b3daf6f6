/**
 * The Go-parser rules: decoding (src/sdl/decode.ts, ids in src/sdl/rules/decode-rules.ts, plus the
 * file runner's file-too-large and internal-error) and the validate() cross-references
 * (src/sdl/rules/references.ts). Each rule has a triggering case (rule id, severity, line,
 * column) and a near-identical case that does not trigger.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { BASE, TWO_SERVICES, at, edit, edits, expectNone, expectOne, findingsOf, lint } from "./support/sdl-cases.js";

const CPU = "        cpu:\n          units: 0.5\n";
const STORAGE = "        storage:\n          size: 1Gi\n";
const EXPOSE_TO = "        to:\n          - global: true\n";

const V21 = edit(BASE, 'version: "2.0"', 'version: "2.1"');

/** `text` with lines inserted after the web service's image line. */
function serviceExtra(text: string, lines: string): string {
  return edit(text, "    image: nginx:1.27.3\n", "    image: nginx:1.27.3\n" + lines);
}

/** `text` with web's storage replaced by `storage` (indented under resources). */
function storage(text: string, block: string): string {
  return edit(text, STORAGE, block);
}

/** BASE with a GPU block; `body` is indented under `gpu:`. */
function gpu(body: string): string {
  return edit(BASE, STORAGE, `${STORAGE}        gpu:\n${body}`);
}

const NVIDIA_A100 = "          attributes:\n            vendor:\n              nvidia:\n                - model: a100\n";

/** BASE with one IP endpoint used by web's global expose. */
const WITH_IP = edits(BASE, [EXPOSE_TO, "        to:\n          - global: true\n            ip: myip\n"], ["deployment:\n", "endpoints:\n  myip:\n    kind: ip\ndeployment:\n"]);

describe("decode rules", () => {
  it("BASE, its 2.1 twin and the two-service SDL decode without findings", () => {
    expect(lint(BASE)).toEqual([]);
    expect(lint(V21)).toEqual([]);
    expect(lint(TWO_SERVICES)).toEqual([]);
    expect(lint(WITH_IP)).toEqual([]);
  });

  describe("yaml-syntax", () => {
    it("reports a duplicated key at the second key", () => {
      const text = edit(BASE, "    image: nginx:1.27.3\n", "    image: nginx:1.27.3\n    image: nginx:1.27.4\n");
      const f = expectOne(text, "yaml-syntax", "error", at(text, "    image: nginx:1.27.4", "image"));
      expect(f.message).toContain('"image"');
    });
    it("warns that a second document is ignored", () => {
      const text = BASE + "---\nversion: \"2.1\"\n";
      expectOne(text, "yaml-syntax", "warning", at(text, "---"));
    });
    it("reports a document that is not a mapping", () => {
      expectOne("- a\n- b\n", "yaml-syntax", "error", { line: 1, column: 1 });
    });
    it("accepts BASE", () => {
      expectNone(BASE, "yaml-syntax");
    });
  });

  describe("yaml-type", () => {
    it("reports a quoted count (yaml.v3 does not read a string into uint32) at the value", () => {
      const text = edit(BASE, "count: 1", 'count: "1"');
      const f = expectOne(text, "yaml-type", "error", at(text, 'count: "1"', '"1"'));
      expect(f.message).toMatch(/^cannot unmarshal !!str `1` into uint32/);
    });
    it("accepts count: 1", () => {
      expectNone(BASE, "yaml-type");
    });
  });

  describe("file runner rules", () => {
    const dir = mkdtempSync(join(tmpdir(), "akash-stack-rules-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("file-too-large: a file over 4 MiB is reported at 1:1 and not parsed", async () => {
      const { lintFiles } = await import("../src/lint/run.js");
      const big = join(dir, "big.yaml");
      writeFileSync(big, BASE + "#" + "x".repeat(4 * 1024 * 1024) + "\n");
      const small = join(dir, "small.yaml");
      writeFileSync(small, BASE);
      const report = lintFiles([big, small]);
      const [bigReport, smallReport] = report.files;
      expect(bigReport!.findings.map((f) => [f.ruleId, f.severity, f.line, f.column])).toEqual([["file-too-large", "error", 1, 1]]);
      expect(smallReport!.findings).toEqual([]);
    });

    it("internal-error: an exception inside the engine becomes a finding at 1:1, not a crash", async () => {
      const file = join(dir, "ok.yaml");
      writeFileSync(file, BASE);
      vi.resetModules();
      vi.doMock("../src/sdl/index.js", () => ({
        lintSdl: () => {
          throw new TypeError("boom");
        },
      }));
      try {
        const { lintFiles } = await import("../src/lint/run.js");
        const findings = lintFiles([file]).files[0]!.findings;
        expect(findings.map((f) => [f.ruleId, f.severity, f.line, f.column])).toEqual([["internal-error", "error", 1, 1]]);
        expect(findings[0]!.message).toContain("TypeError: boom");
      } finally {
        vi.doUnmock("../src/sdl/index.js");
        vi.resetModules();
      }
      const { lintFiles } = await import("../src/lint/run.js");
      expect(lintFiles([file]).files[0]!.findings.map((f) => f.ruleId)).not.toContain("internal-error");
    });
  });

  describe("unknown-top-level-key", () => {
    it("reports an unknown top-level key at the key", () => {
      const text = BASE + "volumes:\n  data: {}\n";
      const f = expectOne(text, "unknown-top-level-key", "error", at(text, "volumes:"));
      expect(f.message).toMatch(/^sdl: unexpected field volumes/);
    });
    it("accepts include", () => {
      expectNone(BASE + "include: []\n", "unknown-top-level-key");
    });
  });

  describe("version-missing", () => {
    it("reports a missing version at the start of the document", () => {
      const text = edit(BASE, 'version: "2.0"\n', "");
      const f = expectOne(text, "version-missing", "error", { line: 1, column: 1 });
      expect(f.message).toMatch(/^SDL invalid: no version found/);
    });
    it("reports an empty version at its key", () => {
      const text = edit(BASE, 'version: "2.0"', "version:");
      expectOne(text, "version-missing", "error", at(text, "version:"));
    });
    it("accepts a version", () => {
      expectNone(BASE, "version-missing");
    });
  });

  describe("version-invalid", () => {
    it("reports version 1.0 at the value", () => {
      const text = edit(BASE, 'version: "2.0"', 'version: "1.0"');
      const f = expectOne(text, "version-invalid", "error", at(text, '"1.0"'));
      expect(f.message).toMatch(/^SDL invalid: config: unsupported version "1.0"/);
    });
    it("reports a version that is not a number", () => {
      const text = edit(BASE, 'version: "2.0"', "version: two");
      expectOne(text, "version-invalid", "error", at(text, "two"));
    });
    it("accepts 2.1, v2.0 and an unquoted 2.0 as Go does", () => {
      expectNone(V21, "version-invalid");
      expectNone(edit(BASE, 'version: "2.0"', "version: v2.0"), "version-invalid");
      expectNone(edit(BASE, 'version: "2.0"', "version: 2.0"), "version-invalid");
    });
  });

  describe("proto-unsupported", () => {
    it("reports sctp at the value", () => {
      const text = edit(BASE, "        as: 80\n", "        as: 80\n        proto: sctp\n");
      expectOne(text, "proto-unsupported", "error", at(text, "proto: sctp", "sctp"));
    });
    it("accepts tcp in any case", () => {
      expectNone(edit(BASE, "        as: 80\n", "        as: 80\n        proto: Tcp\n"), "proto-unsupported");
    });
  });

  describe("accept-host-unparseable", () => {
    it("reports a host with a space at the item", () => {
      const text = edit(BASE, "- www.example.com", '- "www example.com"');
      const f = expectOne(text, "accept-host-unparseable", "error", at(text, '"www example.com"'));
      expect(f.message).toMatch(/^parse "http:\/\/www example\.com": invalid character " " in host name/);
    });
    it("accepts a host name", () => {
      expectNone(BASE, "accept-host-unparseable");
    });
  });

  describe("tee-type-unsupported", () => {
    it("reports tee: sgx at the value", () => {
      const text = serviceExtra(BASE, "    params:\n      tee: sgx\n");
      const f = expectOne(text, "tee-type-unsupported", "error", at(text, "tee: sgx", "sgx"));
      expect(f.message).toBe('sdl: unsupported tee type: "sgx" (allowed: cpu, cpu-gpu)');
    });
    it("accepts tee: cpu", () => {
      const text = serviceExtra(BASE, "    params:\n      tee: cpu\n");
      expectNone(text, "tee-type-unsupported");
      // only chain-sdk alpha.25's schema (which predates tee) objects
      expect(lint(text).filter((f) => f.layer !== "schema-only")).toEqual([]);
    });
  });

  describe("cpu-units-invalid", () => {
    it("reports 0.5m (only whole millicores) at the value", () => {
      const text = edit(BASE, "units: 0.5", 'units: "0.5m"');
      expectOne(text, "cpu-units-invalid", "error", at(text, '"0.5m"'));
    });
    it("accepts 500m", () => {
      expectNone(edit(BASE, "units: 0.5", "units: 500m"), "cpu-units-invalid");
    });
  });

  describe("cpu-attribute-unsupported", () => {
    it("reports an attribute other than arch at its key", () => {
      const text = edit(BASE, CPU, CPU + "          attributes:\n            vendor: intel\n");
      const f = expectOne(text, "cpu-attribute-unsupported", "error", at(text, "vendor: intel", "vendor"));
      expect(f.message).toMatch(/^unsupported cpu attribute "vendor"/);
    });
    it("accepts arch", () => {
      expectNone(edit(BASE, CPU, CPU + "          attributes:\n            arch: amd64\n"), "cpu-attribute-unsupported");
    });
  });

  describe("size-invalid", () => {
    it("reports 512mi (Go's suffixes are case-sensitive) at the value", () => {
      const text = edit(BASE, "size: 512Mi", "size: 512mi");
      expectOne(text, "size-invalid", "error", at(text, "512mi"));
    });
    it("reports 1GB in storage", () => {
      const text = edit(BASE, "size: 1Gi", "size: 1GB");
      expectOne(text, "size-invalid", "error", at(text, "1GB"));
    });
    it("accepts 512Mi, 512M and bare bytes", () => {
      expectNone(BASE, "size-invalid");
      expectNone(edit(BASE, "size: 512Mi", "size: 512M"), "size-invalid");
      expectNone(edit(BASE, "size: 512Mi", "size: 536870912"), "size-invalid");
    });
  });

  describe("volume-name-duplicate", () => {
    it("reports the second volume with the same name at its name", () => {
      const text = storage(BASE, "        storage:\n          - size: 1Gi\n          - name: default\n            size: 2Gi\n");
      expectOne(text, "volume-name-duplicate", "error", at(text, "- name: default", "default"));
    });
    it("accepts distinct names", () => {
      expectNone(storage(BASE, "        storage:\n          - size: 1Gi\n          - name: cache\n            size: 2Gi\n"), "volume-name-duplicate");
    });
  });

  /** A second, persistent volume `data` mounted at /data (valid). */
  const PERSISTENT = storage(
    serviceExtra(BASE, "    params:\n      storage:\n        data:\n          mount: /data\n"),
    "        storage:\n          - size: 1Gi\n          - name: data\n            size: 10Gi\n            attributes:\n              persistent: true\n              class: beta2\n",
  );

  describe("storage attributes", () => {
    it("the persistent-volume case is valid", () => {
      expect(lint(PERSISTENT)).toEqual([]);
    });
    it("storage-attribute-unsupported: reports an unknown attribute at its key", () => {
      const text = edit(PERSISTENT, "              class: beta2\n", "              class: beta2\n              speed: fast\n");
      expectOne(text, "storage-attribute-unsupported", "error", at(text, "speed: fast", "speed"));
      expectNone(PERSISTENT, "storage-attribute-unsupported");
    });
    it("storage-persistent-invalid: reports persistent: maybe at the value; accepts yes", () => {
      const text = edit(PERSISTENT, "persistent: true", "persistent: maybe");
      expectOne(text, "storage-persistent-invalid", "error", at(text, "maybe"));
      expectNone(edit(PERSISTENT, "persistent: true", "persistent: yes"), "storage-persistent-invalid");
    });
    it("storage-class-invalid: reports class ssd at the value; accepts beta3", () => {
      const text = edit(PERSISTENT, "class: beta2", "class: ssd");
      expectOne(text, "storage-class-invalid", "error", at(text, "ssd"));
      expectNone(edit(PERSISTENT, "class: beta2", "class: beta3"), "storage-class-invalid");
    });
    it("storage-ram-persistent: reports a persistent ram volume at its class key; accepts ram without persistence", () => {
      const text = edit(PERSISTENT, "class: beta2", "class: ram");
      expectOne(text, "storage-ram-persistent", "error", at(text, "class: ram", "class"));
      expectNone(edit(edit(PERSISTENT, "class: beta2", "class: ram"), "persistent: true", "persistent: false"), "storage-ram-persistent");
    });
    it("storage-class-ephemeral: reports a class on a non-persistent volume at its class key", () => {
      const text = edit(PERSISTENT, "              persistent: true\n", "");
      expectOne(text, "storage-class-ephemeral", "error", at(text, "class: beta2", "class"));
      expectNone(PERSISTENT, "storage-class-ephemeral");
    });
  });

  describe("GPU", () => {
    it("a GPU profile with units and an nvidia model is valid", () => {
      expect(lint(gpu("          units: 1\n" + NVIDIA_A100))).toEqual([]);
    });
    it("gpu-field-unsupported: reports an unknown field at its key", () => {
      const text = gpu("          units: 1\n          count: 2\n" + NVIDIA_A100);
      expectOne(text, "gpu-field-unsupported", "error", at(text, "count: 2", "count"));
      expectNone(gpu("          units: 1\n" + NVIDIA_A100), "gpu-field-unsupported");
    });
    it("gpu-units-invalid: reports 1.5 at the value", () => {
      const text = gpu("          units: 1.5\n" + NVIDIA_A100);
      expectOne(text, "gpu-units-invalid", "error", at(text, "units: 1.5", "1.5"));
      expectNone(gpu('          units: "2"\n' + NVIDIA_A100), "gpu-units-invalid");
    });
    it("gpu-attributes-missing: reports units 1 without attributes at the units value", () => {
      const text = gpu("          units: 1\n");
      const f = expectOne(text, "gpu-attributes-missing", "error", at(text, "units: 1\n", "1"));
      expect(f.message).toMatch(/^sdl: GPU attributes must be present if units > 0/);
      expectNone(gpu("          units: 0\n"), "gpu-attributes-missing");
    });
    it("gpu-attribute-unsupported: reports an attribute other than vendor at its key", () => {
      const text = gpu("          units: 1\n" + NVIDIA_A100 + "            cuda: 12\n");
      expectOne(text, "gpu-attribute-unsupported", "error", at(text, "cuda: 12", "cuda"));
      expectNone(gpu("          units: 1\n" + NVIDIA_A100), "gpu-attribute-unsupported");
    });
    it("gpu-vendor-missing: reports vendor left empty", () => {
      const text = gpu("          units: 1\n          attributes:\n            vendor:\n");
      const f = expectOne(text, "gpu-vendor-missing", "error", at(text, "            vendor:\n", "vendor"));
      expect(f.message).toMatch(/^sdl: invalid GPU attributes\. at least one vendor must be set/);
      expectNone(gpu("          units: 1\n          attributes:\n            vendor:\n              nvidia:\n"), "gpu-vendor-missing");
    });
    it("gpu-vendor-unsupported: warns that amd silently becomes any NVIDIA", () => {
      const text = gpu("          units: 1\n          attributes:\n            vendor:\n              amd:\n                - model: mi100\n");
      expectOne(text, "gpu-vendor-unsupported", "warning", at(text, "amd:", "amd"));
      expectNone(gpu("          units: 1\n" + NVIDIA_A100), "gpu-vendor-unsupported");
    });
    it("gpu-ram-invalid: reports 80GB at the value; accepts 80Gi", () => {
      const text = gpu("          units: 1\n" + NVIDIA_A100 + "                  ram: 80GB\n");
      expectOne(text, "gpu-ram-invalid", "error", at(text, "80GB"));
      expectNone(gpu("          units: 1\n" + NVIDIA_A100 + "                  ram: 80Gi\n"), "gpu-ram-invalid");
    });
    it("gpu-interface-invalid: reports nvlink at the value; accepts sxm", () => {
      const text = gpu("          units: 1\n" + NVIDIA_A100 + "                  interface: nvlink\n");
      const f = expectOne(text, "gpu-interface-invalid", "error", at(text, "nvlink"));
      expect(f.message).toBe('sdl: invalid GPU interface nvlink. expected "pcie|sxm"');
      expectNone(gpu("          units: 1\n" + NVIDIA_A100 + "                  interface: sxm\n"), "gpu-interface-invalid");
    });
    it("gpu-attribute-key-invalid: reports a model name with a space, and a duplicated model", () => {
      const spaced = gpu("          units: 1\n" + NVIDIA_A100.replace("model: a100", 'model: "a 100"'));
      expectOne(spaced, "gpu-attribute-key-invalid", "error", at(spaced, '"a 100"'));
      const twice = gpu("          units: 1\n" + NVIDIA_A100 + "                - model: a100 \n");
      expectOne(twice, "gpu-attribute-key-invalid", "error", at(twice, "- model: a100 \n", "a100"));
      expectNone(gpu("          units: 1\n" + NVIDIA_A100 + "                - model: h100\n"), "gpu-attribute-key-invalid");
    });
  });

  describe("price-amount-invalid", () => {
    it("reports a zero price at the value", () => {
      const text = edit(BASE, "amount: 1000", "amount: 0");
      const f = expectOne(text, "price-amount-invalid", "error", at(text, "amount: 0", "0"));
      expect(f.message).toMatch(/^invalid coin amount: amount is zero/);
    });
    it("reports a negative price and one with an exponent", () => {
      expect(findingsOf(edit(BASE, "amount: 1000", "amount: -5"), "price-amount-invalid")[0]!.message).toMatch(/^invalid: negative value not allowed/);
      expect(findingsOf(edit(BASE, "amount: 1000", "amount: 1e3"), "price-amount-invalid")).toHaveLength(1);
    });
    it("accepts a decimal price", () => {
      expectNone(edit(BASE, "amount: 1000", "amount: 0.5"), "price-amount-invalid");
    });
  });
});

describe("reference rules", () => {
  describe("deployment-missing", () => {
    it("reports an empty deployment section at its key", () => {
      const text = edit(BASE, BASE.slice(BASE.indexOf("deployment:\n")), "deployment: {}\n");
      const f = expectOne(text, "deployment-missing", "error", at(text, "deployment: {}", "deployment"));
      expect(f.message).toMatch(/^Invalid groups/);
    });
    it("reports a missing deployment section at the start of the document", () => {
      const text = edit(BASE, BASE.slice(BASE.indexOf("deployment:\n")), "");
      expectOne(text, "deployment-missing", "error", { line: 1, column: 1 });
    });
    it("accepts a deployment", () => {
      expectNone(BASE, "deployment-missing");
    });
  });

  describe("deployment-service-missing", () => {
    it("reports a deployed service that is not defined, at its deployment key", () => {
      const text = edit(BASE, "  web:\n    akash:", "  api:\n    akash:");
      const f = expectOne(text, "deployment-service-missing", "error", at(text, "  api:", "api"));
      expect(f.message).toMatch(/^SDL invalid: api\.akash: no service profile named api/);
    });
    it("accepts a defined service", () => {
      expectNone(BASE, "deployment-service-missing");
    });
  });

  describe("compute-profile-missing", () => {
    it("reports an undefined profile at the value", () => {
      const text = edit(BASE, "profile: web", "profile: big");
      const f = expectOne(text, "compute-profile-missing", "error", at(text, "profile: big", "big"));
      expect(f.message).toBe("SDL invalid: web.akash: no compute profile named big: define it under profiles.compute or fix the name");
      const empty = edit(BASE, "profile: web", 'profile: ""');
      expect(findingsOf(empty, "compute-profile-missing")[0]!.message).toContain("no compute profile named (empty)");
    });
    it("accepts a defined profile", () => {
      expectNone(BASE, "compute-profile-missing");
    });
  });

  describe("placement-missing", () => {
    it("reports an undefined placement at its deployment key", () => {
      const text = edit(BASE, "  web:\n    akash:", "  web:\n    west:");
      const f = expectOne(text, "placement-missing", "error", at(text, "    west:", "west"));
      expect(f.message).toMatch(/^SDL invalid: web\.west: no placement profile named west/);
    });
    it("accepts a defined placement", () => {
      expectNone(BASE, "placement-missing");
    });
  });

  describe("pricing-missing", () => {
    it("reports a profile the placement does not price, at the deployment's profile", () => {
      const text = edit(BASE, "      pricing:\n        web:", "      pricing:\n        api:");
      const f = expectOne(text, "pricing-missing", "error", at(text, "profile: web", "web"));
      expect(f.message).toMatch(/^SDL invalid: web\.akash: no pricing for profile web/);
    });
    it("accepts a priced profile", () => {
      expectNone(BASE, "pricing-missing");
    });
  });

  describe("service-not-deployed", () => {
    it("warns about a service no deployment names, at its key", () => {
      const text = edit(BASE, "profiles:\n", "  worker:\n    image: busybox:1.36\nprofiles:\n");
      expectOne(text, "service-not-deployed", "warning", at(text, "  worker:", "worker"));
    });
    it("stays quiet when every service is deployed", () => {
      expectNone(TWO_SERVICES, "service-not-deployed");
    });
  });

  describe("storage params", () => {
    /** BASE with a list of two volumes and params.storage entries for web (indented under storage:). */
    function mounted(params: string, extraVolume = "          - name: data\n            size: 10Gi\n"): string {
      return storage(serviceExtra(BASE, `    params:\n      storage:\n${params}`), `        storage:\n          - size: 1Gi\n${extraVolume}`);
    }
    const VALID = mounted("        data:\n          mount: /data\n");

    it("the mounted-volume case is valid", () => {
      expect(lint(VALID)).toEqual([]);
    });
    it("storage-volume-missing: reports a param naming no volume, at its key", () => {
      const text = mounted("        cache:\n          mount: /cache\n");
      const f = expectOne(text, "storage-volume-missing", "error", at(text, "        cache:", "cache"));
      expect(f.message).toBe('SDL invalid: service "web" references to no-existing compute volume named "cache": use a volume name of profile web');
      expectNone(VALID, "storage-volume-missing");
    });
    it("storage-volume-missing: says a volume written as one mapping is named default, whatever its name: says", () => {
      const single = (name: string) => storage(serviceExtra(BASE, `    params:\n      storage:\n        ${name}:\n          mount: /data\n`), "        storage:\n          name: data\n          size: 1Gi\n");
      expect(findingsOf(single("data"), "storage-volume-missing")[0]!.message).toContain('"data" (a volume written as a single mapping is always named "default", whatever its name: says; write storage as a list to name it): use');
      // a param that already says default matches it: no finding, and no hint for another name elsewhere
      expectNone(single("default"), "storage-volume-missing");
      expect(findingsOf(mounted("        cache:\n          mount: /cache\n"), "storage-volume-missing")[0]!.message).not.toContain("single mapping");
    });
    it("storage-mount-invalid: reports a relative mount at its value", () => {
      const text = mounted("        data:\n          mount: data\n");
      expectOne(text, "storage-mount-invalid", "error", at(text, "mount: data", "data"));
      expectNone(VALID, "storage-mount-invalid");
    });
    it("storage-mount-duplicate: reports two volumes at one mount point, compared as written (like Go)", () => {
      const twoVolumes = "          - name: data\n            size: 10Gi\n          - name: cache\n            size: 1Gi\n";
      const text = mounted("        data:\n          mount: /data\n        cache:\n          mount: /data \n", twoVolumes);
      const f = expectOne(text, "storage-mount-duplicate", "error", at(text, "mount: /data \n", "/data"));
      expect(f.message).toMatch(/^sdl: duplicated mount point: mount "\/data" already in use by volume "data"/);
      expectNone(mounted("        data:\n          mount: /data\n        cache:\n          mount: /data/\n", twoVolumes), "storage-mount-duplicate");
      expectNone(VALID, "storage-mount-duplicate");
    });

    const PERSISTENT_DATA = "          - name: data\n            size: 10Gi\n            attributes:\n              persistent: true\n              class: beta2\n";
    const UNMOUNTED = storage(BASE, `        storage:\n          - size: 1Gi\n${PERSISTENT_DATA}`);

    it("storage-persistent-mount-missing (2.0): reports a persistent volume no param mounts, at the volume", () => {
      const f = expectOne(UNMOUNTED, "storage-persistent-mount-missing", "error", at(UNMOUNTED, "- name: data", "name"));
      expect(f.message).toMatch(/^SDL invalid: compute\.storage\.data has persistent=true which requires service\.web\.params\.storage\.data to have mount/);
      expectNone(mounted("        data:\n          mount: /data\n", PERSISTENT_DATA), "storage-persistent-mount-missing");
    });
    it("storage-persistent-unmounted (2.1): warns instead, since 2.1 does not enforce it", () => {
      const text = edit(UNMOUNTED, 'version: "2.0"', 'version: "2.1"');
      expectOne(text, "storage-persistent-unmounted", "warning", at(text, "- name: data", "name"));
      expectNone(text, "storage-persistent-mount-missing");
      expectNone(edit(mounted("        data:\n          mount: /data\n", PERSISTENT_DATA), 'version: "2.0"', 'version: "2.1"'), "storage-persistent-unmounted");
    });
    it("storage-ram-readonly (2.1): reports a readOnly mount of a ram volume at the param", () => {
      const ram = "          - name: data\n            size: 1Gi\n            attributes:\n              class: ram\n";
      const text = edit(mounted("        data:\n          mount: /dev/shm\n          readOnly: true\n", ram), 'version: "2.0"', 'version: "2.1"');
      expectOne(text, "storage-ram-readonly", "error", at(text, "        data:\n          mount: /dev/shm", "data"));
      expectNone(edit(mounted("        data:\n          mount: /dev/shm\n", ram), 'version: "2.0"', 'version: "2.1"'), "storage-ram-readonly");
      // 2.0 accepts it
      expectNone(mounted("        data:\n          mount: /dev/shm\n          readOnly: true\n", ram), "storage-ram-readonly");
    });
  });

  describe("endpoints", () => {
    it("endpoint-name-invalid: reports a one-letter name at its key", () => {
      const text = edits(WITH_IP, ["ip: myip", "ip: m"], ["  myip:\n    kind: ip", "  m:\n    kind: ip"]);
      const f = expectOne(text, "endpoint-name-invalid", "error", at(text, "  m:\n", "m"));
      expect(f.message).toMatch(/^SDL invalid: endpoint named "m" is not a valid name/);
      expectNone(WITH_IP, "endpoint-name-invalid");
    });
    it("endpoint-kind-invalid: reports an unknown kind at the value and a missing kind at the name", () => {
      const unknown = edit(WITH_IP, "    kind: ip", "    kind: port");
      expectOne(unknown, "endpoint-kind-invalid", "error", at(unknown, "kind: port", "port"));
      const missing = edit(WITH_IP, "  myip:\n    kind: ip", "  myip: {}");
      expectOne(missing, "endpoint-kind-invalid", "error", at(missing, "  myip: {}", "myip"));
      expectNone(WITH_IP, "endpoint-kind-invalid");
    });
    it("ip-requires-global: reports an IP on a non-global expose at the ip value", () => {
      const text = edit(WITH_IP, "- global: true\n            ip: myip", "- ip: myip");
      const f = expectOne(text, "ip-requires-global", "error", at(text, "- ip: myip", "myip"));
      expect(f.message).toMatch(/^SDL invalid: error on "web" if an IP is declared the directive must be declared as global/);
      expectNone(WITH_IP, "ip-requires-global");
    });
    it("ip-endpoint-missing: reports an IP naming no endpoint at the ip value", () => {
      const text = edit(WITH_IP, "ip: myip", "ip: other");
      const f = expectOne(text, "ip-endpoint-missing", "error", at(text, "ip: other", "other"));
      expect(f.message).toMatch(/^SDL invalid: error on service "web" no endpoint named "other" exists/);
      expectNone(WITH_IP, "ip-endpoint-missing");
    });
    it("ip-endpoint-port-conflict: reports a second expose on the same IP, port and protocol", () => {
      const second = "      - port: 8080\n        as: 80\n        to:\n          - global: true\n            ip: myip\n";
      const text = edit(WITH_IP, "            ip: myip\n", "            ip: myip\n" + second);
      const f = expectOne(text, "ip-endpoint-port-conflict", "error", at(text, second.trimEnd(), "myip"));
      expect(f.message).toMatch(/^SDL invalid: IP endpoint "myip" port: 8080 protocol:  specified by service "web" already in use by "web"/);
      expectNone(edit(text, "      - port: 8080\n        as: 80\n", "      - port: 8080\n        as: 8080\n"), "ip-endpoint-port-conflict");
    });
    it("endpoint-unused: reports a declared endpoint no expose uses, at its name", () => {
      const text = edit(WITH_IP, "\n            ip: myip", "");
      const f = expectOne(text, "endpoint-unused", "error", at(text, "  myip:", "myip"));
      expect(f.message).toMatch(/^SDL invalid: endpoint "myip" declared but never used/);
      expectNone(WITH_IP, "endpoint-unused");
    });
  });

  describe("credentials-missing-field", () => {
    it("reports credentials without a password at the credentials mapping", () => {
      const text = serviceExtra(BASE, "    credentials:\n      host: ghcr.io\n      username: me\n");
      const f = expectOne(text, "credentials-missing-field", "error", at(text, "      host: ghcr.io", "host"));
      expect(f.message).toMatch(/^SDL invalid: web\.akash: service Credentials missing Password/);
    });
    it("accepts complete credentials", () => {
      expectNone(serviceExtra(BASE, "    credentials:\n      host: ghcr.io\n      username: me\n      password: secret-token\n"), "credentials-missing-field");
    });
  });

  describe("TEE", () => {
    it("tee-requires-gpu: reports cpu-gpu without GPUs at the tee value", () => {
      const text = serviceExtra(BASE, "    params:\n      tee: cpu-gpu\n");
      const f = expectOne(text, "tee-requires-gpu", "error", at(text, "tee: cpu-gpu", "cpu-gpu"));
      expect(f.message).toMatch(/^sdl: tee type requires gpu resources: "cpu-gpu" specified but no gpu resources defined/);
      const withGpu = edit(text, STORAGE, `${STORAGE}        gpu:\n          units: 1\n${NVIDIA_A100}`);
      expectNone(withGpu, "tee-requires-gpu");
    });
    it("tee-conflict: reports two TEE types in one placement at the service Go reaches second (sorted names: db, then web)", () => {
      const text = edits(TWO_SERVICES, ["    image: nginx:1.27.3\n", "    image: nginx:1.27.3\n    params:\n      tee: cpu-gpu\n"], ["    image: postgres:16.4\n", "    image: postgres:16.4\n    params:\n      tee: cpu\n"]);
      const f = expectOne(text, "tee-conflict", "error", at(text, "tee: cpu-gpu\n", "cpu-gpu"));
      expect(f.message).toMatch(/^sdl: conflicting tee types in the same placement group: group "akash" has "cpu" and "cpu-gpu"/);
      const same = edit(text, "tee: cpu-gpu", "tee: cpu");
      expectNone(same, "tee-conflict");
    });
  });

  describe("reclamation", () => {
    it("reclamation-invalid: reports a window that is not a Go duration, and zero", () => {
      const text = BASE + "reclamation:\n  min_window: 1d\n";
      const f = expectOne(text, "reclamation-invalid", "error", at(text, "min_window: 1d", "1d"));
      // Go's own ParseDuration error, after the quoted window
      expect(f.message).toBe('SDL invalid: invalid reclamation min_window "1d": time: unknown unit "d" in duration "1d": write a duration such as 24h or 90m');
      const noUnit = BASE + "reclamation:\n  min_window: \"24\"\n";
      expect(findingsOf(noUnit, "reclamation-invalid")[0]!.message).toContain(': time: missing unit in duration "24":');
      const zero = BASE + "reclamation:\n  min_window: 0s\n";
      expect(findingsOf(zero, "reclamation-invalid")[0]!.message).toMatch(/^SDL invalid: reclamation min_window must be > 0/);
      expectNone(BASE + "reclamation:\n  min_window: 1h30m\n", "reclamation-invalid");
    });
    it("reclamation-out-of-bounds: reports 30m and 721h, accepts 1h and 720h", () => {
      const short = BASE + "reclamation:\n  min_window: 30m\n";
      expectOne(short, "reclamation-out-of-bounds", "error", at(short, "30m"));
      const long = BASE + "reclamation:\n  min_window: 721h\n";
      expectOne(long, "reclamation-out-of-bounds", "error", at(long, "721h"));
      expectNone(BASE + "reclamation:\n  min_window: 1h\n", "reclamation-out-of-bounds");
      expectNone(BASE + "reclamation:\n  min_window: 720h\n", "reclamation-out-of-bounds");
    });
    it("reclamation-out-of-bounds: decides at the nanosecond, as Go's integer durations do", () => {
      expectNone(BASE + "reclamation:\n  min_window: 0.9999999999999999999h\n", "reclamation-out-of-bounds"); // Go rounds this to exactly 1h
      // one nanosecond under 1h, and one over 720h (test/units-golden.test.ts holds the values to Go's)
      const under = BASE + "reclamation:\n  min_window: 59m59.999999999s\n";
      expectOne(under, "reclamation-out-of-bounds", "error", at(under, "59m59.999999999s"));
      const over = BASE + "reclamation:\n  min_window: 720h0.000000001s\n";
      expectOne(over, "reclamation-out-of-bounds", "error", at(over, "720h0.000000001s"));
      expectNone(BASE + "reclamation:\n  min_window: 719h59m59.999999999s\n", "reclamation-out-of-bounds");
    });
    it("reads every unit Go's time.ParseDuration does, both micro signs included", () => {
      // 3,600,000,000 of a microsecond unit is 1h, inside the bounds; the same number of a unit Go
      // does not know is invalid.
      for (const unit of ["us", "\u00b5s", "\u03bcs"]) expectNone(BASE + `reclamation:\n  min_window: 3600000000${unit}\n`, "reclamation-invalid");
      expectNone(BASE + "reclamation:\n  min_window: 3600000000000ns\n", "reclamation-invalid");
      expectNone(BASE + "reclamation:\n  min_window: 3600000ms\n", "reclamation-out-of-bounds");
      expect(findingsOf(BASE + "reclamation:\n  min_window: 3600000000xs\n", "reclamation-invalid")).toHaveLength(1);
      expect(findingsOf(BASE + "reclamation:\n  min_window: 3600000000\u00b5s\n", "reclamation-out-of-bounds")).toEqual([]);
    });
  });

  describe("expose-to-service-unknown", () => {
    it("warns about to.service naming no service, at the to entry", () => {
      const text = edit(TWO_SERVICES, "          - service: web\n", "          - service: wbe\n");
      expectOne(text, "expose-to-service-unknown", "warning", at(text, "service: wbe", "service"));
    });
    it("accepts a service of the SDL", () => {
      expectNone(TWO_SERVICES, "expose-to-service-unknown");
    });
  });
});
