export { optimizeBattery, costPlan, type OptimizeOptions, type OptimizeResult, type PlannedInterval } from "./optimizer/optimize.js";
export {
  parseOptimizeInput,
  optimizeInputSchema,
  type OptimizeInput,
  type OptimizeInterval,
  type BatteryParameters,
} from "./optimizer/input.js";
export { compileSchedule, type CompileOptions, type CompiledPlan } from "./compile/compile.js";
export { simulateSchedule, type DeviceKind, type SimBattery, type SimStep, type SimOutcome } from "./compile/behaviour.js";
export { pricesFromAmber, type PriceForecast } from "./forecast/prices.js";
export { forecastLoadPv, type HistorySample, type LoadPvForecast, type ProfileOptions } from "./forecast/history.js";
export * from "./forecast/open-meteo-api.js";
export { AutomationController, type AutomationControllerOptions, type AutomationDecision, type AutomationMode } from "./controller.js";
export { runBacktest, type BacktestOptions, type BacktestResult, type StrategyResult } from "./backtest/backtest.js";
export { backtestSvg } from "./backtest/chart.js";
