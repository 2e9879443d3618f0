import type { CliPaths } from "./config/paths.js";
import type { Io } from "./io.js";
import type { Output } from "./output/output.js";

/**
 * What vendor plugins and the write flow need from the command that runs them: the streams, the
 * output layer, the paths (audit log, backups) and the command line (for the audit log). The
 * command context implements it; plugins depend on this small interface, not on the context
 * class, so that the context → registry → plugin → write flow chain does not lead back to it.
 */
export interface CommandHost {
  readonly io: Io;
  readonly out: Output;
  readonly paths: CliPaths;
  /** The command line as typed (for the audit log). */
  readonly argv: readonly string[];
}
