/**
 * AnalyticsLake: the bucket every region's flow logs land in as Parquet, the Glue table over it,
 * and an Athena workgroup with ready named queries. Lives in the stack's home region.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    ATHENA_RESULTS_PREFIX,
    FLOW_LOG_PREFIX,
    FLOW_LOG_TABLE,
    lakeColumns,
    PARQUET_STORAGE,
    PARTITION_KEYS,
    projectionParameters,
    resolveLakeFields,
    tableLocation,
} from "./layout";
import { queriesForFields } from "./queries";
import { athenaWorkgroupName, glueDatabaseName } from "../naming";
import { lakeBucketPolicy } from "../policyDocuments";
import { DEFAULTS, LakeFieldsChoice } from "../defaults";
import { throwIfInvalid } from "../invalidArgs";
import { analyticsLakeProblems } from "../validation";

const TYPE = "vpc-flow-monitor:lake:AnalyticsLake";

const GIB = 1024 ** 3;
/** Query results are scratch output; keeping them a week is enough to download them. */
const ATHENA_RESULTS_EXPIRE_DAYS = 7;
/** Superseded object versions are kept this long so an overwrite or delete can be undone. */
const NONCURRENT_VERSION_EXPIRE_DAYS = 30;

export interface AnalyticsLakeArgs {
    /** The stack name: namespaces the Glue database and Athena workgroup. */
    readonly stack: string;
    readonly accountId: pulumi.Input<string>;
    /** `aws`, or another partition's name, for ARNs. */
    readonly partition: pulumi.Input<string>;
    /** Every region whose flow logs deliver here: the bucket policy and partition projection cover them. */
    readonly regions: readonly string[];
    /**
     * Every account and its regions whose flow logs deliver here, when other accounts do too: the
     * bucket policy admits exactly these.
     * @default this account with `regions`
     */
    readonly deliverySources?: readonly {
        readonly accountId: pulumi.Input<string>;
        readonly regions: readonly string[];
    }[];
    /**
     * Admit delivery from every account of this AWS Organization (aws:SourceOrgID) instead.
     * @default the listed accounts and regions only
     */
    readonly organizationId?: string;
    /**
     * Days after which flow log objects move to S3 Standard-IA.
     * @default 30
     */
    readonly transitionToInfrequentAccessDays?: number;
    /**
     * Days after which flow log objects are deleted.
     * @default 400
     */
    readonly expireAfterDays?: number;
    /**
     * Keep the flow log archive: the bucket is protected and retained on delete, and never
     * force-destroyed. Off only for throwaway stacks (see protection.ts).
     * @default true
     */
    readonly protectData?: boolean;
    /**
     * The most one Athena query in the workgroup may scan before it is cancelled, in GiB.
     * @default 10
     */
    readonly bytesScannedCutoffGb?: number;
    /**
     * The fields the lake flow logs deliver (every MonitoredVpc must be given the same): the Glue
     * table's columns, and which named queries exist (one needing a missing column is left out).
     * @default "default" (components/defaults.ts LAKE_DEFAULT_FIELDS)
     */
    readonly fields?: LakeFieldsChoice;
}

export class AnalyticsLake extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;
    /**
     * The bucket policy: flow logs must not be created before it exists, or their first delivery
     * fails and AWS tries to write its own policy over ours.
     */
    public readonly bucketPolicy: aws.s3.BucketPolicy;
    public readonly databaseName: pulumi.Output<string>;
    public readonly tableName: pulumi.Output<string>;
    public readonly workgroupName: pulumi.Output<string>;
    public readonly namedQueryIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: AnalyticsLakeArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(`AnalyticsLake "${name}"`, analyticsLakeProblems(args));
        super(TYPE, name, {}, opts);
        const transitionDays = args.transitionToInfrequentAccessDays ?? DEFAULTS.transitionToInfrequentAccessDays;
        const expireDays = args.expireAfterDays ?? DEFAULTS.expireAfterDays;
        const cutoffGb = args.bytesScannedCutoffGb ?? DEFAULTS.bytesScannedCutoffGb;
        const parent = { parent: this };
        const fields = resolveLakeFields(args.fields);
        const namedQueries = queriesForFields(fields);

        const protectData = args.protectData ?? true;
        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            // forceDestroy empties the bucket (every version) on delete: only where the data is not kept.
            { forceDestroy: !protectData },
            { parent: this, protect: protectData, retainOnDelete: protectData },
        );

        // ACLs disabled: the bucket owner owns every object, including those the log delivery service writes.
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            parent,
        );
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${name}-publicAccessBlock`,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            parent,
        );
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            parent,
        );
        const versioning = new aws.s3.BucketVersioning(
            `${name}-versioning`,
            { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
            parent,
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                // Said, not left to S3's default: objects under 128 KB never transition (in Standard-IA a
                // small object is billed as 128 KB, and the transition fee outweighs its saving), so a
                // quiet VPC's small Parquet objects stay in Standard until they expire.
                transitionDefaultMinimumObjectSize: "all_storage_classes_128K",
                rules: [
                    {
                        id: "flow-logs-tiering-and-expiry",
                        status: "Enabled",
                        filter: { prefix: `${FLOW_LOG_PREFIX}/` },
                        transitions: [{ days: transitionDays, storageClass: "STANDARD_IA" }],
                        expiration: { days: expireDays },
                        noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_EXPIRE_DAYS },
                    },
                    {
                        id: "athena-results-expiry",
                        status: "Enabled",
                        filter: { prefix: `${ATHENA_RESULTS_PREFIX}/` },
                        expiration: { days: ATHENA_RESULTS_EXPIRE_DAYS },
                        noncurrentVersionExpiration: { noncurrentDays: 1 },
                    },
                    {
                        id: "abort-incomplete-uploads",
                        status: "Enabled",
                        filter: {},
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            // S3 rejects lifecycle rules with noncurrent-version actions on a bucket that never had versioning.
            { parent: this, dependsOn: [versioning] },
        );

        const sourceAccounts = pulumi.all((args.deliverySources ?? []).map((s) => s.accountId));
        const policyDocument = pulumi
            .all([bucket.arn, args.accountId, args.partition, sourceAccounts])
            .apply(([bucketArn, accountId, partition, accounts]) =>
                JSON.stringify(
                    lakeBucketPolicy({
                        bucketArn,
                        accountId,
                        partition,
                        regions: args.regions,
                        ...(args.deliverySources
                            ? {
                                  sources: args.deliverySources.map((s, i) => ({
                                      accountId: accounts[i],
                                      regions: s.regions,
                                  })),
                              }
                            : {}),
                        ...(args.organizationId !== undefined ? { organizationId: args.organizationId } : {}),
                    }),
                ),
            );
        // PutBucketPolicy fails while Block Public Access is being applied; order them.
        this.bucketPolicy = new aws.s3.BucketPolicy(
            `${name}-bucketPolicy`,
            { bucket: bucket.id, policy: policyDocument },
            { parent: this, dependsOn: [publicAccessBlock, ownership, encryption] },
        );

        const database = new aws.glue.CatalogDatabase(
            `${name}-database`,
            { name: glueDatabaseName(args.stack), description: "VPC flow logs delivered by vpc-flow-monitor" },
            parent,
        );
        const location = pulumi.all([bucket.bucket, args.accountId]).apply(([b, a]) => tableLocation(b, a));
        const table = new aws.glue.CatalogTable(
            `${name}-table`,
            {
                databaseName: database.name,
                name: FLOW_LOG_TABLE,
                description: "VPC flow logs, Parquet, hive-compatible hourly partitions, partition projection",
                tableType: "EXTERNAL_TABLE",
                parameters: pulumi.all([bucket.bucket, args.accountId]).apply(([b, a]) => ({
                    EXTERNAL: "TRUE",
                    classification: "parquet",
                    ...projectionParameters(b, a, args.regions),
                })),
                partitionKeys: PARTITION_KEYS.map((key) => ({ name: key.name, type: key.type })),
                storageDescriptor: {
                    location,
                    inputFormat: PARQUET_STORAGE.inputFormat,
                    outputFormat: PARQUET_STORAGE.outputFormat,
                    serDeInfo: {
                        serializationLibrary: PARQUET_STORAGE.serializationLibrary,
                        parameters: { "serialization.format": "1" },
                    },
                    columns: lakeColumns(fields),
                },
            },
            parent,
        );

        const workgroup = new aws.athena.Workgroup(
            `${name}-workgroup`,
            {
                name: athenaWorkgroupName(args.stack),
                description: "Queries over the vpc-flow-monitor flow log lake",
                state: "ENABLED",
                // Deleting the stack must be able to delete the workgroup along with its saved queries.
                forceDestroy: true,
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    publishCloudwatchMetricsEnabled: true,
                    bytesScannedCutoffPerQuery: cutoffGb * GIB,
                    engineVersion: { selectedEngineVersion: "Athena engine version 3" },
                    resultConfiguration: {
                        outputLocation: pulumi.interpolate`s3://${bucket.bucket}/${ATHENA_RESULTS_PREFIX}/`,
                        encryptionConfiguration: { encryptionOption: "SSE_S3" },
                    },
                },
            },
            parent,
        );

        const queries = namedQueries.map(
            (query) =>
                new aws.athena.NamedQuery(
                    `${name}-query-${query.name}`,
                    {
                        name: query.name,
                        description: query.description,
                        database: database.name,
                        workgroup: workgroup.name,
                        query: query.sql,
                    },
                    { parent: this, dependsOn: [table] },
                ),
        );

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.databaseName = database.name;
        this.tableName = table.name;
        this.workgroupName = workgroup.name;
        this.namedQueryIds = pulumi
            .all(queries.map((q) => q.id))
            .apply((ids) => Object.fromEntries(namedQueries.map((q, i) => [q.name, ids[i]])));
        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            databaseName: this.databaseName,
            tableName: this.tableName,
            workgroupName: this.workgroupName,
            namedQueryIds: this.namedQueryIds,
        });
    }
}
