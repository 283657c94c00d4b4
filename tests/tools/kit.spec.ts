/**
 * tools/cli/kit.ts: how every known failure is reported and with which exit status, the usage line
 * after a usage problem, the stack options, and what a bug prints.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../../program/stackConfig";
import { PolicyConfigError } from "../../tools/analyzer/policyConfig";
import { StackExportError } from "../../tools/analyzer/policyInputs";
import { PolicyError } from "../../tools/analyzer/policyRunner";
import {
    bugReport,
    describeFailure,
    Exit,
    InputError,
    PROJECT_DIR,
    runCli,
    runCommand,
    stackFilePath,
    UsageError,
} from "../../tools/cli/kit";
import { JsonFileError } from "../../tools/files/jsonFile";
import { RecordsFileError } from "../../tools/files/recordsFile";
import { StackFileError } from "../../tools/files/stackFile";
import { LakeInputError } from "../../tools/lake/localLake";
import { ResumeError } from "../../tools/rollout/orchestrator";
import { RolloutPlanError } from "../../tools/rollout/waves";
import { captureOutput } from "../helpers/io";

const USAGE = "usage: npm run thing -- --stack NAME";

function parseArgsError(argv: string[]): Error {
    try {
        parseArgs({ args: argv, options: { stack: { type: "string" } }, strict: true });
    } catch (err) {
        return err as Error;
    }
    throw new Error("parseArgs accepted " + argv.join(" "));
}

describe("tools/cli/kit.ts", () => {
    describe("describeFailure: the one mapping of known failures", () => {
        it("a UsageError and node's parseArgs errors: the message, then the usage line; exit 2", () => {
            assert.deepEqual(describeFailure(new UsageError("give --stack"), { usage: USAGE }), {
                message: `give --stack\n${USAGE}`,
                exitCode: 2,
            });
            for (const [argv, message] of [
                [["--nope"], "Unknown option '--nope'"],
                [["--stack"], "Option '--stack <value>' argument missing"],
                [["dev"], "Unexpected argument 'dev'. This command does not take positional arguments"],
            ] as const) {
                const err = parseArgsError([...argv]);
                assert.match((err as { code?: string }).code!, /^ERR_PARSE_ARGS_/);
                assert.deepEqual(describeFailure(err, { usage: USAGE }), {
                    message: `${message}\n${USAGE}`,
                    exitCode: 2,
                });
            }
        });

        it("an invalid stack config: every problem, naming the file, then what was not done; exit 2", () => {
            const err = new ConfigError([
                { path: "regions", message: "at least one region is required" },
                { path: "aws:region", message: "unknown region" },
            ]);
            assert.deepEqual(
                describeFailure(err, { source: "Pulumi.qa.yaml", nothingDone: "Nothing was planned or deployed." }),
                {
                    message: [
                        "Invalid vpc-flow-monitor configuration in Pulumi.qa.yaml: 2 problems",
                        "  - regions: at least one region is required",
                        "  - aws:region: unknown region",
                        "Nothing was planned or deployed.",
                    ].join("\n"),
                    exitCode: 2,
                },
            );
            assert.equal(
                describeFailure(err)?.message,
                "Invalid vpc-flow-monitor configuration: 2 problems\n  - regions: at least one region is required\n  - aws:region: unknown region",
            );
        });

        it("every input error of the engines: the message alone, exit 2, no usage line", () => {
            const errors: Error[] = [
                new InputError("--vpc nope: no such VPC"),
                new StackFileError("cannot read stack config Pulumi.x.yaml: ENOENT"),
                new JsonFileError('bad.json:3:1: not valid JSON: unexpected "}"'),
                new RecordsFileError("records.log: no valid flow log record"),
                new StackExportError("export.json: not a stack export"),
                new PolicyConfigError([{ path: "x", message: "no policy of that name" }], "p.json"),
                new LakeInputError("--data /x: no such directory"),
                new RolloutPlanError("cannot read waves file w.yaml: ENOENT"),
                new ResumeError("nothing to resume: no saved rollout state. Run without --resume to start."),
            ];
            for (const err of errors) {
                assert.ok(err instanceof InputError, err.constructor.name);
                assert.deepEqual(describeFailure(err, { usage: USAGE, nothingDone: "Nothing." }), {
                    message: err.message,
                    exitCode: 2,
                });
            }
        });

        it("a policy that crashed: an error, exit 1 (not a verdict, not bad input)", () => {
            assert.deepEqual(describeFailure(new PolicyError("policy 'x' failed: TypeError: boom")), {
                message: "error: policy 'x' failed: TypeError: boom",
                exitCode: 1,
            });
        });

        it("anything else is not a known failure", () => {
            assert.equal(describeFailure(new TypeError("x is undefined")), undefined);
            assert.equal(describeFailure("a string"), undefined);
            assert.equal(describeFailure(Object.assign(new Error("no"), { code: "ENOENT" })), undefined);
        });
    });

    describe("runCommand", () => {
        it("returns the body's exit status and prints nothing of its own", async () => {
            const { result, stdout, stderr } = await captureOutput(() =>
                runCommand({ usage: USAGE }, async () => Exit.FAILED),
            );
            assert.deepEqual([result, stdout, stderr], [1, "", ""]);
        });

        it("prints a known failure on stderr (or to `err`) and returns its exit status", async () => {
            const { result, stderr } = await captureOutput(() =>
                runCommand({ usage: USAGE }, async () => {
                    throw new UsageError("give --stack");
                }),
            );
            assert.equal(result, 2);
            assert.equal(stderr, `give --stack\n${USAGE}\n`);

            const lines: string[] = [];
            const code = await runCommand({ usage: USAGE, err: (l) => lines.push(l) }, async () => {
                throw new InputError("bad waves");
            });
            assert.equal(code, 2);
            assert.deepEqual(lines, ["bad waves"]);
        });

        it("names the stack file read in a config report, with the command's words for what was not done", async () => {
            const { result, stderr } = await captureOutput(() =>
                runCommand({ usage: USAGE, nothingDone: "No records were evaluated." }, async (run) => {
                    run.loadStack(path.join(PROJECT_DIR, "Pulumi.dev.yaml"));
                    throw new ConfigError([{ path: "regions", message: "bad" }]);
                }),
            );
            assert.equal(result, 2);
            const relative = path.relative(process.cwd(), path.join(PROJECT_DIR, "Pulumi.dev.yaml"));
            assert.equal(
                stderr,
                `Invalid vpc-flow-monitor configuration in ${relative}: 1 problem\n  - regions: bad\nNo records were evaluated.\n`,
            );
        });

        it("rethrows anything else (a bug) for runCli to report", async () => {
            await assert.rejects(
                runCommand({ usage: USAGE }, async () => {
                    throw new TypeError("x is undefined");
                }),
                TypeError,
            );
        });
    });

    describe("stackFilePath", () => {
        it("takes exactly one of --stack and --config, and a stack name by Pulumi's rule (not a path)", () => {
            assert.equal(stackFilePath({ stack: "dev" }), path.join(PROJECT_DIR, "Pulumi.dev.yaml"));
            assert.equal(stackFilePath({ config: "x/Pulumi.qa.yaml" }), "x/Pulumi.qa.yaml");
            for (const values of [{}, { stack: "dev", config: "x.yaml" }]) {
                assert.throws(() => stackFilePath(values), {
                    name: "UsageError",
                    message: "give exactly one of --stack NAME or --config FILE",
                });
            }
            assert.throws(() => stackFilePath({ stack: "../dev" }), {
                name: "UsageError",
                message:
                    '--stack: not a stack name; given "../dev". Allowed: 1 to 100 characters of letters, digits, -, _ and . (Pulumi\'s rule for stack names)',
            });
        });
    });

    describe("runCli", () => {
        let saved: typeof process.exitCode;
        beforeEach(() => {
            saved = process.exitCode;
        });
        afterEach(() => {
            process.exitCode = saved;
        });

        it("sets process.exitCode to what main returns (never process.exit)", async () => {
            const { stderr } = await captureOutput(() => runCli(async () => 130, []));
            assert.equal(process.exitCode, 130);
            assert.equal(stderr, "");
        });

        it("reports an unexpected error as a bug: one line, then the stack; exit 1", async () => {
            const { stderr } = await captureOutput(() =>
                runCli(async () => {
                    throw new TypeError("x is undefined");
                }, []),
            );
            assert.equal(process.exitCode, 1);
            const lines = stderr.split("\n");
            assert.equal(
                lines[0],
                "internal error: a bug in vpc-flow-monitor, not a problem with your input; please report it with this output",
            );
            assert.equal(lines[1], "TypeError: x is undefined");
            assert.match(lines[2], /^ {4}at /);
        });

        it("reports a known failure that escaped main as that failure, without a stack", async () => {
            const { stderr } = await captureOutput(() =>
                runCli(async () => {
                    throw new StackFileError("cannot read stack config x.yaml: ENOENT");
                }, []),
            );
            assert.equal(process.exitCode, 2);
            assert.equal(stderr, "cannot read stack config x.yaml: ENOENT\n");
        });

        it("passes the command line to main", async () => {
            let seen: string[] = [];
            await runCli(
                async (argv) => {
                    seen = argv;
                    return 0;
                },
                ["--stack", "dev"],
            );
            assert.deepEqual(seen, ["--stack", "dev"]);
        });
    });

    it("bugReport prints what was thrown when it is not an Error", () => {
        assert.equal(
            bugReport("boom"),
            "internal error: a bug in vpc-flow-monitor, not a problem with your input; please report it with this output\nboom\n",
        );
    });
});
