/**
 * Helpers shared by the DNS tests: a Namecheap emulator with its matching client config, a
 * captured CLI io, a throwaway AKASH_STACK_HOME, and a seeded PRNG for property tests.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DnsIo } from "../../src/cli/dns.js";
import type { NamecheapConfig } from "../../src/dns/namecheap/config.js";
import { NamecheapEmulator, type NamecheapEmulatorOptions } from "../../src/dns/emulator.js";

/** A key no other string in the tests contains, so finding it anywhere is a leak. */
export const SECRET_KEY = "k3y-Sh0uld-N3v3r-Leak-7f3a9c2e51";

export async function startEmulator(options: NamecheapEmulatorOptions = {}): Promise<NamecheapEmulator> {
  return NamecheapEmulator.start({ apiUser: "alice", apiKey: SECRET_KEY, ...options });
}

export function configFor(emulator: NamecheapEmulator): NamecheapConfig {
  return { apiUser: emulator.apiUser, apiKey: emulator.apiKey, userName: emulator.userName, clientIp: "127.0.0.1", apiUrl: emulator.url };
}

export function envFor(emulator: NamecheapEmulator, home: string): Record<string, string> {
  return {
    NAMECHEAP_API_URL: emulator.url,
    NAMECHEAP_API_USER: emulator.apiUser,
    NAMECHEAP_API_KEY: emulator.apiKey,
    NAMECHEAP_CLIENT_IP: "127.0.0.1",
    AKASH_STACK_HOME: home,
  };
}

export interface CapturedIo extends DnsIo {
  stdout: string;
  stderr: string;
  questions: string[];
}

export function captureIo(options: { cwd: string; env: Record<string, string>; interactive?: boolean; answer?: string }): CapturedIo {
  const io: CapturedIo = {
    cwd: options.cwd,
    env: options.env,
    stdout: "",
    stderr: "",
    questions: [],
    interactive: options.interactive ?? false,
    write(stream, text) {
      io[stream] += text;
    },
    async ask(question) {
      io.questions.push(question);
      return options.answer ?? "";
    },
    // Poll quickly; the timeout stays the command's (--wait-timeout).
    waitOverrides: { intervalMs: 50 },
  };
  return io;
}

const temps: string[] = [];

export function tempHome(): string {
  const dir = mkdtempSync(join(tmpdir(), "akash-stack-dns-"));
  temps.push(dir);
  return dir;
}

export function removeTempHomes(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Every file under `dir`, with its text. */
export function filesUnder(dir: string): Array<{ file: string; text: string }> {
  const found: Array<{ file: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path));
    else found.push({ file: path, text: readFileSync(path, "utf8") });
  }
  return found;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
