#!/usr/bin/env zx
// The README's main command (`npm run demo`): the registry stack from TypeScript to a
// provider-ready manifest, on this machine, with no network access and no tokens spent.
//
// Steps that need the embedded local network (devnet, deploy, status, close, dns, verify) run as
// soon as those commands exist in the CLI, so this script stays the one entry point as they land.
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import { $, chalk, fs, os, path, sleep } from "zx";

$.verbose = false;
$.quiet = true;
const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..");
const cli = path.join(root, "dist", "cli.js");
const run = (args) => $({ cwd: root, nothrow: true })`node ${cli} ${args}`;
const step = (title) => console.log(chalk.bold(`\n▶ ${title}`));

if (!fs.existsSync(cli)) {
  step("build");
  await $({ cwd: root })`node scripts/build.mjs`;
}

step("synth: stacks/registry.ts → out/registry.sdl.yaml");
const synth = await run(["synth", "registry"]);
process.stdout.write(synth.stdout + synth.stderr);
if (synth.exitCode !== 0) process.exit(synth.exitCode ?? 1);

step("lint: Go parser, chain and provider rules");
const lint = await run(["lint", "out/registry.sdl.yaml"]);
process.stdout.write(lint.stdout + lint.stderr);
if (lint.exitCode !== 0) process.exit(lint.exitCode ?? 1);

step("manifest: the exact bytes a provider receives, and the hash that goes on chain");
const hash = await run(["manifest", "out/registry.sdl.yaml", "--hash"]);
if (hash.exitCode !== 0) {
  process.stdout.write(hash.stderr);
  process.exit(hash.exitCode ?? 1);
}
console.log(`deployment version (sha256): ${hash.stdout.trim()}`);

const help = (await run(["--help"])).stdout;
const has = (command) => new RegExp(`^\\s+${command}\\b`, "m").test(help);
if (!has("devnet") || !has("deploy")) {
  step("deploy to the local network");
  console.log("skipped: `devnet` and `deploy` are not in this build yet (issues #4 and #5).");
} else {
  await deployOnDevnet();
}
console.log(chalk.green("\ndemo finished"));

/**
 * The Namecheap emulator (src/dns/emulator.ts) as a child process, holding the registry stack's
 * zone with a few records of its own, so the deploy's `dns` step has something real to write to
 * (and to keep). Its nameservers run on loopback UDP and publish writes after 200 ms, so the dns
 * step's wait for propagation ends in a moment. Resolves to its NAMECHEAP_* values and a stop().
 */
async function startDnsEmulator(zone) {
  const emulatorUrl = pathToFileURL(path.join(root, "src", "dns", "emulator.ts")).href;
  const code = `
    const { NamecheapEmulator } = await import(${JSON.stringify(emulatorUrl)});
    const emulator = await NamecheapEmulator.start({
      nameservers: 2,
      publishDelayMs: 200,
      domains: [{ domain: ${JSON.stringify(zone)}, emailType: "MX", hosts: [
        { name: "@", type: "MX", address: "mx1.mail.example.net.", mxPref: "10", ttl: "1800" },
        { name: "@", type: "TXT", address: "v=spf1 include:mail.example.net ~all", ttl: "1800" },
        { name: "www", type: "CNAME", address: "alternatefutures.github.io.", ttl: "1800" },
      ] }],
    });
    process.stdout.write(JSON.stringify({
      NAMECHEAP_API_URL: emulator.url, NAMECHEAP_API_USER: emulator.apiUser, NAMECHEAP_API_KEY: emulator.apiKey, NAMECHEAP_CLIENT_IP: "127.0.0.1",
      nameservers: emulator.nameservers.map((ns) => ns.address),
    }) + "\\n");
    const stop = () => void emulator.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const values = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("the Namecheap emulator did not start within 20 s")), 20_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the Namecheap emulator exited (code ${code}) before printing its settings`));
    });
  });
  return {
    ...values,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * devnet → deploy registry → status → close, in a throw-away AKASH_STACK_HOME so the demo never
 * touches the user's state or secrets. The devnet runs as a child process until the end.
 */
async function deployOnDevnet() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "akash-stack-demo-"));
  const env = { ...process.env, AKASH_STACK_HOME: home };
  delete env.AKASH_MNEMONIC; // the devnet's funded test key signs
  const devnetFile = path.join(home, "devnet.json");
  step("namecheap emulator: zone alternatefutures.ai (MX, SPF and www kept as they are)");
  const dns = await startDnsEmulator("alternatefutures.ai");
  // The deploy's dns step runs when these are set; the emulator's key is a throw-away.
  for (const name of ["NAMECHEAP_API_URL", "NAMECHEAP_API_USER", "NAMECHEAP_API_KEY", "NAMECHEAP_CLIENT_IP"]) env[name] = dns[name];
  console.log(`API at ${dns.NAMECHEAP_API_URL}, nameservers ${dns.nameservers.join(", ")}`);
  step("devnet: a local Akash chain and 3 providers on loopback");
  const devnet = $({ cwd: root, env, nothrow: true })`node ${cli} devnet --block-time 500 --providers 3`;
  let exited = false;
  devnet.finally(() => (exited = true)).catch(() => undefined);
  let failed = false;
  try {
    const deadline = Date.now() + 30_000;
    while (!fs.existsSync(devnetFile)) {
      if (Date.now() > deadline || exited) throw new Error(`the devnet did not start (no ${devnetFile} after 30 s)`);
      await sleep(200);
    }
    const { chainId, rpc } = JSON.parse(fs.readFileSync(devnetFile, "utf8"));
    console.log(`chain ${chainId} at ${rpc}`);

    for (const [title, args] of [
      ["deploy registry --network local --yes", ["deploy", "registry", "--network", "local", "--yes"]],
      ["dns plan registry --network local (the zone now matches the stack)", ["dns", "plan", "registry", "--network", "local"]],
      ["status registry --network local", ["status", "registry", "--network", "local"]],
      ["close registry --network local --yes", ["close", "registry", "--network", "local", "--yes"]],
    ]) {
      step(title);
      const result = await $({ cwd: root, env, nothrow: true })`node ${cli} ${args}`;
      process.stdout.write(result.stdout + result.stderr);
      if (result.exitCode !== 0) {
        failed = true;
        break;
      }
    }
  } finally {
    devnet.kill("SIGINT");
    await devnet.catch(() => undefined);
    await dns.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  if (failed) process.exit(1);
}
