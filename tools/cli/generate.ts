/**
 * npm run generate -- --out DIR [--days N] [--seed S] [--end TIME] [--file-format parquet|plain-text|both] [--account ID]
 *                      [--fields default|all|NAME,NAME,...]
 *
 * Writes sample flow logs for three VPCs in two regions, as AWS delivers them to the lake bucket
 * (Parquet, hive-compatible hourly folders; or plain-text gzip in the default layout), so the
 * named queries can be tried with `npm run query` (tools/lake/sampleLake.ts). The records end at
 * --end (default: the start of the current hour, UTC); the same seed and end give the same files.
 * --fields is the lake format to write, as the stack's `lake.fields` says it (default: the lake's
 * default format).
 *
 * Exit status: 0 written, 2 bad usage or an --out that is a file or already holds flow logs
 * (nothing written).
 */
import { parseArgs } from "util";
import { DEFAULT_ACCOUNT_ID, MAX_DAYS } from "../lake/generator";
import {
    describeSampleLake,
    generate,
    GenerateRequest,
    SAMPLE_FILE_FORMATS,
    SampleFileFormat,
} from "../lake/sampleLake";
import { Exit, print, runCli, runCommand, UsageError } from "./kit";
import { LakeFieldsChoice } from "../../components/defaults";
import { lakeFieldsProblems, resolveLakeFields } from "../../components/lake/layout";

export const USAGE =
    "usage: npm run generate -- --out DIR [--days N] [--seed S] [--end TIME] [--file-format parquet|plain-text|both] [--account ID] [--fields default|all|NAME,NAME,...]";

/** `default`, `all`, or a comma-separated list of field names, as `lake.fields` takes them. */
export function parseFieldsOption(text: string): LakeFieldsChoice {
    return text === LakeFieldsChoice.DEFAULT || text === LakeFieldsChoice.ALL ? text : text.split(",");
}

/** The start of the hour `now` is in, UTC. */
export function currentHour(now: Date): Date {
    return new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
}

export function parseRequest(argv: readonly string[], clock: () => Date = () => new Date()): GenerateRequest {
    const { values, positionals } = parseArgs({
        args: [...argv],
        options: {
            out: { type: "string" },
            days: { type: "string", default: "3" },
            seed: { type: "string", default: "1" },
            end: { type: "string" },
            "file-format": { type: "string", default: "parquet" },
            account: { type: "string", default: DEFAULT_ACCOUNT_ID },
            fields: { type: "string", default: LakeFieldsChoice.DEFAULT },
        },
        allowPositionals: true,
        strict: true,
    });
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (values.out === undefined) throw new UsageError("--out DIR is required: where to write the flow log tree");
    const problems: string[] = [];
    const days = Number(values.days);
    if (!/^\d+$/.test(values.days!) || days < 1 || days > MAX_DAYS)
        problems.push(`--days ${values.days}: expected a whole number from 1 to ${MAX_DAYS}`);
    const seed = Number(values.seed);
    if (!/^\d+$/.test(values.seed!) || seed > 0xffffffff)
        problems.push(`--seed ${values.seed}: expected a whole number from 0 to 4294967295`);
    let end = currentHour(clock());
    if (values.end !== undefined) {
        end = new Date(values.end);
        const iso = /^\d{4}-\d{2}-\d{2}T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})$/.test(values.end);
        if (!iso || Number.isNaN(end.getTime()) || end.getTime() % 3_600_000 !== 0) {
            problems.push(
                `--end ${values.end}: expected a whole hour in ISO 8601 with its zone, e.g. 2026-11-05T07:00:00Z`,
            );
        }
    }
    if (!(SAMPLE_FILE_FORMATS as readonly string[]).includes(values["file-format"]!)) {
        problems.push(`--file-format ${values["file-format"]}: expected ${SAMPLE_FILE_FORMATS.join(", ")}`);
    }
    if (!/^\d{12}$/.test(values.account!))
        problems.push(`--account ${values.account}: expected a 12-digit AWS account id`);
    const fields = parseFieldsOption(values.fields!);
    problems.push(
        ...lakeFieldsProblems(fields).map(
            (p) => `--fields ${values.fields}: ${p.what}; given ${JSON.stringify(p.given)}. Allowed: ${p.allowed}`,
        ),
    );
    // Every flag problem at once, then the usage line.
    if (problems.length) throw new UsageError(problems.join("\n"));
    return {
        out: values.out,
        days,
        seed,
        end,
        fileFormat: values["file-format"] as SampleFileFormat,
        accountId: values.account!,
        endGiven: values.end !== undefined,
        fields: resolveLakeFields(fields),
    };
}

export function main(argv: string[], clock?: () => Date): Promise<number> {
    return runCommand({ usage: USAGE }, async () => {
        const request = parseRequest(argv, clock);
        const summary = await generate(request);
        print(describeSampleLake(request, summary));
        return Exit.OK;
    });
}

if (require.main === module) void runCli(main);
