/**
 * A seeded generator of realistic VPC flow log records, for proving the lake's queries offline and
 * for trying them out (`npm run generate`).
 *
 * What it models, per VPC and per hour of the requested span:
 * - normal client/server traffic: internet clients (IPv4 and IPv6) to web servers on 443/80,
 *   web -> app on 8080, app and an ECS task -> database on 5432, app -> S3 and other AWS
 *   endpoints through a NAT gateway; each TCP connection is logged per direction and per network
 *   interface that sees it, as AWS does (a flow inside the VPC appears at both ends);
 * - attacks: one port scan (1..1024, fixed source port, within the last day), SSH and RDP brute
 *   force from a few public addresses (one over IPv6), background probes of common ports, pings;
 *   rejects in a VPC under Block Public Access carry `reject-reason` BPA;
 * - log-status NODATA for an interface without traffic in a capture window and a few SKIPDATA
 *   records; every field of the lake's log format (versions 2 to 8) is filled or `-` (null).
 *
 * Records are grouped into capture windows of the lake flow log's maximum aggregation interval
 * (600 s, see LAKE_AGGREGATION_SECONDS in components/defaults.ts): a record starts and ends
 * inside one window. Internet addresses are documentation addresses (RFC 5737, RFC 3849).
 *
 * Deterministic: the same options give the same records, in the same order.
 */
import { FlowLogRecord, formatVersion, FLOW_LOG_FIELDS, columnName } from "../../flowlogs/fields";
import { Rng } from "./prng";

export const DEFAULT_ACCOUNT_ID = "123456789012";
/** The lake flow log's maximum aggregation interval (components/defaults.ts LAKE_AGGREGATION_SECONDS). */
export const CAPTURE_WINDOW_SECONDS = 600;
/**
 * The records carry every field, so any lake format can be written from them; their version is
 * that of the whole field table (the highest version among the fields, AWS's rule).
 */
export const LAKE_RECORD_VERSION = formatVersion(FLOW_LOG_FIELDS);
export const MAX_DAYS = 31;

export interface GeneratorOptions {
    readonly seed: number;
    /** Exclusive end of the generated span; must be on a whole hour (UTC). */
    readonly end: Date;
    /** Whole days of records before `end`, 1 to MAX_DAYS. */
    readonly days: number;
    /** @default DEFAULT_ACCOUNT_ID */
    readonly accountId?: string;
}

export type HostRole = "web" | "bastion" | "app" | "task" | "db" | "nat" | "windows";

export interface Subnet {
    readonly id: string;
    readonly azId: string;
    readonly public: boolean;
}

/** One network interface: what a flow log record is about. */
export interface NetworkInterface {
    readonly id: string;
    readonly name: string;
    readonly role: HostRole;
    readonly vpc: Vpc;
    readonly subnet: Subnet;
    readonly privateIp: string;
    readonly ipv6?: string;
    /** `-` (null) for a NAT gateway or a Fargate task. */
    readonly instanceId: string | null;
    readonly ecs?: Readonly<Record<string, string | null>>;
}

export interface Vpc {
    readonly name: string;
    readonly id: string;
    readonly region: string;
    readonly flowLogId: string;
    readonly cidr: string;
    readonly ipv6Cidr?: string;
    /** VPC Block Public Access is on: internet traffic is rejected with reason BPA. */
    readonly blockPublicAccess: boolean;
    readonly interfaces: NetworkInterface[];
}

export interface Scenario {
    /** Scans TCP 1..1024 of one web server within the last day, from one source port. */
    readonly portScan: {
        readonly source: string;
        readonly sourcePort: number;
        readonly target: string;
        readonly startedAt: number;
    };
    /** SSH/RDP brute force sources (the last one over IPv6). */
    readonly bruteForce: readonly string[];
    /** The office address allowed to reach the bastion and the Windows host. */
    readonly office: string;
}

/** What a generated lake holds besides its records. */
export interface LakeSpan {
    readonly accountId: string;
    readonly vpcs: readonly Vpc[];
    readonly scenario: Scenario;
    /** Unix seconds: first hour generated, and the exclusive end. */
    readonly startSeconds: number;
    readonly endSeconds: number;
}

export interface GeneratedLake extends LakeSpan {
    /** Every record, in generation order; keyed by column name (`log_status`), `-` as null. */
    readonly records: readonly FlowLogRecord[];
}

/**
 * A lake generated one day at a time, so that writing a month of it holds one day of records
 * in memory, not thirty. `days()` yields each day's records in order (a day's records all end
 * within that day, so no object of the delivery spans two days); their concatenation is
 * `generateLake(options).records`. It can be iterated once.
 */
export interface LakeStream extends LakeSpan {
    days(): Generator<readonly FlowLogRecord[], void, undefined>;
}

/** Validates generator options; every problem in one message. */
export function checkOptions(options: GeneratorOptions): void {
    const problems: string[] = [];
    if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
        problems.push(`seed must be a whole number from 0 to 4294967295; given ${options.seed}`);
    }
    if (!Number.isInteger(options.days) || options.days < 1 || options.days > MAX_DAYS) {
        problems.push(`days must be a whole number from 1 to ${MAX_DAYS}; given ${options.days}`);
    }
    if (
        !(options.end instanceof Date) ||
        Number.isNaN(options.end.getTime()) ||
        options.end.getTime() % 3_600_000 !== 0
    ) {
        problems.push(
            `end must be a time on a whole hour (UTC), e.g. 2026-11-05T07:00:00Z; given ${String(options.end)}`,
        );
    }
    if (options.accountId !== undefined && !/^\d{12}$/.test(options.accountId)) {
        problems.push(`accountId must be 12 digits; given ${JSON.stringify(options.accountId)}`);
    }
    if (problems.length) throw new Error(problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Topology: three VPCs in two regions. Roles decide the traffic; addresses and ids come from the seed.

interface HostPlan {
    readonly name: string;
    readonly role: HostRole;
    readonly publicSubnet: boolean;
    readonly az: 0 | 1;
}

interface VpcPlan {
    readonly name: string;
    readonly region: string;
    /** First two octets of the /16. */
    readonly net16: string;
    /** The VPC's IPv6 /56 without its last hex digit pair, e.g. 2600:1f18:4a3:6e0 (+ subnet digit). */
    readonly ipv6Prefix?: string;
    readonly azIds: readonly [string, string];
    readonly blockPublicAccess: boolean;
    /** Traffic volume relative to prod. */
    readonly load: number;
    /** Local time offset from UTC in hours, for the daily traffic curve. */
    readonly utcOffsetHours: number;
    readonly hosts: readonly HostPlan[];
}

const VPC_PLANS: readonly VpcPlan[] = [
    {
        name: "prod",
        region: "us-east-1",
        net16: "10.10",
        ipv6Prefix: "2600:1f18:4a3:6e0",
        azIds: ["use1-az1", "use1-az2"],
        blockPublicAccess: false,
        load: 1,
        utcOffsetHours: -5,
        hosts: [
            { name: "web-1", role: "web", publicSubnet: true, az: 0 },
            { name: "web-2", role: "web", publicSubnet: true, az: 1 },
            { name: "bastion", role: "bastion", publicSubnet: true, az: 0 },
            { name: "app-1", role: "app", publicSubnet: false, az: 0 },
            { name: "api-task", role: "task", publicSubnet: false, az: 1 },
            { name: "db-1", role: "db", publicSubnet: false, az: 0 },
            { name: "nat-a", role: "nat", publicSubnet: true, az: 0 },
        ],
    },
    {
        name: "staging",
        region: "us-east-1",
        net16: "10.20",
        azIds: ["use1-az4", "use1-az6"],
        blockPublicAccess: true,
        load: 0.25,
        utcOffsetHours: -5,
        hosts: [
            { name: "web-1", role: "web", publicSubnet: true, az: 0 },
            { name: "app-1", role: "app", publicSubnet: false, az: 1 },
            { name: "db-1", role: "db", publicSubnet: false, az: 1 },
        ],
    },
    {
        name: "prod-eu",
        region: "eu-central-1",
        net16: "172.31",
        ipv6Prefix: "2a05:d014:9c1:f0",
        azIds: ["euc1-az2", "euc1-az3"],
        blockPublicAccess: false,
        load: 0.7,
        utcOffsetHours: 1,
        hosts: [
            { name: "web-1", role: "web", publicSubnet: true, az: 0 },
            { name: "win-1", role: "windows", publicSubnet: true, az: 1 },
            { name: "app-1", role: "app", publicSubnet: false, az: 1 },
            { name: "db-1", role: "db", publicSubnet: false, az: 0 },
            { name: "nat-a", role: "nat", publicSubnet: true, az: 0 },
        ],
    },
];

/** AWS resource ids: a prefix and 17 hex digits. */
const awsId = (rng: Rng, prefix: string) => `${prefix}-0${rng.hex(16)}`;

/** A hex group without leading zeros and never zero, so the address is already in canonical form. */
const hexGroup = (rng: Rng) => rng.int(0x1000, 0xffff).toString(16);

function buildVpc(plan: VpcPlan, accountId: string, rng: Rng): Vpc {
    const subnets: Subnet[][] = [0, 1].map((az) =>
        [false, true].map((isPublic) => ({ id: awsId(rng, "subnet"), azId: plan.azIds[az], public: isPublic })),
    );
    const vpc: Vpc = {
        name: plan.name,
        id: awsId(rng, "vpc"),
        region: plan.region,
        flowLogId: awsId(rng, "fl"),
        cidr: `${plan.net16}.0.0/16`,
        ipv6Cidr: plan.ipv6Prefix ? `${plan.ipv6Prefix}0::/56` : undefined,
        blockPublicAccess: plan.blockPublicAccess,
        interfaces: [],
    };
    const usedHosts = new Set<string>();
    for (const host of plan.hosts) {
        const subnet = subnets[host.az][host.publicSubnet ? 1 : 0];
        // Public subnets are x.y.0.0/24 and x.y.1.0/24, private ones x.y.10.0/24 and x.y.11.0/24.
        const third = (host.publicSubnet ? 0 : 10) + host.az;
        let privateIp: string;
        do privateIp = `${plan.net16}.${third}.${rng.int(10, 250)}`;
        while (usedHosts.has(privateIp));
        usedHosts.add(privateIp);
        const hasIpv6 = plan.ipv6Prefix !== undefined && (host.role === "web" || host.role === "app");
        const ipv6 = hasIpv6
            ? `${plan.ipv6Prefix}${host.publicSubnet ? host.az : 2 + host.az}:${[0, 1, 2, 3].map(() => hexGroup(rng)).join(":")}`
            : undefined;
        const isTask = host.role === "task";
        const taskId = isTask ? rng.hex(32) : "";
        const arn = (resource: string) => `arn:aws:ecs:${plan.region}:${accountId}:${resource}`;
        vpc.interfaces.push({
            id: awsId(rng, "eni"),
            name: host.name,
            role: host.role,
            vpc,
            subnet,
            privateIp,
            ipv6,
            instanceId: host.role === "nat" || isTask ? null : awsId(rng, "i"),
            // A Fargate task: no container instance; one container.
            ecs: isTask
                ? {
                      ecs_cluster_arn: arn(`cluster/${plan.name}-api`),
                      ecs_cluster_name: `${plan.name}-api`,
                      ecs_container_instance_arn: null,
                      ecs_container_instance_id: null,
                      ecs_container_id: `${taskId}-${rng.int(1_000_000_000, 4_294_967_295)}`,
                      ecs_second_container_id: null,
                      ecs_service_name: "api",
                      ecs_task_definition_arn: arn(`task-definition/${plan.name}-api:${rng.int(3, 60)}`),
                      ecs_task_arn: arn(`task/${plan.name}-api/${taskId}`),
                      ecs_task_id: taskId,
                  }
                : undefined,
        });
    }
    return vpc;
}

// ---------------------------------------------------------------------------------------------
// Internet side: documentation addresses only.

const TEST_NETS = ["192.0.2", "198.51.100", "203.0.113"] as const;

class AddressBook {
    private readonly used = new Set<string>();
    constructor(private readonly rng: Rng) {}

    ipv4(): string {
        for (;;) {
            const address = `${this.rng.pick(TEST_NETS)}.${this.rng.int(1, 254)}`;
            if (!this.used.has(address)) {
                this.used.add(address);
                return address;
            }
        }
    }

    ipv6(): string {
        for (;;) {
            const address = `2001:db8:${hexGroup(this.rng)}:${hexGroup(this.rng)}::${hexGroup(this.rng)}`;
            if (!this.used.has(address)) {
                this.used.add(address);
                return address;
            }
        }
    }
}

/** Public AWS endpoints a workload talks to through its NAT gateway, with the service AWS attributes. */
const AWS_ENDPOINTS: Readonly<Record<string, readonly { readonly address: string; readonly service: string }[]>> = {
    "us-east-1": [
        { address: "52.216.8.93", service: "S3" },
        { address: "52.217.44.110", service: "S3" },
        { address: "3.218.180.74", service: "AMAZON" },
    ],
    "eu-central-1": [
        { address: "52.219.170.45", service: "S3" },
        { address: "3.124.45.201", service: "AMAZON" },
    ],
};

// ---------------------------------------------------------------------------------------------
// Records.

const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;
/** TCP flags as flow logs OR them over a record: FIN 1, SYN 2, RST 4, SYN-ACK 18. */
const FLAGS = { SYN: 2, SYN_FIN: 3, SYN_RST: 6, SYNACK_FIN: 19, SYNACK: 18 } as const;
/** Internet traffic leaves or enters through the internet gateway (8, Nitro) or a NAT gateway's (2). */
const PATH = { SAME_VPC: 1, IGW: 2, IGW_NITRO: 8 } as const;

/** One direction of a flow as seen at one network interface. */
interface Observation {
    readonly at: NetworkInterface;
    readonly direction: "ingress" | "egress";
    readonly src: string;
    readonly dst: string;
    readonly srcport: number;
    readonly dstport: number;
    readonly protocol: number;
    readonly packets: number;
    readonly bytes: number;
    readonly start: number;
    readonly end: number;
    readonly action: "ACCEPT" | "REJECT";
    readonly tcpFlags: number;
    readonly trafficPath?: number;
    readonly pktSrc?: string;
    readonly pktDst?: string;
    readonly srcService?: string;
    readonly dstService?: string;
    readonly rejectReason?: string;
}

/** A record with every lake column present: the AWS order of fields, null for `-`. */
function emptyRecord(): FlowLogRecord {
    const record: FlowLogRecord = {};
    for (const field of FLOW_LOG_FIELDS) record[columnName(field)] = null;
    return record;
}

function interfaceMetadata(record: FlowLogRecord, eni: NetworkInterface, accountId: string): void {
    record.version = LAKE_RECORD_VERSION;
    record.account_id = accountId;
    record.interface_id = eni.id;
    record.vpc_id = eni.vpc.id;
    record.subnet_id = eni.subnet.id;
    record.instance_id = eni.instanceId;
    record.region = eni.vpc.region;
    record.az_id = eni.subnet.azId;
    if (eni.ecs) Object.assign(record, eni.ecs);
}

function trafficRecord(o: Observation, accountId: string): FlowLogRecord {
    const record = emptyRecord();
    interfaceMetadata(record, o.at, accountId);
    Object.assign(record, {
        srcaddr: o.src,
        dstaddr: o.dst,
        srcport: o.srcport,
        dstport: o.dstport,
        protocol: o.protocol,
        packets: o.packets,
        bytes: o.bytes,
        start: o.start,
        end: o.end,
        action: o.action,
        log_status: "OK",
        tcp_flags: o.protocol === IPPROTO.TCP ? o.tcpFlags : 0,
        type: o.src.includes(":") ? "IPv6" : "IPv4",
        pkt_srcaddr: o.pktSrc ?? o.src,
        pkt_dstaddr: o.pktDst ?? o.dst,
        pkt_src_aws_service: o.srcService ?? null,
        pkt_dst_aws_service: o.dstService ?? null,
        flow_direction: o.direction,
        // AWS reports the path for egress traffic only.
        traffic_path: o.direction === "egress" ? (o.trafficPath ?? PATH.SAME_VPC) : null,
        reject_reason: o.rejectReason ?? null,
    });
    return record;
}

/**
 * NODATA / SKIPDATA: no flow fields, only the interface and the window. The interface metadata
 * (vpc-id, subnet-id, instance-id, region, az-id, ECS) is kept: it describes the interface, not a
 * flow. (AWS documents `-` for the flow fields; whether it fills the metadata fields on these
 * records is not documented.)
 */
function statusRecord(
    eni: NetworkInterface,
    status: "NODATA" | "SKIPDATA",
    start: number,
    end: number,
    accountId: string,
): FlowLogRecord {
    const record = emptyRecord();
    interfaceMetadata(record, eni, accountId);
    record.start = start;
    record.end = end;
    record.log_status = status;
    return record;
}

// ---------------------------------------------------------------------------------------------
// Traffic.

interface Endpoint {
    readonly address: string;
    /** The interface in one of our VPCs, when the endpoint is ours. */
    readonly eni?: NetworkInterface;
}

interface Session {
    readonly client: Endpoint;
    readonly server: Endpoint;
    readonly clientPort: number;
    readonly serverPort: number;
    readonly protocol: number;
    readonly start: number;
    readonly end: number;
    readonly requestPackets: number;
    readonly requestBytes: number;
    /** 0: the server never answers (rejected, or a probe). */
    readonly responsePackets: number;
    readonly responseBytes: number;
    /** The server's security group or network ACL verdict on the request. */
    readonly action: "ACCEPT" | "REJECT";
    readonly requestFlags?: number;
    readonly responseFlags?: number;
    readonly rejectReason?: string;
    /** Egress path from the client and from the server (defaults: same VPC). */
    readonly clientPath?: number;
    readonly serverPath?: number;
    readonly serverService?: string;
    /** The NAT gateway the client's traffic leaves through, for an internet server. */
    readonly nat?: NetworkInterface;
}

class TrafficLog {
    /** The records since the last `take()`. */
    records: FlowLogRecord[] = [];
    /** Interfaces that logged a flow, per capture window start (windows since the last `take()`). */
    private busy = new Map<number, Set<string>>();

    constructor(private readonly accountId: string) {}

    observe(o: Observation): void {
        this.records.push(trafficRecord(o, this.accountId));
        const window = o.start - (o.start % CAPTURE_WINDOW_SECONDS);
        let set = this.busy.get(window);
        if (!set) this.busy.set(window, (set = new Set()));
        set.add(o.at.id);
    }

    /** The records logged so far, which the log forgets (a window is never revisited). */
    take(): FlowLogRecord[] {
        const taken = this.records;
        this.records = [];
        this.busy = new Map();
        return taken;
    }

    wasBusy(eni: NetworkInterface, window: number): boolean {
        return this.busy.get(window)?.has(eni.id) ?? false;
    }

    status(eni: NetworkInterface, status: "NODATA" | "SKIPDATA", start: number, end: number): void {
        this.records.push(statusRecord(eni, status, start, end, this.accountId));
    }

    /** Logs a session at every interface of ours that sees it, in both directions. */
    session(s: Session): void {
        const common = { protocol: s.protocol, start: s.start, end: s.end };
        const request = { src: s.client.address, dst: s.server.address, srcport: s.clientPort, dstport: s.serverPort };
        const response = { src: s.server.address, dst: s.client.address, srcport: s.serverPort, dstport: s.clientPort };
        const answered = s.action === "ACCEPT" && s.responsePackets > 0;
        const reqFlags = s.requestFlags ?? (answered ? FLAGS.SYN_FIN : FLAGS.SYN);
        const respFlags = s.responseFlags ?? FLAGS.SYNACK_FIN;
        if (s.client.eni) {
            // The client's own security group allows its outbound traffic; the answer is tracked.
            this.observe({
                at: s.client.eni,
                direction: "egress",
                ...common,
                ...request,
                packets: s.requestPackets,
                bytes: s.requestBytes,
                action: "ACCEPT",
                tcpFlags: reqFlags,
                trafficPath: s.clientPath,
                dstService: s.serverService,
            });
            if (answered) {
                this.observe({
                    at: s.client.eni,
                    direction: "ingress",
                    ...common,
                    ...response,
                    packets: s.responsePackets,
                    bytes: s.responseBytes,
                    action: "ACCEPT",
                    tcpFlags: respFlags,
                    srcService: s.serverService,
                });
            }
        }
        if (s.nat && s.client.eni) {
            // The NAT gateway's interface: the request arrives addressed to the NAT (the packet still
            // names the real destination) and leaves from the NAT's own address; the answer returns.
            const nat = s.nat;
            this.observe({
                at: nat,
                direction: "ingress",
                ...common,
                src: s.client.address,
                dst: nat.privateIp,
                srcport: s.clientPort,
                dstport: s.serverPort,
                packets: s.requestPackets,
                bytes: s.requestBytes,
                action: "ACCEPT",
                tcpFlags: reqFlags,
                pktSrc: s.client.address,
                pktDst: s.server.address,
                dstService: s.serverService,
            });
            this.observe({
                at: nat,
                direction: "egress",
                ...common,
                src: nat.privateIp,
                dst: s.server.address,
                srcport: s.clientPort,
                dstport: s.serverPort,
                packets: s.requestPackets,
                bytes: s.requestBytes,
                action: "ACCEPT",
                tcpFlags: reqFlags,
                trafficPath: PATH.IGW,
                dstService: s.serverService,
            });
            if (answered) {
                this.observe({
                    at: nat,
                    direction: "ingress",
                    ...common,
                    src: s.server.address,
                    dst: nat.privateIp,
                    srcport: s.serverPort,
                    dstport: s.clientPort,
                    packets: s.responsePackets,
                    bytes: s.responseBytes,
                    action: "ACCEPT",
                    tcpFlags: respFlags,
                    srcService: s.serverService,
                });
                this.observe({
                    at: nat,
                    direction: "egress",
                    ...common,
                    src: nat.privateIp,
                    dst: s.client.address,
                    srcport: s.serverPort,
                    dstport: s.clientPort,
                    packets: s.responsePackets,
                    bytes: s.responseBytes,
                    action: "ACCEPT",
                    tcpFlags: respFlags,
                    trafficPath: PATH.SAME_VPC,
                    pktSrc: s.server.address,
                    srcService: s.serverService,
                });
            }
        }
        if (s.server.eni) {
            this.observe({
                at: s.server.eni,
                direction: "ingress",
                ...common,
                ...request,
                packets: s.requestPackets,
                bytes: s.requestBytes,
                action: s.action,
                tcpFlags: reqFlags,
                rejectReason: s.rejectReason,
            });
            if (answered) {
                this.observe({
                    at: s.server.eni,
                    direction: "egress",
                    ...common,
                    ...response,
                    packets: s.responsePackets,
                    bytes: s.responseBytes,
                    action: "ACCEPT",
                    tcpFlags: respFlags,
                    trafficPath: s.serverPath,
                });
            }
        }
    }
}

/** Traffic level over the day: low at night, highest mid-afternoon local time. */
function dailyCurve(utcHour: number, utcOffsetHours: number): number {
    const local = (utcHour + utcOffsetHours + 24) % 24;
    return 0.3 + (0.9 * (Math.sin(((local - 9) / 24) * 2 * Math.PI) + 1)) / 2;
}

const ephemeralPort = (rng: Rng) => rng.int(32768, 60999);

/** Ports background scanners on the internet knock on, and what runs there. */
const PROBED_PORTS = [
    21, 22, 23, 25, 135, 139, 445, 1433, 3306, 3389, 5432, 5900, 5985, 6379, 8080, 8443, 9200, 27017,
] as const;

interface HourContext {
    readonly rng: Rng;
    readonly log: TrafficLog;
    readonly vpc: Vpc;
    readonly plan: VpcPlan;
    readonly hourStart: number;
    readonly clients4: readonly string[];
    readonly clients6: readonly string[];
    readonly scenario: Scenario;
}

const role = (vpc: Vpc, r: HostRole) => vpc.interfaces.filter((eni) => eni.role === r);

/** A start and end within one capture window of the hour; `seconds` is the wished-for duration. */
function timing(rng: Rng, hourStart: number, seconds: number, at?: number): { start: number; end: number } {
    const start = at ?? hourStart + rng.int(0, 3599);
    const windowEnd = start - (start % CAPTURE_WINDOW_SECONDS) + CAPTURE_WINDOW_SECONDS - 1;
    return { start, end: Math.min(start + seconds, windowEnd) };
}

function normalTraffic(c: HourContext): void {
    const { rng, log, vpc, plan, hourStart } = c;
    const level = dailyCurve(new Date(hourStart * 1000).getUTCHours(), plan.utcOffsetHours) * plan.load;
    const webs = role(vpc, "web");
    const apps = [...role(vpc, "app"), ...role(vpc, "task")];
    const dbs = role(vpc, "db");
    const nat = role(vpc, "nat")[0];

    // Internet clients to the web servers: HTTPS mostly, some plain HTTP (redirects), some over IPv6.
    for (const web of webs) {
        const sessions = rng.poisson(7 * level);
        for (let i = 0; i < sessions; i++) {
            const overIpv6 = web.ipv6 !== undefined && rng.chance(0.3);
            const client = overIpv6 ? rng.pick(c.clients6) : rng.pick(c.clients4);
            const port = rng.chance(0.85) ? 443 : 80;
            const requestPackets = rng.int(6, 40);
            const responsePackets = port === 443 ? rng.int(8, 90) : rng.int(3, 6);
            log.session({
                client: { address: client },
                server: { address: overIpv6 ? web.ipv6! : web.privateIp, eni: web },
                clientPort: ephemeralPort(rng),
                serverPort: port,
                protocol: IPPROTO.TCP,
                ...timing(rng, hourStart, rng.int(1, 240)),
                requestPackets,
                requestBytes: requestPackets * rng.int(60, 420),
                responsePackets,
                responseBytes: responsePackets * rng.int(300, 1440),
                action: vpc.blockPublicAccess ? "REJECT" : "ACCEPT",
                rejectReason: vpc.blockPublicAccess ? "BPA" : undefined,
                serverPath: PATH.IGW_NITRO,
            });
        }
    }
    // Web tier to application tier, application tier to the database: logged at both ends.
    const internal = (
        from: NetworkInterface[],
        to: NetworkInterface[],
        port: number,
        mean: number,
        reqSize: [number, number],
        respSize: [number, number],
    ) => {
        if (from.length === 0 || to.length === 0) return;
        const sessions = rng.poisson(mean * level);
        for (let i = 0; i < sessions; i++) {
            const client = rng.pick(from);
            const server = rng.pick(to);
            const requestPackets = rng.int(4, 30);
            const responsePackets = rng.int(4, 60);
            log.session({
                client: { address: client.privateIp, eni: client },
                server: { address: server.privateIp, eni: server },
                clientPort: ephemeralPort(rng),
                serverPort: port,
                protocol: IPPROTO.TCP,
                ...timing(rng, hourStart, rng.int(0, 120)),
                requestPackets,
                requestBytes: requestPackets * rng.int(reqSize[0], reqSize[1]),
                responsePackets,
                responseBytes: responsePackets * rng.int(respSize[0], respSize[1]),
                action: "ACCEPT",
            });
        }
    };
    internal(webs, apps, 8080, 5, [80, 600], [200, 1400]);
    internal(apps, dbs, 5432, 6, [80, 400], [200, 1400]);

    // A stale setting makes the application try Redis on the database host, whose security group
    // refuses it: the client's interface logs ACCEPT (egress), the database's logs REJECT.
    if (apps.length && dbs.length && rng.chance(0.3 * level)) {
        const client = rng.pick(apps);
        const server = rng.pick(dbs);
        log.session({
            client: { address: client.privateIp, eni: client },
            server: { address: server.privateIp, eni: server },
            clientPort: ephemeralPort(rng),
            serverPort: 6379,
            protocol: IPPROTO.TCP,
            ...timing(rng, hourStart, rng.int(0, 3)),
            ...synBytes(rng),
            responsePackets: 0,
            responseBytes: 0,
            action: "REJECT",
        });
    }

    // Workloads to S3 and other AWS endpoints, through the NAT gateway.
    if (nat) {
        const sessions = rng.poisson(2 * level);
        for (let i = 0; i < sessions; i++) {
            const client = rng.pick(apps);
            const endpoint = rng.pick(AWS_ENDPOINTS[vpc.region]);
            const requestPackets = rng.int(10, 120);
            const responsePackets = rng.int(5, 40);
            log.session({
                client: { address: client.privateIp, eni: client },
                server: { address: endpoint.address },
                clientPort: ephemeralPort(rng),
                serverPort: 443,
                protocol: IPPROTO.TCP,
                ...timing(rng, hourStart, rng.int(0, 60)),
                requestPackets,
                requestBytes: requestPackets * rng.int(300, 1440),
                responsePackets,
                responseBytes: responsePackets * rng.int(60, 200),
                action: "ACCEPT",
                clientPath: PATH.SAME_VPC,
                serverService: endpoint.service,
                nat,
            });
        }
    }

    // The office reaches the bastion (SSH) and the Windows host (RDP) in working hours.
    const office = c.scenario.office;
    for (const [hosts, port] of [
        [role(vpc, "bastion"), 22],
        [role(vpc, "windows"), 3389],
    ] as const) {
        for (const host of hosts) {
            if (!rng.chance(0.5 * level)) continue;
            const requestPackets = rng.int(50, 400);
            log.session({
                client: { address: office },
                server: { address: host.privateIp, eni: host },
                clientPort: ephemeralPort(rng),
                serverPort: port,
                protocol: IPPROTO.TCP,
                ...timing(rng, hourStart, rng.int(60, 599)),
                requestPackets,
                requestBytes: requestPackets * rng.int(60, 200),
                responsePackets: requestPackets + rng.int(0, 100),
                responseBytes: requestPackets * rng.int(100, 900),
                action: "ACCEPT",
                serverPath: PATH.IGW_NITRO,
            });
        }
    }
}

/** Background noise: probes of common ports from random internet addresses, and pings. */
function internetNoise(c: HourContext): void {
    const { rng, log, vpc, hourStart } = c;
    const exposed = vpc.interfaces.filter((eni) => eni.subnet.public && eni.role !== "nat");
    for (let i = rng.poisson(3); i > 0; i--) {
        const target = rng.pick(exposed);
        const port = rng.pick(PROBED_PORTS);
        log.session({
            client: { address: rng.pick(c.clients4) },
            server: { address: target.privateIp, eni: target },
            clientPort: ephemeralPort(rng),
            serverPort: port,
            protocol: IPPROTO.TCP,
            ...timing(rng, hourStart, rng.int(0, 3)),
            ...synBytes(rng),
            responsePackets: 0,
            responseBytes: 0,
            action: "REJECT",
            rejectReason: vpc.blockPublicAccess ? "BPA" : undefined,
        });
    }
    for (let i = rng.poisson(1); i > 0; i--) {
        const target = rng.pick(exposed);
        const packets = rng.int(1, 4);
        // Web servers answer pings; everything else drops them.
        const answers = target.role === "web" && !vpc.blockPublicAccess;
        log.session({
            client: { address: rng.pick(c.clients4) },
            server: { address: target.privateIp, eni: target },
            clientPort: 0,
            serverPort: 0,
            protocol: IPPROTO.ICMP,
            ...timing(rng, hourStart, packets),
            requestPackets: packets,
            requestBytes: packets * 84,
            responsePackets: answers ? packets : 0,
            responseBytes: answers ? packets * 84 : 0,
            action: answers ? "ACCEPT" : "REJECT",
            requestFlags: 0,
            responseFlags: 0,
            rejectReason: vpc.blockPublicAccess ? "BPA" : undefined,
        });
    }
}

/** A rejected SYN (and its retries): 40 or 44 bytes each. */
function synBytes(rng: Rng): { requestPackets: number; requestBytes: number } {
    const packets = rng.int(1, 3);
    return { requestPackets: packets, requestBytes: packets * rng.pick([40, 44]) };
}

/** One brute-force burst: many short SSH/RDP attempts, each from a new source port, all rejected. */
function bruteForceBurst(c: HourContext, source: string, targets: readonly NetworkInterface[], port: number): void {
    const { rng, log, hourStart } = c;
    let at = hourStart + rng.int(0, 2400);
    const attempts = rng.int(15, 60);
    for (let i = 0; i < attempts && at < hourStart + 3600; i++, at += rng.int(5, 20)) {
        const target = rng.pick(targets);
        const address = source.includes(":") ? target.ipv6! : target.privateIp;
        const packets = rng.int(1, 3);
        log.session({
            client: { address: source },
            server: { address, eni: target },
            clientPort: ephemeralPort(rng),
            serverPort: port,
            protocol: IPPROTO.TCP,
            ...timing(rng, hourStart, packets - 1, at),
            requestPackets: packets,
            requestBytes: packets * (source.includes(":") ? 80 : 60),
            responsePackets: 0,
            responseBytes: 0,
            action: "REJECT",
            rejectReason: target.vpc.blockPublicAccess ? "BPA" : undefined,
        });
    }
}

function portScan(c: HourContext, target: NetworkInterface): void {
    const { rng, log } = c;
    const scan = c.scenario.portScan;
    const ports = Array.from({ length: 1024 }, (_, i) => i + 1);
    for (let i = ports.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [ports[i], ports[j]] = [ports[j], ports[i]];
    }
    ports.forEach((port, i) => {
        const at = scan.startedAt + Math.floor(i / 8); // about 8 probes a second
        const open = port === 443 || port === 80;
        log.session({
            client: { address: scan.source },
            server: { address: target.privateIp, eni: target },
            clientPort: scan.sourcePort,
            serverPort: port,
            protocol: IPPROTO.TCP,
            ...timing(rng, c.hourStart, 0, at),
            // An open port answers SYN-ACK, and the scanner resets: SYN|RST over two packets.
            requestPackets: open ? 2 : 1,
            requestBytes: open ? 84 : 44,
            responsePackets: open ? 1 : 0,
            responseBytes: open ? 44 : 0,
            action: open ? "ACCEPT" : "REJECT",
            requestFlags: open ? FLAGS.SYN_RST : FLAGS.SYN,
            responseFlags: FLAGS.SYNACK,
            serverPath: PATH.IGW_NITRO,
        });
    });
}

/** NODATA for every interface that logged nothing in a window; SKIPDATA now and then. */
function statusRecords(c: HourContext, skipProbability: number): void {
    const { rng, log, vpc, hourStart } = c;
    for (let window = hourStart; window < hourStart + 3600; window += CAPTURE_WINDOW_SECONDS) {
        for (const eni of vpc.interfaces) {
            if (!log.wasBusy(eni, window)) {
                log.status(eni, "NODATA", window + rng.int(0, 20), window + CAPTURE_WINDOW_SECONDS - rng.int(1, 20));
            } else if (rng.chance(skipProbability)) {
                log.status(eni, "SKIPDATA", window + rng.int(0, 20), window + CAPTURE_WINDOW_SECONDS - rng.int(1, 20));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------

/** Generates the records of every VPC for `days` days before `end`, all at once. */
export function generateLake(options: GeneratorOptions): GeneratedLake {
    const stream = streamLake(options);
    const records: FlowLogRecord[] = [];
    for (const day of stream.days()) for (const record of day) records.push(record);
    const { days: _days, ...span } = stream;
    return { ...span, records };
}

/** Generates the records of every VPC for `days` days before `end`, one day at a time. */
export function streamLake(options: GeneratorOptions): LakeStream {
    checkOptions(options);
    const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    const rng = new Rng(options.seed);
    const topologyRng = rng.fork("topology");
    const vpcs = VPC_PLANS.map((plan) => buildVpc(plan, accountId, topologyRng));
    const addresses = new AddressBook(rng.fork("addresses"));
    const office = addresses.ipv4();
    const bruteForce = [addresses.ipv4(), addresses.ipv4(), addresses.ipv4(), addresses.ipv6()];
    const scanner = addresses.ipv4();
    const clients4 = Array.from({ length: 80 }, () => addresses.ipv4());
    const clients6 = Array.from({ length: 20 }, () => addresses.ipv6());

    const endSeconds = options.end.getTime() / 1000;
    const startSeconds = endSeconds - options.days * 86_400;
    const scenarioRng = rng.fork("scenario");
    // The port scan happens 2 to 20 hours before the end, so every "last 24 hours" query sees it.
    const scanHour = endSeconds - 3600 * scenarioRng.int(2, 20);
    const scenario: Scenario = {
        portScan: {
            source: scanner,
            sourcePort: scenarioRng.int(40000, 65000),
            target: vpcs[0].interfaces.find((eni) => eni.role === "web")!.privateIp,
            startedAt: scanHour + scenarioRng.int(60, 1800),
        },
        bruteForce,
        office,
    };
    // Brute force: each source is busy in a few hours a day, and at least once in the last day.
    const bursts = new Map<number, { source: string; vpc: Vpc; port: number }[]>();
    const addBurst = (hour: number, burst: { source: string; vpc: Vpc; port: number }) => {
        bursts.set(hour, [...(bursts.get(hour) ?? []), burst]);
    };
    const campaigns = [
        { source: bruteForce[0], vpc: vpcs[0], port: 22 },
        { source: bruteForce[1], vpc: vpcs[2], port: 3389 },
        { source: bruteForce[1], vpc: vpcs[2], port: 22 },
        { source: bruteForce[2], vpc: vpcs[1], port: 22 },
        { source: bruteForce[3], vpc: vpcs[0], port: 22 },
    ];
    for (const campaign of campaigns) {
        addBurst(endSeconds - 3600 * scenarioRng.int(1, 23), campaign);
        for (let day = 0; day < options.days; day++) {
            for (let i = scenarioRng.int(1, 3); i > 0; i--)
                addBurst(startSeconds + day * 86_400 + 3600 * scenarioRng.int(0, 23), campaign);
        }
    }

    const log = new TrafficLog(accountId);
    const trafficRng = rng.fork("traffic");
    let iterated = false;
    function* days(): Generator<readonly FlowLogRecord[], void, undefined> {
        if (iterated) throw new Error("a LakeStream's days can be iterated once");
        iterated = true;
        const withSkipData = new Set<string>();
        for (let dayStart = startSeconds; dayStart < endSeconds; dayStart += 86_400) {
            for (let hourStart = dayStart; hourStart < dayStart + 86_400; hourStart += 3600) {
                vpcs.forEach((vpc, index) => {
                    const c: HourContext = {
                        rng: trafficRng,
                        log,
                        vpc,
                        plan: VPC_PLANS[index],
                        hourStart,
                        clients4,
                        clients6,
                        scenario,
                    };
                    normalTraffic(c);
                    internetNoise(c);
                    for (const burst of bursts.get(hourStart) ?? []) {
                        if (burst.vpc !== vpc) continue;
                        const targets = burst.source.includes(":")
                            ? vpc.interfaces.filter((eni) => eni.ipv6 !== undefined && eni.subnet.public)
                            : vpc.interfaces.filter(
                                  (eni) =>
                                      eni.subnet.public &&
                                      eni.role !== "nat" &&
                                      (burst.port === 22 ? eni.role !== "windows" : eni.role === "windows"),
                              );
                        bruteForceBurst(c, burst.source, targets, burst.port);
                    }
                    if (index === 0 && hourStart === scanHour) {
                        portScan(
                            c,
                            vpc.interfaces.find((eni) => eni.privateIp === scenario.portScan.target)!,
                        );
                    }
                    statusRecords(c, 0.004);
                });
            }
            for (const record of log.records) {
                if (record.log_status === "SKIPDATA") withSkipData.add(String(record.vpc_id));
            }
            if (dayStart + 86_400 >= endSeconds) {
                ensureSkipData(log, vpcs, withSkipData, trafficRng, dayStart, endSeconds, accountId);
            }
            yield log.take();
        }
    }
    return { accountId, vpcs, scenario, startSeconds, endSeconds, days };
}

/**
 * At least one SKIPDATA record per VPC, so every kind of record is always present: a VPC that
 * had none over the whole span gets one in a window of the last day (the day still being
 * generated: the earlier ones may already be written).
 */
function ensureSkipData(
    log: TrafficLog,
    vpcs: readonly Vpc[],
    withSkipData: ReadonlySet<string>,
    rng: Rng,
    startSeconds: number,
    endSeconds: number,
    accountId: string,
): void {
    for (const vpc of vpcs) {
        if (withSkipData.has(vpc.id)) continue;
        const windows = (endSeconds - startSeconds) / CAPTURE_WINDOW_SECONDS;
        const window = startSeconds + rng.int(0, windows - 1) * CAPTURE_WINDOW_SECONDS;
        log.records.push(
            statusRecord(
                rng.pick(vpc.interfaces),
                "SKIPDATA",
                window + 3,
                window + CAPTURE_WINDOW_SECONDS - 5,
                accountId,
            ),
        );
    }
}
