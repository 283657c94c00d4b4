/**
 * Starting a policy pack the way the Pulumi CLI's policy host does, and installing a staged pack
 * the way a machine that enforces the published pack does, with no CLI and no network.
 *
 * The CLI (pulumi/pulumi `pkg/resource/plugin/analyzer_plugin.go`, `NewPolicyAnalyzer`) runs the
 * `pulumi-analyzer-policy` shim with the pack directory as its working directory and the arguments
 * `<engine address> .`; the shim resolves `@pulumi/pulumi/cmd/run-policy-pack` from there (so from
 * the pack's own node_modules) and runs it with `node`. run-policy-pack registers ts-node (type
 * checking on) for .ts files, then `require`s the directory, i.e. its package.json `main`; the
 * pack's `new PolicyPack(...)` prints the port of its gRPC server on stdout.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO_NODE_MODULES = path.resolve(__dirname, "..", "..", "node_modules");

export interface StartedPack {
    readonly child: ChildProcess;
    readonly port: number;
}

/** The launcher the CLI's shim would run for a pack in `dir`, resolved from `dir`. */
export function launcherFor(dir: string): string {
    return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
}

/** Starts the pack in `dir` with `node ARGS...` and resolves with the port it prints. */
export function startPack(dir: string, args: readonly string[], timeoutMs = 90_000): Promise<StartedPack> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        const timer = setTimeout(() => {
            child.kill();
            reject(new Error(`the pack in ${dir} printed no port in ${timeoutMs / 1000} s; stderr: ${err}`));
        }, timeoutMs);
        child.stdout!.on("data", (chunk) => {
            out += chunk;
            const match = /^(\d+)\s*$/m.exec(out);
            if (match) {
                clearTimeout(timer);
                resolve({ child, port: Number(match[1]) });
            }
        });
        child.stderr!.on("data", (chunk) => (err += chunk));
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`the pack in ${dir} exited with ${code}: ${err}`));
        });
    });
}

/** As the CLI starts a Node pack: `node <run-policy-pack> <engine address> .` in the pack's directory. */
export function startPackAsTheCli(dir: string): Promise<StartedPack> {
    // run-policy-pack drops the engine address unread; a policy pack never dials the engine.
    return startPack(dir, [launcherFor(dir), "127.0.0.1:0", "."]);
}

export interface InstalledPack {
    /** The pack's directory, as `pulumi policy install` leaves it (the tarball's `package/`). */
    readonly dir: string;
    /** The files `npm pack` put in the tarball, that is, what `pulumi policy publish` uploads. */
    readonly published: readonly string[];
    /** Removes everything made here. */
    readonly remove: () => void;
}

/**
 * What a machine that enforces the published pack ends up with: `npm pack` of the staged
 * directory (what `pulumi policy publish` uploads), unpacked into a new directory under
 * os.tmpdir(), with a node_modules that holds the staged package.json's dependencies only, each a
 * link to the repository's copy (the stand-in for `npm install`, with no network). Nothing of the
 * repository itself can be resolved from there: the kernel package is not linked.
 */
export function installStagedPack(stagedDir: string): InstalledPack {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "vfm-installed-pack-"));
    const remove = () => fs.rmSync(root, { recursive: true, force: true });
    try {
        const packed = execFileSync("npm", ["pack", "--json", "--pack-destination", root], {
            cwd: stagedDir,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            env: {
                ...process.env,
                npm_config_audit: "false",
                npm_config_fund: "false",
                npm_config_update_notifier: "false",
            },
        });
        const [{ filename, files }] = JSON.parse(packed) as { filename: string; files: { path: string }[] }[];
        execFileSync("tar", ["-xzf", path.join(root, filename), "-C", root]);
        const dir = path.join(root, "package");
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
        for (const name of Object.keys(manifest.dependencies ?? {})) {
            const link = path.join(dir, "node_modules", ...name.split("/"));
            fs.mkdirSync(path.dirname(link), { recursive: true });
            fs.symlinkSync(path.join(REPO_NODE_MODULES, ...name.split("/")), link, "dir");
        }
        return { dir, published: files.map((f) => f.path).sort(), remove };
    } catch (err) {
        remove();
        throw err;
    }
}
