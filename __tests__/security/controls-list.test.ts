/**
 * The control list drift detection watches (stacks/security-controls.ts) and the test suites
 * name the same controls: every control has a suite that names it (describeControl, or a describe
 * titled with controlName), anywhere under __tests__, so a control added to the list without a test
 * fails here. (A suite naming an unlisted control already fails when it loads.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { controlsOf, SECURITY_CONTROLS } from "../../stacks/security-controls";

const TESTS = join(__dirname, "..");
const testFiles = (readdirSync(TESTS, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => join(TESTS, f));

/** Control name -> the test files whose suites name it. */
const suites = new Map<string, string[]>();
for (const file of testFiles) {
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/(?:describeControl|controlName)\(\s*"(\w+)"/g)) {
    suites.set(m[1], [...(suites.get(m[1]) ?? []), relative(TESTS, file)]);
  }
}

describe("the security-control list and the test suites agree", () => {
  test.each(SECURITY_CONTROLS.map((c) => c.name))("%s has a suite under __tests__ that names it", (name) => {
    expect(suites.get(name)?.length ?? 0).toBeGreaterThan(0);
  });

  test("every control names at least one attribute, and names are unique", () => {
    for (const c of SECURITY_CONTROLS) expect(Object.values(c.attributes).flat().length).toBeGreaterThan(0);
    expect(new Set(SECURITY_CONTROLS.map((c) => c.name)).size).toBe(SECURITY_CONTROLS.length);
  });

  test("a change to a whole block concerns every control inside it; a change inside a controlled attribute concerns that control", () => {
    expect(controlsOf("aws_cognito_user_pool", "password_policy").map((c) => c.name)).toEqual([
      "CognitoUserPoolMinimumPasswordLength",
      "CognitoUserPoolPasswordComplexity",
      "CognitoUserPoolPasswordHistory",
    ]);
    expect(controlsOf("aws_cognito_user_pool_client", "callback_urls[1]").map((c) => c.name)).toEqual(["CognitoAppClientOAuthCodeFlow"]);
    expect(controlsOf("aws_cognito_user_pool", "tags.Owner")).toEqual([]);
    expect(controlsOf("aws_cognito_user_pool", "mfa_configuration_note")).toEqual([]);
  });

  test("a control limited to one address ignores other resources of its type (the log-delivery stack is not the branding stack)", () => {
    const names = (address: string) => controlsOf("aws_cloudformation_stack", "template_body", address).map((c) => c.name);
    expect(names("aws_cloudformation_stack.managed_login_branding")).toEqual(["CognitoManagedLoginBranding"]);
    expect(names("aws_cloudformation_stack.cognito_log_delivery")).toEqual([]);
  });
});
