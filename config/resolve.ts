/**
 * Defaults that depend on other fields (names from the environment, URLs from the domain, the
 * state bucket from the account and region). Applied after field validation, before the rules,
 * so the rules check what will actually be deployed.
 */
import type { ParsedEnvironment, Stage } from "./schema";

/** Fully resolved settings of one environment: what the stacks read. */
export interface EnvironmentConfig extends Omit<ParsedEnvironment, "stage" | "userPool" | "appClient" | "authDomain" | "state" | "audit"> {
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
  /** WebAuthn relying party: the managed-login custom domain when there is one, else the app's domain. */
  readonly passkeyRelyingPartyId: string;
  readonly state: ParsedEnvironment["state"] & { readonly bucket: string; readonly key: string };
  readonly audit: ParsedEnvironment["audit"] & { readonly userActivityLogs: boolean };
}

export type AuthDomain =
  | { readonly kind: "prefix"; readonly prefix: string }
  | { readonly kind: "custom"; readonly domain: string; readonly certificateArn?: string };

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
    passkeyRelyingPartyId: authDomain.kind === "custom" ? authDomain.domain : parsed.domainName,
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
