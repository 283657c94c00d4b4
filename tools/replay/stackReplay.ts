/**
 * What would fire: a file of flow log records replayed through the alerting rules of a stack's
 * VPCs, each VPC's rules resolved exactly as the program resolves them, each rule evaluated the way
 * CloudWatch evaluates metric filters and alarms (ruleEvaluation.ts).
 */
import { AlertRule, effectiveRules } from "../../components/alerting/rules";
import { StackConfig } from "../../program/stackConfig";
import { RecordsFile } from "../files/recordsFile";
import { evaluateRule, RuleEvaluation } from "./ruleEvaluation";

export interface VpcEvaluation {
    readonly vpc: string;
    readonly region: string;
    readonly rules: readonly RuleEvaluation[];
}

/** The names of the stack's VPCs, in config order. */
export function vpcNames(config: StackConfig): string[] {
    return config.regions.flatMap((region) => region.vpcs.map((vpc) => vpc.name));
}

/** Every VPC of the stack (or the one named), with the rules the program would give it, evaluated over the records. */
export function evaluateStack(
    config: StackConfig,
    records: Pick<RecordsFile, "records" | "fields">,
    vpcName?: string,
): VpcEvaluation[] {
    const vpcs = config.regions.flatMap((region) => region.vpcs.map((vpc) => ({ region: region.region, vpc })));
    const selected = vpcName === undefined ? vpcs : vpcs.filter(({ vpc }) => vpc.name === vpcName);
    return selected.map(({ region, vpc }) => {
        const rules: AlertRule[] = effectiveRules({
            defaultRules: config.alerts.defaultRules,
            stackRules: config.alerts.rules,
            vpcRules: vpc.rules,
        });
        return {
            vpc: vpc.name,
            region,
            rules: rules.map((rule) => evaluateRule(rule, records.records, records.fields)),
        };
    });
}
