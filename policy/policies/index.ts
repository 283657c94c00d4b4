/**
 * Every policy of the pack, in the order they run and report. Importing this module has no side
 * effects (no server): tests, `npm run check` and `npm run audit` evaluate these objects directly;
 * ../index.ts hands the same list to `new PolicyPack`.
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { alarmFlowLogAggregation, vpcFlowLogsRequired, vpcRejectAlarmRequired } from "./flowLogs";
import { vpcRejectAlarmVerifiable } from "./flowLogs";
import {
    alarmsHaveActions,
    athenaWorkgroupEnforced,
    flowLogBucketSecure,
    flowLogRoleNoWildcardActions,
    logGroupRetentionSet,
} from "./pipeline";

export { alarmFlowLogAggregation, vpcFlowLogsRequired, vpcRejectAlarmRequired } from "./flowLogs";
export { vpcRejectAlarmVerifiable } from "./flowLogs";
export {
    alarmsHaveActions,
    athenaWorkgroupEnforced,
    flowLogBucketSecure,
    flowLogRoleNoWildcardActions,
    logGroupRetentionSet,
} from "./pipeline";

/** The pack's name as the engine reports it (`new PolicyPack(PACK_NAME, ...)`). */
export const PACK_NAME = "vpc-flow-monitor";
export const PACK_DESCRIPTION =
    "Every VPC has flow logs with REJECT alarms, and the flow log pipeline keeps its security settings.";
/** The level of a policy that sets none (all of ours do); the SDK's own default. */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";

export const ALL_POLICIES: Policies = [
    vpcFlowLogsRequired,
    vpcRejectAlarmRequired,
    vpcRejectAlarmVerifiable,
    flowLogBucketSecure,
    logGroupRetentionSet,
    alarmsHaveActions,
    alarmFlowLogAggregation,
    athenaWorkgroupEnforced,
    flowLogRoleNoWildcardActions,
];
