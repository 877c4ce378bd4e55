/**
 * Adopting an existing user pool and client: config names their ids and the stack
 * emits Terraform `import` blocks, so the first plan imports them instead of creating a second pool.
 */
import { ENV_NAMES, synthStack } from "../support/synth";
import { patched } from "./helpers";

const POOL_ID = "ap-northeast-1_AbCdEf123";
const CLIENT_ID = "4tq2bn1c5kslv5dnqgtc0example";

describe("import blocks for existing Cognito resources", () => {
  test("pool and client: import ids are the pool id and <pool id>/<client id> (the provider's client import format)", () => {
    const { json } = patched("prod", { userPool: { existingUserPoolId: POOL_ID }, appClient: { existingClientId: CLIENT_ID } });
    expect(json.import).toEqual([
      { id: POOL_ID, to: "aws_cognito_user_pool.user_pool" },
      { id: `${POOL_ID}/${CLIENT_ID}`, to: "aws_cognito_user_pool_client.web_client" },
    ]);
  });
  test("pool only: the client is created in the imported pool", () => {
    const { json, client } = patched("staging", { userPool: { existingUserPoolId: POOL_ID } });
    expect(json.import).toEqual([{ id: POOL_ID, to: "aws_cognito_user_pool.user_pool" }]);
    expect(client.user_pool_id).toBe("${aws_cognito_user_pool.user_pool.id}");
  });
  test("the imported pool keeps its protection: a plan that would replace it fails instead", () => {
    const { pool } = patched("prod", { userPool: { existingUserPoolId: POOL_ID } });
    expect(pool.lifecycle).toEqual({ prevent_destroy: true });
  });
  test.each(ENV_NAMES)("%s as shipped: no import blocks", (env) => {
    expect(synthStack(env)).not.toHaveProperty("import");
  });
});
