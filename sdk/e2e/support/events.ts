/** An init script that records the script's DOM events in `window.seen`, before any page script runs. */
export function recordDomEvents(): void {
  window.seen = [];
  for (const type of ['starling:loaded', 'starling:before-send-data', 'starling:initialized', 'starling:tracker-changed']) {
    document.addEventListener(type, (event) => {
      const detail = (event as CustomEvent).detail as unknown;
      window.seen!.push({ type, detail: JSON.parse(JSON.stringify(detail)) });
    });
  }
}
