/**
 * The vpc-flow-monitor policy pack: `pulumi preview --policy-pack ./policy`.
 *
 * Constructing a PolicyPack starts the analyzer's gRPC server and reads ./package.json (for the
 * version) from the working directory, so this file does nothing else: the policies live in
 * ./policies, importable without a server.
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES, PACK_DESCRIPTION, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "./policies/index";

new PolicyPack(PACK_NAME, {
    policies: ALL_POLICIES,
    description: PACK_DESCRIPTION,
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
});
