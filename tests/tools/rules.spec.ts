/**
 * What would fire, offline (tools/cli/rules.ts, tools/replay/ruleEvaluation.ts, tools/files/recordsFile.ts): files of
 * flow log records replayed through each VPC's rules the way CloudWatch evaluates metric filters and
 * alarms. A classic tutorial lab's records are the first fixtures: three rejected HTTP attempts from the
 * bastion within one 5-minute period fire `bastion-http-rejected`, two do not.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import fc from "fast-check";
import { effectiveRules } from "../../components/alerting/rules";
import { DEFAULT_FORMAT_FIELDS } from "../../flowlogs/fields";
import { ALARM_LOG_FIELDS } from "../../components/defaults";
import { validateStackConfig } from "../../program/stackConfig";
import { parseRecordsText, RecordsFileError } from "../../tools/files/recordsFile";
import { alarmFirings, evaluateRule, isoSeconds } from "../../tools/replay/ruleEvaluation";
import { alarmFieldsOf, main, MAX_REPORTED_LINES, USAGE } from "../../tools/cli/rules";
import { loadStackFile } from "../../tools/files/stackFile";
import { captureOutput } from "../helpers/io";
import { inputsOf, planOf } from "../helpers/plan";

const FIXTURES = path.join(__dirname, "..", "fixtures", "records");
const fixture = (name: string) => path.join(FIXTURES, name);
const LAB = fixture("Pulumi.lab.yaml");
const PROJECT_DIR = path.resolve(__dirname, "../..");

/** 2024-05-01T10:00:00Z: every fixture's records start from here. */
const T0 = 1714557600;
const at = (seconds: number) => isoSeconds(T0 + seconds);

const CUSTOM_FORMAT =
    "${version} ${account-id} ${vpc-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${flow-direction}";

async function run(...args: string[]) {
    const { result, stdout, stderr } = await captureOutput(() => main(args));
    return { code: result, stdout, stderr };
}

/** `--json` output, asserting a clean exit. */
async function alarms(...args: string[]) {
    const { code, stdout } = await run("--config", LAB, "--json", ...args);
    assert.equal(code, 0);
    return JSON.parse(stdout);
}

const fire = (vpc: string, rule: string, when: string) => ({ vpc, rule, state: "ALARM", at: when });

let tmp: string;
before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rules-spec-"));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
function tmpFile(name: string, content: string | Uint8Array): string {
    const file = path.join(tmp, name);
    // Copied into a plain Uint8Array: @types/node 20.9's Buffer does not satisfy TypeScript 5.9's typed-array generics.
    fs.writeFileSync(file, typeof content === "string" ? content : new Uint8Array(content));
    return file;
}

/** A default-format record at T0 + offset. */
function record(
    offset: number,
    { src = "10.0.0.155", dst = "10.0.14.100", dstPort = 80, protocol = 6, action = "REJECT" } = {},
): string {
    const start = T0 + offset;
    return `2 123456789010 eni-0a1b2c3d4e5f67890 ${src} ${dst} 49152 ${dstPort} ${protocol} 1 60 ${start} ${start + 60} ${action} OK`;
}

// ---------------------------------------------------------------------------------------------

describe("npm run rules: the tutorial lab and the other fixtures", function () {
    this.timeout(20000);

    it("fires bastion-http-rejected when three rejected HTTP attempts from 10.0.0.155 fall in one 5-minute period", async () => {
        assert.deepStrictEqual(await alarms("--records", fixture("bastion-http-3.log")), {
            alarms: [fire("lab", "bastion-http-rejected", at(300)), fire("shared", "bastion-http-rejected", at(300))],
        });
    });

    it("does not fire on two attempts (the same noise: another source, another port, UDP, an ACCEPT)", async () => {
        assert.deepStrictEqual(await alarms("--records", fixture("bastion-http-2.log")), { alarms: [] });
    });

    it("does not fire on three attempts within 300 s that straddle a period boundary: periods are epoch-aligned", async () => {
        assert.deepStrictEqual(await alarms("--records", fixture("bastion-http-boundary.log")), { alarms: [] });
        const { stdout } = await run(
            "--config",
            LAB,
            "--records",
            fixture("bastion-http-boundary.log"),
            "--vpc",
            "lab",
        );
        assert.match(
            stdout,
            /OK {5}bastion-http-rejected {2}at most 2 matching records in a period \(from 2024-05-01T10:00:00Z\) \(alarm: >= 3 in 300 s\)/,
        );
    });

    it("fires ssh-rejected once on an SSH brute force (12 in one period); the later 2 attempts and reject-any stay below threshold", async () => {
        assert.deepStrictEqual(await alarms("--records", fixture("ssh-bruteforce.log")), {
            alarms: [fire("lab", "ssh-rejected", at(900)), fire("shared", "ssh-rejected", at(900))],
        });
    });

    it("fires flow-log-skipdata on a SKIPDATA record, not on NODATA", async () => {
        assert.deepStrictEqual(await alarms("--records", fixture("skipdata.log")), {
            alarms: [fire("lab", "flow-log-skipdata", at(600)), fire("shared", "flow-log-skipdata", at(600))],
        });
    });

    it("reads a gzip file as its plain-text content", async () => {
        const plain = await alarms("--records", fixture("bastion-http-3.log"));
        assert.deepStrictEqual(await alarms("--records", fixture("bastion-http-3.log.gz")), plain);
        const { stdout } = await run("--config", LAB, "--records", fixture("bastion-http-3.log.gz"));
        assert.match(stdout, /^Records: 7 valid, 0 skipped; default version-2 format \(14 fields\), gzip;/m);
    });

    it("reports each malformed line with its line number on stderr, skips it, and evaluates the rest", async () => {
        const file = fixture("malformed.log");
        const { code, stdout, stderr } = await run("--config", LAB, "--json", "--vpc", "lab", "--records", file);
        assert.equal(code, 0);
        assert.equal(
            stderr,
            [
                `${file}:4: skipped: expected 14 space-separated fields, found 10`,
                `${file}:5: skipped: field dstport should be a whole number, found "http"`,
                `${file}:6: skipped: expected 14 space-separated fields, found 15`,
                `${file}:7: skipped: no start time ("-"): the record cannot be placed in a period`,
                `${file}:8: skipped: start 99999999999999999999 is not a time (epoch seconds up to 253402300799)`,
                `${file}:10: skipped: expected 14 space-separated fields, found 4`,
                "",
            ].join("\n"),
        );
        assert.deepStrictEqual(JSON.parse(stdout), { alarms: [fire("lab", "bastion-http-rejected", at(300))] });
    });

    it("evaluates one VPC with --vpc, and says so", async () => {
        assert.deepStrictEqual(await alarms("--records", fixture("bastion-http-3.log"), "--vpc", "shared"), {
            alarms: [fire("shared", "bastion-http-rejected", at(300))],
        });
        const { stdout } = await run("--config", LAB, "--records", fixture("bastion-http-3.log"), "--vpc", "shared");
        assert.match(stdout, /^Evaluated against the rules of VPC shared only\.$/m);
        assert.doesNotMatch(stdout, /^lab \(/m);
    });

    it("evaluates VPC-level rules only on their VPC", async () => {
        const file = tmpFile("db.log", [record(10, { dstPort: 5432 }), record(20, { dstPort: 3306 })].join("\n"));
        assert.deepStrictEqual(await alarms("--records", file), { alarms: [fire("shared", "db-rejected", at(300))] });
    });

    it("reads records of a custom format given with --format, and refuses them without it", async () => {
        assert.deepStrictEqual(
            await alarms("--records", fixture("bastion-http-custom.log"), "--format", CUSTOM_FORMAT, "--vpc", "lab"),
            {
                alarms: [fire("lab", "bastion-http-rejected", at(300))],
            },
        );
        const { code, stdout, stderr } = await run("--config", LAB, "--records", fixture("bastion-http-custom.log"));
        assert.equal(code, 2);
        assert.equal(stdout, "");
        assert.equal(
            stderr,
            `${fixture("bastion-http-custom.log")}: no valid flow log record in 4 lines (format: 7 fields, srcaddr dstport protocol packets start action log-status); ` +
                `first problem, line 1: expected 7 space-separated fields, found 16; if the records are in another format, say which with --format "<log format>"\n`,
        );
    });

    it("takes the format from an S3 plain-text file's header line", async () => {
        assert.deepStrictEqual(await alarms("--records", fixture("bastion-http-s3-header.log"), "--vpc", "lab"), {
            alarms: [fire("lab", "bastion-http-rejected", at(300))],
        });
        const { stdout } = await run(
            "--config",
            LAB,
            "--records",
            fixture("bastion-http-s3-header.log"),
            "--vpc",
            "lab",
        );
        assert.match(stdout, /^Records: 4 valid, 0 skipped; format from the file's header line \(16 fields\);/m);
    });

    it("refuses a --format that contradicts the file's header line", async () => {
        const { code, stderr } = await run(
            "--config",
            LAB,
            "--records",
            fixture("bastion-http-s3-header.log"),
            "--format",
            "${version} ${srcaddr} ${start} ${action}",
        );
        assert.equal(code, 2);
        assert.match(
            stderr,
            /the header line names the fields "version account-id vpc-id .* flow-direction" but --format says "version srcaddr start action"/,
        );
    });

    it("warns about, and shows as n/a, a rule whose field the format lacks; the others are still evaluated", async () => {
        const format = "${version} ${srcaddr} ${dstaddr} ${dstport} ${protocol} ${start} ${action}";
        const file = tmpFile(
            "narrow.log",
            [
                "2 10.0.0.155 10.0.14.100 80 6 1714557660 REJECT",
                "2 10.0.0.155 10.0.14.100 80 6 1714557700 REJECT",
                "2 10.0.0.155 10.0.14.100 80 6 1714557760 REJECT",
            ].join("\n"),
        );
        const { code, stdout, stderr } = await run(
            "--config",
            LAB,
            "--records",
            file,
            "--format",
            format,
            "--vpc",
            "lab",
        );
        assert.equal(code, 0);
        assert.equal(
            stderr,
            `warning: rule flow-log-skipdata of VPC lab not evaluated: logStatus needs the field "log-status", which the log format (version srcaddr dstaddr dstport protocol start action) does not include\n`,
        );
        assert.match(
            stdout,
            /^ {2}n\/a {4}flow-log-skipdata {6}not evaluated: logStatus needs the field "log-status"/m,
        );
        assert.match(stdout, /^ {2}ALARM {2}bastion-http-rejected {2}at 2024-05-01T10:05:00Z/m);
    });

    it("prints the evaluation as text: format, the VPC's rules, what fires when, and the alarm's name", async () => {
        const file = fixture("bastion-http-3.log");
        const { code, stdout, stderr } = await run("--config", LAB, "--records", file, "--vpc", "lab");
        assert.equal(code, 0);
        assert.equal(stderr, "");
        assert.equal(
            stdout,
            [
                `What would fire: ${file} against the alerting rules of stack "lab" (CloudWatch's evaluation replayed offline; nothing deployed)`,
                "Records: 7 valid, 0 skipped; default version-2 format (14 fields); start times 2024-05-01T10:01:00Z to 2024-05-01T10:03:30Z",
                "Evaluated against the rules of VPC lab only.",
                "",
                "lab (us-east-1): 5 rules",
                "  OK     reject-any             at most 6 matching records in a period (from 2024-05-01T10:00:00Z) (alarm: >= 50 in 300 s)",
                "  OK     ssh-rejected           no matching record (alarm: >= 3 in 300 s)",
                "  OK     rdp-rejected           no matching record (alarm: >= 3 in 300 s)",
                "  ALARM  bastion-http-rejected  at 2024-05-01T10:05:00Z: 3 matching records in the period from 2024-05-01T10:00:00Z (alarm: >= 3 in 300 s)",
                "                                alarm vpc-flow-monitor-lab-lab-bastion-http-rejected",
                "  OK     flow-log-skipdata      no matching record (alarm: >= 1 in 300 s)",
                "",
                "1 transition to ALARM; 4 rules stay OK.",
                "",
            ].join("\n"),
        );
    });

    it("says, without --vpc, that the one file is evaluated against every VPC's rules", async () => {
        const { stdout } = await run("--config", LAB, "--records", fixture("bastion-http-2.log"));
        assert.match(
            stdout,
            /^The same records are evaluated against each VPC's rules, as if each VPC's alarm log group had received them \(--vpc NAME for one VPC\)\.$/m,
        );
        assert.match(stdout, /^lab \(us-east-1\): 5 rules$/m);
        assert.match(stdout, /^shared \(eu-west-1\): 6 rules$/m);
        assert.match(stdout, /^No alarm would fire \(11 rules stay OK\)\.$/m);
    });

    it("needs evaluationPeriods breaching periods in a row, goes back to OK on a quiet period, and fires again", async () => {
        const config = tmpFile(
            "Pulumi.runs.yaml",
            [
                "config:",
                "  aws:region: us-east-1",
                "  vpc-flow-monitor:regions:",
                "    - region: us-east-1",
                "      vpcs: [{ name: solo, cidrBlock: 10.0.0.0/16 }]",
                "  vpc-flow-monitor:alerts:",
                "    defaultRules: false",
                "    rules:",
                "      - { name: http-burst, match: { action: REJECT, dstPort: 80 }, threshold: 2, periodSeconds: 60, evaluationPeriods: 3 }",
            ].join("\n"),
        );
        // Two records per minute in minutes 0-1 (too short a run), 3-6 (fires at the end of minute 5), 8-10 (fires at the end of minute 10).
        const minutes = [0, 1, 3, 4, 5, 6, 8, 9, 10];
        const file = tmpFile("runs.log", minutes.flatMap((m) => [record(m * 60 + 5), record(m * 60 + 30)]).join("\n"));
        const { code, stdout } = await run("--config", config, "--records", file, "--json");
        assert.equal(code, 0);
        assert.deepStrictEqual(JSON.parse(stdout), {
            alarms: [fire("solo", "http-burst", at(6 * 60)), fire("solo", "http-burst", at(11 * 60))],
        });
    });
});

describe("npm run rules: bad usage and unusable input (exit 2, one clear message)", function () {
    // Two of these cases spawn `npm run rules` (a ts-node start each): slow on a loaded machine.
    this.timeout(120000);
    const lab = fixture("bastion-http-3.log");

    const cases: readonly { name: string; args: () => string[]; stderr: () => string | RegExp }[] = [
        {
            name: "no arguments",
            args: () => [],
            stderr: () => `give exactly one of --stack NAME or --config FILE\n${USAGE}\n`,
        },
        {
            name: "no --records",
            args: () => ["--config", LAB],
            stderr: () => `--records FILE is required: a file of flow log records (plain text or .gz)\n${USAGE}\n`,
        },
        {
            name: "both --stack and --config",
            args: () => ["--stack", "dev", "--config", LAB, "--records", lab],
            stderr: () => `give exactly one of --stack NAME or --config FILE\n${USAGE}\n`,
        },
        {
            name: "a stack name with a slash",
            args: () => ["--stack", "../dev", "--records", lab],
            stderr: () =>
                `--stack: not a stack name; given "../dev". Allowed: 1 to 100 characters of letters, digits, -, _ and . (Pulumi's rule for stack names)\n${USAGE}\n`,
        },
        {
            name: "a stack without a config file",
            args: () => ["--stack", "nosuch", "--records", lab],
            stderr: () => `cannot read stack config ${path.join(PROJECT_DIR, "Pulumi.nosuch.yaml")}: ENOENT\n`,
        },
        {
            name: "an unknown option",
            args: () => ["--config", LAB, "--records", lab, "--vcp", "lab"],
            stderr: () => /^Unknown option '--vcp'.*\nusage: npm run rules/s,
        },
        {
            name: "a stray positional argument",
            args: () => ["--config", LAB, lab],
            stderr: () => /^Unexpected argument '.*bastion-http-3\.log'.*\nusage: npm run rules/s,
        },
        {
            name: "an unknown --vpc",
            args: () => ["--config", LAB, "--records", lab, "--vpc", "nope"],
            stderr: () => `--vpc "nope": no such VPC in the stack; its VPCs: lab, shared\n`,
        },
        {
            name: "a --format that is not a log format",
            args: () => ["--config", LAB, "--records", lab, "--format", "version srcaddr"],
            stderr: () =>
                `--format "version srcaddr": log format token "version" is not of the form \${field-name}; write the fields as the flow log's logFormat does, e.g. "\${version} \${srcaddr} \${start} \${action}"\n`,
        },
        {
            name: "a --format without start",
            args: () => ["--config", LAB, "--records", lab, "--format", "${version} ${srcaddr} ${action}"],
            stderr: () =>
                `${lab}: the format (version srcaddr action) has no "start" field: CloudWatch Logs takes a record's start as its event time, so the periods cannot be placed\n`,
        },
        {
            name: "a records file that does not exist",
            args: () => ["--config", LAB, "--records", path.join(tmp, "missing.log")],
            stderr: () => `cannot read records file ${path.join(tmp, "missing.log")}: no such file\n`,
        },
        {
            name: "a directory as the records file",
            args: () => ["--config", LAB, "--records", tmp],
            stderr: () => `cannot read records file ${tmp}: it is a directory\n`,
        },
        {
            name: "an empty records file",
            args: () => ["--config", LAB, "--records", tmpFile("empty.log", "")],
            stderr: () =>
                `${path.join(tmp, "empty.log")}: empty: no flow log records (only blank or # comment lines)\n`,
        },
        {
            name: "a records file of blank and comment lines",
            args: () => ["--config", LAB, "--records", tmpFile("comments.log", "# nothing yet\n\n   \n")],
            stderr: () =>
                `${path.join(tmp, "comments.log")}: empty: no flow log records (only blank or # comment lines)\n`,
        },
        {
            name: "a header line and no records",
            args: () => [
                "--config",
                LAB,
                "--records",
                tmpFile(
                    "header.log",
                    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n",
                ),
            ],
            stderr: () => `${path.join(tmp, "header.log")}: empty: a header line and no records\n`,
        },
        {
            name: "a .gz file that is plain text",
            args: () => ["--config", LAB, "--records", tmpFile("plain.log.gz", record(0))],
            stderr: () => `${path.join(tmp, "plain.log.gz")}: named .gz but not gzip-compressed (no gzip header)\n`,
        },
        {
            name: "a truncated gzip file",
            args: () => [
                "--config",
                LAB,
                "--records",
                tmpFile("cut.log.gz", new Uint8Array(zlib.gzipSync(record(0).repeat(50))).subarray(0, 30)),
            ],
            stderr: () =>
                new RegExp(
                    `^${path.join(tmp, "cut.log.gz").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not a valid gzip file: unexpected end of file\n$`,
                ),
        },
        {
            // 200 MiB that take no disk space: refused by its size, before a byte is read.
            name: "a records file over the size limit",
            args: () => {
                const file = tmpFile("huge.log", "");
                fs.truncateSync(file, 200 * 2 ** 20);
                return ["--config", LAB, "--records", file];
            },
            stderr: () =>
                `${path.join(tmp, "huge.log")}: 200 MiB; the limit is 128 MiB of records: replay a part of it (split -l 1000000 FILE part-), or query the lake with Athena\n`,
        },
        {
            // 129 MiB of newlines, gzipped to about 130 KiB: zlib stops at the limit.
            name: "a gzip bomb (a small .gz that inflates past the limit)",
            args: () => [
                "--config",
                LAB,
                "--records",
                tmpFile(
                    "bomb.log.gz",
                    new Uint8Array(zlib.gzipSync(new Uint8Array(129 * 2 ** 20).fill(0x0a), { level: 9 })),
                ),
            ],
            stderr: () =>
                `${path.join(tmp, "bomb.log.gz")}: inflates to more than 128 MiB; the limit is 128 MiB of records (decompressed): replay a part of it (split -l 1000000 FILE part-), or query the lake with Athena\n`,
        },
        {
            name: "a stream with no end (/dev/zero)",
            args: () => ["--config", LAB, "--records", "/dev/zero"],
            stderr: () =>
                "/dev/zero: more than 128 MiB; the limit is 128 MiB of records: replay a part of it (split -l 1000000 FILE part-), or query the lake with Athena\n",
        },
        {
            name: "a file with no valid record",
            args: () => ["--config", LAB, "--records", tmpFile("junk.log", "hello world\nnot a record\n")],
            stderr: () =>
                `${path.join(tmp, "junk.log")}: no valid flow log record in 2 lines (format: 7 fields, srcaddr dstport protocol packets start action log-status); first problem, line 1: expected 7 space-separated fields, found 2; if the records are in another format, say which with --format "<log format>"\n`,
        },
        {
            name: "an invalid stack config",
            args: () => [
                "--config",
                tmpFile(
                    "Pulumi.bad.yaml",
                    "config:\n  aws:region: us-east-1\n  vpc-flow-monitor:regions: []\n  vpc-flow-monitor:alerts: { rules: [{ name: r, match: { dstPort: 70000 } }] }\n",
                ),
                "--records",
                lab,
            ],
            stderr: () =>
                [
                    `Invalid vpc-flow-monitor configuration in ${path.relative(process.cwd(), path.join(tmp, "Pulumi.bad.yaml"))}: 2 problems`,
                    "  - regions: at least one region is required; given []. Allowed: a list of { region, vpcs }",
                    "  - alerts.rules[0].match.dstPort: not a port match; given 70000. Allowed: a port 0–65535, a list of ports [22, 3389], or a range { from: 1024, to: 2048 }",
                    "No records were evaluated.",
                    "",
                ].join("\n"),
        },
    ];
    for (const c of cases) {
        it(`exits 2 on ${c.name}`, async () => {
            const { code, stdout, stderr } = await run(...c.args());
            assert.equal(code, 2);
            assert.equal(stdout, "");
            const expected = c.stderr();
            if (typeof expected === "string") assert.equal(stderr, expected);
            else assert.match(stderr, expected);
        });
    }

    it("lists at most 100 malformed lines one by one and counts the rest", async () => {
        const lines = [record(0), ...Array.from({ length: 130 }, (_, i) => `junk ${i}`)];
        const file = tmpFile("many.log", lines.join("\n"));
        const { code, stderr } = await run("--config", LAB, "--records", file, "--json");
        assert.equal(code, 0);
        const reported = stderr.trimEnd().split("\n");
        assert.equal(reported.length, MAX_REPORTED_LINES + 1);
        assert.equal(reported[0], `${file}:2: skipped: expected 14 space-separated fields, found 2`);
        assert.equal(reported[MAX_REPORTED_LINES], `${file}: 30 more malformed lines skipped (not listed)`);
    });

    it("runs as `npm run rules`: exit 0 with the JSON on stdout, exit 2 on bad usage", () => {
        const ok = spawnSync(
            "npm",
            ["run", "--silent", "rules", "--", "--config", LAB, "--records", lab, "--json", "--vpc", "lab"],
            { cwd: PROJECT_DIR, encoding: "utf8" },
        );
        assert.equal(ok.status, 0, ok.stderr);
        assert.deepStrictEqual(JSON.parse(ok.stdout), { alarms: [fire("lab", "bastion-http-rejected", at(300))] });
        const bad = spawnSync("npm", ["run", "--silent", "rules", "--", "--config", LAB], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
        });
        assert.equal(bad.status, 2);
        assert.match(bad.stderr, /--records FILE is required/);
    });
});

// ---------------------------------------------------------------------------------------------
// The evaluation itself

describe("rule evaluation: CloudWatch's semantics", () => {
    const rule = (threshold: number, periodSeconds: number, evaluationPeriods: number) => ({
        threshold,
        periodSeconds,
        evaluationPeriods,
    });
    const sums = (entries: [number, number][]) => new Map(entries);

    const CASES: readonly { name: string; rule: ReturnType<typeof rule>; sums: [number, number][]; at: number[] }[] = [
        {
            name: "one period reaching the threshold fires at its end",
            rule: rule(3, 300, 1),
            sums: [[0, 3]],
            at: [300],
        },
        { name: "one record short does not fire", rule: rule(3, 300, 1), sums: [[0, 2]], at: [] },
        {
            name: "breaching periods in a row fire once",
            rule: rule(1, 60, 1),
            sums: [
                [0, 1],
                [60, 5],
                [120, 1],
            ],
            at: [60],
        },
        {
            name: "a quiet period in between brings it back to OK, so it fires again",
            rule: rule(1, 60, 1),
            sums: [
                [0, 1],
                [120, 1],
            ],
            at: [60, 180],
        },
        {
            name: "a non-breaching period in between brings it back to OK",
            rule: rule(2, 60, 1),
            sums: [
                [0, 2],
                [60, 1],
                [120, 2],
            ],
            at: [60, 180],
        },
        {
            name: "N of N: fires at the end of the Nth breaching period in a row",
            rule: rule(1, 60, 3),
            sums: [
                [0, 1],
                [60, 1],
                [120, 1],
                [180, 1],
            ],
            at: [180],
        },
        {
            name: "N of N: a gap restarts the count",
            rule: rule(1, 60, 3),
            sums: [
                [0, 1],
                [60, 1],
                [180, 1],
                [240, 1],
            ],
            at: [],
        },
        {
            name: "unsorted input",
            rule: rule(1, 300, 2),
            sums: [
                [600, 4],
                [0, 1],
                [300, 1],
            ],
            at: [600],
        },
    ];
    for (const c of CASES) {
        it(c.name, () => {
            assert.deepEqual(
                alarmFirings(sums(c.sums), c.rule).map((f) => f.at),
                c.at,
            );
        });
    }

    /** CloudWatch as a state machine, minute by minute: ALARM while the last N periods all breach (missing = not breaching). */
    function simulate(periodSums: Map<number, number>, r: ReturnType<typeof rule>): number[] {
        if (periodSums.size === 0) return [];
        const starts = [...periodSums.keys()];
        const first = Math.min(...starts);
        const last = Math.max(...starts);
        const firings: number[] = [];
        let state = "OK";
        for (
            let end = first + r.periodSeconds;
            end <= last + r.periodSeconds * (r.evaluationPeriods + 1);
            end += r.periodSeconds
        ) {
            let breaching = true;
            for (let k = 1; k <= r.evaluationPeriods; k++)
                breaching &&= (periodSums.get(end - k * r.periodSeconds) ?? 0) >= r.threshold;
            const next = breaching ? "ALARM" : "OK";
            if (next === "ALARM" && state !== "ALARM") firings.push(end);
            state = next;
        }
        return firings;
    }

    it("agrees with a step-by-step simulation of the alarm for any per-period sums", () => {
        fc.assert(
            fc.property(
                fc.record({
                    threshold: fc.integer({ min: 1, max: 4 }),
                    periodSeconds: fc.constantFrom(60, 300),
                    evaluationPeriods: fc.integer({ min: 1, max: 4 }),
                }),
                fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 6 })), { maxLength: 25 }),
                (r, entries) => {
                    const periodSums = new Map(
                        entries.map(([i, sum]) => [T0 + i * r.periodSeconds, sum] as [number, number]),
                    );
                    assert.deepEqual(
                        alarmFirings(periodSums, r).map((f) => f.at),
                        simulate(periodSums, r),
                    );
                },
            ),
            { numRuns: 500 },
        );
    });

    it("matches records with the pattern the metric filter is created with (the rendered pattern, through the pattern engine)", async function () {
        this.timeout(20000);
        const stackFile = loadStackFile(LAB);
        const config = validateStackConfig(stackFile.config);
        const rules = effectiveRules({
            defaultRules: config.alerts.defaultRules,
            stackRules: config.alerts.rules,
            vpcRules: config.regions[0].vpcs[0].rules,
        });
        const plan = await planOf(stackFile.config, "lab");
        for (const r of rules) {
            const evaluation = evaluateRule(r, [], alarmFieldsOf(config));
            assert.equal(evaluation.pattern, inputsOf(plan, `lab-${r.name}-metricFilter`).pattern, r.name);
        }
    });

    it("counts one per matching record, in the period of the record's start", () => {
        const bastion = validateStackConfig(loadStackFile(LAB).config).alerts.rules[0];
        const events = [0, 30, 299, 300, 301].map((offset) => ({ text: record(offset), start: T0 + offset }));
        const evaluation = evaluateRule(bastion, events, DEFAULT_FORMAT_FIELDS);
        assert.equal(evaluation.matchedRecords, 5);
        assert.deepStrictEqual(evaluation.peak, { periodStart: T0, sum: 3 });
        assert.deepStrictEqual(evaluation.firings, [{ at: T0 + 300, periodStart: T0, sum: 3 }]);
    });
});

describe("records files: never a crash on input", () => {
    const options = { alarmFields: ALARM_LOG_FIELDS };

    it("reads any text either into records and skipped lines, or refuses it with a RecordsFileError", () => {
        const line = fc.oneof(
            fc.string({ maxLength: 120 }),
            fc.constant(record(0)),
            fc
                .array(
                    fc.constantFrom(
                        "2",
                        "-",
                        "REJECT",
                        "OK",
                        "80",
                        "1714557600",
                        "99999999999999999999",
                        "eni-1",
                        "10.0.0.1",
                        '"',
                        "[",
                    ),
                    { maxLength: 16 },
                )
                .map((t) => t.join(" ")),
        );
        fc.assert(
            fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom("\n", "\r\n", "\r"), (lines, eol) => {
                const text = lines.join(eol);
                try {
                    const result = parseRecordsText(text, options);
                    const content = text
                        .split(/\r\n|\n|\r/)
                        .filter((l) => l.trim() !== "" && !l.trim().startsWith("#")).length;
                    const header = result.records.length + result.skipped.length === content - 1 ? 1 : 0;
                    assert.equal(result.records.length + result.skipped.length + header, content);
                    for (const r of result.records) assert.doesNotThrow(() => isoSeconds(r.start));
                } catch (err) {
                    assert.ok(err instanceof RecordsFileError, String(err));
                }
            }),
            { numRuns: 500 },
        );
    });

    it("handles a binary file without throwing anything but a RecordsFileError", async () => {
        const file = tmpFile(
            "binary.bin",
            Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256),
        );
        const { code, stderr } = await run("--config", LAB, "--records", file);
        assert.equal(code, 2);
        assert.match(stderr, /no valid flow log record in \d+ lines/);
    });
});
