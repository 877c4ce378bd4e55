/**
 * The rule statements of the user pool's web ACL, in Terraform's snake_case: the provider bindings
 * leave `statement` untyped (its schema is recursive). Sign-in rules match only what Cognito passes
 * to AWS WAF: the requested API operation (the x-amz-target header) and the path, never a username,
 * password, email or phone number (Cognito Developer Guide, "Associate an AWS WAF web ACL with a user
 * pool": PII is not available to AWS WAF; match session data in headers, path and body such as the
 * requested API operation).
 */
import type { RateScope } from "./names";

/** Requests one source IP may send in one evaluation window, for each rate-based rule. */
export interface WafRateLimits {
  /** Every request (rule RateLimitPerIp). Required. */
  readonly perIp: number;
  /** The user pools API's sign-in operations, SIGN_IN_OPERATIONS (rule RateLimitSignInApi). Required. */
  readonly signInApi: number;
  /** Managed login's sign-in pages and the token endpoint, MANAGED_LOGIN_PATHS (rule RateLimitManagedLogin). Required. */
  readonly managedLogin: number;
}

/**
 * User pools API operations that sign a user in, create an account or reset a password: what
 * credential stuffing, sign-up floods and reset abuse call (the AWS Security Blog's "Protect your
 * Amazon Cognito user pool with AWS WAF" rate-limits these by their x-amz-target header, which
 * the AWS SDKs send as AWSCognitoIdentityProviderService.<operation>).
 */
export const SIGN_IN_OPERATIONS = ["InitiateAuth", "RespondToAuthChallenge", "SignUp", "ForgotPassword", "ConfirmForgotPassword"] as const;

/**
 * Managed login's sign-in, sign-up and password-reset pages and the token endpoint (Cognito Developer
 * Guide, "User pool endpoints and managed login reference"): /oauth2/token is where an authorization
 * code or refresh token becomes tokens.
 */
export const MANAGED_LOGIN_PATHS = ["/login", "/signup", "/forgotPassword", "/confirmForgotPassword", "/oauth2/token"] as const;

/** Regex metacharacters escaped (a slash needs none in AWS WAF's PCRE syntax). */
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Compared in lower case (text transformation LOWERCASE): a caller changing the case of the header
 * value or the path must not slip past the count. Costs 10 WCU per statement (AWS WAF Developer Guide,
 * "Text transformation options"), well inside the web ACL's 1,500 included WCU.
 */
const lowercased = (field: Record<string, unknown>, alternatives: readonly string[], prefix: string, suffix: string) => ({
  regex_match_statement: {
    regex_string: `^${prefix}(${alternatives.map((a) => escape(a.toLowerCase())).join("|")})${suffix}`,
    field_to_match: field,
    text_transformation: [{ priority: 0, type: "LOWERCASE" }],
  },
});

/** x-amz-target is AWSCognitoIdentityProviderService.<one of the sign-in operations>, exactly. */
export const signInApiStatement = () =>
  lowercased({ single_header: { name: "x-amz-target" } }, SIGN_IN_OPERATIONS, escape("awscognitoidentityproviderservice."), "$");

/** The path (without its query string) is one of the managed-login sign-in paths, with or without a trailing slash. */
export const managedLoginStatement = () => lowercased({ uri_path: {} }, MANAGED_LOGIN_PATHS, "", "/?$");

const SCOPE_DOWN: Record<Exclude<RateScope, "all">, () => Record<string, unknown>> = {
  signInApi: signInApiStatement,
  managedLogin: managedLoginStatement,
};

/** A rate-based statement per source IP over `windowSeconds`, narrowed to the scope's requests, with the scope's limit. */
export function rateStatement(limits: WafRateLimits, windowSeconds: number, scope: RateScope) {
  const limit = { all: limits.perIp, signInApi: limits.signInApi, managedLogin: limits.managedLogin }[scope];
  return {
    rate_based_statement: {
      limit,
      evaluation_window_sec: windowSeconds,
      aggregate_key_type: "IP",
      ...(scope === "all" ? {} : { scope_down_statement: SCOPE_DOWN[scope]() }),
    },
  };
}
