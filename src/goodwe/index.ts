// Filled in by the goodwe issue.
export {};
