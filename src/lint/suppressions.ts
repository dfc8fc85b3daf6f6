/**
 * Inline suppressions: YAML comments that accept a finding where it is, with a reason.
 *
 *     image: nginx:latest  # akash-stack-ignore image-unpinned: the demo tracks upstream on purpose
 *     # akash-stack-ignore ingress-without-host, port-admin-global: internal test network only
 *     # akash-stack-ignore-file denom-uact: sandbox-only file
 *
 * `akash-stack-ignore` covers its own line and, when the comment is alone on its line, the next
 * line; `akash-stack-ignore-file` covers the whole file. The reason after `:` is required: a
 * directive without one suppresses nothing and is reported (`suppression-invalid`), and so is an
 * unknown rule id. A directive that suppresses nothing is reported too (`suppression-unused`), so
 * stale ones do not pile up. Pure: text and findings in, findings out.
 *
 * Directives are found line by line, as a `#` after white space (or at the start of the line)
 * followed by the marker, without parsing the YAML: a line inside a block scalar (`args: |`) or a
 * quoted string that happens to look like one is read as a directive too.
 */
import type { Finding } from "../sdl/findings.js";
import { RULES, ruleInfo } from "../sdl/rules/catalog.js";
import { didYouMean } from "../sdl/suggest.js";

export const SUPPRESSION_INVALID = "suppression-invalid";
export const SUPPRESSION_UNUSED = "suppression-unused";

const MARKER = "akash-stack-ignore";
/** A comment that starts with the marker: `#` at the start of a line or after white space, as YAML comments are. */
const DIRECTIVE = /(^|[ \t])#[ \t]*akash-stack-ignore(-file)?(?![\w-])(.*)$/;

interface Directive {
  /** 1-based position of the `#`. */
  line: number;
  column: number;
  wholeFile: boolean;
  /** The lines it covers (unused for whole-file directives). */
  lines: readonly number[];
  ruleIds: string[];
  reason: string;
  /** Rule ids that suppressed at least one finding. */
  used: Set<string>;
}

/** A finding accepted by a directive, with the directive's reason (SARIF `suppressions[].justification`). */
export interface SuppressedFinding {
  finding: Finding;
  justification: string;
}

export interface SuppressionResult {
  /** The findings no directive covers. */
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** The directives' own findings: invalid and unused directives. */
  problems: Finding[];
}

/** Applies the text's directives to its findings. */
export function applySuppressions(text: string, findings: readonly Finding[]): SuppressionResult {
  // Nearly every SDL has no directive: skip the line scan.
  if (!text.includes(MARKER)) return { findings: [...findings], suppressed: [], problems: [] };
  const problems: Finding[] = [];
  const directives = readDirectives(text, problems);
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const directive = directives.find(
      (d) => d.ruleIds.includes(finding.ruleId) && (d.wholeFile || d.lines.includes(finding.line)),
    );
    if (directive === undefined) {
      kept.push(finding);
      continue;
    }
    directive.used.add(finding.ruleId);
    suppressed.push({ finding, justification: directive.reason });
  }
  for (const directive of directives) {
    const unused = directive.ruleIds.filter((id) => !directive.used.has(id));
    if (unused.length === 0) continue;
    const where = directive.wholeFile ? "in this file" : directive.lines.length > 1 ? "on this line or the next" : "on this line";
    problems.push(
      finding(
        SUPPRESSION_UNUSED,
        directive,
        `${MARKER}${directive.wholeFile ? "-file" : ""} ${unused.join(", ")} suppresses nothing ${where}: remove ${unused.length === 1 ? "it" : "them"} from the comment`,
      ),
    );
  }
  return { findings: kept, suppressed, problems };
}

function readDirectives(text: string, problems: Finding[]): Directive[] {
  const directives: Directive[] = [];
  const lines = text.split("\n");
  lines.forEach((rawLine, index) => {
    if (!rawLine.includes(MARKER)) return;
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    const match = DIRECTIVE.exec(line);
    if (!match) return;
    const lineNumber = index + 1;
    const hash = match.index + match[1]!.length;
    const wholeFile = match[2] !== undefined;
    const alone = line.slice(0, hash).trim() === "";
    const directive: Directive = {
      line: lineNumber,
      column: hash + 1,
      wholeFile,
      lines: alone ? [lineNumber, lineNumber + 1] : [lineNumber],
      ruleIds: [],
      reason: "",
      used: new Set(),
    };
    const form = `# ${MARKER}${wholeFile ? "-file" : ""} RULE-ID[, RULE-ID]: reason`;
    const rest = match[3]!;
    const colon = rest.indexOf(":");
    const ids = (colon === -1 ? rest : rest.slice(0, colon)).split(",").map((id) => id.trim());
    const reason = colon === -1 ? "" : rest.slice(colon + 1).trim();
    if (ids.every((id) => id === "")) {
      problems.push(finding(SUPPRESSION_INVALID, directive, `this ${MARKER} names no rule: write ${form}`));
      return;
    }
    if (reason === "") {
      problems.push(finding(SUPPRESSION_INVALID, directive, `this ${MARKER} has no reason, so it suppresses nothing: write ${form}, saying why the finding is acceptable here`));
      return;
    }
    for (const id of ids) {
      if (id === "") continue;
      if (ruleInfo(id) === undefined) {
        problems.push(finding(SUPPRESSION_INVALID, directive, `unknown rule id "${id}" in this ${MARKER}${didYouMean(id, RULES.map((r) => r.id))}; the rule ids are in docs/rules/README.md`));
      } else if (id === SUPPRESSION_INVALID || id === SUPPRESSION_UNUSED) {
        problems.push(finding(SUPPRESSION_INVALID, directive, `${id} cannot be suppressed inline: fix the comment, or ignore the rule in .akash-stack.yaml`));
      } else directive.ruleIds.push(id);
    }
    directive.reason = reason;
    if (directive.ruleIds.length > 0) directives.push(directive);
  });
  return directives;
}

function finding(ruleId: string, at: { line: number; column: number }, message: string): Finding {
  const info = ruleInfo(ruleId)!;
  return { ruleId, severity: info.severity, layer: info.layer, message, line: at.line, column: at.column, path: "" };
}

