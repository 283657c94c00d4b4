import { strict as assert } from "assert";
import { alarmDescription } from "../../components/alerting/alertingRule";
import {
    alarmText,
    logsInsightsFilter,
    logsInsightsUrl,
    MAX_ALARM_DESCRIPTION_BYTES,
    offendingRecordsQuery,
    plainDuration,
    truncateToBytes,
} from "../../components/alerting/alarmText";
import { DEFAULT_FORMAT_FIELDS, FlowAction, PROTOCOL_NUMBERS } from "../../flowlogs";

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

const PLACE = { vpcName: "web", stack: "prod", accountId: "123456789012", region: "eu-west-1" } as const;

describe("alarm descriptions", () => {
    describe("truncateToBytes", () => {
        it("leaves text that fits alone", () => {
            assert.equal(truncateToBytes("é".repeat(512), 1024), "é".repeat(512));
        });
        it("cuts multi-byte text by bytes, never inside a character, ending in ASCII ...", () => {
            const cut = truncateToBytes("é".repeat(600), 1024); // 1200 bytes
            assert.equal(cut, `${"é".repeat(510)}...`);
            assert.equal(bytes(cut), 1023);
            assert.ok(bytes(cut) <= 1024);
        });
        it("never splits a surrogate pair (4-byte characters)", () => {
            const cut = truncateToBytes("🔥".repeat(300), 1024);
            assert.equal(cut, `${"🔥".repeat(255)}...`);
            assert.equal(bytes(cut), 1023);
        });
        it("cuts ASCII to exactly the budget", () => {
            const cut = truncateToBytes("x".repeat(2000), 1024);
            assert.equal(cut.length, 1024);
            assert.ok(cut.endsWith("x..."));
        });
    });

    describe("logsInsightsFilter", () => {
        const cases: [string, Parameters<typeof logsInsightsFilter>[0], string][] = [
            ["action", { action: FlowAction.REJECT }, 'action = "REJECT"'],
            [
                "protocol and one port",
                { action: FlowAction.REJECT, protocol: PROTOCOL_NUMBERS.tcp, dstPort: 22 },
                'action = "REJECT" and protocol = 6 and dstport = 22',
            ],
            ["a port list", { dstPort: [3306, 5432, 3306] }, "dstport in [3306, 5432]"],
            ["a port range", { srcPort: { from: 1024, to: 2048 } }, "srcport >= 1024 and srcport <= 2048"],
            ["an address prefix", { srcAddr: "192.168.*" }, "srcaddr like /^192\\.168\\./"],
            ["an exact address", { dstAddr: "10.0.0.155" }, 'dstaddr = "10.0.0.155"'],
            [
                "interface and status",
                { interfaceId: "eni-1", logStatus: "SKIPDATA" },
                'interface_id = "eni-1" and log_status = "SKIPDATA"',
            ],
            ["nothing", {}, ""],
        ];
        for (const [title, match, expected] of cases) {
            it(title, () => assert.equal(logsInsightsFilter(match), expected));
        }
    });

    describe("logsInsightsUrl", () => {
        it("builds the console's Logs Insights deep link with the query and log group encoded", () => {
            const url = logsInsightsUrl("eu-west-1", ["/vpc-flow-monitor/prod/web"], 'filter action = "REJECT"', 3600);
            assert.equal(
                url,
                "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D" +
                    "~(end~0~start~-3600~timeType~'RELATIVE~unit~'seconds~editorString~'filter*20action*20*3D*20*22REJECT*22" +
                    "~source~(~'*2Fvpc-flow-monitor*2Fprod*2Fweb))",
            );
        });
        it("escapes the fragment's own syntax characters inside values", () => {
            const url = logsInsightsUrl("us-east-1", ["g"], "a~b(c)'d*e!", 60);
            assert.ok(url.includes("editorString~'a*7Eb*28c*29*27d*2Ae*21~source"), url);
        });
    });

    describe("the rule's description", () => {
        const rule = {
            name: "ssh-rejected",
            match: { action: FlowAction.REJECT, protocol: PROTOCOL_NUMBERS.tcp, dstPort: 22 },
            threshold: 3,
            periodSeconds: 300,
            evaluationPeriods: 1,
            description: "Rejected SSH (TCP 22) connection attempts",
        };
        const args = {
            ...PLACE,
            rule,
            vpcId: "vpc-0abc",
            logGroupName: "/vpc-flow-monitor/prod/web",
            fields: DEFAULT_FORMAT_FIELDS,
        };

        it("says what, when, where, the match and links to the records", () => {
            const url = logsInsightsUrl(
                "eu-west-1",
                ["/vpc-flow-monitor/prod/web"],
                offendingRecordsQuery(rule.match, DEFAULT_FORMAT_FIELDS),
                3600,
            );
            assert.equal(
                alarmDescription(args),
                [
                    "Rejected SSH (TCP 22) connection attempts: at least 3 matching flow log records in 5 minutes.",
                    "VPC web (vpc-0abc), account 123456789012, region eu-west-1, stack prod.",
                    'Counts records where action = "REJECT" and protocol = 6 and dstport = 22.',
                    "Matching records of the last 1 hour (Logs Insights):",
                    url,
                ].join("\n"),
            );
            assert.ok(bytes(alarmDescription(args)) <= MAX_ALARM_DESCRIPTION_BYTES);
        });

        it("queries the matching records with the parse of the delivered format", () => {
            assert.equal(
                offendingRecordsQuery(rule.match, DEFAULT_FORMAT_FIELDS),
                'parse @message "* * * * * * * * * * * * * *" as version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status\n' +
                    '| filter action = "REJECT" and protocol = 6 and dstport = 22\n| sort @timestamp desc',
            );
        });

        it("names several periods in a row, and looks back three windows when that is more than an hour", () => {
            const text = alarmDescription({ ...args, rule: { ...rule, periodSeconds: 3600, evaluationPeriods: 2 } });
            assert.ok(
                text.startsWith(
                    "Rejected SSH (TCP 22) connection attempts: at least 3 matching flow log records in 1 hour, in each of 2 periods in a row.\n",
                ),
            );
            assert.ok(text.includes("\nMatching records of the last 6 hours (Logs Insights):\nhttps://"), text);
            assert.ok(text.includes("~start~-21600~"));
        });

        it("cuts long multi-byte prose to 1024 bytes and keeps the link whole at the end", () => {
            const long = { ...rule, description: "Tentatives SSH rejetées — très suspectes… ".repeat(40) };
            const text = alarmDescription({ ...args, rule: long });
            assert.ok(bytes(text) <= MAX_ALARM_DESCRIPTION_BYTES, `${bytes(text)} bytes`);
            assert.ok(
                bytes(text) >= MAX_ALARM_DESCRIPTION_BYTES - 3,
                `${bytes(text)} bytes: the prose fills the budget`,
            );
            const url = logsInsightsUrl(
                "eu-west-1",
                ["/vpc-flow-monitor/prod/web"],
                offendingRecordsQuery(rule.match, DEFAULT_FORMAT_FIELDS),
                3600,
            );
            assert.ok(text.endsWith(`...\nMatching records of the last 1 hour (Logs Insights):\n${url}`), text);
            assert.ok(text.startsWith("Tentatives SSH rejetées — très suspectes… "));
        });

        it("leaves out a link too long to sit beside a sentence, and says where to look instead", () => {
            const text = alarmText({
                ...PLACE,
                detects: "Anything",
                condition: "at least 1 record in 1 minute",
                link: { label: "Records", url: `https://x/${"a".repeat(900)}` },
            });
            assert.equal(
                text,
                "Anything: at least 1 record in 1 minute.\nVPC web, account 123456789012, region eu-west-1, stack prod.\n" +
                    "The records: Logs Insights on this VPC's alarm log group.",
            );
        });
    });

    it("plainDuration", () => {
        assert.deepEqual([60, 300, 3600, 7200, 90, 1].map(plainDuration), [
            "1 minute",
            "5 minutes",
            "1 hour",
            "2 hours",
            "90 seconds",
            "1 second",
        ]);
    });
});
