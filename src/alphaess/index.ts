// Filled in by the alphaess issue.
export {};
