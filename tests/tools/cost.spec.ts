/**
 * The cost engine (tools/cost/) and `npm run cost` (tools/cli/cost.ts): a small plan priced by hand,
 * the estimate moving the right way when a format, a rule or a retention changes, the JSON shape,
 * the price table, and bad usage.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
    billableItems,
    costReportOf,
    estimateDeployment,
    loadPriceTable,
    parsePriceTable,
    PriceTable,
    PriceTableError,
    PRICES_FILE,
    queryReads,
    queryWindowHours,
    readDeployment,
    storagePhases,
    tieredCost,
    Traffic,
} from "../../tools/cost";
import { main, USAGE } from "../../tools/cli/cost";
import { Plan, PlannedResource } from "../../tools/plan/offlinePlan";
import { captureOutput } from "../helpers/io";
import { planOf } from "../helpers/plan";

const run = (argv: string[]) => captureOutput(() => main(argv));

/** The price table with the rates the hand computations use, whatever prices.yaml says today. */
function fixedPriceTable(): PriceTable {
    const raw = YAML.parse(fs.readFileSync(PRICES_FILE, "utf8"));
    const set = (key: string, usd: number) => {
        delete raw.prices[key].tiers;
        raw.prices[key].usd = usd;
    };
    set("vendedLogsToCloudWatchLogs", 0.5);
    set("vendedLogsToS3", 0.25);
    set("parquetConversion", 0.035);
    set("cloudWatchLogsStorage", 0.03);
    set("customMetrics", 0.3);
    set("standardAlarmMetrics", 0.1);
    set("contributorInsightsRules", 0.5);
    set("contributorInsightsEvents", 0.02);
    set("dashboards", 3);
    set("athenaScans", 5);
    set("s3StorageStandard", 0.023);
    set("s3StorageStandardIa", 0.0125);
    set("s3PutRequests", 0.005);
    set("s3TransitionsToStandardIa", 0.01);
    set("glueCatalogObjects", 1);
    raw.assumptions.cloudWatchLogsArchiveShare.value = 0.15;
    raw.assumptions.flowLogObjectsPerHour.value = 12;
    raw.assumptions.hoursPerMonth.value = 730;
    return parsePriceTable(raw, "fixture");
}

const PROVIDER = "urn:pulumi:t::p::pulumi:providers:aws::aws-us-east-1";
const resource = (type: string, name: string, inputs: Record<string, unknown>): PlannedResource => ({
    type,
    name,
    urn: `urn:pulumi:t::p::${type}::${name}`,
    provider: type.startsWith("pulumi:providers") ? undefined : PROVIDER,
    custom: true,
    read: false,
    inputs,
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
});

/**
 * One VPC: REJECT records of 3 fields to a CloudWatch log group kept 30 days, with a filter and
 * alarm, a dimension filter, a Contributor Insights rule and a dashboard; ALL records of 5 fields
 * to S3 as Parquet, Standard-IA after 30 days, expired after 90; one Glue table and one named query.
 */
function smallPlan(): Plan {
    return {
        stack: "t",
        project: "p",
        resources: [
            { ...resource("pulumi:providers:aws", "aws-us-east-1", { region: "us-east-1" }), urn: PROVIDER },
            resource("aws:ec2/flowLog:FlowLog", "alarms", {
                vpcId: "vpc-1",
                trafficType: "REJECT",
                logDestinationType: "cloud-watch-logs",
                logDestination: "arn:aws:logs:us-east-1:123456789012:log-group:/t/one",
                logFormat: "${srcaddr} ${dstport} ${action}",
            }),
            resource("aws:ec2/flowLog:FlowLog", "lake", {
                vpcId: "vpc-1",
                trafficType: "ALL",
                logDestinationType: "s3",
                logDestination: "arn:aws:s3:::lake/flows/",
                destinationOptions: { fileFormat: "parquet", perHourPartition: true },
                logFormat: "${srcaddr} ${dstaddr} ${dstport} ${action} ${start}",
            }),
            resource("aws:cloudwatch/logGroup:LogGroup", "group", { name: "/t/one", retentionInDays: 30 }),
            resource("aws:cloudwatch/logMetricFilter:LogMetricFilter", "rejects", {
                logGroupName: "/t/one",
                pattern: "[srcaddr, dstport, action = REJECT]",
                metricTransformation: { name: "rejects", namespace: "T", value: "1" },
            }),
            resource("aws:cloudwatch/logMetricFilter:LogMetricFilter", "byAction", {
                logGroupName: "/t/one",
                pattern: "[srcaddr, dstport, action]",
                metricTransformation: {
                    name: "records",
                    namespace: "T",
                    value: "1",
                    dimensions: { Action: "$action" },
                },
            }),
            resource("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", {
                namespace: "T",
                metricName: "rejects",
                period: 300,
                statistic: "Sum",
            }),
            resource("aws:cloudwatch/contributorInsightRule:ContributorInsightRule", "top", {
                ruleName: "top",
                ruleState: "ENABLED",
                ruleDefinition: JSON.stringify({
                    LogFormat: "CLF",
                    LogGroupNames: ["/t/*"],
                    Contribution: { Keys: ["srcaddr"], Filters: [{ Match: "action", In: ["REJECT"] }] },
                }),
            }),
            resource("aws:cloudwatch/dashboard:Dashboard", "dashboard", { dashboardName: "t" }),
            resource("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lifecycle", {
                bucket: "lake",
                rules: [
                    {
                        id: "flows",
                        status: "Enabled",
                        filter: { prefix: "flows/" },
                        transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
                        expiration: { days: 90 },
                    },
                ],
            }),
            resource("aws:glue/catalogTable:CatalogTable", "table", {
                databaseName: "db",
                name: "flow_logs",
                partitionKeys: [{ name: "hour", type: "string" }],
                storageDescriptor: {
                    location: "s3://lake/flows/AWSLogs/",
                    inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                    columns: [{ name: "srcaddr", type: "string" }],
                },
            }),
            resource("aws:athena/namedQuery:NamedQuery", "query", {
                name: "sources",
                database: "db",
                query: "SELECT srcaddr, count(*) AS flows FROM flow_logs WHERE hour >= date_format(current_timestamp - interval '24' hour, '%H') GROUP BY srcaddr",
            }),
        ],
    };
}

const TRAFFIC: Traffic = { gbPerVpcMonth: 100, rejectShare: 0.1, queryRunsPerMonth: 30 };

const close = (actual: number, expected: number, what: string) =>
    assert.ok(
        Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
        `${what}: ${actual} != ${expected}`,
    );

describe("cost engine: a small plan priced by hand", () => {
    const table = fixedPriceTable();
    const estimate = estimateDeployment(readDeployment(smallPlan()), TRAFFIC, table);
    const monthly = (item: string) => {
        const line = estimate.lines.find((l) => l.item === item);
        assert.ok(line, `no line ${item} in ${estimate.lines.map((l) => l.item).join(" | ")}`);
        return line.monthly;
    };

    // Bytes of a version-2 record: the typical lengths of its 14 values, 13 spaces, a line end.
    const v2 = 1 + 12 + 21 + 13 + 13 + 4.4 + 3.8 + 1.1 + 1.7 + 3.8 + 10 + 10 + 6 + 2 + 13 + 1; // 116.8
    const GiB = 2 ** 30;
    const records = (100 * GiB) / v2; // a VPC-month: 919.3 million records
    const perDay = 365.25 / 12; // days in a month
    // CloudWatch: REJECT records (10 %) of srcaddr, dstport, action: 13 + 3.8 + 6 + 2 spaces + 1 = 25.8 B.
    const cwGb = (0.1 * records * 25.8) / GiB; // 2.2089 GB
    // S3: ALL records of srcaddr, dstaddr, dstport, action, start: 13 + 13 + 3.8 + 6 + 10 + 4 + 1 = 50.8 B.
    const s3Gb = (records * 50.8) / GiB; // 43.493 GB
    // At rest in Parquet: 2 + 2 + 1.5 + 0.1 + 1.5 = 7.1 B a record.
    const storedGb = (records * 7.1) / GiB; // 6.0788 GB a month
    // 12 objects an hour x 730 h = 8,760 objects of 6.0788 GB / 8,760 = 745 KB: above 128 KB, so they move to IA.
    const objects = 12 * 730;

    const expected = {
        "CloudWatch alarms, standard resolution": 1 * 0.1,
        "Custom metrics from metric filters": (1 + 1) * 0.3, // rejects, and records by Action: only REJECT reaches the group
        "Contributor Insights rules": 1 * 0.5,
        "CloudWatch dashboards": 1 * 3,
        "S3 lifecycle transitions to STANDARD_IA": (objects / 1000) * 0.01,
        "S3 PUT requests of flow log delivery": (objects / 1000) * 0.005,
        "Glue Data Catalog objects": (1 / 100_000) * 1,
        "Contributor Insights matched log events": ((0.1 * records) / 1e6) * 0.02,
        "Flow log delivery to CloudWatch Logs (REJECT, 3 fields)": cwGb * 0.5,
        "CloudWatch Logs storage (30 days kept)": cwGb * 0.15 * (30 / perDay) * 0.03,
        "Flow log delivery to S3 (ALL, 5 fields, Parquet)": s3Gb * 0.25,
        "Parquet conversion (5 fields)": s3Gb * 0.035,
        "S3 STANDARD storage, days 0-30 (Parquet)": storedGb * (30 / perDay) * 0.023,
        "S3 STANDARD_IA storage, days 30-90 (Parquet)": storedGb * (60 / perDay) * 0.0125,
        // The query reads srcaddr (2 B a record; `hour` is a partition key) in the 25 hourly
        // partitions a 24-hour window touches, 30 times a month, at $5 per TB (2^40 bytes).
        "Athena scans of 1 named queries": ((30 * (records / 730) * 25 * 2) / 2 ** 40) * 5,
    };

    for (const [item, usd] of Object.entries(expected)) {
        it(`${item}: $${usd.toFixed(4)}`, () => close(monthly(item), usd, item));
    }

    it("has no other line, and adds them up into fixed and variable", () => {
        assert.deepEqual(estimate.lines.map((l) => l.item).sort(), Object.keys(expected).sort());
        const fixed = 0.1 + 0.6 + 0.5 + 3 + 0.0876 + 0.0438 + 0.00001;
        close(estimate.monthly.fixed, fixed, "fixed");
        const variable = Object.values(expected).reduce((a, b) => a + b, 0) - fixed;
        close(estimate.monthly.variable, variable, "variable");
        close(estimate.monthly.total, fixed + variable, "total");
        // Per TB: the variable cost of 100 GB of version-2 traffic, scaled to 1,024 GB.
        close(estimate.perTb, (variable / 100) * 1024, "per TB");
        assert.equal(Math.round(estimate.monthly.total * 100) / 100, 19.98);
    });

    it("splits the fixed cost into per VPC, per region and per stack", () => {
        close(estimate.fixedByScope.perVpc, 0.1 + 0.6 + 0.0876 + 0.0438, "per VPC");
        close(estimate.fixedByScope.perRegion, 0.5, "per region");
        close(estimate.fixedByScope.perStack, 3 + 0.00001, "per stack");
    });

    it("applies tiers to the month's total of a price", () => {
        const price = loadPriceTable().prices.vendedLogsToCloudWatchLogs;
        // 12,000 GB: the first 10,240 at $0.50 and 1,760 at $0.25.
        assert.deepEqual(tieredCost(price, 12_000), { usd: 10_240 * 0.5 + 1_760 * 0.25, estimate: false });
        // 60,000 GB reaches the last tier: 10,240 x 0.50 + 20,480 x 0.25 + 20,480 x 0.10 + 8,800 x 0.05.
        close(tieredCost(price, 60_000).usd, 5_120 + 5_120 + 2_048 + 440, "60 TB");
    });
});

describe("cost engine: reading the plan", () => {
    it("reads the columns and the window of a query", () => {
        assert.deepEqual(
            queryReads("SELECT srcaddr, sum(bytes) FROM flow_logs WHERE action = 'REJECT' GROUP BY srcaddr"),
            {
                tables: ["flow_logs"],
                columns: ["srcaddr", "bytes", "action"],
            },
        );
        assert.equal(queryReads("SELECT * FROM flow_logs")?.columns, "all");
        assert.equal(queryReads("SELECT FROM WHERE"), undefined);
        assert.equal(queryWindowHours("... current_timestamp - interval '14' day ..."), 336);
        assert.equal(queryWindowHours("SELECT 1"), 24);
    });

    it("keeps objects under 128 KB in Standard (S3's default), unless the configuration says otherwise", () => {
        const lifecycle = readDeployment(smallPlan()).lifecycles[0];
        assert.deepEqual(
            storagePhases(lifecycle, "flows/AWSLogs/", 100 * 1024).phases.map((p) => p.storageClass),
            ["STANDARD"],
        );
        assert.deepEqual(
            storagePhases(
                { ...lifecycle, transitionDefaultMinimumObjectSize: "varies_by_storage_class" },
                "flows/AWSLogs/",
                100 * 1024,
            ).phases.map((p) => [p.storageClass, p.fromDay, p.toDay]),
            [
                ["STANDARD", 0, 30],
                ["STANDARD_IA", 30, 90],
            ],
        );
    });

    it("prices metric-math and anomaly detection alarms per metric they read", () => {
        const small = smallPlan();
        const alarm = (name: string, metricQueries: object[]) =>
            resource("aws:cloudwatch/metricAlarm:MetricAlarm", name, { metricQueries });
        const metric = (id: string) => ({ id, metric: { namespace: "T", metricName: id, period: 300, stat: "Sum" } });
        const plan: Plan = {
            ...small,
            resources: [
                ...small.resources,
                alarm("math", [metric("a"), metric("b"), { id: "e", expression: "a + b", returnData: true }]),
                alarm("insight", [
                    { id: "e", expression: 'INSIGHT_RULE_METRIC("top", "MaxContributorValue")', period: 300 },
                ]),
                alarm("anomaly", [metric("m"), { id: "band", expression: "ANOMALY_DETECTION_BAND(m, 2)" }]),
            ],
        };
        const items = billableItems(readDeployment(plan), TRAFFIC, {
            cloudWatchLogsArchiveShare: 0.15,
            parquetShareOfGzipText: 0.8,
            flowLogObjectsPerHour: 12,
            alarmMetricsPerAnomalyBand: 3,
            hoursPerMonth: 730,
        }).items.filter((i) => i.price === "standardAlarmMetrics");
        // The plan's alarm (1) + math (2 metrics) + insight rule (1) + anomaly (1 metric x 3).
        assert.equal(
            items.reduce((n, i) => n + i.quantity, 0),
            1 + 2 + 1 + 3,
        );
    });
});

describe("cost engine: the estimate moves the right way", function () {
    this.timeout(120_000);
    const table = loadPriceTable();
    const baseConfig = {
        "aws:region": "us-east-1",
        "vpc-flow-monitor:regions": [{ region: "us-east-1", vpcs: [{ name: "one", cidrBlock: "10.10.0.0/16" }] }],
    };
    const priced = async (config: Record<string, unknown>, edit?: (plan: Plan) => Plan) => {
        const plan = await planOf(config);
        return costReportOf(readDeployment(edit ? edit(plan) : plan), TRAFFIC, table).estimate;
    };
    let base: Awaited<ReturnType<typeof priced>>;
    before(async () => {
        base = await priced(baseConfig);
    });

    /** The plan with every flow log of `type` given `logFormat` instead of its own. */
    const withFormat = (destinationType: string, logFormat: string) => (plan: Plan) => ({
        ...plan,
        resources: plan.resources.map((r) =>
            r.type === "aws:ec2/flowLog:FlowLog" && r.inputs.logDestinationType === destinationType
                ? { ...r, inputs: { ...r.inputs, logFormat } }
                : r,
        ),
    });

    it("is cheaper when the lake format carries fewer fields", async () => {
        const fewer = await priced(baseConfig, withFormat("s3", "${srcaddr} ${dstaddr} ${dstport} ${action} ${start}"));
        assert.ok(
            fewer.monthly.variable < base.monthly.variable,
            `${fewer.monthly.variable} >= ${base.monthly.variable}`,
        );
        assert.equal(fewer.monthly.fixed, base.monthly.fixed);
    });

    it("is cheaper when the CloudWatch format carries fewer fields (the rules still find theirs)", async () => {
        const fewer = await priced(
            baseConfig,
            withFormat("cloud-watch-logs", "${dstport} ${protocol} ${packets} ${action} ${log-status}"),
        );
        assert.ok(fewer.monthly.variable < base.monthly.variable);
    });

    it("costs more fixed with one more alarm rule, and the same variable", async () => {
        const more = await priced({
            ...baseConfig,
            "vpc-flow-monitor:alerts": {
                rules: [
                    {
                        name: "telnet-rejected",
                        match: { action: "REJECT", protocol: "tcp", dstPort: 23 },
                        threshold: 3,
                    },
                ],
            },
        });
        // One more alarm ($0.10) and one more metric ($0.30).
        close(more.monthly.fixed - base.monthly.fixed, 0.1 + 0.3, "one more rule");
        close(more.monthly.variable, base.monthly.variable, "variable");
    });

    it("costs more storage with a longer log retention", async () => {
        const storage = (e: typeof base) =>
            e.lines.filter((l) => l.price === "cloudWatchLogsStorage").reduce((n, l) => n + l.monthly, 0);
        const longer = await priced({ ...baseConfig, "vpc-flow-monitor:flowLogs": { logRetentionDays: 365 } });
        assert.ok(storage(longer) > storage(base), `${storage(longer)} <= ${storage(base)}`);
        // Steady state: the stored volume grows with the days kept (the default is 90).
        close(storage(longer) / storage(base), 365 / 90, "storage ratio");
        assert.ok(longer.monthly.total > base.monthly.total);
    });

    it("costs more S3 storage with a later lake expiry", async () => {
        const s3 = (e: typeof base) =>
            e.lines.filter((l) => l.price.startsWith("s3Storage")).reduce((n, l) => n + l.monthly, 0);
        const longer = await priced({ ...baseConfig, "vpc-flow-monitor:lake": { expireAfterDays: 800 } });
        assert.ok(s3(longer) > s3(base));
    });

    it("counts the Action dimension as 2 values when the log group receives ALL traffic, 1 for REJECT", async () => {
        const metrics = (e: typeof base) =>
            e.lines.filter((l) => l.price === "customMetrics").reduce((n, l) => n + l.quantity, 0);
        const all = await priced({ ...baseConfig, "vpc-flow-monitor:flowLogs": { cloudWatchTrafficType: "ALL" } });
        assert.equal(metrics(all) - metrics(base), 1);
        // And a CloudWatch stream of ALL traffic costs ten times the REJECT one at 10 % REJECT.
        const cw = (e: typeof base) => e.lines.find((l) => l.price === "vendedLogsToCloudWatchLogs")!.monthly;
        close(cw(all), cw(base) * 10, "ALL vs REJECT ingestion");
    });

    it("prices whatever formats the plan configures: the report lists each flow log's format from the plan", async () => {
        const plan = await planOf(baseConfig);
        const report = costReportOf(readDeployment(plan), TRAFFIC, table);
        const planned = plan.resources
            .filter((r) => r.type === "aws:ec2/flowLog:FlowLog")
            .map((r) => r.inputs.logFormat)
            .sort();
        assert.deepEqual(report.formats.map((f) => f.logFormat).sort(), planned);
    });
});

describe("cost engine: the price table", () => {
    it("loads tools/cost/prices.yaml: every price has a public source, a date and an estimate flag", () => {
        const table = loadPriceTable();
        for (const price of Object.values(table.prices)) {
            assert.match(price.source, /^https:\/\//, price.key);
            assert.match(price.date, /^\d{4}-\d{2}(-\d{2})?$/, price.key);
            assert.equal(typeof price.estimate, "boolean", price.key);
        }
        assert.equal(table.region, "us-east-1");
    });

    it("refuses an entry whose unit differs from the engine's, naming the key", () => {
        const raw = YAML.parse(fs.readFileSync(PRICES_FILE, "utf8"));
        raw.prices.dashboards.unit = "dashboard";
        assert.throws(
            () => parsePriceTable(raw, "prices.yaml"),
            (err: Error) =>
                err instanceof PriceTableError &&
                err.message ===
                    'prices.yaml: 1 problem(s)\n  - prices.dashboards.unit: given "dashboard"; the engine counts this in "dashboard-month"',
        );
    });

    it("refuses a missing source, a tier list without a last open tier, and an unknown price", () => {
        const raw = YAML.parse(fs.readFileSync(PRICES_FILE, "utf8"));
        delete raw.prices.athenaScans.source;
        raw.prices.vendedLogsToS3.tiers[3].upTo = 99_999;
        raw.prices.ec2Hours = { ...raw.prices.dashboards };
        assert.throws(
            () => parsePriceTable(raw, "prices.yaml"),
            (err: Error) =>
                err.message ===
                [
                    "prices.yaml: 2 problem(s)",
                    "  - prices.vendedLogsToS3.tiers.3: the last tier has no upTo (it has no upper bound)",
                    "  - prices.athenaScans.source: Invalid input: expected string, received undefined",
                ].join("\n"),
        );
        delete raw.prices.ec2Hours;
    });
});

describe("npm run cost", function () {
    this.timeout(120_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-cost-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("prints the JSON document: monthly fixed/variable/total, perTb, seeds and items", async () => {
        const { result, stdout, stderr } = await run(["--stack", "dev", "--json"]);
        assert.equal(result, 0, stderr);
        const doc = JSON.parse(stdout);
        for (const key of ["fixed", "variable", "total"]) assert.equal(typeof doc.monthly[key], "number", key);
        assert.ok(Math.abs(doc.monthly.fixed + doc.monthly.variable - doc.monthly.total) < 1e-3);
        assert.equal(typeof doc.perTb, "number");
        assert.deepEqual(
            doc.seeds.map((s: any) => s.name),
            ["A: CloudWatch Logs ALL + S3 plain text ALL", "B: CloudWatch Logs -> Lambda -> Firehose Parquet + KDA"],
        );
        for (const seed of doc.seeds) {
            assert.equal(typeof seed.perTb, "number");
            assert.equal(typeof seed.monthlyTotal, "number");
        }
        assert.ok(doc.items.length > 5);
        for (const item of doc.items) {
            assert.equal(typeof item.item, "string");
            assert.equal(typeof item.count, "number");
            assert.equal(typeof item.unit, "string");
            assert.equal(typeof item.monthly, "number");
        }
        const sum = doc.items.reduce((n: number, i: any) => n + i.monthly, 0);
        assert.ok(Math.abs(sum - doc.monthly.total) < 0.01, `${sum} vs ${doc.monthly.total}`);
        assert.ok(doc.estimatedPrices.some((p: any) => p.key === "parquetConversion"));
    });

    it("prints the table, the totals, per TB, the seeds beside it and the estimated prices", async () => {
        const { result, stdout } = await run(["--stack", "dev", "--gb-per-vpc-month", "1024"]);
        assert.equal(result, 0);
        assert.match(stdout, /^Cost of stack "dev" \(offline plan of Pulumi\.dev\.yaml\): US dollars a month/);
        assert.match(stdout, /Traffic: 1 VPC x 1024 GB\/VPC-month of ALL traffic/);
        assert.match(stdout, /^item +for +count +unit +unit price +monthly$/m);
        assert.match(stdout, /^Total +\$[\d,]+\.\d\d$/m);
        assert.match(stdout, /^Per TB of version-2-format traffic \(1,024 GB\): \$[\d,.]+ variable\.$/m);
        assert.match(stdout, /^Fixed: \$[\d.]+ per VPC x 1 \+ \$[\d.]+ per region x 1 \+ \$[\d.]+ per stack = /m);
        assert.match(stdout, /^ {2}A: CloudWatch Logs ALL \+ S3 plain text ALL +\$/m);
        assert.match(stdout, /^ {2}B: CloudWatch Logs -> Lambda -> Firehose Parquet \+ KDA +\$/m);
        assert.match(
            stdout,
            /^Estimated prices \(not confirmed on their source page; update them in tools\/cost\/prices\.yaml\):$/m,
        );
        assert.match(stdout, /^ {2}parquetConversion: \$0\.035 per GB/m);
    });

    const bad = [
        {
            argv: ["--stack", "dev", "--gb-per-vpc-month", "0"],
            message:
                "--gb-per-vpc-month 0: expected GB of version-2-format ALL traffic per VPC and month, a number above 0 and at most 1048576, e.g. 100",
        },
        {
            argv: ["--stack", "dev", "--gb-per-vpc-month", "1e3"],
            message:
                "--gb-per-vpc-month 1e3: expected GB of version-2-format ALL traffic per VPC and month, a number above 0 and at most 1048576, e.g. 100",
        },
        {
            argv: ["--stack", "dev", "--reject-share", "1.5"],
            message: "--reject-share 1.5: expected the share of records that are REJECT, from 0 to 1, e.g. 0.1",
        },
        {
            argv: ["--stack", "dev", "--reject-share", "10%"],
            message: "--reject-share 10%: expected the share of records that are REJECT, from 0 to 1, e.g. 0.1",
        },
        {
            argv: ["--stack", "dev", "--query-runs", "2.5"],
            message:
                "--query-runs 2.5: expected how many times each named query runs a month, a whole number from 0 to 100000, e.g. 30",
        },
        {
            argv: ["--stack", "dev", "--gb-per-vpc-month=-5", "--query-runs", "x"],
            message: [
                "--gb-per-vpc-month -5: expected GB of version-2-format ALL traffic per VPC and month, a number above 0 and at most 1048576, e.g. 100",
                "--query-runs x: expected how many times each named query runs a month, a whole number from 0 to 100000, e.g. 30",
            ].join("\n"),
        },
        { argv: ["--stack", "dev", "extra"], message: "unexpected argument extra" },
        { argv: [], message: "give exactly one of --stack NAME or --config FILE" },
        {
            argv: ["--stack", "dev", "--config", "x.yaml"],
            message: "give exactly one of --stack NAME or --config FILE",
        },
    ];
    for (const { argv, message } of bad) {
        it(`exits 2 on ${argv.join(" ") || "no arguments"}, saying so and printing nothing else`, async () => {
            const { result, stdout, stderr } = await run(argv);
            assert.equal(result, 2);
            assert.equal(stdout, "");
            assert.equal(stderr, `${message}\n${USAGE}\n`);
        });
    }

    it("exits 2 on an unknown option", async () => {
        const { result, stdout, stderr } = await run(["--stack", "dev", "--gb", "5"]);
        assert.equal(result, 2);
        assert.equal(stdout, "");
        assert.match(stderr, /^Unknown option '--gb'/);
    });

    it("exits 2 on a price table it cannot use, before planning", async () => {
        const missing = path.join(dir, "none.yaml");
        let out = await run(["--stack", "dev", "--prices", missing]);
        assert.equal(out.result, 2);
        assert.equal(out.stderr, `cannot read price table ${missing}: ENOENT\n`);
        const file = path.join(dir, "prices.yaml");
        fs.writeFileSync(
            file,
            fs.readFileSync(PRICES_FILE, "utf8").replace("unit: dashboard-month", "unit: dashboard"),
        );
        out = await run(["--stack", "dev", "--prices", file]);
        assert.equal(out.result, 2);
        assert.equal(out.stdout, "");
        assert.equal(
            out.stderr,
            `${file}: 1 problem(s)\n  - prices.dashboards.unit: given "dashboard"; the engine counts this in "dashboard-month"\n`,
        );
    });

    it("exits 2 on an invalid stack config, with the config report", async () => {
        const file = path.join(dir, "Pulumi.bad.yaml");
        fs.writeFileSync(file, "config:\n  aws:region: us-east-1\n  vpc-flow-monitor:regions: []\n");
        const { result, stdout, stderr } = await run(["--config", file]);
        assert.equal(result, 2);
        assert.equal(stdout, "");
        assert.match(stderr, /^Invalid vpc-flow-monitor configuration in .*Pulumi\.bad\.yaml: /);
        assert.match(stderr, /Nothing was planned or deployed\.\n$/);
    });
});
