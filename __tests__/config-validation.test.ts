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
    rule: "temporary password validity 1-365 days",
    env: "prod",
    compliant: { userPool: { passwordPolicy: { temporaryPasswordValidityDays: 1 } } },
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
    rule: "MFA mode is OFF, OPTIONAL or ON",
    env: "dev",
    // dev ships OPTIONAL (the default) without threat protection or email MFA, so OFF is accepted there
    // (ON is refused while passkeys are on; staging and prod need MFA for their email codes).
    compliant: { userPool: { mfa: "OFF" } },
    nonCompliant: { userPool: { mfa: "SOMETIMES" } },
    problem: 'dev.userPool.mfa: must be one of "OFF", "OPTIONAL", "ON", got "SOMETIMES"',
  },
  {
    rule: "unknown settings are refused",
    env: "prod",
    // The same value under the known key is read (prod ships the default minimum of 15).
    compliant: { userPool: { passwordPolicy: { minimumLength: 16 } } },
    nonCompliant: { userPool: { passwordPolicy: { minimumLenght: 16 } } },
    problem: "prod.userPool.passwordPolicy.minimumLenght: is not a known setting (check the spelling against config/schema.ts)",
  },
];

describeRefusals(cases);

describe("account ids differ between environments", () => {
  test("compliant: staging in an account of its own", () => {
    expect(problemsOfAll({ staging: { accountId: "444444444444" } })).toEqual([]);
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
      'prod.userPool.emailMfa.enabled: needs userPool.mfa "OPTIONAL" or "ON", got "OFF"',
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

/**
 * What an environment gets when it writes only what has no default. A dev stage, whose rules require
 * none of these, so the defaults alone decide: each one that protects users is pinned as the bound an
 * insecure value fails, with its reason.
 */
describe("defaults", () => {
  const bare = parseEnvironmentConfig(
    { stage: "dev", accountId: "444444444444", region: "eu-west-1", domainName: "qa.example.org", alertEmail: "qa@example.org" },
    "qa",
  );

  test("passwords: at least 15 characters (NIST SP 800-63B rev. 4, the only factor), all four classes (Security Hub Cognito.3), reuse refused, temporary ones valid at most Cognito's 7 days", () => {
    const policy = bare.userPool.passwordPolicy;
    expect(policy.minimumLength).toBeGreaterThanOrEqual(15);
    expect(policy).toMatchObject({ requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true });
    expect(policy.passwordHistorySize).toBeGreaterThan(0);
    expect(policy.temporaryPasswordValidityDays).toBeLessThanOrEqual(7);
  });

  test("the pool: deletion protection on (deleting it deletes every user), threat protection ENFORCED on PLUS, MFA offered with email codes, passkeys that verify the user", () => {
    const pool = bare.userPool;
    expect(pool.deletionProtection).toBe(true);
    expect([pool.tier, pool.threatProtection]).toEqual(["PLUS", "ENFORCED"]);
    expect(pool.mfa).not.toBe("OFF");
    expect(pool.emailMfa.enabled).toBe(true);
    expect(pool.passkeys.userVerification).toBe("required");
  });

  test("the app client: access and ID tokens at most Cognito's 60 minutes, refresh tokens at most its 30 days; no custom auth, no SRP sign-in (unchecked for leaked passwords)", () => {
    const client = bare.appClient;
    expect(Math.max(client.accessTokenMinutes, client.idTokenMinutes)).toBeLessThanOrEqual(60);
    expect(client.refreshTokenMinutes).toBeLessThanOrEqual(30 * DAY);
    expect([client.allowCustomAuth, client.allowSrpSignIn]).toEqual([false, false]);
  });

  test("logs are kept at least a year (prod's minimum: LogRetentionInProd)", () => {
    expect(bare.monitoring.logRetentionDays).toBeGreaterThanOrEqual(365);
  });

  test("URLs on the environment's own domain over https; state in a bucket named for the account and region, under the environment's key", () => {
    expect(bare.appClient.callbackUrls).toEqual(["https://qa.example.org/auth/callback"]);
    expect(bare.appClient.logoutUrls).toEqual(["https://qa.example.org/"]);
    expect(bare.state).toMatchObject({ bucket: "taskflow-tfstate-444444444444-eu-west-1", key: "taskflow/qa/terraform.tfstate" });
  });
});
