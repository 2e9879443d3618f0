import type { PowerTrackClient } from "../client.js";

/** A group of the client's methods (`client.sites`, `client.hardware`, …), sharing its transport, credentials and budget. */
export abstract class PowerTrackResource {
  constructor(protected readonly client: PowerTrackClient) {}
}
