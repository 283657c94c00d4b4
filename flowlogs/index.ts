/**
 * The pure kernel shared by the library, the policy pack and the offline tools: the flow log field
 * table and the formats made from it, the record parser, and CloudWatch filter patterns (grammar,
 * evaluation, typed match, analysis over the fields' value domains). No Pulumi imports, no I/O.
 */
export * from "./fields";
export * from "./patternSyntax";
export * from "./patternEvaluation";
export * from "./flowMatch";
export * from "./valueDomains";
export * from "./patternAnalysis";
