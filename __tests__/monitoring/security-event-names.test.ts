/**
 * The security-event rule's list of audited Cognito calls: every name is a real action of the
 * Cognito user pools API (fixtures/cognito-user-pools-api-operations.txt, copied from the API
 * reference's "Actions" page), so a misspelt name cannot silently never match; and each is in one
 * group that says what a match means. That the synthesized rule reports exactly the expected calls
 * (fixtures/audited-cognito-events.ts) is checked in monitoring.test.ts. The two lists together cover
 * the whole API: every action is audited or written down as not security-relevant, with the reason.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NOT_SECURITY_RELEVANT } from "../../stacks/constructs/monitoring/cognito-calls-not-audited";
import { SECURITY_EVENT_GROUPS, SECURITY_EVENT_NAMES } from "../../stacks/constructs/monitoring/security-events";

const API_ACTIONS = readFileSync(join(__dirname, "fixtures", "cognito-user-pools-api-operations.txt"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));

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

describe("SecurityEventGroups: each audited call is in exactly one group, and every group says what a match means for the operator", () => {
  test("no name is in two groups", () => {
    expect(new Set(SECURITY_EVENT_NAMES).size).toBe(SECURITY_EVENT_NAMES.length);
  });

  test.each(Object.entries(SECURITY_EVENT_GROUPS))("group %s has events and a meaning of more than a few words", (_, group) => {
    expect(group.events.length).toBeGreaterThan(0);
    expect(group.meaning.length).toBeGreaterThan(20);
  });
});

describe("CognitoApiFullyClassified: every action of the Cognito user pools API is audited or listed as not security-relevant with a reason (a new action cannot slip through silently)", () => {
  const audited = new Set(SECURITY_EVENT_NAMES);
  const notAudited = Object.keys(NOT_SECURITY_RELEVANT);

  test.each(API_ACTIONS)("1. %s is either audited or listed as not security-relevant, not both", (action) => {
    expect([audited.has(action), Object.hasOwn(NOT_SECURITY_RELEVANT, action)]).toEqual(
      audited.has(action) ? [true, false] : [false, true],
    );
  });

  test("2. every action listed as not security-relevant is an API action (no stale or misspelt entry)", () => {
    expect(notAudited.filter((name) => !API_ACTIONS.includes(name))).toEqual([]);
  });

  test("3. each reason is one line of more than a few words", () => {
    const bad = Object.entries(NOT_SECURITY_RELEVANT).filter(([, reason]) => reason.length < 20 || /\n/.test(reason));
    expect(bad).toEqual([]);
  });

  test.each([
    "AdminDeleteUserAttributes",
    "AdminDisableProviderForUser",
    "AdminConfirmSignUp",
    "DeleteResourceServer",
    "CreateManagedLoginBranding",
    "UpdateManagedLoginBranding",
    "DeleteManagedLoginBranding",
  ])("4. %s (an administrator's change to accounts, scopes or the sign-in page) is audited", (action) => {
    expect(audited.has(action)).toBe(true);
  });
});
