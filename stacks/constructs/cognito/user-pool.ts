import { CognitoUserPool, type CognitoUserPoolConfig } from "@cdktf/provider-aws/lib/cognito-user-pool";
import type { Construct } from "constructs";
import type { SesSender } from "./email";

/**
 * Terraform address of the pool: aws_cognito_user_pool.user_pool. Pinned (not derived from the
 * construct path) because a new address plans destroy + create, and destroying a pool deletes
 * every user. addresses.json records it; __tests__/ops/addresses.test.ts fails if it changes.
 */
export const USER_POOL_LOGICAL_ID = "user_pool";

/**
 * Standard attributes' constraints exactly as Cognito reports them (0-2048): anything else shows a
 * diff on every plan. Cognito cannot change or remove an attribute once created: provider 5.100.0
 * plans such a change in place and the apply fails (seen on the emulator), so treat the schema as
 * append-only. The pool's name and username_attributes are what force a replacement.
 */
const STANDARD_STRING = { minLength: "0", maxLength: "2048" };

/** Password rules of the pool (Cognito allows a minimum length of 6 to 99). */
export interface PasswordPolicy {
  readonly minimumLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
  /** Days an admin-set temporary password stays valid (Cognito reads 0 as 7). */
  readonly temporaryPasswordValidityDays: number;
  /** Previous passwords a user cannot reuse; not sent on the LITE tier, whose API rejects it. */
  readonly passwordHistorySize: number;
}

/** The user pool's settings; unsafe combinations are the caller's to refuse (config/rules.ts does). */
export interface UserPoolProps {
  /** Name of the pool. A new name replaces the pool, which deletes every user. Required. */
  readonly name: string;
  /** Feature plan: threat protection needs PLUS; choice-based sign-in, passkeys and password history ESSENTIALS. Required. */
  readonly tier: "LITE" | "ESSENTIALS" | "PLUS";
  /** Cognito's deletion protection, and Terraform's prevent_destroy with it. Required. */
  readonly deletionProtection: boolean;
  /** Password rules. Required. */
  readonly passwordPolicy: PasswordPolicy;
  /** OFF, OPTIONAL or ON (TOTP, and email codes with `emailMfa`). Required. */
  readonly mfa: "OFF" | "OPTIONAL" | "ON";
  /**
   * Email MFA: subject and body of the code email (Cognito replaces {####} with the code). Needs
   * `sesSender`; a verified phone number then becomes the second recovery mechanism.
   * @default - no email MFA
   */
  readonly emailMfa?: { readonly subject: string; readonly message: string };
  /** Threat protection (advanced security): OFF, AUDIT (score and log) or ENFORCED (act). Required. */
  readonly threatProtection: "OFF" | "AUDIT" | "ENFORCED";
  /** A client of the pool offers custom-auth (Lambda) flows: threat protection then scores them too. @default false */
  readonly customAuthFlows?: boolean;
  /** Passkeys (WebAuthn) as a first factor besides the password. @default - no passkeys */
  readonly passkeys?: {
    /** The host the passkey ceremony runs on, or a parent of it that is not a public suffix. */
    readonly relyingPartyId: string;
    /** "required": a biometric or PIN every time; "preferred": when the authenticator can. */
    readonly userVerification: "required" | "preferred";
  };
  /** Send Cognito's emails through this SES identity. @default - Cognito's default sender (at most 50 emails a day) */
  readonly sesSender?: SesSender;
  /** Adopt this existing pool (an import block) instead of creating one. @default - a new pool */
  readonly existingUserPoolId?: string;
}

/** Email on SES in staging/prod (the default sender is capped at 50 emails a day), else Cognito's sender. */
function emailConfiguration(ses: SesSender | undefined): CognitoUserPoolConfig["emailConfiguration"] {
  return ses
    ? { emailSendingAccount: "DEVELOPER", sourceArn: ses.sourceArn, fromEmailAddress: ses.fromHeader }
    : { emailSendingAccount: "COGNITO_DEFAULT" };
}

/**
 * How a forgotten password is reset: by verified email, never SMS (SIM swapping) nor admins only.
 * With email MFA on, AWS refuses email as the only recovery mechanism (hashicorp/terraform-provider-aws
 * issue 41049: "Account_recovery_setting can't be set to only email"), so the verified phone number
 * is listed second; the app client cannot write phone_number (app-client.ts), so only an admin can
 * give a user one. A user who turns email MFA on for themselves cannot recover by email
 * (CreateUserPool, AccountRecoverySetting: "Email MFA is also disqualifying for account recovery
 * with email"): the app offers TOTP and passkeys as a user's own factors, not email.
 */
function recoveryMechanisms(pool: UserPoolProps): { name: string; priority: number }[] {
  return [{ name: "verified_email", priority: 1 }, ...(pool.emailMfa ? [{ name: "verified_phone_number", priority: 2 }] : [])];
}

/** Every field of the pool, from its props: the rules in config/rules.ts already refused unsafe combinations. */
export function userPoolConfig(pool: UserPoolProps): CognitoUserPoolConfig {
  const policy = pool.passwordPolicy;
  const passkeys = pool.passkeys;
  return {
    name: pool.name,
    userPoolTier: pool.tier,
    deletionProtection: pool.deletionProtection ? "ACTIVE" : "INACTIVE",
    // Terraform refuses to plan a destroy or replacement at all: a second lock next to Cognito's
    // own deletion protection, which a mistaken `terraform destroy` would first switch off.
    lifecycle: pool.deletionProtection ? { preventDestroy: true } : undefined,

    // Email is the username; it must be verified before it can sign in or recover the account.
    usernameAttributes: ["email"],
    autoVerifiedAttributes: ["email"],
    // Email addresses are case-insensitive. ForceNew in the provider: set from the first deploy.
    usernameConfiguration: { caseSensitive: false },
    // A changed email stays unverified (and the old one stays the sign-in) until the code is
    // confirmed, so a hijacked session cannot redirect recovery to an attacker's address.
    userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdate: ["email"] },
    adminCreateUserConfig: { allowAdminCreateUserOnly: false },
    accountRecoverySetting: { recoveryMechanism: recoveryMechanisms(pool) },

    passwordPolicy: {
      minimumLength: policy.minimumLength,
      requireLowercase: policy.requireLowercase,
      requireUppercase: policy.requireUppercase,
      requireNumbers: policy.requireNumbers,
      requireSymbols: policy.requireSymbols,
      temporaryPasswordValidityDays: policy.temporaryPasswordValidityDays,
      // Password history is an ESSENTIALS/PLUS feature: on LITE the API rejects the field itself.
      passwordHistorySize: pool.tier === "LITE" ? undefined : policy.passwordHistorySize,
    },

    // MFA is OPTIONAL in prod, not ON: Cognito rejects ON together with passkeys (WEB_AUTHN as a
    // first factor) unless FactorConfiguration = MULTI_FACTOR_WITH_USER_VERIFICATION, which aws
    // provider 5.100.0 cannot set (provider issue #50110). Prod compensates with threat
    // protection ENFORCED and adaptive authentication (risk-configuration.ts), which challenges
    // medium-risk sign-ins by email MFA. This is a documented exception to Security Hub Cognito.5
    // / cdk-nag COG2: see README "Security".
    mfaConfiguration: pool.mfa,
    // TOTP, and email codes (below). No sms_configuration: SMS codes are phishable and
    // SIM-swappable, and cost money.
    softwareTokenMfaConfiguration: pool.mfa === "OFF" ? undefined : { enabled: true },
    // Email MFA: every user has a verified email (the username), so adaptive authentication's
    // medium-risk MFA_REQUIRED always has a factor to ask for (AccountTakeoverActionType, API
    // reference). Subject and message are always written: the provider sends no
    // EmailMfaConfiguration for an empty block. Rules EmailMfaPrerequisites, AdaptiveAuthenticationHasAFactor.
    emailMfaConfiguration: pool.emailMfa ? { subject: pool.emailMfa.subject, message: pool.emailMfa.message } : undefined,

    // Threat protection (needs PLUS; rule ThreatProtectionNeedsPlus). OFF is written out, not
    // omitted, so a pool switched back to OFF does not keep its last mode.
    userPoolAddOns: {
      advancedSecurityMode: pool.threatProtection,
      // Custom-auth (Lambda) flows are only risk-scored when asked for separately.
      advancedSecurityAdditionalFlows:
        pool.customAuthFlows && pool.threatProtection !== "OFF" ? { customAuthMode: pool.threatProtection } : undefined,
    },

    // Passkeys. The relying party follows where the ceremony runs (userPool.passkeys.ceremony):
    // managed login's host (custom domain, else the prefix domain's full host) or the app's domain;
    // config/resolve.ts derives it and the PasskeyRelyingParty rule refuses what browsers or Cognito
    // reject. PASSWORD cannot be removed from the first factors.
    webAuthnConfiguration: passkeys ? { relyingPartyId: passkeys.relyingPartyId, userVerification: passkeys.userVerification } : undefined,
    signInPolicy: passkeys ? { allowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] } : undefined,

    emailConfiguration: emailConfiguration(pool.sesSender),

    // given_name and family_name are optional standard attributes: they need no schema entry.
    // Every String attribute carries string_attribute_constraints; without them every plan shows a
    // diff. Append-only: existing attributes cannot be changed (see STANDARD_STRING).
    schema: [
      {
        name: "email",
        attributeDataType: "String",
        required: true,
        mutable: true,
        developerOnlyAttribute: false,
        stringAttributeConstraints: STANDARD_STRING,
      },
      {
        // The user's tenant. The app client may read it but not write it (app-client.ts), so a user
        // cannot move themselves into another organization.
        name: "organizationId",
        attributeDataType: "String",
        required: false,
        mutable: true,
        developerOnlyAttribute: false,
        stringAttributeConstraints: { minLength: "1", maxLength: "256" },
      },
    ],

    // A new device must pass the full challenge; devices are remembered only when the user says so.
    deviceConfiguration: { challengeRequiredOnNewDevice: true, deviceOnlyRememberedOnUserPrompt: true },
  };
}

/** The environment's user pool, at a pinned address; adopted by an import block when config names an existing pool. */
export function createUserPool(scope: Construct, props: UserPoolProps): CognitoUserPool {
  const pool = new CognitoUserPool(scope, "user-pool", userPoolConfig(props));
  pool.overrideLogicalId(USER_POOL_LOGICAL_ID);
  // An `import` block (Terraform >= 1.5): the first plan adopts the pool instead of creating a
  // second one. cdktf then checks `terraform version` during app.synth(), so synthesizing an
  // environment that adopts a pool needs the Terraform CLI on PATH.
  if (props.existingUserPoolId) pool.importFrom(props.existingUserPoolId);
  return pool;
}
