/**
 * The control list drift detection watches (scripts/lib/security-controls.ts) and the control
 * suites describe the same Cognito controls: a control added to one and not the other fails here.
 * (A describeControl of an unlisted name already fails when its suite loads.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { controlsOf, SECURITY_CONTROLS } from "../../scripts/lib/security-controls";

const COGNITO_TYPES = [
  "aws_cognito_user_pool",
  "aws_cognito_user_pool_client",
  "aws_cognito_user_pool_domain",
  "aws_cognito_risk_configuration",
];
/** The user pool's web ACL (__tests__/security/waf-controls.test.ts). */
const WAF_TYPES = ["aws_wafv2_web_acl", "aws_wafv2_web_acl_association", "aws_wafv2_web_acl_logging_configuration"];

const described = readdirSync(__dirname)
  .filter((f) => f.endsWith(".test.ts"))
  .flatMap((f) => [...readFileSync(join(__dirname, f), "utf8").matchAll(/describeControl\(\s*"(\w+)"/g)].map((m) => m[1]));

describe("the security-control list and the control suites agree", () => {
  test.each(
    SECURITY_CONTROLS.filter((c) => Object.keys(c.attributes).some((t) => [...COGNITO_TYPES, ...WAF_TYPES].includes(t))).map((c) => c.name),
  )("%s has a describeControl in __tests__/security", (name) => {
    expect(described).toContain(name);
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
