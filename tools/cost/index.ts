/**
 * The cost engine: plan -> what it creates that AWS bills (planModel) -> quantities at a traffic
 * (billableItems, recordSize) -> dollars from the price table (priceTable, estimate) beside the
 * seed designs (seeds) -> text or JSON (format).
 */
export * from "./billableItems";
export * from "./estimate";
export * from "./format";
export * from "./planModel";
export * from "./priceTable";
export * from "./recordSize";
export * from "./report";
export * from "./seeds";
