/**
 * The type check's worker thread (src/stack/typecheck.ts): checks one stack file and posts the
 * outcome. Built to dist/chunks/typecheck-worker.mjs. On Node 22+ TypeScript's own code (9 MB) is
 * compiled through Node's compile cache, so only the first check on a machine pays to compile it.
 */
import * as nodeModule from "node:module";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { typeCheck } from "./typecheck.js";

const { stackFile, cacheDir } = workerData as { stackFile: string; cacheDir: string };
// Absent on Node 20; a cache that cannot be written is just not used.
(nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache?.(join(cacheDir, "compile-cache"));
parentPort?.postMessage(typeCheck(stackFile, cacheDir));
