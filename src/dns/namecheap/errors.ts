/**
 * Namecheap's error numbers (namecheap.md §1.2, §1.3, §1.5, §1.6), each with what it means and what
 * the user should do about it, and whether the call may simply be retried.
 *
 * Namecheap answers errors with HTTP 200 and `<ApiResponse Status="ERROR">`; throttling arrives as
 * HTTP 405 (an HTML page) or error 500000. Numbers not in the table keep Namecheap's own text.
 */
import { DnsError } from "../provider.js";

interface ErrorAdvice {
  /** What to do, in the user's terms. */
  advice: string;
  /** A transient condition: the same call may succeed after a pause. */
  retryable?: boolean;
}

const CREDENTIALS = "the NAMECHEAP_API_USER, NAMECHEAP_API_KEY and NAMECHEAP_USERNAME settings";
const DASHBOARD_API = "Namecheap dashboard: Profile > Tools > Namecheap API Access";

export const NAMECHEAP_ERRORS: Readonly<Record<number, ErrorAdvice>> = {
  // Global (every command).
  1010101: { advice: `the API user is missing: set NAMECHEAP_API_USER to your Namecheap API user name` },
  1030408: { advice: `Namecheap does not support this way of signing in; akash-stack sends ApiUser and ApiKey: check ${CREDENTIALS}` },
  1010104: { advice: `the request named no command; this is a bug in akash-stack, please report it` },
  1010102: { advice: `the API key is missing: set NAMECHEAP_API_KEY (${DASHBOARD_API})` },
  1011102: {
    advice: `the API key is wrong or API access is not enabled: check NAMECHEAP_API_KEY and that API access is on (${DASHBOARD_API}); ` +
      `sandbox and production have different keys (--sandbox selects the sandbox)`,
  },
  1010105: { advice: `the client IP is missing: set NAMECHEAP_CLIENT_IP to this machine's public IPv4 address` },
  1011105: { advice: `the client IP is not valid: set NAMECHEAP_CLIENT_IP to this machine's public IPv4 address (Namecheap accepts no IPv6)` },
  1050900: { advice: `Namecheap could not check the API user; try again in a few minutes, and check ${CREDENTIALS} if it persists`, retryable: true },
  1011150: {
    advice: `Namecheap refused the IP this request came from: add this machine's public IPv4 to Whitelisted IPs (${DASHBOARD_API}; IPv4 only, ` +
      `and the sandbox has its own list), and set NAMECHEAP_CLIENT_IP to the same address. Run akash-stack from a machine with a fixed IPv4, ` +
      `not from inside an Akash deployment (its outbound IP is not its lease IP)`,
  },
  1017150: { advice: `Namecheap has disabled or locked requests from this IP; contact Namecheap support` },
  1017105: { advice: `Namecheap has disabled or locked the client IP; contact Namecheap support, or whitelist another IPv4 (${DASHBOARD_API})` },
  1017101: { advice: `the API user is disabled or locked; contact Namecheap support` },
  1017410: { advice: `the account is locked after too many declined payments; sort out billing with Namecheap` },
  1017411: { advice: `the account is locked after too many login attempts; wait, or contact Namecheap support` },
  1019103: { advice: `the user name is not available: check NAMECHEAP_USERNAME (it defaults to NAMECHEAP_API_USER)` },
  1016103: { advice: `the user name is not authorized for this API user: check NAMECHEAP_USERNAME (it defaults to NAMECHEAP_API_USER)` },
  1017103: { advice: `the user name is disabled or locked; contact Namecheap support` },
  // Domain commands (getList, getHosts, setHosts).
  2019166: { advice: `Namecheap does not know this domain: give the domain as registered (example.com, not www.example.com), and check it is in this account` },
  2016166: { advice: `the domain is not in this Namecheap account: check NAMECHEAP_USERNAME, or use the account that owns the domain` },
  2030166: { advice: `Namecheap does not allow editing this domain's records (editing is not supported for it); change them in the dashboard instead` },
  2030288: {
    advice: `the domain does not use Namecheap DNS, so its records live elsewhere: change them at the DNS host its nameservers point to. ` +
      `akash-stack never switches nameservers for you (that would move the whole zone)`,
  },
  2015280: { advice: `Namecheap rejected a record (invalid type, name, address or TTL); check the --record values (TTL 60-60000)` },
  2015166: { advice: `Namecheap failed to update the domain; try again in a few minutes`, retryable: true },
  4023330: { advice: `Namecheap could not process the request; try again in a few minutes`, retryable: true },
  4022288: { advice: `Namecheap could not get the domain's nameserver list; try again in a few minutes`, retryable: true },
  3031510: { advice: `the registry behind Namecheap reported an error; try again in a few minutes`, retryable: true },
  // Transient server conditions (namecheap.md §1.6).
  3050750: { advice: `a Namecheap backend service was stopped; try again in a minute`, retryable: true },
  3050900: { advice: `Namecheap's registry backend failed; try again in a few minutes`, retryable: true },
  5019169: { advice: `Namecheap had an internal error; try again in a few minutes`, retryable: true },
  5050169: { advice: `Namecheap had an internal error; try again in a few minutes`, retryable: true },
  5050900: { advice: `Namecheap had an internal error; try again in a few minutes`, retryable: true },
  500000: {
    advice: `Namecheap is throttling this account (limits: 20 calls a minute, 700 an hour, 8000 a day); wait a few minutes and try again, ` +
      `and make sure no other tool uses the same API user at the same time`,
    retryable: true,
  },
};

export interface ApiErrorDetail {
  number: number;
  /** Namecheap's own text for it, with the API key redacted. */
  text: string;
}

/** The API answered Status="ERROR" (or throttled us): each error with what to do about it. */
export class NamecheapApiError extends DnsError {
  override readonly name = "NamecheapApiError";
  readonly numbers: number[];
  /** Every error in the answer is transient. */
  readonly retryable: boolean;

  constructor(
    readonly command: string,
    readonly errors: ApiErrorDetail[],
  ) {
    super(describeErrors(command, errors));
    this.numbers = errors.map((e) => e.number);
    this.retryable = errors.length > 0 && errors.every((e) => NAMECHEAP_ERRORS[e.number]?.retryable === true);
  }
}

/** The API could not be reached or answered something that is not an API response. */
export class NamecheapTransportError extends DnsError {
  override readonly name = "NamecheapTransportError";

  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

function describeErrors(command: string, errors: ApiErrorDetail[]): string {
  const lines = errors.map(({ number, text }) => {
    const known = NAMECHEAP_ERRORS[number];
    const said = text.trim() === "" ? "" : ` "${text.trim()}"`;
    return known ? `Namecheap error ${number}${said}: ${known.advice}` : `Namecheap error ${number}${said} (not one akash-stack knows; see Namecheap's API documentation)`;
  });
  return `${command} failed: ${lines.join("; ")}`;
}
