// Filled in by the amber issue.
export {};
