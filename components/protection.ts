/**
 * Which stacks keep their data when a resource is deleted or replaced.
 *
 * Outside throwaway environments the flow log archive and the alarm log groups are the record of
 * what happened on the network: losing them to a `pulumi destroy`, a rename or a replacement is
 * not recoverable. There they get `protect` (the engine refuses to delete them) and
 * `retainOnDelete` (if protection is lifted, deleting them from the stack leaves them in AWS),
 * and the bucket is never `forceDestroy`. Throwaway stacks can be torn down in one command.
 */
import * as pulumi from "@pulumi/pulumi";

/** Stack names treated as throwaway when `protectData` is not set: dev, test, sandbox, ci, with any suffix. */
const THROWAWAY_STACK = /^(dev|test|sandbox|ci)(?:[-_.].*)?$/;

export function protectDataByDefault(stack: string): boolean {
    return !THROWAWAY_STACK.test(stack);
}

export interface DataProtection {
    readonly protectData: boolean;
    /** Resource options for resources that hold data. */
    readonly options: Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete">;
    /** S3 `forceDestroy`: empty the bucket on deletion; only where data is not protected. */
    readonly forceDestroy: boolean;
}

export function dataProtection(configured: boolean | undefined, stack: string): DataProtection {
    const protectData = configured ?? protectDataByDefault(stack);
    return {
        protectData,
        options: protectData ? { protect: true, retainOnDelete: true } : {},
        forceDestroy: !protectData,
    };
}
