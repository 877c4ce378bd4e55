/**
 * Rules that depend on the environment's stage or on several fields at once.
 *
 * Each rule is one entry: an id named after what it enforces, the reason in one line, and a check
 * that returns the problems it finds (path inside the environment + message). Field-level limits
 * (ranges, formats) are in schema.ts.
 */
import { managedLoginHostname, type EnvironmentConfig } from "./resolve";
import { STAGES, type Stage } from "./schema";
import { bootstrapStateKey } from "./names";

export interface Problem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface Rule {
  readonly id: string;
  readonly reason: string;
  readonly check: (env: EnvironmentConfig) => Problem[];
}

const atLeast = (env: EnvironmentConfig, stage: Stage) => STAGES.indexOf(env.stage) >= STAGES.indexOf(stage);
const problem = (path: Problem["path"], message: string): Problem[] => [{ path, message }];
const ok: Problem[] = [];

const RESERVED_TAGS = ["Project", "Environment", "ManagedBy"];

/** Shortest password each stage accepts (rule PasswordMinimumLength); dev has no minimum beyond Cognito's 6. */
const MIN_PASSWORD_LENGTH: Partial<Record<Stage, number>> = { staging: 12, prod: 15 };

/** AWS managed rule groups every user-pool web ACL has (stacks/constructs/waf). */
export const BUILT_IN_WAF_GROUPS = ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesKnownBadInputsRuleSet"] as const;

/** AWS WAF Fraud Control groups, which a user-pool web ACL may not contain, with the reason. */
const FRAUD_CONTROL_GROUPS: Record<string, string> = {
  AWSManagedRulesATPRuleSet: "AWS WAF refuses to associate a web ACL with account takeover prevention (ATP) with a Cognito user pool",
  AWSManagedRulesACFPRuleSet:
    "account creation fraud prevention (ACFP) is not available for Cognito user pools (use threat protection instead)",
};

/**
 * Size limits of a managed login branding style. Cognito: CreateManagedLoginBranding "has a 2-megabyte
 * request-size limit" (API reference, CreateManagedLoginBranding; read as 2,000,000 bytes, the safe side).
 * CloudFormation, through which the style is deployed while aws provider 5.100.0 has no resource for it:
 * a stack's TemplateBody is at most 51,200 bytes (CloudFormation API reference, CreateStack), and the
 * template holds the style once per app client; 2,048 bytes are kept for the rest of the template
 * (stacks/constructs/cognito/managed-login-branding.ts, whose test checks a style of exactly this size fits).
 */
export const BRANDING_SIZE = {
  cognitoRequestBytes: 2_000_000,
  cloudFormationTemplateBytes: 51_200,
  templateOverheadBytes: 2_048,
} as const;

/** Bytes of the style as Cognito and the template receive it (Settings and Assets as JSON). */
export const brandingStyleBytes = (branding: EnvironmentConfig["appClient"]["managedLoginBranding"]): number =>
  Buffer.byteLength(JSON.stringify({ Settings: branding.settings ?? {}, Assets: branding.assets }), "utf8");

function checkUrls(env: EnvironmentConfig, field: "callbackUrls" | "logoutUrls"): Problem[] {
  return env.appClient[field].flatMap((raw, i): Problem[] => {
    const path = ["appClient", field, i];
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return problem(path, `must be an absolute URL, got ${JSON.stringify(raw)}`);
    }
    if (url.protocol === "http:" && url.hostname === "localhost") {
      return env.stage === "dev"
        ? ok
        : problem(path, `http://localhost is allowed in dev only; use https://${env.domainName}/..., got ${JSON.stringify(raw)}`);
    }
    if (url.protocol !== "https:") {
      return problem(path, `must use https (http://localhost only in dev), got ${JSON.stringify(raw)}`);
    }
    const onDomain = url.hostname === env.domainName || url.hostname.endsWith(`.${env.domainName}`);
    if (atLeast(env, "staging") && !onDomain) {
      return problem(path, `must be on ${env.domainName} in ${env.stage}, got ${JSON.stringify(raw)}`);
    }
    return ok;
  });
}

export const RULES: readonly Rule[] = [
  {
    // NIST SP 800-63B rev. 4, section 3.1.1.2: a password used as a single factor SHALL be at least
    // 15 characters (8 when only part of MFA). MFA is OPTIONAL, so for a user without TOTP or a
    // passkey the password is the only factor: prod holds to 15, staging (test accounts) to 12.
    id: "PasswordMinimumLength",
    reason:
      "a password is the only factor for users without TOTP or a passkey: at least 15 characters in prod (NIST SP 800-63B rev. 4), 12 in staging",
    check: (env) => {
      const minimum = MIN_PASSWORD_LENGTH[env.stage];
      const got = env.userPool.passwordPolicy.minimumLength;
      return minimum !== undefined && got < minimum
        ? problem(["userPool", "passwordPolicy", "minimumLength"], `must be at least ${minimum} in ${env.stage}, got ${got}`)
        : ok;
    },
  },
  {
    // NIST SP 800-63B rev. 4, section 3.1.1.2, says verifiers SHALL NOT impose composition rules;
    // Security Hub Cognito.3 and cdk-nag COG1 require all four classes, and Cognito's policy has no
    // breached-password list of its own (threat protection's compromised-credentials check is that).
    // Kept, as a recorded deviation from NIST (__tests__/security/README.md).
    id: "PasswordCharacterClasses",
    reason: "staging and prod passwords mix lowercase, uppercase, numbers and symbols (Security Hub Cognito.3, cdk-nag COG1)",
    check: (env) =>
      atLeast(env, "staging")
        ? (["requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"] as const).flatMap((field) =>
            env.userPool.passwordPolicy[field]
              ? ok
              : problem(["userPool", "passwordPolicy", field], `must be true in ${env.stage}, got false`),
          )
        : ok,
  },
  {
    id: "DeletionProtection",
    reason: "deleting a user pool deletes every user irrecoverably",
    check: (env) =>
      atLeast(env, "staging") && !env.userPool.deletionProtection
        ? problem(["userPool", "deletionProtection"], `must be true in ${env.stage}, got false`)
        : ok,
  },
  {
    id: "ThreatProtectionEnforcedInProd",
    reason: "prod relies on adaptive authentication instead of mandatory MFA (see MfaOnWithPasskeys)",
    check: (env) =>
      env.stage === "prod" && env.userPool.threatProtection !== "ENFORCED"
        ? problem(["userPool", "threatProtection"], `must be ENFORCED in prod, got ${JSON.stringify(env.userPool.threatProtection)}`)
        : ok,
  },
  {
    // Provider 5.100.0 requires account_takeover_risk_configuration.notify_configuration.source_arn
    // (an SES identity), so the risk configuration cannot be written without one.
    id: "ThreatProtectionNeedsSes",
    reason: "threat protection's risk configuration notifies users through an SES identity",
    check: (env) =>
      env.userPool.threatProtection !== "OFF" && env.userPool.email.sender !== "SES"
        ? problem(
            ["userPool", "email", "sender"],
            `must be "SES" when threatProtection is ${env.userPool.threatProtection} (risk notifications need an SES identity), got ${JSON.stringify(env.userPool.email.sender)}`,
          )
        : ok,
  },
  {
    id: "ThreatProtectionNeedsPlus",
    reason: "AUDIT and ENFORCED fail with FeatureUnavailableInTierException below the PLUS tier",
    check: (env) =>
      env.userPool.threatProtection !== "OFF" && env.userPool.tier !== "PLUS"
        ? problem(
            ["userPool", "tier"],
            `must be PLUS when threatProtection is ${env.userPool.threatProtection}, got ${JSON.stringify(env.userPool.tier)}`,
          )
        : ok,
  },
  {
    id: "EssentialsFeaturesNeedTier",
    reason: "passkeys and password history need the ESSENTIALS or PLUS tier",
    check: (env) => {
      if (env.userPool.tier !== "LITE") return ok;
      const needs = [
        env.userPool.passkeys.enabled ? "passkeys" : undefined,
        env.userPool.passwordPolicy.passwordHistorySize > 0 ? "password history" : undefined,
      ].filter(Boolean);
      return needs.length ? problem(["userPool", "tier"], `must be ESSENTIALS or PLUS for ${needs.join(" and ")}, got "LITE"`) : ok;
    },
  },
  {
    id: "MfaInProd",
    reason: "prod must offer TOTP MFA to every user",
    check: (env) =>
      env.stage === "prod" && env.userPool.mfa === "OFF" ? problem(["userPool", "mfa"], `must be OPTIONAL or ON in prod, got "OFF"`) : ok,
  },
  {
    // Cognito rejects MFA ON with WEB_AUTHN as a first factor unless FactorConfiguration is
    // MULTI_FACTOR_WITH_USER_VERIFICATION, which aws provider 5.100.0 cannot set (hashicorp/terraform-provider-aws issue #50110).
    id: "MfaOnWithPasskeys",
    reason: "MFA ON plus passkeys as a first factor is not deployable on aws provider 5.100.0",
    check: (env) =>
      env.userPool.mfa === "ON" && env.userPool.passkeys.enabled
        ? problem(
            ["userPool", "mfa"],
            `must be OPTIONAL while passkeys are enabled (aws provider 5.100.0 cannot set FactorConfiguration), got "ON"`,
          )
        : ok,
  },
  {
    // Cognito "Email MFA" (cognito-user-pool-settings-advanced-security-email-mfa.html): email MFA
    // needs the SES (DEVELOPER) email configuration; EmailMfaConfigType: ESSENTIALS tier or higher;
    // an MFA method needs MFA OPTIONAL or ON.
    id: "EmailMfaPrerequisites",
    reason: "email MFA sends codes through SES and needs the ESSENTIALS or PLUS tier and MFA OPTIONAL or ON",
    check: (env) => {
      const pool = env.userPool;
      if (!pool.emailMfa.enabled) return ok;
      const path = ["userPool", "emailMfa", "enabled"];
      if (pool.email.sender !== "SES")
        return problem(
          path,
          `needs userPool.email.sender "SES" (Cognito sends MFA codes only through SES), got ${JSON.stringify(pool.email.sender)}: set it false or use SES`,
        );
      if (pool.tier === "LITE") return problem(path, `needs userPool.tier "ESSENTIALS" or "PLUS", got "LITE"`);
      if (pool.mfa === "OFF") return problem(path, `needs userPool.mfa "OPTIONAL" or "ON", got "OFF"`);
      return ok;
    },
  },
  {
    // API reference, AccountTakeoverActionType: MFA_REQUIRED blocks the request when the user has no
    // factor to be challenged with; with email MFA every user has one (the required email).
    id: "AdaptiveAuthenticationHasAFactor",
    reason: "medium-risk sign-ins must pass MFA (MFA_REQUIRED): without email MFA every user without TOTP would be blocked",
    check: (env) =>
      env.userPool.threatProtection !== "OFF" && !env.userPool.emailMfa.enabled
        ? problem(
            ["userPool", "emailMfa", "enabled"],
            `must be true while threatProtection is ${env.userPool.threatProtection} (medium-risk sign-ins are challenged by email), got false`,
          )
        : ok,
  },
  {
    // Cognito Developer Guide, "Working with compromised-credentials detection": Cognito does not check
    // sign-ins with the SRP flow, which never sends the password.
    id: "SrpSignInSkipsLeakedPasswordCheck",
    reason:
      "SRP sign-ins are never checked for compromised credentials: where threat protection blocks them, passwords sign in through checked flows",
    check: (env) =>
      env.appClient.allowSrpSignIn && env.userPool.threatProtection !== "OFF"
        ? problem(
            ["appClient", "allowSrpSignIn"],
            `must be false while threatProtection is ${env.userPool.threatProtection} (Cognito cannot check an SRP sign-in against leaked passwords), got true`,
          )
        : ok,
  },
  {
    id: "ClientHasPasswordSignIn",
    reason: "a client needs a password sign-in flow: LITE has no choice-based sign-in (ALLOW_USER_AUTH), so it needs SRP",
    check: (env) =>
      env.userPool.tier === "LITE" && !env.appClient.allowSrpSignIn
        ? problem(["appClient", "allowSrpSignIn"], `must be true on the LITE tier (no ALLOW_USER_AUTH there), got false`)
        : ok,
  },
  {
    id: "PasskeyUserVerificationInProd",
    reason: "a prod passkey must prove the user (biometric or PIN), not only the device",
    check: (env) =>
      env.stage === "prod" && env.userPool.passkeys.enabled && env.userPool.passkeys.userVerification !== "required"
        ? problem(
            ["userPool", "passkeys", "userVerification"],
            `must be "required" in prod, got ${JSON.stringify(env.userPool.passkeys.userVerification)}`,
          )
        : ok,
  },
  {
    // Browsers: a page may use as relying party only its own host or a parent of it that is not a
    // public suffix (WebAuthn Level 2, "Relying Party Identifier"); auth.<region>.amazoncognito.com is
    // on the Public Suffix List, so on a prefix domain only the full host works. Cognito: with a
    // custom domain and managed login the relying party must be that domain (API reference,
    // WebAuthnConfigurationType.RelyingPartyId, 1-127 characters).
    id: "PasskeyRelyingParty",
    reason: "passkeys only work when the relying party is the host of the pages that run the ceremony, or a parent of it",
    check: (env) => {
      const passkeys = env.userPool.passkeys;
      if (!passkeys.enabled) return ok;
      const path = ["userPool", "passkeys", "relyingPartyId"];
      const rp = env.passkeyRelyingPartyId;
      const got = `got ${JSON.stringify(rp)}`;
      if (rp.length > 127) return problem(path, `must be at most 127 characters (Cognito's limit), ${got}`);
      if (passkeys.ceremony === "managedLogin") {
        const host = managedLoginHostname(env.authDomain, env.region);
        if (rp === host) return ok;
        return problem(
          path,
          env.authDomain.kind === "custom"
            ? `must be the custom auth domain ${JSON.stringify(host)} while passkeys run on managed login (Cognito requires it), ${got}`
            : `must be managed login's host ${JSON.stringify(host)} while passkeys run on managed login: a browser accepts only that host there (auth.${env.region}.amazoncognito.com is a public suffix), ${got}`,
        );
      }
      const onAppDomain = rp === env.domainName || (env.domainName.endsWith(`.${rp}`) && rp.includes("."));
      return onAppDomain
        ? ok
        : problem(
            path,
            `must be ${JSON.stringify(env.domainName)} or a parent domain of it while passkeys run on the app's pages (a browser accepts only the page's host or a parent), ${got}`,
          );
    },
  },
  {
    id: "SesEmailOutsideDev",
    reason: "Cognito's default sender is limited to 50 emails a day: not enough for real users",
    check: (env) =>
      atLeast(env, "staging") && env.userPool.email.sender !== "SES"
        ? problem(["userPool", "email", "sender"], `must be "SES" in ${env.stage}, got ${JSON.stringify(env.userPool.email.sender)}`)
        : ok,
  },
  {
    id: "TokensNotLongerThanRefresh",
    reason: "Cognito refuses access or ID tokens that outlive the refresh token",
    check: (env) =>
      (["accessTokenMinutes", "idTokenMinutes"] as const).flatMap((field) =>
        env.appClient[field] > env.appClient.refreshTokenMinutes
          ? problem(
              ["appClient", field],
              `must not exceed refreshTokenMinutes (${env.appClient.refreshTokenMinutes}), got ${env.appClient[field]}`,
            )
          : ok,
      ),
  },
  { id: "CallbackUrls", reason: "OAuth redirects only to this app over https", check: (env) => checkUrls(env, "callbackUrls") },
  { id: "LogoutUrls", reason: "OAuth redirects only to this app over https", check: (env) => checkUrls(env, "logoutUrls") },
  {
    id: "LogRetentionInProd",
    reason: "prod logs are evidence for a year at least",
    check: (env) =>
      env.stage === "prod" && env.monitoring.logRetentionDays < 365
        ? problem(["monitoring", "logRetentionDays"], `must be at least 365 in prod, got ${env.monitoring.logRetentionDays}`)
        : ok,
  },
  {
    id: "WafInStagingAndProd",
    reason: "the pool allows self sign-up: staging and prod need a rate limit and IP reputation in front of it",
    check: (env) =>
      atLeast(env, "staging") && env.waf.mode === "off"
        ? problem(["waf", "mode"], `must be "count" or "block" in ${env.stage}, got "off"`)
        : ok,
  },
  {
    id: "WafSignInRateLimits",
    reason: "a sign-in limit above the limit on every request never acts: the broader rule stops the address first",
    check: (env) =>
      (["api", "managedLogin"] as const).flatMap((kind) =>
        env.waf.signInRateLimits[kind] > env.waf.rateLimitPerIp
          ? problem(
              ["waf", "signInRateLimits", kind],
              `must not exceed waf.rateLimitPerIp (${env.waf.rateLimitPerIp}), got ${env.waf.signInRateLimits[kind]}`,
            )
          : ok,
      ),
  },
  {
    // Cognito Developer Guide, "Associate an AWS WAF web ACL with a user pool": a web ACL with the
    // ATP group cannot be associated with a user pool. AWS WAF best practices ("Fraud Prevention"):
    // Fraud Control (ATP and ACFP) is not available for Amazon Cognito user pools.
    id: "WafRuleGroupsForUserPools",
    reason: "a user-pool web ACL may not use AWS WAF Fraud Control (ATP, ACFP), and each rule group appears once",
    check: (env) =>
      env.waf.extraManagedRuleGroups.flatMap((name, i): Problem[] => {
        const path = ["waf", "extraManagedRuleGroups", i];
        if (name in FRAUD_CONTROL_GROUPS) return problem(path, `must not be ${name}: ${FRAUD_CONTROL_GROUPS[name]}`);
        if ((BUILT_IN_WAF_GROUPS as readonly string[]).includes(name) || env.waf.extraManagedRuleGroups.indexOf(name) !== i)
          return problem(
            path,
            `must not repeat ${name}: each rule group is in the web ACL once (built in: ${BUILT_IN_WAF_GROUPS.join(", ")})`,
          );
        return ok;
      }),
  },
  {
    // Cognito Developer Guide, "Exporting logs from Amazon Cognito user pools": user-activity log
    // exports are a function of threat protection, which needs the PLUS tier.
    id: "UserActivityLogsNeedThreatProtection",
    reason: "Cognito exports user activity only from PLUS-tier pools with threat protection AUDIT or ENFORCED",
    check: (env) => {
      if (!env.audit.userActivityLogs) return ok;
      if (env.userPool.tier !== "PLUS") {
        return problem(
          ["audit", "userActivityLogs"],
          `needs userPool.tier "PLUS" (Cognito exports user activity only with threat protection), got ${JSON.stringify(env.userPool.tier)}`,
        );
      }
      return env.userPool.threatProtection === "OFF"
        ? problem(
            ["audit", "userActivityLogs"],
            `needs userPool.threatProtection "AUDIT" or "ENFORCED" (Cognito writes no user activity without it), got "OFF"`,
          )
        : ok;
    },
  },
  {
    id: "ClientImportNeedsPool",
    reason: "an existing app client can only be adopted together with its user pool",
    check: (env) =>
      env.appClient.existingClientId && !env.userPool.existingUserPoolId
        ? problem(["appClient", "existingClientId"], "needs userPool.existingUserPoolId (the pool the client belongs to)")
        : ok,
  },
  {
    id: "AccessLogsElsewhere",
    reason: "logging a bucket into itself loops forever",
    check: (env) =>
      env.state.accessLogBucket === env.state.bucket
        ? problem(["state", "accessLogBucket"], `must differ from the state bucket, got ${JSON.stringify(env.state.accessLogBucket)}`)
        : ok,
  },
  {
    id: "AccessLogBucketOneSource",
    reason: "the state bucket logs to one bucket: an existing one or the one state-<env> creates",
    check: (env) =>
      env.state.accessLogBucket && env.state.createAccessLogBucket
        ? problem(
            ["state", "createAccessLogBucket"],
            `must not be true while accessLogBucket is set (${JSON.stringify(env.state.accessLogBucket)})`,
          )
        : ok,
  },
  {
    id: "StateAccessLogsOutsideDev",
    reason: "staging and prod state buckets keep server access logs (who read or wrote state)",
    check: (env) =>
      atLeast(env, "staging") && env.state.createAccessLogBucket === false && !env.state.accessLogBucket
        ? problem(
            ["state", "createAccessLogBucket"],
            `must be true in ${env.stage} unless accessLogBucket names an existing log bucket, got false`,
          )
        : ok,
  },
  {
    id: "BreakGlassInAccount",
    reason: "only principals of the environment's own account may erase state history",
    check: (env) =>
      env.state.breakGlassPrincipalArns.flatMap((arn, i) =>
        arn.split(":")[4] === env.accountId
          ? ok
          : problem(["state", "breakGlassPrincipalArns", i], `must be in account ${env.accountId}, got ${JSON.stringify(arn)}`),
      ),
  },
  {
    id: "StateKeyNotBootstrapKey",
    reason: "two stacks sharing one state file would each plan to destroy the other's resources",
    check: (env) =>
      env.state.key === bootstrapStateKey(env.name)
        ? problem(["state", "key"], `must differ from the bootstrap stack's state key, got ${JSON.stringify(env.state.key)}`)
        : ok,
  },
  {
    id: "CiOidcProviderNeedsRepository",
    reason: "an OIDC provider choice without a repository creates nothing: the setting would silently do nothing",
    check: (env) =>
      env.ci.oidcProvider !== undefined && env.ci.githubRepository === undefined
        ? problem(["ci", "oidcProvider"], `needs ci.githubRepository ("owner/repository"): without it no CI role is created`)
        : ok,
  },
  {
    // CreateManagedLoginBranding: "To create a new style with default settings, set UseCognitoProvidedValues
    // to true and don't provide values for any other options" (API reference). Without settings the
    // style is Cognito's, so images alone could not be sent.
    id: "ManagedLoginBrandingAssetsNeedSettings",
    reason: "a style with Cognito's provided values takes no other option: images go with your own settings",
    check: (env) => {
      const branding = env.appClient.managedLoginBranding;
      return branding.assets.length && !branding.settings
        ? problem(
            ["appClient", "managedLoginBranding", "assets"],
            `need managedLoginBranding.settings (the style JSON the branding designer exports): without settings Cognito's provided values apply and take no assets, got ${branding.assets.length} asset(s)`,
          )
        : ok;
    },
  },
  {
    id: "ManagedLoginBrandingSize",
    reason: "a branding style larger than Cognito's request limit or CloudFormation's template limit fails the deploy",
    check: (env) => {
      const bytes = brandingStyleBytes(env.appClient.managedLoginBranding);
      const budget = Math.min(
        BRANDING_SIZE.cognitoRequestBytes,
        BRANDING_SIZE.cloudFormationTemplateBytes - BRANDING_SIZE.templateOverheadBytes,
      );
      return bytes > budget
        ? problem(
            ["appClient", "managedLoginBranding"],
            `settings and assets must be at most ${budget} bytes of JSON (Cognito takes ${BRANDING_SIZE.cognitoRequestBytes} bytes per request; the CloudFormation template that deploys the style takes ${BRANDING_SIZE.cloudFormationTemplateBytes}), got ${bytes}`,
          )
        : ok;
    },
  },
  {
    id: "ReservedTags",
    reason: "Project, Environment and ManagedBy are set by the stack",
    check: (env) =>
      Object.keys(env.tags)
        .filter((k) => RESERVED_TAGS.includes(k))
        .flatMap((k) => problem(["tags", k], `is set by the stack; remove it (reserved: ${RESERVED_TAGS.join(", ")})`)),
  },
];
