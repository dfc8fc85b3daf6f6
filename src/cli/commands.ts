/**
 * How the built CLI loads each command's implementation: one dynamic `import()` per command, so a
 * command loads only its own code. `lint` and `manifest` are not here: they live in the front
 * bundle with the program and the SDL engine they share. The build makes this module
 * `dist/chunks/commands.mjs`, an ES module whose imports are split into chunks; `main.ts` imports
 * it the first time another command runs.
 */
import type { CommandModules } from "./program.js";

export const COMMAND_MODULES: CommandModules = {
  init: () => import("./init.js"),
  synth: () => import("./synth.js"),
  plan: () => import("./plan.js"),
  deploy: () => import("./deploy.js"),
  status: () => import("./status.js"),
  close: () => import("./close.js"),
  importDeployment: () => import("./import.js"),
  lease: () => import("./lease.js"),
  deposit: () => import("./deposit.js"),
  devnet: () => import("./devnet.js"),
  verify: () => import("./verify.js"),
  dns: () => import("./dns.js"),
  rehearse: () => import("./rehearse.js"),
  registry: () => import("./registry.js"),
};
