/**
 * The per-field size model of tools/cost/recordSize.ts checked against records: the generator's
 * (tools/lake/generator.ts) traffic records rendered in a format, and the same records written
 * as one GZIP Parquet object by DuckDB.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    columnName,
    DEFAULT_FORMAT_FIELDS,
    FLOW_LOG_FIELDS,
    FlowLogField,
    FlowLogRecord,
    parseLogFormat,
} from "../../flowlogs/fields";
import { ALARM_LOG_FIELDS, LAKE_LOG_FIELDS } from "../../components/defaults";
import {
    FIELD_SIZES,
    jsonBytesPerRecord,
    parquetBytesPerRecord,
    textBytesPerRecord,
    textFieldBytes,
} from "../../tools/cost/recordSize";
import { DeliveredObject } from "../../tools/lake/delivery";
import { generateLake } from "../../tools/lake/generator";
import { plainText, writeParquetObjects } from "../../tools/lake/writer";

/** Two days of the sample lake's records that carry traffic (the model describes those). */
function trafficRecords(): FlowLogRecord[] {
    const lake = generateLake({ seed: 11, end: new Date("2026-11-23T10:00:00Z"), days: 2 });
    return lake.records.filter((r) => r.log_status === "OK");
}

/** Average bytes of a record rendered as a plain-text line (the header line left out). */
function averageLine(records: readonly FlowLogRecord[], fields: readonly FlowLogField[]): number {
    const text = plainText(records, fields);
    return (text.length - text.indexOf("\n") - 1) / records.length;
}

const TOLERANCE = 0.03;

describe("record size model against generated records", function () {
    this.timeout(60_000);
    const records = trafficRecords();

    it("has figures for every field of the field table", () => {
        assert.deepEqual(
            FLOW_LOG_FIELDS.filter((f) => !FIELD_SIZES[f.name]).map((f) => f.name),
            [],
        );
    });

    const formats: [string, readonly FlowLogField[]][] = [
        ["the default version-2 format", DEFAULT_FORMAT_FIELDS],
        ["all 40 fields", FLOW_LOG_FIELDS],
        ["the alarm stream's configured format", ALARM_LOG_FIELDS],
        ["the lake's configured format", LAKE_LOG_FIELDS],
        [
            "a query-field format",
            parseLogFormat(
                "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${type}",
            ),
        ],
        ["a rule-field format", parseLogFormat("${srcaddr} ${dstaddr} ${dstport} ${protocol} ${action} ${log-status}")],
    ];
    for (const [name, fields] of formats) {
        it(`gives the average text record of ${name} within ${TOLERANCE * 100} %`, () => {
            const model = textBytesPerRecord(fields);
            const measured = averageLine(records, fields);
            assert.ok(
                Math.abs(model - measured) <= TOLERANCE * measured,
                `model ${model.toFixed(1)} B, generated records ${measured.toFixed(1)} B`,
            );
        });
    }

    it("gives each field's average text length within 2.5 characters", () => {
        const off: string[] = [];
        for (const field of FLOW_LOG_FIELDS) {
            const column = columnName(field);
            const measured =
                records.reduce((n, r) => n + (r[column] === null ? 1 : String(r[column]).length), 0) / records.length;
            if (Math.abs(textFieldBytes(field) - measured) > 2.5)
                off.push(`${field.name}: model ${textFieldBytes(field).toFixed(2)}, records ${measured.toFixed(2)}`);
        }
        assert.deepEqual(off, []);
    });

    it("gives JSON records (seed B's Firehose input) within 3 % of the records as JSON", () => {
        const measured =
            records.reduce(
                (n, r) =>
                    n +
                    JSON.stringify(
                        Object.fromEntries(DEFAULT_FORMAT_FIELDS.map((f) => [columnName(f), r[columnName(f)]])),
                    ).length +
                    1,
                0,
            ) / records.length;
        const model = jsonBytesPerRecord(DEFAULT_FORMAT_FIELDS);
        assert.ok(Math.abs(model - measured) <= TOLERANCE * measured, `model ${model}, records ${measured}`);
    });

    describe("Parquet", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-cost-parquet-"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        // The sample's few hosts and peers compress better than a real VPC's traffic: the model
        // must not be below what DuckDB writes for it, and not far above (within 3x).
        for (const [name, fields] of [
            ["the default version-2 format", DEFAULT_FORMAT_FIELDS],
            ["all 40 fields", FLOW_LOG_FIELDS],
        ] as const) {
            it(`puts ${name} above the sample's GZIP Parquet size and within 3x of it`, async () => {
                // One object holding every record: a large object, as a busy VPC's 5-minute batch is.
                const object: DeliveredObject = {
                    key: `${fields.length}.parquet`,
                    partition: { aws_region: "us-east-1", year: "2026", month: "11", day: "23", hour: "09" },
                    flowLogId: "fl-0",
                    intervalStart: 0,
                    records,
                };
                await writeParquetObjects(dir, [object], fields);
                const measured = fs.statSync(path.join(dir, `${fields.length}.parquet`)).size / records.length;
                const model = parquetBytesPerRecord(fields);
                assert.ok(
                    model >= measured && model <= 3 * measured,
                    `model ${model} B, DuckDB ${measured.toFixed(2)} B`,
                );
                // And far below the text: columnar and compressed.
                assert.ok(model < textBytesPerRecord(fields) / 5);
            });
        }
    });
});
