/**
 * Security controls of the web app client, in the style of cdk-nag (see user-pool-controls.test.ts
 * for the layout). Refusals already in config-validation.test.ts are referenced, not repeated.
 */
import { ENV_NAMES } from "../support/synth";
import { DOMAIN_NAME, patched, refusals, shipped } from "./helpers";

const PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"];

describe("CognitoAppClientNoLegacyPasswordFlows: the app client cannot use the legacy plain-password flows (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH); its flows are listed explicitly", () => {
  // Reason: those flows post the password as is and skip SRP; an omitted list silently enables SRP, refresh and custom auth.
  // Not guaranteed: no password ever crosses the wire. ALLOW_USER_AUTH with PASSWORD as an allowed first factor
  // (which Cognito requires) lets a client answer a PASSWORD challenge with the plain password, over TLS.
  test.each(ENV_NAMES)("1. compliant: %s allows exactly SRP, choice-based (passkeys) and refresh", (env) => {
    expect(shipped(env).client.explicit_auth_flows).toEqual(["ALLOW_USER_SRP_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
  });
  test.each(ENV_NAMES)("2. compliant: %s lists no password flow", (env) => {
    for (const flow of PASSWORD_FLOWS) expect(shipped(env).client.explicit_auth_flows).not.toContain(flow);
  });
  test("3. compliant: custom auth is added only when config asks for it", () => {
    expect(patched("prod", { appClient: { allowCustomAuth: true } }).client.explicit_auth_flows).toEqual([
      "ALLOW_USER_SRP_AUTH",
      "ALLOW_USER_AUTH",
      "ALLOW_REFRESH_TOKEN_AUTH",
      "ALLOW_CUSTOM_AUTH",
    ]);
  });
  test("4. non-compliant: config has no way to ask for other flows", () => {
    expect(refusals("prod", { appClient: { explicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"] } })).toEqual([
      "prod.appClient.explicitAuthFlows: is not a known setting (check the spelling against config/schema.ts)",
    ]);
  });
  test("5. compliant: a LITE pool's client leaves out ALLOW_USER_AUTH, which LITE rejects", () => {
    const { client } = patched("dev", {
      userPool: { tier: "LITE", passkeys: { enabled: false }, passwordPolicy: { passwordHistorySize: 0 } },
    });
    expect(client.explicit_auth_flows).toEqual(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
  });
});

describe("CognitoAppClientPublic: the SPA client has no client secret", () => {
  // Reason: a secret shipped to browsers is not secret; the public client is protected by PKCE.
  test.each(ENV_NAMES)("1. compliant: %s generates no secret", (env) => {
    expect(shipped(env).client.generate_secret).toBe(false);
  });
});

describe("CognitoAppClientTokenValidity: token lifetimes come from config, in explicit units; prod access/ID 30 minutes, refresh 7 days", () => {
  // Reason: without token_validity_units Cognito reads access/ID validity as hours (30 would mean 30 hours).
  const expected = {
    dev: { access_token_validity: 60, id_token_validity: 60, refresh_token_validity: 30 * 24 * 60 },
    staging: { access_token_validity: 30, id_token_validity: 30, refresh_token_validity: 7 * 24 * 60 },
    prod: { access_token_validity: 30, id_token_validity: 30, refresh_token_validity: 7 * 24 * 60 },
  };
  test.each(ENV_NAMES)("1. compliant: %s lifetimes in minutes with units set", (env) => {
    const { client } = shipped(env);
    expect(client).toMatchObject(expected[env]);
    expect(client.token_validity_units).toEqual([{ access_token: "minutes", id_token: "minutes", refresh_token: "minutes" }]);
  });
  test("2. non-compliant: a prod refresh token shorter than Cognito's 60 minutes is refused", () => {
    expect(refusals("prod", { appClient: { refreshTokenMinutes: 30 } })).toEqual([
      "prod.appClient.refreshTokenMinutes: must be between 60 and 5256000 minutes, got 30",
    ]);
  });
  // Other ranges and the access/ID <= refresh rule: config-validation.test.ts "access token ...", "ID token ...", "refresh token ...".
});

describe("CognitoAppClientNoUserEnumeration: sign-in errors do not reveal whether a user exists; tokens can be revoked", () => {
  // Reason: distinct "user not found" errors let anyone enumerate customer emails; revocation makes sign-out real.
  test.each(ENV_NAMES)("1. compliant: %s", (env) => {
    const { client } = shipped(env);
    expect(client.prevent_user_existence_errors).toBe("ENABLED");
    expect(client.enable_token_revocation).toBe(true);
  });
});

describe("CognitoAppClientOAuthCodeFlow: OAuth uses the authorization-code flow only, to this app's https URLs", () => {
  // Reason: the implicit flow puts tokens in URLs; redirects elsewhere hand codes to someone else.
  test.each(ENV_NAMES)("1. compliant: %s allows code flow, openid/email/profile, Cognito users only", (env) => {
    expect(shipped(env).client).toMatchObject({
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_flows: ["code"],
      allowed_oauth_scopes: ["openid", "email", "profile"],
      supported_identity_providers: ["COGNITO"],
    });
  });
  test.each(["staging", "prod"] as const)("2. compliant: %s redirects only to its own https domain", (env) => {
    const { client } = shipped(env);
    expect(client.callback_urls).toEqual([`https://${DOMAIN_NAME[env]}/auth/callback`]);
    expect(client.logout_urls).toEqual([`https://${DOMAIN_NAME[env]}/`]);
  });
  test("3. compliant: dev adds http://localhost for local development", () => {
    const { client } = shipped("dev");
    expect(client.callback_urls).toEqual(["https://dev.taskflow.example.com/auth/callback", "http://localhost:4200/auth/callback"]);
    expect(client.logout_urls).toEqual(["https://dev.taskflow.example.com/", "http://localhost:4200/"]);
  });
  test("4. non-compliant: a plain-http callback on staging's own domain is refused", () => {
    expect(refusals("staging", { appClient: { callbackUrls: ["http://staging.taskflow.example.com/auth/callback"] } })).toEqual([
      'staging.appClient.callbackUrls[0]: must use https (http://localhost only in dev), got "http://staging.taskflow.example.com/auth/callback"',
    ]);
  });
  // http://localhost in prod and foreign domains: config-validation.test.ts "http://localhost callback refused in prod", "... on the environment's domain ...".
});

describe("CognitoAppClientAttributeWrites: users cannot write their own organizationId", () => {
  // Reason: custom:organizationId is the tenant boundary; without write_attributes the client may write every mutable attribute.
  test.each(ENV_NAMES)("1. compliant: %s writes only profile attributes and reads the tenant", (env) => {
    const { client } = shipped(env);
    expect(client.write_attributes).toEqual(["email", "given_name", "family_name"]);
    expect(client.read_attributes).toContain("custom:organizationId");
  });
});
