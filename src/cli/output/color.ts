import picocolors from "picocolors";
import type { Io } from "../io.js";

export type Colors = ReturnType<typeof picocolors.createColors>;

/**
 * Colour only on a terminal: never with `--no-color` or a non-empty `NO_COLOR` (https://no-color.org),
 * always with `FORCE_COLOR` (other than "0") otherwise.
 */
export function useColor(io: Pick<Io, "stdout" | "env">, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== "") return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== "" && force !== "0" && force !== "false") return true;
  return io.stdout.isTTY === true;
}

export function colors(enabled: boolean): Colors {
  return picocolors.createColors(enabled);
}
