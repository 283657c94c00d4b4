/**
 * A property of vpc-reject-alarm-required: on a randomly built chain VPC -> flow log -> log group
 * -> metric filter -> alarm (random format, traffic type, pattern, metric value, dimensions,
 * statistic, comparison, threshold, actions, and where the filter and alarm live), the policy
 * passes exactly when an independent evaluator says a rejected packet would set the alarm off and
 * notify someone.
 *
 * The evaluator does not use the pack's analysis: it writes concrete records of each kind (REJECT,
 * ACCEPT, NODATA, SKIPDATA) of the format from small value pools, runs them through the kernel's
 * matchesPattern (what CloudWatch does with one event), takes the value and dimensions each
 * matching REJECT record publishes from the extracted fields, computes the alarm's statistic for N
 * such records in a period, and checks the comparison.
 */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
    FLOW_LOG_FIELDS,
    FlowLogField,
    columnName,
    matchesPattern,
    parseFilterPattern,
    renderLogFormat,
} from "../../flowlogs";
import { loadPolicyConfig, PACK } from "../../tools/analyzer/policyPack";
import { runPolicyPack } from "../../tools/analyzer/policyRunner";
import { ACCOUNT, addMonitoredVpc, addProvider, addTopic, Placement } from "../fixtures/stacks";
import { StackBuilder } from "../helpers/policy";

const CONFIG = loadPolicyConfig();
const OTHER_ACCOUNT = "999988887777";

// ---------------------------------------------------------------------------------------------
// the chain
// ---------------------------------------------------------------------------------------------

const FORMAT_CHOICES = [
    "version",
    "account-id",
    "srcaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "action",
    "log-status",
    "tcp-flags",
    "ecs-service-name",
    "reject-reason",
] as const;

/** Conditions each field's slot may get (the slot name is the column name). */
const CONDITIONS: Readonly<Record<string, readonly string[]>> = {
    action: [
        "= REJECT",
        "= REJ*",
        "= *EJECT",
        "= %REJECT%",
        "= %^REJECT$%",
        "= ACCEPT",
        "= DROP",
        "!= ACCEPT",
        "= *E*",
        "= REJECT || action = ACCEPT",
        "= REJECT && action = ACCEPT",
    ],
    "log-status": ["= OK", "= NODATA", "= FOO"],
    protocol: ["= 6", "= 300", ">= 0"],
    dstport: ["= 22", "= 70000", ">= 1024", "= 2*", "= 0"],
    srcport: [">= 1024", "= 0"],
    version: ["= VERSION", "= 1"],
    packets: ["> 5", "< 1"],
    bytes: ["> 5"],
    "ecs-service-name": ["= web", "= REJECT"],
    "reject-reason": ["= BPA", "= -"],
};

const TERM_PATTERNS = [
    "REJECT",
    '"REJECT"',
    "REJ",
    "EJECT",
    "REJECT -ACCEPT",
    "?REJECT ?ACCEPT",
    "ACCEPT",
    "%REJECT%",
    "%^REJECT$%",
    "",
];
const NUMERIC = ["version", "srcport", "dstport", "protocol", "packets", "bytes", "tcp-flags"];
const ACTIONS = [
    `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`,
    `arn:aws:lambda:us-east-1:${ACCOUNT}:function:notify`,
    "",
    " ",
    "arn:aws:automate:us-east-1:ec2:stop",
    "alerts",
];
const DIMENSION_VALUES: Readonly<Record<string, readonly string[]>> = {
    protocol: ["6", "17", "300", "tcp"],
    dstport: ["22", "2000", "70000", "x"],
};

interface Chain {
    readonly fields: readonly FlowLogField[];
    readonly trafficType: string;
    readonly pattern: string;
    readonly metricValue: string;
    /** Filter dimension name -> the field it publishes (its column), or none. */
    readonly filterDimension?: { readonly name: string; readonly field: string };
    readonly alarmDimensions?: Readonly<Record<string, string>>;
    readonly statistic: string;
    readonly comparison: string;
    readonly threshold: number;
    readonly actions: readonly string[];
    readonly filterAt: "same" | "other-region" | "other-account";
    readonly alarmAt: "same" | "other-region" | "other-account";
}

const chainArb: fc.Arbitrary<Chain> = fc
    .record({
        picked: fc.subarray([...FORMAT_CHOICES], { minLength: 1, maxLength: 8 }),
        withAction: fc.constantFrom(true, true, true, true, false),
        trafficType: fc.constantFrom("REJECT", "ALL", "REJECT", "ALL", "REJECT", "ACCEPT"),
        term: fc.oneof(
            { weight: 1, arbitrary: fc.constantFrom(...TERM_PATTERNS) },
            { weight: 3, arbitrary: fc.constant(null) },
        ),
        // Most chains condition the action field with one of its good forms.
        goodAction: fc.constantFrom("= REJECT", "= REJ*", "= *EJECT", "= %REJECT%", "= %^REJECT$%", undefined),
        conditions: fc.dictionary(fc.constantFrom(...Object.keys(CONDITIONS)), fc.nat(20), { maxKeys: 2 }),
        ellipsis: fc.boolean(),
        value: fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom("1", "1", "0", "-1", "2") },
            { weight: 2, arbitrary: fc.constantFrom(...NUMERIC, "srcaddr").map((f) => `$${f}`) },
        ),
        dimension: fc.oneof(
            { weight: 1, arbitrary: fc.constantFrom("protocol", "dstport") },
            { weight: 3, arbitrary: fc.constant(null) },
        ),
        alarmDimension: fc.oneof(
            { weight: 4, arbitrary: fc.constant<"same" | "none" | "other" | number>("same") },
            { weight: 1, arbitrary: fc.constantFrom<"same" | "none" | "other" | number>("none", "other") },
            { weight: 2, arbitrary: fc.nat(3) },
        ),
        statistic: fc.constantFrom("Sum", "Sum", "Sum", "SampleCount", "Maximum", "Minimum", "Average", "p99"),
        comparison: fc.constantFrom(
            "GreaterThanOrEqualToThreshold",
            "GreaterThanOrEqualToThreshold",
            "GreaterThanOrEqualToThreshold",
            "GreaterThanThreshold",
            "LessThanThreshold",
            "LessThanOrEqualToThreshold",
        ),
        threshold: fc.constantFrom(-1, 0, 1, 1, 2, 5, 50, 1e6),
        actions: fc.oneof(
            { weight: 3, arbitrary: fc.constant([ACTIONS[0]]) },
            { weight: 2, arbitrary: fc.subarray(ACTIONS, { minLength: 0, maxLength: 3 }) },
        ),
        filterAt: fc.constantFrom(...Array<"same">(10).fill("same"), "other-region", "other-account"),
        alarmAt: fc.constantFrom(...Array<"same">(10).fill("same"), "other-region", "other-account"),
    })
    .map((r): Chain => {
        const names = new Set<string>(r.picked);
        // Most chains deliver the action field; some do not.
        if (r.withAction) names.add("action").add("log-status");
        const fields = FLOW_LOG_FIELDS.filter((f) => names.has(f.name));
        const version = String(Math.max(...fields.map((f) => f.version)));
        const valueField = r.value.startsWith("$") ? r.value.slice(1) : undefined;
        const metricValue =
            valueField === undefined
                ? r.value
                : fields.some((f) => f.name === valueField)
                  ? `$${columnName(fields.find((f) => f.name === valueField)!)}`
                  : "1";
        const dimensionField = r.dimension && fields.some((f) => f.name === r.dimension) ? r.dimension : undefined;
        let pattern: string;
        if (r.term !== null) {
            pattern = r.term;
        } else {
            const slots = fields.map((f) => {
                if (f.name === "action" && r.goodAction !== undefined && r.conditions.action === undefined)
                    return { text: `action ${r.goodAction}`, free: false, name: f.name };
                const menu = CONDITIONS[f.name];
                const pick = r.conditions[f.name];
                if (!menu || pick === undefined) return { text: columnName(f), free: true, name: f.name };
                const condition = menu[pick % menu.length].replace("VERSION", version);
                return { text: `${columnName(f)} ${condition}`, free: false, name: f.name };
            });
            // A leading run of unconditioned slots, none of them a published field, may become "...".
            let lead = 0;
            while (
                lead < slots.length &&
                slots[lead].free &&
                slots[lead].name !== valueField &&
                slots[lead].name !== dimensionField
            )
                lead++;
            const texts = slots.map((s) => s.text);
            pattern = `[${(r.ellipsis && lead > 0 ? ["...", ...texts.slice(lead)] : texts).join(", ")}]`;
        }
        const filterDimension = dimensionField ? { name: "Dim", field: dimensionField } : undefined;
        let alarmDimensions: Record<string, string> | undefined;
        if (r.alarmDimension === "same" && filterDimension)
            alarmDimensions = { Dim: DIMENSION_VALUES[filterDimension.field][0] };
        else if (typeof r.alarmDimension === "number" && filterDimension)
            alarmDimensions = { Dim: DIMENSION_VALUES[filterDimension.field][r.alarmDimension % 4] };
        else if (r.alarmDimension === "other") alarmDimensions = { VpcId: "vpc-1" };
        return {
            fields,
            trafficType: r.trafficType,
            pattern,
            metricValue,
            filterDimension,
            alarmDimensions,
            statistic: r.statistic,
            comparison: r.comparison,
            threshold: r.threshold,
            actions: r.actions,
            filterAt: r.filterAt as Chain["filterAt"],
            alarmAt: r.alarmAt as Chain["alarmAt"],
        };
    });

function build(chain: Chain): StackBuilder {
    const stack = new StackBuilder();
    const provider = addProvider(stack, "us-east-1", ACCOUNT);
    const topic = addTopic(stack, provider);
    const place = (at: Chain["filterAt"]): Placement | undefined =>
        at === "same"
            ? undefined
            : at === "other-region"
              ? { provider: addProvider(stack, "us-west-2", ACCOUNT), region: "us-west-2" }
              : {
                    provider: addProvider(stack, "us-east-1", OTHER_ACCOUNT),
                    region: "us-east-1",
                    account: OTHER_ACCOUNT,
                };
    const filterAt = place(chain.filterAt);
    const alarmAt = chain.alarmAt === chain.filterAt && filterAt ? filterAt : place(chain.alarmAt);
    addMonitoredVpc(stack, "app", {
        provider,
        topic,
        trafficType: chain.trafficType,
        logFormat: renderLogFormat(chain.fields),
        pattern: chain.pattern,
        transformation: {
            value: chain.metricValue,
            ...(chain.filterDimension
                ? {
                      dimensions: {
                          [chain.filterDimension.name]:
                              `$${columnName(FLOW_LOG_FIELDS.find((f) => f.name === chain.filterDimension!.field)!)}`,
                      },
                  }
                : {}),
        },
        alarmProps: {
            statistic: chain.statistic === "p99" ? "" : chain.statistic,
            extendedStatistic: chain.statistic === "p99" ? "p99" : "",
            comparisonOperator: chain.comparison,
            threshold: chain.threshold,
            ...(chain.alarmDimensions ? { dimensions: chain.alarmDimensions } : {}),
        },
        alarmActions: [...chain.actions],
        filterAt,
        alarmAt,
    });
    return stack;
}

// ---------------------------------------------------------------------------------------------
// the independent evaluator
// ---------------------------------------------------------------------------------------------

type Kind = "REJECT" | "ACCEPT" | "NODATA" | "SKIPDATA";
const KINDS: readonly Kind[] = ["REJECT", "ACCEPT", "NODATA", "SKIPDATA"];
const NO_TRAFFIC = new Set([
    "srcaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "action",
    "tcp-flags",
    "ecs-service-name",
    "reject-reason",
]);

/** Concrete values a record of `kind` holds in `field` (AWS's record examples; bounds of each range included). */
function pool(field: string, kind: Kind, version: string): string[] {
    const ok = kind === "REJECT" || kind === "ACCEPT";
    if (!ok && NO_TRAFFIC.has(field)) return ["-"];
    switch (field) {
        case "version":
            return [version];
        case "account-id":
            return [ACCOUNT];
        case "srcaddr":
            return ["10.0.1.5", "2001:db8::1"];
        case "srcport":
        case "dstport":
            return ["0", "2", "22", "1024", "2000", "65535"];
        case "protocol":
            return ["0", "6", "17", "255"];
        case "packets":
        case "bytes":
            return ["1", "6", "10000000"];
        case "action":
            return [kind];
        case "log-status":
            return [ok ? "OK" : kind];
        case "tcp-flags":
            return ["0", "2", "255"];
        case "ecs-service-name":
            return ["web", "REJECT", "-"];
        case "reject-reason":
            return kind === "REJECT" ? ["BPA", "-"] : ["-"];
        default:
            throw new Error(`no pool for ${field}`);
    }
}

/** Every record of `kind`: the product of the pools (each small). */
function records(fields: readonly FlowLogField[], kind: Kind): string[][] {
    const version = String(Math.max(...fields.map((f) => f.version)));
    let out: string[][] = [[]];
    for (const field of fields)
        out = out.flatMap((prefix) => pool(field.name, kind, version).map((v) => [...prefix, v]));
    return out;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function wouldNotify(chain: Chain): boolean {
    if (chain.trafficType === "ACCEPT") return false;
    if (chain.filterAt !== "same" || chain.alarmAt !== "same") return false;
    let parsed: ReturnType<typeof parseFilterPattern>;
    try {
        parsed = parseFilterPattern(chain.pattern);
    } catch {
        return false;
    }
    const matching = (kind: Kind) =>
        records(chain.fields, kind)
            .map((r) => matchesPattern(parsed, r.join(" ")))
            .filter((m) => m.matched);
    // Only REJECT records: a filter that also counts other records is not a REJECT filter.
    if (KINDS.some((kind) => kind !== "REJECT" && matching(kind).length > 0)) return false;
    // The values REJECT records publish into the series the alarm watches.
    const wanted = chain.alarmDimensions ?? {};
    const values: number[] = [];
    for (const match of matching("REJECT")) {
        const published: Record<string, string> = {};
        if (chain.filterDimension) {
            const column = columnName(FLOW_LOG_FIELDS.find((f) => f.name === chain.filterDimension!.field)!);
            const v = match.values[column];
            if (v === undefined) continue;
            published[chain.filterDimension.name] = v;
        }
        if (JSON.stringify(Object.entries(published).sort()) !== JSON.stringify(Object.entries(wanted).sort()))
            continue;
        const raw = chain.metricValue.startsWith("$") ? match.values[chain.metricValue.slice(1)] : chain.metricValue;
        if (raw !== undefined && NUMBER.test(raw)) values.push(Number(raw));
    }
    if (values.length === 0) return false;
    // N copies of one record in a period, N from 1 to a billion.
    const breaches = values.some((v) =>
        [1, 2, 10, 1e3, 1e6, 1e9].some((n) => {
            const stat = chain.statistic === "Sum" ? n * v : chain.statistic === "SampleCount" ? n : v;
            switch (chain.comparison) {
                case "GreaterThanThreshold":
                    return stat > chain.threshold;
                case "GreaterThanOrEqualToThreshold":
                    return stat >= chain.threshold;
                case "LessThanThreshold":
                    return stat < chain.threshold;
                default:
                    return stat <= chain.threshold;
            }
        }),
    );
    if (!breaches) return false;
    return chain.actions.some((a) => /^arn:aws:(sns|lambda):us-east-1:\d{12}:(function:)?[\w-]+$/.test(a));
}

describe("vpc-reject-alarm-required: property", function () {
    this.timeout(300_000);

    it("passes a random chain exactly when a rejected packet would set its alarm off and notify someone", async () => {
        const outcomes = { pass: 0, fail: 0 };
        await fc.assert(
            fc.asyncProperty(chainArb, async (chain) => {
                const { violations } = await runPolicyPack(build(chain).resources(), PACK, { config: CONFIG });
                const required = violations.filter((v) => v.policy === "vpc-reject-alarm-required");
                const expected = wouldNotify(chain);
                assert.equal(
                    required.length === 0,
                    expected,
                    `${JSON.stringify(chain)}\n${JSON.stringify(required, null, 1)}`,
                );
                assert.deepEqual(
                    violations.filter((v) => v.policy === "vpc-reject-alarm-verifiable"),
                    [],
                );
                outcomes[expected ? "pass" : "fail"]++;
            }),
            { numRuns: 500 },
        );
        // Both outcomes, or the property says little.
        assert.ok(outcomes.pass > 50 && outcomes.fail > 50, JSON.stringify(outcomes));
    });
});
