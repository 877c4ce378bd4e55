/**
 * Resource addresses and output names other tools depend on. A changed address makes Terraform
 * plan destroy + create: for the user pool that deletes every user, for the client it changes the
 * client id every deployed app uses. If a test here fails after a refactor, revert the address or
 * add a `moved` block; do not just update the expectation.
 */
import { ENV_NAMES, synthStack } from "../support/synth";
import { CLIENT, POOL } from "./helpers";

const addressesOf = (env: string, type: string) => Object.keys(synthStack(env).resource?.[type] ?? {}).map((name) => `${type}.${name}`);

describe("Cognito resource addresses are pinned in every environment", () => {
  test.each(ENV_NAMES)("%s: user pool is aws_cognito_user_pool.user_pool", (env) => {
    expect(addressesOf(env, POOL)).toEqual(["aws_cognito_user_pool.user_pool"]);
  });
  test.each(ENV_NAMES)("%s: app client is aws_cognito_user_pool_client.web_client", (env) => {
    expect(addressesOf(env, CLIENT)).toEqual(["aws_cognito_user_pool_client.web_client"]);
  });
  test.each(ENV_NAMES)("%s: domain and risk configuration keep their addresses too", (env) => {
    expect(addressesOf(env, "aws_cognito_user_pool_domain")).toEqual(["aws_cognito_user_pool_domain.auth_domain"]);
    expect(addressesOf(env, "aws_cognito_risk_configuration")).toEqual(
      env === "dev" ? [] : ["aws_cognito_risk_configuration.risk_configuration"],
    );
  });
});

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
