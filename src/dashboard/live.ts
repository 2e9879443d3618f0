import { API, authHeaders } from "./api.js";

/**
 * The service's Server-Sent Events, read with fetch (an EventSource cannot send the token a service
 * beyond 127.0.0.1 asks for). Reconnects with back-off until stopped.
 */
export function connectEvents(onEvent: (type: string, data: unknown) => void, onState: (connected: boolean) => void): () => void {
  let stopped = false;
  let controller: AbortController | undefined;
  const dispatch = (block: string) => {
    let type = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) type = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length === 0) return;
    try {
      onEvent(type, JSON.parse(data.join("\n")));
    } catch (error) {
      console.warn("event not understood", type, error);
    }
  };
  const run = async () => {
    let delay = 1000;
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(`${API}/events`, { headers: { accept: "text/event-stream", ...authHeaders() }, signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
        onState(true);
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, "\n");
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // The connection broke or was stopped: said by onState, retried below.
      }
      onState(false);
      if (stopped) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
