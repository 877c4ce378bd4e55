/**
 * The responder role evaluated as AWS evaluates it (the emulator's evaluator, @cloud-copilot/iam-simulate):
 * it may contain users of the pool, and cannot change the pool's configuration.
 */
import { decide } from "../real-terraform/emulator/authz-evaluator";
import { resource, synthState } from "./helpers";

const ACCOUNT = "333333333333";
const POOL = `arn:aws:cognito-idp:ap-northeast-1:${ACCOUNT}:userpool/ap-northeast-1_Example`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/taskflow-prod-incident-responder/alice`;

/** The responder role's permission policy of prod (with a responder configured), as state-prod synthesizes it. */
function responderPolicy(): unknown {
  const json = synthState("prod", { incidentResponse: { responderPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/IncidentResponders`] } });
  return JSON.parse(resource(json, "aws_iam_role_policy", "incident_responder_policy").policy);
}

const policy = responderPolicy();
const onPool = (action: string) =>
  decide({
    principal: SESSION,
    action,
    resource: POOL,
    resourceAccount: ACCOUNT,
    identityPolicies: [{ name: "responder", policy }],
    // prod's pool carries the provider's default tags.
    context: { "aws:SecureTransport": "true", "aws:ResourceTag/Project": "TaskFlow", "aws:ResourceTag/Environment": "prod" },
  }).then((a) => a.decision);

describe("Control: the responder cannot change the pool's configuration", () => {
  test.each([
    "cognito-idp:UpdateUserPool",
    "cognito-idp:SetUserPoolMfaConfig",
    "cognito-idp:SetRiskConfiguration",
    "cognito-idp:AddCustomAttributes",
    "cognito-idp:UpdateUserPoolClient",
    "cognito-idp:CreateUserPoolClient",
    "cognito-idp:DeleteUserPool",
    "cognito-idp:UpdateUserPoolDomain",
    "cognito-idp:TagResource",
  ])("1. non-compliant: %s on prod's pool is implicitly denied", async (action) => {
    expect(await onPool(action)).toBe("ImplicitlyDenied");
  });

  test.each(["cognito-idp:AdminDisableUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:AdminGetUser"])(
    "2. compliant: %s (containing a user) on prod's pool is allowed",
    async (action) => {
      expect(await onPool(action)).toBe("Allowed");
    },
  );
});
