/**
 * The environment's security posture as review.md shows it: the settings the security control
 * tests check, read from the validated config (what this plan was built from), so a reviewer sees
 * the posture next to the change without reading TypeScript.
 */
import type { EnvironmentConfig } from "../../../config";
import type { StackTarget } from "../cli/stacks";

export type PostureRow = readonly [setting: string, value: string];

const onOff = (b: boolean) => (b ? "on" : "off");

function minutes(m: number): string {
  if (m % (24 * 60) === 0) return `${m / (24 * 60)} day${m === 24 * 60 ? "" : "s"}`;
  if (m % 60 === 0) return `${m / 60} hour${m === 60 ? "" : "s"}`;
  return `${m} minutes`;
}

function userPoolRows(env: EnvironmentConfig): PostureRow[] {
  const { userPool: pool, appClient: client } = env;
  const p = pool.passwordPolicy;
  const classes = [
    p.requireLowercase && "lowercase",
    p.requireUppercase && "uppercase",
    p.requireNumbers && "numbers",
    p.requireSymbols && "symbols",
  ].filter(Boolean);
  const domain =
    env.authDomain.kind === "custom"
      ? `${env.authDomain.domain} (custom)`
      : `${env.authDomain.prefix}.auth.${env.region}.amazoncognito.com (prefix)`;
  return [
    ["User pool", pool.existingUserPoolId ? `${pool.name} (adopting existing pool ${pool.existingUserPoolId})` : pool.name],
    ["Feature plan", pool.tier],
    ["Password minimum length", String(p.minimumLength)],
    ["Password character classes", classes.length ? classes.join(", ") : "none required"],
    ["Password history", p.passwordHistorySize ? `last ${p.passwordHistorySize} refused` : "off"],
    ["Temporary password valid", `${p.temporaryPasswordValidityDays} days`],
    ["MFA", pool.mfa],
    ["Email MFA", onOff(pool.emailMfa.enabled)],
    ["Threat protection", pool.threatProtection],
    ["Deletion protection", onOff(pool.deletionProtection)],
    [
      "Passkeys",
      pool.passkeys.enabled
        ? `on (user verification ${pool.passkeys.userVerification}, relying party ${env.passkeyRelyingPartyId})`
        : "off",
    ],
    ["Email sender", pool.email.sender],
    ["App client", client.existingClientId ? `${client.name} (adopting existing client ${client.existingClientId})` : client.name],
    ["Access token lifetime", minutes(client.accessTokenMinutes)],
    ["ID token lifetime", minutes(client.idTokenMinutes)],
    ["Refresh token lifetime", minutes(client.refreshTokenMinutes)],
    ["SRP sign-in (not checked for leaked passwords)", client.allowSrpSignIn ? "allowed" : "not allowed"],
    ["Custom auth flow", client.allowCustomAuth ? "allowed" : "not allowed"],
    ["Callback URLs", client.callbackUrls.join(", ")],
    ["Logout URLs", client.logoutUrls.join(", ")],
    ["OAuth domain", domain],
    ["Log retention", `${env.monitoring.logRetentionDays} days`],
    [
      "AWS WAF on the user pool",
      env.waf.mode === "off"
        ? "off"
        : `${env.waf.mode} (IP reputation, known bad inputs, ${env.waf.rateLimitPerIp} requests per IP per ${env.waf.rateWindowSeconds} s${env.waf.extraManagedRuleGroups.map((g) => `, ${g}`).join("")})`,
    ],
  ];
}

function stateRows(env: EnvironmentConfig): PostureRow[] {
  const s = env.state;
  return [
    ["State bucket", s.bucket],
    ["State key (environment stack)", s.key],
    ["Lock table", s.lockTable],
    ["KMS key alias", s.kmsKeyAlias],
    ["Old state versions kept", `${s.noncurrentVersionExpirationDays} days`],
    ["Bucket access logs", s.accessLogBucket ?? "off"],
    [
      "This stack's own state",
      s.bootstrapBackend === "s3" ? "in the state bucket (migrated)" : "local file (migrate after the first deploy)",
    ],
  ];
}

export function postureRows(target: StackTarget): PostureRow[] {
  const { env } = target;
  const common: PostureRow[] = [
    ["Environment", `${env.name} (stage ${env.stage})`],
    ["Account / region", `${env.accountId} / ${env.region}`],
  ];
  return [...common, ...(target.kind === "bootstrap" ? stateRows(env) : userPoolRows(env))];
}
