/**
 * Namecheap API settings, from the environment only: credentials never come from flags (they would
 * land in shell history and process listings) and are never written anywhere.
 */
import { isIPv4 } from "node:net";

export const PRODUCTION_API_URL = "https://api.namecheap.com/xml.response";
export const SANDBOX_API_URL = "https://api.sandbox.namecheap.com/xml.response";

export interface NamecheapConfig {
  apiUser: string;
  /** Secret: sent only in POST bodies, redacted from every message. */
  apiKey: string;
  /** The account whose domains are changed; usually the API user. */
  userName: string;
  /** This machine's public IPv4, which must be on the account's API whitelist. */
  clientIp: string;
  apiUrl: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads `NAMECHEAP_*`; on failure, every problem at once, each saying what to set. */
export function namecheapConfigFromEnv(env: Env, options: { sandbox?: boolean } = {}): { config: NamecheapConfig } | { problems: string[] } {
  const value = (name: string) => env[name]?.trim() || undefined;
  const problems: string[] = [];
  const apiUser = value("NAMECHEAP_API_USER");
  const apiKey = value("NAMECHEAP_API_KEY");
  const clientIp = value("NAMECHEAP_CLIENT_IP");
  const configuredUrl = value("NAMECHEAP_API_URL");
  const where = options.sandbox ? "your sandbox account (sandbox.namecheap.com)" : "Profile > Tools > Namecheap API Access";

  if (!apiUser) problems.push(`NAMECHEAP_API_USER is not set: set it to your Namecheap API user name (${where})`);
  if (!apiKey) problems.push(`NAMECHEAP_API_KEY is not set: set it to the API key shown at ${where} (it is never printed or stored)`);
  if (!clientIp) problems.push(`NAMECHEAP_CLIENT_IP is not set: set it to this machine's public IPv4 address, the one whitelisted for API access`);
  else if (!isIPv4(clientIp)) problems.push(`NAMECHEAP_CLIENT_IP is ${JSON.stringify(clientIp)}, not an IPv4 address: Namecheap accepts only IPv4 (like 203.0.113.10)`);

  let apiUrl = options.sandbox ? SANDBOX_API_URL : PRODUCTION_API_URL;
  if (configuredUrl) {
    if (options.sandbox && configuredUrl !== SANDBOX_API_URL) {
      problems.push(`--sandbox and NAMECHEAP_API_URL (${shownUrl(configuredUrl)}) both choose the API: unset NAMECHEAP_API_URL, or drop --sandbox`);
    }
    const urlProblem = checkApiUrl(configuredUrl);
    if (urlProblem) problems.push(urlProblem);
    apiUrl = configuredUrl;
  }

  if (problems.length > 0 || !apiUser || !apiKey || !clientIp) return { problems };
  return { config: { apiUser, apiKey, userName: value("NAMECHEAP_USERNAME") ?? apiUser, clientIp, apiUrl } };
}

/** HTTPS, or plain HTTP only to this machine (the emulator): the API key must not cross a network in clear. */
export function checkApiUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `NAMECHEAP_API_URL is not a URL: use ${PRODUCTION_API_URL}, or leave it unset`;
  }
  if (parsed.search !== "" || parsed.username !== "" || parsed.password !== "") {
    return `NAMECHEAP_API_URL must not carry a query string or credentials: use ${PRODUCTION_API_URL}, or leave it unset`;
  }
  if (parsed.protocol === "https:") return undefined;
  if (parsed.protocol === "http:" && isLoopback(parsed.hostname)) return undefined;
  return `NAMECHEAP_API_URL is ${shownUrl(url)}: use https (plain http only to this machine, for the emulator), since the API key travels in the request`;
}

/** The URL without query or user info, which could hold a credential someone pasted there. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(not a URL)";
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
