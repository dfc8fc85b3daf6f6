/**
 * The file that keeps generated secrets: `$AKASH_STACK_HOME/secrets.json`, mode 0600 in a 0700
 * folder. It is the only place a generated value is written. Writes go to a temporary file in the
 * same folder that is then renamed over the old one, so a crash never leaves a half-written file
 * (and never loses secrets a running deployment already uses).
 */
import { randomBytes } from "node:crypto";
import { chmod, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { makeStackHome } from "./home.js";

export const SECRETS_FILE_NAME = "secrets.json";

const OWNER_ONLY_FILE = 0o600;
const OWNER_ONLY_DIR = 0o700;

interface SecretsFile {
  $comment: string;
  generated: Record<string, string>;
}

export interface LoadedSecrets {
  secrets: Record<string, string>;
  /** The file was readable by group or others and has been set to 0600. */
  tightenedPermissions: boolean;
}

export async function loadGeneratedSecrets(home: string): Promise<LoadedSecrets> {
  const path = join(home, SECRETS_FILE_NAME);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { secrets: {}, tightenedPermissions: false };
    throw err;
  }
  let tightenedPermissions = false;
  if (((await stat(path)).mode & 0o077) !== 0) {
    await chmod(path, OWNER_ONLY_FILE);
    tightenedPermissions = true;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never echo the content: it holds secrets.
    throw new Error(`${path} is not valid JSON: fix or restore it (it holds the generated secrets of your deployments; deleting it makes new ones)`);
  }
  const generated = (parsed as Partial<SecretsFile> | null)?.generated;
  if (typeof generated !== "object" || generated === null || Object.values(generated).some((v) => typeof v !== "string")) {
    throw new Error(`${path} has no "generated" object of names to strings: fix or restore it`);
  }
  return { secrets: { ...generated }, tightenedPermissions };
}

export async function saveGeneratedSecrets(home: string, secrets: Readonly<Record<string, string>>): Promise<void> {
  await makeStackHome(home, OWNER_ONLY_DIR);
  const path = join(home, SECRETS_FILE_NAME);
  const sorted = Object.fromEntries(Object.entries(secrets).sort(([a], [b]) => a.localeCompare(b)));
  const content: SecretsFile = {
    $comment: "Secrets akash-stack generated on first deploy. Keep this file private and out of git; deleting it makes new values on the next deploy.",
    generated: sorted,
  };
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  // "wx": never follow or reuse an existing file; the mode applies from creation, so the
  // value is never readable by others even for a moment.
  const handle = await open(temp, "wx", OWNER_ONLY_FILE);
  try {
    await handle.writeFile(JSON.stringify(content, null, 2) + "\n", "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(temp, OWNER_ONLY_FILE); // the umask may have narrowed it; never wider than 0600
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
