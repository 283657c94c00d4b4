/**
 * Plans every `Pulumi.<stack>.yaml` of the project offline: each must be a valid config that the
 * program turns into resources. Part of `npm test`; exit 1 if any stack fails.
 */
import { ConfigError, formatProblems } from "../components/stackConfig";
import { planStack, toEngineConfig } from "./offlinePlan";
import { PROJECT_DIR } from "./plan";
import { loadStackFile, stackFilesIn } from "./stackFile";

async function main(): Promise<number> {
    const files = stackFilesIn(PROJECT_DIR);
    if (files.length === 0) {
        process.stderr.write(`no Pulumi.<stack>.yaml found in ${PROJECT_DIR}\n`);
        return 1;
    }
    let failed = 0;
    for (const file of files) {
        const stackFile = loadStackFile(file);
        try {
            const plan = await planStack(stackFile.stack, toEngineConfig(stackFile.config));
            process.stdout.write(`ok    ${stackFile.stack}: ${plan.resources.length} resources planned\n`);
        } catch (err) {
            failed++;
            const detail = err instanceof ConfigError ? formatProblems(err.problems, file) : String((err as Error).stack ?? err);
            process.stdout.write(`FAIL  ${stackFile.stack}\n${detail}\n`);
        }
    }
    process.stdout.write(`${files.length - failed} passed, ${failed} failed\n`);
    return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code));
