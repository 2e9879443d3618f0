/**
 * What a framing layer makes of the bytes received so far for one request: not enough yet
 * (`partial`, wait for the next datagram or TCP chunk), not an answer to this request (`invalid`,
 * e.g. a late reply to an earlier request), or a complete answer of `length` bytes.
 */
export type FrameAssessment<T> =
  { status: "partial" } | { status: "invalid"; reason: string; length?: number } | { status: "complete"; value: T; length: number };
