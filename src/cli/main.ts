/**
 * The `akash-stack` executable, built to dist/cli.js as a small CommonJS file; it is only ever run
 * built (tests and tools import the command modules themselves).
 *
 * It loads the program from the front bundle `chunks/cli-front.cjs`: `program.ts` with commander,
 * the lint and manifest commands, the SDL engine, js-yaml and the schema validator, plus a V8 code
 * cache of them (src/sdl/cached-script.ts). Every other command's code stays an ES chunk, imported through
 * `chunks/commands.mjs` (src/cli/commands.ts) when that command runs.
 *
 * Why this shape: `akash-stack lint` must cold-start within twice `node -e 0`. Node 20 caches no
 * compiled ES module code, and merely starting its ES module loader for an ES entry point costs
 * about a third of `node -e 0` again; a CommonJS entry and one pre-compiled bundle avoid both.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runCachedBundle } from "../sdl/cached-script.js";
import type { CommandModules } from "./program.js";

type Front = typeof import("./front.js");
type Commands = typeof import("./commands.js");

/** The bundles' file names in dist/chunks; scripts/build.mjs and build-cached-bundles.mjs write them. */
const CLI_FRONT_FILE = "cli-front.cjs";
const COMMANDS_FILE = "commands.mjs";

const CHUNKS = join(__dirname, "chunks");

function loadFront(): Front {
  const bundle = join(CHUNKS, CLI_FRONT_FILE);
  if (!existsSync(bundle)) {
    process.stderr.write(`akash-stack: ${bundle} is missing: the CLI was not built completely; run \`node scripts/build.mjs\` (or \`npm ci\`)\n`);
    process.exit(1);
  }
  return runCachedBundle(bundle).exports as Front;
}

/**
 * The other commands' modules, through the ES module `commands.mjs` (imported on first use). They
 * print through `process.stdout`; `lint`, `manifest` and the program itself write with
 * src/cli/write.ts.
 */
async function loadCommands(): Promise<CommandModules> {
  // `akash-stack status | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  const chunk = (await import(pathToFileURL(join(CHUNKS, COMMANDS_FILE)).href)) as Commands;
  return chunk.COMMAND_MODULES;
}

void loadFront().runCli(process.argv, loadCommands);
