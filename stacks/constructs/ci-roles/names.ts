/**
 * Names, ARNs and trusted subjects of the CI roles: what the workflows, `npm run ci-role` and the
 * tests need to know about the roles without building them.
 */
import { partitionOf } from "../../../config/aws-regions";
import { resourcePrefix, type EnvironmentIdentity } from "../../../config/names";

/** GitHub's OIDC issuer; the condition keys of its tokens are `<host>:aud` and `<host>:sub`. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests by default. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export type CiRoleKind = "plan" | "apply";

type Named = Pick<EnvironmentIdentity, "name">;

export const ciRoleName = (env: Named, kind: CiRoleKind): string => `${resourcePrefix(env.name)}-ci-${kind}`;
/** The managed policy both CI roles have: reads for a plan or a drift check, and the state lock. */
export const ciReadPolicyName = (env: Named): string => `${resourcePrefix(env.name)}-ci-read`;
export const ciRoleArn = (env: EnvironmentIdentity, kind: CiRoleKind): string =>
  `arn:${partitionOf(env.region)}:iam::${env.accountId}:role/${ciRoleName(env, kind)}`;

/** The GitHub repository whose workflows may assume the roles, and how the account trusts GitHub. */
export interface GithubTrust {
  /**
   * "owner/repository" on GitHub.
   * Required.
   */
  readonly githubRepository: string;
  /**
   * The branch whose push jobs (the plan of the merged commit, the daily drift check) may assume the plan role.
   * Required.
   */
  readonly mainBranch: string;
  /**
   * "create": this construct creates the account's GitHub OIDC identity provider; "existing": the
   * account already has one (IAM allows one provider per URL per account) and the roles trust it.
   * @default "create"
   */
  readonly oidcProvider?: "create" | "existing";
}

/**
 * The `sub` claims a role accepts (GitHub Docs, "OpenID Connect reference": a job that names an
 * environment gets `repo:<owner>/<repo>:environment:<name>`, a pull_request job
 * `repo:<owner>/<repo>:pull_request`, any other job `repo:<owner>/<repo>:ref:<ref>`).
 *
 * - apply: only jobs running in the GitHub environment of the same name, so the environment's
 *   required reviewers and branch rules gate every use of it.
 * - plan (read-only): the same environment and pushes to the main branch (the plan of the merged
 *   commit that reviewers approve, and the daily drift check): those jobs must not name the
 *   environment, or they would wait for its reviewers too. Never pull requests: every job of every
 *   pull request presents the same `repo:<owner>/<repo>:pull_request`, whatever workflow file the
 *   branch brings, so trusting it would hand the role (state, locks) to any branch's code.
 */
export function ciSubjects(environmentName: string, github: GithubTrust, kind: CiRoleKind): string[] {
  const repo = `repo:${github.githubRepository}`;
  const environment = `${repo}:environment:${environmentName}`;
  return kind === "apply" ? [environment] : [environment, `${repo}:ref:refs/heads/${github.mainBranch}`];
}
