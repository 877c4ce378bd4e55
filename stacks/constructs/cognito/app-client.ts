import { CognitoUserPoolClient, type CognitoUserPoolClientConfig } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import type { Construct } from "constructs";

/** Terraform address: aws_cognito_user_pool_client.web_client. Pinned: a replaced client gets a new id and every deployed SPA breaks. */
export const CLIENT_LOGICAL_ID = "web_client";

/** The web (SPA) client's settings. */
export interface AppClientProps {
  /** Name of the client. Required. */
  readonly name: string;
  /** Lifetimes in minutes: access and ID tokens 5 to 1440, refresh tokens 60 to 5,256,000. Required. */
  readonly accessTokenMinutes: number;
  readonly idTokenMinutes: number;
  readonly refreshTokenMinutes: number;
  /** Where managed login may send the authorization code, and where sign-out may return to. Required. */
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  /**
   * Refresh-token rotation: each refresh returns a new refresh token, the old one dies after the grace
   * period (0-60 s); REFRESH_TOKEN_AUTH is then not offered.
   * @default - no rotation
   */
  readonly refreshTokenRotation?: { readonly retryGracePeriodSeconds: number };
  /** Offer ALLOW_USER_SRP_AUTH (never where leaked-password checks run: Cognito cannot check SRP). @default false */
  readonly allowSrpSignIn?: boolean;
  /** Offer ALLOW_CUSTOM_AUTH (Lambda-driven challenges). @default false */
  readonly allowCustomAuth?: boolean;
  /** Adopt this existing client of the adopted pool (an import block). @default - a new client */
  readonly existingClientId?: string;
}

/** The pool a client belongs to, as far as the client's settings depend on it. */
export interface ClientPool {
  /** The pool's id (a Terraform reference). */
  readonly userPoolId: string;
  /** The pool's feature plan: LITE has no choice-based sign-in. */
  readonly tier: "LITE" | "ESSENTIALS" | "PLUS";
  /** The adopted pool's id, which the client's import id starts with. */
  readonly existingUserPoolId?: string;
}

/**
 * Sign-in flows, always written out: when explicit_auth_flows is omitted Cognito enables refresh,
 * SRP and custom auth. Never ALLOW_USER_PASSWORD_AUTH or ALLOW_ADMIN_USER_PASSWORD_AUTH (the
 * legacy flows that post the password as is and bypass SRP).
 */
export function explicitAuthFlows(client: AppClientProps, tier: ClientPool["tier"]): string[] {
  return [
    // SRP only when asked for (allowSrpSignIn): Cognito Developer Guide, "Working with compromised-credentials
    // detection": an SRP sign-in is never checked against leaked credentials, so the compromised-
    // credentials BLOCK would miss every one (rule SrpSignInSkipsLeakedPasswordCheck). Passwords
    // sign in through managed login or choice-based sign-in, which are checked.
    ...(client.allowSrpSignIn ? ["ALLOW_USER_SRP_AUTH"] : []),
    // Choice-based sign-in, which passkeys need. An ESSENTIALS/PLUS feature: on LITE the API
    // rejects it, and LITE has no passkeys to offer (rule EssentialsFeaturesNeedTier).
    ...(tier === "LITE" ? [] : ["ALLOW_USER_AUTH"]),
    // The REFRESH_TOKEN_AUTH flow, which refresh-token rotation replaces: Cognito Developer Guide,
    // "Refresh tokens" (amazon-cognito-user-pools-using-the-refresh-token.html): rotation is not
    // compatible with REFRESH_TOKEN_AUTH, and the flow must be disabled in the app client.
    ...(client.refreshTokenRotation ? [] : ["ALLOW_REFRESH_TOKEN_AUTH"]),
    ...(client.allowCustomAuth ? ["ALLOW_CUSTOM_AUTH"] : []),
  ];
}

export function appClientConfig(client: AppClientProps, pool: ClientPool): CognitoUserPoolClientConfig {
  const rotation = client.refreshTokenRotation;
  return {
    name: client.name,
    userPoolId: pool.userPoolId,
    // A single-page app cannot keep a secret: it is a public client, protected by PKCE instead.
    generateSecret: false,
    explicitAuthFlows: explicitAuthFlows(client, pool.tier),

    // Lifetimes from the props, all in minutes. token_validity_units is always set: without it
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
    ...(rotation ? { refreshTokenRotation: [{ feature: "ENABLED", retryGracePeriodSeconds: rotation.retryGracePeriodSeconds }] } : {}),
    // "User not found" and "wrong password" look the same, so emails cannot be enumerated.
    preventUserExistenceErrors: "ENABLED",

    // OAuth for the managed login pages: authorization code (with PKCE) only; the implicit flow
    // would put tokens in the URL.
    allowedOauthFlowsUserPoolClient: true,
    allowedOauthFlows: ["code"],
    allowedOauthScopes: ["openid", "email", "profile"],
    supportedIdentityProviders: ["COGNITO"],
    callbackUrls: [...client.callbackUrls],
    logoutUrls: [...client.logoutUrls],

    // Without these lists the client may write every mutable attribute, including the tenant id
    // custom:organizationId: a user could move themselves into another organization.
    readAttributes: ["email", "email_verified", "given_name", "family_name", "custom:organizationId"],
    writeAttributes: ["email", "given_name", "family_name"],
  };
}

/** The environment's web (SPA) client, at a pinned address; adopted by an import block when config names an existing client. */
export function createAppClient(scope: Construct, props: AppClientProps, pool: ClientPool): CognitoUserPoolClient {
  const client = new CognitoUserPoolClient(scope, "web-client", appClientConfig(props, pool));
  client.overrideLogicalId(CLIENT_LOGICAL_ID);
  const poolId = pool.existingUserPoolId;
  // The provider's import id for a client is "<user pool id>/<client id>".
  if (poolId && props.existingClientId) client.importFrom(`${poolId}/${props.existingClientId}`);
  return client;
}
