/** The harness uses the project's one provider-mirror reader (scripts/lib/provider-mirror.ts). */
export { findProviderMirror, MIRROR_ENV, requiredAwsProvider } from "../../../scripts/lib/provider-mirror";
