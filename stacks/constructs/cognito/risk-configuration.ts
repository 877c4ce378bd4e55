import { CognitoRiskConfiguration } from "@cdktf/provider-aws/lib/cognito-risk-configuration";
import type { Construct } from "constructs";
import type { SesSender } from "./email";

/**
 * Adaptive authentication: what threat protection does at each risk level. This is what makes
 * MFA OPTIONAL acceptable in prod (see user-pool.ts): a risky sign-in is challenged or blocked
 * even though MFA is not mandatory for every sign-in. In AUDIT mode (staging) Cognito only scores
 * and logs; the actions apply in ENFORCED mode (prod).
 */
export const ACCOUNT_TAKEOVER_ACTIONS = {
  // Likely takeover: refuse it, and tell the user so they can change their password.
  highAction: { eventAction: "BLOCK", notify: true },
  // Suspicious: MFA, and a block where MFA is impossible (API reference, AccountTakeoverActionType:
  // MFA_REQUIRED "Present an MFA challenge if possible. Block the request if a user hasn't set up
  // MFA"; MFA_IF_CONFIGURED would let such a user in on the password alone). Email MFA
  // (user-pool.ts) gives every user a factor, so nobody is locked out; TOTP users get TOTP.
  mediumAction: { eventAction: "MFA_REQUIRED", notify: true },
  // Low risk is most new-device sign-ins: an email for each would train users to ignore them.
  lowAction: { eventAction: "NO_ACTION", notify: false },
} as const;

/**
 * Leaked passwords are refused wherever Cognito checks them: SIGN_IN covers managed login and
 * choice-based sign-in with a PASSWORD answer; sign-up and password change are always checked.
 * Cognito cannot check SRP sign-ins (it never sees the password), so the client offers no
 * ALLOW_USER_SRP_AUTH where this runs (rule SrpSignInSkipsLeakedPasswordCheck).
 */
export const COMPROMISED_CREDENTIALS = {
  eventFilter: ["SIGN_IN", "SIGN_UP", "PASSWORD_CHANGE"],
  actions: { eventAction: "BLOCK" },
};

export interface RiskConfigurationProps {
  /** The pool whose sign-ins are scored (a Terraform reference). Required. */
  readonly userPoolId: string;
  /** The pool's threat protection: nothing is created when it is OFF. Required. */
  readonly threatProtection: "OFF" | "AUDIT" | "ENFORCED";
  /** Sender of the users' risk notifications: needed whenever threat protection runs. @default - none */
  readonly sesSender?: SesSender;
}

/** Pool-wide risk configuration, present whenever threat protection is AUDIT or ENFORCED. */
export function createRiskConfiguration(
  scope: Construct,
  { userPoolId, threatProtection, sesSender: ses }: RiskConfigurationProps,
): CognitoRiskConfiguration | undefined {
  if (threatProtection === "OFF") return undefined;
  // Provider 5.100.0 requires notify_configuration with an SES source_arn; rule
  // ThreatProtectionNeedsSes refuses threat protection with Cognito's default sender.
  if (!ses) throw new Error(`threat protection ${threatProtection} needs an SES sender (config rule ThreatProtectionNeedsSes)`);
  const risk = new CognitoRiskConfiguration(scope, "risk-configuration", {
    userPoolId,
    accountTakeoverRiskConfiguration: {
      actions: ACCOUNT_TAKEOVER_ACTIONS,
      // Cognito's default notification texts, sent from the pool's own SES identity.
      notifyConfiguration: { sourceArn: ses.sourceArn, from: ses.address },
    },
    compromisedCredentialsRiskConfiguration: COMPROMISED_CREDENTIALS,
  });
  risk.overrideLogicalId("risk_configuration");
  return risk;
}
