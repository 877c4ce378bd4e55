/**
 * The one function the workflow tests use from js-yaml (pinned in devDependencies; it
 * ships no types of its own).
 */
declare module "js-yaml" {
  export function load(text: string): unknown;
}
