import { CognitoUserPoolClient, type CognitoUserPoolClientConfig } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../../../config";

/** Terraform address: aws_cognito_user_pool_client.web_client. Pinned: a replaced client gets a new id and every deployed SPA breaks. */
export const CLIENT_LOGICAL_ID = "web_client";

/**
 * Sign-in flows, always written out: when explicit_auth_flows is omitted Cognito enables refresh,
 * SRP and custom auth. Never ALLOW_USER_PASSWORD_AUTH or ALLOW_ADMIN_USER_PASSWORD_AUTH (the
 * legacy flows that post the password as is and bypass SRP).
 */
export function explicitAuthFlows(env: EnvironmentConfig): string[] {
  return [
    // SRP only when config asks for it: Cognito Developer Guide, "Working with compromised-credentials
    // detection": an SRP sign-in is never checked against leaked credentials, so the compromised-
    // credentials BLOCK would miss every one (rule SrpSignInSkipsLeakedPasswordCheck). Passwords
    // sign in through managed login or choice-based sign-in, which are checked.
    ...(env.appClient.allowSrpSignIn ? ["ALLOW_USER_SRP_AUTH"] : []),
    // Choice-based sign-in, which passkeys need. An ESSENTIALS/PLUS feature: on LITE the API
    // rejects it, and LITE has no passkeys to offer (rule EssentialsFeaturesNeedTier).
    ...(env.userPool.tier === "LITE" ? [] : ["ALLOW_USER_AUTH"]),
    // The REFRESH_TOKEN_AUTH flow, which refresh-token rotation replaces: Cognito Developer Guide,
    // "Refresh tokens" (amazon-cognito-user-pools-using-the-refresh-token.html): rotation is not
    // compatible with REFRESH_TOKEN_AUTH, and the flow must be disabled in the app client.
    ...(env.appClient.refreshTokenRotation.enabled ? [] : ["ALLOW_REFRESH_TOKEN_AUTH"]),
    ...(env.appClient.allowCustomAuth ? ["ALLOW_CUSTOM_AUTH"] : []),
  ];
}

export function appClientConfig(env: EnvironmentConfig, userPoolId: string): CognitoUserPoolClientConfig {
  const client = env.appClient;
  const rotation = client.refreshTokenRotation;
  return {
    name: client.name,
    userPoolId,
    // A single-page app cannot keep a secret: it is a public client, protected by PKCE instead.
    generateSecret: false,
    explicitAuthFlows: explicitAuthFlows(env),

    // Lifetimes from config, all in minutes. token_validity_units is always set: without it
    // Cognito reads access/ID validity as hours (30 would mean 30 hours).
    accessTokenValidity: client.accessTokenMinutes,
    idTokenValidity: client.idTokenMinutes,
    refreshTokenValidity: client.refreshTokenMinutes,
    tokenValidityUnits: [{ accessToken: "minutes", idToken: "minutes", refreshToken: "minutes" }],
    // Sign-out revokes the refresh token (and the access tokens issued from it).
    enableTokenRevocation: true,
    // Only written when on: off is Cognito's default (RefreshTokenRotationType, API reference), and
    // a stolen refresh token then stays usable until it expires. On, each refresh returns a new
    // refresh token and the old one dies after the grace period (0-60 s, for client retries).
    ...(rotation.enabled
      ? { refreshTokenRotation: [{ feature: "ENABLED", retryGracePeriodSeconds: rotation.retryGracePeriodSeconds }] }
      : {}),
    // "User not found" and "wrong password" look the same, so emails cannot be enumerated.
    preventUserExistenceErrors: "ENABLED",

    // OAuth for the managed login pages: authorization code (with PKCE) only; the implicit flow
    // would put tokens in the URL.
    allowedOauthFlowsUserPoolClient: true,
    allowedOauthFlows: ["code"],
    allowedOauthScopes: ["openid", "email", "profile"],
    supportedIdentityProviders: ["COGNITO"],
    callbackUrls: client.callbackUrls,
    logoutUrls: client.logoutUrls,

    // Without these lists the client may write every mutable attribute, including the tenant id
    // custom:organizationId: a user could move themselves into another organization.
    readAttributes: ["email", "email_verified", "given_name", "family_name", "custom:organizationId"],
    writeAttributes: ["email", "given_name", "family_name"],
  };
}

/** The environment's web (SPA) client, at a pinned address; adopted by an import block when config names an existing client. */
export function createAppClient(scope: Construct, env: EnvironmentConfig, userPoolId: string): CognitoUserPoolClient {
  const client = new CognitoUserPoolClient(scope, "web-client", appClientConfig(env, userPoolId));
  client.overrideLogicalId(CLIENT_LOGICAL_ID);
  const poolId = env.userPool.existingUserPoolId;
  // The provider's import id for a client is "<user pool id>/<client id>".
  if (poolId && env.appClient.existingClientId) client.importFrom(`${poolId}/${env.appClient.existingClientId}`);
  return client;
}
