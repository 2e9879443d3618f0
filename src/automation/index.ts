export { optimizeBattery, costPlan, type OptimizeOptions, type OptimizeResult, type PlannedInterval } from "./optimizer/optimize.js";
export {
  parseOptimizeInput,
  optimizeInputSchema,
  type OptimizeInput,
  type OptimizeInterval,
  type BatteryParameters,
} from "./optimizer/input.js";
