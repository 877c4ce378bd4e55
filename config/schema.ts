/**
 * The shape of one environment's settings, with Cognito's and AWS's own limits as rules.
 *
 * This file only describes single fields and their defaults. Rules that depend on the environment
 * (prod is stricter than dev) or on several fields at once live in `rules.ts`, so each rule is
 * written once and has one refusing test.
 */
import { z } from "zod";
import { AWS_REGIONS } from "./aws-regions";

/** Environments are ranked: rules name the lowest stage they apply to. */
export const STAGES = ["dev", "staging", "prod"] as const;
export type Stage = (typeof STAGES)[number];

/** Values CloudWatch Logs accepts for `retention_in_days`. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const MINUTE = 1;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Cognito token lifetime limits (UserPoolClient API reference). */
export const TOKEN_LIMITS = {
  accessOrIdMinutes: { min: 5 * MINUTE, max: 1 * DAY },
  refreshMinutes: { min: 60 * MINUTE, max: 3650 * DAY },
} as const;

/**
 * A managed login branding style's images (Cognito API reference, AssetType:
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssetType.html):
 * Category, ColorMode and Extension are these enums; Bytes is base64 of at most 1,000,000 characters;
 * ResourceId is 1-40 characters of letters, digits, _, - and spaces. A style holds at most 40 assets
 * (ManagedLoginBrandingType.Assets).
 */
export const BRANDING_ASSET = {
  categories: [
    "FAVICON_ICO",
    "FAVICON_SVG",
    "EMAIL_GRAPHIC",
    "SMS_GRAPHIC",
    "AUTH_APP_GRAPHIC",
    "PASSWORD_GRAPHIC",
    "PASSKEY_GRAPHIC",
    "PAGE_HEADER_LOGO",
    "PAGE_HEADER_BACKGROUND",
    "PAGE_FOOTER_LOGO",
    "PAGE_FOOTER_BACKGROUND",
    "PAGE_BACKGROUND",
    "FORM_BACKGROUND",
    "FORM_LOGO",
    "IDP_BUTTON_ICON",
  ],
  colorModes: ["LIGHT", "DARK", "DYNAMIC"],
  extensions: ["ICO", "JPEG", "PNG", "SVG", "WEBP"],
  maxBase64Length: 1_000_000,
  maxAssets: 40,
} as const;

const brandingAssetSchema = z
  .object({
    category: z.enum(BRANDING_ASSET.categories),
    colorMode: z.enum(BRANDING_ASSET.colorModes),
    extension: z.enum(BRANDING_ASSET.extensions),
    /** The image, base64-encoded, e.g. readFileSync("branding/logo.png").toString("base64"). */
    bytes: z
      .string()
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be the image file in base64")
      .max(BRANDING_ASSET.maxBase64Length, `must be at most ${BRANDING_ASSET.maxBase64Length} characters of base64 (AssetType.Bytes)`),
    resourceId: z
      .string()
      .regex(/^[\w\- ]{1,40}$/, "must be 1-40 letters, digits, spaces, _ or - (AssetType.ResourceId)")
      .optional(),
  })
  .strict();

const hostnamePattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const hostname = (what: string) => z.string().regex(hostnamePattern, `must be a lowercase DNS ${what} such as "taskflow.example.com"`);

const int = (min: number, max: number, unit = "") =>
  z
    .number()
    .int(`must be a whole number${unit ? ` of${unit}` : ""}`)
    .min(min, `must be between ${min} and ${max}${unit}`)
    .max(max, `must be between ${min} and ${max}${unit}`);

export const accountIdSchema = z.string().regex(/^\d{12}$/, "must be 12 digits");

export const regionSchema = z.string().refine((r) => AWS_REGIONS.includes(r), 'must be an AWS Region name such as "ap-northeast-1"');

/** S3 bucket naming rules (general purpose buckets), as written in the S3 user guide. */
export const bucketNameSchema = z
  .string()
  .min(3, "must be 3 to 63 characters")
  .max(63, "must be 3 to 63 characters")
  .regex(
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    "must use only lowercase letters, digits, dots and hyphens, and start and end with a letter or digit",
  )
  .refine((s) => !s.includes(".."), "must not contain two adjacent dots")
  .refine((s) => !/^\d+\.\d+\.\d+\.\d+$/.test(s), "must not look like an IP address")
  .refine((s) => !/^(xn--|sthree-|amzn-s3-demo-)/.test(s), "must not start with xn--, sthree- or amzn-s3-demo-")
  .refine(
    (s) => !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(s),
    "must not end with a reserved S3 suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)",
  )
  // Dots break virtual-hosted TLS certificates for the state bucket; refuse them rather than debug them later.
  .refine((s) => !s.includes("."), "must not contain dots (TLS to virtual-hosted buckets fails with dotted names)");

/** Length of one alarm period. CloudWatch's standard resolution: 60 s or a multiple of 60 s. */
const periodSecondsSchema = z
  .number()
  .int("must be a whole number of seconds")
  .min(60, "must be at least 60 seconds (standard-resolution metrics)")
  .refine((p) => p % 60 === 0, "must be a multiple of 60 seconds");

const alarmSchema = (defaults: { threshold: number; periodSeconds?: number; evaluationPeriods: number }) =>
  z
    .object({
      /** Alarm threshold: reached (>=) for events that should never happen (throttles, risk events), exceeded (>) for the rest. */
      threshold: z.number().positive("must be greater than 0"),
      periodSeconds: periodSecondsSchema.default(defaults.periodSeconds ?? 300),
      /** Consecutive periods over the threshold before the alarm fires. */
      evaluationPeriods: int(1, 100).default(defaults.evaluationPeriods),
    })
    .strict()
    .default({ threshold: defaults.threshold });

export const environmentSchema = z
  .object({
    /** Which rule set applies. Defaults to the environment's name when that is dev, staging or prod. */
    stage: z.enum(STAGES).optional(),
    accountId: accountIdSchema,
    /** Region of every resource but the us-east-1 certificate. Default: ap-northeast-1. */
    region: regionSchema.default("ap-northeast-1"),
    /** The application's public domain. Callback URLs and the passkey relying party derive from it. */
    domainName: hostname("name"),
    /** Receives alarm and security-event notifications (the subscription must be confirmed once). */
    alertEmail: z.string({ required_error: "is required: alarms need somewhere to go" }).email("must be an email address"),
    /** Extra tags on every resource. Project, Environment and ManagedBy are set by the stack. */
    tags: z
      .record(
        z.string().regex(/^[\w.:/=+@ -]{1,128}$/, "tag keys must be 1-128 characters of letters, digits, spaces and _.:/=+-@"),
        z.string().max(256, "tag values must be at most 256 characters"),
      )
      .default({}),

    userPool: z
      .object({
        /** Default: taskflow-<env> (staging's existing pool is named taskflow-stg: set it there). */
        name: z
          .string()
          .regex(/^[\w\s+=,.@-]{1,128}$/, "must be 1-128 characters of letters, digits, spaces and +=,.@-_")
          .optional(),
        /** Feature plan. Threat protection needs PLUS; passkeys and password history need ESSENTIALS. Default: PLUS. */
        tier: z.enum(["LITE", "ESSENTIALS", "PLUS"]).default("PLUS"),
        /** Cognito's own deletion protection. Default: on. */
        deletionProtection: z.boolean().default(true),
        passwordPolicy: z
          .object({
            /**
             * Default: 15, NIST SP 800-63B rev. 4's minimum for a password that is the only factor
             * (prod may not go lower, staging not below 12: rule PasswordMinimumLength). Cognito allows 6-99.
             */
            minimumLength: int(6, 99, " characters").default(15),
            requireLowercase: z.boolean().default(true),
            requireUppercase: z.boolean().default(true),
            requireNumbers: z.boolean().default(true),
            requireSymbols: z.boolean().default(true),
            /** Days an admin-set temporary password stays valid. Default: 3. (Cognito reads 0 as 7: write 7.) */
            temporaryPasswordValidityDays: int(1, 365, " days").default(3),
            /** Previous passwords a user cannot reuse. Needs ESSENTIALS or PLUS. Default: 5. */
            passwordHistorySize: int(0, 24).default(5),
          })
          .strict()
          .default({}),
        /** OFF, OPTIONAL or ON. Default: OPTIONAL (see rules.ts for why prod is not ON). */
        mfa: z.enum(["OFF", "OPTIONAL", "ON"]).default("OPTIONAL"),
        /**
         * Email MFA: a one-time code sent to the user's email address. With it every user has a second
         * factor (email is the required username), so adaptive authentication's medium-risk challenge
         * reaches users without TOTP or a passkey too. Needs SES and the ESSENTIALS or PLUS tier
         * (rule EmailMfaPrerequisites); required where threat protection runs (rule
         * AdaptiveAuthenticationHasAFactor). Default: on.
         */
        emailMfa: z
          .object({
            enabled: z.boolean().default(true),
            /** Subject of the code email. Default: "Your TaskFlow sign-in code". */
            subject: z
              .string()
              .regex(/^[^\r\n]{1,140}$/, "must be 1-140 characters on one line")
              .default("Your TaskFlow sign-in code"),
            /** Body of the code email; Cognito replaces {####} with the code (EmailMfaConfigType: 6-20000 characters). */
            message: z
              .string()
              .min(6, "must be 6 to 20000 characters")
              .max(20000, "must be 6 to 20000 characters")
              .refine((m) => m.includes("{####}"), "must contain the {####} placeholder, which Cognito replaces with the code")
              .default("Your TaskFlow sign-in code is {####}. If you did not just sign in, change your password now."),
          })
          .strict()
          .default({}),
        /** Threat protection (advanced security): OFF, AUDIT or ENFORCED. Default: ENFORCED. */
        threatProtection: z.enum(["OFF", "AUDIT", "ENFORCED"]).default("ENFORCED"),
        passkeys: z
          .object({
            enabled: z.boolean().default(true),
            /** WebAuthn user verification: "required" (biometric/PIN every time) or "preferred". Default: required. */
            userVerification: z.enum(["required", "preferred"]).default("required"),
            /**
             * Where the passkey ceremony (registration and sign-in) runs, which decides the relying party:
             * "managedLogin" (Cognito's pages: the custom auth domain if there is one, else the prefix
             * domain's full host <prefix>.auth.<region>.amazoncognito.com) or "appPages" (the app's own
             * pages calling the user pools API: the app's domainName). Default: managedLogin, how the web
             * client signs in. See the PasskeyRelyingParty rule for the combinations AWS and browsers refuse.
             */
            ceremony: z.enum(["managedLogin", "appPages"]).default("managedLogin"),
            /** Relying party id. Default: derived from `ceremony` (above); set it only to pin the same value explicitly. */
            relyingPartyId: hostname("name").optional(),
          })
          .strict()
          .default({}),
        /** Sender of Cognito's emails. Default: SES, from "TaskFlow <noreply@<domainName>>". */
        email: z
          .discriminatedUnion("sender", [
            z.object({ sender: z.literal("COGNITO_DEFAULT") }).strict(),
            z
              .object({
                sender: z.literal("SES"),
                /** Verified SES identity (domain or address). Default: the environment's domainName. */
                identity: z.string().min(1).optional(),
                fromName: z
                  .string()
                  .regex(/^[^<>"\r\n]{1,64}$/, "must be 1-64 characters without <, > or quotes")
                  .default("TaskFlow"),
                fromLocalPart: z
                  .string()
                  .regex(/^[a-z0-9._+-]{1,64}$/, 'must be the part before @, such as "noreply"')
                  .default("noreply"),
              })
              .strict(),
          ])
          .default({ sender: "SES" }),
        /** Adopt an existing pool: Terraform imports this id instead of creating a new pool. */
        existingUserPoolId: z
          .string()
          .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must be a user pool id such as "ap-northeast-1_AbCdEf123"')
          .optional(),
      })
      .strict()
      .default({}),

    appClient: z
      .object({
        /** Default: taskflow-<env>-web. */
        name: z
          .string()
          .regex(/^[\w\s+=,.@-]{1,128}$/, "must be 1-128 characters of letters, digits, spaces and +=,.@-_")
          .optional(),
        /** Access token lifetime, 5 minutes to 1 day. Default: 30. */
        accessTokenMinutes: int(TOKEN_LIMITS.accessOrIdMinutes.min, TOKEN_LIMITS.accessOrIdMinutes.max, " minutes").default(30),
        /** ID token lifetime, 5 minutes to 1 day. Default: 30. */
        idTokenMinutes: int(TOKEN_LIMITS.accessOrIdMinutes.min, TOKEN_LIMITS.accessOrIdMinutes.max, " minutes").default(30),
        /** Refresh token lifetime, 60 minutes to 3650 days. Default: 7 days. */
        refreshTokenMinutes: int(TOKEN_LIMITS.refreshMinutes.min, TOKEN_LIMITS.refreshMinutes.max, " minutes").default(7 * DAY),
        /** Default: https://<domainName>/auth/callback. */
        callbackUrls: z.array(z.string()).min(1, "must list at least one URL").optional(),
        /** Default: https://<domainName>/. */
        logoutUrls: z.array(z.string()).min(1, "must list at least one URL").optional(),
        /**
         * Refresh-token rotation: every refresh returns a new refresh token and invalidates the old
         * one after retryGracePeriodSeconds (0-60, no default: say how long a retry may reuse it).
         * The app must refresh with GetTokensFromRefreshToken (README). Default: off.
         */
        refreshTokenRotation: z
          .discriminatedUnion("enabled", [
            z.object({ enabled: z.literal(false) }).strict(),
            z.object({ enabled: z.literal(true), retryGracePeriodSeconds: int(0, 60, " seconds") }).strict(),
          ])
          .default({ enabled: false }),
        /**
         * Adds ALLOW_USER_SRP_AUTH (Secure Remote Password sign-in). Cognito never sees the password in
         * an SRP sign-in, so it cannot check it against leaked credentials: refused where threat
         * protection runs (rule SrpSignInSkipsLeakedPasswordCheck). Passwords sign in through managed
         * login or choice-based sign-in (ALLOW_USER_AUTH), which are checked. Default: false.
         */
        allowSrpSignIn: z.boolean().default(false),
        /**
         * The managed login branding style of this client (every client of a managed login v2 domain needs
         * one, or its sign-in page shows "Login pages unavailable"). Default: Cognito's own look
         * (UseCognitoProvidedValues). `settings` is the style JSON the branding designer exports
         * (DescribeManagedLoginBrandingByClient's Settings); `assets` its images, which need `settings`.
         * Size limits: rules.ts (ManagedLoginBrandingSize).
         */
        managedLoginBranding: z
          .object({
            settings: z.record(z.string(), z.unknown()).optional(),
            assets: z
              .array(brandingAssetSchema)
              .max(BRANDING_ASSET.maxAssets, `must list at most ${BRANDING_ASSET.maxAssets} assets (ManagedLoginBrandingType.Assets)`)
              .default([]),
          })
          .strict()
          .default({}),
        /** Adds ALLOW_CUSTOM_AUTH (Lambda-driven challenges). Default: false. */
        allowCustomAuth: z.boolean().default(false),
        /** Adopt an existing app client (needs userPool.existingUserPoolId). */
        existingClientId: z
          .string()
          .regex(/^[a-z0-9]{1,128}$/, "must be an app client id (lowercase letters and digits)")
          .optional(),
      })
      .strict()
      .default({}),

    /** Domain of the OAuth endpoints and managed login. Default: prefix taskflow-<env>. */
    authDomain: z
      .object({
        /** <prefix>.auth.<region>.amazoncognito.com */
        prefix: z
          .string()
          .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "must be 1-63 lowercase letters, digits and hyphens")
          .refine((p) => !/aws|amazon|cognito/.test(p), "must not contain aws, amazon or cognito (Cognito refuses them)")
          .optional(),
        /** A custom domain such as auth.taskflow.example.com (needs an ACM certificate in us-east-1). */
        customDomain: hostname("name").optional(),
        /** Existing us-east-1 certificate for customDomain. Default: one is created with DNS validation. */
        certificateArn: z
          .string()
          .regex(
            /^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/,
            "must be an ACM certificate ARN in us-east-1 (managed login needs one there)",
          )
          .optional(),
      })
      .strict()
      .superRefine((d, ctx) => {
        if (d.prefix && d.customDomain) {
          ctx.addIssue({
            code: "custom",
            path: ["customDomain"],
            message: "cannot be set together with prefix: choose one domain for the OAuth endpoints",
          });
        }
        if (d.certificateArn && !d.customDomain) {
          ctx.addIssue({
            code: "custom",
            path: ["certificateArn"],
            message: "needs customDomain (a prefix domain uses Cognito's certificate)",
          });
        }
      })
      .default({}),

    monitoring: z
      .object({
        /** The TaskFlow API's Lambda function. Default: TaskFlowApi. */
        lambdaFunctionName: z
          .string()
          .regex(/^[\w-]{1,64}$/, "must be a Lambda function name")
          .default("TaskFlowApi"),
        /** The TaskFlow API's API Gateway REST API name. Default: TaskFlowApi. */
        apiGatewayName: z.string().min(1).max(1024).default("TaskFlowApi"),
        /** Failure rate of sign-ins, in percent. Default: over 50 % for 3 periods of 5 minutes. */
        signInFailureRate: z
          .object({
            thresholdPercent: z
              .number()
              .gt(0, "must be between 0 and 100 percent")
              .max(100, "must be between 0 and 100 percent")
              .default(50),
            periodSeconds: periodSecondsSchema.default(300),
            evaluationPeriods: int(1, 100).default(3),
            /** Below this many attempts per period the rate counts as 0: three typos are not an attack. Default: 10. */
            minimumAttempts: int(1, 1_000_000).default(10),
          })
          .strict()
          .default({}),
        /** Any throttled sign-in, sign-up or token refresh. Default: ≥ 1 in one 5-minute period. */
        throttles: alarmSchema({ threshold: 1, evaluationPeriods: 1 }),
        /** High-risk account-takeover and compromised-credential events. Default: ≥ 1 in 5 minutes. */
        riskEvents: alarmSchema({ threshold: 1, evaluationPeriods: 1 }),
        /** Risky requests at any risk level (backstop without the RiskLevel dimension). Default: ≥ 10 in 5 minutes. */
        riskBackstop: alarmSchema({ threshold: 10, evaluationPeriods: 1 }),
        /** Lambda Errors. Default: more than 10 for 2 periods. */
        lambdaErrors: alarmSchema({ threshold: 10, evaluationPeriods: 2 }),
        /** Lambda Throttles. Default: ≥ 1 for 1 period. */
        lambdaThrottles: alarmSchema({ threshold: 1, evaluationPeriods: 1 }),
        /** API Gateway 5XXError count. Default: more than 5 for 2 periods. */
        api5xx: alarmSchema({ threshold: 5, evaluationPeriods: 2 }),
        /** API Gateway Latency p99 in milliseconds. Default: over 3000 ms for 3 periods. */
        apiLatencyP99Ms: alarmSchema({ threshold: 3000, evaluationPeriods: 3 }),
        /** Retention of every log group this project owns. Default: 365 (prod may not go lower). */
        logRetentionDays: z
          .number()
          .refine(
            (d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d),
            `must be one of CloudWatch's retention values: ${LOG_RETENTION_DAYS.join(", ")}`,
          )
          .default(365),
      })
      .strict()
      .default({}),

    /**
     * AWS WAF web ACL associated with the user pool: it inspects managed login and the unauthenticated
     * user pools API (InitiateAuth, SignUp, ...), before Cognito's own quotas (Cognito Developer Guide,
     * "Associate an AWS WAF web ACL with a user pool"). What a user-pool web ACL may not contain is
     * refused here and in rules.ts (WafRuleGroupsForUserPools).
     */
    waf: z
      .object({
        /**
         * "block" (rules act), "count" (rules only count matches: tune before blocking) or "off".
         * Default: off in dev, count in staging, block in prod (staging and prod may not be off).
         * No CAPTCHA or challenge: a CAPTCHA rule can break managed login's TOTP registration
         * beyond recovery, and the user pools API answers it with a plain ForbiddenException.
         */
        mode: z
          // A union, not an enum, so the refusal carries the reason below.
          .union([z.literal("off"), z.literal("count"), z.literal("block")], {
            errorMap: () => ({
              message:
                'must be "off", "count" or "block" (no CAPTCHA or challenge: a CAPTCHA rule can break managed login\'s TOTP registration, and API callers only get ForbiddenException)',
            }),
          })
          .optional(),
        /** Requests one source IP may send in one evaluation window; more are blocked (or counted). AWS WAF allows 10 to 2,000,000,000. Default: 1000. */
        rateLimitPerIp: int(10, 2_000_000_000, " requests").default(1000),
        /** The rate rule's evaluation window: 60, 120, 300 or 600 seconds (AWS WAF's choices). Default: 300. */
        rateWindowSeconds: z
          .union([z.literal(60), z.literal(120), z.literal(300), z.literal(600)], {
            errorMap: () => ({ message: "must be 60, 120, 300 or 600 seconds (AWS WAF's evaluation windows)" }),
          })
          .default(300),
        /**
         * Tighter limits per source IP, in the same window, on the sign-in operations only (the AWS Security
         * Blog's "Protect your Amazon Cognito user pool with AWS WAF": rate-based rules per endpoint). Each
         * must not exceed rateLimitPerIp (rules.ts, WafSignInRateLimits). A sign-in is one to three calls
         * (InitiateAuth, then RespondToAuthChallenge for SRP or MFA), so 100 lets one address sign in
         * about 35 times per window.
         */
        signInRateLimits: z
          .object({
            /** User pools API calls InitiateAuth, RespondToAuthChallenge, SignUp, ForgotPassword and ConfirmForgotPassword (x-amz-target header). Default: 100. */
            api: int(10, 2_000_000_000, " requests").default(100),
            /** Managed login's sign-in, sign-up and password-reset pages and the /oauth2/token endpoint. Default: 100. */
            managedLogin: int(10, 2_000_000_000, " requests").default(100),
          })
          .strict()
          .default({}),
        /**
         * More AWS managed rule groups (vendor AWS) by name, e.g. "AWSManagedRulesCommonRuleSet", after the
         * built-in IP reputation and known-bad-inputs groups. Default: none.
         */
        extraManagedRuleGroups: z
          .array(
            z.string().regex(/^AWSManagedRules\w{1,100}$/, 'must be an AWS managed rule group name such as "AWSManagedRulesCommonRuleSet"'),
          )
          .default([]),
        /** Alarm on requests the web ACL blocked (block) or counted (count), summed over its rules. Default: ≥ 100 in one 5-minute period. */
        alarm: alarmSchema({ threshold: 100, evaluationPeriods: 1 }),
      })
      .strict()
      .default({}),

    /** Audit trail of sign-ins and of the pool's administration, kept in CloudWatch Logs. */
    audit: z
      .object({
        /**
         * Export Cognito's user-activity logs (userAuthEvents, INFO) and user-notification errors
         * (userNotification, ERROR) to CloudWatch Logs. Default: on where userPool.tier is PLUS and
         * threat protection is AUDIT or ENFORCED (Cognito writes user activity only then; see rules.ts).
         */
        userActivityLogs: z.boolean().optional(),
        /**
         * Existing log group a CloudTrail trail of this account writes to. Adds the saved query of the
         * pool's admin API calls (and lets the responder role query it). Default: none.
         */
        cloudTrailLogGroupName: z
          .string()
          .regex(/^[\w\-/.#]{1,512}$/, "must be a CloudWatch log group name (1-512 letters, digits, _ - / . #)")
          .optional(),
      })
      .strict()
      .default({}),

    incidentResponse: z
      .object({
        /**
         * Who may assume the environment's responder role (user containment and audit queries only).
         * IAM users and account roots must have signed in with MFA; roles (e.g. IAM Identity Center
         * permission sets) carry no MFA flag into the session, so their MFA is the identity provider's.
         * Default: none (no responder role).
         */
        responderPrincipalArns: z
          .array(
            z
              .string()
              .regex(
                /^arn:aws[\w-]*:iam::\d{12}:(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)$/,
                "must be the ARN of an IAM user, an IAM role or an account root (arn:aws:iam::<account>:user/..., :role/... or :root)",
              ),
          )
          .default([]),
      })
      .strict()
      .default({}),

    /** Remote state: the bootstrap stack state-<env> creates these; the environment stack's backend uses them. */
    state: z
      .object({
        /** Default: taskflow-tfstate-<accountId>-<region> (globally unique by construction). */
        bucket: bucketNameSchema.optional(),
        /** Default: taskflow/<env>/terraform.tfstate. */
        key: z
          .string()
          .regex(/^[\w.\-/]+\.tfstate$/, "must be an object key ending in .tfstate")
          .optional(),
        /** DynamoDB lock table. Default: taskflow-tfstate-lock. */
        lockTable: z
          .string()
          .regex(/^[\w.-]{3,255}$/, "must be 3-255 characters of letters, digits, _ . and -")
          .default("taskflow-tfstate-lock"),
        /** Alias of the customer-managed key for the bucket and table. Default: alias/taskflow-tfstate. */
        kmsKeyAlias: z
          .string()
          .regex(/^alias\/[\w/-]{1,250}$/, "must start with alias/ followed by letters, digits, /, _ or -")
          .refine((a) => !a.startsWith("alias/aws/"), "must not be an AWS-managed alias (alias/aws/...)")
          .default("alias/taskflow-tfstate"),
        /** Days old state versions are kept. Default: 90. */
        noncurrentVersionExpirationDays: int(1, 3650, " days").default(90),
        /**
         * Server access logs of the state bucket go to this existing bucket (same account and
         * region, writable by logging.s3.amazonaws.com). Cannot be combined with createAccessLogBucket.
         */
        accessLogBucket: bucketNameSchema.optional(),
        /**
         * state-<env> creates the access-log bucket itself (taskflow-tfstate-logs-<account>-<region>).
         * Default: true in staging and prod unless accessLogBucket is set; false in dev.
         */
        createAccessLogBucket: z.boolean().optional(),
        /** Days access logs are kept in the created log bucket. Default: 365. */
        accessLogRetentionDays: int(1, 3650, " days").default(365),
        /**
         * Days an overwritten or deleted access log stays recoverable as a noncurrent version in the
         * created log bucket: at least 30, so erased evidence of who read state can be recovered for a
         * month (only break-glass principals may delete logs or change this; see state-stack). Default: 30.
         */
        accessLogNoncurrentVersionDays: int(30, 3650, " days").default(30),
        /**
         * IAM roles or users that may still delete old versions of state objects (break-glass), and
         * delete access logs or change their lifecycle in the created log bucket. Everyone else is
         * denied s3:DeleteObjectVersion on the state bucket, and s3:DeleteObject,
         * s3:DeleteObjectVersion and s3:PutLifecycleConfiguration on the log bucket. Default: none.
         */
        breakGlassPrincipalArns: z
          .array(
            z
              .string()
              .regex(
                /^arn:aws[\w-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/,
                'must be an IAM role or user ARN such as "arn:aws:iam::333333333333:role/state-break-glass"',
              ),
          )
          .default([]),
        /** Where state-<env> keeps its own state: "local" for the first deploy, then "s3" (migrate). Default: local. */
        bootstrapBackend: z.enum(["local", "s3"]).default("local"),
      })
      .strict()
      .default({}),

    /** The GitHub Actions pipeline (.github/workflows): which repository may use this environment's CI roles. */
    ci: z
      .object({
        /**
         * "owner/repository" on GitHub. When set, state-<env> creates the plan and apply roles that this
         * repository's workflows assume through OIDC. Default: none (no CI roles).
         */
        githubRepository: z
          .string()
          .regex(
            /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/,
            'must be "owner/repository" as GitHub spells it, such as "example-org/taskflow-auth-infra"',
          )
          .optional(),
        /**
         * "create": state-<env> creates the account's GitHub OIDC identity provider; "existing": the account
         * already has one (IAM allows one provider per URL per account) and the roles trust it. Default: create.
         */
        oidcProvider: z.enum(["create", "existing"]).optional(),
        /** Branch whose pushes plan (read-only) before the reviewed apply, and whose schedule checks drift. Default: main. */
        mainBranch: z
          .string()
          .regex(/^[\w./-]{1,255}$/, 'must be a branch name such as "main"')
          .default("main"),
      })
      .strict()
      .default({}),
  })
  .strict();

/** Settings as written in environments.ts. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** Settings after field validation and defaults, before environment-derived defaults. */
export type ParsedEnvironment = z.output<typeof environmentSchema>;
