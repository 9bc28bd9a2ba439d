/** The validated plan's types live beside the core that runs them (engine/core/plan-types.ts). */
export * from "../core/plan-types.ts";
