/**
 * AnalyticsLake in the planned program: the bucket and its policy, the Glue table with partition
 * projection over the exact key layout AWS delivers to, the Athena workgroup and named queries.
 */
import * as assert from "node:assert/strict";
import { NAMED_QUERIES } from "../../components/lake/queries";
import { Plan } from "../../tools/plan/offlinePlan";
import { ACCOUNT, bucketArnOf, byName, byType, inputsOf, jsonInput, planOf, StackConfigFixture } from "../helpers/plan";

const STACK = "lake-test";
/** Regions listed out of order on purpose; the home region is one of them, ap-northeast-1 is not first. */
const CONFIG = {
    "aws:region": "eu-central-1",
    "vpc-flow-monitor:regions": [
        { region: "us-east-1", vpcs: [{ name: "virginia", cidrBlock: "10.1.0.0/16" }] },
        { region: "eu-central-1", vpcs: [{ name: "frankfurt", vpcId: "vpc-0123456789abcdef0" }] },
        { region: "ap-northeast-1", vpcs: [{ name: "tokyo", cidrBlock: "10.3.0.0/16" }] },
    ],
    "vpc-flow-monitor:lake": { transitionToInfrequentAccessDays: 45, expireAfterDays: 200, bytesScannedCutoffGb: 25 },
} satisfies StackConfigFixture;
const REGIONS_SORTED = ["ap-northeast-1", "eu-central-1", "us-east-1"];

/**
 * The Glue columns, written out from AWS's Athena DDL for Parquet flow logs (reference §3.1) plus
 * the v7 ECS and v8 reject-reason fields; in the order of AWS's field table.
 */
const EVERY_COLUMN: readonly { readonly name: string; readonly type: string }[] = [
    ["version", "int"],
    ["account_id", "string"],
    ["interface_id", "string"],
    ["srcaddr", "string"],
    ["dstaddr", "string"],
    ["srcport", "int"],
    ["dstport", "int"],
    ["protocol", "bigint"],
    ["packets", "bigint"],
    ["bytes", "bigint"],
    ["start", "bigint"],
    ["end", "bigint"],
    ["action", "string"],
    ["log_status", "string"],
    ["vpc_id", "string"],
    ["subnet_id", "string"],
    ["instance_id", "string"],
    ["tcp_flags", "int"],
    ["type", "string"],
    ["pkt_srcaddr", "string"],
    ["pkt_dstaddr", "string"],
    ["region", "string"],
    ["az_id", "string"],
    ["sublocation_type", "string"],
    ["sublocation_id", "string"],
    ["pkt_src_aws_service", "string"],
    ["pkt_dst_aws_service", "string"],
    ["flow_direction", "string"],
    ["traffic_path", "int"],
    ["ecs_cluster_arn", "string"],
    ["ecs_cluster_name", "string"],
    ["ecs_container_instance_arn", "string"],
    ["ecs_container_instance_id", "string"],
    ["ecs_container_id", "string"],
    ["ecs_second_container_id", "string"],
    ["ecs_service_name", "string"],
    ["ecs_task_definition_arn", "string"],
    ["ecs_task_arn", "string"],
    ["ecs_task_id", "string"],
    ["reject_reason", "string"],
].map(([name, type]) => ({ name, type }));

/** The default lake format's columns (components/defaults.ts LAKE_DEFAULT_FIELDS), in table order. */
const DEFAULT_COLUMNS = [
    "interface_id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "action",
    "log_status",
    "tcp_flags",
    "traffic_path",
    "reject_reason",
];
const EXPECTED_COLUMNS = EVERY_COLUMN.filter((c) => DEFAULT_COLUMNS.includes(c.name));

const PARTITION_KEYS = ["aws_region", "year", "month", "day", "hour"];

describe("AnalyticsLake in the planned program", () => {
    let plan: Plan;
    let bucket: string;
    let bucketArn: string;
    before(async () => {
        plan = await planOf(CONFIG, STACK);
        bucket = byName(plan, "lake-bucket").id!;
        bucketArn = bucketArnOf(plan);
    });

    describe("bucket", () => {
        it("is a child of the lake component, as are all lake resources", () => {
            const lake = byName(plan, "lake");
            assert.equal(lake.type, "vpc-flow-monitor:lake:AnalyticsLake");
            const children = plan.resources.filter((r) => r.parent === lake.urn);
            for (const c of children) assert.match(c.name, /^lake-/);
            assert.equal(children.length, 10 + NAMED_QUERIES.length);
            assert.equal(byName(plan, "lake-bucket").parent, lake.urn);
        });

        it("blocks all public access", () => {
            assert.deepStrictEqual(inputsOf(plan, "lake-publicAccessBlock"), {
                bucket,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
        });

        it("encrypts with SSE-S3 (AES256)", () => {
            assert.deepStrictEqual(inputsOf(plan, "lake-encryption"), {
                bucket,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
            });
        });

        it("enables versioning", () => {
            assert.deepStrictEqual(inputsOf(plan, "lake-versioning"), {
                bucket,
                versioningConfiguration: { status: "Enabled" },
            });
        });

        it("disables ACLs: the bucket owner owns every object", () => {
            assert.deepStrictEqual(inputsOf(plan, "lake-ownership"), {
                bucket,
                rule: { objectOwnership: "BucketOwnerEnforced" },
            });
        });

        it("says that objects under 128 KB never transition (S3's default, written down)", () => {
            assert.equal(
                inputsOf(plan, "lake-lifecycle").transitionDefaultMinimumObjectSize,
                "all_storage_classes_128K",
            );
        });

        it("applies the lifecycle only once versioning exists", () => {
            assert.ok(byName(plan, "lake-lifecycle").dependencies.includes(byName(plan, "lake-versioning").urn));
        });

        it("puts the policy on only after public access block, ownership and encryption", () => {
            const deps = byName(plan, "lake-bucketPolicy").dependencies;
            for (const name of ["lake-publicAccessBlock", "lake-ownership", "lake-encryption"]) {
                assert.ok(deps.includes(byName(plan, name).urn), name);
            }
        });
    });

    describe("lifecycle rules", () => {
        const cases = [
            { label: "configured", lake: CONFIG["vpc-flow-monitor:lake"], transition: 45, expire: 200 },
            { label: "defaults", lake: undefined, transition: 30, expire: 400 },
        ] as const;
        for (const { label, lake, transition, expire } of cases) {
            it(`tiers flow logs at ${transition} days and expires them at ${expire} (${label}); Athena results expire after 7 days`, async () => {
                const p =
                    label === "configured"
                        ? plan
                        : await planOf({ ...CONFIG, "vpc-flow-monitor:lake": lake } as StackConfigFixture, STACK);
                assert.deepStrictEqual(inputsOf(p, "lake-lifecycle").rules, [
                    {
                        id: "flow-logs-tiering-and-expiry",
                        status: "Enabled",
                        filter: { prefix: "vpc-flow-logs/" },
                        transitions: [{ days: transition, storageClass: "STANDARD_IA" }],
                        expiration: { days: expire },
                        noncurrentVersionExpiration: { noncurrentDays: 30 },
                    },
                    {
                        id: "athena-results-expiry",
                        status: "Enabled",
                        filter: { prefix: "athena-results/" },
                        expiration: { days: 7 },
                        noncurrentVersionExpiration: { noncurrentDays: 1 },
                    },
                    {
                        id: "abort-incomplete-uploads",
                        status: "Enabled",
                        filter: {},
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ]);
                assert.equal(inputsOf(p, "lake-lifecycle").bucket, byName(p, "lake-bucket").id);
            });
        }
    });

    describe("bucket policy", () => {
        let policy: any;
        const statement = (sid: string) => {
            const found = policy.Statement.filter((s: { Sid?: string }) => s.Sid === sid);
            assert.equal(found.length, 1, sid);
            return found[0];
        };
        before(() => {
            const resource = byName(plan, "lake-bucketPolicy");
            assert.equal(resource.inputs.bucket, bucket);
            policy = jsonInput(resource, "policy");
        });

        it("has exactly the three statements", () => {
            assert.equal(policy.Version, "2012-10-17");
            assert.deepEqual(
                policy.Statement.map((s: { Sid: string }) => s.Sid),
                ["DenyInsecureTransport", "AWSLogDeliveryWrite", "AWSLogDeliveryAclCheck"],
            );
        });

        it("denies every request without TLS, on the bucket and its objects", () => {
            assert.deepStrictEqual(statement("DenyInsecureTransport"), {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            });
        });

        it("lets log delivery put objects only under each configured region's hive prefix, for this account's logs", () => {
            assert.deepStrictEqual(statement("AWSLogDeliveryWrite"), {
                Sid: "AWSLogDeliveryWrite",
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: REGIONS_SORTED.map(
                    (r) =>
                        `${bucketArn}/vpc-flow-logs/AWSLogs/aws-account-id=${ACCOUNT}/aws-service=vpcflowlogs/aws-region=${r}/*`,
                ),
                Condition: {
                    StringEquals: { "aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control" },
                    ArnLike: { "aws:SourceArn": REGIONS_SORTED.map((r) => `arn:aws:logs:${r}:${ACCOUNT}:*`) },
                },
            });
        });

        it("lets log delivery check the bucket ACL under the same confused-deputy conditions", () => {
            assert.deepStrictEqual(statement("AWSLogDeliveryAclCheck"), {
                Sid: "AWSLogDeliveryAclCheck",
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                Resource: bucketArn,
                Condition: {
                    StringEquals: { "aws:SourceAccount": ACCOUNT },
                    ArnLike: { "aws:SourceArn": REGIONS_SORTED.map((r) => `arn:aws:logs:${r}:${ACCOUNT}:*`) },
                },
            });
        });

        it("covers the region of every planned flow log, and no other", () => {
            const write = statement("AWSLogDeliveryWrite");
            const flowLogRegions = byType(plan, "aws:ec2/flowLog:FlowLog")
                .filter((r) => r.inputs.logDestinationType === "s3")
                .map((r) =>
                    String(byType(plan, "pulumi:providers:aws").find((p) => p.urn === r.provider)?.inputs.region),
                );
            assert.deepEqual([...new Set(flowLogRegions)].sort(), REGIONS_SORTED);
            const policyRegions = (write.Resource as string[]).map((arn) => /aws-region=([^/]+)\//.exec(arn)![1]);
            assert.deepEqual(policyRegions, REGIONS_SORTED);
        });
    });

    describe("Glue table", () => {
        let table: Record<string, any>;
        let params: Record<string, string>;
        before(() => {
            table = inputsOf(plan, "lake-table");
            params = table.parameters;
        });

        it("lives in the stack's Glue database", () => {
            assert.deepStrictEqual(inputsOf(plan, "lake-database"), {
                // lake-test has a `-`: its database name carries the stack name's hash (naming.spec.ts).
                name: "vpc_flow_monitor_lake_test_581d194a",
                description: "VPC flow logs delivered by vpc-flow-monitor",
            });
            assert.equal(table.databaseName, "vpc_flow_monitor_lake_test_581d194a");
            assert.equal(table.name, "flow_logs");
            assert.equal(table.tableType, "EXTERNAL_TABLE");
        });

        it("has one column per field of the default lake format, named and typed as AWS's Parquet DDL", () => {
            assert.equal(EXPECTED_COLUMNS.length, DEFAULT_COLUMNS.length);
            assert.deepStrictEqual(table.storageDescriptor.columns, EXPECTED_COLUMNS);
        });

        it("reads Parquet from the account's hive-compatible prefix", () => {
            assert.deepStrictEqual(table.storageDescriptor, {
                location: `s3://${bucket}/vpc-flow-logs/AWSLogs/aws-account-id=${ACCOUNT}/aws-service=vpcflowlogs/`,
                inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                serDeInfo: {
                    serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                    parameters: { "serialization.format": "1" },
                },
                columns: EXPECTED_COLUMNS,
            });
        });

        it("is partitioned by aws_region, year, month, day and hour, none of which is also a column", () => {
            assert.deepStrictEqual(
                table.partitionKeys,
                PARTITION_KEYS.map((name) => ({ name, type: "string" })),
            );
            const columns = new Set(EXPECTED_COLUMNS.map((c) => c.name));
            for (const key of PARTITION_KEYS) assert.ok(!columns.has(key), key);
        });

        it("projects partitions: the configured regions, sorted, and zero-padded integer dates", () => {
            assert.deepStrictEqual(params, {
                EXTERNAL: "TRUE",
                classification: "parquet",
                "projection.enabled": "true",
                "projection.aws_region.type": "enum",
                "projection.aws_region.values": REGIONS_SORTED.join(","),
                "projection.year.type": "integer",
                "projection.year.range": "2021,2099",
                "projection.year.digits": "4",
                "projection.month.type": "integer",
                "projection.month.range": "1,12",
                "projection.month.digits": "2",
                "projection.day.type": "integer",
                "projection.day.range": "1,31",
                "projection.day.digits": "2",
                "projection.hour.type": "integer",
                "projection.hour.range": "0,23",
                "projection.hour.digits": "2",
                "storage.location.template":
                    `s3://${bucket}/vpc-flow-logs/AWSLogs/aws-account-id=${ACCOUNT}/aws-service=vpcflowlogs/` +
                    "aws-region=${aws_region}/year=${year}/month=${month}/day=${day}/hour=${hour}/",
            });
        });

        it("projects every partition key and nothing else", () => {
            const projected = new Set(
                Object.keys(params).flatMap((k) => /^projection\.([^.]+)\.type$/.exec(k)?.[1] ?? []),
            );
            assert.deepEqual([...projected].sort(), [...PARTITION_KEYS].sort());
            const inTemplate = [...params["storage.location.template"].matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]);
            assert.deepEqual(inTemplate, PARTITION_KEYS);
        });

        // Object keys as AWS writes them with hiveCompatiblePartitions + perHourPartition (reference §2),
        // file names `<account>_vpcflowlogs_<region>_<fl-id>_<yyyyMMddTHHmmZ>_<hash>.log.parquet`.
        const deliveredKeys = [
            "vpc-flow-logs/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=05/hour=07/123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20261105T0705Z_1a2b3c4d.log.parquet",
            "vpc-flow-logs/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-1/year=2027/month=01/day=01/hour=00/123456789012_vpcflowlogs_ap-northeast-1_fl-00000000000000001_20270101T0000Z_ffffffff.log.parquet",
            "vpc-flow-logs/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-central-1/year=2026/month=12/day=31/hour=23/123456789012_vpcflowlogs_eu-central-1_fl-0abcdef0123456789_20261231T2355Z_00c0ffee.log.parquet",
        ];
        for (const key of deliveredKeys) {
            it(`locates the partition AWS delivered ${key.split("/").pop()} to`, () => {
                // The partition values come from the file name alone, not from the folder being checked.
                const name =
                    /^(\d{12})_vpcflowlogs_([a-z0-9-]+)_fl-[0-9a-f]+_(\d{4})(\d{2})(\d{2})T(\d{2})\d{2}Z_[0-9a-f]+\.log\.parquet$/.exec(
                        key.split("/").pop()!,
                    );
                assert.ok(name, "not a flow log object name");
                assert.equal(name[1], ACCOUNT);
                const values: Record<string, string | number> = {
                    aws_region: name[2],
                    year: Number(name[3]),
                    month: Number(name[4]),
                    day: Number(name[5]),
                    hour: Number(name[6]),
                };
                const folder = `s3://${bucket}/${key.slice(0, key.lastIndexOf("/") + 1)}`;
                assert.equal(projectedLocation(params, values), folder);
            });
        }

        it("does not match the non-hive default layout", () => {
            const template = params["storage.location.template"];
            const pattern = new RegExp(
                "^" + template.replace(/[.*+?^()|[\]\\]/g, "\\$&").replace(/\$\{[^}]+\}/g, "[^/]+") + "$",
            );
            assert.match(deliveredKeysFolder(deliveredKeys[0], bucket), pattern);
            assert.doesNotMatch(
                `s3://${bucket}/vpc-flow-logs/AWSLogs/${ACCOUNT}/vpcflowlogs/us-east-1/2026/11/05/07/`,
                pattern,
            );
            assert.doesNotMatch(
                `s3://${bucket}/AWSLogs/aws-account-id=${ACCOUNT}/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=05/hour=07/`,
                pattern,
            );
        });

        it("refuses to project a region that is not configured or a value out of range", () => {
            assert.throws(
                () => projectedLocation(params, { aws_region: "sa-east-1", year: 2026, month: 1, day: 1, hour: 0 }),
                /aws_region/,
            );
            assert.throws(
                () => projectedLocation(params, { aws_region: "us-east-1", year: 2020, month: 1, day: 1, hour: 0 }),
                /year/,
            );
            assert.throws(
                () => projectedLocation(params, { aws_region: "us-east-1", year: 2026, month: 1, day: 1, hour: 24 }),
                /hour/,
            );
        });
    });

    describe("Athena workgroup", () => {
        it("enforces SSE-S3 results under athena-results/, the configured scan cutoff and engine v3", () => {
            assert.deepStrictEqual(inputsOf(plan, "lake-workgroup"), {
                name: "vpc-flow-monitor-lake-test",
                description: "Queries over the vpc-flow-monitor flow log lake",
                state: "ENABLED",
                forceDestroy: true,
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    publishCloudwatchMetricsEnabled: true,
                    bytesScannedCutoffPerQuery: 25 * 1024 ** 3,
                    engineVersion: { selectedEngineVersion: "Athena engine version 3" },
                    resultConfiguration: {
                        outputLocation: `s3://${bucket}/athena-results/`,
                        encryptionConfiguration: { encryptionOption: "SSE_S3" },
                    },
                },
            });
        });

        it("defaults the scan cutoff to 10 GiB", async () => {
            const p = await planOf({ ...CONFIG, "vpc-flow-monitor:lake": {} } as StackConfigFixture, STACK);
            assert.equal(inputsOf(p, "lake-workgroup").configuration.bytesScannedCutoffPerQuery, 10_737_418_240);
        });
    });

    describe("named queries", () => {
        it("registers one NamedQuery per entry of NAMED_QUERIES, in the stack's database and workgroup", () => {
            const queries = byType(plan, "aws:athena/namedQuery:NamedQuery");
            assert.deepEqual(
                queries.map((q) => q.name).sort(),
                NAMED_QUERIES.map((q) => `lake-query-${q.name}`).sort(),
            );
            for (const q of NAMED_QUERIES) {
                const resource = byName(plan, `lake-query-${q.name}`);
                assert.deepStrictEqual(resource.inputs, {
                    name: q.name,
                    description: q.description,
                    database: "vpc_flow_monitor_lake_test_581d194a",
                    workgroup: "vpc-flow-monitor-lake-test",
                    query: q.sql,
                });
                assert.ok(
                    resource.dependencies.includes(byName(plan, "lake-table").urn),
                    `${q.name} must wait for the table`,
                );
            }
        });

        it("has unique kebab-case names", () => {
            const names = NAMED_QUERIES.map((q) => q.name);
            assert.equal(new Set(names).size, names.length);
            for (const n of names) assert.match(n, /^[a-z0-9]+(-[a-z0-9]+)*$/);
        });

        for (const q of NAMED_QUERIES) {
            describe(q.name, () => {
                it("names only columns and partition keys of the planned table", () => {
                    const table = inputsOf(plan, "lake-table");
                    const known = new Set<string>([
                        ...table.storageDescriptor.columns.map((c: { name: string }) => c.name),
                        ...table.partitionKeys.map((k: { name: string }) => k.name),
                    ]);
                    assert.deepEqual(unknownIdentifiers(q.sql, known, table.name), []);
                });

                it("filters on the partitions of the window its description promises", () => {
                    const hours = windowHours(q.description);
                    const since = `current_timestamp - interval '${hours}' hour`;
                    const both = (f: string) =>
                        `(date_format(${since}, '${f}'), date_format(current_timestamp, '${f}'))`;
                    const predicate = `year IN ${both("%Y")} AND month IN ${both("%m")} AND concat(year, month, day, hour) >= date_format(${since}, '%Y%m%d%H')`;
                    assert.ok(
                        q.sql.includes(`WHERE ${predicate}`),
                        `${q.name} lacks the ${hours}-hour partition predicate:\n${q.sql}`,
                    );
                });

                it("declares one parameter per ? placeholder", () => {
                    const placeholders = stripStrings(q.sql).split("?").length - 1;
                    assert.equal(q.parameters.length, placeholders);
                });
            });
        }
    });
});

describe("the SQL identifier check itself", () => {
    const known = new Set(["srcaddr", "dstaddr", "bytes", "packets", "year", "hour", "end"]);
    const cases = [
        { sql: "SELECT srcaddr, sum(bytes) AS total FROM flow_logs GROUP BY srcaddr ORDER BY total DESC", unknown: [] },
        { sql: "SELECT src_addr FROM flow_logs", unknown: ["src_addr"] },
        { sql: "SELECT srcaddr AS s FROM flow_logs WHERE s = '10.0.0.1'", unknown: ["s"] },
        { sql: "SELECT srcaddr FROM flow_logs WHERE dstaddr = 'bytes_total' AND year >= '2026'", unknown: [] },
        { sql: "SELECT md5(srcaddr) FROM flow_logs", unknown: ["md5()"] },
        { sql: "SELECT srcaddr FROM other_table", unknown: ["FROM other_table"] },
        { sql: 'SELECT "end" FROM flow_logs', unknown: [] },
        { sql: "SELECT end FROM flow_logs", unknown: ["unquoted reserved word end"] },
        { sql: 'SELECT "srcaddr" FROM flow_logs', unknown: ['"srcaddr"'] },
        { sql: "SELECT `end` FROM flow_logs", unknown: ["`end`"] },
        {
            sql: "SELECT srcaddr FROM flow_logs WHERE (srcaddr LIKE '10.%' OR bytes IN (1, 2)) AND hour = ?",
            unknown: [],
        },
        { sql: "SELECT CAST(srcaddr AS integer) AS n FROM flow_logs WHERE hour > 1 ORDER BY n", unknown: [] },
        { sql: "SELECT CAST(srcaddr AS text) FROM flow_logs", unknown: ["type text"] },
        {
            sql: "SELECT srcaddr FROM flow_logs WHERE year >= date_format(current_timestamp - interval '2' fortnight, '%Y')",
            unknown: ["interval unit fortnight"],
        },
    ] as const;
    for (const { sql, unknown } of cases) {
        it(`${unknown.length ? "flags " + unknown.join(", ") : "accepts"} in ${sql}`, () => {
            assert.deepEqual(unknownIdentifiers(sql, known, "flow_logs"), unknown);
        });
    }
});

// ---------------------------------------------------------------------------------------------
// Partition projection, evaluated the way Athena does for one set of partition values.

function projectedLocation(params: Record<string, string>, values: Record<string, string | number>): string {
    let location = params["storage.location.template"];
    for (const [key, value] of Object.entries(values)) {
        const type = params[`projection.${key}.type`];
        let text: string;
        if (type === "enum") {
            assert.ok(
                params[`projection.${key}.values`].split(",").includes(String(value)),
                `${key} ${value} is not projected`,
            );
            text = String(value);
        } else {
            assert.equal(type, "integer", `${key} projection type`);
            const [low, high] = params[`projection.${key}.range`].split(",").map(Number);
            assert.ok(
                typeof value === "number" && value >= low && value <= high,
                `${key} ${value} is outside ${low}..${high}`,
            );
            text = String(value).padStart(Number(params[`projection.${key}.digits`] ?? "1"), "0");
        }
        assert.ok(location.includes(`\${${key}}`), `${key} is not in the template`);
        location = location.split(`\${${key}}`).join(text);
    }
    assert.doesNotMatch(location, /\$\{/, "a template variable was left unset");
    return location;
}

function deliveredKeysFolder(key: string, bucket: string): string {
    return `s3://${bucket}/${key.slice(0, key.lastIndexOf("/") + 1)}`;
}

/** "over the last 24 hours" -> 24, "over the last 14 days" -> 336. */
function windowHours(description: string): number {
    const match = /over the last (\d+) (hours|days)\b/.exec(description);
    assert.ok(match, `the description does not state its time window: ${description}`);
    return Number(match[1]) * (match[2] === "days" ? 24 : 1);
}

// ---------------------------------------------------------------------------------------------
// A small SQL tokenizer: enough of Trino's lexical grammar for the named queries, and strict
// about everything else, so a new construct has to be taught here rather than slipping through.

const KEYWORDS = new Set([
    "select",
    "from",
    "where",
    "and",
    "or",
    "not",
    "is",
    "null",
    "group",
    "by",
    "order",
    "asc",
    "desc",
    "limit",
    "as",
    "in",
    "like",
    "between",
    "distinct",
    "interval",
    "current_timestamp",
    "case",
    "when",
    "then",
    "else",
    "end",
]);
const FUNCTIONS = new Set([
    "sum",
    "count",
    "min",
    "max",
    "concat",
    "date_format",
    "split_part",
    "from_unixtime",
    "cast",
    "strpos",
]);
/** Trino reserved words that are also flow log columns. */
const RESERVED = new Set(["end"]);
const TYPES = new Set(["integer", "bigint", "varchar", "double"]);
const INTERVAL_UNITS = new Set(["hour", "day", "minute"]);

interface Token {
    readonly kind: "word" | "quoted" | "string" | "number" | "symbol";
    readonly text: string;
}

function stripStrings(sql: string): string {
    return sql.replace(/'(?:[^']|'')*'/g, "''");
}

function tokenize(sql: string): Token[] {
    const tokens: Token[] = [];
    const re =
        /\s+|('(?:[^']|'')*')|([A-Za-z_][A-Za-z0-9_]*)|(\d+(?:\.\d+)?)|(>=|<=|<>|!=|\|\||[(),*=<>+\-?.;/%])|("[^"]*"|`[^`]*`)/gy;
    let m: RegExpExecArray | null;
    let at = 0;
    while (at < sql.length && (m = re.exec(sql)) !== null) {
        at = re.lastIndex;
        if (m[1]) tokens.push({ kind: "string", text: m[1] });
        else if (m[2]) tokens.push({ kind: "word", text: m[2] });
        else if (m[3]) tokens.push({ kind: "number", text: m[3] });
        else if (m[4]) tokens.push({ kind: "symbol", text: m[4] });
        else if (m[5]) tokens.push({ kind: "quoted", text: m[5] });
    }
    assert.equal(at, sql.length, `cannot tokenize SQL at: ${sql.slice(at, at + 20)}`);
    return tokens;
}

/**
 * Identifiers of `sql` that are neither keywords, known functions, types, interval units nor
 * known columns. Aliases (`AS x`) may be referenced in ORDER BY only, as in standard SQL.
 * Quoted identifiers are reported as such, but for a column named by a reserved word (`"end"`).
 */
function unknownIdentifiers(sql: string, columns: ReadonlySet<string>, table: string): string[] {
    const tokens = tokenize(sql);
    const unknown: string[] = [];
    const aliases = new Set<string>();
    let inOrderBy = false;
    const castDepth: number[] = [];
    let depth = 0;
    let caseDepth = 0;
    tokens.forEach((t, i) => {
        const prev = tokens[i - 1];
        const next = tokens[i + 1];
        if (t.kind === "symbol") {
            if (t.text === "(") depth++;
            if (t.text === ")") {
                if (castDepth[castDepth.length - 1] === depth) castDepth.pop();
                depth--;
            }
            return;
        }
        // A column whose name is a reserved word (`end`) must be quoted, and only with double quotes.
        if (t.kind === "quoted") {
            if (!(t.text.startsWith('"') && RESERVED.has(t.text.slice(1, -1)) && columns.has(t.text.slice(1, -1))))
                unknown.push(t.text);
            return;
        }
        if (t.kind !== "word") return;
        const word = t.text.toLowerCase();
        if (next?.text === "(" && !KEYWORDS.has(word)) {
            if (!FUNCTIONS.has(word)) unknown.push(`${word}()`);
            if (word === "cast") castDepth.push(depth + 1);
            return;
        }
        if (prev?.kind === "word" && prev.text.toLowerCase() === "from") {
            if (t.text !== table) unknown.push(`FROM ${t.text}`);
            return;
        }
        if (prev?.kind === "word" && prev.text.toLowerCase() === "as") {
            if (castDepth.length > 0 && castDepth[castDepth.length - 1] === depth) {
                if (!TYPES.has(word)) unknown.push(`type ${t.text}`);
            } else {
                aliases.add(t.text);
            }
            return;
        }
        if (prev?.kind === "string" && tokens[i - 2]?.text.toLowerCase() === "interval") {
            if (!INTERVAL_UNITS.has(word)) unknown.push(`interval unit ${t.text}`);
            return;
        }
        // CASE ... END: the keyword, not the column.
        if (word === "case") caseDepth++;
        if (word === "end" && caseDepth > 0) {
            caseDepth--;
            return;
        }
        if (RESERVED.has(word)) {
            unknown.push(`unquoted reserved word ${t.text}`);
            return;
        }
        if (word === "order" && next?.text.toLowerCase() === "by") inOrderBy = true;
        if (KEYWORDS.has(word)) return;
        if (columns.has(t.text)) return;
        if (inOrderBy && aliases.has(t.text)) return;
        unknown.push(t.text);
    });
    return unknown;
}

describe("lake.fields: the lake format, the Glue table and the named queries follow it", function () {
    this.timeout(60000);
    const withFields = (fields: unknown) => ({ ...CONFIG, "vpc-flow-monitor:lake": { fields } });
    const columnsOf = (plan: Plan) =>
        (inputsOf(plan, "lake-table").storageDescriptor.columns as { name: string }[]).map((c) => c.name);
    const queriesOf = (plan: Plan) =>
        byType(plan, "aws:athena/namedQuery:NamedQuery")
            .map((q) => q.inputs.name as string)
            .sort();

    it("pins the columns each named query reads (a query needing a column the format lacks is left out)", () => {
        assert.deepStrictEqual(Object.fromEntries(NAMED_QUERIES.map((q) => [q.name, q.columns])), {
            "rejected-packets-by-protocol": ["protocol", "packets", "action"],
            "top-rejected-sources": ["srcaddr", "packets", "action"],
            "top-https-destinations": ["dstaddr", "dstport", "protocol", "bytes", "action"],
            "top-private-source-ports": ["srcaddr", "srcport", "bytes"],
            "top-talkers": ["srcaddr", "dstaddr", "packets", "bytes", "log_status"],
            "accepted-and-rejected-traffic": ["packets", "bytes", "action"],
            "ssh-rdp-traffic": ["srcaddr", "dstaddr", "dstport", "protocol", "packets", "action"],
            "admin-port-traffic": ["srcaddr", "dstaddr", "dstport", "protocol", "bytes"],
            "bytes-by-interface": ["interface_id", "packets", "bytes", "log_status"],
            "ipv6-traffic": ["srcaddr", "bytes"],
            "top-rejected-destination-ports": ["srcaddr", "dstport", "protocol", "action"],
            "rejected-flows-per-5-minutes": ["protocol", "packets", "start", "action"],
            "admin-port-flows-per-5-minutes": ["dstport", "protocol", "start", "action"],
            "nodata-skipdata-intervals": ["interface_id", "start", "log_status"],
            "flow-log-sources": ["interface_id", "start"],
            "traffic-from-address": [
                "srcaddr",
                "dstaddr",
                "srcport",
                "dstport",
                "protocol",
                "packets",
                "bytes",
                "start",
                "action",
            ],
            "traffic-to-address": [
                "srcaddr",
                "dstaddr",
                "srcport",
                "dstport",
                "protocol",
                "packets",
                "bytes",
                "start",
                "action",
            ],
        });
    });

    it("default: every named query can run on the default format", async () => {
        const plan = await planOf(CONFIG, STACK);
        assert.deepEqual(queriesOf(plan), NAMED_QUERIES.map((q) => q.name).sort());
        assert.deepEqual(columnsOf(plan), DEFAULT_COLUMNS);
    });

    it("all: every field but the ten ECS ones, the lake flow logs render the same 30 fields", async () => {
        const plan = await planOf(withFields("all"), STACK);
        assert.deepEqual(
            columnsOf(plan),
            EVERY_COLUMN.filter((c) => !c.name.startsWith("ecs_")).map((c) => c.name),
        );
        assert.equal(columnsOf(plan).length, 30);
        assert.deepEqual(queriesOf(plan), NAMED_QUERIES.map((q) => q.name).sort());
        const format = inputsOf(plan, "virginia-lakeFlowLog").logFormat as string;
        assert.equal(format.split(" ").length, 30);
        assert.ok(!format.includes("ecs-"), format);
        assert.ok(format.startsWith("${version} ${account-id} ${interface-id}"), format);
        assert.ok(format.endsWith("${flow-direction} ${traffic-path} ${reject-reason}"), format);
    });

    it("a list: put in table order; only the queries it can answer are created", async () => {
        const plan = await planOf(withFields(["action", "packets", "srcaddr", "protocol", "ecs-cluster-name"]), STACK);
        assert.deepEqual(columnsOf(plan), ["srcaddr", "protocol", "packets", "action", "ecs_cluster_name"]);
        assert.equal(
            inputsOf(plan, "tokyo-lakeFlowLog").logFormat,
            "${srcaddr} ${protocol} ${packets} ${action} ${ecs-cluster-name}",
        );
        assert.deepEqual(queriesOf(plan), ["rejected-packets-by-protocol", "top-rejected-sources"]);
    });
});
