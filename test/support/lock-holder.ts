/**
 * Takes a stack's state lock the way a deploy run does, says "locked" and then waits to be
 * killed: the lock tests run it under a parent that never reaps it, to leave a real zombie.
 * Usage: node --import tsx test/support/lock-holder.ts HOME STACK NETWORK
 */
import { lockState } from "../../src/deploy/state.js";

const [home, stack, network] = process.argv.slice(2);
if (!home || !stack || !network) throw new Error("usage: lock-holder.ts HOME STACK NETWORK");
await lockState(home, stack, network);
process.stdout.write("locked\n");
setInterval(() => {}, 60_000);
