/**
 * What values each flow log field can hold in each kind of record, so a filter pattern can be
 * judged against what AWS really delivers: `protocol = 300` or `action = DROP` never match, and a
 * NODATA record has `-` where a REJECT record has addresses, ports and its action.
 *
 * Sources: AWS's VPC user guide, "Flow log records" (available fields and their values) and
 * "Flow log record examples" (NODATA and SKIPDATA records: `- - - - - - -` in the traffic fields
 * and `-` in action). Where the guide gives no closed list (ids, addresses, ECS names), a domain
 * is a shape plus sample values; ECS names are the user's own text, so any term may occur in them.
 */
import { FlowLogField, formatVersion } from "./fields";
import { FlowAction, LogStatus } from "./flowMatch";

/** The four kinds of record a flow log delivers; every record is exactly one of them. */
export const RecordKind = {
    REJECT: "REJECT",
    ACCEPT: "ACCEPT",
    NODATA: "NODATA",
    SKIPDATA: "SKIPDATA",
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];
export const RECORD_KINDS: readonly RecordKind[] = Object.values(RecordKind);

/** The record kind of an action's records (log-status OK). */
export function kindOfAction(action: FlowAction): RecordKind {
    return action === FlowAction.REJECT ? RecordKind.REJECT : RecordKind.ACCEPT;
}

/** How the kinds read in messages. */
export function describeKind(kind: RecordKind): string {
    return kind === RecordKind.REJECT || kind === RecordKind.ACCEPT
        ? `${kind} record`
        : `${kind} record (log-status ${kind}, no traffic: "-" in action, addresses and ports)`;
}

export interface ValueDomain {
    /** For messages: what the field holds. */
    readonly describe: string;
    /** The exact, complete list of values, when there is one. */
    readonly values?: readonly string[];
    /** Whole numbers in this inclusive range, written in decimal without leading zeros. */
    readonly int?: { readonly lo: number; readonly hi: number };
    /** A value's shape (the field is text). */
    readonly shape?: RegExp;
    /** Typical values, tried first. */
    readonly samples?: readonly string[];
    /** The user's own text (ECS names): any word may occur in it. */
    readonly freeText?: boolean;
    /** Whether `-` (no value) may also appear. */
    readonly dash?: boolean;
}

const DASH_ONLY: ValueDomain = { describe: '"-" (no value)', values: ["-"] };
const MAX_COUNT = Number.MAX_SAFE_INTEGER;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** Flow logs write IPv6 in lower case, compressed. */
const IPV6 = /^(?=.*:)[0-9a-f:]{2,39}$/;
const ADDRESS_SHAPE = new RegExp(`${IPV4.source}|${IPV6.source}`);
const ADDRESS_SAMPLES = ["10.0.1.5", "172.31.16.139", "192.168.1.1", "203.0.113.12", "2001:db8::1", "fe80::1"];

/** The services `pkt-src-aws-service` / `pkt-dst-aws-service` name (AWS's ip-ranges service names). */
export const AWS_SERVICES = [
    "AMAZON",
    "AMAZON_APPFLOW",
    "AMAZON_CONNECT",
    "API_GATEWAY",
    "CHIME_MEETINGS",
    "CHIME_VOICECONNECTOR",
    "CLOUD9",
    "CLOUDFRONT",
    "CODEBUILD",
    "DYNAMODB",
    "EBS",
    "EC2",
    "EC2_INSTANCE_CONNECT",
    "GLOBALACCELERATOR",
    "KINESIS_VIDEO_STREAMS",
    "ROUTE53",
    "ROUTE53_HEALTHCHECKS",
    "ROUTE53_HEALTHCHECKS_PUBLISHING",
    "ROUTE53_RESOLVER",
    "S3",
    "WORKSPACES_GATEWAYS",
] as const;

const id = (prefix: string, describe: string, dash = false): ValueDomain => ({
    describe,
    shape: new RegExp(`^${prefix}-[0-9a-f]{8,17}$`),
    samples: [`${prefix}-0a1b2c3d4e5f60718`],
    dash,
});
const free = (describe: string, samples: readonly string[]): ValueDomain => ({
    describe,
    shape: /^\S+$/,
    samples,
    freeText: true,
    dash: true,
});

/** The domain of a field in records of OK status (ACCEPT and REJECT alike, except `action` and `reject-reason`). */
const OK_DOMAINS: Readonly<Record<string, ValueDomain>> = {
    "account-id": { describe: "a 12-digit account id", shape: /^\d{12}$/, samples: ["111122223333"] },
    "interface-id": id("eni", "a network interface id (eni-...)"),
    srcaddr: { describe: "an IPv4 or IPv6 address", shape: ADDRESS_SHAPE, samples: ADDRESS_SAMPLES },
    dstaddr: { describe: "an IPv4 or IPv6 address", shape: ADDRESS_SHAPE, samples: ADDRESS_SAMPLES },
    srcport: { describe: "a port number 0-65535", int: { lo: 0, hi: 65535 } },
    dstport: { describe: "a port number 0-65535", int: { lo: 0, hi: 65535 } },
    protocol: { describe: "an IANA protocol number 0-255", int: { lo: 0, hi: 255 } },
    packets: { describe: "a packet count of at least 1", int: { lo: 1, hi: MAX_COUNT } },
    bytes: { describe: "a byte count of at least 1", int: { lo: 1, hi: MAX_COUNT } },
    start: { describe: "a time in Unix seconds", int: { lo: 0, hi: MAX_COUNT } },
    end: { describe: "a time in Unix seconds", int: { lo: 0, hi: MAX_COUNT } },
    "vpc-id": id("vpc", "a VPC id (vpc-...)"),
    "subnet-id": id("subnet", "a subnet id (subnet-...)"),
    "instance-id": id("i", 'an instance id (i-...) or "-"', true),
    "tcp-flags": { describe: "TCP flags 0-255", int: { lo: 0, hi: 255 } },
    type: { describe: "IPv4, IPv6 or EFA", values: ["IPv4", "IPv6", "EFA"] },
    "pkt-srcaddr": { describe: "an IPv4 or IPv6 address", shape: ADDRESS_SHAPE, samples: ADDRESS_SAMPLES },
    "pkt-dstaddr": { describe: "an IPv4 or IPv6 address", shape: ADDRESS_SHAPE, samples: ADDRESS_SAMPLES },
    region: {
        describe: "an AWS Region code",
        shape: /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/,
        samples: ["us-east-1", "eu-west-1"],
    },
    "az-id": { describe: "an Availability Zone id (use1-az1)", shape: /^[a-z]{2,5}\d+-az\d+$/, samples: ["use1-az1"] },
    "sublocation-type": {
        describe: 'wavelength, outpost, localzone or "-"',
        values: ["wavelength", "outpost", "localzone", "-"],
    },
    "sublocation-id": {
        describe: 'a sublocation id or "-"',
        shape: /^[a-z]+-[0-9a-z-]+$/,
        samples: ["op-0a1b2c3d4e5f60718"],
        dash: true,
    },
    "pkt-src-aws-service": { describe: 'an AWS service name or "-"', values: [...AWS_SERVICES, "-"] },
    "pkt-dst-aws-service": { describe: 'an AWS service name or "-"', values: [...AWS_SERVICES, "-"] },
    "flow-direction": { describe: "ingress or egress", values: ["ingress", "egress"] },
    "traffic-path": { describe: 'a traffic path 1-8 or "-"', int: { lo: 1, hi: 8 }, dash: true },
    "ecs-cluster-arn": free("an ECS cluster ARN", ["arn:aws:ecs:us-east-1:111122223333:cluster/web"]),
    "ecs-cluster-name": free("an ECS cluster name", ["web"]),
    "ecs-container-instance-arn": free("an ECS container instance ARN", [
        "arn:aws:ecs:us-east-1:111122223333:container-instance/web/0a1b2c3d",
    ]),
    "ecs-container-instance-id": free("an ECS container instance id", ["0a1b2c3d4e5f60718"]),
    "ecs-container-id": free("an ECS container id", ["0a1b2c3d4e5f60718"]),
    "ecs-second-container-id": free("an ECS container id", ["0a1b2c3d4e5f60718"]),
    "ecs-service-name": free("an ECS service name", ["web"]),
    "ecs-task-definition-arn": free("an ECS task definition ARN", [
        "arn:aws:ecs:us-east-1:111122223333:task-definition/web:1",
    ]),
    "ecs-task-arn": free("an ECS task ARN", ["arn:aws:ecs:us-east-1:111122223333:task/web/0a1b2c3d"]),
    "ecs-task-id": free("an ECS task id", ["0a1b2c3d4e5f60718"]),
};

/** Fields that describe the traffic: `-` in NODATA and SKIPDATA records (AWS's record examples). */
const TRAFFIC_FIELDS: ReadonlySet<string> = new Set([
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "action",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
    "flow-direction",
    "traffic-path",
    "ecs-cluster-arn",
    "ecs-cluster-name",
    "ecs-container-instance-arn",
    "ecs-container-instance-id",
    "ecs-container-id",
    "ecs-second-container-id",
    "ecs-service-name",
    "ecs-task-definition-arn",
    "ecs-task-arn",
    "ecs-task-id",
    "reject-reason",
]);

/** The values `field` can hold in a record of `kind` delivered in the format `fields`. */
export function domainOf(field: FlowLogField, kind: RecordKind, fields: readonly FlowLogField[]): ValueDomain {
    const ok = kind === RecordKind.REJECT || kind === RecordKind.ACCEPT;
    switch (field.name) {
        case "version": {
            // "the highest version among the specified fields" (AWS).
            const version = String(formatVersion(fields));
            return { describe: `${version} (the version of this format)`, values: [version] };
        }
        case "action":
            return ok ? { describe: `${kind} (in a ${kind} record)`, values: [kind] } : DASH_ONLY;
        case "log-status": {
            const status = ok ? LogStatus.OK : kind;
            return { describe: `${status} (in a ${describeKind(kind)})`, values: [status] };
        }
        case "reject-reason":
            // BPA: VPC Block Public Access; other rejections leave it "-".
            return kind === RecordKind.REJECT
                ? { describe: 'BPA or "-"', values: ["BPA", "-"] }
                : { describe: '"-" (the record is not a REJECT)', values: ["-"] };
        default:
            if (!ok && TRAFFIC_FIELDS.has(field.name)) return DASH_ONLY;
            return OK_DOMAINS[field.name] ?? { describe: "text", shape: /^\S+$/, samples: ["x"], dash: true };
    }
}

/** Whether `value` can be a value of the domain. */
export function inDomain(domain: ValueDomain, value: string): boolean {
    if (value === "-" && (domain.dash || domain.values?.includes("-"))) return true;
    if (domain.values) return domain.values.includes(value);
    if (domain.int) {
        if (!/^(0|[1-9]\d*)$/.test(value)) return false;
        const n = Number(value);
        return n >= domain.int.lo && n <= domain.int.hi;
    }
    return domain.shape ? domain.shape.test(value) : true;
}
