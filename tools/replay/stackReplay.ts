/**
 * What would fire: a file of flow log records replayed through the alerting rules of a stack's
 * VPCs, each VPC's rules resolved exactly as the program resolves them, each rule evaluated the way
 * CloudWatch evaluates metric filters and alarms (ruleEvaluation.ts).
 */
import { AlertRule, effectiveRules } from "../../components/alerting/rules";
import { cloudWatchFields } from "../../components/alerting/cloudWatchFormat";
import { FlowLogField } from "../../flowlogs/fields";
import { StackConfig } from "../../program/stackConfig";
import { InputError } from "../files/inputError";
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

/**
 * The format the stack's alarm log groups receive (of the named VPC's region, or of every
 * region when they agree): what a records file without a header is read as. Each region's format
 * is derived from the rules that read it, as the program derives it (cloudWatchFormat.ts).
 */
export function alarmFieldsOf(config: StackConfig, vpcName?: string): readonly FlowLogField[] {
    const regions = config.regions.filter(
        (region) => vpcName === undefined || region.vpcs.some((vpc) => vpc.name === vpcName),
    );
    const formats = new Map<string, readonly FlowLogField[]>();
    for (const region of regions.length ? regions : config.regions) {
        const fields = cloudWatchFields(
            region.vpcs.flatMap((vpc) =>
                effectiveRules({
                    defaultRules: config.alerts.defaultRules,
                    stackRules: config.alerts.rules,
                    vpcRules: vpc.rules,
                }),
            ),
        );
        formats.set(fields.map((f) => f.name).join(" "), fields);
    }
    if (formats.size > 1) {
        throw new InputError(
            `the stack's regions give their alarm log groups different formats (${[...formats.keys()].map((f) => `"${f}"`).join(", ")}): name the records' VPC with --vpc, or their format with --format`,
        );
    }
    return [...formats.values()][0];
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
