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
import { parseArgs } from "util";
import { readJsonFile } from "../files/jsonFile";
import { fromStackExport } from "../analyzer/policyInputs";
import { loadPolicyConfig, PACK } from "../analyzer/policyPack";
import { auditJson, passed, renderAudit } from "../analyzer/policyReport";
import { runPolicyPack } from "../analyzer/policyRunner";
import { displayPath, Exit, print, printJson, runCli, runCommand, UsageError } from "./kit";

export const USAGE =
    "usage: npm run audit -- FILE [--json] [--policy-config FILE]   (FILE: the output of `pulumi stack export`)";

export function main(argv: string[]): Promise<number> {
    return runCommand({ usage: USAGE }, async () => {
        const { values, positionals } = parseArgs({
            args: argv,
            options: { json: { type: "boolean", default: false }, "policy-config": { type: "string" } },
            allowPositionals: true,
            strict: true,
        });
        if (positionals.length !== 1) {
            throw new UsageError(
                positionals.length === 0
                    ? "give the stack export file to audit"
                    : `give one stack export file, not ${positionals.length}`,
            );
        }
        const policyConfig = loadPolicyConfig(values["policy-config"]);
        const file = positionals[0];
        const exported = fromStackExport(readJsonFile(file, "stack export"), file);
        const run = await runPolicyPack(exported.resources, PACK, { config: policyConfig, unknownsAre: "secrets" });
        if (values.json) printJson(auditJson(exported, run));
        else print(renderAudit(exported, run, displayPath(file)));
        return passed(run) ? Exit.OK : Exit.FAILED;
    });
}

if (require.main === module) void runCli(main);
