/**
 * Terraform's failure when the AWS API cannot be reached at all (network down, endpoint gone, DNS):
 * the provider and the S3 backend retry, then report the transport error inside a longer
 * diagnostic. Naming it plainly tells the operator that nothing is wrong with the change itself.
 */
const TRANSPORT_ERRORS = [
  "connection refused",
  "connection reset by peer",
  "no such host",
  "i/o timeout",
  "network is unreachable",
  "TLS handshake timeout",
  "request send failed",
] as const;

/** The transport error Terraform's output reports, or undefined when it failed for another reason. */
export function unreachableApi(output: string): string | undefined {
  const lower = output.toLowerCase();
  return (
    TRANSPORT_ERRORS.find((e) => e !== "request send failed" && lower.includes(e.toLowerCase())) ??
    (lower.includes("request send failed") || /: eof\b/.test(lower) ? "the connection was closed" : undefined)
  );
}
