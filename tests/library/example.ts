// index.ts of another team's Pulumi program: flow logs, REJECT alarms and a lake of its own
// for a VPC it already has.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deployVpcFlowMonitor, FlowAction, PROTOCOL_NUMBERS } from "vpc-flow-monitor";

export = async () => {
    const region = "eu-west-1";
    // Your provider, your credentials and tags; give one for every region you list.
    const provider = new aws.Provider("payments-eu", { region, defaultTags: { tags: { team: "payments" } } });

    const monitor = await deployVpcFlowMonitor({
        stack: pulumi.getStack(),
        project: pulumi.getProject(),
        homeRegion: region,
        regions: [
            {
                region,
                vpcs: [
                    {
                        name: "payments",
                        vpcId: "vpc-0a1b2c3d4e5f60718", // adopted: read, not managed
                        rules: [
                            {
                                name: "postgres-rejected",
                                description: "Rejected PostgreSQL connections",
                                match: { action: FlowAction.REJECT, protocol: PROTOCOL_NUMBERS.tcp, dstPort: 5432 },
                                threshold: 5,
                                periodSeconds: 300,
                                evaluationPeriods: 1,
                            },
                        ],
                    },
                ],
            },
        ],
        defaultRules: false, // only the rule above (plus the SKIPDATA alarm every VPC keeps)
        emails: ["payments-oncall@example.com"],
        protectData: pulumi.getStack() === "prod",
        providers: { [region]: provider },
    });

    return {
        lakeBucket: monitor.lakeBucketName,
        athenaWorkgroup: monitor.athenaWorkgroup,
        alarms: monitor.vpcs.payments.alarmNames,
    };
};
