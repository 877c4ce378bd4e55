/**
 * The raw settings of each environment. Everything not written here takes the (strict) default
 * documented in config/schema.ts; dev relaxes only what the schema and rules allow.
 *
 * Account ids are examples (111111111111 / 222222222222 / 333333333333) so that synth needs no
 * AWS account: replace them with yours before the first deploy.
 */
import type { EnvironmentInput } from "./schema";

/** The GitHub repository whose workflows plan and apply every environment (state-<env> trusts it). */
const ci = { githubRepository: "example-org/taskflow-auth-infra" };

export const environments = {
  dev: {
    accountId: "111111111111",
    region: "ap-northeast-1",
    domainName: "dev.taskflow.example.com",
    alertEmail: "taskflow-alerts-dev@example.com",
    tags: { CostCenter: "taskflow-dev" },
    userPool: {
      // Throwaway pool: deletable, cheaper ESSENTIALS tier, so threat protection is off.
      tier: "ESSENTIALS",
      deletionProtection: false,
      threatProtection: "OFF",
      passwordPolicy: { minimumLength: 8 },
      passkeys: { enabled: true, userVerification: "preferred" },
      email: { sender: "COGNITO_DEFAULT" },
      // Cognito's default sender cannot send MFA codes (rule EmailMfaPrerequisites); dev has no adaptive authentication to need them.
      emailMfa: { enabled: false },
    },
    appClient: {
      accessTokenMinutes: 60,
      idTokenMinutes: 60,
      refreshTokenMinutes: 30 * 24 * 60,
      callbackUrls: ["https://dev.taskflow.example.com/auth/callback", "http://localhost:4200/auth/callback"],
      logoutUrls: ["https://dev.taskflow.example.com/", "http://localhost:4200/"],
    },
    monitoring: { logRetentionDays: 30 },
    ci,
  },
  staging: {
    accountId: "222222222222",
    region: "ap-northeast-1",
    domainName: "staging.taskflow.example.com",
    alertEmail: "taskflow-alerts-staging@example.com",
    tags: { CostCenter: "taskflow-staging" },
    userPool: {
      name: "taskflow-stg",
      // Same tier and features as prod; threat protection only reports, so E2E tests are not blocked.
      threatProtection: "AUDIT",
    },
    monitoring: { logRetentionDays: 90 },
    ci,
  },
  prod: {
    accountId: "333333333333",
    region: "ap-northeast-1",
    domainName: "taskflow.example.com",
    alertEmail: "taskflow-alerts@example.com",
    tags: { CostCenter: "taskflow-prod" },
    userPool: {
      name: "taskflow-prod",
      threatProtection: "ENFORCED",
      // OPTIONAL, not ON: see the MfaOnWithPasskeys rule in config/rules.ts.
      mfa: "OPTIONAL",
    },
    appClient: {
      accessTokenMinutes: 30,
      idTokenMinutes: 30,
      refreshTokenMinutes: 7 * 24 * 60,
    },
    monitoring: { logRetentionDays: 365 },
    ci,
  },
} satisfies Record<string, EnvironmentInput>;
