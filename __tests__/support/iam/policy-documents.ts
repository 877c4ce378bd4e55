/**
 * Every IAM policy document the synthesized stacks hold, found by attribute (so a new kind of
 * policy cannot slip past the checks), with its Terraform references replaced by the ARNs AWS
 * gives those resources: `${aws_sns_topic.x.arn}` becomes arn:<partition>:sns:<region>:<account>:<name>.
 */
import { partitionOf } from "../../../config/aws-regions";
import { ENV_NAMES, synthStack, type TfJson } from "../synth";
import type { PolicyJson } from "./simulate";

/** Who the document speaks for: the role itself (identity), who may assume it (trust), or the resource (resource). */
export type PolicyKind = "identity" | "trust" | "resource";

export interface PolicySite {
  readonly stack: string;
  /** Terraform address and attribute, e.g. aws_kms_key.state_key.policy. */
  readonly resource: string;
  readonly kind: PolicyKind;
  readonly policy: PolicyJson;
}

/** Policy attributes by resource type (aws provider 5.100.0 docs of each resource). */
const POLICY_ATTRIBUTES: Record<string, Record<string, PolicyKind>> = {
  aws_iam_role: { assume_role_policy: "trust" },
  aws_iam_role_policy: { policy: "identity" },
  aws_iam_policy: { policy: "identity" },
  aws_kms_key: { policy: "resource" },
  aws_kms_key_policy: { policy: "resource" },
  aws_s3_bucket_policy: { policy: "resource" },
  aws_sns_topic_policy: { policy: "resource" },
  aws_cloudwatch_log_resource_policy: { policy_document: "resource" },
};

export const SIX_STACKS = ENV_NAMES.flatMap((env) => [env, `state-${env}`]);

/** Region, account and partition of a stack: its default aws provider's. */
function placeOf(json: TfJson): { partition: string; region: string; account: string } {
  const provider = [json.provider.aws].flat().find((p: TfJson) => !p.alias);
  return { partition: partitionOf(provider.region), region: provider.region, account: provider.allowed_account_ids[0] };
}

/** The ARN AWS gives a resource of the stack, from its synthesized arguments. */
export function arnOf(json: TfJson, address: string): string {
  const { partition, region, account } = placeOf(json);
  const [type, name] = address.replace(/^data\./, "").split(".");
  const args: TfJson = (address.startsWith("data.") ? json.data : json.resource)?.[type]?.[name];
  if (!args) throw new Error(`no ${address} in the stack`);
  switch (type) {
    case "aws_s3_bucket":
      return `arn:${partition}:s3:::${args.bucket}`;
    case "aws_sns_topic":
      return `arn:${partition}:sns:${region}:${account}:${args.name}`;
    case "aws_cloudwatch_log_group":
      return `arn:${partition}:logs:${region}:${account}:log-group:${args.name}`;
    case "aws_kms_key":
      // Key ids are generated: a fixed UUID per address stands in for it.
      return `arn:${partition}:kms:${region}:${account}:key/0000${name.length.toString(16).padStart(4, "0")}-0000-4000-8000-${name.replace(/\W/g, "").slice(0, 12).padEnd(12, "0")}`;
    case "aws_iam_openid_connect_provider":
      return `arn:${partition}:iam::${account}:oidc-provider/${String(args.url).replace(/^https:\/\//, "")}`;
    case "aws_iam_role":
      return `arn:${partition}:iam::${account}:role/${args.name}`;
    case "aws_cognito_user_pool":
      return `arn:${partition}:cognito-idp:${region}:${account}:userpool/${region}_${name.replace(/\W/g, "")}`;
    default:
      throw new Error(`no ARN rule for ${address}: add one to arnOf`);
  }
}

/** The document with every `${<address>.arn}` replaced; any other reference is refused. */
export function resolvedPolicy(json: TfJson, text: string): PolicyJson {
  const resolved = text.replace(/\$\{([\w.-]+)\.arn\}/g, (_, address: string) => arnOf(json, address));
  const left = resolved.match(/\$\{[^}]*\}/);
  if (left) throw new Error(`unresolved reference ${left[0]}`);
  return JSON.parse(resolved) as PolicyJson;
}

/** Every policy document of one synthesized stack; an unknown attribute holding a policy fails. */
export function policySitesOf(stack: string, json: TfJson): PolicySite[] {
  const sites: PolicySite[] = [];
  for (const [type, byName] of Object.entries<TfJson>(json.resource ?? {})) {
    for (const [name, args] of Object.entries<TfJson>(byName)) {
      for (const [attribute, value] of Object.entries(args)) {
        const looksLikePolicy = typeof value === "string" && /"Statement"/.test(value);
        const kind = POLICY_ATTRIBUTES[type]?.[attribute];
        if (looksLikePolicy && !kind) throw new Error(`${stack}: ${type}.${name}.${attribute} holds a policy this list does not know`);
        if (kind && looksLikePolicy)
          sites.push({ stack, resource: `${type}.${name}.${attribute}`, kind, policy: resolvedPolicy(json, value) });
      }
    }
  }
  for (const [name, doc] of Object.entries<TfJson>(json.data?.aws_iam_policy_document ?? {})) {
    sites.push({ stack, resource: `data.aws_iam_policy_document.${name}.json`, kind: "identity", policy: policyDocumentData(json, doc) });
  }
  return sites;
}

/** data.aws_iam_policy_document's blocks as the JSON document it renders (aws provider docs, aws_iam_policy_document). */
function policyDocumentData(json: TfJson, doc: TfJson): PolicyJson {
  const statements = [doc.statement ?? []].flat().map((s: TfJson) => ({
    ...(s.sid ? { Sid: s.sid } : {}),
    Effect: s.effect ?? "Allow",
    ...(s.actions ? { Action: s.actions } : {}),
    ...(s.resources ? { Resource: s.resources } : {}),
    ...(s.principals ? { Principal: Object.fromEntries([s.principals].flat().map((p: TfJson) => [p.type, p.identifiers])) } : {}),
    ...(s.condition
      ? {
          Condition: [s.condition]
            .flat()
            .reduce((all: TfJson, c: TfJson) => ({ ...all, [c.test]: { ...all[c.test], [c.variable]: c.values } }), {}),
        }
      : {}),
  }));
  return resolvedPolicy(json, JSON.stringify({ Version: "2012-10-17", Statement: statements }));
}

/** Every policy document of the six synthesized stacks of the shipped app. */
export const everyPolicySite = (): PolicySite[] => SIX_STACKS.flatMap((stack) => policySitesOf(stack, synthStack(stack)));
