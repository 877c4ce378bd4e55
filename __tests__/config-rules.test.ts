/**
 * Every rule of config/rules.ts, keyed by its id: each has at least one numbered pair of a compliant
 * config that is accepted and a non-compliant one refused with the exact problem line. A rule
 * without a case here fails the first test, so no rule can be added untested.
 *
 * A compliant case is never the environment's shipped value (that would only show the shipped config
 * passes): it is the accepted value nearest the refused one or, for a rule that holds from a stage up,
 * the refused value one stage lower (`stage` declared in the patch), which shows where the rule starts.
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
      rule: "password minimum length >= 15 in prod (NIST SP 800-63B rev. 4, single-factor password)",
      env: "prod",
      compliant: { stage: "staging", userPool: { passwordPolicy: { minimumLength: 14 } } },
      nonCompliant: { userPool: { passwordPolicy: { minimumLength: 14 } } },
      problem: "prod.userPool.passwordPolicy.minimumLength: must be at least 15 in prod, got 14",
    },
  ],
  PasswordCharacterClasses: [
    {
      rule: "all four character classes in staging",
      env: "staging",
      compliant: { stage: "dev", userPool: { passwordPolicy: { requireSymbols: false } } },
      nonCompliant: { userPool: { passwordPolicy: { requireSymbols: false } } },
      problem: "staging.userPool.passwordPolicy.requireSymbols: must be true in staging, got false",
    },
  ],
  DeletionProtection: [
    {
      rule: "deletion protection on in staging",
      env: "staging",
      compliant: { stage: "dev", userPool: { deletionProtection: false } },
      nonCompliant: { userPool: { deletionProtection: false } },
      problem: "staging.userPool.deletionProtection: must be true in staging, got false",
    },
    {
      rule: "deletion protection on in prod",
      env: "prod",
      compliant: { stage: "dev", userPool: { deletionProtection: false } },
      nonCompliant: { userPool: { deletionProtection: false } },
      problem: "prod.userPool.deletionProtection: must be true in prod, got false",
    },
  ],
  ThreatProtectionEnforcedInProd: [
    {
      rule: "threat protection ENFORCED in prod",
      env: "prod",
      compliant: { stage: "staging", userPool: { threatProtection: "AUDIT" } },
      nonCompliant: { userPool: { threatProtection: "AUDIT" } },
      problem: 'prod.userPool.threatProtection: must be ENFORCED in prod, got "AUDIT"',
    },
  ],
  ThreatProtectionNeedsSes: [
    {
      rule: "threat protection sends its notifications through SES",
      env: "dev",
      compliant: { userPool: { tier: "PLUS", threatProtection: "AUDIT", email: { sender: "SES" }, emailMfa: { enabled: true } } },
      nonCompliant: { userPool: { tier: "PLUS", threatProtection: "AUDIT" } },
      problem:
        'dev.userPool.email.sender: must be "SES" when threatProtection is AUDIT (risk notifications need an SES identity), got "COGNITO_DEFAULT"',
    },
  ],
  ThreatProtectionNeedsPlus: [
    {
      rule: "threat protection needs PLUS",
      env: "staging",
      compliant: { userPool: { tier: "ESSENTIALS", threatProtection: "OFF" } },
      nonCompliant: { userPool: { tier: "ESSENTIALS" } },
      problem: 'staging.userPool.tier: must be PLUS when threatProtection is AUDIT, got "ESSENTIALS"',
    },
  ],
  EssentialsFeaturesNeedTier: [
    {
      rule: "passkeys need ESSENTIALS",
      env: "dev",
      compliant: {
        userPool: { tier: "LITE", passkeys: { enabled: false }, passwordPolicy: { passwordHistorySize: 0 } },
        appClient: { allowSrpSignIn: true },
      },
      nonCompliant: { userPool: { tier: "LITE", passwordPolicy: { passwordHistorySize: 0 } }, appClient: { allowSrpSignIn: true } },
      problem: 'dev.userPool.tier: must be ESSENTIALS or PLUS for passkeys, got "LITE"',
    },
  ],
  MfaInProd: [
    {
      rule: "MFA not OFF in prod",
      env: "prod",
      compliant: { userPool: { mfa: "ON", passkeys: { enabled: false } } },
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
  EmailMfaPrerequisites: [
    {
      rule: "email MFA needs SES",
      env: "dev",
      compliant: { userPool: { email: { sender: "SES" }, emailMfa: { enabled: true } } },
      nonCompliant: { userPool: { emailMfa: { enabled: true } } },
      problem:
        'dev.userPool.emailMfa.enabled: needs userPool.email.sender "SES" (Cognito sends MFA codes only through SES), got "COGNITO_DEFAULT": set it false or use SES',
    },
    {
      rule: "email MFA needs the ESSENTIALS or PLUS tier",
      env: "dev",
      compliant: { userPool: { tier: "ESSENTIALS", email: { sender: "SES" }, emailMfa: { enabled: true } } },
      nonCompliant: {
        userPool: {
          tier: "LITE",
          passkeys: { enabled: false },
          passwordPolicy: { passwordHistorySize: 0 },
          email: { sender: "SES" },
          emailMfa: { enabled: true },
        },
        appClient: { allowSrpSignIn: true },
      },
      problem: 'dev.userPool.emailMfa.enabled: needs userPool.tier "ESSENTIALS" or "PLUS", got "LITE"',
    },
    {
      rule: "email MFA needs MFA OPTIONAL or ON",
      env: "dev",
      compliant: { userPool: { mfa: "OFF" } },
      nonCompliant: { userPool: { mfa: "OFF", email: { sender: "SES" }, emailMfa: { enabled: true } } },
      problem: 'dev.userPool.emailMfa.enabled: needs userPool.mfa "OPTIONAL" or "ON", got "OFF"',
    },
  ],
  AdaptiveAuthenticationHasAFactor: [
    {
      rule: "email MFA where threat protection runs",
      env: "prod",
      compliant: { stage: "staging", userPool: { threatProtection: "OFF", emailMfa: { enabled: false } } },
      nonCompliant: { userPool: { emailMfa: { enabled: false } } },
      problem:
        "prod.userPool.emailMfa.enabled: must be true while threatProtection is ENFORCED (medium-risk sign-ins are challenged by email), got false",
    },
  ],
  SrpSignInSkipsLeakedPasswordCheck: [
    {
      rule: "no SRP sign-in where compromised credentials are blocked",
      env: "staging",
      compliant: { userPool: { threatProtection: "OFF" }, appClient: { allowSrpSignIn: true } },
      nonCompliant: { appClient: { allowSrpSignIn: true } },
      problem:
        "staging.appClient.allowSrpSignIn: must be false while threatProtection is AUDIT (Cognito cannot check an SRP sign-in against leaked passwords), got true",
    },
  ],
  ClientHasPasswordSignIn: [
    {
      rule: "a LITE pool's client signs passwords in with SRP",
      env: "dev",
      compliant: {
        userPool: { tier: "LITE", passkeys: { enabled: false }, passwordPolicy: { passwordHistorySize: 0 } },
        appClient: { allowSrpSignIn: true },
      },
      nonCompliant: { userPool: { tier: "LITE", passkeys: { enabled: false }, passwordPolicy: { passwordHistorySize: 0 } } },
      problem: "dev.appClient.allowSrpSignIn: must be true on the LITE tier (no ALLOW_USER_AUTH there), got false",
    },
  ],
  PasskeyUserVerificationInProd: [
    {
      rule: "passkey user verification required in prod",
      env: "prod",
      compliant: { stage: "staging", userPool: { passkeys: { userVerification: "preferred" } } },
      nonCompliant: { userPool: { passkeys: { userVerification: "preferred" } } },
      problem: 'prod.userPool.passkeys.userVerification: must be "required" in prod, got "preferred"',
    },
  ],
  SesEmailOutsideDev: [
    {
      rule: "SES email in prod",
      env: "prod",
      compliant: {
        stage: "dev",
        userPool: { threatProtection: "OFF", emailMfa: { enabled: false }, email: { sender: "COGNITO_DEFAULT" } },
      },
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
      compliant: { stage: "dev", appClient: { callbackUrls: ["https://taskflow.example.com/auth/callback", "http://localhost:4200/cb"] } },
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
  UserActivityLogsNeedThreatProtection: [
    {
      rule: "user activity is exported only from PLUS pools",
      env: "dev",
      compliant: {
        userPool: { tier: "PLUS", threatProtection: "AUDIT", email: { sender: "SES" }, emailMfa: { enabled: true } },
        audit: { userActivityLogs: true },
      },
      nonCompliant: { audit: { userActivityLogs: true } },
      problem:
        'dev.audit.userActivityLogs: needs userPool.tier "PLUS" (Cognito exports user activity only with threat protection), got "ESSENTIALS"',
    },
    {
      rule: "user activity is exported only with threat protection on",
      env: "dev",
      compliant: { userPool: { tier: "PLUS" }, audit: { userActivityLogs: false } },
      nonCompliant: { userPool: { tier: "PLUS" }, audit: { userActivityLogs: true } },
      problem:
        'dev.audit.userActivityLogs: needs userPool.threatProtection "AUDIT" or "ENFORCED" (Cognito writes no user activity without it), got "OFF"',
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
  AccessLogBucketOneSource: [
    {
      rule: "an existing log bucket and a created one are not both asked for",
      env: "prod",
      compliant: { state: { accessLogBucket: "acme-central-access-logs" } },
      nonCompliant: { state: { accessLogBucket: "acme-central-access-logs", createAccessLogBucket: true } },
      problem: 'prod.state.createAccessLogBucket: must not be true while accessLogBucket is set ("acme-central-access-logs")',
    },
  ],
  StateAccessLogsOutsideDev: [
    {
      rule: "staging keeps server access logs of the state bucket",
      env: "staging",
      compliant: { state: { createAccessLogBucket: false, accessLogBucket: "acme-central-access-logs" } },
      nonCompliant: { state: { createAccessLogBucket: false } },
      problem:
        "staging.state.createAccessLogBucket: must be true in staging unless accessLogBucket names an existing log bucket, got false",
    },
    {
      rule: "prod keeps server access logs of the state bucket",
      env: "prod",
      compliant: { stage: "dev", state: { createAccessLogBucket: false } },
      nonCompliant: { state: { createAccessLogBucket: false } },
      problem: "prod.state.createAccessLogBucket: must be true in prod unless accessLogBucket names an existing log bucket, got false",
    },
  ],
  BreakGlassInAccount: [
    {
      rule: "break-glass principals belong to the environment's account",
      env: "prod",
      compliant: { state: { breakGlassPrincipalArns: ["arn:aws:iam::333333333333:role/state-break-glass"] } },
      nonCompliant: { state: { breakGlassPrincipalArns: ["arn:aws:iam::111111111111:role/state-break-glass"] } },
      problem:
        'prod.state.breakGlassPrincipalArns[0]: must be in account 333333333333, got "arn:aws:iam::111111111111:role/state-break-glass"',
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
  CiOidcProviderNeedsRepository: [
    {
      rule: "an OIDC provider choice needs the repository the CI roles trust",
      env: "prod",
      compliant: { ci: { githubRepository: "example-org/taskflow-auth-infra", oidcProvider: "existing" } },
      nonCompliant: { ci: { githubRepository: undefined, oidcProvider: "existing" } },
      problem: 'prod.ci.oidcProvider: needs ci.githubRepository ("owner/repository"): without it no CI role is created',
    },
  ],
  ManagedLoginBrandingAssetsNeedSettings: [
    {
      rule: "branding images go with the style's own settings",
      env: "prod",
      compliant: {
        appClient: {
          managedLoginBranding: {
            settings: {},
            assets: [{ category: "FORM_LOGO", colorMode: "DARK", extension: "SVG", bytes: "PHN2Zz4=" }],
          },
        },
      },
      nonCompliant: {
        appClient: {
          managedLoginBranding: { assets: [{ category: "FORM_LOGO", colorMode: "DARK", extension: "SVG", bytes: "PHN2Zz4=" }] },
        },
      },
      problem:
        "prod.appClient.managedLoginBranding.assets: need managedLoginBranding.settings (the style JSON the branding designer exports): without settings Cognito's provided values apply and take no assets, got 1 asset(s)",
    },
  ],
  ManagedLoginBrandingSize: [
    {
      rule: "a branding style fits the CloudFormation template that deploys it",
      env: "dev",
      compliant: { appClient: { managedLoginBranding: { settings: { css: "x".repeat(40_000) } } } },
      // 50,000 characters plus the 35 bytes of {"Settings":{"css":""},"Assets":[]}.
      nonCompliant: { appClient: { managedLoginBranding: { settings: { css: "x".repeat(50_000) } } } },
      problem:
        "dev.appClient.managedLoginBranding: settings and assets must be at most 49152 bytes of JSON (Cognito takes 2000000 bytes per request; the CloudFormation template that deploys the style takes 51200), got 50035",
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
  PasskeyRelyingParty: [
    {
      rule: "passkeys on managed login at the prefix domain bind to its full host",
      env: "prod",
      compliant: { userPool: { passkeys: { relyingPartyId: "taskflow-prod.auth.ap-northeast-1.amazoncognito.com" } } },
      nonCompliant: { userPool: { passkeys: { relyingPartyId: "taskflow.example.com" } } },
      problem:
        'prod.userPool.passkeys.relyingPartyId: must be managed login\'s host "taskflow-prod.auth.ap-northeast-1.amazoncognito.com" while passkeys run on managed login: a browser accepts only that host there (auth.ap-northeast-1.amazoncognito.com is a public suffix), got "taskflow.example.com"',
    },
    {
      rule: "passkeys on the app's pages bind to the app's domain or a parent",
      env: "staging",
      compliant: { userPool: { passkeys: { ceremony: "appPages", relyingPartyId: "taskflow.example.com" } } },
      nonCompliant: { userPool: { passkeys: { ceremony: "appPages", relyingPartyId: "example.org" } } },
      problem:
        'staging.userPool.passkeys.relyingPartyId: must be "staging.taskflow.example.com" or a parent domain of it while passkeys run on the app\'s pages (a browser accepts only the page\'s host or a parent), got "example.org"',
    },
  ],
  WafInStagingAndProd: [
    {
      rule: "a web ACL in front of the staging pool",
      env: "staging",
      compliant: { waf: { mode: "block" } },
      nonCompliant: { waf: { mode: "off" } },
      problem: 'staging.waf.mode: must be "count" or "block" in staging, got "off"',
    },
  ],
  WafSignInRateLimits: [
    {
      rule: "a sign-in rate limit no higher than the limit on every request",
      env: "prod",
      compliant: { waf: { rateLimitPerIp: 500, signInRateLimits: { api: 500 } } },
      nonCompliant: { waf: { rateLimitPerIp: 500, signInRateLimits: { managedLogin: 600 } } },
      problem: "prod.waf.signInRateLimits.managedLogin: must not exceed waf.rateLimitPerIp (500), got 600",
    },
  ],
  WafRuleGroupsForUserPools: [
    {
      rule: "no AWS WAF Fraud Control in a user-pool web ACL",
      env: "prod",
      compliant: { waf: { extraManagedRuleGroups: ["AWSManagedRulesCommonRuleSet"] } },
      nonCompliant: { waf: { extraManagedRuleGroups: ["AWSManagedRulesATPRuleSet"] } },
      problem:
        "prod.waf.extraManagedRuleGroups[0]: must not be AWSManagedRulesATPRuleSet: AWS WAF refuses to associate a web ACL with account takeover prevention (ATP) with a Cognito user pool",
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
