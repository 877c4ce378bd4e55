/**
 * An environment stack deployed the way the pipeline deploys it: `npm run plan -- <env>` with the CI plan
 * role (plan-stack.yml), then `npm run apply -- <env> --yes` with the CI apply role (apply-stack.yml), each
 * with a session from AssumeRoleWithWebIdentity and the GitHub OIDC token that job would present
 * (GitHub Docs, "OpenID Connect reference": a push to the main branch `repo:<repo>:ref:refs/heads/<main>`,
 * a job in a GitHub environment `repo:<repo>:environment:<env>`). The emulator evaluates the roles' trust
 * policies against the token and every request against the roles' policies (emulator/ext_authz.py).
 *
 * plan-record and plan-verify (between the two in the workflows) make no AWS call: ops-workflow.test.ts
 * runs them.
 */
import type { EnvironmentConfig } from "../../../config";
import { ciRoleArn, ciSubjects, type CiRoleKind } from "../../../stacks/constructs/ci-roles/names";
import type { AwsEnv } from "./aws";
import { assumeRoleWithWebIdentity, type Moto } from "./moto";
import { npmScript, type RunResult, type StepTimer } from "./run";
import type { TerraformSetup } from "./terraform-env";
import type { WorkingCopy } from "./workdir";

/** The `sub` of a GitHub job: a push to the main branch (plan, drift) or a job in the environment (apply). */
export function jobSubject(env: EnvironmentConfig, job: "main-push" | "environment" | "pull-request"): string {
  const repo = `repo:${env.ci.githubRepository}`;
  if (job === "environment") return `${repo}:environment:${env.name}`;
  return job === "pull-request" ? `${repo}:pull_request` : `${repo}:ref:refs/heads/${env.ci.mainBranch}`;
}

/** Credentials of the CI role `kind` of `env`, as a GitHub job with subject `sub` gets them. */
export async function ciRoleEnv(
  moto: Pick<Moto, "endpoint" | "caBundle">,
  breakGlass: AwsEnv,
  env: EnvironmentConfig,
  kind: CiRoleKind,
  sub: string,
): Promise<AwsEnv> {
  const session = await assumeRoleWithWebIdentity(moto, ciRoleArn(env, kind), { sub });
  return {
    ...breakGlass,
    AWS_ACCESS_KEY_ID: session.accessKeyId,
    AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
    AWS_SESSION_TOKEN: session.sessionToken,
  };
}

/** plan with the plan role, then apply of that plan with the apply role; the first failure ends it. */
export async function ciDeploy(
  moto: Pick<Moto, "endpoint" | "caBundle">,
  copy: WorkingCopy,
  tf: TerraformSetup,
  breakGlass: AwsEnv,
  env: EnvironmentConfig,
  timer: StepTimer,
): Promise<{ plan: RunResult; apply?: RunResult }> {
  // The subjects the roles trust today: the apply role only its environment's jobs (ciSubjects).
  const planSub = ciSubjects(env.name, { ...env.ci, githubRepository: env.ci.githubRepository ?? "" }, "plan").includes(
    jobSubject(env, "main-push"),
  )
    ? jobSubject(env, "main-push")
    : jobSubject(env, "environment");
  const options = (aws: AwsEnv) => ({ cwd: copy.project, env: { ...tf.env, ...aws }, timer, timeoutMs: 600_000 });
  const plan = await npmScript("plan", [env.name], options(await ciRoleEnv(moto, breakGlass, env, "plan", planSub)));
  if (plan.code !== 0 && plan.code !== 2) return { plan };
  const apply = await npmScript(
    "apply",
    [env.name, "--yes"],
    options(await ciRoleEnv(moto, breakGlass, env, "apply", jobSubject(env, "environment"))),
  );
  return { plan, apply };
}
