/** Image references, Link headers and upload Ranges: the small parsers the registry commands rely on. */
import { describe, expect, it } from "vitest";
import { nextLink } from "../src/registry/client.js";
import { parseHost, parseReference } from "../src/registry/reference.js";
import { rangeEnd } from "../src/registry/upload.js";

describe("image references", () => {
  it("reads host, repository, tag and digest as docker does", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(parseReference("registry.example.com/team/app:1.0")).toEqual({ host: "registry.example.com", repository: "team/app", tag: "1.0" });
    expect(parseReference("127.0.0.1:5000/app")).toEqual({ host: "127.0.0.1:5000", repository: "app" });
    expect(parseReference("127.0.0.1:5000/app", { requireTagOrDigest: true })).toEqual({ host: "127.0.0.1:5000", repository: "app", tag: "latest" });
    expect(parseReference(`localhost/a/b/c:v@${digest}`)).toEqual({ host: "localhost", repository: "a/b/c", tag: "v", digest });
  });

  it("refuses what is not a reference, saying why", () => {
    expect(() => parseReference("app:1.0")).toThrow(/names no registry host/);
    expect(() => parseReference("library/app:1.0")).toThrow(/"library" does not look like a registry host/);
    expect(() => parseReference("r.example.com/Team/app")).toThrow(/must be lowercase parts/);
    expect(() => parseReference("r.example.com/app@sha256:abc")).toThrow(/64 lowercase hex digits/);
    expect(() => parseReference("r.example.com/app:bad!tag")).toThrow(/has characters a tag cannot have/);
  });

  it("takes a host with a pasted scheme or path", () => {
    expect(parseHost("https://registry.example.com/v2/")).toBe("registry.example.com");
    expect(() => parseHost("user@host")).toThrow(/is not a registry host/);
  });
});

describe("Link pagination", () => {
  const base = new URL("https://r.example.com/");
  it("follows rel=next on the same registry only", () => {
    expect(nextLink('</v2/_catalog?last=b&n=2>; rel="next"', "https://r.example.com/v2/_catalog?n=2", base)).toBe("/v2/_catalog?last=b&n=2");
    expect(nextLink('<https://elsewhere.example/v2/_catalog?last=b>; rel="next"', "https://r.example.com/v2/_catalog", base)).toBeUndefined();
    expect(nextLink('</v2/_catalog?last=b>; rel="prev"', "https://r.example.com/v2/_catalog", base)).toBeUndefined();
    expect(nextLink(null, "https://r.example.com/v2/_catalog", base)).toBeUndefined();
  });
});

describe("upload Range headers", () => {
  it("gives the next offset", () => {
    expect(rangeEnd("0-1023")).toBe(1024);
    expect(rangeEnd("bytes=0-20971519")).toBe(20971520);
    expect(rangeEnd("0-0")).toBe(0);
    expect(rangeEnd(null)).toBeUndefined();
  });
});
