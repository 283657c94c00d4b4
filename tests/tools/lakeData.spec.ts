/**
 * The named Athena queries proven on data: they parse as Trino and name only the Glue table's
 * columns; DuckDB runs them over generated Parquet exactly as AWS delivers it and returns what an
 * independent TypeScript computation over the same records returns; and their partition
 * predicates make DuckDB read only the files of the hours in the window.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { lakeColumns, PARTITION_KEYS } from "../../components/lake/layout";
import { LAKE_ALL_FIELDS } from "../../components/defaults";
import {
    lastHoursPredicate,
    NAMED_QUERIES,
    NamedQuery,
    Selection,
    selectionPredicate,
} from "../../components/lake/queries";
import { Partition } from "../../tools/lake/delivery";
import { DialectError, toDuckDb } from "../../tools/lake/dialect";
import { LocalLake } from "../../tools/lake/localLake";
import { sqlString } from "../../tools/lake/writer";
import {
    EXPECTED,
    FIXTURE_END,
    hourOf,
    inSelection,
    inWindow,
    lakeFixture,
    LakeFixture,
    located,
    nameProblems,
    Row,
} from "../helpers/lakeData";

/** The queries run 25 minutes into the hour after the data ends: the window's first hour is read whole. */
const NOW = new Date(FIXTURE_END.getTime() + 25 * 60_000);

/** "over the last 24 hours" -> 24, "over the last 14 days" -> 336. */
function windowHours(q: NamedQuery): number {
    const match = /over the last (\d+) (hours|days)\b/.exec(q.description);
    assert.ok(match, `${q.name} does not state its window`);
    return Number(match[1]) * (match[2] === "days" ? 24 : 1);
}

describe("named queries as Trino SQL (node-sql-parser, trino dialect)", () => {
    for (const q of NAMED_QUERIES) {
        it(`${q.name} parses and names only flow_logs columns, partition keys and functions both engines run`, () => {
            assert.deepEqual(nameProblems(q.sql), []);
        });
    }

    describe("the name check itself", () => {
        const cases = [
            {
                sql: "SELECT srcaddr, sum(bytes) AS total FROM flow_logs GROUP BY srcaddr ORDER BY total DESC",
                problems: [],
            },
            { sql: "SELECT src_addr FROM flow_logs", problems: ["column src_addr"] },
            { sql: "SELECT srcaddr FROM vpc_logs", problems: ["table select::null::vpc_logs"] },
            { sql: "SELECT md5(srcaddr) FROM flow_logs", problems: ["function md5"] },
            {
                sql: "SELECT sum(bytes) AS total FROM flow_logs WHERE total > 1",
                problems: ["alias total outside ORDER BY"],
            },
            { sql: "SELECT srcaddr FROM flow_logs WHERE year = ? AND aws_region = 'us-east-1'", problems: [] },
        ] as const;
        for (const { sql, problems } of cases) {
            it(`${problems.length ? "reports " + problems.join(", ") : "accepts"} in ${sql}`, () => {
                assert.deepEqual(nameProblems(sql), problems);
            });
        }
        it("throws on SQL that is not Trino", () => {
            assert.throws(() => nameProblems("SELECT srcaddr FROM flow_logs WHERE"), /Expected/);
        });
    });
});

describe("Trino to DuckDB (tools/lake/dialect.ts)", () => {
    const now = new Date("2027-01-01T06:25:00Z");
    it("fixes current_timestamp, maps date_format to strftime and from_unixtime to to_timestamp", () => {
        assert.equal(
            toDuckDb(
                "SELECT from_unixtime(start) FROM flow_logs WHERE hour >= date_format(current_timestamp - interval '1' hour, '%Y%m%d%H')",
                now,
            ),
            "SELECT to_timestamp(start) FROM flow_logs WHERE hour >= strftime(TIMESTAMP '2027-01-01 06:25:00' - interval '1' hour, '%Y%m%d%H')",
        );
    });
    it("leaves string literals and parameters alone", () => {
        assert.equal(
            toDuckDb("SELECT 'current_timestamp' FROM flow_logs WHERE srcaddr = ?", now),
            "SELECT 'current_timestamp' FROM flow_logs WHERE srcaddr = ?",
        );
    });
    const refused = [
        [
            "date_format(start, '%i')",
            "date_format specifier %i in '%i' is not translated: Trino and DuckDB share only %Y %m %d %H",
        ],
        [
            "date_format(start, '%Y-%M')",
            "date_format specifier %M in '%Y-%M' is not translated: Trino and DuckDB share only %Y %m %d %H",
        ],
        ["date_format(start, fmt)", "date_format needs a format literal as its second argument"],
    ] as const;
    for (const [expression, message] of refused) {
        it(`refuses ${expression}`, () => {
            assert.throws(
                () => toDuckDb(`SELECT ${expression} FROM flow_logs`, now),
                (err: unknown) => err instanceof DialectError && err.message === message,
            );
        });
    }
});

describe("named queries run by DuckDB over the generated lake", function () {
    this.timeout(180_000);
    let fx: LakeFixture;
    let parquet: LocalLake;
    before(async () => {
        fx = await lakeFixture();
        parquet = await LocalLake.open(fx.dir, "parquet");
    });
    after(() => parquet?.close());

    describe("the flow_logs view", () => {
        const glueSchema = () => [
            ...lakeColumns(LAKE_ALL_FIELDS).map((c) => ({
                name: c.name,
                type: { int: "INTEGER", bigint: "BIGINT", string: "VARCHAR" }[c.type],
            })),
            ...PARTITION_KEYS.map((k) => ({ name: k.name, type: "VARCHAR" })),
        ];

        for (const format of ["parquet", "plain-text"] as const) {
            it(`has the Glue table's columns, types and string partition keys (${format})`, async () => {
                const lake = format === "parquet" ? parquet : await LocalLake.open(fx.dir, "plain-text");
                try {
                    const described = await lake.sql("DESCRIBE flow_logs");
                    assert.deepEqual(
                        described.rows.map((r) => ({ name: r.column_name, type: r.column_type })),
                        glueSchema(),
                    );
                    assert.equal(lake.hivePartitions, format === "parquet");
                } finally {
                    if (lake !== parquet) lake.close();
                }
            });

            it(`holds exactly the generated records, each in the partition of its object (${format})`, async () => {
                const lake = format === "parquet" ? parquet : await LocalLake.open(fx.dir, "plain-text");
                try {
                    const objects = format === "parquet" ? fx.parquet : fx.plainText;
                    assert.equal(lake.files.length, objects.length);
                    const result = await lake.sql("SELECT * FROM flow_logs");
                    const key = (row: Row) => JSON.stringify(result.columns.map((c) => row[c] ?? null));
                    const actual = result.rows.map(key).sort();
                    const expected = located(objects)
                        .map(({ record, partition }) => key({ ...record, ...partition }))
                        .sort();
                    assert.equal(actual.length, fx.lake.records.length);
                    assert.ok(
                        actual.every((row, i) => row === expected[i]),
                        "the view's rows differ from the generated records",
                    );
                } finally {
                    if (lake !== parquet) lake.close();
                }
            });
        }
    });

    describe("results equal the TypeScript computation", () => {
        it("every named query has one", () => {
            assert.deepEqual(Object.keys(EXPECTED).sort(), NAMED_QUERIES.map((q) => q.name).sort());
        });

        const cases: { name: string; label: string; params: (fx: LakeFixture) => Record<string, string> }[] =
            NAMED_QUERIES.filter((q) => q.parameters.length === 0).map((q) => ({
                name: q.name,
                label: q.name,
                params: () => ({}),
            }));
        const scan = (fx: LakeFixture) => fx.lake.scenario.portScan;
        const host = (fx: LakeFixture, role: string) =>
            fx.lake.vpcs[0].interfaces.find((eni) => eni.role === role)!.privateIp;
        cases.push(
            // The scanner sends more than 1000 flows: LIMIT cuts them.
            {
                name: "traffic-from-address",
                label: "traffic-from-address (the port scanner)",
                params: (fx) => ({ address: scan(fx).source }),
            },
            // An internal client: its flows are logged at both ends, sometimes with different verdicts.
            {
                name: "traffic-from-address",
                label: "traffic-from-address (an application server)",
                params: (fx) => ({ address: host(fx, "app") }),
            },
            // Eight probes a second from one source port: the rows tie on start, srcaddr, srcport.
            {
                name: "traffic-to-address",
                label: "traffic-to-address (the scanned web server)",
                params: (fx) => ({ address: scan(fx).target }),
            },
            {
                name: "traffic-to-address",
                label: "traffic-to-address (the database)",
                params: (fx) => ({ address: host(fx, "db") }),
            },
        );

        for (const c of cases) {
            it(c.label, async () => {
                const q = NAMED_QUERIES.find((x) => x.name === c.name)!;
                const params = c.params(fx);
                const actual = await parquet.query(q, params, NOW);
                const expected = EXPECTED[q.name](inWindow(q.name, located(fx.parquet), NOW), params);
                assert.ok(expected.length > 0, "the fixture should give this query something to find");
                assert.deepEqual(actual.columns, Object.keys(expected[0]));
                assert.deepStrictEqual(actual.rows, expected);
            });
        }

        it("finds what the generator staged", async () => {
            const lake = fx.lake;
            const run = (name: string) =>
                parquet.query(
                    NAMED_QUERIES.find((q) => q.name === name)!,
                    {},
                    NOW,
                );
            const rejected = await run("top-rejected-sources");
            assert.equal(rejected.rows[0].srcaddr, lake.scenario.portScan.source);
            assert.ok((rejected.rows[0].flows! as number) >= 1020);
            const sources = rejected.rows.map((r) => r.srcaddr);
            for (const source of lake.scenario.bruteForce)
                assert.ok(sources.includes(source), `${source} brute-forces but is not in the top 10`);
            const ssh = await run("ssh-rdp-traffic");
            assert.ok(ssh.rows.some((r) => r.dstport === 3389 && r.action === "REJECT"));
            assert.ok(ssh.rows.some((r) => r.srcaddr === lake.scenario.office && r.action === "ACCEPT"));
            const types = await run("ipv6-traffic");
            assert.deepEqual(
                types.rows.map((r) => r.ip_version),
                ["IPv4", "IPv6"],
            );
            const ports = await run("top-private-source-ports");
            assert.ok(
                ports.rows.some((r) => r.srcport === 5432),
                "database answers from 10.x and 172.31.x sources",
            );
        });
    });

    describe("the same queries over a selection (a span of time, a VPC), as npm run report asks them", () => {
        // Not on the hour, across the year's end: the partition bounds and the start filter both matter.
        const across = { from: new Date("2026-12-31T20:17:30Z"), to: new Date("2027-01-01T03:41:00Z") };
        const selections: { label: string; selection: (fx: LakeFixture) => Selection }[] = [
            { label: "7 h 23 min across the new year", selection: () => across },
            {
                label: "the whole span, one VPC",
                selection: (fx) => ({
                    from: new Date(fx.summary.lake.startSeconds * 1000),
                    to: new Date(fx.summary.lake.endSeconds * 1000),
                    vpcId: fx.summary.lake.vpcs[2].id,
                }),
            },
        ];
        for (const { label, selection } of selections) {
            for (const q of NAMED_QUERIES) {
                it(`${q.name}, ${label}: equals the TypeScript computation over the selected records`, async () => {
                    const chosen = selection(fx);
                    const params: Record<string, string> = q.parameters.length
                        ? { address: fx.summary.lake.scenario.portScan.target }
                        : {};
                    const actual = await parquet.query(q, params, NOW, selectionPredicate(chosen));
                    const expected = EXPECTED[q.name](inSelection(located(fx.parquet), chosen), params);
                    if (q.parameters.length === 0)
                        assert.ok(expected.length > 0, "the selection should give this query something to find");
                    assert.deepStrictEqual(actual.rows, expected);
                });
            }
        }

        it("reads only the files of the selected hours and the hour after", async () => {
            const q = NAMED_QUERIES.find((x) => x.name === "accepted-and-rejected-traffic")!;
            const first = Date.UTC(2026, 11, 31, 20);
            const last = Date.UTC(2027, 0, 1, 4);
            const wanted = fx.parquet.filter((o) => hourOf(o.partition) >= first && hourOf(o.partition) <= last).length;
            const read = await parquet.filesRead(toDuckDb(q.over(selectionPredicate(across)), NOW));
            assert.deepEqual(read, { scanned: wanted, of: fx.parquet.length, read: wanted });
        });

        it("is Athena SQL naming only the table's columns (vpc_id only when a VPC is selected)", () => {
            const everyColumn = new Set([
                ...lakeColumns(LAKE_ALL_FIELDS).map((c) => c.name),
                ...PARTITION_KEYS.map((k) => k.name),
            ]);
            for (const q of NAMED_QUERIES) {
                // A span of time alone: the default format's table has every column it names.
                assert.deepEqual(nameProblems(q.over(selectionPredicate(across))), [], q.name);
                // One VPC too: vpc_id, which a lake whose lake.fields include vpc-id has.
                const sql = q.over(selectionPredicate({ ...across, vpcId: "vpc-0123456789abcdef0" }));
                assert.deepEqual(nameProblems(sql), ["column vpc_id"], q.name);
                assert.deepEqual(nameProblems(sql, everyColumn), [], q.name);
            }
        });

        it("spells the window as partition bounds, a start range and the VPC", () => {
            assert.equal(
                selectionPredicate({ ...across, vpcId: "vpc-0123456789abcdef0" }),
                "year IN ('2026', '2027') AND month IN ('12', '01') AND concat(year, month, day, hour) BETWEEN '2026123120' AND '2027010104' " +
                    "AND start >= 1798748250 AND start < 1798774860 AND vpc_id = 'vpc-0123456789abcdef0'",
            );
        });

        const refused: [Selection, string][] = [
            [
                { from: across.to, to: across.from },
                "a selection runs from an earlier time to a later one; given 2027-01-01T03:41:00.000Z to 2026-12-31T20:17:30.000Z",
            ],
            [
                { ...across, vpcId: "vpc-'; DROP TABLE x" },
                `a selection's VPC is a VPC id (vpc- and hex digits); given "vpc-'; DROP TABLE x"`,
            ],
        ];
        for (const [selection, message] of refused) {
            it(`refuses ${message.split(";")[0]}: ${JSON.stringify(selection.vpcId ?? "reversed")}`, () => {
                assert.throws(() => selectionPredicate(selection), { message });
            });
        }
    });

    describe("partition pruning", () => {
        /** Partition folders present in the Parquet tree, from the file system. */
        const folders = (dir: string): Partition[] => {
            const found: Partition[] = [];
            const walk = (folder: string, values: Record<string, string>) => {
                for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
                    if (!entry.isDirectory()) continue;
                    const match = /^([a-z-]+)=(.+)$/.exec(entry.name);
                    const next = match ? { ...values, [match[1]]: match[2] } : values;
                    if (match?.[1] === "hour") {
                        found.push({
                            aws_region: next["aws-region"],
                            year: next.year,
                            month: next.month,
                            day: next.day,
                            hour: next.hour,
                        });
                    } else walk(path.join(folder, entry.name), next);
                }
            };
            walk(path.join(dir, "vpc-flow-logs"), {});
            return found;
        };
        const id = (p: Partition) => `${p.aws_region}/${p.year}${p.month}${p.day}${p.hour}`;

        const windows = [
            { query: "accepted-and-rejected-traffic", now: FIXTURE_END, label: "24 hours ending on the hour" },
            {
                query: "rejected-packets-by-protocol",
                now: NOW,
                label: "24 hours ending 25 minutes into an hour (partial first hour)",
            },
            {
                query: "top-talkers",
                now: new Date(FIXTURE_END.getTime() + 10 * 3_600_000),
                label: "24 hours ending 10 hours after the data",
            },
            { query: "top-https-destinations", now: FIXTURE_END, label: "7 days: every hour" },
        ];
        for (const w of windows) {
            it(`${w.query}, ${w.label}: the predicate selects exactly the window's hours and DuckDB reads only their files`, async () => {
                const q = NAMED_QUERIES.find((x) => x.name === w.query)!;
                const hours = windowHours(q);
                const predicate = lastHoursPredicate(hours);
                assert.ok(q.sql.includes(`WHERE ${predicate} AND `), "the query filters on its window's partitions");

                // 1. The partition predicate, evaluated by DuckDB on the folders actually present.
                const present = folders(fx.dir);
                assert.equal(present.length, 2 * 72, "two regions, 72 hours each");
                const values = present
                    .map((p) => `(${PARTITION_KEYS.map((k) => sqlString(p[k.name])).join(", ")})`)
                    .join(", ");
                const selected = await parquet.sql(
                    toDuckDb(
                        `SELECT * FROM (VALUES ${values}) AS p(${PARTITION_KEYS.map((k) => k.name).join(", ")}) WHERE ${predicate}`,
                        w.now,
                    ),
                );
                const since = w.now.getTime() - hours * 3_600_000;
                const inWindow = present.filter((p) => hourOf(p) + 3_600_000 > since && hourOf(p) <= w.now.getTime());
                assert.deepEqual(
                    selected.rows.map((r) => id(r as unknown as Partition)).sort(),
                    inWindow.map(id).sort(),
                );
                // At most the window's hours plus the boundary hour, per region.
                assert.ok(inWindow.length <= 2 * (hours + 1));

                // 2. The files DuckDB reads for the named query itself.
                const wanted = new Set(inWindow.map(id));
                const expectedFiles = fx.parquet.filter((o) => wanted.has(id(o.partition))).length;
                const params = q.parameters.map(() => "");
                const read = await parquet.filesRead(toDuckDb(q.sql, w.now), params);
                assert.deepEqual(read, { scanned: expectedFiles, of: fx.parquet.length, read: expectedFiles });
            });
        }
    });
});
