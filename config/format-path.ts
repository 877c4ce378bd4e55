/** A path into nested data as an operator reads it: `userPool.passwordPolicy.minimumLength`, `callbackUrls[0]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}
