/**
 * The one function the workflow tests use from js-yaml (installed with eslint's config loader; it
 * ships no types of its own).
 */
declare module "js-yaml" {
  export function load(text: string): unknown;
}
