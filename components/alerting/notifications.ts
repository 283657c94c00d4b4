/**
 * Notifications: one SNS topic per region (a CloudWatch alarm can only notify a topic in its own
 * region), email subscriptions, and optionally one Slack channel through AWS Chatbot for the stack.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmTopicPolicy, chatbotNotificationsPolicy, chatbotTrustPolicy } from "../policyDocuments";
import { alarmTopicDisplayName, alarmTopicName, chatbotConfigurationName } from "../naming";
import { throwIfInvalid } from "../invalidArgs";
import { alarmTopicProblems, slackChannelProblems } from "../validation";

const TOPIC_TYPE = "vpc-flow-monitor:notifications:AlarmTopic";
const SLACK_TYPE = "vpc-flow-monitor:notifications:SlackChannel";

/** Chatbot's API lives in a few regions only; configurations are global and take topics from any region. */
export const CHATBOT_API_REGION = "us-east-2";

export interface AlarmTopicArgs {
    readonly stack: string;
    readonly region: string;
    readonly accountId: pulumi.Input<string>;
    readonly partition: pulumi.Input<string>;
    /**
     * Addresses subscribed by email; each must confirm the subscription AWS mails to it.
     * @default []
     */
    readonly emails?: readonly string[];
}

export class AlarmTopic extends pulumi.ComponentResource {
    public readonly topicArn: pulumi.Output<string>;

    constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(`AlarmTopic "${name}"`, alarmTopicProblems(args));
        super(TOPIC_TYPE, name, {}, opts);
        const topic = new aws.sns.Topic(
            `${name}-topic`,
            // Not encrypted with the AWS-managed SNS key: CloudWatch alarms cannot publish to such a topic.
            { name: alarmTopicName(args.stack), displayName: alarmTopicDisplayName(args.stack, args.region) },
            { parent: this },
        );
        new aws.sns.TopicPolicy(
            `${name}-topicPolicy`,
            {
                arn: topic.arn,
                policy: pulumi
                    .all([topic.arn, args.accountId, args.partition])
                    .apply(([topicArn, accountId, partition]) =>
                        JSON.stringify(alarmTopicPolicy({ topicArn, accountId, partition, region: args.region })),
                    ),
            },
            { parent: this },
        );
        (args.emails ?? []).forEach(
            (email, i) =>
                new aws.sns.TopicSubscription(
                    `${name}-email-${i}`,
                    { topic: topic.arn, protocol: "email", endpoint: email },
                    { parent: this },
                ),
        );
        this.topicArn = topic.arn;
        this.registerOutputs({ topicArn: this.topicArn });
    }
}

export interface SlackChannelArgs {
    readonly stack: string;
    readonly workspaceId: string;
    readonly channelId: string;
    readonly topicArns: pulumi.Input<string>[];
}

/** AWS Chatbot (now "Amazon Q Developer in chat applications") posting every region's alarms to one Slack channel. */
export class SlackChannel extends pulumi.ComponentResource {
    constructor(name: string, args: SlackChannelArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(`SlackChannel "${name}"`, slackChannelProblems(args));
        super(SLACK_TYPE, name, {}, opts);
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: "AWS Chatbot channel role for vpc-flow-monitor alarms",
                assumeRolePolicy: JSON.stringify(chatbotTrustPolicy()),
            },
            { parent: this },
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-rolePolicy`,
            { role: role.id, policy: JSON.stringify(chatbotNotificationsPolicy()) },
            { parent: this },
        );
        new aws.chatbot.SlackChannelConfiguration(
            `${name}-configuration`,
            {
                region: CHATBOT_API_REGION,
                configurationName: chatbotConfigurationName(args.stack),
                slackTeamId: args.workspaceId,
                slackChannelId: args.channelId,
                iamRoleArn: role.arn,
                // The guardrail caps what any channel member can do through the role, whatever it is given later.
                guardrailPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                snsTopicArns: args.topicArns,
                loggingLevel: "ERROR",
            },
            { parent: this, dependsOn: [rolePolicy] },
        );
        this.registerOutputs({});
    }
}
