/**
 * Terraform's own guard: a plan that would destroy a resource with lifecycle.prevent_destroy (the
 * user pool in staging/prod, the state bucket, table and key) fails instead of producing a plan.
 * The addresses are read from its error text, so plan can still report them in review.md and exit
 * with the protected status rather than a bare failure.
 */
import { stripColours } from "../cli/colours";

/** Addresses Terraform refused to destroy, from the stderr of `terraform plan` (colours and wrapping removed). */
export function preventDestroyRefusals(stderr: string): string[] {
  const text = stripColours(stderr).replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
  const found = [...text.matchAll(/Resource (\S+) has lifecycle\.prevent_destroy set/g)].map((m) => m[1]);
  return [...new Set(found)];
}
