/**
 * Defaults that depend on other fields (names from the environment, URLs from the domain, the
 * state bucket from the account and region). Applied after field validation, before the rules,
 * so the rules check what will actually be deployed.
 */
import type { ParsedEnvironment, Stage } from "./schema";

/** Fully resolved settings of one environment: what the stacks read. */
export interface EnvironmentConfig extends Omit<
  ParsedEnvironment,
  "stage" | "userPool" | "appClient" | "authDomain" | "state" | "waf" | "audit"
> {
  /** Key in environments.ts; also the stack id (`cdktf deploy <name>`). */
  readonly name: string;
  readonly stage: Stage;
  readonly userPool: ParsedEnvironment["userPool"] & { readonly name: string };
  readonly appClient: ParsedEnvironment["appClient"] & {
    readonly name: string;
    readonly callbackUrls: string[];
    readonly logoutUrls: string[];
  };
  readonly authDomain: AuthDomain;
  /**
   * WebAuthn relying party, from where the passkey ceremony runs (userPool.passkeys.ceremony): managed
   * login's host (the custom domain, else <prefix>.auth.<region>.amazoncognito.com) or the app's domain.
   */
  readonly passkeyRelyingPartyId: string;
  readonly state: ParsedEnvironment["state"] & { readonly bucket: string; readonly key: string };
  /** The user pool's web ACL; mode defaults by stage (WAF_MODE_BY_STAGE). */
  readonly waf: ParsedEnvironment["waf"] & { readonly mode: WafMode };
  readonly audit: ParsedEnvironment["audit"] & { readonly userActivityLogs: boolean };
}

export type WafMode = "off" | "count" | "block";

/** Count first in staging to tune on real traffic; block in prod; nothing in dev (WAF bills per web ACL and request). */
export const WAF_MODE_BY_STAGE: Readonly<Record<Stage, WafMode>> = { dev: "off", staging: "count", prod: "block" };

export type AuthDomain =
  | { readonly kind: "prefix"; readonly prefix: string }
  | { readonly kind: "custom"; readonly domain: string; readonly certificateArn?: string };

/**
 * Full host of the OAuth endpoints and managed login pages: the custom domain, else the prefix
 * domain <prefix>.auth.<region>.amazoncognito.com (Cognito Developer Guide, "Using the prefix domain
 * for managed login").
 */
export function managedLoginHostname(authDomain: AuthDomain, region: string): string {
  return authDomain.kind === "custom" ? authDomain.domain : `${authDomain.prefix}.auth.${region}.amazoncognito.com`;
}

/**
 * The relying party a browser lets the ceremony's pages use. A page may only name its own host or a
 * parent of it that is not a public suffix (WebAuthn Level 2, "Relying Party Identifier"), so passkeys
 * made on managed login must name managed login's host: for a prefix domain its full host, because
 * auth.<region>.amazoncognito.com is itself on the Public Suffix List ("Amazon Cognito" section). With
 * a custom domain the API reference (WebAuthnConfigurationType.RelyingPartyId) requires that domain.
 */
export function derivedRelyingPartyId(
  ceremony: "managedLogin" | "appPages",
  authDomain: AuthDomain,
  region: string,
  domainName: string,
): string {
  return ceremony === "managedLogin" ? managedLoginHostname(authDomain, region) : domainName;
}

export function resolveEnvironment(name: string, stage: Stage, parsed: ParsedEnvironment): EnvironmentConfig {
  const authDomain: AuthDomain = parsed.authDomain.customDomain
    ? { kind: "custom", domain: parsed.authDomain.customDomain, certificateArn: parsed.authDomain.certificateArn }
    : { kind: "prefix", prefix: parsed.authDomain.prefix ?? `taskflow-${name}` };
  return {
    ...parsed,
    name,
    stage,
    userPool: { ...parsed.userPool, name: parsed.userPool.name ?? `taskflow-${name}` },
    appClient: {
      ...parsed.appClient,
      name: parsed.appClient.name ?? `taskflow-${name}-web`,
      callbackUrls: parsed.appClient.callbackUrls ?? [`https://${parsed.domainName}/auth/callback`],
      logoutUrls: parsed.appClient.logoutUrls ?? [`https://${parsed.domainName}/`],
    },
    authDomain,
    passkeyRelyingPartyId:
      parsed.userPool.passkeys.relyingPartyId ??
      derivedRelyingPartyId(parsed.userPool.passkeys.ceremony, authDomain, parsed.region, parsed.domainName),
    waf: { ...parsed.waf, mode: parsed.waf.mode ?? WAF_MODE_BY_STAGE[stage] },
    audit: {
      ...parsed.audit,
      userActivityLogs: parsed.audit.userActivityLogs ?? (parsed.userPool.tier === "PLUS" && parsed.userPool.threatProtection !== "OFF"),
    },
    state: {
      ...parsed.state,
      bucket: parsed.state.bucket ?? `taskflow-tfstate-${parsed.accountId}-${parsed.region}`,
      key: parsed.state.key ?? `taskflow/${name}/terraform.tfstate`,
    },
  };
}
