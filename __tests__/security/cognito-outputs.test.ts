/**
 * Output names and values apps and other Terraform configurations depend on (issuer, JWKS, client
 * id). Resource addresses are pinned once, in addresses.json (__tests__/ops/addresses.test.ts): a
 * changed user pool or client address fails there, with what to do.
 */
import { ENV_NAMES, synthStack } from "../support/synth";

describe("Cognito outputs have stable names and values in every environment", () => {
  test.each(ENV_NAMES)("%s", (env) => {
    const pool = "${aws_cognito_user_pool.user_pool.id}";
    const issuer = `https://cognito-idp.ap-northeast-1.amazonaws.com/${pool}`;
    const values = Object.fromEntries(
      Object.entries(synthStack(env).output ?? {}).map(([name, o]) => [name, (o as { value: unknown }).value]),
    );
    expect(values).toMatchObject({
      user_pool_id: pool,
      user_pool_arn: "${aws_cognito_user_pool.user_pool.arn}",
      app_client_id: "${aws_cognito_user_pool_client.web_client.id}",
      issuer_url: issuer,
      jwks_url: `${issuer}/.well-known/jwks.json`,
      oauth_domain: `taskflow-${env}.auth.ap-northeast-1.amazoncognito.com`,
    });
  });
});
