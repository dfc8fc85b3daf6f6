/**
 * The type check's worker thread (src/stack/typecheck.ts): checks one stack file and posts the
 * outcome. Built to dist/chunks/typecheck-worker.mjs.
 */
import { parentPort, workerData } from "node:worker_threads";
import { typeCheck } from "./typecheck.js";

const { stackFile, cacheDir } = workerData as { stackFile: string; cacheDir: string };
parentPort?.postMessage(typeCheck(stackFile, cacheDir));
