/**
 * Output survives a pipe: each tool, run as a program (`node -r ts-node/register/transpile-only
 * tools/cli/<tool>.ts`, what `npm run <tool>` runs), writes the same bytes and exits with the same
 * status when its stdout is a pipe read slowly as when it is a file. Writes to a pipe are
 * asynchronous in Node, so a tool that ended with `process.exit()` lost everything past the pipe's
 * 64 KiB buffer; the outputs here are larger than that on purpose. The pipe is a kernel pipe, as a
 * shell's `|` makes (a FIFO): `spawn`'s own "pipe" is a socket pair whose buffer holds about
 * 200 KiB, which would hide a lost tail of most outputs. A reader that stops early (`| head`) must
 * not make the tool crash either.
 *
 * Each process costs seconds of ts-node start-up, so every run is started in `before`, at most
 * RUNNING at a time, and the cases only compare what the runs left.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import { fromPlan, toStackExport } from "../../tools/analyzer/policyInputs";
import { PROJECT_DIR } from "../../tools/cli/kit";
import { planStack, toEngineConfig } from "../../tools/plan/offlinePlan";
import { withoutAlarmsOf } from "../helpers/policy";

/**
 * A kernel pipe's buffer on Linux. A tool that exits without waiting for its output to drain
 * delivers at most the chunk the reader took plus what the pipe holds: 2 of these. Every large
 * output here is larger.
 */
const PIPE_BUFFER = 64 * 1024;
/** How long the slow reader stops after each chunk it reads. */
const READ_DELAY_MS = 20;
/**
 * After the first chunk the reader is away this long, or until the tool has exited: a tool that
 * exits without waiting for its output to drain has then exited, with most of the output lost.
 */
const AWAY_MS = 1000;
/** Tool processes at once (each spends most of its time starting up on 2 cores). */
const RUNNING = 4;
/** `generate --end` and `query --now`: the sample lake's last hour. */
const END = "2026-11-05T07:00:00Z";
const LAB = path.join(PROJECT_DIR, "tests", "fixtures", "records", "Pulumi.lab.yaml");
/** The records file for `rules`: bursts of rejected HTTP from 2024-05-01T10:00:00Z on. */
const T0 = 1714557600;
const BURSTS = 1000;

interface Run {
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
    /** How many bytes reached stdout's reader. */
    readonly bytes: number;
    /** Those bytes, decoded as UTF-8. */
    readonly stdout: string;
    readonly stderr: string;
}

interface Output {
    readonly bytes: number;
    readonly text: string;
}

type Sink = "file" | "pipe";

/** At most `limit` calls of `fn` at a time. */
function limiter(limit: number) {
    let active = 0;
    const waiting: (() => void)[] = [];
    return async <T>(fn: () => Promise<T>): Promise<T> => {
        if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
        active++;
        try {
            return await fn();
        } finally {
            active--;
            waiting.shift()?.();
        }
    };
}

/** Reads a stream to its end, pausing after every chunk, as a slow consumer (`| less`, a busy CI log) does. */
function readSlowly(child: ChildProcess, stream: Readable): Promise<Output> {
    const exited = once(child, "exit");
    const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let first = true;
    return read(stream, () => {
        stream.pause();
        const away = first ? Promise.race([exited, delay(AWAY_MS)]) : delay(READ_DELAY_MS);
        first = false;
        void away.then(() => stream.resume());
    });
}

function read(stream: Readable, afterChunk: () => void = () => {}): Promise<Output> {
    return new Promise((resolve, reject) => {
        // Copied into plain Uint8Arrays: @types/node 20.9's Buffer does not satisfy TypeScript 5.9's typed-array generics.
        const chunks: Uint8Array[] = [];
        stream.on("data", (chunk: Buffer) => {
            chunks.push(new Uint8Array(chunk));
            afterChunk();
        });
        stream.on("end", () => {
            const all = Buffer.concat(chunks);
            resolve({ bytes: all.length, text: all.toString("utf8") });
        });
        stream.on("error", reject);
    });
}

function startTool(tool: string, args: readonly string[], stdout: number): ChildProcess {
    return spawn(process.execPath, ["-r", "ts-node/register/transpile-only", `tools/cli/${tool}.ts`, ...args], {
        cwd: PROJECT_DIR,
        stdio: ["ignore", stdout, "pipe"],
    });
}

let fifos = 0;

/** A kernel pipe (a FIFO in `dir`): the write end for the tool, the read end as a stream for the test. */
function kernelPipe(dir: string): { readonly writeFd: number; readonly reader: net.Socket } {
    const fifo = path.join(dir, `stdout-${++fifos}.fifo`);
    execFileSync("mkfifo", [fifo]);
    // The read end first, non-blocking, so that opening the write end does not wait for a reader.
    const readFd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writeFd = fs.openSync(fifo, fs.constants.O_WRONLY);
    return { writeFd, reader: new net.Socket({ fd: readFd, readable: true, writable: false }) };
}

/** Starts a tool with stdout into a kernel pipe; the write end is the tool's alone once it runs. */
function startPiped(tool: string, args: readonly string[], dir: string): { child: ChildProcess; reader: net.Socket } {
    const { writeFd, reader } = kernelPipe(dir);
    try {
        return { child: startTool(tool, args, writeFd), reader };
    } finally {
        fs.closeSync(writeFd);
    }
}

/** Runs a tool with stdout into `file` or into a pipe read slowly. */
async function runTool(tool: string, args: readonly string[], sink: Sink, file: string): Promise<Run> {
    let child: ChildProcess;
    let stdout: Promise<Output>;
    if (sink === "file") {
        const fd = fs.openSync(file, "w");
        try {
            child = startTool(tool, args, fd);
        } finally {
            fs.closeSync(fd);
        }
        stdout = once(child, "close").then(() => ({
            bytes: fs.statSync(file).size,
            text: fs.readFileSync(file, "utf8"),
        }));
    } else {
        const piped = startPiped(tool, args, path.dirname(file));
        child = piped.child;
        stdout = readSlowly(child, piped.reader);
    }
    const stderr = read(child.stderr!);
    const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
    const { bytes, text } = await stdout;
    return { code, signal, bytes, stdout: text, stderr: (await stderr).text };
}

describe("CLI output through a slow pipe is what the same command writes to a file", function () {
    this.timeout(240_000);

    let tmp: string;
    const runs = new Map<string, Promise<Run>>();
    let closedEarly: Promise<Run & { readonly readBeforeClosing: number }>;
    const run = (label: string, sink: Sink) => runs.get(`${label} > ${sink}`)!;

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vfm-pipes-"));
        const limit = limiter(RUNNING);
        const start = (label: string, sink: Sink, tool: string, args: readonly string[]) => {
            const file = path.join(tmp, `${label.replace(/\W+/g, "-")}.${sink}.out`);
            runs.set(
                `${label} > ${sink}`,
                limit(() => runTool(tool, args, sink, file)),
            );
        };
        const both = (label: string, tool: string, args: (sink: Sink) => readonly string[]) => {
            for (const sink of ["file", "pipe"] as const) start(label, sink, tool, args(sink));
        };

        both("plan --stack prod --json", "plan", () => ["--stack", "prod", "--json"]);
        both("check --stack prod --json", "check", () => ["--stack", "prod", "--json"]);

        // A large records file: 1,000 bursts of rejected HTTP from the lab's bastion, ten minutes apart.
        const lines: string[] = [];
        for (let burst = 0; burst < BURSTS; burst++) {
            for (let k = 0; k < 4; k++) {
                const t = T0 + burst * 600 + k * 30;
                lines.push(
                    `2 123456789010 eni-0a1b2c3d4e5f67890 10.0.0.155 10.0.14.100 ${49152 + k} 80 6 1 60 ${t} ${t + 60} REJECT OK`,
                );
            }
        }
        const records = path.join(tmp, "bursts.log");
        fs.writeFileSync(records, lines.join("\n") + "\n");
        both("rules --json", "rules", () => ["--config", LAB, "--records", records, "--json"]);

        // The two lakes' paths have the same length, so the two summaries have too.
        both("generate", "generate", (sink) => ["--out", path.join(tmp, `lake-${sink}`), "--days", "1", "--end", END]);

        // The query reads the lake generate wrote through the pipe, for the port scan's target.
        const generated = run("generate", "pipe");
        const target = generated.then(
            (r) => /Port scan of (\S+) \(TCP/.exec(r.stdout)?.[1] ?? "no-port-scan-in-summary",
        );
        for (const sink of ["file", "pipe"] as const) {
            runs.set(
                `query --format json > ${sink}`,
                target.then((address) =>
                    limit(() =>
                        runTool(
                            "query",
                            [
                                "traffic-to-address",
                                "--param",
                                `address=${address}`,
                                "--data",
                                path.join(tmp, "lake-pipe"),
                                "--format",
                                "json",
                                "--now",
                                END,
                            ],
                            sink,
                            path.join(tmp, `query.${sink}.out`),
                        ),
                    ),
                ),
            );
        }

        // Exit 2 through a pipe: what it prints is known exactly, so no run into a file is needed.
        const bad = path.join(tmp, "Pulumi.bad.yaml");
        fs.writeFileSync(bad, "config:\n  aws:region: us-east-9\n");
        start("rules with an invalid config", "pipe", "rules", ["--config", bad, "--records", records, "--json"]);

        // `| head -c 1`: the reader takes one chunk and closes the pipe while the tool still writes.
        closedEarly = limit(async () => {
            const { child, reader } = startPiped("rules", ["--config", LAB, "--records", records, "--json"], tmp);
            let readBeforeClosing = 0;
            reader.once("data", (chunk: Buffer) => {
                readBeforeClosing = chunk.length;
                reader.destroy();
            });
            const stderr = read(child.stderr!);
            const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
            return {
                code,
                signal,
                bytes: readBeforeClosing,
                stdout: "",
                stderr: (await stderr).text,
                readBeforeClosing,
            };
        });

        // A large stack export that fails the pack: 16 VPCs in two regions, one VPC's alarms removed
        // (planned here, while the tools above start up).
        const regions = ["us-east-1", "eu-west-1"].map((region, r) => ({
            region,
            vpcs: Array.from({ length: 8 }, (_, i) => ({
                name: `vpc-${r}-${i}`,
                cidrBlock: `10.${10 * r + i}.0.0/16`,
            })),
        }));
        const plan = await planStack(
            "fleet",
            toEngineConfig({ "aws:region": "us-east-1", "vpc-flow-monitor:regions": regions }),
        );
        const exportFile = path.join(tmp, "fleet-export.json");
        fs.writeFileSync(exportFile, JSON.stringify(toStackExport(fromPlan(withoutAlarmsOf(plan, "vpc-0-3")))));
        both("audit of a failing 16-VPC export --json", "audit", () => [exportFile, "--json"]);

        // Every run settles before the cases look at them (a failed run fails its case, not the hook).
        await Promise.allSettled([...runs.values(), closedEarly]);
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** Both runs: the same exit status, stderr and bytes; returns what came through the pipe. */
    async function same(label: string, exitCode: number, stderr: string | RegExp = ""): Promise<string> {
        const [file, pipe] = await Promise.all([run(label, "file"), run(label, "pipe")]);
        for (const [sink, r] of [
            ["file", file],
            ["pipe", pipe],
        ] as const) {
            assert.equal(r.signal, null, `${label} > ${sink}: killed by ${r.signal}`);
            assert.equal(r.code, exitCode, `${label} > ${sink}: exit status; stderr:\n${r.stderr}`);
            if (typeof stderr === "string") assert.equal(r.stderr, stderr, `${label} > ${sink}: stderr`);
            else assert.match(r.stderr, stderr, `${label} > ${sink}: stderr`);
        }
        assert.equal(pipe.bytes, file.bytes, `${label}: bytes through the pipe vs into the file`);
        assert.ok(pipe.stdout === file.stdout, `${label}: the same output`);
        return pipe.stdout;
    }

    it("plan --stack prod --json: every resource, exit 0", async () => {
        const out = await same("plan --stack prod --json", 0);
        assert.ok(out.length > 2 * PIPE_BUFFER, `only ${out.length} bytes`);
        const json = JSON.parse(out);
        assert.equal(json.stack, "prod");
        assert.ok(json.resources.length > 200, String(json.resources.length));
    });

    it("check --stack prod --json: the resources and the verdict, exit 0", async () => {
        const out = await same("check --stack prod --json", 0);
        assert.ok(out.length > 2 * PIPE_BUFFER, `only ${out.length} bytes`);
        const json = JSON.parse(out);
        assert.equal(json.passed, true);
        assert.deepEqual(json.violations, []);
    });

    it("audit of a large failing export: the violations survive, and so does exit 1", async () => {
        const out = await same("audit of a failing 16-VPC export --json", 1);
        assert.ok(out.length > 2 * PIPE_BUFFER, `only ${out.length} bytes`);
        const json = JSON.parse(out);
        assert.equal(json.passed, false);
        assert.ok(
            json.violations.some(
                (v: { policy: string; urn: string }) =>
                    v.policy === "vpc-reject-alarm-required" && v.urn.endsWith("::vpc-0-3-vpc"),
            ),
            JSON.stringify(json.violations),
        );
    });

    it("rules --json over a large records file: every alarm, exit 0", async () => {
        const out = await same("rules --json", 0);
        assert.ok(out.length > 2 * PIPE_BUFFER, `only ${out.length} bytes`);
        const { alarms } = JSON.parse(out);
        // Each burst is 4 matching records in one 5-minute period (threshold 3), followed by a quiet period:
        // the rule goes to ALARM once per burst in each of the lab's two VPCs.
        const bastion = alarms.filter((a: { rule: string }) => a.rule === "bastion-http-rejected");
        assert.equal(bastion.length, 2 * BURSTS);
        assert.equal(
            bastion.at(-1).at,
            new Date((T0 + (BURSTS - 1) * 600 + 300) * 1000).toISOString().replace(".000", ""),
        );
    });

    it("generate: the whole summary, exit 0", async () => {
        const [file, pipe] = await Promise.all([run("generate", "file"), run("generate", "pipe")]);
        for (const r of [file, pipe]) {
            assert.equal(r.code, 0, r.stderr);
            assert.equal(r.stderr, "");
        }
        assert.equal(pipe.bytes, file.bytes);
        assert.equal(
            pipe.stdout.replaceAll(path.join(tmp, "lake-pipe"), "LAKE"),
            file.stdout.replaceAll(path.join(tmp, "lake-file"), "LAKE"),
        );
        const lines = pipe.stdout.trimEnd().split("\n");
        assert.match(lines[0], /^Generated \d+ flow log records for 3 VPCs in 2 regions/);
        assert.equal(
            lines.at(-1),
            `Try: npm run query -- top-rejected-sources --data ${path.join(tmp, "lake-pipe")} --now 2026-11-05T07:00:00.000Z`,
        );
    });

    it("query --format json: all 1,000 rows, exit 0", async () => {
        const out = await same(
            "query --format json",
            0,
            /^traffic-to-address: 1000 rows from \d+ Parquet files under /,
        );
        assert.ok(out.length > 2 * PIPE_BUFFER, `only ${out.length} bytes`);
        assert.equal(JSON.parse(out).length, 1000);
    });

    it("an invalid config: exit 2 and the whole report on stderr, nothing on stdout", async () => {
        const r = await run("rules with an invalid config", "pipe");
        assert.equal(r.code, 2);
        assert.equal(r.bytes, 0);
        assert.equal(
            r.stderr,
            [
                `Invalid vpc-flow-monitor configuration in ${path.relative(PROJECT_DIR, path.join(tmp, "Pulumi.bad.yaml"))}: 2 problems`,
                '  - aws:region: unknown region; given "us-east-9". Allowed: an AWS commercial region such as us-east-1 (GovCloud and China are not supported)',
                "  - regions: missing. Allowed: a list of { region, vpcs } with at least one region",
                "No records were evaluated.",
                "",
            ].join("\n"),
        );
    });

    it("a reader that stops early (| head): no error, no stack trace, exit 0", async () => {
        const r = await closedEarly;
        assert.ok(r.readBeforeClosing > 0 && r.readBeforeClosing <= PIPE_BUFFER, String(r.readBeforeClosing));
        assert.equal(r.stderr, "");
        assert.equal(r.signal, null);
        assert.equal(r.code, 0);
    });
});
