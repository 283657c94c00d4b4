/** Generated stack configs for the scale benchmarks: N VPCs spread over four regions. */
export const BENCH_REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"] as const;

/** A valid config with `vpcs` VPCs, alternately created (/24 blocks) and adopted. */
export function scaleConfig(vpcs: number): Record<string, unknown> {
    const perRegion: { region: string; vpcs: object[] }[] = BENCH_REGIONS.map((region) => ({ region, vpcs: [] }));
    for (let i = 0; i < vpcs; i++) {
        const name = `vpc-${String(i).padStart(4, "0")}`;
        const vpc =
            i % 2 === 0
                ? { name, cidrBlock: `10.${Math.floor(i / 256) % 256}.${i % 256}.0/24` }
                : { name, vpcId: `vpc-${i.toString(16).padStart(17, "0")}` };
        perRegion[i % BENCH_REGIONS.length].vpcs.push(vpc);
    }
    return {
        "aws:region": BENCH_REGIONS[0],
        "vpc-flow-monitor:regions": perRegion.filter((r) => r.vpcs.length > 0),
    };
}
