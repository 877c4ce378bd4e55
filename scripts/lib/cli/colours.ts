/** Terraform's output without its ANSI colour codes (it colours even when piped, unless -no-color). */
// eslint-disable-next-line no-control-regex
export const stripColours = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, "");
