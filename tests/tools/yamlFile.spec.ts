/**
 * The YAML the tools read (tools/files/yamlFile.ts): aliases a real config uses pass, documents
 * built to exhaust memory are refused quickly with a message naming the file, and nothing YAML can
 * express ends in a stack trace. Through plan, check and rollout, which exit 2 on each.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { validateStackConfig } from "../../program/stackConfig";
import { main as check } from "../../tools/cli/check";
import { main as plan } from "../../tools/cli/plan";
import { main as rollout } from "../../tools/cli/rollout";
import { loadStackFile } from "../../tools/files/stackFile";
import { parseYaml, YamlFileError } from "../../tools/files/yamlFile";
import { captureOutput } from "../helpers/io";

/** Three VPCs with 50 rules each, every rule's match an alias of one anchor: 150 alias uses. */
function manyAliases(): string {
    const lines = [
        "config:",
        "  aws:region: us-east-1",
        "  vpc-flow-monitor:alerts:",
        "    rules:",
        "      - name: ssh",
        "        match: &ssh { action: REJECT, protocol: tcp, dstPort: 22 }",
        "  vpc-flow-monitor:regions:",
        "    - region: us-east-1",
        "      vpcs:",
    ];
    for (let v = 0; v < 3; v++) {
        lines.push(`        - name: vpc-${v}`, `          cidrBlock: 10.${v}.0.0/16`, "          rules:");
        for (let r = 0; r < 50; r++) lines.push(`            - { name: ssh-${r}, match: *ssh }`);
    }
    return lines.join("\n") + "\n";
}

/** The billion laughs: nine aliases of nine aliases of ..., nine levels deep (9^9 strings). */
function billionLaughs(indent = "  "): string {
    const lines = [`${indent}l0: &l0 [${Array(9).fill('"lol"').join(", ")}]`];
    for (let i = 1; i < 10; i++)
        lines.push(
            `${indent}l${i}: &l${i} [${Array(9)
                .fill(`*l${i - 1}`)
                .join(", ")}]`,
        );
    return lines.join("\n") + "\n";
}

const BOMB = (file: string) =>
    `${file}: not accepted: its aliases expand to more than 10000 copies of anchored values, as only a document built to exhaust memory ("billion laughs") needs; write the values out, or nest fewer aliases inside anchors`;

describe("YAML files", function () {
    this.timeout(60_000);
    let dir: string;
    const file = (name: string, text: string): string => {
        const p = path.join(dir, name);
        fs.writeFileSync(p, text);
        return p;
    };
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-yaml-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("needs its own limit: the yaml package's default (100) throws on a 150-alias config", () => {
        assert.equal((manyAliases().match(/\*ssh/g) ?? []).length, 150);
        assert.throws(() => YAML.parseDocument(manyAliases()).toJS(), {
            name: "ReferenceError",
            message: /^Excessive alias count/,
        });
    });

    it("reads a stack config with 150 aliases, which validates", () => {
        const stackFile = loadStackFile(file("Pulumi.aliases.yaml", manyAliases()));
        const config = validateStackConfig(stackFile.config);
        assert.deepEqual(
            config.regions[0].vpcs.map((v) => v.rules.length),
            [50, 50, 50],
        );
        assert.deepEqual(config.regions[0].vpcs[2].rules[49].match, { action: "REJECT", protocol: 6, dstPort: 22 });
    });

    it("plans it: plan exits 0", async () => {
        const { result, stderr } = await captureOutput(() => plan(["--config", path.join(dir, "Pulumi.aliases.yaml")]));
        assert.equal(result, 0, stderr);
    });

    it("refuses a billion-laughs stack config at once: plan and check exit 2 with the message naming the file", async () => {
        const bomb = file("Pulumi.bomb.yaml", `config:\n  aws:region: us-east-1\n${billionLaughs()}`);
        for (const tool of [plan, check]) {
            const started = Date.now();
            const { result, stdout, stderr } = await captureOutput(() => tool(["--config", bomb]));
            assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
            assert.deepEqual([result, stdout, stderr], [2, "", `${BOMB(bomb)}\n`]);
        }
    });

    it("refuses a billion-laughs waves file: rollout exits 2 with the message naming the file", async () => {
        const waves = file("waves.yaml", `waves:\n  - name: canary\n    stacks: [dev]\n${billionLaughs("")}`);
        const errors: string[] = [];
        const code = await rollout(["--waves", waves, "--dry-run"], { projectDir: dir, err: (l) => errors.push(l) });
        assert.equal(code, 2);
        assert.deepEqual(errors, [BOMB(waves)]);
    });

    const refused: readonly { name: string; text: string; message: (file: string) => string }[] = [
        {
            name: "an alias with no anchor before it",
            text: "config:\n  aws:region: us-east-1\n  vpc-flow-monitor:lake: *lake\n",
            message: (f) => `${f}:3:26: not valid YAML: the alias *lake has no anchor &lake before it`,
        },
        {
            name: "an alias used before its anchor",
            text: "config:\n  a: *x\n  b: &x 1\n",
            message: (f) => `${f}:2:6: not valid YAML: the alias *x has no anchor &x before it`,
        },
        {
            name: "an alias inside its own anchor",
            text: "config:\n  vpc-flow-monitor:regions: &r [*r]\n",
            message: (f) =>
                `${f}: not accepted: an alias stands for a value that contains it, a loop no configuration can mean`,
        },
    ];
    for (const { name, text, message } of refused) {
        it(`refuses ${name}`, async () => {
            const config = file("Pulumi.refused.yaml", text);
            assert.throws(() => parseYaml(text, config), { constructor: YamlFileError, message: message(config) });
            const { result, stderr } = await captureOutput(() => plan(["--config", config]));
            assert.deepEqual([result, stderr], [2, `${message(config)}\n`]);
        });
    }

    it("reports .inf where a number belongs as what it is, through plan too (JSON would make it null)", async () => {
        const config = file(
            "Pulumi.inf.yaml",
            "config:\n  aws:region: us-east-1\n  vpc-flow-monitor:regions:\n    - region: us-east-1\n      vpcs: [{ name: a, cidrBlock: 10.0.0.0/16 }]\n  vpc-flow-monitor:lake:\n    expireAfterDays: .inf\n    bytesScannedCutoffGb: .nan\n",
        );
        const { result, stderr } = await captureOutput(() => plan(["--config", config]));
        assert.equal(result, 2);
        assert.deepEqual(stderr.split("\n").slice(1), [
            "  - lake.expireAfterDays: not a finite number; given .inf (infinity). Allowed: a whole number of days from 1 to 36500",
            "  - lake.bytesScannedCutoffGb: not a finite number; given .nan (not a number). Allowed: a whole number of GB from 1 to 1024",
            "Nothing was planned or deployed.",
            "",
        ]);
    });
});
