/**
 * The GitHub Action's entry point (action.yml `runs.main`). The build bundles it with the lint
 * command and engine into one self-contained file, `action/index.cjs`, which is committed: GitHub
 * runs an action straight from its repository, so the Action needs no `npm install`
 * (scripts/build-action.mjs writes it; a test checks it is up to date).
 *
 * It runs the CLI's own `lint` command (src/cli/lint.ts) with the inputs as its flags, so the
 * Action and `akash-stack lint` report alike; the exit code is the CLI's (1 fails the step on
 * findings, 2 for a bad input or unreadable paths). The program's argument parser is left out on
 * purpose: the bundle then changes only when linting does, not with every other command.
 */
import packageJson from "../../../package.json" with { type: "json" };
import { lintCommand } from "../lint.js";
import { writeOutput } from "../write.js";
import { lintRunFor } from "./inputs.js";

const EXIT_USAGE = 2;

async function main(): Promise<number> {
  const run = lintRunFor(process.env);
  if ("errors" in run) {
    for (const error of run.errors) writeOutput("stderr", `akash-stack lint: ${error} (see action.yml)\n`);
    return EXIT_USAGE;
  }
  return lintCommand(run.paths, run.flags, { toolVersion: packageJson.version, write: writeOutput });
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    writeOutput("stderr", `akash-stack lint: internal error: ${err instanceof Error ? err.message : String(err)} (this is a bug; please report it)\n`);
    process.exitCode = 1;
  },
);
