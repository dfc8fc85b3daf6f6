/**
 * How the built CLI loads each command's implementation (every command but `lint`, which lives in
 * the front bundle with the program): one dynamic `import()` per command, so a command loads only
 * its own code. The build makes this module `dist/chunks/commands.mjs`, an ES module whose imports
 * are split into chunks; `main.ts` imports it the first time a command other than `lint` runs.
 */
import type { CommandModules } from "./program.js";

export const COMMAND_MODULES: CommandModules = {
  manifest: () => import("./manifest.js"),
  synth: () => import("./synth.js"),
  plan: () => import("./plan.js"),
  deploy: () => import("./deploy.js"),
  status: () => import("./status.js"),
  close: () => import("./close.js"),
  deposit: () => import("./deposit.js"),
  devnet: () => import("./devnet.js"),
  verify: () => import("./verify.js"),
  dns: () => import("./dns.js"),
};
