/**
 * What a deploy tells the user while it runs. Text: one line per event with the elapsed time and,
 * while waiting, what for. JSONL (`--output jsonl`): one object per step event
 * `{"step","status",…}` and a final `{"step":"summary",…}`, for CI and scripts.
 * Nothing here ever receives a secret or the mnemonic: callers pass ids, hashes and host names.
 */

export type StepStatus = "started" | "done" | "skipped" | "failed";
export type StepFields = Record<string, unknown>;

export interface Reporter {
  step(step: string, status: StepStatus, message: string, fields?: StepFields): void;
  /** A wait in progress ("waiting for bids on 2 groups"); text only. */
  waiting(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  summary(fields: StepFields): void;
}

export interface Output {
  write(stream: "stdout" | "stderr", text: string): void;
}

export function createReporter(format: "text" | "jsonl", out: Output, now: () => number = () => Date.now()): Reporter {
  const started = now();
  const elapsed = () => ((now() - started) / 1000).toFixed(1);
  if (format === "jsonl") {
    const line = (obj: StepFields) => out.write("stdout", JSON.stringify(obj) + "\n");
    return {
      step: (step, status, message, fields = {}) => line({ step, status, ...fields, message, elapsedMs: now() - started }),
      waiting: () => {},
      info: (message) => out.write("stderr", `${message}\n`),
      warn: (message) => out.write("stderr", `warning: ${message}\n`),
      summary: (fields) => line({ step: "summary", ...fields }),
    };
  }
  const stamp = () => `[${elapsed().padStart(6)}s]`;
  return {
    step: (step, status, message) => out.write("stdout", `${stamp()} ${step.padEnd(17)} ${status.padEnd(7)} ${message}\n`),
    waiting: (message) => out.write("stdout", `${stamp()} ${"".padEnd(17)} waiting ${message}\n`),
    info: (message) => out.write("stdout", `${stamp()} ${message}\n`),
    warn: (message) => out.write("stderr", `${stamp()} warning: ${message}\n`),
    summary: () => {},
  };
}
