/**
 * The security-event rule's list of audited Cognito calls: every name is a real action of the
 * Cognito user pools API (fixtures/cognito-user-pools-api-operations.txt, copied from the API
 * reference's "Actions" page), so a misspelt name cannot silently never match; and the calls that
 * change who can sign in are all there.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SECURITY_EVENT_GROUPS, SECURITY_EVENT_NAMES } from "../../stacks/constructs/monitoring/security-events";
import { ENV_NAMES, resourcesOf, synthStack } from "../support/synth";

const API_ACTIONS = readFileSync(join(__dirname, "fixtures", "cognito-user-pools-api-operations.txt"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));

/** Admin calls that change who can sign in or with what rights; each must be audited. */
const MUST_AUDIT = [
  "AdminCreateUser",
  "AdminDeleteUser",
  "AdminEnableUser",
  "AdminUpdateUserAttributes",
  "AdminSetUserMFAPreference",
  "AdminAddUserToGroup",
  "AdminRemoveUserFromGroup",
  "CreateGroup",
  "UpdateGroup",
  "DeleteGroup",
  "CreateUserPoolClient",
  "AddUserPoolClientSecret",
  "CreateIdentityProvider",
  "UpdateIdentityProvider",
  "DeleteIdentityProvider",
  "AdminLinkProviderForUser",
  "CreateResourceServer",
  "UpdateResourceServer",
  "AddCustomAttributes",
  "SetUICustomization",
  "SetLogDeliveryConfiguration",
  "CreateUserImportJob",
  "StartUserImportJob",
  "AdminUpdateDeviceStatus",
];

describe("SecurityEventNamesAreApiActions: every audited name is an action of the Cognito user pools API (a misspelt name never matches)", () => {
  test("the fixture holds the API's action list (sanity: known actions present, no duplicates)", () => {
    expect(API_ACTIONS.length).toBeGreaterThan(100);
    expect(new Set(API_ACTIONS).size).toBe(API_ACTIONS.length);
    expect(API_ACTIONS).toEqual(expect.arrayContaining(["InitiateAuth", "AdminCreateUser", "UpdateUserPool"]));
  });

  test.each([...SECURITY_EVENT_NAMES])("%s is an API action", (name) => {
    expect(API_ACTIONS).toContain(name);
  });

  test("a misspelling is caught (AdminSetUserMfaPreference is not an action; the API spells MFA in capitals)", () => {
    expect(API_ACTIONS).not.toContain("AdminSetUserMfaPreference");
  });
});

describe("SecurityEventsAuditWhoCanSignIn: admin calls that change who can sign in, with which rights, or what is logged are audited", () => {
  test.each(MUST_AUDIT)("%s is audited", (name) => {
    expect(SECURITY_EVENT_NAMES).toContain(name);
  });

  test("each name is in exactly one group, and every group says what it means for the operator", () => {
    expect(new Set(SECURITY_EVENT_NAMES).size).toBe(SECURITY_EVENT_NAMES.length);
    for (const group of Object.values(SECURITY_EVENT_GROUPS)) {
      expect(group.events.length).toBeGreaterThan(0);
      expect(group.meaning.length).toBeGreaterThan(20);
    }
  });

  test.each(ENV_NAMES)("%s: the synthesized rule matches exactly the grouped list", (name) => {
    const [rule] = Object.values(resourcesOf(synthStack(name), "aws_cloudwatch_event_rule"));
    expect([...JSON.parse(rule.event_pattern).detail.eventName].sort()).toEqual([...SECURITY_EVENT_NAMES].sort());
  });
});
