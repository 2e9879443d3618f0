import cliProgress from "cli-progress";
import type { OutStream } from "../io.js";

export interface Progress {
  /** Moves the bar forward; `label` names what is being fetched. */
  tick(amount?: number, label?: string): void;
  setTotal(total: number): void;
  stop(): void;
}

const silent: Progress = { tick() {}, setTotal() {}, stop() {} };

/**
 * A progress bar on stderr, only when stderr is a terminal: redirected output and scripts see
 * nothing, so `--csv > file` stays clean.
 */
export function createProgress(stream: OutStream, options: { total: number; title: string; enabled?: boolean }): Progress {
  if (options.enabled === false || stream.isTTY !== true) return silent;
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as unknown as NodeJS.WritableStream,
      // The estimate is cli-progress's, from the pace so far (a rate-limited run slows it honestly).
      format: `${options.title} [{bar}] {value}/{total} eta {eta_formatted} {label}`,
      etaBuffer: 5,
      hideCursor: true,
      clearOnComplete: true,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total, 0, { label: "" });
  let stopped = false;
  return {
    tick(amount = 1, label = "") {
      if (!stopped) bar.increment(amount, { label });
    },
    setTotal(total) {
      if (!stopped) bar.setTotal(total);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
