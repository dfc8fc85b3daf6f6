/**
 * Where each rule's page lives: `docs/rules/<rule-id>.md` in the repository (generated from the
 * catalog by scripts/rule-docs.mjs), linked from SARIF's `helpUri` and from text output.
 */
import packageJson from "../../package.json" with { type: "json" };

/** The project's home page (package.json `homepage`), SARIF's `informationUri`. */
export const PROJECT_URL: string = packageJson.homepage;

/** The folder of rule pages, relative to the repository root. */
export const RULE_DOCS_FOLDER = "docs/rules";

/** The web address of a rule's page. */
export function ruleDocsUrl(ruleId: string): string {
  return `${PROJECT_URL}/blob/main/${RULE_DOCS_FOLDER}/${encodeURIComponent(ruleId)}.md`;
}
