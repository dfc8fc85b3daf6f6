/**
 * Provider rules (src/sdl/rules/provider.ts) and advice (src/sdl/rules/advice.ts): warnings about
 * what strict providers reject or decline, and about SDLs that work but tend to end badly. Each
 * rule has a triggering case (rule id, severity, line, column) and a near-identical quiet case.
 */
import { describe, expect, it } from "vitest";
import { imagePin } from "../src/sdl/rules/advice.js";
import { BASE, TWO_SERVICES, at, edit, expectNone, expectOne, lint } from "./support/sdl-cases.js";

const ACCEPT = "        accept:\n          - www.example.com\n";
const STORAGE = "        storage:\n          size: 1Gi\n";

function volumes(n: number): string {
  const list = Array.from({ length: n }, (_, i) => `          - name: v${i}\n            size: 1Gi\n`).join("");
  return edit(BASE, STORAGE, `        storage:\n${list}`);
}

function withGpuModel(model: string, { units = 1 } = {}): string {
  return edit(BASE, STORAGE, `${STORAGE}        gpu:\n          units: ${units}\n          attributes:\n            vendor:\n              nvidia:\n                - model: ${model}\n`);
}

/** The hint after "expect no bids: " in the finding for this model. */
function gpuHint(model: string): string {
  const text = withGpuModel(model);
  const f = expectOne(text, "gpu-model-unknown", "warning", at(text, `model: ${model}`, model));
  return f.message.replace(/^.*?expect no bids: /, "");
}

describe("provider rules", () => {
  describe("ingress-without-host", () => {
    it("warns about a global expose on port 80 without accept hosts, at the port", () => {
      const text = edit(BASE, ACCEPT, "");
      const f = expectOne(text, "ingress-without-host", "warning", at(text, "- port: 80", "80"));
      expect(f.message).toMatch(/^service "web" is exposed globally on 80:TCP without a hostname: .*reject the manifest after the lease is created/);
    });
    it("counts the external port: port 8080 as 80 is ingress too", () => {
      const text = edit(edit(BASE, ACCEPT, ""), "- port: 80", "- port: 8080");
      expectOne(text, "ingress-without-host", "warning", at(text, "- port: 8080", "8080"));
    });
    it("stays quiet with an accept host, on another external port, over UDP, or without global", () => {
      const noHost = edit(BASE, ACCEPT, "");
      expectNone(BASE, "ingress-without-host");
      expectNone(edit(noHost, "as: 80", "as: 8080"), "ingress-without-host");
      expectNone(edit(noHost, "as: 80\n", "as: 80\n        proto: udp\n"), "ingress-without-host");
      expectNone(edit(TWO_SERVICES, "      - port: 5432\n", "      - port: 80\n"), "ingress-without-host");
    });
  });

  describe("too-many-volumes", () => {
    it("warns about a deployed profile with 5 volumes, at its storage key", () => {
      const text = volumes(5);
      const f = expectOne(text, "too-many-volumes", "warning", at(text, "        storage:\n          - name: v0", "storage"));
      expect(f.message).toMatch(/^unable to fulfill: group volumes count exceeds \(5 > 4\)/);
    });
    it("accepts 4 volumes", () => {
      expectNone(volumes(4), "too-many-volumes");
    });
  });
});

describe("advice", () => {
  it("the base SDL gets no advice", () => {
    expect(lint(BASE)).toEqual([]);
  });

  describe("gpu-model-unknown", () => {
    it("warns about a model no provider advertises, at the model", () => {
      const text = withGpuModel("k80");
      const f = expectOne(text, "gpu-model-unknown", "warning", at(text, "model: k80", "k80"));
      expect(f.message).toMatch(/expect no bids/);
    });
    it("suggests the lowercase name providers use", () => {
      const text = withGpuModel("A100");
      const f = expectOne(text, "gpu-model-unknown", "warning", at(text, "model: A100", "A100"));
      expect(f.message).toContain("write model: a100");
    });
    it("points memory written into the model name to ram", () => {
      const f = expectOne(withGpuModel("a100-80gb"), "gpu-model-unknown", "warning", at(withGpuModel("a100-80gb"), "a100-80gb"));
      expect(f.message).toContain("a100");
      expect(f.message).toContain("ram: 80Gi");
    });
    it("accepts a100", () => {
      expectNone(withGpuModel("a100"), "gpu-model-unknown");
    });
    it("says nothing when the profile asks for no GPU", () => {
      expectNone(withGpuModel("k80", { units: 0 }), "gpu-model-unknown");
    });
    it("names the whole message, with the first advertised models, when nothing is similar", () => {
      const text = withGpuModel("k80");
      expect(expectOne(text, "gpu-model-unknown", "warning", at(text, "k80")).message).toBe(
        'GPU model "k80" (nvidia) is not one providers advertise, so expect no bids: use a model listed in akash-network/provider-configs devices/pcie/gpus.json (e.g. a100, a40, a5000, a800), or omit the model to accept any',
      );
      // an uppercase name whose lowercase is not advertised either gets the same list, not "write model: k80"
      expect(gpuHint("K80")).toMatch(/^use a model listed in/);
    });
    it("lists up to three similar models, the closest in length first", () => {
      expect(gpuHint("rtx4070tisuper")).toBe("similar advertised models: rtx4070ti, rtx4070");
      expect(gpuHint("rtx407")).toBe("similar advertised models: rtx4070, rtx4070s, rtx4070ti");
      expect(gpuHint("rtx4070tisuper".replace("tisuper", " ti"))).toBe("providers use lowercase names: write model: rtx4070ti");
    });
    it("adds the ram hint only for a name that ends in a size", () => {
      expect(gpuHint("a100-80g")).toBe("similar advertised models: a100 (put memory in ram: 80Gi, not in the model name)");
      expect(gpuHint("a100-80gbx")).toBe("similar advertised models: a100");
    });
  });

  describe("image-unpinned", () => {
    it("warns about an image without a tag", () => {
      const text = edit(BASE, "image: nginx:1.27.3", "image: nginx");
      const f = expectOne(text, "image-unpinned", "warning", at(text, "image: nginx", "nginx"));
      expect(f.message).toMatch(/has no tag/);
    });
    it("warns about :latest", () => {
      const text = edit(BASE, "image: nginx:1.27.3", "image: nginx:latest");
      expectOne(text, "image-unpinned", "warning", at(text, "image: nginx:latest", "nginx"));
    });
    it("does not read a registry port as a tag", () => {
      const text = edit(BASE, "image: nginx:1.27.3", "image: registry.example.com:5000/team/app");
      expectOne(text, "image-unpinned", "warning", at(text, "image: registry", "registry"));
      expectNone(edit(BASE, "image: nginx:1.27.3", "image: registry.example.com:5000/team/app:2.1"), "image-unpinned");
    });
    it("accepts a version tag or a digest", () => {
      expectNone(BASE, "image-unpinned");
      expectNone(edit(BASE, "image: nginx:1.27.3", `image: nginx@sha256:${"a".repeat(64)}`), "image-unpinned");
    });
    it("imagePin splits references the way registries do", () => {
      expect(imagePin("nginx")).toEqual({ digest: false, tag: undefined });
      expect(imagePin("ghcr.io/org/app:v1")).toEqual({ digest: false, tag: "v1" });
      expect(imagePin("localhost:5000/app")).toEqual({ digest: false, tag: undefined });
      expect(imagePin("app:1@sha256:abc")).toEqual({ digest: true, tag: undefined });
    });
  });

  describe("admin-port-exposed", () => {
    for (const port of [5001, 5432, 2375, 6379]) {
      it(`warns about port ${port} exposed globally`, () => {
        const text = edit(BASE, "- port: 80\n        as: 80\n", `- port: ${port}\n`);
        expectOne(text, "admin-port-exposed", "warning", at(text, `- port: ${port}`, String(port)));
      });
    }
    it("accepts the same port exposed only to other services", () => {
      expectNone(TWO_SERVICES, "admin-port-exposed");
    });
  });

  describe("count-above-50", () => {
    it("warns about count 51", () => {
      const text = edit(BASE, "count: 1", "count: 51");
      expectOne(text, "count-above-50", "warning", at(text, "count: 51", "51"));
    });
    it("accepts 50", () => {
      expectNone(edit(BASE, "count: 1", "count: 50"), "count-above-50");
    });
  });

  describe("count-zero-idle", () => {
    it("warns about count 0 next to a running service", () => {
      const text = edit(TWO_SERVICES, "      profile: db\n      count: 1", "      profile: db\n      count: 0");
      const f = expectOne(text, "count-zero-idle", "warning", at(text, "count: 0", "0"));
      expect(f.message).toMatch(/runs no replicas/);
    });
    it("leaves a placement of only zero counts to the chain's count-zero error", () => {
      const text = edit(BASE, "count: 1", "count: 0");
      expectNone(text, "count-zero-idle");
      expect(lint(text).map((f) => f.ruleId)).toContain("count-zero");
    });
    it("stays quiet when every count is above 0", () => {
      expectNone(TWO_SERVICES, "count-zero-idle");
    });
  });
});
