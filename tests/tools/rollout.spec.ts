/**
 * The rollout orchestration, driven through the CLI's main() with an injected fake stack runner:
 * no Pulumi CLI, no cloud. Each test works in its own copy of the project's stack configs.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, STATE_FILE } from "../../tools/cli/rollout";
import { PreviewOutcome, RolloutState, StackRunner, UpOutcome } from "../../tools/rollout/orchestrator";
import { INSTALL_HINT } from "../../tools/rollout/pulumiRunner";

const REPO = path.resolve(__dirname, "../..");

interface Behaviour {
    preview?: (stack: string) => Promise<PreviewOutcome> | PreviewOutcome;
    up?: (stack: string) => Promise<UpOutcome> | UpOutcome;
}

/** Outputs a real `pulumi up` of this program returns for a stack config. */
function outputsFor(projectDir: string, stack: string): Record<string, unknown> {
    const text = fs.readFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), "utf8");
    const names = [...text.matchAll(/- name: ([a-z0-9-]+)\n\s+(?:cidrBlock|vpcId):/g)].map((m) => m[1]);
    return {
        homeRegion: "us-east-1",
        lakeBucketName: "lake-bucket-1234567",
        glueDatabase: `vpc_flow_monitor_${stack}`,
        glueTable: "flow_logs",
        athenaWorkgroup: `vpc-flow-monitor-${stack}`,
        dashboardName: `vpc-flow-monitor-${stack}`,
        vpcs: Object.fromEntries(names.map((n) => [n, { vpcId: "vpc-0123456789abcdef0" }])),
    };
}

class FakeRunner implements StackRunner {
    readonly calls: string[] = [];
    constructor(
        private readonly projectDir: string,
        private readonly behaviour: Behaviour = {},
    ) {}

    async preview(stack: string): Promise<PreviewOutcome> {
        this.calls.push(`preview ${stack}`);
        return this.behaviour.preview ? this.behaviour.preview(stack) : { changes: 3, mandatoryViolations: [] };
    }

    async up(stack: string): Promise<UpOutcome> {
        this.calls.push(`up ${stack}`);
        return this.behaviour.up
            ? this.behaviour.up(stack)
            : { outputs: outputsFor(this.projectDir, stack), summary: "3 create" };
    }
}

function projectCopy(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-"));
    for (const f of fs.readdirSync(REPO).filter((f) => /^Pulumi\..+\.yaml$/.test(f)))
        fs.copyFileSync(path.join(REPO, f), path.join(dir, f));
    return dir;
}

async function run(
    argv: string[],
    projectDir: string,
    runner?: StackRunner,
    extra: { signal?: AbortSignal; cliAvailable?: () => boolean } = {},
) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { projectDir, runner, out: (l) => out.push(l), err: (l) => err.push(l), ...extra });
    return { code, out, err };
}

const stateOf = (dir: string): RolloutState => JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), "utf8"));

describe("rollout", () => {
    let dir: string;
    beforeEach(() => {
        dir = projectCopy();
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("--dry-run prints the waves and touches nothing", async () => {
        const runner = new FakeRunner(dir);
        const { code, out } = await run(["--dry-run"], dir, runner);
        assert.equal(code, 0);
        assert.deepEqual(out.slice(1, 4), ["wave 1/3 dev: dev", "wave 2/3 staging: staging", "wave 3/3 prod: prod"]);
        assert.deepEqual(runner.calls, []);
        assert.equal(fs.existsSync(path.join(dir, STATE_FILE)), false);
    });

    it("runs the waves in order: preview, up and an output check per stack, and records completion", async () => {
        const runner = new FakeRunner(dir);
        const { code, out } = await run([], dir, runner);
        assert.equal(code, 0, out.join("\n"));
        assert.deepEqual(runner.calls, [
            "preview dev",
            "up dev",
            "preview staging",
            "up staging",
            "preview prod",
            "up prod",
        ]);
        assert.ok(out.includes("[wave 2/3 staging] staging: outputs ok"), out.join("\n"));
        assert.equal(out[out.length - 1], "rollout complete: dev, staging, prod");
        assert.deepEqual(stateOf(dir).completed, ["dev", "staging", "prod"]);
        assert.equal(stateOf(dir).status, "completed");
    });

    it("runs the stacks of one wave in parallel", async () => {
        fs.writeFileSync(
            path.join(dir, "waves.yaml"),
            "waves:\n  - name: canary\n    stacks: [dev]\n  - name: rest\n    stacks: [staging, prod]\n",
        );
        let inFlight = 0;
        let maxInFlight = 0;
        const runner = new FakeRunner(dir, {
            preview: async () => {
                inFlight++;
                maxInFlight = Math.max(maxInFlight, inFlight);
                await new Promise((r) => setTimeout(r, 20));
                inFlight--;
                return { changes: 1, mandatoryViolations: [] };
            },
        });
        const { code } = await run(["--waves", path.join(dir, "waves.yaml")], dir, runner);
        assert.equal(code, 0);
        assert.equal(maxInFlight, 2);
        assert.deepEqual(runner.calls.slice(0, 2), ["preview dev", "up dev"], "wave 1 finishes before wave 2 starts");
    });

    it("a failing preview stops the rollout before any update, and says where and why", async () => {
        const runner = new FakeRunner(dir, {
            preview: (stack) => {
                if (stack === "staging") throw new Error("error: no credentials for us-west-2");
                return { changes: 1, mandatoryViolations: [] };
            },
        });
        const { code, out } = await run([], dir, runner);
        assert.equal(code, 1);
        assert.deepEqual(runner.calls, ["preview dev", "up dev", "preview staging"]);
        assert.ok(
            out.includes(
                "FAILED at wave 2/3 staging, stack staging, during preview: error: no credentials for us-west-2",
            ),
            out.join("\n"),
        );
        assert.ok(
            out.includes("stopped: not started: prod. Fix the cause, then run again with --resume."),
            out.join("\n"),
        );
        assert.deepEqual(stateOf(dir).failures, [
            { wave: "staging", stack: "staging", phase: "preview", message: "error: no credentials for us-west-2" },
        ]);
    });

    it("a mandatory policy violation stops the rollout with no update of that stack", async () => {
        const runner = new FakeRunner(dir, {
            preview: (stack) => ({
                changes: 4,
                mandatoryViolations:
                    stack === "dev" ? ["vpc-reject-alarm-required: VPC sandbox has no REJECT alarm"] : [],
            }),
        });
        const { code, out } = await run([], dir, runner);
        assert.equal(code, 1);
        assert.deepEqual(runner.calls, ["preview dev"]);
        assert.ok(
            out.includes(
                "FAILED at wave 1/3 dev, stack dev, during policy: 1 mandatory policy violation(s), no update made: vpc-reject-alarm-required: VPC sandbox has no REJECT alarm",
            ),
            out.join("\n"),
        );
    });

    it("a failing up in wave 2 leaves wave 1 recorded as done and wave 3 untouched; --resume continues from wave 2", async () => {
        let failUp = true;
        const runner = new FakeRunner(dir, {
            up: (stack) => {
                if (stack === "staging" && failUp) throw new Error("error: update failed: BucketAlreadyExists");
                return { outputs: outputsFor(dir, stack), summary: "2 update" };
            },
        });
        const first = await run([], dir, runner);
        assert.equal(first.code, 1);
        assert.deepEqual(runner.calls, ["preview dev", "up dev", "preview staging", "up staging"]);
        assert.deepEqual(stateOf(dir).completed, ["dev"]);
        assert.equal(stateOf(dir).status, "failed");
        assert.equal(stateOf(dir).failures[0].phase, "up");

        failUp = false;
        runner.calls.length = 0;
        const resumed = await run(["--resume"], dir, runner);
        assert.equal(resumed.code, 0, resumed.out.join("\n"));
        assert.deepEqual(
            runner.calls,
            ["preview staging", "up staging", "preview prod", "up prod"],
            "dev is not run again",
        );
        assert.ok(resumed.out.includes("resuming: dev already done"));
        assert.ok(resumed.out.includes("[wave 1/3 dev] already completed"));
        assert.equal(stateOf(dir).status, "completed");
    });

    it("an update that does not produce the expected outputs fails the stack", async () => {
        const runner = new FakeRunner(dir, {
            up: (stack) => {
                const outputs = outputsFor(dir, stack);
                delete outputs.lakeBucketName;
                (outputs.vpcs as Record<string, unknown>)["sandbox"] = {};
                return { outputs, summary: "1 update" };
            },
        });
        const { code, out } = await run(["--stacks", "dev"], dir, runner);
        assert.equal(code, 1);
        assert.ok(
            out.includes(
                "FAILED at wave 1/1 dev, stack dev, during outputs: the update finished but these outputs are missing: lakeBucketName, vpcs.sandbox.vpcId",
            ),
            out.join("\n"),
        );
    });

    it("an interrupted run stops between steps, keeps progress, and resumes where it stopped", async () => {
        const controller = new AbortController();
        const runner = new FakeRunner(dir, {
            up: (stack) => {
                if (stack === "staging") {
                    // Ctrl-C while staging updates: the Automation API cancels the operation, which rejects.
                    controller.abort();
                    throw new Error("update canceled");
                }
                return { outputs: outputsFor(dir, stack), summary: "1 update" };
            },
        });
        const first = await run([], dir, runner, { signal: controller.signal });
        assert.equal(first.code, 130);
        assert.equal(stateOf(dir).status, "interrupted");
        assert.deepEqual(stateOf(dir).completed, ["dev"], "staging was interrupted, so it is not recorded as done");
        assert.ok(
            first.out.some((l) => l.startsWith("interrupted during wave 2/3 staging; completed so far: dev.")),
            first.out.join("\n"),
        );

        runner.calls.length = 0;
        const resumed = await run(["--resume"], dir, new FakeRunner(dir));
        assert.equal(resumed.code, 0);
        assert.deepEqual(stateOf(dir).completed, ["dev", "staging", "prod"]);
    });

    describe("refuses to start, exit 2, touching nothing", () => {
        const cases: { name: string; argv: string[]; setup?: (dir: string) => void; err: (dir: string) => string }[] = [
            {
                name: "a stack without a stack config",
                argv: ["--stacks", "dev,qa"],
                err: (d) =>
                    `the rollout cannot start; nothing was touched:\n  - stack qa has no stack config: Pulumi.qa.yaml not found in ${d}`,
            },
            {
                name: "a stack whose config is invalid",
                argv: ["--stacks", "dev"],
                setup: (d) =>
                    fs.writeFileSync(
                        path.join(d, "Pulumi.dev.yaml"),
                        "config:\n  aws:region: us-east-1\n  vpc-flow-monitor:regions: []\n",
                    ),
                err: () =>
                    "the rollout cannot start; nothing was touched:\n  - Invalid vpc-flow-monitor configuration in Pulumi.dev.yaml: 1 problem\n      - regions: at least one region is required; given []. Allowed: a list of { region, vpcs }",
            },
            {
                name: "a stack listed twice",
                argv: ["--stacks", "dev,dev"],
                err: () => "the rollout cannot start; nothing was touched:\n  - stack dev is listed more than once",
            },
            {
                name: "a bad stack name",
                argv: ["--stacks", "dev,prod/eu"],
                err: () =>
                    '--stacks: not a stack name; given "prod/eu". Allowed: 1 to 100 characters of letters, digits, -, _ and . (Pulumi\'s rule for stack names), separated by commas, such as dev,staging,prod',
            },
            {
                name: "both --waves and --stacks",
                argv: ["--waves", "w.yaml", "--stacks", "dev"],
                err: () =>
                    "give --waves or --stacks, not both\nusage: npm run rollout -- [--waves FILE | --stacks dev,staging,prod] [--dry-run] [--resume]",
            },
            {
                name: "a missing waves file",
                argv: ["--waves", "/nonexistent/waves.yaml"],
                err: () => "cannot read waves file /nonexistent/waves.yaml: ENOENT",
            },
            {
                name: "a waves file of the wrong shape",
                argv: ["--waves", "WAVES"],
                setup: (d) =>
                    fs.writeFileSync(path.join(d, "waves.yaml"), "waves:\n  - name: canary\n    stacks: []\n"),
                err: (d) =>
                    `${path.join(d, "waves.yaml")}: waves[0].stacks: a wave needs at least one stack. Expected: waves: [{ name: canary, stacks: [dev] }, { name: production, stacks: [prod-us, prod-eu] }]`,
            },
            {
                name: "--resume with no saved state",
                argv: ["--resume", "--stacks", "dev"],
                err: () => "nothing to resume: no saved rollout state. Run without --resume to start.",
            },
            {
                name: "--resume of a run with other waves",
                argv: ["--resume", "--stacks", "dev,prod"],
                setup: (d) =>
                    fs.writeFileSync(
                        path.join(d, STATE_FILE),
                        JSON.stringify({
                            version: 1,
                            plan: { waves: [{ name: "dev", stacks: ["dev"] }] },
                            completed: [],
                            status: "failed",
                            failures: [],
                            updatedAt: "",
                        }),
                    ),
                err: () =>
                    "the saved rollout was for different waves; resume it with the same --waves/--stacks, or start over without --resume",
            },
        ];
        for (const c of cases) {
            it(c.name, async () => {
                c.setup?.(dir);
                const argv = c.argv.map((a) => (a === "WAVES" ? path.join(dir, "waves.yaml") : a));
                const runner = new FakeRunner(dir);
                const { code, err } = await run(argv, dir, runner);
                assert.equal(code, 2);
                assert.deepEqual(err, [c.err(dir)]);
                assert.deepEqual(runner.calls, []);
            });
        }

        describe("--resume with a damaged state file: says what is wrong and how to go on, and leaves the file as it is", () => {
            const saved = {
                version: 1,
                plan: { waves: [{ name: "dev", stacks: ["dev"] }] },
                completed: [],
                status: "failed",
                failures: [],
                updatedAt: "2026-11-05T07:00:00.000Z",
            };
            const START_OVER =
                "Run without --resume to start the rollout over (that replaces the file; stacks already up to date update with no changes), or delete the file.";
            const damaged: { name: string; content: string; problem: string }[] = [
                {
                    name: "cut short",
                    content: JSON.stringify(saved, null, 2).slice(0, 60),
                    problem: "it is not valid JSON (line 6, column 8: unexpected end of file)",
                },
                { name: "empty", content: "", problem: "it is empty" },
                {
                    name: "binary garbage",
                    content: "\u0000\u0001PK\u0003\u0004",
                    problem: 'it is not valid JSON (line 1, column 1: unexpected "\\u0000")',
                },
                {
                    name: "JSON of another shape",
                    content: JSON.stringify({ ...saved, completed: [3] }),
                    problem: "it is not a rollout state: completed[0]: invalid input: expected string, received number",
                },
                {
                    name: "missing its plan",
                    content: JSON.stringify({ ...saved, plan: undefined }),
                    problem: "it is not a rollout state: plan: missing (expected object)",
                },
                {
                    name: "an unknown status",
                    content: JSON.stringify({ ...saved, status: "done" }),
                    problem:
                        'it is not a rollout state: status: invalid option: expected one of "running"|"completed"|"failed"|"interrupted"',
                },
                {
                    name: "from another version",
                    content: JSON.stringify({ ...saved, version: 2 }),
                    problem:
                        "it was written by another version of the rollout tool (state version 2; this one reads version 1)",
                },
            ];
            for (const { name, content, problem } of damaged) {
                it(name, async () => {
                    const file = path.join(dir, STATE_FILE);
                    fs.writeFileSync(file, content);
                    const runner = new FakeRunner(dir);
                    const { code, out, err } = await run(["--resume", "--stacks", "dev"], dir, runner);
                    assert.deepEqual(err, [
                        `cannot resume: the saved rollout state ${file} is unusable: ${problem}. ${START_OVER}`,
                    ]);
                    assert.equal(code, 2);
                    assert.deepEqual(out, []);
                    assert.deepEqual(runner.calls, []);
                    assert.equal(fs.readFileSync(file, "utf8"), content, "the state file is left as it was");
                });
            }

            it("a directory in its place", async () => {
                const file = path.join(dir, STATE_FILE);
                fs.mkdirSync(file);
                const runner = new FakeRunner(dir);
                const { code, err } = await run(["--resume", "--stacks", "dev"], dir, runner);
                assert.deepEqual(err, [
                    `cannot resume: the saved rollout state ${file} is unusable: it is a directory, not a file. Remove it, then run without --resume to start over.`,
                ]);
                assert.equal(code, 2);
                assert.deepEqual(runner.calls, []);
            });

            it("a damaged file is replaced by a run without --resume", async () => {
                const file = path.join(dir, STATE_FILE);
                fs.writeFileSync(file, "{");
                const { code } = await run(["--stacks", "dev"], dir, new FakeRunner(dir));
                assert.equal(code, 0);
                assert.equal(stateOf(dir).status, "completed");
            });
        });

        it("no Pulumi CLI: says how to install it", async () => {
            const { code, err } = await run(["--stacks", "dev"], dir, undefined, { cliAvailable: () => false });
            assert.equal(code, 2);
            assert.deepEqual(err, [INSTALL_HINT]);
            assert.match(INSTALL_HINT, /curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
        });
    });
});
