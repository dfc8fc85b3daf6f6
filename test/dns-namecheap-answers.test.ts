/**
 * Reading Namecheap's XML answers: OK, ERROR or not an API answer at all; result elements with
 * attributes in any case, missing ones reported as a malformed answer, and empty elements.
 */
import { describe, expect, it } from "vitest";
import { MissingElementError, parseEnvelope, readHostsResult, readListResult, readSetHostsSuccess } from "../src/dns/namecheap/xml.js";

const ok = (inner: string) => `<?xml version="1.0" encoding="utf-8"?><ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response"><CommandResponse>${inner}</CommandResponse></ApiResponse>`;
function commandResponse(inner: string) {
  const envelope = parseEnvelope(ok(inner));
  if (envelope.status !== "ok") throw new Error(`not ok: ${JSON.stringify(envelope)}`);
  return envelope.commandResponse;
}

describe("parseEnvelope", () => {
  it("takes Status in any case, and an OK answer without a CommandResponse as empty", () => {
    expect(parseEnvelope('<ApiResponse Status="ok"><CommandResponse><X a="1"/></CommandResponse></ApiResponse>')).toEqual({ status: "ok", commandResponse: { X: { a: "1" } } });
    expect(parseEnvelope('<ApiResponse Status="OK"></ApiResponse>')).toEqual({ status: "ok", commandResponse: {} });
  });

  it("lists every error with its number and text; a number that is not one reads as 0", () => {
    const body = '<ApiResponse Status="ERROR"><Errors><Error Number="2019166">Domain not found</Error><Error Number="x">odd</Error><Error>bare</Error></Errors></ApiResponse>';
    expect(parseEnvelope(body)).toEqual({
      status: "error",
      errors: [
        { number: 2019166, text: "Domain not found" },
        { number: 0, text: "odd" },
        { number: 0, text: "bare" },
      ],
    });
    expect(parseEnvelope('<ApiResponse Status="Error"></ApiResponse>')).toEqual({ status: "error", errors: [] });
  });

  it("calls anything else not an API answer, saying why", () => {
    expect(parseEnvelope("<html><body>405 Not Allowed</body></html>")).toEqual({ status: "invalid", reason: "the answer has no <ApiResponse> element (an HTML page or an empty body)" });
    expect(parseEnvelope('<ApiResponse Status="MAYBE"></ApiResponse>')).toEqual({ status: "invalid", reason: 'the answer\'s Status is "MAYBE", neither OK nor ERROR' });
    expect(parseEnvelope("<ApiResponse></ApiResponse>")).toEqual({ status: "invalid", reason: 'the answer\'s Status is "", neither OK nor ERROR' });
  });
});

describe("result elements", () => {
  it("reads hosts with their attributes, whatever their case, and missing ones as empty", () => {
    const response = commandResponse(
      '<DomainDNSGetHostsResult Domain="example.com" EmailType="MX" IsUsingOurDNS="true">' +
        '<host HostId="1" Name="www" Type="A" Address="1.2.3.4" MXPref="10" TTL="1799" IsDDNSEnabled="TRUE"/>' +
        "<host/>" +
        "</DomainDNSGetHostsResult>",
    );
    expect(readHostsResult(response)).toEqual({
      domain: "example.com",
      emailType: "MX",
      isUsingOurDns: true,
      hosts: [
        { hostId: "1", name: "www", type: "A", address: "1.2.3.4", mxPref: "10", ttl: "1799", isDDNSEnabled: true },
        { hostId: undefined, name: "", type: "", address: "", mxPref: "", ttl: "", isDDNSEnabled: false },
      ],
    });
  });

  it("finds elements and attributes spelt in another case when the usual spelling is absent", () => {
    const response = commandResponse('<domaindnsgethostsresult domain="example.com"><Host hostid="2" name="@" type="TXT" address=" v=spf1 " mxpref="10" ttl="300"/></domaindnsgethostsresult>');
    expect(readHostsResult(response)).toEqual({
      domain: "example.com",
      emailType: undefined,
      isUsingOurDns: false,
      hosts: [{ hostId: "2", name: "@", type: "TXT", address: " v=spf1 ", mxPref: "10", ttl: "300", isDDNSEnabled: false }],
    });
  });

  it("reads a domain's DNS list, dropping empty nameservers", () => {
    const response = commandResponse(
      '<DomainDNSGetListResult Domain="example.com" IsUsingOurDNS="false" IsPremiumDNS="true" IsUsingFreeDNS="false">' +
        "<Nameserver> dns1.registrar-servers.com </Nameserver><Nameserver></Nameserver><Nameserver>dns2.registrar-servers.com</Nameserver>" +
        "</DomainDNSGetListResult>",
    );
    expect(readListResult(response)).toEqual({
      domain: "example.com",
      isUsingOurDns: false,
      isPremiumDns: true,
      isUsingFreeDns: false,
      nameservers: ["dns1.registrar-servers.com", "dns2.registrar-servers.com"],
    });
    expect(readListResult(commandResponse("<DomainDNSGetListResult/>"))).toEqual({ domain: "", isUsingOurDns: false, isPremiumDns: false, isUsingFreeDns: false, nameservers: [] });
  });

  it("counts setHosts as done only with IsSuccess true", () => {
    expect(readSetHostsSuccess(commandResponse('<DomainDNSSetHostsResult Domain="example.com" IsSuccess=" True "/>'))).toBe(true);
    expect(readSetHostsSuccess(commandResponse('<DomainDNSSetHostsResult Domain="example.com" IsSuccess="false"/>'))).toBe(false);
    expect(readSetHostsSuccess(commandResponse('<DomainDNSSetHostsResult Domain="example.com"/>'))).toBe(false);
  });

  it("reports a missing result element as a malformed answer", () => {
    const err = (() => {
      try {
        readHostsResult(commandResponse("<Other/>"));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MissingElementError);
    expect((err as Error).name).toBe("MissingElementError");
    expect((err as Error).message).toBe("the answer has no <DomainDNSGetHostsResult> element");
  });
});
