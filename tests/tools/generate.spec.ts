/**
 * The flow log generator (tools/lake/generator.ts), its delivery into AWS's object layouts
 * (tools/lake/delivery.ts, writer.ts), and `npm run generate` (tools/cli/generate.ts).
 */
import * as assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { columnName, FLOW_LOG_FIELDS, FlowLogRecord, parseRecord } from "../../flowlogs/fields";
import { LAKE_ALL_FIELDS as LAKE_FORMAT_FIELDS, LAKE_DEFAULT_FIELDS } from "../../components/defaults";
import { projectionParameters } from "../../components/lake/layout";
import { currentHour, main, parseRequest, USAGE } from "../../tools/cli/generate";
import { FileFormat } from "../../tools/lake/delivery";
import {
    CAPTURE_WINDOW_SECONDS,
    checkOptions,
    generateLake,
    GeneratedLake,
    streamLake,
} from "../../tools/lake/generator";
import { findFlowLogFiles, OBJECT_NAME } from "../../tools/lake/localLake";
import { plainText } from "../../tools/lake/writer";
import { captureOutput } from "../helpers/io";
import { FIXTURE_END, lakeFixture, LakeFixture } from "../helpers/lakeData";

const COLUMNS = LAKE_FORMAT_FIELDS.map(columnName);
/** A generated record (every field) as a file of the fixture's format carries it. */
const project = (record: FlowLogRecord): FlowLogRecord => Object.fromEntries(COLUMNS.map((c) => [c, record[c]]));
/** Columns that describe a flow; `-` (null) on NODATA and SKIPDATA records. */
const FLOW_COLUMNS = [
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "action",
    "tcp_flags",
    "type",
    "pkt_srcaddr",
    "pkt_dstaddr",
    "flow_direction",
    "traffic_path",
];

describe("flow log generator", function () {
    this.timeout(180_000);
    let fx: LakeFixture;
    let lake: GeneratedLake;
    let ok: FlowLogRecord[];
    const lastDay = (r: FlowLogRecord) => Number(r.start) >= lake.endSeconds - 86_400;
    before(async () => {
        fx = await lakeFixture();
        lake = fx.lake;
        ok = lake.records.filter((r) => r.log_status === "OK");
    });

    describe("options", () => {
        it("is deterministic for a seed and an end", () => {
            const options = { seed: 9, end: FIXTURE_END, days: 1 };
            assert.deepStrictEqual(generateLake(options).records, generateLake(options).records);
            assert.notDeepStrictEqual(generateLake({ ...options, seed: 10 }).records, generateLake(options).records);
        });

        it("streams one day at a time: each day's records start and end in that day, and together they are the lake", () => {
            const options = { seed: 3, end: FIXTURE_END, days: 3 };
            const stream = streamLake(options);
            const days = [...stream.days()];
            assert.equal(days.length, 3);
            days.forEach((records, i) => {
                const dayStart = stream.startSeconds + i * 86_400;
                const outside = records.filter((r) => Number(r.start) < dayStart || Number(r.end) >= dayStart + 86_400);
                assert.deepEqual(outside, [], `day ${i + 1}`);
            });
            assert.deepStrictEqual(days.flat(), generateLake(options).records);
            assert.throws(() => [...stream.days()], /a LakeStream's days can be iterated once/);
        });

        it("reports every bad option at once", () => {
            assert.throws(
                () => checkOptions({ seed: -1, end: new Date("2026-11-05T07:30:00Z"), days: 0, accountId: "42" }),
                {
                    message: [
                        "seed must be a whole number from 0 to 4294967295; given -1",
                        "days must be a whole number from 1 to 31; given 0",
                        `end must be a time on a whole hour (UTC), e.g. 2026-11-05T07:00:00Z; given ${new Date("2026-11-05T07:30:00Z")}`,
                        'accountId must be 12 digits; given "42"',
                    ].join("\n"),
                },
            );
        });
    });

    describe("records", () => {
        it("have every field of the table, in AWS order, version 8 (a file then carries its format's fields)", () => {
            for (const r of lake.records) {
                assert.deepEqual(Object.keys(r), FLOW_LOG_FIELDS.map(columnName));
                assert.equal(r.version, 8);
                assert.equal(r.account_id, "123456789012");
            }
        });

        it("span the requested days, three VPCs in two regions", () => {
            assert.equal(lake.endSeconds - lake.startSeconds, 3 * 86_400);
            assert.deepEqual([...new Set(lake.records.map((r) => r.region))].sort(), ["eu-central-1", "us-east-1"]);
            assert.equal(new Set(lake.records.map((r) => r.vpc_id)).size, 3);
            for (const r of lake.records)
                assert.ok(Number(r.start) >= lake.startSeconds && Number(r.end) < lake.endSeconds);
            assert.ok(lake.records.length > 5000 && lake.records.length < 30000, `${lake.records.length} records`);
        });

        it("start and end inside one 600-second capture window", () => {
            for (const r of lake.records) {
                const start = Number(r.start);
                const end = Number(r.end);
                assert.ok(start <= end);
                assert.equal(Math.floor(start / CAPTURE_WINDOW_SECONDS), Math.floor(end / CAPTURE_WINDOW_SECONDS));
            }
        });

        it("include NODATA and SKIPDATA records, with no flow fields", () => {
            for (const status of ["NODATA", "SKIPDATA"]) {
                const records = lake.records.filter((r) => r.log_status === status);
                assert.ok(records.length > 0, status);
                for (const r of records) {
                    for (const column of FLOW_COLUMNS) assert.equal(r[column], null, `${status} ${column}`);
                    assert.ok(r.interface_id && r.start && r.end);
                }
            }
        });

        it("have plausible packets, bytes, ports and flags", () => {
            for (const r of ok) {
                const packets = Number(r.packets);
                assert.ok(
                    packets >= 1 && Number(r.bytes) >= 40 * packets && Number(r.bytes) <= 9001 * packets,
                    JSON.stringify(r),
                );
                assert.ok(
                    Number(r.srcport) >= 0 &&
                        Number(r.srcport) <= 65535 &&
                        Number(r.dstport) >= 0 &&
                        Number(r.dstport) <= 65535,
                );
                assert.ok(["ACCEPT", "REJECT"].includes(String(r.action)));
                if (r.protocol !== 6) assert.equal(r.tcp_flags, 0);
                if (r.protocol === 1) assert.deepEqual([r.srcport, r.dstport], [0, 0]);
            }
            assert.deepEqual([...new Set(ok.map((r) => r.protocol))].sort(), [1, 6]);
        });

        it("type each flow by its address family, with IPv6 clients and attackers", () => {
            for (const r of ok) assert.equal(r.type, String(r.srcaddr).includes(":") ? "IPv6" : "IPv4");
            assert.ok(ok.some((r) => r.type === "IPv6" && r.action === "ACCEPT" && r.dstport === 443));
            assert.ok(ok.some((r) => r.type === "IPv6" && r.action === "REJECT" && r.dstport === 22));
        });

        it("report a traffic path for egress only, and the NAT gateway's original destination", () => {
            for (const r of ok) {
                assert.ok(r.flow_direction === "ingress" || r.flow_direction === "egress");
                assert.equal(r.traffic_path === null, r.flow_direction === "ingress");
            }
            const nat = ok.filter((r) => r.pkt_dstaddr !== r.dstaddr);
            assert.ok(nat.length > 0);
            assert.ok(nat.every((r) => r.instance_id === null && r.flow_direction === "ingress"));
            assert.ok(ok.some((r) => r.pkt_dst_aws_service === "S3"));
        });

        it("log a flow inside the VPC at both interfaces, and refused ones as ACCEPT at the client, REJECT at the server", () => {
            const key = (r: FlowLogRecord) =>
                [r.srcaddr, r.srcport, r.dstaddr, r.dstport, r.protocol, r.start].join(" ");
            const seen = new Map<string, FlowLogRecord[]>();
            for (const r of ok) seen.set(key(r), [...(seen.get(key(r)) ?? []), r]);
            const both = [...seen.values()].filter((rs) => new Set(rs.map((r) => r.interface_id)).size === 2);
            assert.ok(both.length > 100);
            assert.ok(
                both.some(
                    (rs) =>
                        rs
                            .map((r) => r.action)
                            .sort()
                            .join() === "ACCEPT,REJECT" && rs.every((r) => r.dstport === 6379),
                ),
            );
        });

        it("carry BPA as reject-reason only in the VPC under Block Public Access", () => {
            const bpa = lake.vpcs.find((vpc) => vpc.blockPublicAccess)!;
            const reasons = ok.filter((r) => r.reject_reason !== null);
            assert.ok(reasons.length > 0);
            for (const r of reasons) assert.deepEqual([r.reject_reason, r.action, r.vpc_id], ["BPA", "REJECT", bpa.id]);
        });

        it("fill the ECS fields for the Fargate task's interface only", () => {
            const task = lake.vpcs[0].interfaces.find((eni) => eni.role === "task")!;
            for (const r of lake.records) {
                assert.equal(r.ecs_task_id !== null, r.interface_id === task.id);
                if (r.interface_id === task.id) {
                    assert.equal(r.instance_id, null);
                    assert.equal(r.ecs_task_arn, `arn:aws:ecs:us-east-1:123456789012:task/prod-api/${r.ecs_task_id}`);
                    assert.equal(r.ecs_container_instance_arn, null);
                }
            }
        });

        it("stage a port scan of TCP 1-1024 from one source port within the last day", () => {
            const scan = lake.scenario.portScan;
            const probes = ok.filter((r) => r.srcaddr === scan.source && r.dstaddr === scan.target);
            assert.deepEqual(
                [...new Set(probes.map((r) => r.dstport))].sort((a, b) => Number(a) - Number(b)),
                Array.from({ length: 1024 }, (_, i) => i + 1),
            );
            assert.ok(probes.every((r) => r.srcport === scan.sourcePort && lastDay(r)));
            assert.deepEqual(
                [...new Set(probes.filter((r) => r.action === "ACCEPT").map((r) => r.dstport))].sort(),
                [443, 80].sort(),
            );
        });

        it("stage SSH and RDP brute force from a few public addresses, each active in the last day", () => {
            assert.equal(lake.scenario.bruteForce.filter((a) => a.includes(":")).length, 1);
            for (const source of lake.scenario.bruteForce) {
                const attempts = ok.filter(
                    (r) => r.srcaddr === source && r.action === "REJECT" && (r.dstport === 22 || r.dstport === 3389),
                );
                assert.ok(attempts.length >= 30, `${source}: ${attempts.length}`);
                assert.ok(attempts.filter(lastDay).length >= 15, source);
                assert.ok(
                    new Set(attempts.map((r) => r.srcport)).size > attempts.length / 2,
                    "a new source port per attempt",
                );
            }
            assert.ok(ok.some((r) => r.srcaddr === lake.scenario.office && r.dstport === 22 && r.action === "ACCEPT"));
        });

        it("round-trip through the plain-text line format and the project's record parser", () => {
            const lines = plainText(lake.records, LAKE_FORMAT_FIELDS).trimEnd().split("\n");
            assert.equal(lines[0], LAKE_FORMAT_FIELDS.map((f) => f.name).join(" "));
            lines
                .slice(1)
                .forEach((line, i) =>
                    assert.deepStrictEqual(parseRecord(line, LAKE_FORMAT_FIELDS), project(lake.records[i])),
                );
        });
    });

    describe("delivery into S3 objects", () => {
        it("names every object as AWS does and puts each in the hour of its 5-minute interval", () => {
            for (const objects of [fx.parquet, fx.plainText]) {
                const seen = new Set<string>();
                for (const o of objects) {
                    const name = OBJECT_NAME.exec(o.key.split("/").pop()!);
                    assert.ok(name, o.key);
                    const [, account, region, flowLog, year, month, day, hour, minute] = name;
                    assert.equal(account, "123456789012");
                    assert.deepEqual({ aws_region: region, year, month, day, hour }, o.partition);
                    assert.equal(Number(minute) % 5, 0);
                    assert.equal(flowLog, o.flowLogId);
                    for (const r of o.records) assert.equal(Number(r.end) - (Number(r.end) % 300), o.intervalStart);
                    assert.ok(!seen.has(`${flowLog}/${o.intervalStart}`), "one object per flow log and interval");
                    seen.add(`${flowLog}/${o.intervalStart}`);
                }
                assert.equal(
                    objects.reduce((n, o) => n + o.records.length, 0),
                    lake.records.length,
                );
            }
        });

        it("puts Parquet objects where the Glue table's partition projection looks for them", () => {
            const params = projectionParameters("lake-bucket", "123456789012", ["eu-central-1", "us-east-1"]);
            for (const o of fx.parquet) {
                let location = params["storage.location.template"];
                for (const [key, value] of Object.entries(o.partition))
                    location = location.replace(`\${${key}}`, value);
                assert.equal(`s3://lake-bucket/${o.key.slice(0, o.key.lastIndexOf("/") + 1)}`, location);
                assert.match(o.key, /\.log\.parquet$/);
            }
        });

        it("puts plain-text objects in the default per-hour layout", () => {
            for (const o of fx.plainText) {
                const { aws_region, year, month, day, hour } = o.partition;
                assert.ok(
                    o.key.startsWith(
                        `vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/${aws_region}/${year}/${month}/${day}/${hour}/`,
                    ),
                    o.key,
                );
                assert.match(o.key, /\.log\.gz$/);
            }
        });
    });

    describe("files written", () => {
        it("are exactly the delivered objects, in both formats", () => {
            const found = findFlowLogFiles(fx.dir);
            const rel = (files: readonly string[]) =>
                files.map((f) => path.relative(fx.dir, f).split(path.sep).join("/")).sort();
            assert.deepEqual(rel(found.parquet), fx.parquet.map((o) => o.key).sort());
            assert.deepEqual(rel(found.plainText), fx.plainText.map((o) => o.key).sort());
            assert.deepEqual(fs.readdirSync(fx.dir), ["vpc-flow-logs"], "no staging folder is left behind");
            // Written a day at a time, counted as the lake generated at once.
            assert.equal(fx.summary.records, fx.lake.records.length);
            assert.deepEqual(
                fx.summary.written.map((w) => [w.format, w.objects]),
                [
                    [FileFormat.PARQUET, fx.parquet.length],
                    [FileFormat.PLAIN_TEXT, fx.plainText.length],
                ],
            );
        });

        it("Parquet: GZIP-compressed, one column per field with AWS's types, nulls for `-`", async () => {
            const file = path.join(fx.dir, ...fx.parquet[0].key.split("/"));
            const instance = await DuckDBInstance.create(":memory:");
            const connection = await instance.connect();
            try {
                const schema = (
                    await connection.runAndReadAll(
                        `SELECT name, type, converted_type FROM parquet_schema('${file}') WHERE name <> 'duckdb_schema'`,
                    )
                ).getRowObjectsJS();
                // AWS's field table: INT_32, INT_64 and STRING (UTF8); protocol is INT_32 (reference §1.3).
                const expected = LAKE_FORMAT_FIELDS.map((f) => ({
                    name: columnName(f),
                    type:
                        f.kind === "string"
                            ? "BYTE_ARRAY/UTF8"
                            : f.kind === "bigint" && f.name !== "protocol"
                              ? "INT64/INT_64"
                              : "INT32/INT_32",
                }));
                assert.deepEqual(
                    schema.map((s) => ({ name: s.name, type: `${s.type}/${s.converted_type}` })),
                    expected,
                );
                const codecs = (
                    await connection.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${file}')`)
                ).getRows();
                assert.deepEqual(codecs, [["GZIP"]]);
                const rows = (await connection.runAndReadAll(`SELECT * FROM '${file}'`)).getRowObjectsJS();
                const asRecord = (row: Record<string, unknown>) =>
                    Object.fromEntries(COLUMNS.map((c) => [c, typeof row[c] === "bigint" ? Number(row[c]) : row[c]]));
                assert.deepStrictEqual(rows.map(asRecord), fx.parquet[0].records.map(project));
            } finally {
                connection.closeSync();
                instance.closeSync();
            }
        });

        it("plain text: gzip, a header line of field names, then the records with `-` for no value", () => {
            const o = fx.plainText.find((x) => x.records.some((r) => r.log_status === "NODATA"))!;
            const text = zlib
                .gunzipSync(new Uint8Array(fs.readFileSync(path.join(fx.dir, ...o.key.split("/")))))
                .toString("utf8");
            const [header, ...lines] = text.trimEnd().split("\n");
            assert.equal(
                header,
                "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path reject-reason",
            );
            assert.deepStrictEqual(
                lines.map((l) => parseRecord(l, LAKE_FORMAT_FIELDS)),
                o.records.map(project),
            );
            assert.ok(lines.some((l) => / - - - - - - - \d+ \d+ - NODATA /.test(l)));
        });
    });
});

describe("npm run generate (tools/cli/generate.ts main)", function () {
    this.timeout(120_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-generate-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const run = (argv: string[]) => captureOutput(() => main(argv, () => new Date("2026-11-05T07:42:10Z")));

    it("defaults --end to the start of the current hour, --days to 3, --seed to 1, Parquet", () => {
        const request = parseRequest(["--out", "x"], () => new Date("2026-11-05T07:42:10Z"));
        assert.deepEqual(request, {
            out: "x",
            days: 3,
            seed: 1,
            end: new Date("2026-11-05T07:00:00Z"),
            fileFormat: "parquet",
            accountId: "123456789012",
            endGiven: false,
            fields: LAKE_DEFAULT_FIELDS,
        });
        assert.deepEqual(currentHour(new Date("2026-12-31T23:59:59.999Z")), new Date("2026-12-31T23:00:00Z"));
    });

    it("--fields takes the lake format as lake.fields does: default, all, or names put in table order", () => {
        const names = (value: string) =>
            parseRequest(["--out", "x", "--fields", value], () => new Date()).fields.map((f) => f.name);
        assert.deepEqual(names("action,srcaddr,reject-reason"), ["srcaddr", "action", "reject-reason"]);
        assert.deepEqual(
            names("default"),
            LAKE_DEFAULT_FIELDS.map((f) => f.name),
        );
        assert.equal(names("all").length, 30);
    });

    const refused: { argv: string[]; message: string }[] = [
        { argv: [], message: `--out DIR is required: where to write the flow log tree\n${USAGE}` },
        { argv: ["--out", "x", "--days", "0"], message: `--days 0: expected a whole number from 1 to 31\n${USAGE}` },
        {
            argv: ["--out", "x", "--days", "1.5"],
            message: `--days 1.5: expected a whole number from 1 to 31\n${USAGE}`,
        },
        {
            argv: ["--out", "x", "--seed=-3"],
            message: `--seed -3: expected a whole number from 0 to 4294967295\n${USAGE}`,
        },
        {
            argv: ["--out", "x", "--end", "2026-11-05T07:30:00Z"],
            message: `--end 2026-11-05T07:30:00Z: expected a whole hour in ISO 8601 with its zone, e.g. 2026-11-05T07:00:00Z\n${USAGE}`,
        },
        {
            argv: ["--out", "x", "--end", "yesterday"],
            message: `--end yesterday: expected a whole hour in ISO 8601 with its zone, e.g. 2026-11-05T07:00:00Z\n${USAGE}`,
        },
        {
            argv: ["--out", "x", "--file-format", "csv"],
            message: `--file-format csv: expected parquet, plain-text, both\n${USAGE}`,
        },
        {
            argv: ["--out", "x", "--account", "1234"],
            message: `--account 1234: expected a 12-digit AWS account id\n${USAGE}`,
        },
        {
            argv: ["--out", "x", "--days", "99", "--seed", "s"],
            message: `--days 99: expected a whole number from 1 to 31\n--seed s: expected a whole number from 0 to 4294967295\n${USAGE}`,
        },
        { argv: ["--out", "x", "extra"], message: `unexpected argument extra\n${USAGE}` },
        {
            argv: ["--out", "x", "--fields", "srcaddr,dst-addr,srcaddr"],
            message: `--fields srcaddr,dst-addr,srcaddr: not a VPC flow log field; given "dst-addr". Allowed: ${FLOW_LOG_FIELDS.map((f) => f.name).join(", ")}\n--fields srcaddr,dst-addr,srcaddr: a field already listed at item 0; given "srcaddr". Allowed: each field once\n${USAGE}`,
        },
        {
            argv: ["--out", "x", "--color"],
            message: `Unknown option '--color'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "--color"\n${USAGE}`,
        },
    ];
    for (const { argv, message } of refused) {
        it(`exits 2 for ${argv.join(" ") || "no arguments"}`, async () => {
            const { result, stdout, stderr } = await run(argv);
            assert.equal(result, 2);
            assert.equal(stdout, "");
            assert.equal(stderr, `${message}\n`);
        });
    }

    it("writes the same bytes for the same seed and end, and says what it wrote", async () => {
        const outputs: string[] = [];
        for (const name of ["a", "b"]) {
            const out = path.join(dir, name);
            const { result, stdout, stderr } = await run([
                "--out",
                out,
                "--days",
                "1",
                "--seed",
                "7",
                "--end",
                "2026-03-01T02:00:00Z",
                "--file-format",
                "both",
            ]);
            assert.equal(result, 0, stderr);
            assert.equal(stderr, "");
            outputs.push(stdout.split(out).join("OUT"));
        }
        assert.equal(outputs[0], outputs[1]);
        const lines = outputs[0].trimEnd().split("\n");
        assert.match(
            lines[0],
            /^Generated \d+ flow log records for 3 VPCs in 2 regions, 2026-02-28 02:00 UTC to 2026-03-01 02:00 UTC \(1 day\), seed 7:$/,
        );
        assert.match(
            lines[1],
            /^ {2}us-east-1 {5}prod {5}vpc-0[0-9a-f]{16} {2}fl-0[0-9a-f]{16} {2}7 interfaces, 10\.10\.0\.0\/16, 2600:1f18:4a3:6e00::\/56$/,
        );
        assert.match(
            lines[5],
            /^Wrote \d+ Parquet objects under OUT\/vpc-flow-logs\/AWSLogs\/aws-account-id=123456789012\/aws-service=vpcflowlogs\/$/,
        );
        assert.match(
            lines[6],
            /^Wrote \d+ plain-text \(gzip\) objects under OUT\/vpc-flow-logs\/AWSLogs\/123456789012\/vpcflowlogs\/$/,
        );
        assert.equal(
            lines[7],
            "Try: npm run query -- top-rejected-sources --data OUT --file-format parquet --now 2026-03-01T02:00:00.000Z",
        );
        const files = (out: string) => {
            const found = findFlowLogFiles(out);
            return [...found.parquet, ...found.plainText].map((f) => path.relative(out, f));
        };
        const a = files(path.join(dir, "a"));
        assert.deepEqual(a, files(path.join(dir, "b")));
        assert.ok(a.length > 500);
        for (const f of a)
            assert.equal(
                fs.readFileSync(path.join(dir, "a", f), "base64"),
                fs.readFileSync(path.join(dir, "b", f), "base64"),
                f,
            );
    });

    it("refuses a directory that already holds flow logs, and a file", async () => {
        const out = path.join(dir, "a");
        const held = findFlowLogFiles(out);
        const { result, stderr } = await run(["--out", out]);
        assert.equal(result, 2);
        assert.equal(
            stderr,
            `--out ${out} already holds ${held.parquet.length + held.plainText.length} flow log files; choose a new or empty directory\n`,
        );
        const file = path.join(dir, "file.txt");
        fs.writeFileSync(file, "x");
        const second = await run(["--out", file]);
        assert.equal(second.result, 2);
        assert.equal(second.stderr, `--out ${file} is a file, not a directory\n`);
    });

    describe("checks --out before generating anything", () => {
        const refusedOut: { name: string; out: () => string; message: (out: string) => string }[] = [
            {
                name: "a folder under a file",
                out: () => {
                    fs.writeFileSync(path.join(dir, "plain.txt"), "x");
                    return path.join(dir, "plain.txt", "lake");
                },
                message: (out) =>
                    `--out ${out}: ${path.join(dir, "plain.txt")} is a file, not a directory, so no folder can be created in it`,
            },
            {
                name: "a folder two levels under a file",
                out: () => {
                    fs.writeFileSync(path.join(dir, "plain2.txt"), "x");
                    return path.join(dir, "plain2.txt", "a", "b");
                },
                message: (out) =>
                    `--out ${out}: ${path.join(dir, "plain2.txt")} is a file, not a directory, so no folder can be created in it`,
            },
            {
                // Node's recursive mkdir never returns there.
                name: "a new folder under /proc",
                out: () => "/proc/vpc-flow-monitor-lake",
                message: (out) =>
                    `--out ${out} is on /proc, a proc file system (the kernel's view of the system, not storage): choose a directory on a disk`,
            },
            {
                // Checking it for flow logs used to walk all of /proc.
                name: "/proc itself",
                out: () => "/proc",
                message: (out) =>
                    `--out ${out} is on /proc, a proc file system (the kernel's view of the system, not storage): choose a directory on a disk`,
            },
            {
                name: "a folder under /sys",
                out: () => "/sys/kernel/vpc-flow-monitor",
                message: (out) =>
                    `--out ${out} is on /sys, a sysfs file system (the kernel's view of the system, not storage): choose a directory on a disk`,
            },
            {
                name: "a folder whose name is too long",
                out: () => path.join(dir, "x".repeat(300)),
                message: (out) => `--out ${out}: a name in the path is too long (ENAMETOOLONG)`,
            },
        ];
        for (const { name, out, message } of refusedOut) {
            it(`refuses ${name} with exit 2, before any work`, async () => {
                const target = out();
                const started = Date.now();
                const { result, stdout, stderr } = await run(["--out", target, "--days", "31"]);
                assert.equal(stderr, `${message(target)}\n`);
                assert.equal(stdout, "");
                assert.equal(result, 2);
                assert.ok(Date.now() - started < 5000, "refused before generating 31 days");
                assert.equal(fs.existsSync(target), target === "/proc", "nothing created");
            });
        }

        it("creates a missing --out with its parents", async () => {
            const out = path.join(dir, "new", "deeper", "lake");
            const { result, stderr } = await run(["--out", out, "--days", "1", "--file-format", "plain-text"]);
            assert.equal(stderr, "");
            assert.equal(result, 0);
            assert.ok(findFlowLogFiles(out).plainText.length > 500);
            assert.deepEqual(fs.readdirSync(out), ["vpc-flow-logs"], "the write probe is gone");
        });
    });

    it("writes plain text only when asked", async () => {
        const out = path.join(dir, "text");
        const { result } = await run([
            "--out",
            out,
            "--days",
            "1",
            "--end",
            "2026-03-01T02:00:00Z",
            "--file-format",
            FileFormat.PLAIN_TEXT,
        ]);
        assert.equal(result, 0);
        const found = findFlowLogFiles(out);
        assert.equal(found.parquet.length, 0);
        assert.ok(found.plainText.length > 500);
    });
});
