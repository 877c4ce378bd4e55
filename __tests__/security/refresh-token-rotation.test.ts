/**
 * Refresh-token rotation of the web client, a per-environment option (appClient.refreshTokenRotation).
 * Cognito Developer Guide, "Refresh tokens": with rotation every refresh returns a new refresh
 * token and the old one is invalidated; rotation is not compatible with the REFRESH_TOKEN_AUTH
 * flow, which must be disabled in the client. API reference, RefreshTokenRotationType: Feature
 * ENABLED | DISABLED (DISABLED when not given), RetryGracePeriodSeconds 0-60.
 */
import { ENV_NAMES } from "../support/synth";
import { patched, refusals, shipped } from "./helpers";

describe("CognitoAppClientRefreshTokenRotation: rotation is a per-environment choice with an explicit grace period; on, the legacy refresh flow is gone", () => {
  // Reason: without rotation a stolen refresh token of this public SPA works until it expires (7 days in prod).
  test.each(ENV_NAMES)("1. %s as shipped: off (Cognito's default, no block written) and REFRESH_TOKEN_AUTH still allowed", (env) => {
    const { client } = shipped(env);
    expect(client.refresh_token_rotation).toBeUndefined();
    expect(client.explicit_auth_flows).toContain("ALLOW_REFRESH_TOKEN_AUTH");
  });

  test("2. on: feature ENABLED with the configured retry grace period", () => {
    const { client } = patched("prod", { appClient: { refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 10 } } });
    expect(client.refresh_token_rotation).toEqual([{ feature: "ENABLED", retry_grace_period_seconds: 10 }]);
  });

  test("3. on: ALLOW_REFRESH_TOKEN_AUTH is removed (Cognito refuses rotation together with REFRESH_TOKEN_AUTH)", () => {
    const { client } = patched("prod", { appClient: { refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 0 } } });
    expect(client.explicit_auth_flows).toEqual(["ALLOW_USER_AUTH"]);
    expect(client.refresh_token_rotation).toEqual([{ feature: "ENABLED", retry_grace_period_seconds: 0 }]);
  });

  test("4. non-compliant: on without a grace period is refused (it must be chosen, not defaulted)", () => {
    expect(refusals("prod", { appClient: { refreshTokenRotation: { enabled: true } } })).toEqual([
      expect.stringMatching(/^prod\.appClient\.refreshTokenRotation\.retryGracePeriodSeconds: /),
    ]);
  });

  test("5. non-compliant: a grace period over 60 seconds is refused (Cognito allows 0-60)", () => {
    expect(refusals("prod", { appClient: { refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 61 } } })).toEqual([
      "prod.appClient.refreshTokenRotation.retryGracePeriodSeconds: must be between 0 and 60 seconds, got 61",
    ]);
  });
});
