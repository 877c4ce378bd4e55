/**
 * Every rule of config/rules.ts, keyed by its id: each has at least one numbered pair of a compliant
 * config that is accepted and a non-compliant one refused with the exact problem line. A rule
 * without a case here fails the first test, so no rule can be added untested.
 */
import { RULES } from "../config/rules";
import { describeRefusals, type RefusalCase } from "./support/config-problems";

const RULE_CASES: Readonly<Record<string, readonly RefusalCase[]>> = {
  PasswordMinimumLength: [
    {
      rule: "password minimum length >= 12 in staging",
      env: "staging",
      compliant: { userPool: { passwordPolicy: { minimumLength: 12 } } },
      nonCompliant: { userPool: { passwordPolicy: { minimumLength: 10 } } },
      problem: "staging.userPool.passwordPolicy.minimumLength: must be at least 12 in staging, got 10",
    },
    {
      rule: "password minimum length >= 12 in prod",
      env: "prod",
      compliant: { userPool: { passwordPolicy: { minimumLength: 14 } } },
      nonCompliant: { userPool: { passwordPolicy: { minimumLength: 11 } } },
      problem: "prod.userPool.passwordPolicy.minimumLength: must be at least 12 in prod, got 11",
    },
  ],
  PasswordCharacterClasses: [
    {
      rule: "all four character classes in staging",
      env: "staging",
      compliant: { userPool: { passwordPolicy: { requireSymbols: true } } },
      nonCompliant: { userPool: { passwordPolicy: { requireSymbols: false } } },
      problem: "staging.userPool.passwordPolicy.requireSymbols: must be true in staging, got false",
    },
  ],
  DeletionProtection: [
    {
      rule: "deletion protection on in staging",
      env: "staging",
      compliant: { userPool: { deletionProtection: true } },
      nonCompliant: { userPool: { deletionProtection: false } },
      problem: "staging.userPool.deletionProtection: must be true in staging, got false",
    },
    {
      rule: "deletion protection on in prod",
      env: "prod",
      compliant: { userPool: { deletionProtection: true } },
      nonCompliant: { userPool: { deletionProtection: false } },
      problem: "prod.userPool.deletionProtection: must be true in prod, got false",
    },
  ],
  ThreatProtectionEnforcedInProd: [
    {
      rule: "threat protection ENFORCED in prod",
      env: "prod",
      compliant: { userPool: { threatProtection: "ENFORCED" } },
      nonCompliant: { userPool: { threatProtection: "AUDIT" } },
      problem: 'prod.userPool.threatProtection: must be ENFORCED in prod, got "AUDIT"',
    },
  ],
  ThreatProtectionNeedsSes: [
    {
      rule: "threat protection sends its notifications through SES",
      env: "dev",
      compliant: { userPool: { tier: "PLUS", threatProtection: "AUDIT", email: { sender: "SES" } } },
      nonCompliant: { userPool: { tier: "PLUS", threatProtection: "AUDIT" } },
      problem:
        'dev.userPool.email.sender: must be "SES" when threatProtection is AUDIT (risk notifications need an SES identity), got "COGNITO_DEFAULT"',
    },
  ],
  ThreatProtectionNeedsPlus: [
    {
      rule: "threat protection needs PLUS",
      env: "staging",
      compliant: { userPool: { tier: "PLUS" } },
      nonCompliant: { userPool: { tier: "ESSENTIALS" } },
      problem: 'staging.userPool.tier: must be PLUS when threatProtection is AUDIT, got "ESSENTIALS"',
    },
  ],
  EssentialsFeaturesNeedTier: [
    {
      rule: "passkeys need ESSENTIALS",
      env: "dev",
      compliant: { userPool: { tier: "LITE", passkeys: { enabled: false }, passwordPolicy: { passwordHistorySize: 0 } } },
      nonCompliant: { userPool: { tier: "LITE", passwordPolicy: { passwordHistorySize: 0 } } },
      problem: 'dev.userPool.tier: must be ESSENTIALS or PLUS for passkeys, got "LITE"',
    },
  ],
  MfaInProd: [
    {
      rule: "MFA not OFF in prod",
      env: "prod",
      compliant: { userPool: { mfa: "OPTIONAL" } },
      nonCompliant: { userPool: { mfa: "OFF" } },
      problem: 'prod.userPool.mfa: must be OPTIONAL or ON in prod, got "OFF"',
    },
  ],
  MfaOnWithPasskeys: [
    {
      rule: "MFA ON only without passkeys",
      env: "staging",
      compliant: { userPool: { mfa: "ON", passkeys: { enabled: false } } },
      nonCompliant: { userPool: { mfa: "ON" } },
      problem:
        'staging.userPool.mfa: must be OPTIONAL while passkeys are enabled (aws provider 5.100.0 cannot set FactorConfiguration), got "ON"',
    },
  ],
  PasskeyUserVerificationInProd: [
    {
      rule: "passkey user verification required in prod",
      env: "prod",
      compliant: { userPool: { passkeys: { userVerification: "required" } } },
      nonCompliant: { userPool: { passkeys: { userVerification: "preferred" } } },
      problem: 'prod.userPool.passkeys.userVerification: must be "required" in prod, got "preferred"',
    },
  ],
  SesEmailOutsideDev: [
    {
      rule: "SES email in prod",
      env: "prod",
      compliant: { userPool: { email: { sender: "SES" } } },
      nonCompliant: { userPool: { email: { sender: "COGNITO_DEFAULT" } } },
      problem: 'prod.userPool.email.sender: must be "SES" in prod, got "COGNITO_DEFAULT"',
    },
  ],
  TokensNotLongerThanRefresh: [
    {
      rule: "access token not longer than refresh token",
      env: "prod",
      compliant: { appClient: { accessTokenMinutes: 60, refreshTokenMinutes: 60 } },
      nonCompliant: { appClient: { accessTokenMinutes: 120, refreshTokenMinutes: 60 } },
      problem: "prod.appClient.accessTokenMinutes: must not exceed refreshTokenMinutes (60), got 120",
    },
    {
      rule: "ID token not longer than refresh token",
      env: "prod",
      compliant: { appClient: { idTokenMinutes: 60, refreshTokenMinutes: 60 } },
      nonCompliant: { appClient: { idTokenMinutes: 90, refreshTokenMinutes: 60 } },
      problem: "prod.appClient.idTokenMinutes: must not exceed refreshTokenMinutes (60), got 90",
    },
  ],
  CallbackUrls: [
    {
      rule: "callback URLs use https",
      env: "dev",
      compliant: { appClient: { callbackUrls: ["https://dev.taskflow.example.com/cb"] } },
      nonCompliant: { appClient: { callbackUrls: ["http://dev.taskflow.example.com/cb"] } },
      problem: 'dev.appClient.callbackUrls[0]: must use https (http://localhost only in dev), got "http://dev.taskflow.example.com/cb"',
    },
    {
      rule: "http://localhost callback allowed in dev",
      env: "dev",
      compliant: { appClient: { callbackUrls: ["http://localhost:3000/cb"] } },
      nonCompliant: { appClient: { callbackUrls: ["ftp://localhost/cb"] } },
      problem: 'dev.appClient.callbackUrls[0]: must use https (http://localhost only in dev), got "ftp://localhost/cb"',
    },
    {
      rule: "http://localhost callback refused in prod",
      env: "prod",
      compliant: { appClient: { callbackUrls: ["https://taskflow.example.com/auth/callback"] } },
      nonCompliant: { appClient: { callbackUrls: ["https://taskflow.example.com/auth/callback", "http://localhost:4200/cb"] } },
      problem:
        'prod.appClient.callbackUrls[1]: http://localhost is allowed in dev only; use https://taskflow.example.com/..., got "http://localhost:4200/cb"',
    },
    {
      rule: "callback URLs on the environment's domain in staging",
      env: "staging",
      compliant: { appClient: { callbackUrls: ["https://app.staging.taskflow.example.com/cb"] } },
      nonCompliant: { appClient: { callbackUrls: ["https://evil.example.net/cb"] } },
      problem: 'staging.appClient.callbackUrls[0]: must be on staging.taskflow.example.com in staging, got "https://evil.example.net/cb"',
    },
    {
      rule: "callback URL is a URL",
      env: "dev",
      compliant: { appClient: { callbackUrls: ["https://dev.taskflow.example.com/"] } },
      nonCompliant: { appClient: { callbackUrls: ["/auth/callback"] } },
      problem: 'dev.appClient.callbackUrls[0]: must be an absolute URL, got "/auth/callback"',
    },
  ],
  LogoutUrls: [
    {
      rule: "logout URLs on the environment's domain in prod",
      env: "prod",
      compliant: { appClient: { logoutUrls: ["https://taskflow.example.com/bye"] } },
      nonCompliant: { appClient: { logoutUrls: ["https://taskflow.example.com.evil.net/"] } },
      problem: 'prod.appClient.logoutUrls[0]: must be on taskflow.example.com in prod, got "https://taskflow.example.com.evil.net/"',
    },
  ],
  LogRetentionInProd: [
    {
      rule: "log retention >= 365 days in prod",
      env: "prod",
      compliant: { monitoring: { logRetentionDays: 400 } },
      nonCompliant: { monitoring: { logRetentionDays: 180 } },
      problem: "prod.monitoring.logRetentionDays: must be at least 365 in prod, got 180",
    },
  ],
  ClientImportNeedsPool: [
    {
      rule: "an existing client needs its existing pool",
      env: "prod",
      compliant: { userPool: { existingUserPoolId: "ap-northeast-1_AbC123" }, appClient: { existingClientId: "abc123" } },
      nonCompliant: { appClient: { existingClientId: "abc123" } },
      problem: "prod.appClient.existingClientId: needs userPool.existingUserPoolId (the pool the client belongs to)",
    },
  ],
  AccessLogsElsewhere: [
    {
      rule: "access logs go to another bucket",
      env: "prod",
      compliant: { state: { bucket: "taskflow-tfstate-prod-1", accessLogBucket: "taskflow-access-logs" } },
      nonCompliant: { state: { bucket: "taskflow-tfstate-prod-1", accessLogBucket: "taskflow-tfstate-prod-1" } },
      problem: 'prod.state.accessLogBucket: must differ from the state bucket, got "taskflow-tfstate-prod-1"',
    },
  ],
  StateKeyNotBootstrapKey: [
    {
      rule: "state key differs from the bootstrap stack's key",
      env: "prod",
      compliant: { state: { key: "taskflow/prod/auth.tfstate" } },
      nonCompliant: { state: { key: "taskflow/prod/state-bootstrap.tfstate" } },
      problem: `prod.state.key: must differ from the bootstrap stack's state key, got "taskflow/prod/state-bootstrap.tfstate"`,
    },
  ],
  ReservedTags: [
    {
      rule: "stack-owned tags cannot be overridden",
      env: "dev",
      compliant: { tags: { Team: "auth" } },
      nonCompliant: { tags: { Environment: "production" } },
      problem: "dev.tags.Environment: is set by the stack; remove it (reserved: Project, Environment, ManagedBy)",
    },
  ],
};

describe("config/rules.ts", () => {
  test("every rule has at least one refusal case keyed by its id", () => {
    expect(RULES.map((r) => r.id).filter((id) => !RULE_CASES[id]?.length)).toEqual([]);
  });

  test("every refusal case names a rule that exists", () => {
    const ids = new Set(RULES.map((r) => r.id));
    expect(Object.keys(RULE_CASES).filter((id) => !ids.has(id))).toEqual([]);
  });

  test("rule ids are unique", () => {
    const ids = RULES.map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});

for (const [id, cases] of Object.entries(RULE_CASES)) {
  describe(id, () => describeRefusals(cases));
}
