/**
 * What the ops commands read from a Terraform state snapshot (format version 4, the JSON the S3
 * backend stores): serial, lineage, and the ids of managed resources. A snapshot that does not
 * parse as one (corrupted, truncated, someone else's file) is reported as such, never guessed at.
 * https://developer.hashicorp.com/terraform/language/state (lineage and serial identify a state and its revision)
 */

export interface StateSnapshot {
  readonly version: number;
  readonly serial: number;
  readonly lineage: string;
  readonly terraformVersion?: string;
  readonly resources: readonly {
    readonly mode?: string;
    readonly type: string;
    readonly name: string;
    readonly instances?: readonly { readonly attributes?: Record<string, unknown> }[];
  }[];
}

/** The snapshot, or undefined when the bytes are not a Terraform state. */
export function parseState(bytes: Buffer | string | undefined): StateSnapshot | undefined {
  if (bytes === undefined) return undefined;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof json !== "object" || json === null) return undefined;
  const { version, serial, lineage } = json;
  if (typeof version !== "number" || typeof serial !== "number" || typeof lineage !== "string" || !lineage) return undefined;
  return {
    version,
    serial,
    lineage,
    terraformVersion: typeof json.terraform_version === "string" ? json.terraform_version : undefined,
    resources: Array.isArray(json.resources) ? (json.resources as StateSnapshot["resources"]) : [],
  };
}

/** Ids of the managed resources of one type in the snapshot. */
export function managedIds(state: StateSnapshot, type: string): string[] {
  return state.resources
    .filter((r) => r.type === type && (r.mode ?? "managed") === "managed")
    .flatMap((r) => (r.instances ?? []).map((i) => i.attributes?.id))
    .filter((id): id is string => typeof id === "string");
}
