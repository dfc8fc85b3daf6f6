/**
 * The GitHub Action's entry point (action.yml `runs.main`). The build bundles it, with the whole
 * `akash-stack` program and the lint engine, into one self-contained file, `action/index.cjs`, which
 * is committed: GitHub runs an action straight from its repository, so the Action needs no
 * `npm install` (scripts/build-action.mjs writes it; CI checks it is up to date).
 *
 * It runs exactly what `akash-stack lint` runs, with the inputs turned into arguments, so the
 * Action and the CLI cannot drift apart. The exit code is the CLI's: 1 fails the step on findings.
 */
import { runCli } from "../cli/program.js";
import { lintArgumentsFor } from "./inputs.js";

const onlyLint = (): Promise<never> => Promise.reject(new Error("the akash-stack GitHub Action runs only `lint`"));

void runCli([process.execPath, "akash-stack", ...lintArgumentsFor(process.env)], onlyLint);
