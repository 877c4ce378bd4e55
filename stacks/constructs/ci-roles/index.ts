import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { EnvironmentIdentity } from "../../../config/names";
import { applyStatements } from "./apply-statements";
import {
  ciReadPolicyName,
  ciRoleName,
  ciSubjects,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  type CiRoleKind,
  type GithubTrust,
} from "./names";
import { planStatements } from "./read-statements";
import { ciScope, policyJson, type CiStateAccess, type EnvironmentStackResources, type TrustStatement } from "./scope";

export type { CiRoleKind, GithubTrust } from "./names";
export type { CiStateAccess, EnvironmentStackResources } from "./scope";

export interface GithubCiRolesProps {
  /**
   * The environment the roles serve: role names `taskflow-<name>-ci-*`, the GitHub environment of the
   * same name, and the account and Region of every ARN the policies name.
   * Required.
   */
  readonly environment: EnvironmentIdentity;
  /**
   * The repository whose workflows may assume the roles, and whether the account's OIDC provider exists.
   * Required.
   */
  readonly github: GithubTrust;
  /**
   * The state storage both roles read and lock, and the apply role writes `<env>`'s state in.
   * Required.
   */
  readonly state: CiStateAccess;
  /**
   * The provider's default tags, which every resource of the environment carries: the Project and
   * Environment tags scope what the apply role may create and change.
   * Required.
   */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * What the environment stack creates, so the roles read and change exactly that.
   * Required.
   */
  readonly environmentStack: EnvironmentStackResources;
  /**
   * Other IAM roles state-<env> creates (the incident responder role): the plan role reads them, so a
   * drift check of state-<env> can refresh them. The apply role never changes them.
   * @default - none
   */
  readonly bootstrapRoleNames?: readonly string[];
}

/**
 * GitHub Actions' way into the environment's account without stored keys: the account's OIDC
 * identity provider for token.actions.githubusercontent.com and two roles its tokens can assume,
 * `taskflow-<env>-ci-plan` (read-only plus state read and lock) and `taskflow-<env>-ci-apply`.
 * Trust follows IAM User Guide, "Create a role for OpenID Connect federation": the `aud` and `sub`
 * conditions, both with StringEquals, so no wildcard can match another repository or environment.
 */
export class GithubCiRoles extends Construct {
  readonly providerArn: string;
  readonly planRole: IamRole;
  readonly applyRole: IamRole;

  constructor(scope: Construct, id: string, props: GithubCiRolesProps) {
    super(scope, id);
    const { environment, github } = props;
    if (github.oidcProvider === "existing") {
      // IAM allows one provider per URL in an account: reuse the one another stack created.
      const existing = new DataAwsIamOpenidConnectProvider(this, "oidc-provider", { url: `https://${GITHUB_OIDC_HOST}` });
      existing.overrideLogicalId("github_actions");
      this.providerArn = existing.arn;
    } else {
      const provider = new IamOpenidConnectProvider(this, "oidc-provider", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
        // No thumbprint: IAM verifies GitHub's certificate against its own trusted CAs (IAM User
        // Guide, "Create an OpenID Connect (OIDC) identity provider in IAM"); a pinned thumbprint
        // would only break at GitHub's next certificate rotation.
      });
      provider.overrideLogicalId("github_actions");
      this.providerArn = provider.arn;
    }

    const policyScope = ciScope(environment, props.state, props.tags, props.environmentStack, props.bootstrapRoleNames);
    // IAM quotas (IAM User Guide, "IAM and AWS STS quotas"): a role's inline policies hold at most 10,240
    // characters together, a managed policy 6,144. The reads and the state lock both roles need are one
    // managed policy attached to both, so the apply role's inline policy holds only its changes.
    const read = new IamPolicy(this, "read-policy", {
      name: ciReadPolicyName(environment),
      description: `TaskFlow ${environment.name}: what the GitHub Actions plan and apply roles read, and the state lock`,
      policy: policyJson(planStatements(policyScope)),
    });
    read.overrideLogicalId("ci_read");
    const made: Partial<Record<CiRoleKind, IamRole>> = {};
    for (const kind of ["plan", "apply"] as const) {
      const trust: TrustStatement = {
        Sid: "GitHubActionsOidc",
        Effect: "Allow",
        Principal: { Federated: this.providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: ciSubjects(environment.name, github, kind),
          },
        },
      };
      const role = new IamRole(this, `${kind}-role`, {
        name: ciRoleName(environment, kind),
        description:
          kind === "plan"
            ? `TaskFlow ${environment.name}: GitHub Actions plan and drift check (read-only, state lock)`
            : `TaskFlow ${environment.name}: GitHub Actions apply of the reviewed plan`,
        assumeRolePolicy: policyJson([trust]),
        // One hour covers a plan or an apply; a longer session would outlive the job that asked for it.
        maxSessionDuration: 3600,
      });
      role.overrideLogicalId(`ci_${kind}`);
      new IamRolePolicyAttachment(this, `${kind}-read`, { role: role.name, policyArn: read.arn }).overrideLogicalId(`ci_${kind}_read`);
      if (kind === "apply") {
        new IamRolePolicy(this, `${kind}-policy`, {
          name: ciRoleName(environment, kind),
          role: role.name,
          policy: policyJson(applyStatements(policyScope)),
        }).overrideLogicalId(`ci_${kind}`);
      }
      made[kind] = role;
    }
    this.planRole = made.plan!;
    this.applyRole = made.apply!;
  }
}
