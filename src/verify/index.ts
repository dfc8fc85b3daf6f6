/**
 * Proving a deployed stack works: OCI push/pull (oci.ts), the IPFS gateway (ipfs.ts), TLS
 * (tls.ts), DNS (dns.ts), all as data (report.ts), with a status page (html.ts). The deployer's
 * verify step calls `verifyStack` with its state and stores the result with `writeLastVerify`;
 * `status` reads it back with `readLastVerify`.
 */
export { checkDns, findAuthoritativeServers, type DnsCheckOptions, type DnsExpectation } from "./dns.js";
export { renderStatusPage } from "./html.js";
export { verifyGateway, type GatewayVerifyOptions } from "./ipfs.js";
export { verifyRegistry, type RegistryVerifyOptions } from "./oci.js";
export type { RegistryCredentials } from "./oci-auth.js";
export { buildReport, formatReportText, type CheckOutcome, type CheckResult, type ServiceReport, type VerifyReport } from "./report.js";
export { verifyStack, type StackVerifyOptions } from "./stack.js";
export { deployStatePath, lastVerifyPath, readDeployState, readLastVerify, writeLastVerify, VerifyStateError, type DeployState } from "./state.js";
export { checkTls, type TlsCheckOptions } from "./tls.js";
