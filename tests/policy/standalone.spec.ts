/**
 * The pack stands alone: nothing under policy/ reaches outside it except through packages, and the
 * only packages are @pulumi/* (registry) and the kernel by its package name (which the staged pack
 * inlines). The kernel itself imports nothing but its own files, so inlining it brings in nothing
 * else. Checked twice: every import specifier, as TypeScript's own scanner reads them, and a tsc
 * run over policy/tsconfig.json that lists every file it read.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
const POLICY_DIR = path.join(ROOT, "policy");
const KERNEL_DIR = path.join(ROOT, "flowlogs");
const KERNEL_PACKAGE = "@vpc-flow-monitor/flowlogs";
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/** Every source file under dir, node_modules left out. */
function sourcesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourcesUnder(file);
        return SOURCE.test(entry.name) ? [file] : [];
    });
}

/**
 * Every module a file names (imports, `export ... from`, `import type`, `require`, `import()`,
 * `/// <reference path>`), by TypeScript's preprocessor rather than a regular expression.
 */
function specifiersOf(text: string): string[] {
    const info = ts.preProcessFile(text, true, true);
    return [...info.importedFiles, ...info.referencedFiles].map((f) => f.fileName);
}

/** What is wrong with a file's imports: a relative path leaving `root`, or a package not allowed. */
function importProblems(file: string, text: string, root: string, allowPackage: (name: string) => boolean): string[] {
    const shown = path.relative(ROOT, file);
    return specifiersOf(text).flatMap((spec) => {
        if (spec.startsWith(".") || path.isAbsolute(spec)) {
            const where = path.relative(root, path.resolve(path.dirname(file), spec));
            return where.startsWith("..") || path.isAbsolute(where)
                ? [`${shown}: "${spec}" leaves ${path.relative(ROOT, root)}/`]
                : [];
        }
        return allowPackage(spec) ? [] : [`${shown}: "${spec}" is not an allowed package`];
    });
}

const packAllows = (spec: string) => /^@pulumi\/[a-z0-9-]+(\/[\w./-]+)?$/.test(spec) || spec === KERNEL_PACKAGE;
/** The kernel's one registry dependency (flowlogs/package.json): exact IP address checks. */
const kernelAllows = (spec: string) => spec === "ipaddr.js";

describe("the policy pack stands alone", () => {
    it("imports only files inside policy/, @pulumi/* packages and the kernel by package name", () => {
        const files = sourcesUnder(POLICY_DIR);
        assert.ok(files.includes(path.join(POLICY_DIR, "links.ts")), "the scan reaches the pack's sources");
        const problems = files.flatMap((f) => importProblems(f, fs.readFileSync(f, "utf8"), POLICY_DIR, packAllows));
        assert.deepEqual(problems, []);
        const kernelUsers = files.filter((f) => specifiersOf(fs.readFileSync(f, "utf8")).includes(KERNEL_PACKAGE));
        assert.deepEqual(
            kernelUsers.map((f) => path.relative(ROOT, f)),
            ["policy/alarmMath.ts", "policy/links.ts", "policy/rejectAlarm.ts"],
            "the kernel is reached by its package name",
        );
    });

    it("has a kernel that imports only its own files", () => {
        const files = sourcesUnder(KERNEL_DIR);
        assert.ok(files.length >= 6, files.join(", "));
        const problems = files.flatMap((f) => importProblems(f, fs.readFileSync(f, "utf8"), KERNEL_DIR, kernelAllows));
        assert.deepEqual(problems, []);
    });

    it("would see an import that leaves the pack, or a package it may not use", () => {
        const file = path.join(POLICY_DIR, "policies", "example.ts");
        const text = [
            '/// <reference path="../../index.ts" />',
            'import { parsePattern } from "../../flowlogs";',
            'import type { Plan } from "../../tools/plan/offlinePlan";',
            'export * from "../links";',
            'import * as YAML from "yaml";',
            'const fields = require("../../flowlogs/fields");',
            'const later = import("@vpc-flow-monitor/flowlogs/fields");',
            'import * as aws from "@pulumi/aws";',
        ].join("\n");
        assert.deepEqual(importProblems(file, text, POLICY_DIR, packAllows).sort(), [
            'policy/policies/example.ts: "../../flowlogs" leaves policy/',
            'policy/policies/example.ts: "../../flowlogs/fields" leaves policy/',
            'policy/policies/example.ts: "../../index.ts" leaves policy/',
            'policy/policies/example.ts: "../../tools/plan/offlinePlan" leaves policy/',
            'policy/policies/example.ts: "@vpc-flow-monitor/flowlogs/fields" is not an allowed package',
            'policy/policies/example.ts: "yaml" is not an allowed package',
        ]);
    });

    it("type-checks with policy/tsconfig.json alone, reading nothing outside policy/ but node_modules", function () {
        this.timeout(120_000);
        // --preserveSymlinks: the kernel is read as the package node_modules links, not as ../flowlogs.
        const listed = execFileSync(
            process.execPath,
            [
                require.resolve("typescript/bin/tsc"),
                "-p",
                "tsconfig.json",
                "--noEmit",
                "--listFiles",
                "--preserveSymlinks",
            ],
            { cwd: POLICY_DIR, encoding: "utf8" },
        )
            .split("\n")
            .filter((line) => line.trim() !== "")
            .map((line) => path.resolve(line.trim()));
        const outside = listed.filter(
            (f) => !f.split(path.sep).includes("node_modules") && path.relative(POLICY_DIR, f).startsWith(".."),
        );
        assert.deepEqual(outside, []);
        assert.ok(listed.includes(path.join(POLICY_DIR, "index.ts")));
        assert.ok(listed.includes(path.join(ROOT, "node_modules", "@vpc-flow-monitor", "flowlogs", "fields.ts")));
    });
});
