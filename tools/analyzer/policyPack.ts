/**
 * This project's policy pack as the offline tools run it: the same policy objects
 * `policy/index.ts` hands to `new PolicyPack`, with the version from policy/package.json (what
 * the CLI reports as `vpc-flow-monitor@v0.1.0`), and its config from an optional file.
 */
import { ALL_POLICIES, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "../../policy/policies/index";
import policyPackage from "../../policy/package.json";
import { readJsonFile } from "../files/jsonFile";
import { PolicyConfig, resolvePolicyConfig } from "./policyConfig";
import { PolicyPackSpec } from "./policyRunner";

export const PACK: PolicyPackSpec = {
    name: PACK_NAME,
    version: policyPackage.version,
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    policies: ALL_POLICIES,
};

/** Schema defaults, overridden by `file` (the format of `pulumi preview --policy-pack-config`). */
export function loadPolicyConfig(file?: string, pack: PolicyPackSpec = PACK): PolicyConfig {
    if (file === undefined) return resolvePolicyConfig(pack.policies);
    return resolvePolicyConfig(pack.policies, readJsonFile(file, "policy config"), file);
}
