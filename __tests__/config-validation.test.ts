/**
 * Config validation, one describe per rule: a compliant case that is accepted and a
 * non-compliant case whose message names the environment and the field.
 */
import { ConfigError, loadEnvironments, parseEnvironmentConfig } from "../config";
import { describeRefusals, problemsOf, problemsOfAll, type RefusalCase } from "./support/config-problems";
import { rawEnv, type EnvName } from "./support/synth";

const DAY = 24 * 60;

const cases: RefusalCase[] = [
  {
    rule: "account id is 12 digits",
    env: "prod",
    compliant: { accountId: "444444444444" },
    nonCompliant: { accountId: "12345" },
    problem: 'prod.accountId: must be 12 digits, got "12345"',
  },
  {
    rule: "region is a real AWS Region",
    env: "staging",
    compliant: { region: "eu-west-1" },
    nonCompliant: { region: "ap-northeast-9" },
    problem: 'staging.region: must be an AWS Region name such as "ap-northeast-1", got "ap-northeast-9"',
  },
  {
    rule: "domain is a hostname",
    env: "dev",
    compliant: {
      domainName: "dev.example.org",
      appClient: { callbackUrls: ["http://localhost:4200/cb"], logoutUrls: ["http://localhost:4200/"] },
    },
    nonCompliant: { domainName: "not a host" },
    problem: 'dev.domainName: must be a lowercase DNS name such as "taskflow.example.com", got "not a host"',
  },
  {
    rule: "alert email is an email address",
    env: "prod",
    compliant: { alertEmail: "oncall@example.com" },
    nonCompliant: { alertEmail: "oncall" },
    problem: 'prod.alertEmail: must be an email address, got "oncall"',
  },
  {
    rule: "alert email is required",
    env: "prod",
    compliant: { alertEmail: "oncall@example.com" },
    nonCompliant: { alertEmail: undefined },
    problem: "prod.alertEmail: is required: alarms need somewhere to go",
  },
  {
    rule: "password minimum length within Cognito's 6-99",
    env: "dev",
    compliant: { userPool: { passwordPolicy: { minimumLength: 6 } } },
    nonCompliant: { userPool: { passwordPolicy: { minimumLength: 5 } } },
    problem: "dev.userPool.passwordPolicy.minimumLength: must be between 6 and 99 characters, got 5",
  },
  {
    rule: "password minimum length at most 99",
    env: "prod",
    compliant: { userPool: { passwordPolicy: { minimumLength: 99 } } },
    nonCompliant: { userPool: { passwordPolicy: { minimumLength: 100 } } },
    problem: "prod.userPool.passwordPolicy.minimumLength: must be between 6 and 99 characters, got 100",
  },
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
  {
    rule: "temporary password validity 1-365 days",
    env: "prod",
    compliant: { userPool: { passwordPolicy: { temporaryPasswordValidityDays: 7 } } },
    nonCompliant: { userPool: { passwordPolicy: { temporaryPasswordValidityDays: 0 } } },
    problem: "prod.userPool.passwordPolicy.temporaryPasswordValidityDays: must be between 1 and 365 days, got 0",
  },
  {
    rule: "whole numbers keep the schema's wording",
    env: "prod",
    compliant: { monitoring: { lambdaErrors: { threshold: 10, periodSeconds: 120 } } },
    nonCompliant: { monitoring: { lambdaErrors: { threshold: 10, periodSeconds: 60.5 } } },
    problem: "prod.monitoring.lambdaErrors.periodSeconds: must be a whole number of seconds, got 60.5",
  },
  {
    rule: "access token at least 5 minutes",
    env: "prod",
    compliant: { appClient: { accessTokenMinutes: 5 } },
    nonCompliant: { appClient: { accessTokenMinutes: 4 } },
    problem: "prod.appClient.accessTokenMinutes: must be between 5 and 1440 minutes, got 4",
  },
  {
    rule: "ID token at most 1 day",
    env: "prod",
    compliant: { appClient: { idTokenMinutes: DAY } },
    nonCompliant: { appClient: { idTokenMinutes: DAY + 1 } },
    problem: "prod.appClient.idTokenMinutes: must be between 5 and 1440 minutes, got 1441",
  },
  {
    rule: "refresh token at least 60 minutes",
    env: "dev",
    compliant: { appClient: { refreshTokenMinutes: 60, accessTokenMinutes: 60, idTokenMinutes: 60 } },
    nonCompliant: { appClient: { refreshTokenMinutes: 59 } },
    problem: "dev.appClient.refreshTokenMinutes: must be between 60 and 5256000 minutes, got 59",
  },
  {
    rule: "refresh token at most 3650 days",
    env: "dev",
    compliant: { appClient: { refreshTokenMinutes: 3650 * DAY } },
    nonCompliant: { appClient: { refreshTokenMinutes: 3650 * DAY + 1 } },
    problem: "dev.appClient.refreshTokenMinutes: must be between 60 and 5256000 minutes, got 5256001",
  },
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
    rule: "logout URLs on the environment's domain in prod",
    env: "prod",
    compliant: { appClient: { logoutUrls: ["https://taskflow.example.com/bye"] } },
    nonCompliant: { appClient: { logoutUrls: ["https://taskflow.example.com.evil.net/"] } },
    problem: 'prod.appClient.logoutUrls[0]: must be on taskflow.example.com in prod, got "https://taskflow.example.com.evil.net/"',
  },
  {
    rule: "callback URL is a URL",
    env: "dev",
    compliant: { appClient: { callbackUrls: ["https://dev.taskflow.example.com/"] } },
    nonCompliant: { appClient: { callbackUrls: ["/auth/callback"] } },
    problem: 'dev.appClient.callbackUrls[0]: must be an absolute URL, got "/auth/callback"',
  },
  {
    rule: "MFA mode is OFF, OPTIONAL or ON",
    env: "staging",
    compliant: { userPool: { mfa: "OPTIONAL" } },
    nonCompliant: { userPool: { mfa: "SOMETIMES" } },
    problem: 'staging.userPool.mfa: must be one of "OFF", "OPTIONAL", "ON", got "SOMETIMES"',
  },
  {
    rule: "MFA not OFF in prod",
    env: "prod",
    compliant: { userPool: { mfa: "OPTIONAL" } },
    nonCompliant: { userPool: { mfa: "OFF" } },
    problem: 'prod.userPool.mfa: must be OPTIONAL or ON in prod, got "OFF"',
  },
  {
    rule: "MFA ON only without passkeys",
    env: "staging",
    compliant: { userPool: { mfa: "ON", passkeys: { enabled: false } } },
    nonCompliant: { userPool: { mfa: "ON" } },
    problem:
      'staging.userPool.mfa: must be OPTIONAL while passkeys are enabled (aws provider 5.100.0 cannot set FactorConfiguration), got "ON"',
  },
  {
    rule: "threat protection ENFORCED in prod",
    env: "prod",
    compliant: { userPool: { threatProtection: "ENFORCED" } },
    nonCompliant: { userPool: { threatProtection: "AUDIT" } },
    problem: 'prod.userPool.threatProtection: must be ENFORCED in prod, got "AUDIT"',
  },
  {
    rule: "threat protection needs PLUS",
    env: "staging",
    compliant: { userPool: { tier: "PLUS" } },
    nonCompliant: { userPool: { tier: "ESSENTIALS" } },
    problem: 'staging.userPool.tier: must be PLUS when threatProtection is AUDIT, got "ESSENTIALS"',
  },
  {
    rule: "passkeys need ESSENTIALS",
    env: "dev",
    compliant: { userPool: { tier: "LITE", passkeys: { enabled: false }, passwordPolicy: { passwordHistorySize: 0 } } },
    nonCompliant: { userPool: { tier: "LITE", passwordPolicy: { passwordHistorySize: 0 } } },
    problem: 'dev.userPool.tier: must be ESSENTIALS or PLUS for passkeys, got "LITE"',
  },
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
  {
    rule: "passkey user verification required in prod",
    env: "prod",
    compliant: { userPool: { passkeys: { userVerification: "required" } } },
    nonCompliant: { userPool: { passkeys: { userVerification: "preferred" } } },
    problem: 'prod.userPool.passkeys.userVerification: must be "required" in prod, got "preferred"',
  },
  {
    rule: "SES email in prod",
    env: "prod",
    compliant: { userPool: { email: { sender: "SES" } } },
    nonCompliant: { userPool: { email: { sender: "COGNITO_DEFAULT" } } },
    problem: 'prod.userPool.email.sender: must be "SES" in prod, got "COGNITO_DEFAULT"',
  },
  {
    rule: "log retention >= 365 days in prod",
    env: "prod",
    compliant: { monitoring: { logRetentionDays: 400 } },
    nonCompliant: { monitoring: { logRetentionDays: 180 } },
    problem: "prod.monitoring.logRetentionDays: must be at least 365 in prod, got 180",
  },
  {
    rule: "unknown settings are refused",
    env: "prod",
    compliant: { userPool: { mfa: "OPTIONAL" } },
    nonCompliant: { userPool: { mfaa: "ON" } },
    problem: "prod.userPool.mfaa: is not a known setting (check the spelling against config/schema.ts)",
  },
  {
    rule: "stack-owned tags cannot be overridden",
    env: "dev",
    compliant: { tags: { Team: "auth" } },
    nonCompliant: { tags: { Environment: "production" } },
    problem: "dev.tags.Environment: is set by the stack; remove it (reserved: Project, Environment, ManagedBy)",
  },
  {
    rule: "an existing client needs its existing pool",
    env: "prod",
    compliant: { userPool: { existingUserPoolId: "ap-northeast-1_AbC123" }, appClient: { existingClientId: "abc123" } },
    nonCompliant: { appClient: { existingClientId: "abc123" } },
    problem: "prod.appClient.existingClientId: needs userPool.existingUserPoolId (the pool the client belongs to)",
  },
];

describeRefusals(cases);

describe("account ids differ between environments", () => {
  test("compliant: the shipped environments", () => {
    expect(problemsOfAll({})).toEqual([]);
  });
  test("non-compliant: staging reuses dev's account", () => {
    expect(problemsOfAll({ staging: { accountId: "111111111111" } })).toContain(
      'staging.accountId: must differ from dev.accountId (each environment has its own AWS account), got "111111111111"',
    );
  });
});

describe("ConfigError", () => {
  test("is an Error named ConfigError listing every problem of every environment", () => {
    let error: unknown;
    try {
      loadEnvironments({
        ...Object.fromEntries(["dev", "staging", "prod"].map((n) => [n, rawEnv(n as EnvName)])),
        prod: rawEnv("prod", { accountId: "12345", userPool: { mfa: "OFF" } }),
        staging: rawEnv("staging", { region: "mars-1" }),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.name).toBe("ConfigError");
    expect(configError.problems).toEqual([
      'staging.region: must be an AWS Region name such as "ap-northeast-1", got "mars-1"',
      'prod.accountId: must be 12 digits, got "12345"',
    ]);
    expect(configError.message).toContain("2 problems in the environment config");
  });

  test("reports field problems and rule problems together once fields are valid", () => {
    expect(problemsOf("prod", { userPool: { mfa: "OFF", threatProtection: "OFF" } })).toEqual([
      'prod.userPool.threatProtection: must be ENFORCED in prod, got "OFF"',
      'prod.userPool.mfa: must be OPTIONAL or ON in prod, got "OFF"',
    ]);
  });

  test("parseEnvironmentConfig throws for a non-object input", () => {
    expect(() => parseEnvironmentConfig("prod", "prod")).toThrow('prod: must be object, got "prod"');
  });
});

describe("environment names and stages", () => {
  test("an environment not named dev/staging/prod must declare its stage", () => {
    expect(() => parseEnvironmentConfig(rawEnv("dev"), "qa")).toThrow(
      "qa.stage: is required for an environment not named dev, staging or prod",
    );
  });
  test("a declared stage applies that stage's rules", () => {
    expect(() => parseEnvironmentConfig(rawEnv("dev", { stage: "prod" }), "qa")).toThrow(
      "qa.userPool.deletionProtection: must be true in prod, got false",
    );
  });
  test("names that cannot be stack ids are refused", () => {
    expect(() => parseEnvironmentConfig(rawEnv("dev"), "Prod_1")).toThrow("Prod_1: environment names must be 1-20 lowercase letters");
  });
});

describe("defaults", () => {
  const prod = parseEnvironmentConfig(rawEnv("prod", { appClient: undefined, userPool: { passwordPolicy: undefined } }), "prod");
  test("are the strict settings", () => {
    expect(prod.userPool.passwordPolicy).toEqual({
      minimumLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireNumbers: true,
      requireSymbols: true,
      temporaryPasswordValidityDays: 3,
      passwordHistorySize: 5,
    });
    expect(prod.appClient).toMatchObject({
      accessTokenMinutes: 30,
      idTokenMinutes: 30,
      refreshTokenMinutes: 7 * DAY,
      allowCustomAuth: false,
    });
  });
  test("derive names, URLs and state location from the environment", () => {
    expect(prod.appClient.callbackUrls).toEqual(["https://taskflow.example.com/auth/callback"]);
    expect(prod.appClient.logoutUrls).toEqual(["https://taskflow.example.com/"]);
    expect(prod.state).toMatchObject({
      bucket: "taskflow-tfstate-333333333333-ap-northeast-1",
      key: "taskflow/prod/terraform.tfstate",
      lockTable: "taskflow-tfstate-lock",
    });
    expect(prod.region).toBe("ap-northeast-1");
  });
});
