/**
 * Progress output: bars with bytes, rate and ETA on a terminal (redrawn in place), one plain line
 * per finished blob elsewhere. Time is a fake clock so rates and ETAs are exact.
 */
import { describe, expect, it } from "vitest";
import { createProgress } from "../src/registry/progress.js";

function sink(isTTY: boolean) {
  const out = { isTTY, text: "", write: (t: string) => ((out.text += t), true) };
  return out;
}

describe("registry progress", () => {
  it("draws per-blob and total bars with bytes, rate and ETA on a terminal", () => {
    let now = 0;
    const out = sink(true);
    const progress = createProgress(out, () => now);
    progress.start("a", "layer 0123456789ab", 10 * 1024 * 1024);
    now = 1000;
    progress.update("a", 5 * 1024 * 1024);
    now = 1200; // past the 100 ms redraw interval
    progress.update("a", 6 * 1024 * 1024);
    const frame = out.text.split("\x1b[").at(-1)!;
    expect(frame).toContain("layer 0123456789ab");
    expect(frame).toMatch(/\[#{12}-{8}\]\s+60% 6\.0 MiB\/10\.0 MiB 5\.0 MiB\/s ETA 1s/);
    expect(frame).toMatch(/total .* 60% 6\.0 MiB\/10\.0 MiB/);
    // redraws move the cursor up over the previous frame instead of scrolling
    expect(out.text).toContain("\x1b[2A\x1b[J");
    progress.finish("a", "pushed");
    expect(out.text.split("\x1b[").at(-1)).toMatch(/100% 10\.0 MiB\/10\.0 MiB pushed/);
  });

  it("writes one plain line per finished blob when not on a terminal", () => {
    let now = 0;
    const out = sink(false);
    const progress = createProgress(out, () => now);
    progress.start("a", "layer aaaa", 4 * 1024 * 1024);
    progress.start("b", "config bbbb", 300);
    progress.update("a", 1024);
    now = 2000;
    progress.finish("a", "pushed");
    progress.finish("b", "exists");
    progress.note("sha256:x: resuming");
    expect(out.text).toBe("pushed layer aaaa 4.0 MiB in 2.0s (2.0 MiB/s)\nexists config bbbb 300 B\nsha256:x: resuming\n");
    expect(out.text).not.toContain("\x1b");
  });
});
