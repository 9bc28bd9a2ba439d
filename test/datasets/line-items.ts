/** The seeded line-item export generator lives with the example data (datasets/line-items-example.ts). */
export { lineItemConfig, lineItems } from "../../datasets/line-items-example.ts";
export type { LineItemOptions, LineItemTruth } from "../../datasets/line-items-example.ts";
