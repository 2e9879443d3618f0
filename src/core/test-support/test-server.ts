import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A throwaway HTTP server on 127.0.0.1 for transport tests; each request goes to `handler`. */
export async function startTestServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
  options: {
    /** Holds the first connection this long before reading it, like a slow TCP/TLS handshake. */
    firstConnectionDelayMs?: number;
  } = {},
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hits++;
      handler(req, res, Buffer.concat(chunks).toString("utf8"));
    });
  });
  server.on("connection", (socket: Socket) => {
    if (connections++ > 0 || !options.firstConnectionDelayMs) return;
    socket.pause();
    setTimeout(() => socket.resume(), options.firstConnectionDelayMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 with nothing listening (connections are refused). */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
