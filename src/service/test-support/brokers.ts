import { createServer, Socket, type Server } from "node:net";
import { Aedes } from "aedes";

/** A real broker for the bridge's tests, with a way to make it go away and come back on the same address. */
export interface TestBroker {
  readonly name: string;
  /** What the bridge connects to. */
  readonly url: string;
  /** The broker's own address (for wiping retained messages while the bridge's way in is down). */
  readonly directUrl: string;
  /** Drops every connection and stops listening; `whileDown` runs before it comes back on the same port. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

const listen = (server: Server, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });

function tracked(server: Server): { close(): Promise<void> } {
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** aedes in this process on 127.0.0.1: a restart is a new broker (its retained messages are gone, as after a broker restart without persistence). */
export async function startAedes(): Promise<TestBroker> {
  let broker = await Aedes.createBroker();
  let server = createServer(broker.handle);
  let closer = tracked(server);
  const port = await listen(server, 0);
  const url = `mqtt://127.0.0.1:${port}`;
  const stop = async () => {
    await closer.close();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  };
  return {
    name: "aedes",
    url,
    directUrl: url,
    async restart(whileDown) {
      await stop();
      await whileDown?.();
      broker = await Aedes.createBroker();
      server = createServer(broker.handle);
      closer = tracked(server);
      await listen(server, port);
    },
    close: stop,
  };
}

/**
 * An external broker (Mosquitto) behind a TCP relay in this process: a restart drops every
 * connection through the relay and stops listening (the bridge sees its broker gone), `whileDown`
 * may wipe what the broker retained, then the relay listens again on the same port.
 */
export async function relayTo(name: string, brokerUrl: string): Promise<TestBroker> {
  const target = new URL(brokerUrl);
  const make = () => {
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(Number(target.port || 1883), target.hostname);
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", end).on("close", end);
      upstream.on("error", end).on("close", end);
    });
    return { server, closer: tracked(server) };
  };
  let relay = make();
  const port = await listen(relay.server, 0);
  return {
    name,
    url: `mqtt://127.0.0.1:${port}`,
    directUrl: brokerUrl,
    async restart(whileDown) {
      await relay.closer.close();
      await whileDown?.();
      relay = make();
      await listen(relay.server, port);
    },
    close: () => relay.closer.close(),
  };
}
