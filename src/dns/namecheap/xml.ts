/**
 * Reading Namecheap's XML answers (namecheap.md §1.3–1.6) into typed values.
 *
 * Every value stays a string (a TXT value `0123` must not become 123), namespaces are ignored (the
 * live API sometimes uses `https://` in xmlns), and element and attribute names are matched without
 * regard to case: the docs show `<Host HostID=…>`, the live API sends `<host HostId=…>`.
 */
import { XMLParser } from "fast-xml-parser";
import type { ApiErrorDetail } from "./errors.js";

export interface NcHost {
  hostId: string | undefined;
  name: string;
  type: string;
  address: string;
  mxPref: string;
  ttl: string;
  isDDNSEnabled: boolean;
}

export interface NcHostsResult {
  domain: string;
  /** `undefined` when the answer has no EmailType attribute (then a write must not guess one). */
  emailType: string | undefined;
  isUsingOurDns: boolean;
  hosts: NcHost[];
}

export interface NcDnsListResult {
  domain: string;
  isUsingOurDns: boolean;
  isPremiumDns: boolean;
  isUsingFreeDns: boolean;
  nameservers: string[];
}

export type Envelope =
  | { status: "ok"; commandResponse: XmlObject }
  | { status: "error"; errors: ApiErrorDetail[] }
  | { status: "invalid"; reason: string };

type XmlObject = { [key: string]: unknown };

const ARRAY_ELEMENTS = new Set(["host", "error", "nameserver"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseAttributeValue: false,
  parseTagValue: false,
  removeNSPrefix: true,
  // Keep spaces at the ends of TXT values: they are part of the record.
  trimValues: false,
  // Decodes numeric character references (`&#10;`) besides the five XML entities. Deprecated in
  // fast-xml-parser 5 in favour of a custom decoder, but it is the one switch that does this.
  htmlEntities: true,
  isArray: (name) => ARRAY_ELEMENTS.has(name.toLowerCase()),
});

/** Splits an answer into OK (with its CommandResponse), ERROR (with every error), or not an API answer. */
export function parseEnvelope(body: string): Envelope {
  let document: XmlObject;
  try {
    document = parser.parse(body) as XmlObject;
  } catch (err) {
    return { status: "invalid", reason: `the answer is not XML (${err instanceof Error ? err.message.split("\n")[0] : String(err)})` };
  }
  const response = child(document, "ApiResponse");
  if (!response) return { status: "invalid", reason: "the answer has no <ApiResponse> element (an HTML page or an empty body)" };
  const status = attr(response, "Status")?.toUpperCase();
  if (status === "OK") return { status: "ok", commandResponse: child(response, "CommandResponse") ?? {} };
  const errors = list(child(response, "Errors"), "Error").map((e): ApiErrorDetail => {
    const number = Number(attr(e, "Number"));
    return { number: Number.isFinite(number) ? number : 0, text: textOf(e) };
  });
  if (status === "ERROR") return { status: "error", errors };
  return { status: "invalid", reason: `the answer's Status is ${JSON.stringify(attr(response, "Status") ?? "")}, neither OK nor ERROR` };
}

export function readHostsResult(commandResponse: XmlObject): NcHostsResult {
  const result = required(commandResponse, "DomainDNSGetHostsResult");
  return {
    domain: attr(result, "Domain") ?? "",
    emailType: attr(result, "EmailType"),
    isUsingOurDns: isTrue(attr(result, "IsUsingOurDNS")),
    hosts: list(result, "host").map((h) => ({
      hostId: attr(h, "HostId"),
      name: attr(h, "Name") ?? "",
      type: attr(h, "Type") ?? "",
      address: attr(h, "Address") ?? "",
      mxPref: attr(h, "MXPref") ?? "",
      ttl: attr(h, "TTL") ?? "",
      isDDNSEnabled: isTrue(attr(h, "IsDDNSEnabled")),
    })),
  };
}

export function readListResult(commandResponse: XmlObject): NcDnsListResult {
  const result = required(commandResponse, "DomainDNSGetListResult");
  return {
    domain: attr(result, "Domain") ?? "",
    isUsingOurDns: isTrue(attr(result, "IsUsingOurDNS")),
    isPremiumDns: isTrue(attr(result, "IsPremiumDNS")),
    isUsingFreeDns: isTrue(attr(result, "IsUsingFreeDNS")),
    nameservers: list(result, "Nameserver")
      .map((ns) => textOf(ns).trim())
      .filter((ns) => ns !== ""),
  };
}

/** setHosts succeeded only with Status OK *and* IsSuccess="true" (namecheap.md §1.4). */
export function readSetHostsSuccess(commandResponse: XmlObject): boolean {
  return isTrue(attr(required(commandResponse, "DomainDNSSetHostsResult"), "IsSuccess"));
}

/** A result element the answer lacks: reported as a malformed answer, not a crash. */
export class MissingElementError extends Error {
  override readonly name = "MissingElementError";
}

function required(parent: XmlObject, name: string): XmlObject {
  const found = child(parent, name);
  if (!found) throw new MissingElementError(`the answer has no <${name}> element`);
  return found;
}

function child(parent: XmlObject | undefined, name: string): XmlObject | undefined {
  const value = lookup(parent, name);
  if (Array.isArray(value)) return asObject(value[0]);
  return asObject(value);
}

function list(parent: XmlObject | undefined, name: string): unknown[] {
  const value = lookup(parent, name);
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function attr(element: unknown, name: string): string | undefined {
  const value = lookup(asObject(element), name);
  return typeof value === "string" ? value : undefined;
}

function textOf(element: unknown): string {
  if (typeof element === "string") return element;
  const text = asObject(element)?.["#text"];
  return typeof text === "string" ? text : "";
}

function lookup(parent: XmlObject | undefined, name: string): unknown {
  if (!parent) return undefined;
  if (name in parent) return parent[name];
  const lower = name.toLowerCase();
  const key = Object.keys(parent).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : parent[key];
}

/** `<Foo />` parses as "", which for our purposes is an element without attributes. */
function asObject(value: unknown): XmlObject | undefined {
  if (value === "") return {};
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as XmlObject) : undefined;
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === "true";
}
