// vpc-flow-monitor: flow logs, REJECT alarms and an analytics lake for every configured VPC.
// The program lives in program/main.ts so the offline plan runs exactly the same code.
import { runProgram } from "./program/main";

// An async entry point: Pulumi awaits it and exports what it returns as the stack outputs.
export = async () => runProgram();
