import { strict as assert } from "assert";
import {
    contributorRuleDefinition,
    fieldsRead,
    insightFilterProblems,
    insightFilters,
    insightRuleMetric,
} from "../../components/alerting/contributorRule";
import { DEFAULT_FORMAT_FIELDS, FlowAction, PROTOCOL_NUMBERS, fieldNamed } from "../../flowlogs";

describe("per-key (Contributor Insights) rules", () => {
    it("renders a match into Contributor Insights filters, a range as two", () => {
        assert.deepEqual(
            insightFilters({
                action: FlowAction.REJECT,
                protocol: PROTOCOL_NUMBERS.tcp,
                srcAddr: "10.0.*",
                dstPort: { from: 1024, to: 2048 },
            }),
            [
                { Match: "action", In: ["REJECT"] },
                { Match: "protocol", EqualTo: 6 },
                { Match: "srcaddr", StartsWith: ["10.0."] },
                { Match: "dstport", GreaterThan: 1023 },
                { Match: "dstport", LessThan: 2049 },
            ],
        );
        assert.deepEqual(insightFilters({ dstPort: [22, 3389, 22], dstAddr: "10.0.0.5" }), [
            { Match: "dstaddr", In: ["10.0.0.5"] },
            { Match: "dstport", In: ["22", "3389"] },
        ]);
    });

    it("refuses more than 4 filters and more than 10 values, with exact reasons", () => {
        assert.deepEqual(
            insightFilterProblems({
                action: FlowAction.REJECT,
                protocol: 6,
                srcAddr: "10.*",
                dstPort: { from: 1, to: 9 },
            }),
            [
                "needs 5 Contributor Insights filters (a port range takes two) and a rule allows at most 4: match on fewer fields",
            ],
        );
        assert.deepEqual(insightFilterProblems({ dstPort: Array.from({ length: 11 }, (_, i) => 100 + i) }), [
            "dstport lists 11 values and a Contributor Insights filter allows at most 10: use a port range",
        ]);
        assert.deepEqual(insightFilterProblems({ action: FlowAction.REJECT, dstPort: 22 }), []);
    });

    it("reads the match's fields and the key's, in field-table order", () => {
        assert.deepEqual(
            fieldsRead({ match: { action: FlowAction.REJECT, dstPort: 22 }, by: "srcAddr" }).map((f) => f.name),
            ["srcaddr", "dstport", "action"],
        );
        assert.deepEqual(
            fieldsRead({ match: { action: FlowAction.REJECT } }).map((f) => f.name),
            ["action"],
        );
    });

    it("positions the key and filter fields from the format the log group receives", () => {
        const definition = contributorRuleDefinition(
            { match: { action: FlowAction.REJECT, dstPort: 22 }, by: "srcAddr" },
            ["/vpc-flow-monitor/prod/web"],
            DEFAULT_FORMAT_FIELDS,
        );
        assert.deepEqual(JSON.parse(JSON.stringify(definition)), {
            Schema: { Name: "CloudWatchLogRule", Version: 1 },
            LogGroupNames: ["/vpc-flow-monitor/prod/web"],
            LogFormat: "CLF",
            Fields: { "4": "srcaddr", "7": "dstport", "13": "action" },
            Contribution: {
                Keys: ["srcaddr"],
                Filters: [
                    { Match: "action", In: ["REJECT"] },
                    { Match: "dstport", EqualTo: 22 },
                ],
            },
            AggregateOn: "Count",
        });
        // A custom format moves the positions with it.
        const custom = ["action", "srcaddr", "dstport", "log-status"].map(fieldNamed);
        const moved = contributorRuleDefinition(
            { match: { action: FlowAction.REJECT }, by: "dstPort" },
            ["g"],
            custom,
        ) as {
            Fields: object;
        };
        assert.deepEqual(moved.Fields, { "1": "action", "3": "dstport" });
    });

    it("quotes both arguments of INSIGHT_RULE_METRIC", () => {
        assert.equal(
            insightRuleMetric("r-1", "maxContributorValue"),
            "INSIGHT_RULE_METRIC('r-1', 'MaxContributorValue')",
        );
        assert.equal(
            insightRuleMetric("r-1", "uniqueContributors"),
            "INSIGHT_RULE_METRIC('r-1', 'UniqueContributors')",
        );
    });
});
