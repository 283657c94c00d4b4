/**
 * Which stacks keep their data when a resource is deleted or replaced.
 *
 * Outside throwaway environments the flow log archive and the alarm log groups are the record of
 * what happened on the network: losing them to a `pulumi destroy`, a rename or a replacement is
 * not recoverable. There they get `protect` (the engine refuses to delete them) and
 * `retainOnDelete` (if protection is lifted, deleting them from the stack leaves them in AWS),
 * and the bucket is never `forceDestroy`. Throwaway stacks can be torn down in one command.
 * AnalyticsLake (protectData) and MonitoredVpc (protectLogGroup) turn the decision into options.
 */

/** Stack names treated as throwaway when `protectData` is not set: dev, test, sandbox, ci, with any suffix. */
const THROWAWAY_STACK = /^(dev|test|sandbox|ci)(?:[-_.].*)?$/;

export function protectDataByDefault(stack: string): boolean {
    return !THROWAWAY_STACK.test(stack);
}

/** Whether this stack protects its data: `protectData` when configured, else the stack's default. */
export function protectsData(configured: boolean | undefined, stack: string): boolean {
    return configured ?? protectDataByDefault(stack);
}
