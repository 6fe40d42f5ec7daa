// What the script defines on window, for page.evaluate() callbacks in the specs.
interface StarlingApi {
  sendEvents(events: unknown, options?: { entityInfo?: unknown; cart?: unknown }): Promise<void>;
  getTrackerId(): string | null;
  readonly version: string;
}

interface Window {
  starling?: StarlingApi;
  cnEvents?: StarlingApi;
  /** Filled by the specs' init scripts with the DOM events the script fired. */
  seen?: { type: string; detail: unknown }[];
}
