/**
 * Security controls of the web app client, in the style of cdk-nag (see user-pool-controls.test.ts
 * for the layout). Refusals already in config-validation.test.ts are referenced, not repeated.
 */
import { ENV_NAMES } from "../support/synth";
import { DOMAIN_NAME, patched, refusals, shipped, describeControl, controlled, CLIENT } from "./helpers";

const PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"];

describeControl(
  "CognitoAppClientNoLegacyPasswordFlows",
  "the app client has no legacy plain-password flow, and no SRP flow, which Cognito never checks for compromised credentials; its flows are listed explicitly",
  () => {
    // Reason: USER_PASSWORD_AUTH/ADMIN_USER_PASSWORD_AUTH post the password outside choice-based sign-in; an omitted
    // list silently enables SRP, refresh and custom auth; an SRP sign-in is never checked against leaked passwords
    // (Cognito Developer Guide, "Working with compromised-credentials detection"), so the compromised-credentials
    // BLOCK would miss every one. Passwords sign in through managed login or choice-based sign-in, which are checked.
    // Not guaranteed: no password crosses the wire (a PASSWORD answer goes as is, over TLS), nor no SRP at all
    // (choice-based sign-in also accepts a PASSWORD_SRP answer, which Cognito cannot check either).
    test.each(ENV_NAMES)("1. compliant: %s allows exactly choice-based sign-in (passwords, passkeys) and refresh", (env) => {
      expect(controlled("CognitoAppClientNoLegacyPasswordFlows", CLIENT, shipped(env).client)).toEqual({
        explicit_auth_flows: ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      });
    });
    test.each(ENV_NAMES)("2. compliant: %s lists no password flow and no SRP flow", (env) => {
      const flows: string[] = shipped(env).client.explicit_auth_flows;
      expect(flows.filter((f) => [...PASSWORD_FLOWS, "ALLOW_USER_SRP_AUTH"].includes(f))).toEqual([]);
    });
    test("3. compliant: custom auth is added only when config asks for it", () => {
      expect(patched("prod", { appClient: { allowCustomAuth: true } }).client.explicit_auth_flows).toEqual([
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
    test("5. compliant: a LITE pool's client signs passwords in with SRP, and leaves out ALLOW_USER_AUTH, which LITE rejects", () => {
      const { client } = patched("dev", {
        userPool: { tier: "LITE", passkeys: { enabled: false }, passwordPolicy: { passwordHistorySize: 0 } },
        appClient: { allowSrpSignIn: true },
      });
      expect(client.explicit_auth_flows).toEqual(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
    });
    test("6. non-compliant: SRP where threat protection blocks compromised credentials is refused", () => {
      expect(refusals("prod", { appClient: { allowSrpSignIn: true } })).toEqual([
        "prod.appClient.allowSrpSignIn: must be false while threatProtection is ENFORCED (Cognito cannot check an SRP sign-in against leaked passwords), got true",
      ]);
    });
    test("7. compliant: dev, without threat protection, may add SRP", () => {
      expect(patched("dev", { appClient: { allowSrpSignIn: true } }).client.explicit_auth_flows).toEqual([
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_USER_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
      ]);
    });
  },
);

describeControl("CognitoAppClientPublic", "the SPA client has no client secret", () => {
  // Reason: a secret shipped to browsers is not secret; the public client is protected by PKCE.
  test.each(ENV_NAMES)("1. compliant: %s generates no secret", (env) => {
    expect(controlled("CognitoAppClientPublic", CLIENT, shipped(env).client)).toEqual({ generate_secret: false });
  });
});

describeControl(
  "CognitoAppClientTokenValidity",
  "token lifetimes come from config, in explicit units; prod access/ID 30 minutes, refresh 7 days",
  () => {
    // Reason: without token_validity_units Cognito reads access/ID validity as hours (30 would mean 30 hours).
    const expected = {
      dev: { access_token_validity: 60, id_token_validity: 60, refresh_token_validity: 30 * 24 * 60 },
      staging: { access_token_validity: 30, id_token_validity: 30, refresh_token_validity: 7 * 24 * 60 },
      prod: { access_token_validity: 30, id_token_validity: 30, refresh_token_validity: 7 * 24 * 60 },
    };
    test.each(ENV_NAMES)("1. compliant: %s lifetimes in minutes with units set", (env) => {
      expect(controlled("CognitoAppClientTokenValidity", CLIENT, shipped(env).client)).toEqual({
        ...expected[env],
        token_validity_units: [{ access_token: "minutes", id_token: "minutes", refresh_token: "minutes" }],
      });
    });
    test("2. non-compliant: a prod refresh token shorter than Cognito's 60 minutes is refused", () => {
      expect(refusals("prod", { appClient: { refreshTokenMinutes: 30 } })).toEqual([
        "prod.appClient.refreshTokenMinutes: must be between 60 and 5256000 minutes, got 30",
      ]);
    });
    // Other ranges and the access/ID <= refresh rule: config-validation.test.ts "access token ...", "ID token ...", "refresh token ...".
  },
);

describeControl("CognitoAppClientNoUserEnumeration", "sign-in errors do not reveal whether a user exists; tokens can be revoked", () => {
  // Reason: distinct "user not found" errors let anyone enumerate customer emails; revocation makes sign-out real.
  test.each(ENV_NAMES)("1. compliant: %s", (env) => {
    expect(controlled("CognitoAppClientNoUserEnumeration", CLIENT, shipped(env).client)).toEqual({
      prevent_user_existence_errors: "ENABLED",
      enable_token_revocation: true,
    });
  });
});

describeControl("CognitoAppClientOAuthCodeFlow", "OAuth uses the authorization-code flow only, to this app's https URLs", () => {
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
    expect(controlled("CognitoAppClientOAuthCodeFlow", CLIENT, shipped(env).client)).toEqual({
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_flows: ["code"],
      allowed_oauth_scopes: ["openid", "email", "profile"],
      supported_identity_providers: ["COGNITO"],
      callback_urls: [`https://${DOMAIN_NAME[env]}/auth/callback`],
      logout_urls: [`https://${DOMAIN_NAME[env]}/`],
    });
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

describeControl("CognitoAppClientAttributeWrites", "users cannot write their own organizationId", () => {
  // Reason: custom:organizationId is the tenant boundary; without write_attributes the client may write every mutable attribute.
  test.each(ENV_NAMES)("1. compliant: %s writes only profile attributes and reads the tenant", (env) => {
    const { client } = shipped(env);
    expect(controlled("CognitoAppClientAttributeWrites", CLIENT, client)).toEqual({
      write_attributes: ["email", "given_name", "family_name"],
    });
    expect(client.read_attributes).toContain("custom:organizationId");
  });
});
