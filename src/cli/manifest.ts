/**
 * The `akash-stack manifest FILE [--hash]` action: print the manifest a provider receives for an
 * SDL (the exact bytes whose SHA-256 goes on chain), or just that hash. Refuses SDLs the Go parser
 * or the manifest validation would reject, since their manifest would never be accepted.
 * Part of the front bundle with `lint` (src/cli/main.ts): both are the SDL engine plus a little.
 */
// Sync reads: node:fs/promises would load with the front bundle on every lint (with readline and
// file watchers), and a manifest reads one small file anyway.
import { readFileSync } from "node:fs";
import { MAX_FILE_BYTES, STDIN_PATH, STDIN_SHOWN } from "../lint/engine.js";
import { blocksManifest } from "../sdl/index.js";
import { lintText } from "../sdl/lint.js";
import { buildManifest, manifestHash, manifestToSortedJSON } from "../sdl/manifest.js";
import { readAtMost, type InputStream } from "./stdin.js";

export interface ManifestOptions {
  /** Print only the hex SHA-256 (the deployment version) instead of the JSON. */
  hash?: boolean;
}

export interface ManifestContext {
  write(stream: "stdout" | "stderr", text: string): void;
  /** Standard input, for the file `-` (tests pass their own). */
  stdin?: InputStream;
}

const PREFIX = "akash-stack manifest:";
const EXIT_OK = 0;
const EXIT_REJECTED = 1;
const EXIT_UNREADABLE = 2;

const defaultContext: ManifestContext = {
  write(stream, text) {
    (stream === "stdout" ? process.stdout : process.stderr).write(text);
  },
};

/** Runs `manifest` and returns the exit code: 0 printed, 1 the SDL is rejected, 2 the file cannot be read. */
export async function runManifest(given: string, opts: ManifestOptions, context: ManifestContext = defaultContext): Promise<number> {
  const fromStdin = given === STDIN_PATH;
  const file = fromStdin ? STDIN_SHOWN : given;
  let text: string;
  try {
    text = fromStdin ? await readStdinText(context) : readFileSync(file, "utf8");
  } catch (err) {
    context.write("stderr", `${PREFIX} cannot read ${file}: ${reason(err)}\n`);
    return EXIT_UNREADABLE;
  }

  const { findings, sdl } = lintText(text);
  const blocking = findings.filter(blocksManifest);
  if (blocking.length > 0) {
    for (const f of blocking) context.write("stderr", `${file}:${f.line}:${f.column}: error ${f.ruleId} ${f.message}\n`);
    const count = `${blocking.length} error${blocking.length === 1 ? "" : "s"}`;
    context.write("stderr", `${PREFIX} ${file} has ${count} that the Go parser or the provider's manifest check would reject; fix ${blocking.length === 1 ? "it" : "them"} and run again (no manifest written)\n`);
    return EXIT_REJECTED;
  }

  if (!sdl) {
    // lint reports these as errors; reaching here means the two disagree, which is worth saying plainly
    context.write("stderr", `${PREFIX} ${file} is not an SDL with a readable version: run 'akash-stack lint ${given}' for details\n`);
    return EXIT_REJECTED;
  }

  const json = manifestToSortedJSON(buildManifest(sdl));
  context.write("stdout", `${opts.hash ? manifestHash(json) : json}\n`);
  return EXIT_OK;
}

/** Standard input as text, refused past lint's size limit (an SDL is a few KiB). */
async function readStdinText(context: ManifestContext): Promise<string> {
  const bytes = await readAtMost(context.stdin ?? process.stdin, MAX_FILE_BYTES + 1, (hint) => context.write("stderr", `${PREFIX} ${hint}\n`));
  if (bytes.length > MAX_FILE_BYTES) throw new Error(`it is over the ${MAX_FILE_BYTES / 1024 / 1024} MiB limit; an SDL is a few KiB: check that this is the right input`);
  return bytes.toString("utf8");
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === "ENOENT") return "no such file";
  if (e?.code === "EISDIR") return "it is a folder; name an SDL file";
  if (e?.code === "EACCES") return "permission denied";
  return e instanceof Error ? e.message : String(err);
}
