/**
 * The row-level rules the DNS merge stands on: names relative to the zone, the ownership record's
 * format, which rows compare equal after the backend's own normalisations (trailing dots, TXT
 * quotes, case, numbers), multiset differences, and row descriptions in messages.
 */
import { describe, expect, it } from "vitest";
import { describeRow, exactRowKey, formatOwnership, normalizedRowKey, parseOwnership, relativeName, rowDifference } from "../src/dns/merge.js";
import type { ZoneRow } from "../src/dns/provider.js";

const row = (name: string, type: string, address: string, fields: Partial<ZoneRow> = {}): ZoneRow => ({ name, type, address, ttl: "300", mxPref: "10", ...fields });

describe("relativeName", () => {
  it("gives names relative to the zone, lower case, with the apex as @", () => {
    expect(relativeName("Registry", "example.com")).toBe("registry");
    expect(relativeName(" registry.Example.com. ", "EXAMPLE.com")).toBe("registry");
    expect(relativeName("example.com", "example.com")).toBe("@");
    expect(relativeName("EXAMPLE.COM.", "example.com")).toBe("@");
    expect(relativeName("", "example.com")).toBe("@");
    expect(relativeName("@", "example.com")).toBe("@");
    // A name in another zone, or one that merely ends like it, stays as it is.
    expect(relativeName("www.example.org", "example.com")).toBe("www.example.org");
    expect(relativeName("notexample.com", "example.com")).toBe("notexample.com");
  });
});

describe("the ownership record", () => {
  it("lists its names sorted, and reads them back lower case, quoted or not", () => {
    const text = formatOwnership(["registry", "ipfs"]);
    expect(text).toBe("v=akash-stack1; names=ipfs,registry");
    expect(parseOwnership(text)).toEqual(["ipfs", "registry"]);
    expect(parseOwnership(`"${text}"`)).toEqual(["ipfs", "registry"]);
    expect(parseOwnership("  v=akash-stack1;names= IPFS , ,Registry ;x=1 ")).toEqual(["ipfs", "registry"]);
  });

  it("reads nothing from another TXT value or one without names", () => {
    expect(parseOwnership("v=spf1 include:example.net ~all")).toEqual([]);
    expect(parseOwnership("v=akash-stack1")).toEqual([]);
    expect(parseOwnership("v=akash-stack1; othernames=a")).toEqual([]);
    expect(parseOwnership('"')).toEqual([]);
  });
});

describe("normalizedRowKey", () => {
  const same = (a: ZoneRow, b: ZoneRow) => normalizedRowKey(a, "example.com") === normalizedRowKey(b, "example.com");

  it("ignores what the backend changes on its own", () => {
    expect(same(row("WWW", "cname", "Target.Example.net."), row("www.example.com", "CNAME", "target.example.net"))).toBe(true);
    for (const type of ["MX", "MXE", "ALIAS", "NS"]) expect(same(row("@", type, "Mail.Example.net."), row("@", type, "mail.example.net"))).toBe(true);
    expect(same(row("x", "TXT", '"hello"'), row("x", "TXT", "hello"))).toBe(true);
    expect(same(row("x", "A", " 1.2.3.4 ", { ttl: "0300" }), row("x", "A", "1.2.3.4"))).toBe(true);
    expect(same(row("@", "MX", "mail.example.net", { mxPref: "010" }), row("@", "MX", "mail.example.net", { mxPref: "10" }))).toBe(true);
  });

  it("keeps what does matter", () => {
    // An A or TXT value keeps its case and dots; MX preferences count only for MX rows.
    expect(same(row("x", "TXT", "Hello."), row("x", "TXT", "hello"))).toBe(false);
    expect(same(row("x", "A", "1.2.3.4"), row("x", "A", "1.2.3.5"))).toBe(false);
    expect(same(row("x", "A", "1.2.3.4", { ttl: "60" }), row("x", "A", "1.2.3.4"))).toBe(false);
    expect(same(row("@", "MX", "m.example.net", { mxPref: "20" }), row("@", "MX", "m.example.net"))).toBe(false);
    expect(same(row("x", "A", "1.2.3.4", { mxPref: "20" }), row("x", "A", "1.2.3.4"))).toBe(true);
    expect(same(row("x", "CNAME", '"a.example.net"'), row("x", "CNAME", "a.example.net"))).toBe(false);
    expect(same(row("x", "TXT", "Mail.Example.net."), row("x", "TXT", "mail.example.net"))).toBe(false);
    expect(normalizedRowKey(row("www", "cname", "T.example.net."), "example.com")).toBe(JSON.stringify(["www", "CNAME", "t.example.net", "300", ""]));
  });
});

describe("exactRowKey and rowDifference", () => {
  it("compares rows byte for byte", () => {
    expect(exactRowKey(row("x", "A", "1.2.3.4"))).toBe(JSON.stringify(["x", "A", "1.2.3.4", "10", "300"]));
    expect(exactRowKey(row("x", "A", "1.2.3.4"))).not.toBe(exactRowKey(row("X", "A", "1.2.3.4")));
  });

  it("counts duplicates as separate rows on both sides", () => {
    const a1 = row("a", "A", "1.1.1.1");
    const b1 = row("b", "A", "2.2.2.2");
    const { onlyInA, onlyInB } = rowDifference([a1, a1, b1], [a1, b1, b1, row("c", "A", "3.3.3.3")], exactRowKey);
    expect(onlyInA).toEqual([a1]);
    expect(onlyInB).toEqual([b1, row("c", "A", "3.3.3.3")]);
    expect(rowDifference([a1, b1], [b1, a1], exactRowKey)).toEqual({ onlyInA: [], onlyInB: [] });
  });
});

describe("describeRow", () => {
  it("names a row, shortening a long value to 60 characters", () => {
    expect(describeRow(row("www", "A", "1.2.3.4"))).toBe("www A 1.2.3.4");
    const sixty = "x".repeat(60);
    expect(describeRow(row("t", "TXT", sixty))).toBe(`t TXT ${sixty}`);
    expect(describeRow(row("t", "TXT", `${sixty}y`))).toBe(`t TXT ${"x".repeat(57)}...`);
  });
});
