/**
 * npm run audit -- FILE [--json] [--policy-config FILE]
 *
 * The policy pack's verdict on a `pulumi stack export` file of any stack, ours or not: what
 * `pulumi policy analyze --policy-pack ./policy --file FILE` does with the Pulumi CLI, here with
 * neither the CLI nor a backend. Reads `deployment.resources[]` (urn, type, inputs, outputs,
 * parent, provider, dependencies, propertyDependencies); stack policies get the outputs, resource
 * policies the inputs. Values of a stack export are all known, except secrets exported without
 * `--show-secrets`: a policy that reads one reports an advisory note instead of a verdict.
 *
 * Exit status: 0 no violation or advisory ones only, 1 a mandatory violation, 2 bad usage, a file
 * that cannot be read or is not a stack export, or a bad policy config.
 */
import * as path from "path";
import { parseArgs } from "util";
import { readJsonFile } from "../files/jsonFile";
import { UsageError } from "./plan";
import { fromStackExport, StackExport } from "../analyzer/policyInputs";
import { loadPolicyConfig, PACK } from "../analyzer/policyPack";
import { passed, reportPolicyToolFailure, verdictLine, violationsJson, violationTable } from "../analyzer/policyReport";
import { PolicyRun, runPolicyPack } from "../analyzer/policyRunner";

export const USAGE =
    "usage: npm run audit -- FILE [--json] [--policy-config FILE]   (FILE: the output of `pulumi stack export`)";

export async function main(argv: string[]): Promise<number> {
    try {
        const { values, positionals } = parseArgs({
            args: argv,
            options: { json: { type: "boolean", default: false }, "policy-config": { type: "string" } },
            allowPositionals: true,
            strict: true,
        });
        if (positionals.length !== 1) {
            throw new UsageError(
                `${positionals.length === 0 ? "give the stack export file to audit" : `give one stack export file, not ${positionals.length}`}\n${USAGE}`,
            );
        }
        const policyConfig = loadPolicyConfig(values["policy-config"]);
        const file = positionals[0];
        const exported = fromStackExport(readJsonFile(file, "stack export"), file);
        const run = await runPolicyPack(exported.resources, PACK, { config: policyConfig, unknownsAre: "secrets" });
        const source = path.relative(process.cwd(), path.resolve(file)) || file;
        process.stdout.write(
            (values.json ? JSON.stringify(auditJson(exported, run), null, 2) : renderAudit(exported, run, source)) +
                "\n",
        );
        return passed(run) ? 0 : 1;
    } catch (err) {
        return reportPolicyToolFailure(err, undefined, USAGE);
    }
}

export function renderAudit(exported: StackExport, run: PolicyRun, source: string): string {
    const stack = exported.stack
        ? `stack "${exported.stack}"${exported.project ? ` of project "${exported.project}"` : ""}`
        : "an empty stack";
    const lines = [
        `Policy pack ${PACK.name}@${PACK.version} on ${stack} (${source}): ${exported.resources.length} resources from the stack export`,
    ];
    if (exported.encryptedSecrets > 0) {
        lines.push(
            `  ${exported.encryptedSecrets} secret value${exported.encryptedSecrets === 1 ? " is" : "s are"} encrypted in the export; policies cannot read them (export with --show-secrets)`,
        );
    }
    lines.push("", violationTable(run.violations), "", verdictLine(run));
    return lines.join("\n");
}

export function auditJson(exported: StackExport, run: PolicyRun) {
    return {
        stack: exported.stack ?? null,
        project: exported.project ?? null,
        policyPack: { name: PACK.name, version: PACK.version },
        passed: passed(run),
        resources: exported.resources.map(({ type, name, urn, parent, provider, custom, read, id }) => ({
            type,
            name,
            urn,
            parent,
            provider,
            custom,
            read,
            id,
        })),
        violations: violationsJson(run.violations),
    };
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
