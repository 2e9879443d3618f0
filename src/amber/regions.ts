/**
 * Amber's regions. They live with the Amber client, not in core: they are the path parameter of
 * one Amber endpoint, in Amber's spelling, and no other vendor or the model uses them (NEM time,
 * which every NEM region shares, is in core/time/nem.ts).
 *
 * The four regions Amber's renewables endpoint serves (`/state/{state}/renewables/current`), in
 * the lower case the API expects. There is no `tas`: Tasmania is not in the list, and any other
 * value is answered with 404 "State not found".
 */
export const State = {
  NSW: "nsw",
  QLD: "qld",
  SA: "sa",
  VIC: "vic",
  /** Long names, as in the Python original (`State.VICTORIA`). */
  NEW_SOUTH_WALES: "nsw",
  QUEENSLAND: "qld",
  SOUTH_AUSTRALIA: "sa",
  VICTORIA: "vic",
} as const;

export type State = (typeof State)[keyof typeof State];

/** Every state, once each (the Python original's `list(State)`). */
export const STATES: readonly State[] = Object.freeze(["nsw", "qld", "sa", "vic"] as const);

export function isState(value: unknown): value is State {
  return typeof value === "string" && (STATES as readonly string[]).includes(value);
}
