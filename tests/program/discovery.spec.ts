/**
 * `discover:` in a region: the VPCs the (fake) cloud holds in that account and region, named by
 * VPC id, listed and excluded ones skipped, each on its account's provider; one more discovered
 * VPC adds only its own resources.
 */
import * as assert from "node:assert/strict";
import { checkPlan } from "../../tools/analyzer/planCheck";
import { Inventory } from "../../tools/plan/mockCloud";
import { Plan, planStack, toEngineConfig } from "../../tools/plan/offlinePlan";
import { byName, byType, jsonInput } from "../helpers/plan";
import { withoutAlarmsOf } from "../helpers/policy";

const HOME = "111111111111";
const SANDBOX = "333333333333";
const SANDBOX_ROLE = `arn:aws:iam::${SANDBOX}:role/vpc-flow-monitor-member`;
const LISTED = "vpc-0bbbbbbbbbbbbbbb1";
const FOUND = "vpc-0bbbbbbbbbbbbbbb2";
const EXCLUDED = "vpc-0bbbbbbbbbbbbbbb3";
const UNTAGGED = "vpc-0bbbbbbbbbbbbbbb4";
const LATER = "vpc-0bbbbbbbbbbbbbbb5";

const CONFIG = {
    "aws:region": "eu-west-1",
    "vpc-flow-monitor:accounts": [
        {
            name: "log-archive",
            id: HOME,
            regions: [{ region: "eu-west-1", vpcs: [{ name: "core", cidrBlock: "10.10.0.0/16" }] }],
        },
        {
            name: "sandbox",
            id: SANDBOX,
            roleArn: SANDBOX_ROLE,
            regions: [
                {
                    region: "us-east-1",
                    vpcs: [{ name: "listed", vpcId: LISTED }],
                    discover: { tags: { monitor: "yes" }, exclude: [EXCLUDED] },
                },
            ],
        },
    ],
};

const tagged = (id: string) => ({ id, cidrBlock: "10.0.0.0/16", tags: { monitor: "yes" } });
const INVENTORY: Inventory = {
    accounts: {
        [SANDBOX]: {
            "us-east-1": { vpcs: [tagged(LISTED), tagged(FOUND), tagged(EXCLUDED), { id: UNTAGGED }] },
            // Another region of the account: not configured, never looked at.
            "eu-west-1": { vpcs: [tagged("vpc-0ccccccccccccccc1")] },
        },
        // The same tags in another account are that account's business.
        [HOME]: { "us-east-1": { vpcs: [tagged("vpc-0ddddddddddddddd1")] } },
    },
};

const vpcComponents = (plan: Plan) => byType(plan, "vpc-flow-monitor:network:MonitoredVpc").map((r) => r.name);

describe("discover: VPCs found at deploy time", () => {
    let plan: Plan;
    before(async () => {
        plan = await planStack("org", toEngineConfig(CONFIG), { inventory: INVENTORY });
    });

    it("monitors the listed VPCs and the tagged ones found, named by VPC id, skipping listed and excluded", () => {
        assert.deepEqual(vpcComponents(plan), ["core", "listed", FOUND]);
        assert.equal(byName(plan, `${FOUND}-alarmLogGroup`).inputs.name, `/vpc-flow-monitor/org/${FOUND}`);
    });

    it("puts a discovered VPC on its account's provider, pinned and assuming the account's role", () => {
        const provider = byName(plan, "aws-sandbox-us-east-1");
        assert.deepEqual(jsonInput(provider, "allowedAccountIds"), [SANDBOX]);
        assert.deepEqual(jsonInput(provider, "assumeRoles"), [
            { roleArn: SANDBOX_ROLE, sessionName: "vpc-flow-monitor" },
        ]);
        assert.equal(byName(plan, `${FOUND}-alarmFlowLog`).provider, provider.urn);
    });

    it("finds nothing without an inventory", async () => {
        const empty = await planStack("org", toEngineConfig(CONFIG));
        assert.deepEqual(vpcComponents(empty), ["core", "listed"]);
    });

    it("adds only the new VPC's resources when one more VPC is discovered", async () => {
        const more: Inventory = {
            accounts: {
                ...INVENTORY.accounts,
                [SANDBOX]: {
                    ...INVENTORY.accounts[SANDBOX],
                    "us-east-1": { vpcs: [...INVENTORY.accounts[SANDBOX]["us-east-1"].vpcs, tagged(LATER)] },
                },
            },
        };
        const after = await planStack("org", toEngineConfig(CONFIG), { inventory: more });
        const before = new Set(plan.resources.map((r) => r.urn));
        const added = after.resources.filter((r) => !before.has(r.urn));
        assert.ok(added.length > 0);
        for (const r of added) assert.ok(r.urn.includes(LATER), `only ${LATER}'s resources are new: ${r.urn}`);
        const kept = new Set(after.resources.map((r) => r.urn));
        for (const urn of before) assert.ok(kept.has(urn), `kept ${urn}`);
    });
});

describe("three accounts, two regions: the policy pack", () => {
    const THREE = {
        ...CONFIG,
        "vpc-flow-monitor:accounts": [
            ...CONFIG["vpc-flow-monitor:accounts"],
            {
                name: "payments",
                id: "222222222222",
                roleArn: "arn:aws:iam::222222222222:role/vpc-flow-monitor-member",
                regions: [{ region: "eu-west-1", vpcs: [{ name: "pay", cidrBlock: "10.20.0.0/16" }] }],
            },
        ],
    };
    let plan: Plan;
    before(async () => {
        plan = await planStack("org", toEngineConfig(THREE), { inventory: INVENTORY });
    });

    it("plans one provider per account and region", () => {
        assert.deepEqual(
            byType(plan, "pulumi:providers:aws").map((p) => [p.name, jsonInput(p, "allowedAccountIds")]),
            [
                ["aws-eu-west-1", [HOME]],
                ["aws-sandbox-us-east-1", [SANDBOX]],
                ["aws-payments-eu-west-1", ["222222222222"]],
            ],
        );
    });

    it("passes the mandatory policies", async () => {
        const { run } = await checkPlan(plan);
        const mandatory = run.violations.filter((v) => v.enforcementLevel === "mandatory");
        assert.deepEqual(mandatory, []);
    });

    it("fails when the discovered VPC's REJECT alarms are removed, naming that VPC", async () => {
        const { run } = await checkPlan(withoutAlarmsOf(plan, FOUND));
        const rejectAlarm = run.violations.filter((v) => v.policy === "vpc-reject-alarm-required");
        assert.ok(rejectAlarm.length > 0, "a violation of vpc-reject-alarm-required");
        assert.ok(
            rejectAlarm.every((v) => v.enforcementLevel === "mandatory"),
            "mandatory",
        );
        assert.ok(
            rejectAlarm.some((v) => v.message.includes(FOUND) || v.urn?.includes(FOUND)),
            rejectAlarm.map((v) => v.message).join("\n"),
        );
    });
});
