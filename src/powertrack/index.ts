// Filled in by the powertrack issue.
export {};
