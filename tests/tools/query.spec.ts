/**
 * `npm run query` (tools/cli/query.ts): named queries over a local flow log tree, through main(argv)
 * with stdout and stderr captured.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LAKE_DEFAULT_FIELDS } from "../../components/defaults";
import * as zlib from "zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { NAMED_QUERIES } from "../../components/lake/queries";
import { main, parseRequest, USAGE } from "../../tools/cli/query";
import { main as generateMain } from "../../tools/cli/generate";
import { deliver, FileFormat } from "../../tools/lake/delivery";
import { generateLake } from "../../tools/lake/generator";
import { renderCsv, renderTable } from "../../tools/lake/render";
import { writeParquetObjects, writePlainTextObjects } from "../../tools/lake/writer";
import { captureOutput } from "../helpers/io";
import { EXPECTED, FIXTURE_END, inWindow, lakeFixture, LakeFixture, located } from "../helpers/lakeData";

const NOW = "2027-01-01T06:25:00Z";
const run = (argv: string[]) => captureOutput(() => main(argv, () => new Date(NOW)));
const known = NAMED_QUERIES.map((q) => q.name).join(", ");
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("npm run query (tools/cli/query.ts main)", function () {
    this.timeout(180_000);
    let fx: LakeFixture;
    let empty: string;
    before(async () => {
        fx = await lakeFixture();
        empty = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-query-"));
        fs.writeFileSync(path.join(empty, "notes.log.gz"), "not a flow log");
    });
    after(() => fs.rmSync(empty, { recursive: true, force: true }));
    const expected = (name: string, params: Record<string, string> = {}) =>
        EXPECTED[name](inWindow(name, located(fx.parquet), new Date(NOW)), params);

    it("--list prints every query with its parameters and description", async () => {
        const { result, stdout, stderr } = await run(["--list"]);
        assert.equal(result, 0);
        assert.equal(stderr, "");
        const lines = stdout.trimEnd().split("\n");
        assert.match(lines[0], /^name +parameters +description$/);
        assert.equal(lines.length, 2 + NAMED_QUERIES.length);
        NAMED_QUERIES.forEach((q, i) => {
            const line = lines[2 + i];
            assert.ok(line.startsWith(q.name + " "), line);
            assert.ok(line.endsWith(q.description), line);
            for (const p of q.parameters) assert.ok(line.includes(`--param ${p}=VALUE`), line);
        });
    });

    it("prints a table of the query's result over the Parquet tree, and what it read on stderr", async () => {
        const { result, stdout, stderr } = await run([
            "top-rejected-sources",
            "--data",
            fx.dir,
            "--file-format",
            "parquet",
        ]);
        assert.equal(result, 0, stderr);
        const rows = expected("top-rejected-sources");
        assert.equal(stdout, renderTable(["srcaddr", "flows", "packets"], rows));
        const lines = stdout.split("\n");
        assert.match(lines[0], /^srcaddr +flows +packets$/);
        assert.ok(lines[2].startsWith(fx.lake.scenario.portScan.source + " "), "the scanner comes first");
        assert.equal(lines[12], "(10 rows)");
        assert.equal(
            stderr,
            `top-rejected-sources: 10 rows from ${fx.parquet.length} Parquet files under ${fx.dir}; current_timestamp = 2027-01-01T06:25:00.000Z\n`,
        );
    });

    it("gives the same answer from the plain-text tree", async () => {
        const parquet = await run(["ssh-rdp-traffic", "--data", fx.dir, "--file-format", "parquet"]);
        const text = await run(["ssh-rdp-traffic", "--data", fx.dir, "--file-format", "plain-text"]);
        assert.equal(text.result, 0, text.stderr);
        assert.equal(text.stdout, parquet.stdout);
        assert.equal(
            parquet.stdout,
            renderTable(Object.keys(expected("ssh-rdp-traffic")[0]), expected("ssh-rdp-traffic")),
        );
        assert.match(text.stderr, new RegExp(`from ${fx.plainText.length} plain-text files under`));
    });

    it("--format csv and json", async () => {
        const rows = expected("traffic-to-address", { address: fx.lake.scenario.portScan.source });
        const args = [
            "traffic-to-address",
            "--data",
            fx.dir,
            "--file-format",
            "parquet",
            "--param",
            `address=${fx.lake.scenario.portScan.source}`,
        ];
        const csv = await run([...args, "--format", "csv"]);
        assert.equal(csv.result, 0, csv.stderr);
        assert.equal(csv.stdout, renderCsv(Object.keys(rows[0]), rows));
        assert.match(
            csv.stdout.split("\r\n")[0],
            /^started,srcaddr,srcport,dstaddr,dstport,protocol,action,packets,bytes$/,
        );
        const json = await run([...args, "--format", "json"]);
        assert.deepStrictEqual(JSON.parse(json.stdout), rows);
    });

    it("--now fixes current_timestamp: ten hours later the 24-hour window holds less", async () => {
        const later = new Date(FIXTURE_END.getTime() + 10 * 3_600_000);
        const { result, stdout } = await run([
            "accepted-and-rejected-traffic",
            "--data",
            fx.dir,
            "--file-format",
            "parquet",
            "--now",
            later.toISOString(),
            "--format",
            "json",
        ]);
        assert.equal(result, 0);
        assert.deepStrictEqual(
            JSON.parse(stdout),
            EXPECTED["accepted-and-rejected-traffic"](
                inWindow("accepted-and-rejected-traffic", located(fx.parquet), later),
                {},
            ),
        );
        const flows = (rows: { flows: number }[]) => rows.reduce((n, r) => n + r.flows, 0);
        assert.ok(flows(JSON.parse(stdout)) < flows(expected("accepted-and-rejected-traffic") as { flows: number }[]));
    });

    it("reads whichever format is there when --file-format is left at auto", async () => {
        const parquetOnly = path.join(fx.dir, "vpc-flow-logs", "AWSLogs", "aws-account-id=123456789012");
        const { result, stdout, stderr } = await run(["ipv6-traffic", "--data", parquetOnly]);
        assert.equal(result, 0, stderr);
        assert.equal(stdout, renderTable(["ip_version", "bytes", "flows"], expected("ipv6-traffic")));
    });

    it("refuses a query that reads a column the files' log format lacks, naming it (exit 2)", async () => {
        const narrow = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-narrow-"));
        try {
            const made = await captureOutput(() =>
                generateMain([
                    "--out",
                    narrow,
                    "--days",
                    "1",
                    "--end",
                    "2026-11-05T07:00:00Z",
                    "--fields",
                    "action,srcaddr,packets",
                ]),
            );
            assert.equal(made.result, 0, made.stderr);
            const ok = await run(["top-rejected-sources", "--data", narrow, "--now", "2026-11-05T07:00:00Z"]);
            assert.equal(ok.result, 0, ok.stderr);
            const { result, stdout, stderr } = await run(["top-talkers", "--data", narrow]);
            assert.equal(result, 2);
            assert.equal(stdout, "");
            assert.equal(
                stderr,
                "query top-talkers reads dstaddr, bytes, log_status, which the log format of these files lacks (they carry srcaddr, packets, action); the lake creates this query only for a format with those fields (lake.fields)\n",
            );
        } finally {
            fs.rmSync(narrow, { recursive: true, force: true });
        }
    });

    const refused: {
        label: string;
        argv: (fx: LakeFixture, empty: string) => string[];
        message: (fx: LakeFixture, empty: string) => string;
    }[] = [
        {
            label: "no query name",
            argv: () => [],
            message: () => `give the name of a query (npm run query -- --list shows them)\n${USAGE}`,
        },
        {
            label: "two query names",
            argv: () => ["top-talkers", "ipv6-traffic"],
            message: () => `one query at a time; given top-talkers, ipv6-traffic\n${USAGE}`,
        },
        {
            label: "an unknown query",
            argv: (f) => ["top-talker", "--data", f.dir],
            message: () => `unknown query "top-talker"; known queries: ${known}`,
        },
        {
            label: "missing --data",
            argv: () => ["top-talkers"],
            message: () =>
                "--data DIR is required: the folder holding a local copy of the flow log tree (e.g. from npm run generate)",
        },
        {
            label: "a directory that does not exist",
            argv: (f) => ["top-talkers", "--data", path.join(f.dir, "nope")],
            message: (f) => `--data ${path.join(f.dir, "nope")}: no such directory`,
        },
        {
            label: "a file as --data",
            argv: (_, e) => ["top-talkers", "--data", path.join(e, "notes.log.gz")],
            message: (_, e) => `--data ${path.join(e, "notes.log.gz")}: no such directory`,
        },
        {
            label: "a directory without flow log files",
            argv: (_, e) => ["top-talkers", "--data", e],
            message: (_, e) =>
                `--data ${e}: no flow log files; expected objects named like 123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20261105T0705Z_1a2b3c4d.log.parquet (or .log.gz), as AWS delivers them to S3`,
        },
        {
            label: "both formats and --file-format auto",
            argv: (f) => ["top-talkers", "--data", f.dir],
            message: (f) =>
                `--data ${f.dir} holds ${f.parquet.length} Parquet (.log.parquet) and ${f.plainText.length} plain-text (.log.gz) flow log files; choose one with --file-format parquet or --file-format plain-text`,
        },
        {
            label: "a format that is not there",
            argv: (f) => [
                "top-talkers",
                "--data",
                path.join(f.dir, "vpc-flow-logs", "AWSLogs", "123456789012"),
                "--file-format",
                "parquet",
            ],
            message: (f) =>
                `--data ${path.join(f.dir, "vpc-flow-logs", "AWSLogs", "123456789012")}: no parquet flow log files (found 0 Parquet (.log.parquet) and ${f.plainText.length} plain-text (.log.gz))`,
        },
        {
            label: "a missing parameter",
            argv: (f) => ["traffic-from-address", "--data", f.dir],
            message: () => "query traffic-from-address needs --param address=VALUE",
        },
        {
            label: "an unknown parameter",
            argv: (f) => ["traffic-from-address", "--data", f.dir, "--param", "addr=10.0.0.1"],
            message: () => 'query traffic-from-address has no parameter "addr"; its parameters: address',
        },
        {
            label: "a parameter of a query without any",
            argv: (f) => ["top-talkers", "--data", f.dir, "--param", "address=1"],
            message: () => 'query top-talkers has no parameter "address"; it takes none',
        },
        {
            label: "bad --param syntax",
            argv: (f) => ["traffic-from-address", "--data", f.dir, "--param", "address"],
            message: () => '--param "address": expected NAME=VALUE',
        },
        {
            label: "a parameter given twice",
            argv: (f) => ["traffic-from-address", "--data", f.dir, "--param", "address=a", "--param", "address=b"],
            message: () => "--param address is given twice",
        },
        {
            label: "a bad --format",
            argv: (f) => ["top-talkers", "--data", f.dir, "--format", "xml"],
            message: () => "--format xml: expected table, csv, json",
        },
        {
            label: "a bad --file-format",
            argv: (f) => ["top-talkers", "--data", f.dir, "--file-format", "orc"],
            message: () => "--file-format orc: expected auto, parquet, plain-text",
        },
        {
            label: "a --now without a zone",
            argv: (f) => ["top-talkers", "--data", f.dir, "--now", "2027-01-01 06:00"],
            message: () =>
                '--now "2027-01-01 06:00": expected an ISO 8601 time with its zone, e.g. 2026-11-05T07:00:00Z',
        },
        {
            label: "--list with a name",
            argv: () => ["--list", "top-talkers"],
            message: () => `--list takes no query name\n${USAGE}`,
        },
        {
            label: "an unknown option",
            argv: () => ["top-talkers", "--dir", "x"],
            message: () =>
                `Unknown option '--dir'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "--dir"\n${USAGE}`,
        },
    ];
    for (const c of refused) {
        it(`exits 2 for ${c.label}`, async () => {
            const { result, stdout, stderr } = await run(c.argv(fx, empty));
            assert.equal(result, 2);
            assert.equal(stdout, "");
            assert.equal(stderr, `${c.message(fx, empty)}\n`);
        });
    }

    it("exits 2 for a .log.gz object that is not gzip", async () => {
        const dir = path.join(empty, "corrupt");
        const file = path.join(
            dir,
            "123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20261105T0705Z_1a2b3c4d.log.gz",
        );
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(file, "version account-id\n");
        const { result, stderr } = await run(["top-talkers", "--data", dir]);
        assert.equal(result, 2);
        assert.equal(stderr.split(" (")[0], `${file}: not a gzip-compressed flow log`);
    });

    describe("exits 2 for a damaged file, naming it (and the line, for plain text)", () => {
        const REPLACE_IT = "copy the object again from the bucket (aws s3 cp), or move the file out of the folder";
        const lake = generateLake({ seed: 5, end: new Date("2026-11-05T07:00:00Z"), days: 1 });
        const parquet = deliver(lake, FileFormat.PARQUET).slice(0, 4);
        const plainText = deliver(lake, FileFormat.PLAIN_TEXT).slice(0, 4);
        let root: string;
        before(() => {
            root = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-damaged-"));
        });
        after(() => fs.rmSync(root, { recursive: true, force: true }));

        /** A tree of four good objects in one format, the second then changed by `damage`; returns the data dir and that file. */
        async function tree(name: string, format: FileFormat, damage: (file: string) => void | Promise<void>) {
            const dir = path.join(root, name);
            fs.mkdirSync(dir);
            const objects = format === FileFormat.PARQUET ? parquet : plainText;
            if (format === FileFormat.PARQUET) await writeParquetObjects(dir, objects);
            else writePlainTextObjects(dir, objects);
            const file = path.join(dir, ...objects[1].key.split("/"));
            await damage(file);
            return { dir, file };
        }
        const gzipLines = (file: string, edit: (lines: string[]) => string[]) => {
            const text = zlib.gunzipSync(new Uint8Array(fs.readFileSync(file))).toString("utf8");
            fs.writeFileSync(file, new Uint8Array(zlib.gzipSync(edit(text.trimEnd().split("\n")).join("\n") + "\n")));
        };
        const parquetOf = async (file: string, select: string) => {
            const instance = await DuckDBInstance.create(":memory:");
            const connection = await instance.connect();
            await connection.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
            connection.closeSync();
            instance.closeSync();
        };

        const cases: {
            name: string;
            format: FileFormat;
            query?: string;
            damage: (file: string) => void | Promise<void>;
            message: (file: string) => string | RegExp;
        }[] = [
            {
                name: "an empty Parquet file",
                format: FileFormat.PARQUET,
                damage: (file) => fs.writeFileSync(file, ""),
                message: (file) =>
                    `${file}: not a readable Parquet file: it is too small to be one (0 bytes); ${REPLACE_IT}`,
            },
            {
                name: "a Parquet file cut short",
                format: FileFormat.PARQUET,
                damage: (file) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2)),
                message: (file) =>
                    `${file}: not a readable Parquet file: it has no Parquet footer at its end (cut short, or not Parquet); ${REPLACE_IT}`,
            },
            {
                name: "a Parquet file whose metadata is garbled (DuckDB does not name the file: each is tried alone)",
                format: FileFormat.PARQUET,
                damage: (file) => {
                    const bytes = new Uint8Array(fs.readFileSync(file));
                    const metadataLength = Buffer.from(
                        bytes.subarray(bytes.length - 8, bytes.length - 4),
                    ).readUInt32LE();
                    for (let i = bytes.length - 8 - metadataLength; i < bytes.length - 8; i += 3) bytes[i] ^= 0x5a;
                    fs.writeFileSync(file, bytes);
                },
                message: (file) =>
                    new RegExp(
                        `^${escape(file)}: not a readable Parquet file: (its metadata cannot be decoded \\(DuckDB says: .+\\)|DuckDB says: .+); ${escape(REPLACE_IT)}$`,
                    ),
            },
            {
                name: "a Parquet file of other data",
                format: FileFormat.PARQUET,
                damage: (file) => parquetOf(file, "SELECT 1 AS id, 'x' AS note"),
                message: (file) =>
                    `${file}: not a flow log Parquet file: it has none of the flow log columns (version, account_id, interface_id, srcaddr, ...); ${REPLACE_IT}`,
            },
            {
                name: "a Parquet file with a text column where a number belongs",
                format: FileFormat.PARQUET,
                damage: (file) => parquetOf(file, "SELECT 2 AS version, '10.0.0.1' AS srcaddr, 'abc' AS srcport"),
                message: (file) =>
                    `${file}: not a flow log Parquet file: column srcport is BYTE_ARRAY, where the table's int column takes INT32 or INT64; ${REPLACE_IT}`,
            },
            {
                name: "a plain-text line with too few fields",
                format: FileFormat.PLAIN_TEXT,
                damage: (file) =>
                    gzipLines(file, (lines) => [
                        lines[0],
                        lines[1],
                        "2 123456789012 eni-1 10.0.0.1",
                        ...lines.slice(2),
                    ]),
                message: (file) =>
                    `${file}: line 3: not a flow log record of the header's fields: 4 fields where the header names ${LAKE_DEFAULT_FIELDS.length}: "2 123456789012 eni-1 10.0.0.1"; ${REPLACE_IT}`,
            },
            {
                name: "a plain-text line with a word where a port belongs",
                format: FileFormat.PLAIN_TEXT,
                query: "top-private-source-ports",
                damage: (file) =>
                    gzipLines(file, (lines) => {
                        const fields = lines[2].split(" ");
                        fields[lines[0].split(" ").indexOf("srcport")] = "ssh";
                        return [lines[0], lines[1], fields.join(" "), ...lines.slice(3)];
                    }),
                message: (file) =>
                    new RegExp(
                        `^${escape(file)}: line 3: not a flow log record of the header's fields: field srcport: Could not convert string "ssh" to 'INTEGER': "[^"]* ssh [^"]*"; ${escape(REPLACE_IT)}$`,
                    ),
            },
        ];
        for (const c of cases) {
            it(c.name, async () => {
                const { dir, file } = await tree(c.name.replace(/\W+/g, "-"), c.format, c.damage);
                const { result, stdout, stderr } = await run([
                    c.query ?? "top-talkers",
                    "--data",
                    dir,
                    "--now",
                    "2026-11-05T07:00:00Z",
                ]);
                assert.equal(stdout, "");
                const expected = c.message(file);
                if (typeof expected === "string") assert.equal(stderr, `${expected}\n`);
                else assert.match(stderr.trimEnd(), expected);
                assert.equal(result, 2);
            });
        }
    });

    it("checks the arguments before reading any file", () => {
        assert.throws(() => parseRequest(["traffic-to-address", "--data", "/does/not/matter"]), {
            message: "query traffic-to-address needs --param address=VALUE",
        });
        const request = parseRequest(
            ["traffic-to-address", "--data", "d", "--param", "address=10.0.0.1=x"],
            () => new Date(NOW),
        );
        assert.ok(request !== "list");
        assert.deepEqual(request.params, { address: "10.0.0.1=x" });
        assert.deepEqual(request.now, new Date(NOW));
    });
});
