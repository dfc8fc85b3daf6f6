/**
 * More accounts in a stack's htpasswd secret (`registry users` for the registry stack's default
 * engine, CNCF Distribution, whose only account store is its htpasswd file).
 *
 * The stack declares one account, its admin, as a generated secret of kind "htpasswd"; the admin's
 * line is made from the admin password on every deploy. Accounts added here are kept beside it in
 * the generated-secrets file, under `<SECRET>.accounts` (bcrypt hashes only, never a password), and
 * `resolveSecrets` appends them to the admin's line, so the next deploy's manifest carries them and
 * the registry, which reads its htpasswd file at start, takes them.
 *
 * Pure functions over the file's text; `updateAccounts` does the one read-modify-write.
 */
import bcrypt from "bcryptjs";
import { loadGeneratedSecrets, saveGeneratedSecrets } from "./secret-store.js";

/** Passwords people choose: the cost htpasswd -B uses by default. */
const ACCOUNT_BCRYPT_COST = 10;

/** What an htpasswd user name may be: no `:` (the separator) and nothing a shell or YAML mangles. */
export const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface Account {
  username: string;
  /** The bcrypt hash, as in the htpasswd line. */
  hash: string;
}

export class AccountError extends Error {
  override readonly name = "AccountError";
}

/** Where a secret's extra accounts are kept in the generated-secrets file. */
export function accountsKey(secretName: string): string {
  return `${secretName}.accounts`;
}

/** The value an htpasswd secret takes at deploy: the stack's own line, then the added accounts. */
export function htpasswdWithAccounts(line: string, stored: Readonly<Record<string, string>>, secretName: string): string {
  const accounts = stored[accountsKey(secretName)];
  return accounts ? `${line}\n${accounts}` : line;
}

export function parseAccounts(text: string | undefined): Account[] {
  if (!text) return [];
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const colon = line.indexOf(":");
      return { username: line.slice(0, colon), hash: line.slice(colon + 1) };
    });
}

export function formatAccounts(accounts: readonly Account[]): string {
  return accounts.map((a) => `${a.username}:${a.hash}`).join("\n");
}

export type AccountChange = { action: "add"; username: string; password: string } | { action: "passwd"; username: string; password: string } | { action: "rm"; username: string };

/**
 * The accounts after one change. `admin` is the stack's own account: it cannot be added, changed
 * or removed here (its password is the stack's secret). Adding a name that exists, or changing or
 * removing one that does not, is refused rather than guessed at.
 */
export function applyAccountChange(accounts: readonly Account[], change: AccountChange, admin: { username: string; passwordSecret: string }): Account[] {
  const { username } = change;
  if (!ACCOUNT_NAME.test(username)) {
    throw new AccountError(`"${username}" is not a user name the registry's htpasswd file can hold: use letters, digits, ".", "_" and "-" (up to 64, starting with a letter or digit)`);
  }
  if (username === admin.username) {
    throw new AccountError(`${username} is the stack's admin account: its password is the secret ${admin.passwordSecret}; set that secret and redeploy to change it`);
  }
  const exists = accounts.some((a) => a.username === username);
  switch (change.action) {
    case "add":
      if (exists) throw new AccountError(`${username} already has an account: change its password with \`registry users passwd ${username}\``);
      return [...accounts, { username, hash: hashPassword(change.password) }];
    case "passwd":
      if (!exists) throw new AccountError(`there is no account ${username}: add it with \`registry users add ${username}\``);
      return accounts.map((a) => (a.username === username ? { username, hash: hashPassword(change.password) } : a));
    case "rm":
      if (!exists) throw new AccountError(`there is no account ${username} to remove`);
      return accounts.filter((a) => a.username !== username);
  }
}

function hashPassword(password: string): string {
  if (password.length < 8) throw new AccountError("the password is shorter than 8 characters: registries are reachable from the internet; choose a longer one");
  // bcrypt reads at most 72 bytes: a longer password would be accepted with any ending.
  if (Buffer.byteLength(password, "utf8") > 72) throw new AccountError("the password is longer than 72 bytes, the most bcrypt reads; choose a shorter one");
  return bcrypt.hashSync(password, ACCOUNT_BCRYPT_COST);
}

/** The stored accounts of a secret, and a way to change them (written atomically, 0600). */
export async function readAccounts(home: string, secretName: string): Promise<Account[]> {
  return parseAccounts((await loadGeneratedSecrets(home)).secrets[accountsKey(secretName)]);
}

export async function updateAccounts(home: string, secretName: string, change: AccountChange, admin: { username: string; passwordSecret: string }): Promise<Account[]> {
  const store = await loadGeneratedSecrets(home);
  const next = applyAccountChange(parseAccounts(store.secrets[accountsKey(secretName)]), change, admin);
  if (next.length === 0) delete store.secrets[accountsKey(secretName)];
  else store.secrets[accountsKey(secretName)] = formatAccounts(next);
  await saveGeneratedSecrets(home, store.secrets);
  return next;
}
