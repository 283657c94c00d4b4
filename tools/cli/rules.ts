/**
 * npm run rules -- (--stack NAME | --config FILE) --records FILE [--vpc NAME] [--format "<log format>"] [--json]
 *
 * What would fire: replays a file of flow log records through the alerting rules of every VPC of a
 * stack (or of one, with --vpc) the way CloudWatch evaluates metric filters and alarms
 * (tools/replay/stackReplay.ts), and prints which alarms would go to ALARM and when. Offline: the
 * stack config is validated and each VPC's rules are resolved exactly as the program does it, with
 * no Pulumi runtime, credentials or CLI.
 *
 * Exit status: 0 evaluated (alarms that would fire are a result, not an error); 2 bad usage, an
 * invalid stack config, or a records file that is unreadable, empty or has no valid record.
 */
import { parseArgs } from "util";
import { FlowLogField, parseLogFormat } from "../../flowlogs/fields";
import { validateStackConfig } from "../../program/stackConfig";
import { readRecordsFile } from "../files/recordsFile";
import { renderReplay, replayJson, skippedLines } from "../replay/replayReport";
import { alarmFieldsOf, evaluateStack, vpcNames } from "../replay/stackReplay";
import { Exit, InputError, print, printJson, runCli, runCommand, stackFilePath, UsageError } from "./kit";

export { alarmFieldsOf };

export const USAGE =
    'usage: npm run rules -- (--stack NAME | --config FILE) --records FILE [--vpc NAME] [--format "<log format>"] [--json]';

/** Malformed lines reported one by one; beyond this, only counted (a wrong file must not flood the terminal). */
export const MAX_REPORTED_LINES = 100;

function formatOption(text: string | undefined): readonly FlowLogField[] | undefined {
    if (text === undefined) return undefined;
    try {
        return parseLogFormat(text);
    } catch (err) {
        throw new InputError(
            `--format ${JSON.stringify(text)}: ${(err as Error).message}; write the fields as the flow log's logFormat does, e.g. "\${version} \${srcaddr} \${start} \${action}"`,
        );
    }
}

export function main(argv: string[]): Promise<number> {
    return runCommand({ usage: USAGE, nothingDone: "No records were evaluated." }, async (run) => {
        const { values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                records: { type: "string" },
                vpc: { type: "string" },
                format: { type: "string" },
                json: { type: "boolean", default: false },
            },
            strict: true,
        });
        const format = formatOption(values.format);
        const stackFile = run.loadStack(stackFilePath(values));
        if (values.records === undefined)
            throw new UsageError("--records FILE is required: a file of flow log records (plain text or .gz)");
        const config = validateStackConfig(stackFile.config);
        if (values.vpc !== undefined && !vpcNames(config).includes(values.vpc)) {
            throw new InputError(
                `--vpc ${JSON.stringify(values.vpc)}: no such VPC in the stack; its VPCs: ${vpcNames(config).join(", ")}`,
            );
        }
        const records = readRecordsFile(values.records, { format, alarmFields: alarmFieldsOf(config, values.vpc) });
        const evaluations = evaluateStack(config, records, values.vpc);

        for (const line of skippedLines(values.records, records, MAX_REPORTED_LINES)) process.stderr.write(`${line}\n`);
        for (const { vpc, rules } of evaluations) {
            for (const { rule, unavailable } of rules) {
                if (unavailable !== undefined)
                    process.stderr.write(`warning: rule ${rule.name} of VPC ${vpc} not evaluated: ${unavailable}\n`);
            }
        }
        if (values.json) printJson(replayJson(evaluations));
        else print(renderReplay(stackFile.stack, records, values.records, evaluations, values.vpc));
        return Exit.OK;
    });
}

if (require.main === module) void runCli(main);
