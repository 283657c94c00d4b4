/**
 * Stages the policy pack as a directory that `pulumi policy publish` can run from on its own.
 *
 * In the repository, policy/ imports the kernel (flowlogs/) as the workspace package
 * `@vpc-flow-monitor/flowlogs`, which only the root `npm ci` links. `pulumi policy publish` packs
 * the pack directory alone (`npm pack`), and every machine that enforces the published pack
 * unpacks it and runs `npm install` there: a workspace package cannot be found in either place.
 * The staged directory therefore holds
 *
 *   PulumiPolicy.yaml   the pack's, with a header for the staged copy
 *   package.json        the pack's name and version, `main: index.js`, and as dependencies only the
 *                       registry packages the bundle leaves external, at the versions policy/ pins
 *   index.js (+ .map)   policy/index.ts and the kernel bundled by esbuild into one CommonJS file,
 *                       with `@pulumi/*` left as `require`s: the pack must share @pulumi/policy and
 *                       @pulumi/pulumi with the CLI's policy host (run-policy-pack is resolved from
 *                       the pack's own node_modules), and @pulumi/aws's type tokens come from it
 *   README.md           what the pack checks and how to publish it
 *   .policy-stage.json  what was written, so staging again may replace it (not published)
 *
 * Why esbuild rather than tsc: tsc compiles file by file and keeps the import of
 * `@vpc-flow-monitor/flowlogs`, so the kernel would have to be copied beside the pack and every
 * import rewritten; a bundler inlines it by construction and says in its metafile exactly which
 * packages stay external. esbuild does not type-check: `npm test` runs tsc over policy/ alone.
 *
 * Everything is built in memory and checked before the first byte is written: a refused --out, a
 * bundle that needs a package policy/package.json does not pin, or a build error leaves the disk as
 * it was.
 */
import { builtinModules } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import * as esbuild from "esbuild";
import * as YAML from "yaml";
import { ALL_POLICIES, PACK_NAME } from "../../policy/policies/index";

export const PROJECT_DIR = path.resolve(__dirname, "../..");
export const POLICY_DIR = path.join(PROJECT_DIR, "policy");
/** The record of a previous stage; its presence is what makes a non-empty --out acceptable. */
export const STAGE_RECORD = ".policy-stage.json";
export const ENTRY = "index.js";
/** The package the Pulumi CLI's policy host loads the launcher from (`@pulumi/pulumi/cmd/run-policy-pack`). */
const LAUNCHER_PACKAGE = "@pulumi/pulumi";
/** Bare imports the bundle keeps as `require`s; everything else (the kernel included) is inlined. */
const EXTERNAL = ["@pulumi/*"];
const EXACT_VERSION = /^\d+\.\d+\.\d+$/;

/** A refused --out: the CLI prints the message and exits 2, nothing written. */
export class StageUsageError extends Error {}
/** The pack cannot be staged as it is (a build error, an unpinned dependency): exit 1, nothing written. */
export class StageError extends Error {}

export interface StageOptions {
    /** Where to stage: a new or empty directory, or a previous stage (which is replaced). */
    readonly outDir: string;
    /** How to name outDir in messages (what the user typed). @default outDir */
    readonly shownAs?: string;
}

export interface StagedFile {
    readonly name: string;
    readonly bytes: number;
}

export interface StageResult {
    readonly outDir: string;
    /** The name the pack publishes under (`new PolicyPack(name, ...)`), not the npm package name. */
    readonly pack: string;
    readonly name: string;
    readonly version: string;
    readonly files: readonly StagedFile[];
    readonly dependencies: Readonly<Record<string, string>>;
    /** Source files inlined into index.js, relative to the repository root (policy/… and flowlogs/…). */
    readonly inlined: readonly string[];
    /** Whether outDir held a previous stage that was replaced. */
    readonly replaced: boolean;
}

interface StageRecord {
    readonly stagedBy: string;
    readonly pack: string;
    readonly version: string;
    readonly files: readonly string[];
}

interface PackManifest {
    readonly name: string;
    readonly version: string;
    readonly description?: string;
    readonly license?: string;
    readonly dependencies: Readonly<Record<string, string>>;
}

export async function stagePack(options: StageOptions): Promise<StageResult> {
    const outDir = path.resolve(options.outDir);
    const shown = options.shownAs ?? options.outDir;
    const previous = inspectOutDir(outDir, shown);

    const manifest = readManifest();
    const bundle = await buildBundle(outDir);
    const dependencies = stagedDependencies(bundle.externals, manifest.dependencies);
    const packageJson = stagedPackageJson(manifest, dependencies);
    const contents = new Map<string, string>([
        ["PulumiPolicy.yaml", stagedPolicyYaml()],
        ["package.json", JSON.stringify(packageJson, null, 2) + "\n"],
        [ENTRY, bundle.code],
        [`${ENTRY}.map`, bundle.map],
        ["README.md", stagedReadme(manifest, dependencies)],
    ]);

    // Nothing is written before this point.
    const record: StageRecord = {
        stagedBy: "npm run policy:stage",
        pack: manifest.name,
        version: manifest.version,
        files: [...contents.keys()],
    };
    try {
        fs.mkdirSync(outDir, { recursive: true });
        for (const name of previous?.files ?? []) fs.rmSync(path.join(outDir, name), { force: true });
        // The record goes first: a stage cut short is still recognised (and replaced) next time.
        fs.writeFileSync(path.join(outDir, STAGE_RECORD), JSON.stringify(record, null, 2) + "\n");
        for (const [name, text] of contents) fs.writeFileSync(path.join(outDir, name), text);
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (!code) throw err;
        throw new StageError(`cannot write the stage to ${shown}: ${code} (${(err as Error).message})`);
    }

    return {
        outDir,
        pack: PACK_NAME,
        name: manifest.name,
        version: manifest.version,
        files: [...contents].map(([name, text]) => ({ name, bytes: Buffer.byteLength(text) })),
        dependencies,
        inlined: bundle.inputs,
        replaced: previous !== undefined,
    };
}

// ---------------------------------------------------------------------------------------------
// --out
// ---------------------------------------------------------------------------------------------

/** Refuses an --out that is not a new directory, an empty one or a previous stage; returns the previous stage. */
function inspectOutDir(outDir: string, shown: string): StageRecord | undefined {
    const relativeToPack = path.relative(POLICY_DIR, outDir);
    if (relativeToPack === "" || (!relativeToPack.startsWith("..") && !path.isAbsolute(relativeToPack))) {
        throw new StageUsageError(
            `--out ${shown}: inside the pack's sources (policy/); stage outside them, e.g. --out dist/policy`,
        );
    }
    let stat: fs.Stats;
    try {
        stat = fs.statSync(outDir);
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return undefined;
        if (code === "ENOTDIR") throw new StageUsageError(`--out ${shown}: a parent of it is a file, not a directory`);
        throw new StageUsageError(`--out ${shown}: cannot be used (${code})`);
    }
    if (!stat.isDirectory()) throw new StageUsageError(`--out ${shown}: is a file, not a directory`);
    const entries = fs.readdirSync(outDir);
    if (entries.length === 0) return undefined;
    if (!entries.includes(STAGE_RECORD)) {
        throw new StageUsageError(
            `--out ${shown}: the directory is not empty and holds no previous stage (no ${STAGE_RECORD}); ` +
                "give a new or empty directory, or a previous stage to replace",
        );
    }
    return readStageRecord(path.join(outDir, STAGE_RECORD), shown);
}

function readStageRecord(file: string, shown: string): StageRecord {
    const refused = new StageUsageError(
        `--out ${shown}: ${STAGE_RECORD} is not a record written by npm run policy:stage; remove the directory first`,
    );
    let record: Partial<StageRecord>;
    try {
        record = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        throw refused;
    }
    // Only plain names in the directory itself are ever removed, whatever the record says.
    const plainName = (f: unknown) => typeof f === "string" && f !== "" && path.basename(f) === f && f !== "..";
    if (
        typeof record !== "object" ||
        record === null ||
        !Array.isArray(record.files) ||
        !record.files.every(plainName) ||
        record.files.includes(STAGE_RECORD)
    ) {
        throw refused;
    }
    return record as StageRecord;
}

// ---------------------------------------------------------------------------------------------
// the bundle
// ---------------------------------------------------------------------------------------------

interface Bundle {
    readonly code: string;
    readonly map: string;
    /** Packages (not Node built-ins) the bundle still `require`s. */
    readonly externals: readonly string[];
    readonly inputs: readonly string[];
}

async function buildBundle(outDir: string): Promise<Bundle> {
    const outfile = path.join(outDir, ENTRY);
    let result: esbuild.BuildResult<{ write: false; metafile: true }>;
    try {
        result = await esbuild.build({
            entryPoints: [path.join(POLICY_DIR, "index.ts")],
            absWorkingDir: PROJECT_DIR,
            tsconfig: path.join(POLICY_DIR, "tsconfig.json"),
            bundle: true,
            platform: "node",
            // The Node version the project supports and CI runs; the CLI runs the pack with the local `node`.
            target: "node20",
            format: "cjs",
            external: EXTERNAL,
            outfile,
            // run-policy-pack loads source-map-support: a policy's stack trace names the TypeScript line.
            sourcemap: "linked",
            sourcesContent: false,
            metafile: true,
            write: false,
            logLevel: "silent",
        });
    } catch (err) {
        const errors = (err as { errors?: esbuild.Message[] }).errors;
        if (!errors) throw err;
        throw new StageError(`the pack does not build:\n${errors.map(formatMessage).join("\n")}`);
    }
    const code = result.outputFiles.find((f) => f.path === outfile);
    const map = result.outputFiles.find((f) => f.path === `${outfile}.map`);
    if (!code || !map) throw new Error(`esbuild wrote ${result.outputFiles.map((f) => f.path).join(", ")}`);
    const output = result.metafile.outputs[path.relative(PROJECT_DIR, outfile).split(path.sep).join("/")];
    const externals = [
        ...new Set(
            (output?.imports ?? [])
                .filter((i) => i.external && !isBuiltin(i.path))
                .map((i) => packageName(i.path))
                .sort(),
        ),
    ];
    return {
        code: code.text,
        map: repoRelativeMap(map.text, outDir),
        externals,
        inputs: Object.keys(result.metafile.inputs).sort(),
    };
}

function formatMessage(m: esbuild.Message): string {
    const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : "";
    return `  ${where}${m.text}`;
}

function isBuiltin(specifier: string): boolean {
    return specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0]);
}

/** `@pulumi/policy/proxy` -> `@pulumi/policy`; `yaml/util` -> `yaml`. */
export function packageName(specifier: string): string {
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * The map's sources relative to the repository root (`policy/links.ts`, `flowlogs/fields.ts`)
 * instead of to wherever --out was: the staged files are then the same bytes from any --out.
 */
function repoRelativeMap(text: string, outDir: string): string {
    const map = JSON.parse(text) as { sources: string[] };
    map.sources = map.sources.map((s) => path.relative(PROJECT_DIR, path.resolve(outDir, s)).split(path.sep).join("/"));
    return JSON.stringify(map);
}

// ---------------------------------------------------------------------------------------------
// the manifest
// ---------------------------------------------------------------------------------------------

function readManifest(): PackManifest {
    let manifest: Partial<PackManifest>;
    try {
        manifest = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
    } catch (err) {
        throw new StageError(`policy/package.json cannot be read: ${(err as Error).message}`);
    }
    if (typeof manifest.name !== "string" || typeof manifest.version !== "string" || !manifest.version) {
        throw new StageError("policy/package.json: needs a name and a version (the version is the one published)");
    }
    return { ...manifest, dependencies: manifest.dependencies ?? {} } as PackManifest;
}

/**
 * The staged dependencies: every package the bundle leaves external, plus the launcher's
 * @pulumi/pulumi, each at the exact version policy/package.json pins. Anything else there is not
 * needed by the bundle and is left out; a needed package that is not pinned exactly is an error,
 * since a published version must install the same code on every machine that enforces it.
 */
export function stagedDependencies(
    externals: readonly string[],
    declared: Readonly<Record<string, string>>,
): Record<string, string> {
    const needed = [...new Set([...externals, LAUNCHER_PACKAGE])].sort();
    const problems: string[] = [];
    const out: Record<string, string> = {};
    for (const name of needed) {
        const version = declared[name];
        if (version === undefined) {
            problems.push(`  ${name}: the bundle needs it, but policy/package.json does not list it`);
        } else if (!EXACT_VERSION.test(version)) {
            problems.push(`  ${name}: "${version}" in policy/package.json; pin an exact registry version (e.g. 1.2.3)`);
        } else {
            out[name] = version;
        }
    }
    if (problems.length > 0) throw new StageError(`the pack's dependencies cannot be staged:\n${problems.join("\n")}`);
    return out;
}

function stagedPackageJson(manifest: PackManifest, dependencies: Record<string, string>) {
    return {
        name: manifest.name,
        version: manifest.version,
        // `pulumi policy publish` uploads through `npm pack`, which works on a private package;
        // private keeps an `npm publish` from putting the pack on the npm registry by mistake.
        private: true,
        description: manifest.description,
        license: manifest.license,
        main: ENTRY,
        // What `npm pack` (and so `pulumi policy publish`) puts in the uploaded tarball.
        files: ["PulumiPolicy.yaml", ENTRY, `${ENTRY}.map`],
        dependencies,
    };
}

function stagedPolicyYaml(): string {
    const source = YAML.parse(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8"));
    const doc = new YAML.Document(source);
    doc.commentBefore =
        " The vpc-flow-monitor policy pack, staged by `npm run policy:stage`: run `npm install` here, then\n" +
        " `pulumi policy publish <org>`, or `pulumi preview --policy-pack <this directory>`. The version comes\n" +
        " from package.json. Do not edit: stage again from the repository.";
    return doc.toString({ lineWidth: 0 });
}

function stagedReadme(manifest: PackManifest, dependencies: Record<string, string>): string {
    const rows = ALL_POLICIES.map((p) => {
        const settings = Object.entries(p.configSchema?.properties ?? {})
            .map(
                ([key, schema]) =>
                    `\`${key}\` (default \`${JSON.stringify((schema as { default?: unknown }).default)}\`)`,
            )
            .join(", ");
        return `| \`${p.name}\` | ${p.enforcementLevel ?? "advisory"} | ${p.description} | ${settings || "none"} |`;
    });
    return [
        `# ${PACK_NAME} ${manifest.version}: the vpc-flow-monitor policy pack`,
        "",
        manifest.description ?? "",
        "",
        "Staged by `npm run policy:stage` from the vpc-flow-monitor repository: `index.js` is the pack",
        "with its flow log kernel bundled in, and the only dependencies are registry packages",
        `(${Object.entries(dependencies)
            .map(([name, version]) => `\`${name}@${version}\``)
            .join(", ")}). Do not edit these files; change the sources and stage again.`,
        "",
        "| policy | level | what it requires | settings |",
        "|---|---|---|---|",
        ...rows,
        "",
        "## Publish and enforce",
        "",
        "```sh",
        "npm install                        # the registry dependencies above; the pack must start to publish",
        "pulumi policy publish <org>        # as an organisation admin; uploads version " + manifest.version,
        `pulumi policy enable <org>/${PACK_NAME} latest --policy-group <group> [--config config.json]`,
        "```",
        "",
        "A version publishes once: bump `version` in the repository's policy/package.json and stage again",
        "before publishing a change. `--config` takes the same JSON as `--policy-pack-config` (levels and",
        "settings by policy name, or `all`); check one against a published version's schema with",
        "",
        "```sh",
        `pulumi policy validate-config <org>/${PACK_NAME} ${manifest.version} --config config.json`,
        "```",
        "",
        "Enforcing a published pack on an organisation's stacks through policy groups is a paid Pulumi",
        "Cloud feature, and which editions include it has changed over time (Pulumi's custom policy pack",
        "tutorial says Business Critical; see https://www.pulumi.com/pricing/). Running the pack locally",
        "is free on any backend: `pulumi preview --policy-pack <this directory>`.",
        "",
    ].join("\n");
}
