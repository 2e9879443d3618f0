export * from "./calendar-date.js";
export * from "./zoned.js";
export * from "./nem.js";
export * from "./schedule-grid.js";
