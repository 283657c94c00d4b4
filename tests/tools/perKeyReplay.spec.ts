import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { evaluateRule, FlowEvent } from "../../tools/replay/ruleEvaluation";
import { DEFAULT_FORMAT_FIELDS, parseRecord } from "../../flowlogs";
import { AlertRule } from "../../components/alerting/rules";

const eventsOf = (lines: readonly string[]): FlowEvent[] =>
    lines.map((text) => ({ text, start: parseRecord(text, DEFAULT_FORMAT_FIELDS).start as number }));

const line = (src: string, dstPort: number, start: number) =>
    `2 123456789010 eni-0a1b2c3d4e5f67890 ${src} 10.0.1.20 40000 ${dstPort} 6 2 120 ${start} ${start + 60} REJECT OK`;

const perSource = (threshold: number, extra: Partial<AlertRule> = {}): AlertRule => ({
    name: "ssh-per-source",
    match: { action: "REJECT", dstPort: 22 },
    by: "srcAddr",
    threshold,
    periodSeconds: 300,
    evaluationPeriods: 1,
    ...extra,
});

describe("replaying per-key rules", () => {
    it("fires on the SSH brute force and names the source with its record count", () => {
        const lines = readFileSync(join(__dirname, "../fixtures/records/ssh-bruteforce.log"), "utf8")
            .trim()
            .split("\n");
        const evaluation = evaluateRule(perSource(5), eventsOf(lines), DEFAULT_FORMAT_FIELDS);
        assert.ok(evaluation.firings.length >= 1);
        assert.deepEqual(evaluation.firings[0].contributors?.[0].key, "203.0.113.45");
        assert.equal(evaluation.firings[0].sum, evaluation.firings[0].contributors?.[0].records);
        assert.equal(evaluation.matchedRecords, 14);
    });

    it("counts per source: two sources of 3 each do not make one of 6", () => {
        const t = 1714558200;
        const events = eventsOf([
            ...[0, 10, 20].map((d) => line("198.51.100.1", 22, t + d)),
            ...[0, 10, 20].map((d) => line("198.51.100.2", 22, t + d)),
        ]);
        assert.deepEqual(evaluateRule(perSource(4), events, DEFAULT_FORMAT_FIELDS).firings, []);
        const fired = evaluateRule(perSource(3), events, DEFAULT_FORMAT_FIELDS).firings;
        assert.equal(fired.length, 1);
        assert.deepEqual(fired[0].contributors, [
            { key: "198.51.100.1", records: 3 },
            { key: "198.51.100.2", records: 3 },
        ]);
        // uniqueContributors: 2 distinct sources.
        const unique = evaluateRule(perSource(2, { statistic: "uniqueContributors" }), events, DEFAULT_FORMAT_FIELDS);
        assert.equal(unique.firings.length, 1);
        assert.equal(unique.firings[0].sum, 2);
        assert.deepEqual(
            evaluateRule(perSource(3, { statistic: "uniqueContributors" }), events, DEFAULT_FORMAT_FIELDS).firings,
            [],
        );
    });

    it("ignores records the match does not select", () => {
        const t = 1714558200;
        const events = eventsOf([0, 10, 20].map((d) => line("198.51.100.1", 3389, t + d)));
        assert.equal(evaluateRule(perSource(1), events, DEFAULT_FORMAT_FIELDS).matchedRecords, 0);
    });
});
