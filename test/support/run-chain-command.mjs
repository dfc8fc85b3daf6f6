// Runs one of the chain commands (plan, deploy, status, close, deposit) in a child process, the way
// `akash-stack` will once main.ts wires them, so tests can kill it (SIGKILL) or read its output:
//   node --import tsx test/support/run-chain-command.mjs deploy registry '{"network":"local","yes":true}'
const [command, stack, flagsJson] = process.argv.slice(2);
const modules = {
  plan: ["../../src/cli/plan.ts", "runPlan"],
  deploy: ["../../src/cli/deploy.ts", "runDeploy"],
  status: ["../../src/cli/status.ts", "runStatus"],
  close: ["../../src/cli/close.ts", "runClose"],
  deposit: ["../../src/cli/deposit.ts", "runDeposit"],
  import: ["../../src/cli/import.ts", "runImport"],
};
const entry = modules[command];
if (!entry) {
  process.stderr.write(`unknown command ${command}\n`);
  process.exit(2);
}
const mod = await import(new URL(entry[0], import.meta.url).href);
process.exitCode = await mod[entry[1]](stack, JSON.parse(flagsJson ?? "{}"));
