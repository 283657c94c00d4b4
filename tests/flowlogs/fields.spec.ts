import * as assert from "node:assert/strict";
import {
    columnName,
    DEFAULT_FORMAT_FIELDS,
    fieldNamed,
    FLOW_LOG_FIELDS,
    FlowLogField,
    FlowLogRecord,
    formatVersion,
    inTableOrder,
    isEcsField,
    NON_ECS_FIELDS,
    parseLogFormat,
    parseRecord,
    RecordParseError,
    renderLogFormat,
} from "../../flowlogs/fields";

/** AWS's default format, verbatim from the VPC user guide (reference §1.2); it cannot be changed. */
const DEFAULT_FORMAT =
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

/** Every field of versions 2-8, in the order of AWS's available-fields table (reference §1.3). */
const LAKE_FORMAT =
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}" +
    " ${vpc-id} ${subnet-id} ${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr}" +
    " ${region} ${az-id} ${sublocation-type} ${sublocation-id}" +
    " ${pkt-src-aws-service} ${pkt-dst-aws-service} ${flow-direction} ${traffic-path}" +
    " ${ecs-cluster-arn} ${ecs-cluster-name} ${ecs-container-instance-arn} ${ecs-container-instance-id} ${ecs-container-id}" +
    " ${ecs-second-container-id} ${ecs-service-name} ${ecs-task-definition-arn} ${ecs-task-arn} ${ecs-task-id}" +
    " ${reject-reason}";

/** Field -> version, from the reference table (§1.3), written out independently of the code's table. */
const VERSION_OF: Readonly<Record<string, number>> = {
    version: 2,
    "account-id": 2,
    "interface-id": 2,
    srcaddr: 2,
    dstaddr: 2,
    srcport: 2,
    dstport: 2,
    protocol: 2,
    packets: 2,
    bytes: 2,
    start: 2,
    end: 2,
    action: 2,
    "log-status": 2,
    "vpc-id": 3,
    "subnet-id": 3,
    "instance-id": 3,
    "tcp-flags": 3,
    type: 3,
    "pkt-srcaddr": 3,
    "pkt-dstaddr": 3,
    region: 4,
    "az-id": 4,
    "sublocation-type": 4,
    "sublocation-id": 4,
    "pkt-src-aws-service": 5,
    "pkt-dst-aws-service": 5,
    "flow-direction": 5,
    "traffic-path": 5,
    "ecs-cluster-arn": 7,
    "ecs-cluster-name": 7,
    "ecs-container-instance-arn": 7,
    "ecs-container-instance-id": 7,
    "ecs-container-id": 7,
    "ecs-second-container-id": 7,
    "ecs-service-name": 7,
    "ecs-task-definition-arn": 7,
    "ecs-task-arn": 7,
    "ecs-task-id": 7,
    "reject-reason": 8,
};

const KNOWN_FIELDS = Object.keys(VERSION_OF).join(", ");

describe("flowLogFields", () => {
    describe("rendered formats", () => {
        it("renders every field: all 40 of versions 2-8, in AWS order", () => {
            assert.equal(renderLogFormat(FLOW_LOG_FIELDS), LAKE_FORMAT);
            assert.equal(FLOW_LOG_FIELDS.length, 40);
        });

        it("sets the ten version-7 ECS fields apart: every other field needs no extra permission", () => {
            assert.deepEqual(
                FLOW_LOG_FIELDS.filter(isEcsField).map((f) => f.name),
                FLOW_LOG_FIELDS.filter((f) => f.version === 7).map((f) => f.name),
            );
            assert.equal(NON_ECS_FIELDS.length, 30);
            assert.ok(NON_ECS_FIELDS.every((f) => f.version !== 7));
        });

        it("puts fields in the table's order, each once", () => {
            const named = (...names: string[]) => names.map((n) => FLOW_LOG_FIELDS.find((f) => f.name === n)!);
            assert.deepEqual(
                inTableOrder(named("reject-reason", "srcaddr", "version", "srcaddr")).map((f) => f.name),
                ["version", "srcaddr", "reject-reason"],
            );
        });

        it("renders the default format exactly as AWS's version 2 default", () => {
            assert.equal(renderLogFormat(DEFAULT_FORMAT_FIELDS), DEFAULT_FORMAT);
        });

        it("gives every field the version AWS introduced it in", () => {
            assert.deepEqual(Object.fromEntries(FLOW_LOG_FIELDS.map((f) => [f.name, f.version])), VERSION_OF);
            // Same order as the reference table, not only the same set.
            assert.deepEqual(
                FLOW_LOG_FIELDS.map((f) => f.name),
                Object.keys(VERSION_OF),
            );
        });

        it("renders an empty list as an empty string and a single field without spaces", () => {
            assert.equal(renderLogFormat([]), "");
            assert.equal(renderLogFormat([fieldNamed("end")]), "${end}");
        });
    });

    describe("parseLogFormat", () => {
        for (const [label, format] of [
            ["default", DEFAULT_FORMAT],
            ["lake", LAKE_FORMAT],
            ["custom subset", "${vpc-id} ${srcaddr} ${reject-reason} ${action}"],
        ] as const) {
            it(`round-trips the ${label} format`, () => {
                const fields = parseLogFormat(format);
                assert.equal(renderLogFormat(fields), format);
                assert.deepEqual(
                    fields.map((f) => f.name),
                    [...format.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]),
                );
            });
        }

        it("accepts surrounding and repeated whitespace", () => {
            assert.deepEqual(
                parseLogFormat("  ${version}\t ${srcaddr}\n${dstaddr}  ").map((f) => f.name),
                ["version", "srcaddr", "dstaddr"],
            );
        });

        const errors: readonly { readonly format: string; readonly message: string }[] = [
            {
                format: "${version} ${nope}",
                message: `"nope" is not a VPC flow log field; known fields: ${KNOWN_FIELDS}`,
            },
            { format: "${version} srcaddr", message: 'log format token "srcaddr" is not of the form ${field-name}' },
            {
                format: "${version}${srcaddr}",
                message: 'log format token "${version}${srcaddr}" is not of the form ${field-name}',
            },
            { format: "${Version}", message: 'log format token "${Version}" is not of the form ${field-name}' },
            { format: "$${version}", message: 'log format token "$${version}" is not of the form ${field-name}' },
            { format: "", message: 'log format token "" is not of the form ${field-name}' },
            { format: "${srcaddr} ${dstaddr} ${srcaddr}", message: 'log format names the field "srcaddr" twice' },
        ];
        for (const { format, message } of errors) {
            it(`rejects ${JSON.stringify(format)}`, () => {
                assert.throws(() => parseLogFormat(format), { message });
            });
        }
    });

    describe("fieldNamed", () => {
        it("finds a field by its hyphenated AWS name", () => {
            assert.deepEqual(fieldNamed("log-status"), { name: "log-status", version: 2, kind: "string" });
            assert.deepEqual(fieldNamed("tcp-flags"), { name: "tcp-flags", version: 3, kind: "int" });
        });

        it("rejects the column spelling", () => {
            assert.throws(() => fieldNamed("log_status"), {
                message: `"log_status" is not a VPC flow log field; known fields: ${KNOWN_FIELDS}`,
            });
        });
    });

    describe("formatVersion", () => {
        const cases: readonly { readonly format: string; readonly version: number }[] = [
            { format: DEFAULT_FORMAT, version: 2 },
            { format: "${srcaddr} ${vpc-id}", version: 3 },
            { format: "${az-id} ${srcaddr}", version: 4 },
            { format: "${flow-direction}", version: 5 },
            { format: "${version} ${ecs-task-id} ${region}", version: 7 },
            { format: "${reject-reason} ${version}", version: 8 },
            { format: LAKE_FORMAT, version: 8 },
        ];
        for (const { format, version } of cases) {
            it(`is ${version} for ${format.length > 40 ? format.slice(0, 40) + "..." : format}`, () => {
                assert.equal(formatVersion(parseLogFormat(format)), version);
            });
        }
    });

    describe("columnName", () => {
        const cases = [
            ["version", "version"],
            ["log-status", "log_status"],
            ["pkt-src-aws-service", "pkt_src_aws_service"],
            ["ecs-container-instance-arn", "ecs_container_instance_arn"],
            ["end", "end"],
        ] as const;
        for (const [field, column] of cases) {
            it(`${field} -> ${column}`, () => assert.equal(columnName(fieldNamed(field)), column));
        }

        it("gives 40 distinct column names of lowercase letters, digits and underscores", () => {
            const columns = FLOW_LOG_FIELDS.map(columnName);
            assert.equal(new Set(columns).size, 40);
            for (const c of columns) assert.match(c, /^[a-z][a-z0-9_]*$/);
        });
    });

    describe("parseRecord", () => {
        // The example records of AWS's "Flow log record examples" page (default format).
        const examples: readonly { readonly label: string; readonly line: string; readonly record: FlowLogRecord }[] = [
            {
                label: "accepted SSH",
                line: "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
                record: {
                    version: 2,
                    account_id: "123456789010",
                    interface_id: "eni-1235b8ca123456789",
                    srcaddr: "172.31.16.139",
                    dstaddr: "172.31.16.21",
                    srcport: 20641,
                    dstport: 22,
                    protocol: 6,
                    packets: 20,
                    bytes: 4249,
                    start: 1418530010,
                    end: 1418530070,
                    action: "ACCEPT",
                    log_status: "OK",
                },
            },
            {
                label: "rejected RDP",
                line: "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK",
                record: {
                    version: 2,
                    account_id: "123456789010",
                    interface_id: "eni-1235b8ca123456789",
                    srcaddr: "172.31.9.69",
                    dstaddr: "172.31.9.12",
                    srcport: 49761,
                    dstport: 3389,
                    protocol: 6,
                    packets: 20,
                    bytes: 4249,
                    start: 1418530010,
                    end: 1418530070,
                    action: "REJECT",
                    log_status: "OK",
                },
            },
            {
                label: "no data",
                line: "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
                record: {
                    version: 2,
                    account_id: "123456789010",
                    interface_id: "eni-1235b8ca123456789",
                    srcaddr: null,
                    dstaddr: null,
                    srcport: null,
                    dstport: null,
                    protocol: null,
                    packets: null,
                    bytes: null,
                    start: 1431280876,
                    end: 1431280934,
                    action: null,
                    log_status: "NODATA",
                },
            },
            {
                label: "skipped records",
                line: "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA",
                record: {
                    version: 2,
                    account_id: "123456789010",
                    interface_id: "eni-11111111aaaaaaaaa",
                    srcaddr: null,
                    dstaddr: null,
                    srcport: null,
                    dstport: null,
                    protocol: null,
                    packets: null,
                    bytes: null,
                    start: 1431280876,
                    end: 1431280934,
                    action: null,
                    log_status: "SKIPDATA",
                },
            },
        ];
        for (const { label, line, record } of examples) {
            it(`parses AWS's ${label} example into the typed record`, () => {
                assert.deepStrictEqual(parseRecord(line), record);
            });
        }

        it("keeps the account id a string (leading zeros are significant)", () => {
            const record = parseRecord("2 012345678901 eni-1 10.0.0.1 10.0.0.2 1 2 17 1 100 1 2 ACCEPT OK");
            assert.equal(record.account_id, "012345678901");
            assert.equal(record.protocol, 17);
        });

        it("parses a custom format with the fields it is given", () => {
            const fields = parseLogFormat("${vpc-id} ${srcaddr} ${tcp-flags} ${traffic-path} ${reject-reason}");
            assert.deepStrictEqual(parseRecord("vpc-0abc 10.0.0.1 18 - BPA", fields), {
                vpc_id: "vpc-0abc",
                srcaddr: "10.0.0.1",
                tcp_flags: 18,
                traffic_path: null,
                reject_reason: "BPA",
            });
        });

        const errors: readonly {
            readonly label: string;
            readonly line: string;
            readonly fields?: readonly FlowLogField[];
            readonly message: string;
        }[] = [
            {
                label: "a field too few",
                line: "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT",
                message: "expected 14 space-separated fields, found 13",
            },
            {
                label: "a field too many",
                line: "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK extra",
                message: "expected 14 space-separated fields, found 15",
            },
            { label: "an empty line", line: "   ", message: "expected 14 space-separated fields, found 1" },
            {
                label: "a lake record read with the default fields",
                line: Array.from({ length: 40 }, () => "-").join(" "),
                message: "expected 14 space-separated fields, found 40",
            },
            {
                label: "a non-numeric port",
                line: "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 ssh 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
                message: 'field srcport should be a whole number, found "ssh"',
            },
            {
                label: "a fractional byte count",
                line: "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 42.5 1418530010 1418530070 ACCEPT OK",
                message: 'field bytes should be a whole number, found "42.5"',
            },
            {
                label: "a non-numeric version",
                line: "v2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
                message: 'field version should be a whole number, found "v2"',
            },
        ];
        for (const { label, line, fields, message } of errors) {
            it(`rejects ${label} with a RecordParseError`, () => {
                assert.throws(
                    () => parseRecord(line, fields),
                    (err: unknown) => {
                        assert.ok(err instanceof RecordParseError, `expected a RecordParseError, got ${String(err)}`);
                        assert.equal(err.message, message);
                        return true;
                    },
                );
            });
        }
    });
});
