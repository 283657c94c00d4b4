/**
 * Monitoring: per region, the saved Logs Insights queries and Contributor Insights rules over the
 * stack's REJECT log groups; in the home region, the stack's dashboard spanning every region.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FlowLogField } from "../../flowlogs/fields";
import { contributorInsightsRules, dashboardBody, DashboardRegion, logsInsightsQueries } from "./definitions";
import { dashboardName, queryDefinitionName } from "../naming";

const REGION_TYPE = "vpc-flow-monitor:monitoring:RegionInsights";
const DASHBOARD_TYPE = "vpc-flow-monitor:monitoring:Dashboard";

export interface RegionInsightsArgs {
    readonly stack: string;
    readonly logGroupNames: pulumi.Input<string>[];
    readonly fields: readonly FlowLogField[];
    /**
     * Create the Contributor Insights rules (top rejected sources and ports). They bill every
     * matched record per rule; the dashboard's Logs Insights widgets answer the same questions
     * when someone looks.
     * @default true
     */
    readonly contributorInsights?: boolean;
}

export class RegionInsights extends pulumi.ComponentResource {
    constructor(name: string, args: RegionInsightsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(REGION_TYPE, name, {}, opts);
        for (const query of logsInsightsQueries(args.fields)) {
            new aws.cloudwatch.QueryDefinition(
                `${name}-query-${query.name}`,
                {
                    name: queryDefinitionName(args.stack, query.name),
                    logGroupNames: args.logGroupNames,
                    queryString: query.query,
                },
                { parent: this },
            );
        }
        const rules = args.contributorInsights === false ? [] : contributorInsightsRules(args.stack, args.fields);
        for (const rule of rules) {
            new aws.cloudwatch.ContributorInsightRule(
                `${name}-${rule.key}`,
                { ruleName: rule.name, ruleState: "ENABLED", ruleDefinition: JSON.stringify(rule.definition) },
                { parent: this },
            );
        }
        this.registerOutputs({});
    }
}

export interface DashboardArgs {
    readonly stack: string;
    /** Per region, each VPC's log group and alarm ARNs (outputs, resolved when known). */
    readonly regions: pulumi.Input<DashboardRegion[]>;
}

export class Dashboard extends pulumi.ComponentResource {
    public readonly dashboardName: pulumi.Output<string>;

    constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super(DASHBOARD_TYPE, name, {}, opts);
        const dashboard = new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            {
                dashboardName: dashboardName(args.stack),
                dashboardBody: pulumi
                    .output(args.regions)
                    .apply((regions) => JSON.stringify(dashboardBody(args.stack, regions))),
            },
            { parent: this },
        );
        this.dashboardName = dashboard.dashboardName;
        this.registerOutputs({ dashboardName: this.dashboardName });
    }
}
