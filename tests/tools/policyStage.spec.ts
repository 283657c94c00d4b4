/**
 * npm run policy:stage (tools/cli/policyStage.ts over tools/pack/stagePack.ts): the pack as a
 * directory that `pulumi policy publish` runs from on its own. That the staged pack starts and
 * answers as the sources do is tests/policy/pack.spec.ts; this is what is written, and what is
 * refused.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { main, USAGE } from "../../tools/cli/policyStage";
import { PACK } from "../../tools/analyzer/policyPack";
import { packageName, POLICY_DIR, STAGE_RECORD, StageError, stagedDependencies } from "../../tools/pack/stagePack";
import { captureOutput } from "../helpers/io";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vfm-stage-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const stage = (argv: string[]) => captureOutput(() => main(argv));
const STAGED_FILES = ["PulumiPolicy.yaml", "package.json", "index.js", "index.js.map", "README.md"];
const sourceManifest = () => JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));

/** Every file under dir with its content, to show that a refused run wrote nothing. */
function snapshot(dir: string, into: Record<string, string> = {}, root = dir): Record<string, string> {
    if (!fs.existsSync(dir)) return into;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) snapshot(file, into, root);
        else into[path.relative(root, file)] = fs.readFileSync(file, "base64");
    }
    return into;
}

const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), "utf8");

describe("npm run policy:stage", function () {
    this.timeout(60_000);

    describe("refuses bad usage with exit status 2, writing nothing", () => {
        const refusals: [string, () => { argv: string[]; watch: string; message: string }][] = [
            [
                "no --out",
                () => ({
                    argv: [],
                    watch: path.join(tmp, "never"),
                    message: `give the directory to stage the pack in with --out DIR\n${USAGE}\n`,
                }),
            ],
            [
                "an empty --out",
                () => ({ argv: ["--out", " "], watch: tmp, message: `--out is empty; give a directory\n${USAGE}\n` }),
            ],
            [
                "an argument besides --out",
                () => {
                    const out = path.join(tmp, "with-extra");
                    return {
                        argv: ["--out", out, "dist"],
                        watch: out,
                        message: `unexpected argument "dist"\n${USAGE}\n`,
                    };
                },
            ],
            [
                "--out naming a file",
                () => {
                    const file = path.join(tmp, "a-file");
                    fs.writeFileSync(file, "not a directory\n");
                    return {
                        argv: ["--out", file],
                        watch: tmp,
                        message: `--out ${file}: is a file, not a directory\n`,
                    };
                },
            ],
            [
                "--out below a file",
                () => {
                    const file = path.join(tmp, "another-file");
                    fs.writeFileSync(file, "not a directory\n");
                    return {
                        argv: ["--out", path.join(file, "policy")],
                        watch: tmp,
                        message: `--out ${path.join(file, "policy")}: a parent of it is a file, not a directory\n`,
                    };
                },
            ],
            [
                "--out naming a non-empty directory that is not a previous stage",
                () => {
                    const dir = path.join(tmp, "someone-elses");
                    fs.mkdirSync(dir, { recursive: true });
                    fs.writeFileSync(path.join(dir, "notes.txt"), "keep me\n");
                    return {
                        argv: ["--out", dir],
                        watch: dir,
                        message:
                            `--out ${dir}: the directory is not empty and holds no previous stage (no ${STAGE_RECORD}); ` +
                            "give a new or empty directory, or a previous stage to replace\n",
                    };
                },
            ],
            [
                "--out holding a stage record not written by the stager",
                () => {
                    const dir = path.join(tmp, "forged-record");
                    fs.mkdirSync(dir, { recursive: true });
                    fs.writeFileSync(path.join(dir, STAGE_RECORD), JSON.stringify({ files: ["../../etc/passwd"] }));
                    fs.writeFileSync(path.join(dir, "index.js"), "// someone's\n");
                    return {
                        argv: ["--out", dir],
                        watch: dir,
                        message: `--out ${dir}: ${STAGE_RECORD} is not a record written by npm run policy:stage; remove the directory first\n`,
                    };
                },
            ],
            [
                "--out inside the pack's sources",
                () => {
                    const out = path.join(POLICY_DIR, "dist");
                    return {
                        argv: ["--out", out],
                        watch: out,
                        message: `--out ${out}: inside the pack's sources (policy/); stage outside them, e.g. --out dist/policy\n`,
                    };
                },
            ],
            [
                "--out naming the pack's sources themselves",
                () => ({
                    argv: ["--out", POLICY_DIR],
                    watch: POLICY_DIR,
                    message: `--out ${POLICY_DIR}: inside the pack's sources (policy/); stage outside them, e.g. --out dist/policy\n`,
                }),
            ],
        ];
        for (const [name, setUp] of refusals) {
            it(name, async () => {
                const { argv, watch, message } = setUp();
                const before = snapshot(watch);
                const existed = fs.existsSync(watch);
                const { result, stdout, stderr } = await stage(argv);
                assert.equal(stderr, message);
                assert.equal(stdout, "");
                assert.equal(result, 2);
                assert.equal(fs.existsSync(watch), existed);
                assert.deepEqual(snapshot(watch), before);
            });
        }

        it("an unknown option, with Node's message and the usage line", async () => {
            const out = path.join(tmp, "unknown-option");
            const { result, stdout, stderr } = await stage(["--out", out, "--bogus"]);
            assert.match(stderr, /^Unknown option '--bogus'\./);
            assert.ok(stderr.endsWith(`\n${USAGE}\n`), stderr);
            assert.equal(stdout, "");
            assert.equal(result, 2);
            assert.equal(fs.existsSync(out), false);
        });
    });

    describe("stages the pack", () => {
        const out = path.join(tmp, "dist", "policy");
        let stdout: string;

        before(async () => {
            const run = await stage(["--out", out]);
            assert.equal(run.stderr, "");
            assert.equal(run.result, 0);
            stdout = run.stdout;
        });

        it("prints one line: what was written where, and the command to run next", () => {
            const lines = stdout.split("\n");
            assert.equal(lines.length, 2, stdout);
            assert.equal(lines[1], "");
            const kib = (name: string) => `${(fs.statSync(path.join(out, name)).size / 1024).toFixed(1)} KiB`;
            assert.equal(
                lines[0],
                `Staged policy pack vpc-flow-monitor@${PACK.version} in ${out}: ` +
                    STAGED_FILES.map((f) => `${f} ${kib(f)}`).join(", ") +
                    " (7 kernel files inlined; depends on @pulumi/aws, @pulumi/policy, @pulumi/pulumi). " +
                    `Next: cd ${out} && npm install && pulumi policy publish <org>`,
            );
        });

        it("writes the staged files and a record of them, nothing else", () => {
            assert.deepEqual(fs.readdirSync(out).sort(), [...STAGED_FILES, STAGE_RECORD].sort());
            const record = JSON.parse(fs.readFileSync(path.join(out, STAGE_RECORD), "utf8"));
            assert.deepEqual(record, {
                stagedBy: "npm run policy:stage",
                pack: sourceManifest().name,
                version: PACK.version,
                files: STAGED_FILES,
            });
        });

        it("writes a package.json on registry packages only, pinned as policy/ pins them, with main the built JS", () => {
            const pkg = JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8"));
            const source = sourceManifest();
            assert.equal(pkg.name, source.name);
            assert.equal(pkg.version, PACK.version);
            assert.equal(pkg.license, source.license);
            assert.equal(pkg.main, "index.js");
            assert.ok(fs.existsSync(path.join(out, pkg.main)));
            assert.ok(pkg.files.includes(pkg.main) && pkg.files.includes("PulumiPolicy.yaml"));
            assert.deepEqual(pkg.dependencies, source.dependencies);
            for (const version of Object.values<string>(pkg.dependencies)) assert.match(version, /^\d+\.\d+\.\d+$/);
            for (const key of ["workspaces", "devDependencies", "peerDependencies", "optionalDependencies", "scripts"])
                assert.equal(pkg[key], undefined, key);
        });

        it("keeps the pack's PulumiPolicy.yaml settings, with a header for the staged copy", () => {
            const text = fs.readFileSync(path.join(out, "PulumiPolicy.yaml"), "utf8");
            assert.deepEqual(
                YAML.parse(text),
                YAML.parse(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8")),
            );
            assert.match(text, /^# The vpc-flow-monitor policy pack, staged by `npm run policy:stage`/);
        });

        it("inlines the kernel: the bundle requires @pulumi/* packages only", () => {
            const code = fs.readFileSync(path.join(out, "index.js"), "utf8");
            const required = [...new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
            assert.deepEqual(required, ["@pulumi/aws", "@pulumi/policy", "@pulumi/policy/proxy"]);
            assert.ok(!code.includes("@vpc-flow-monitor/"));
            assert.match(code, /^\/\/# sourceMappingURL=index\.js\.map$/m);
            const map = JSON.parse(fs.readFileSync(path.join(out, "index.js.map"), "utf8"));
            assert.ok(map.sources.includes("flowlogs/patternSyntax.ts"), map.sources.join(", "));
            assert.ok(map.sources.includes("policy/index.ts"));
            assert.ok(
                // The pack's and the kernel's sources, and the kernel's one registry dependency (ipaddr.js).
                map.sources.every((s: string) => /^(policy|flowlogs)\/[\w/]+\.ts$|^node_modules\/ipaddr\.js\//.test(s)),
                map.sources.join(", "),
            );
        });

        it("writes a README that lists every policy with its level", () => {
            const readme = fs.readFileSync(path.join(out, "README.md"), "utf8");
            for (const policy of PACK.policies)
                assert.ok(
                    readme.includes(`| \`${policy.name}\` | ${policy.enforcementLevel} | ${policy.description} |`),
                );
            assert.ok(readme.includes(`pulumi policy enable <org>/vpc-flow-monitor latest --policy-group <group>`));
        });

        it("writes the same bytes from any --out", async () => {
            const elsewhere = path.join(tmp, "elsewhere");
            const { result } = await stage(["--out", elsewhere]);
            assert.equal(result, 0);
            for (const name of STAGED_FILES) assert.ok(read(elsewhere, name) === read(out, name), name);
        });

        it("stages into an existing empty directory", async () => {
            const empty = path.join(tmp, "empty");
            fs.mkdirSync(empty);
            const { result, stderr } = await stage(["--out", empty]);
            assert.equal(stderr, "");
            assert.equal(result, 0);
            assert.deepEqual(fs.readdirSync(empty).sort(), [...STAGED_FILES, STAGE_RECORD].sort());
        });

        it("replaces a previous stage: its recorded files go, the installed node_modules and lock file stay", async () => {
            const previous = path.join(tmp, "previous");
            assert.equal((await stage(["--out", previous])).result, 0);
            // As an older stage might have left it: a file it wrote that this one does not, and `npm install`'s output.
            const record = JSON.parse(fs.readFileSync(path.join(previous, STAGE_RECORD), "utf8"));
            fs.writeFileSync(path.join(previous, "old-entry.js"), "// from an older stage\n");
            fs.writeFileSync(
                path.join(previous, STAGE_RECORD),
                JSON.stringify({ ...record, files: [...record.files, "old-entry.js"] }),
            );
            fs.writeFileSync(path.join(previous, "index.js"), "// edited by hand\n");
            fs.mkdirSync(path.join(previous, "node_modules", "@pulumi", "policy"), { recursive: true });
            fs.writeFileSync(path.join(previous, "node_modules", "@pulumi", "policy", "package.json"), "{}\n");
            fs.writeFileSync(path.join(previous, "package-lock.json"), "{}\n");

            const { result, stdout, stderr } = await stage(["--out", previous]);
            assert.equal(stderr, "");
            assert.equal(result, 0);
            assert.match(
                stdout,
                new RegExp(`^Restaged policy pack vpc-flow-monitor@${PACK.version.replace(/\./g, "\\.")} in `),
            );
            assert.deepEqual(
                fs.readdirSync(previous).sort(),
                [...STAGED_FILES, STAGE_RECORD, "node_modules", "package-lock.json"].sort(),
            );
            assert.ok(read(previous, "index.js") === read(out, "index.js"), "the hand edit is replaced");
            assert.equal(read(previous, "package-lock.json"), "{}\n");
        });
    });

    describe("the staged dependencies", () => {
        const declared = { "@pulumi/aws": "7.48.0", "@pulumi/policy": "1.21.0", "@pulumi/pulumi": "3.270.0" };

        it("are the packages the bundle leaves external, plus the launcher's @pulumi/pulumi, at the pinned versions", () => {
            assert.deepEqual(stagedDependencies(["@pulumi/policy"], declared), {
                "@pulumi/policy": "1.21.0",
                "@pulumi/pulumi": "3.270.0",
            });
        });

        it("refuse a needed package that policy/package.json does not list, or pins loosely", () => {
            assert.throws(
                () =>
                    stagedDependencies(["@pulumi/policy", "@pulumi/random", "@pulumi/aws"], {
                        ...declared,
                        "@pulumi/aws": "^7.48.0",
                    }),
                (err: unknown) =>
                    err instanceof StageError &&
                    err.message ===
                        "the pack's dependencies cannot be staged:\n" +
                            '  @pulumi/aws: "^7.48.0" in policy/package.json; pin an exact registry version (e.g. 1.2.3)\n' +
                            "  @pulumi/random: the bundle needs it, but policy/package.json does not list it",
            );
        });

        it("name the package of a subpath import", () => {
            assert.equal(packageName("@pulumi/policy/proxy"), "@pulumi/policy");
            assert.equal(packageName("yaml/util"), "yaml");
            assert.equal(packageName("yaml"), "yaml");
        });
    });
});
